"""Reading the shipped data files: where they are, CSV rows with their line numbers, dates.

Every problem is a DataFileError naming the file and line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from peninsula.errors import DataFileError


@dataclass(frozen=True, slots=True)
class Located:
    """A record with the file and line it came from, for error messages."""

    path: Path
    line: int


def data_path(name: str) -> Path:
    return Path(str(resources.files("peninsula") / "data" / name))


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; header and required values checked."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            fieldnames = reader.fieldnames or []
            missing = [c for c in required if c not in fieldnames]
            if missing:
                raise DataFileError(path, 1, f"missing column(s): {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise DataFileError(path, line, "more values than columns")
                clean = {k: (v or "").strip() for k, v in row.items()}
                for column in required:
                    if not clean.get(column):
                        raise DataFileError(path, line, f"empty {column!r}")
                yield line, clean
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataFileError(path, reader.line_num, f"malformed CSV ({exc})") from None


def parse_day(value: str, path: Path, line: int, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataFileError(path, line, f"{column} {value!r} is not a YYYY-MM-DD date") from None


def header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read ({exc})") from None


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())
