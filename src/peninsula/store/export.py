"""Exports: one file per table, in the column order of the contract.

Events and commitments are exported merged across documents (the merged tables, each with all
its evidence); statements as found per document, each with the merged statement it belongs to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import duckdb

from peninsula.errors import StoreError

ExportFormat = Literal["jsonl", "parquet", "csv"]

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
_OPTIONS = {"jsonl": "FORMAT json", "parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true"}


def export(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: ExportFormat) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table, columns in EXPORT_COLUMNS.items():
        target = out_dir / f"{table}.{fmt}"
        select = ", ".join(
            f"CAST({c} AS VARCHAR) AS {c}" if fmt == "csv" and c in JSON_COLUMNS else c
            for c in columns
        )
        # COPY takes no parameter for its target: the path is quoted, the rest is fixed.
        quoted = str(target).replace("'", "''")
        try:
            con.execute(
                f"COPY (SELECT {select} FROM {_EXPORT_FROM.get(table, table)} ORDER BY id)"
                f" TO '{quoted}' ({_OPTIONS[fmt]})"
            )
        except duckdb.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot export {table}: {message}") from None
        written.append(target)
    return written
