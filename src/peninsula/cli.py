"""peninsula: news articles to a sourced, time-resolved knowledge base."""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from peninsula.errors import PeninsulaError, SettingsError, StoreOutdated
from peninsula.knowledge import Knowledge, check_actor_file, load_knowledge
from peninsula.outputs import neutralise_cell
from peninsula.query import KINDS, DyadMonth, TimelineRow, dyads, timeline
from peninsula.report import write_report
from peninsula.settings import Settings
from peninsula.store import Store, StoredDocument

if TYPE_CHECKING:
    from peninsula.pipeline import BuildReport

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()
errors = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

ActorsOption = Annotated[
    list[Path] | None,
    typer.Option("--actors", help="Extra actor file (CSV or JSONL); repeat for several"),
]
DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file [default: ./peninsula.duckdb]")
]
FormatOption = Annotated[str, typer.Option("--format", metavar="FORMAT", help="table, json or csv")]


def _for_query(fmt: str, actors: list[Path] | None) -> tuple[Settings, Knowledge]:
    """Settings and knowledge for a query command, once its output format is known to be good."""
    if fmt not in ("table", "json", "csv"):
        raise SettingsError(f"--format must be table, json or csv, got {fmt!r}")
    settings = Settings.from_env()
    return settings, load_knowledge((*settings.actors_files, *(actors or [])))


@contextmanager
def _reading(path: Path, settings: Settings) -> Iterator[Store]:
    """The store opened read-only; one built by an older peninsula is migrated and its merged
    records computed first (once: the store is then current)."""
    try:
        store = Store(path, read_only=True)
    except StoreOutdated:
        from peninsula.pipeline import update  # merging loads with the update only

        errors.print(f"updating {path} (built by an older peninsula)", highlight=False)
        with Store(path) as writable:
            update(writable, load_knowledge(settings.actors_files), settings)
        store = Store(path, read_only=True)
    with store:
        yield store


def _fails_cleanly(command: F) -> F:
    """One clear line on stderr and exit status 1 for any PeninsulaError."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PeninsulaError as exc:
            errors.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except (duckdb.Error, OSError) as exc:
            # What the store did not name itself: a damaged database, a full or read-only disk.
            errors.print(f"error: {_one_line(exc)}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            errors.print("interrupted: the batch in progress was rolled back", highlight=False)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _say_replaced(path: Path) -> None:
    errors.print(f"replaced: {path}", markup=False, highlight=False, soft_wrap=True)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def example_corpus() -> Path:
    return Path(str(resources.files("peninsula") / "examples"))


@app.command("build")
@_fails_cleanly
def build_command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders (recursive) or - for stdin")
    ] = None,
    db: DbOption = None,
    actors: ActorsOption = None,
) -> None:
    """Ingest articles into the knowledge base; with no PATH, the bundled example corpus."""
    from peninsula.pipeline import build  # spaCy and the embedder load with the build only

    settings = Settings.from_env()
    knowledge = load_knowledge((*settings.actors_files, *(actors or [])))
    inputs = paths or [str(example_corpus())]
    with Store(db or settings.db_path) as store, _progress() as progress:
        task = progress.add_task("building", total=None)

        def update(report: BuildReport) -> None:
            progress.update(
                task,
                total=report.inputs,
                completed=report.inputs_done,
                description=f"{report.read} articles read, {report.added} added",
            )

        report = build(inputs, store, knowledge, settings, date.today(), on_progress=update)
        counts = store.counts()
        documents = store.documents()
    _print_summary(report, counts, db or settings.db_path)
    _print_documents(documents)


@app.command("export")
@_fails_cleanly
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the export files")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, parquet or csv")] = "jsonl",
    partition: Annotated[
        str | None,
        typer.Option("--partition", help="month: a Hive-style Parquet lake (year=/month=)"),
    ] = None,
) -> None:
    """Write documents, actors, statements, events and commitments files."""
    if fmt not in ("jsonl", "parquet", "csv"):
        raise typer.BadParameter("--format must be jsonl, parquet or csv")
    if partition not in (None, "month") or (partition and fmt != "parquet"):
        raise typer.BadParameter("--partition month goes with --format parquet")
    settings = Settings.from_env()
    with _reading(db or settings.db_path, settings) as store:
        written = store.export(
            out,
            fmt,  # type: ignore[arg-type]
            on_replace=_say_replaced,
            partition=partition,  # type: ignore[arg-type]
        )
    for path in written:
        console.print(str(path), highlight=False, soft_wrap=True)


@app.command("show")
@_fails_cleanly
def show_command(
    doc_id: Annotated[str, typer.Argument(help="Document id or a unique prefix of it")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON")] = False,
) -> None:
    """The cleaned document, its publication date and the evidence behind it."""
    settings = Settings.from_env()
    with _reading(db or settings.db_path, settings) as store:
        record = store.document(doc_id)
    if as_json:
        payload = asdict(record)
        sys.stdout.write(json.dumps(payload, default=str, ensure_ascii=False, indent=2) + "\n")
        return
    console.rule(record.title or record.id)
    console.print(f"id        {record.id}", highlight=False)
    console.print(f"outlet    {record.outlet or '-'}", highlight=False)
    console.print(f"origins   {', '.join(record.origins)}", highlight=False)
    published = record.published or "unknown"
    console.print(
        f"published {published} ({record.date_precision or '-'},"
        f" confidence {record.date_confidence:.2f})",
        highlight=False,
    )
    for item in record.date_evidence:
        console.print(f"  + {item.signal}: {item.value} (weight {item.weight})", highlight=False)
    for conflict in record.date_conflicts:
        console.print(
            f"  - {conflict.signal}: {conflict.value}, rejected: {conflict.reason}",
            highlight=False,
        )
    console.print()
    console.print(record.text, highlight=False, markup=False)


@app.command("timeline")
@_fails_cleanly
def timeline_command(
    db: DbOption = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", metavar="NAME", help="Only facts involving this actor: id, name, alias"
        ),
    ] = None,
    dyad: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--dyad",
            metavar="A B",
            help="Only events between A and B, either way; a state includes its people",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="From this date: YYYY, YYYY-MM, YYYY-MM-DD"),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this date, inclusive")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", metavar="KIND", help="event, statement or commitment; repeat for several"
        ),
    ] = None,
    fmt: FormatOption = "table",
    actors: ActorsOption = None,
) -> None:
    """Events, statements and commitments in date order, with their sources."""
    settings, knowledge = _for_query(fmt, actors)
    with _reading(db or settings.db_path, settings) as store:
        rows = timeline(
            store,
            knowledge,
            actor=actor,
            dyad=dyad,
            since=since,
            until=until,
            kinds=tuple(kind) if kind else KINDS,
        )
    if fmt == "json":
        payload = [row.as_dict() for row in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_timeline_csv(rows)
    else:
        _print_timeline(rows)


@app.command("dyads")
@_fails_cleanly
def dyads_command(
    db: DbOption = None,
    pair: Annotated[
        tuple[str, str] | None,
        typer.Option("--pair", metavar="A B", help="Only this pair of states (or their people)"),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="From this month: YYYY, YYYY-MM")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this month, inclusive")
    ] = None,
    fmt: FormatOption = "table",
    actors: ActorsOption = None,
) -> None:
    """Relations per pair of states per month: mean Goldstein over actual events, and counts."""
    settings, knowledge = _for_query(fmt, actors)
    with _reading(db or settings.db_path, settings) as store:
        months = dyads(store, knowledge, pair=pair, since=since, until=until)
    records = [_dyad_record(m) for m in months]
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(_DYAD_COLUMNS)
        for record in records:
            writer.writerow(
                [
                    neutralise_cell("; ".join(v) if isinstance(v, list) else "" if v is None else v)
                    for v in (record[c] for c in _DYAD_COLUMNS)
                ]
            )
    else:
        table = Table(title=f"dyads ({len(records)} pair-months)")
        for column in ("a", "b", "month", "mean Goldstein", "actual", "pledged", "hypo.", "neg."):
            table.add_column(column, no_wrap=True)
        for r in records:
            mean = "-" if r["mean_goldstein"] is None else f"{r['mean_goldstein']:+.2f}"
            table.add_row(
                r["a"], r["b"], r["month"], mean, str(r["actual"]), str(r["pledged"]),
                str(r["hypothetical"]), str(r["negated"]),
            )  # fmt: skip
        console.print(table)


_DYAD_COLUMNS = (
    "a", "b", "month", "mean_goldstein", "actual", "pledged", "hypothetical", "negated",
    "event_ids", "other_ids",
)  # fmt: skip


def _dyad_record(month: DyadMonth) -> dict[str, Any]:
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


@app.command("report")
@_fails_cleanly
def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML report")],
    db: DbOption = None,
    actors: ActorsOption = None,
) -> None:
    """Write a self-contained HTML report (timeline, commitments, actors, documents, dyads)."""
    settings = Settings.from_env()
    knowledge = load_knowledge((*settings.actors_files, *(actors or [])))
    with _reading(db or settings.db_path, settings) as store:
        index = write_report(store, knowledge, out, on_replace=_say_replaced)
    console.print(str(index), highlight=False, soft_wrap=True)


actors_app = typer.Typer(no_args_is_help=True, help="The actor knowledge base.")
app.add_typer(actors_app, name="actors")


@actors_app.command("check")
@_fails_cleanly
def actors_check_command(
    files: Annotated[list[Path], typer.Argument(help="Actor files to validate (CSV or JSONL)")],
) -> None:
    """Validate actor files against the shipped knowledge base: ids, dates, overlapping roles."""
    for path in files:
        console.print(check_actor_file(path), highlight=False, soft_wrap=True)


@actors_app.command("list")
@_fails_cleanly
def actors_list_command(
    db: DbOption = None,
    unverified: Annotated[bool, typer.Option(help="Only actors found in articles")] = False,
) -> None:
    """The actors in the knowledge base, with their dated roles."""
    settings = Settings.from_env()
    with _reading(db or settings.db_path, settings) as store:
        rows = store.actors()
    table = Table()
    for column in ("id", "name", "kind", "country", "roles"):
        table.add_column(column)
    for actor in rows:
        if unverified and actor.verified:
            continue
        roles = "; ".join(
            f"{r.title}{' of ' + r.of if r.of else ''}"
            f"{' ' + (r.start or '…') + '–' + (r.end or '') if r.start else ''}"
            for r in actor.roles
        )
        name = actor.name + ("" if actor.verified else " (unverified)")
        table.add_row(actor.id, name, actor.kind, actor.country or "", roles)
    console.print(table)


_CSV_COLUMNS = ("date", "date_precision", "kind", "summary", "modality", "sources", "actors",
                "actor_ids", "documents", "goldstein", "code", "status", "id")  # fmt: skip


def _write_timeline_csv(rows: list[TimelineRow]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        cells = [
            row.date or "",
            row.date_precision or "",
            row.kind,
            row.summary,
            row.modality,
            row.sources,
            "; ".join(a.name for a in row.actors),
            "; ".join(a.id for a in row.actors),
            "; ".join(dict.fromkeys(e.document_id for e in row.evidence)),
            "" if row.goldstein is None else row.goldstein,
            row.code or "",
            row.status or "",
            row.id,
        ]
        writer.writerow([neutralise_cell(cell) for cell in cells])


def _print_timeline(rows: list[TimelineRow]) -> None:
    table = Table(title=f"timeline ({len(rows)} rows)")
    table.add_column("date", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("actors", max_width=24)
    table.add_column("summary", min_width=30)
    table.add_column("modality", no_wrap=True)
    table.add_column("src", justify="right")
    for row in rows:
        # Text cells: a summary's "[pledged]" is data, not Rich markup.
        table.add_row(
            Text(row.date or "undated"),
            Text(row.kind),
            Text(", ".join(a.name for a in row.actors if a.role != "reported_by")),
            Text(row.summary),
            Text(row.modality),
            Text(str(row.sources)),
        )
    console.print(table)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("inputs"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


def _print_documents(documents: list[StoredDocument], limit: int = 20) -> None:
    table = Table(title=f"documents ({len(documents)}; newest {min(limit, len(documents))} shown)")
    for column, width in (
        ("id", 8),
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
            d.id[:8],
            d.outlet or "-",
            d.published or "unknown",
            d.date_precision or "-",
            f"{d.date_confidence:.2f}",
            d.title or d.text[:80],
        )
    console.print(table)


def _print_summary(report: BuildReport, counts: dict[str, int], db: Path) -> None:
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
    console.print(table)
    if report.unchanged and not report.added:
        console.print(f"{report.unchanged} unchanged: nothing new to add", highlight=False)
    for item in report.skipped:
        console.print(
            f"skipped: {item.origin}: {item.reason}", highlight=False, markup=False, soft_wrap=True
        )
