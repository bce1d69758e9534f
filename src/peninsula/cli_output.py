"""What the CLI prints: tables for a terminal, CSV rows for a pipe, the build's summary."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

from peninsula.outputs import neutralise_cell
from peninsula.query import DyadMonth, TimelineRow
from peninsula.store import StoredDocument

if TYPE_CHECKING:
    from peninsula.pipeline import BuildReport

console = Console()
errors = Console(stderr=True)


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
                "actor_ids", "documents", "goldstein", "code", "status", "id")  # fmt: skip


def write_timeline_csv(rows: list[TimelineRow]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
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


def print_timeline(rows: list[TimelineRow]) -> None:
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


def progress_bar() -> Progress:
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


def print_documents(documents: list[StoredDocument], limit: int = 20) -> None:
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
    console.print(table)
    if report.unchanged and not report.added:
        console.print(f"{report.unchanged} unchanged: nothing new to add", highlight=False)
    for item in report.skipped:
        console.print(
            f"skipped: {item.origin}: {item.reason}", highlight=False, markup=False, soft_wrap=True
        )
