"""What the CLI prints: tables for a terminal, CSV rows for a pipe, the build's summary."""

from __future__ import annotations

import csv
import json
import logging
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console
from rich.logging import RichHandler
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from peninsula.errors import NotFound
from peninsula.outputs import neutralise_cell
from peninsula.records import MergedCommitment, MergedEvent, MergedStatement

if TYPE_CHECKING:  # the store and the queries load with the command that reads them
    from peninsula.pipeline import BuildReport
    from peninsula.query import DyadMonth, TimelineRow
    from peninsula.store import Store, StoredActor, StoredDocument

    Found = StoredDocument | MergedEvent | MergedStatement | MergedCommitment | StoredActor

console = Console()
errors = Console(stderr=True)
log = logging.getLogger("peninsula")


DYAD_COLUMNS = (
    "a", "b", "month", "mean_goldstein", "actual", "pledged", "hypothetical", "negated",
    "event_ids", "other_ids",
)  # fmt: skip


def dyad_record(month: DyadMonth) -> dict[str, Any]:
    return {
        "a": month.a,
        "b": month.b,
        "month": month.month,
        "mean_goldstein": month.mean_goldstein,
        "actual": month.count,
        "pledged": month.pledged,
        "hypothetical": month.hypothetical,
        "negated": month.negated,
        "event_ids": list(month.event_ids),
        "other_ids": list(month.other_ids),
    }


CSV_COLUMNS = ("date", "date_precision", "kind", "summary", "modality", "sources", "actors",
                "actor_ids", "documents", "goldstein", "code", "status", "id", "evidence",
                "urls")  # fmt: skip


def write_timeline_csv(rows: list[TimelineRow], urls: Mapping[str, str | None]) -> None:
    """The timeline as CSV on stdout; `urls`: each document's URL, by document id."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        documents = list(dict.fromkeys(e.document_id for e in row.evidence))
        cells = [
            row.date or "",
            row.date_precision or "",
            row.kind,
            row.summary,
            row.modality,
            row.sources,
            "; ".join(a.name for a in row.actors),
            "; ".join(a.id for a in row.actors),
            "; ".join(documents),
            "" if row.goldstein is None else row.goldstein,
            row.code or "",
            row.status or "",
            row.id,
            " | ".join(dict.fromkeys(e.sentence for e in row.evidence)),
            " | ".join(u for u in dict.fromkeys(urls.get(d) for d in documents) if u),
        ]
        writer.writerow([neutralise_cell(cell) for cell in cells])


def print_timeline(rows: list[TimelineRow], urls: Mapping[str, str | None]) -> None:
    """The timeline as a table: its evidence (the first report's sentence and URL) and its id
    in full, so that `peninsula show ID` finds the row."""
    table = Table(title=f"timeline ({len(rows)} rows)")
    table.add_column("date", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("actors", max_width=24)
    table.add_column("summary", min_width=30)
    table.add_column("modality", no_wrap=True)
    table.add_column("src", justify="right")
    table.add_column("evidence", min_width=20, max_width=60)
    table.add_column("url", overflow="fold")
    table.add_column("id", overflow="fold")
    for row in rows:
        first = row.evidence[0] if row.evidence else None
        # Text cells: a summary's "[pledged]" is data, not Rich markup.
        table.add_row(
            Text(row.date or "undated"),
            Text(row.kind),
            Text(", ".join(a.name for a in row.actors if a.role != "reported_by")),
            Text(_one_line(row.summary)),
            Text(row.modality),
            Text(str(row.sources)),
            Text(_one_line(first.sentence) if first else ""),
            Text((urls.get(first.document_id) if first else None) or ""),
            Text(row.id),
        )
    print_table(table)


def _one_line(text: str) -> str:
    """A cell's text on one line: a sentence may span lines of its article."""
    return " ".join(text.split())


def print_table(table: Table) -> None:
    """A table on stdout: fitted to a terminal, or at its full width for a pipe or a file (no
    cell cut nor wrapped at 80 columns)."""
    if console.is_terminal:
        console.print(table)
        return
    for column in table.columns:  # one line per row
        column.max_width, column.no_wrap = None, True
    wide = console.options.update_width(_UNBOUNDED)
    width = Measurement.get(console, wide, table).maximum
    Console(file=console.file, width=max(width, 20)).print(table, crop=False)


_UNBOUNDED = 1_000_000


def articles_of(report: BuildReport) -> tuple[int, int]:
    """(articles done, articles in all): the total is estimated from the inputs read so far
    (an input may hold many articles) and is exact once every input is read."""
    done = report.read
    if report.inputs_done >= report.inputs:
        return done, done
    per_input = done / report.inputs_done if report.inputs_done else 1.0
    return done, max(done, round(per_input * report.inputs))


class BuildProgress:
    """Progress of a build in articles, with the time left: a Rich bar on a terminal, a log
    line every `every` seconds otherwise (and none with --quiet)."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._started = time.monotonic()
        self._logged = self._started

    def __enter__(self) -> BuildProgress:
        self._started = self._logged = time.monotonic()
        if errors.is_terminal and log.isEnabledFor(logging.INFO):
            self._bar = progress_bar()
            self._bar.start()
            self._task = self._bar.add_task("building", total=None)
        return self

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, report: BuildReport) -> None:
        done, total = articles_of(report)
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task,
                total=total,
                completed=done,
                description=f"{report.added} added, {report.unchanged} unchanged",
            )
            return
        now = time.monotonic()
        finished = report.inputs_done >= report.inputs
        if finished or now - self._logged >= self.every:
            self._logged = now
            log.info("%s", progress_line(done, total, now - self._started))


def progress_line(done: int, total: int, elapsed: float) -> str:
    """'120/400 articles, 2m 20s left' ('done in ...' once all are read)."""
    if done >= total:
        return f"{done}/{total} articles, done in {_duration(elapsed)}"
    if done == 0:
        return f"0/{total} articles"
    left = elapsed / done * (total - done)
    return f"{done}/{total} articles, {_duration(left)} left"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


def configure_logging(verbose: bool, quiet: bool) -> None:
    """Log records of peninsula (and warnings of any library) to stderr: INFO by default,
    DEBUG with --verbose, WARNING with --quiet. On a terminal through Rich's handler; otherwise
    one plain line per record ('INFO 40/40 articles, done in 12s'), never wrapped."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler: logging.Handler
    if errors.is_terminal:
        handler = RichHandler(console=errors, show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    log.setLevel(level)


def print_documents(documents: list[StoredDocument], limit: int = 20) -> None:
    table = Table(title=f"documents ({len(documents)}; newest {min(limit, len(documents))} shown)")
    for column, width in (
        ("id", 16),
        ("outlet", 6),
        ("published", 10),
        ("precision", 9),
        ("conf.", 5),
    ):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("title or lead", no_wrap=True, overflow="ellipsis", max_width=40)
    newest = sorted(documents, key=lambda d: d.published or "", reverse=True)[:limit]
    for d in newest:
        table.add_row(
            d.id,
            d.outlet or "-",
            d.published or "unknown",
            d.date_precision or "-",
            f"{d.date_confidence:.2f}",
            d.title or d.text[:80],
        )
    print_table(table)


def print_summary(report: BuildReport, counts: dict[str, int], db: Path) -> None:
    table = Table(title=f"peninsula knowledge base: {db}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name in ("documents", "actors", "mentions"):
        table.add_row(name, str(counts[name]))
    for name in ("statements", "events", "commitments"):
        merged = counts.get(f"{name} merged", counts[name])
        table.add_row(name, f"{counts[name]} found, {merged} after merging")
    table.add_section()
    table.add_row("articles read this run", str(report.read))
    table.add_row("added", str(report.added))
    table.add_row("unchanged", str(report.unchanged))
    table.add_row("same text, new origin", str(report.merged))
    table.add_row("skipped inputs", str(len(report.skipped)))
    print_table(table)
    if report.unchanged and not report.added:
        console.print(f"{report.unchanged} unchanged: nothing new to add", highlight=False)
    for item in report.skipped:
        console.print(
            f"skipped: {item.origin}: {item.reason}", highlight=False, markup=False, soft_wrap=True
        )


RecordKind = Literal["document", "event", "statement", "commitment", "actor"]


def find_record(store: Store, ident: str) -> tuple[RecordKind, Found]:
    """The record `ident` names: an actor id, an event, statement or commitment id (merged, or
    one report of it: its merged record is found), or a document id or unique prefix of it."""
    for actor in store.actors():
        if actor.id == ident:
            return "actor", actor
    if ":" in ident:
        for event in store.merged_events():
            if ident == event.id or ident in event.member_ids:
                return "event", event
        for statement in store.merged_statements():
            if ident == statement.id or ident in statement.member_ids:
                return "statement", statement
        for commitment in store.merged_commitments():
            if ident == commitment.id or ident in commitment.member_ids:
                return "commitment", commitment
        raise NotFound(f"no event, statement or commitment {ident!r}")
    try:
        return "document", store.document(ident)
    except NotFound as exc:
        if "ambiguous" in str(exc):
            raise
        raise NotFound(f"no document, event, statement, commitment or actor {ident!r}") from None


def record_json(kind: RecordKind, record: Found) -> str:
    """The record as JSON, its kind under "type"."""
    payload = {"type": kind, **asdict(record)}
    return json.dumps(payload, default=str, ensure_ascii=False, indent=2) + "\n"


def print_record(kind: RecordKind, record: Found, asked: str) -> None:
    """A record for reading: what kind it is, its fields, then the evidence behind it."""
    from peninsula.store import StoredActor, StoredDocument

    merged = kind in ("event", "statement", "commitment") and record.id != asked
    member = f" (the merged record of report {asked})" if merged else ""
    console.rule(Text(f"{kind} {record.id}{member}"))
    if isinstance(record, StoredDocument):
        _print_document(record)
    elif isinstance(record, StoredActor):
        _field("name", record.name)
        _field("kind", record.kind)
        _field("country", record.country)
        _field("aliases", "; ".join(record.aliases))
        _field("verified", str(record.verified).lower())
        for role in record.roles:
            span = f" {role.start or '…'}–{role.end or ''}" if role.start or role.end else ""
            of = f" of {role.of}" if role.of else ""
            _field("role", f"{role.title}{of}{span}" + (f" ({role.source})" if role.source else ""))
    elif isinstance(record, MergedEvent):
        _field("date", f"{record.date or 'undated'} ({record.date_precision or '-'})")
        _field("actors", f"{record.source or record.source_text} -> "
                         f"{record.target or record.target_text or '-'}")  # fmt: skip
        mode = f", mode {record.mode}" if record.mode else ""
        _field("code", f"{record.code} (root {record.root}, {record.category}{mode})")
        _field("modality", record.modality)
        _field("goldstein", None if record.goldstein is None else f"{record.goldstein:+.1f}")
        _field("summary", record.summary)
        _field("reports", f"{record.reports} in {record.sources} sources")
        for report in record.evidence:
            _evidence(report.outlet, report.published, report.url, report.sentence)
    elif isinstance(record, MergedStatement):
        _field("speaker", record.speaker or record.speaker_text)
        _field("kind", record.kind)
        _field("date", f"{record.date or 'undated'} ({record.date_precision or '-'})")
        _field("text", record.text)
        _field("reports", f"{record.reports} in {record.sources} sources")
        for item in record.evidence:
            _evidence(item.outlet, item.published, item.url, item.text)
    else:
        _field("actor", record.actor or record.actor_text)
        _field("target", record.target)
        _field("text", record.text)
        _field("status", f"{record.status}" + (
            f" (by {record.status_evidence})" if record.status_evidence else ""))  # fmt: skip
        _field("stated", f"{record.first_stated or '?'} to {record.last_stated or '?'},"
                         f" {record.count} times in {record.sources} sources")  # fmt: skip
        for wording in record.mentions:
            _evidence(wording.outlet, wording.published, None, wording.text)


def _field(name: str, value: str | None) -> None:
    console.print(Text(f"{name:<10}{value if value not in (None, '') else '-'}"))


def _evidence(outlet: str | None, published: str | None, url: str | None, text: str) -> None:
    where = ", ".join(p for p in (outlet, published, url) if p) or "unknown source"
    console.print(Text(f"  + {where}: {text}"))


def _print_document(record: StoredDocument) -> None:
    console.print(f"title     {record.title or '-'}", highlight=False, markup=False)
    console.print(f"outlet    {record.outlet or '-'}", highlight=False, markup=False)
    console.print(f"origins   {', '.join(record.origins)}", highlight=False, markup=False)
    console.print(
        f"published {record.published or 'unknown'} ({record.date_precision or '-'},"
        f" confidence {record.date_confidence:.2f})",
        highlight=False,
    )
    for item in record.date_evidence:
        console.print(
            f"  + {item.signal}: {item.value} (weight {item.weight})", highlight=False, markup=False
        )
    for conflict in record.date_conflicts:
        console.print(
            f"  - {conflict.signal}: {conflict.value}, rejected: {conflict.reason}",
            highlight=False,
            markup=False,
        )
    console.print()
    console.print(record.text, highlight=False, markup=False)
