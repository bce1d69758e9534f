"""Exports: one file per table, in the column order of the contract.

Events and commitments are exported merged across documents (the merged tables, each with all
its evidence); statements as found per document, each with the merged statement it belongs to.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Literal

import duckdb

from peninsula.errors import StoreError
from peninsula.outputs import neutralise_cell, open_output, output_folder

ExportFormat = Literal["jsonl", "parquet", "csv"]
Partition = Literal["month"]

EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "id",
        "path",
        "outlet",
        "title",
        "published",
        "date_precision",
        "date_confidence",
        "date_evidence",
        "date_conflicts",
        "text",
    ),
    "actors": ("id", "name", "kind", "country", "aliases", "roles", "verified"),
    "statements": (
        "id",
        "merged_id",
        "document_id",
        "speaker",
        "speaker_text",
        "kind",
        "text",
        "cue",
        "date",
        "date_precision",
        "char_start",
        "char_end",
    ),
    "events": (
        "id",
        "source",
        "target",
        "code",
        "root",
        "category",
        "mode",
        "modality",
        "goldstein",
        "date",
        "date_precision",
        "first_reported",
        "sources",
        "reports",
        "summary",
        "reported_by",
        "mirror",
        "evidence",
    ),
    "commitments": (
        "id",
        "actor",
        "target",
        "text",
        "code",
        "status",
        "status_evidence",
        "first_stated",
        "last_stated",
        "count",
        "sources",
        "members",
        "mentions",
    ),
}
_EXPORT_FROM = {"events": "merged_events", "commitments": "merged_commitments"}
JSON_COLUMNS = frozenset(
    {
        "origins",
        "date_evidence",
        "date_conflicts",
        "dateline",
        "header_lines",
        "aliases",
        "roles",
        "evidence",
        "mentions",
        "skipped",
        "members",
    }
)
_OPTIONS = {"jsonl": "FORMAT json", "parquet": "FORMAT parquet"}
# The date each table is partitioned by (`partition="month"`); tables not named are one file.
PARTITION_DATES = {
    "documents": "published",
    "statements": "date",
    "events": "date",
    "commitments": "first_stated",
}


def export(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    fmt: ExportFormat,
    on_replace: Callable[[Path], None] | None = None,
    partition: Partition | None = None,
) -> list[Path]:
    """One file per contract table in `out_dir`. Files are never written through a symbolic
    link; CSV cells a spreadsheet would run as formulas are made inert (`outputs`).
    `on_replace` hears of each file that existed before and was overwritten.

    With `partition="month"` (Parquet only) the dated tables become a Hive-style lake,
    `events/year=2025/month=08/*.parquet`, that DuckDB (`hive_partitioning=true`), pandas,
    pyarrow and Ray read as one dataset: a year-only date goes to `month=unknown`, an undated
    row to `year=unknown/month=unknown`."""
    if partition is not None and fmt != "parquet":
        raise StoreError(f"only parquet exports are partitioned, not {fmt}")
    output_folder(out_dir)
    written = []
    with tempfile.TemporaryDirectory(prefix="peninsula-export-") as scratch:
        for table, columns in EXPORT_COLUMNS.items():
            name = f"{table}.{fmt}"
            select = ", ".join(
                f"CAST({c} AS VARCHAR) AS {c}" if fmt == "csv" and c in JSON_COLUMNS else c
                for c in columns
            )
            query = f"SELECT {select} FROM {_EXPORT_FROM.get(table, table)} ORDER BY id"
            day = PARTITION_DATES.get(table) if partition else None
            if day is not None:
                try:
                    _write_lake(con, query, day, Path(scratch) / table, out_dir / table)
                except duckdb.Error as exc:
                    raise StoreError(f"cannot export {table}: {_first_line(exc)}") from None
                except OSError as exc:
                    raise StoreError(f"cannot export {table}: {exc.strerror or exc}") from None
                written.append(out_dir / table)
                continue
            try:
                if fmt == "csv":
                    with open_output(out_dir, name, newline="") as (stream, replaced):
                        _write_csv(con, query, columns, stream)
                else:
                    # DuckDB writes a private scratch file, copied out without following a link.
                    # COPY takes no parameter for its target: the path is quoted, the rest fixed.
                    staged = Path(scratch) / name
                    quoted = str(staged).replace("'", "''")
                    con.execute(f"COPY ({query}) TO '{quoted}' ({_OPTIONS[fmt]})")
                    with (
                        staged.open("rb") as source,
                        open_output(out_dir, name, binary=True) as (stream, replaced),
                    ):
                        shutil.copyfileobj(source, stream)
            except duckdb.Error as exc:
                raise StoreError(f"cannot export {table}: {_first_line(exc)}") from None
            except OSError as exc:
                raise StoreError(f"cannot export {table}: {exc.strerror or exc}") from None
            written.append(out_dir / name)
            if replaced and on_replace is not None:
                on_replace(out_dir / name)
    return written


def _write_lake(
    con: duckdb.DuckDBPyConnection, query: str, day: str, staged: Path, target: Path
) -> None:
    """The rows of `query` partitioned by the year and month of `day`, written by DuckDB under
    `staged` and copied to `target` without following a link."""
    year = f"CASE WHEN regexp_matches({day}, '^\\d{{4}}') THEN left({day}, 4) ELSE 'unknown' END"
    month = (
        f"CASE WHEN regexp_matches({day}, '^\\d{{4}}-\\d{{2}}') THEN substr({day}, 6, 2)"
        " ELSE 'unknown' END"
    )
    quoted = str(staged).replace("'", "''")
    con.execute(
        f"COPY (SELECT *, {year} AS year, {month} AS month FROM ({query}))"
        f" TO '{quoted}' (FORMAT parquet, PARTITION_BY (year, month))"
    )
    output_folder(target)
    for file in sorted(staged.rglob("*.parquet")):
        folder = target
        for part in file.relative_to(staged).parent.parts:
            folder = output_folder(folder / part)
        with file.open("rb") as source, open_output(folder, file.name, binary=True) as (out, _):
            shutil.copyfileobj(source, out)


def _write_csv(
    con: duckdb.DuckDBPyConnection, query: str, columns: Sequence[str], stream: IO[str]
) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    cursor = con.execute(query)
    while found := cursor.fetchmany(1000):
        writer.writerows([neutralise_cell(_csv_value(v)) for v in row] for row in found)


def _csv_value(value: Any) -> Any:
    """A value as DuckDB's own CSV writer spells it: booleans in lower case, NULL empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
