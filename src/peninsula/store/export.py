"""Exports: one file per table, in the column order of the contract.

Events and commitments are exported merged across documents (the merged tables, each with all
its evidence); statements as found per document, each with the merged statement it belongs to.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

import duckdb
from duckdb.func import SPECIAL

from peninsula.errors import StoreError
from peninsula.outputs import neutralise_cell, open_output, output_folder
from peninsula.records import PartialDate

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
# Partial dates ("2025", "2025-08", "2025-08-25"): in Parquet each becomes two DATE columns,
# the period's first day (under the column's own name) and its last day (`<name>_end`).
DATE_COLUMNS = frozenset({"published", "date", "first_reported", "first_stated", "last_stated"})
_FIRST_DAY, _LAST_DAY = "peninsula_first_day", "peninsula_last_day"
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
    keep: Mapping[str, Collection[str]] | None = None,
) -> list[Path]:
    """One file per contract table in `out_dir`; a table named in `keep` holds only the rows
    whose ids it gives (a filtered export: `selection`), the others every row. Files are never
    written through a symbolic link; CSV cells a spreadsheet would run as formulas are made
    inert (`outputs`).
    `on_replace` hears of each file that existed before and was overwritten.

    With `partition="month"` (Parquet only) the dated tables become a Hive-style lake,
    `events/year=2025/month=08/*.parquet`, that DuckDB (`hive_partitioning=true`), pandas,
    pyarrow and Ray read as one dataset: a year-only date goes to `month=unknown`, an undated
    row to `year=unknown/month=unknown`."""
    if partition is not None and fmt != "parquet":
        raise StoreError(f"only parquet exports are partitioned, not {fmt}")
    output_folder(out_dir)
    written = []
    con = con.cursor()  # its own results and functions, whatever the store's connection holds
    with (
        tempfile.TemporaryDirectory(prefix="peninsula-export-") as scratch,
        _date_functions(con),
        _kept(con, keep or {}) as kept,
    ):
        for table, columns in EXPORT_COLUMNS.items():
            name = f"{table}.{fmt}"
            origin = _EXPORT_FROM.get(table, table)
            if fmt == "parquet":
                select = ", ".join(_typed(con, origin, c) for c in columns)
            else:
                select = ", ".join(
                    f"CAST({c} AS VARCHAR) AS {c}" if fmt == "csv" and c in JSON_COLUMNS else c
                    for c in columns
                )
            day = PARTITION_DATES.get(table) if partition else None
            if day is not None:
                select += f", {_partitions(day)}"
            only = f" WHERE id IN (SELECT id FROM {kept[table]})" if table in kept else ""
            query = f"SELECT {select} FROM {origin}{only} ORDER BY id"
            if day is not None:
                try:
                    _write_lake(con, query, Path(scratch) / table, out_dir / table)
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


@contextmanager
def _kept(
    con: duckdb.DuckDBPyConnection, keep: Mapping[str, Collection[str]]
) -> Iterator[dict[str, str]]:
    """A temporary table of the ids to keep for each table of `keep` (by table name), dropped
    afterwards; temporary tables are written even in a read-only database."""
    made: dict[str, str] = {}
    try:
        for table, ids in keep.items():
            if table not in EXPORT_COLUMNS:
                raise StoreError(f"no exported table {table!r}")
            name = f"peninsula_keep_{table}"
            try:
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(?::VARCHAR[]) AS id",
                    [sorted(ids)],
                )
            except duckdb.Error as exc:
                raise StoreError(
                    f"cannot select the {table} to export: {_first_line(exc)}"
                ) from None
            made[table] = name
        yield made
    finally:
        for name in made.values():
            con.execute(f"DROP TABLE IF EXISTS {name}")


@contextmanager
def _date_functions(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """SQL functions giving a partial date's first and last day (`records.PartialDate`), for
    the length of an export."""
    con.create_function(_FIRST_DAY, _first_day, ["varchar"], "date", null_handling=SPECIAL)
    con.create_function(_LAST_DAY, _last_day, ["varchar"], "date", null_handling=SPECIAL)
    try:
        yield
    finally:
        con.remove_function(_FIRST_DAY)
        con.remove_function(_LAST_DAY)


def _first_day(value: str | None) -> date | None:
    found = PartialDate.parse(value)
    return found.first_day() if found else None


def _last_day(value: str | None) -> date | None:
    found = PartialDate.parse(value)
    return found.last_day() if found else None


def _typed(con: duckdb.DuckDBPyConnection, source: str, column: str) -> str:
    """A column's Parquet form: partial dates as DATE columns, JSON as lists and structs (their
    shape read from the table; a key never given a value is text)."""
    if column in DATE_COLUMNS:
        return f"{_FIRST_DAY}({column}) AS {column}, {_LAST_DAY}({column}) AS {column}_end"
    if column not in JSON_COLUMNS:
        return column
    shape = con.execute(f"SELECT json_group_structure({column}) FROM {source}").fetchall()[0][0]
    if shape is None:  # an empty table: no shape to give
        return f"CAST({column} AS VARCHAR) AS {column}"
    shape = str(shape).replace('"NULL"', '"VARCHAR"').replace("'", "''")
    return f"from_json({column}, '{shape}') AS {column}"


def _partitions(day: str) -> str:
    """The year and month columns of a Hive lake, from the text of the partial date `day`."""
    year = f"CASE WHEN regexp_matches({day}, '^\\d{{4}}') THEN left({day}, 4) ELSE 'unknown' END"
    month = (
        f"CASE WHEN regexp_matches({day}, '^\\d{{4}}-\\d{{2}}') THEN substr({day}, 6, 2)"
        " ELSE 'unknown' END"
    )
    return f"{year} AS year, {month} AS month"


def _write_lake(con: duckdb.DuckDBPyConnection, query: str, staged: Path, target: Path) -> None:
    """The rows of `query` partitioned by its year and month columns, written by DuckDB under
    `staged` and copied to `target` without following a link. The Parquet files of an earlier
    export in `target` are removed first (a partition it had and this one has not would still
    be read); with no rows, one empty file at the top keeps the columns readable."""
    quoted = str(staged).replace("'", "''")
    con.execute(f"COPY ({query}) TO '{quoted}' (FORMAT parquet, PARTITION_BY (year, month))")
    output_folder(target)
    _clear_lake(target)
    if not any(staged.rglob("*.parquet")):
        staged.mkdir(parents=True, exist_ok=True)
        quoted = str(staged / _EMPTY_PART).replace("'", "''")
        con.execute(f"COPY ({query}) TO '{quoted}' (FORMAT parquet)")
    for file in sorted(staged.rglob("*.parquet")):
        folder = target
        for part in file.relative_to(staged).parent.parts:
            folder = output_folder(folder / part)
        with file.open("rb") as source, open_output(folder, file.name, binary=True) as (out, _):
            shutil.copyfileobj(source, out)


_EMPTY_PART = "empty.parquet"


def _clear_lake(target: Path) -> None:
    """Remove the Parquet files of a lake written before: `year=*/month=*/*.parquet` and the
    empty part, with the folders left empty; links and other files are left alone."""
    for file in [target / _EMPTY_PART, *target.glob("year=*/month=*/*.parquet")]:
        folders = file.relative_to(target).parent.parts
        if any((target / Path(*folders[: i + 1])).is_symlink() for i in range(len(folders))):
            continue
        if file.is_file() and not file.is_symlink():
            file.unlink()
    for folder in sorted(target.glob("year=*/month=*"), reverse=True) + sorted(
        target.glob("year=*")
    ):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()


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
