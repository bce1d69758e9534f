"""Safe outputs: inert spreadsheet cells, writes that never follow a link, what a db file is.

A leaf module: it imports nothing from peninsula but `errors`, so the store, the report and the
command line can all use it.

- `neutralise_cell` makes a CSV cell inert in spreadsheets (OWASP, "CSV Injection"): a cell that
  starts with `=`, `+`, `-` (unless it is a number), `@`, a tab or a carriage return gets a
  leading `'`.
- `open_output` opens a file for writing inside an output folder without following a symbolic
  link, neither the file's nor the folder's, and says whether it replaced a file.
- `database_problem` reads a file's first bytes to tell, before DuckDB opens it, whether it is a
  DuckDB database at all (DuckDB would otherwise try to fetch an extension for a SQLite file).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from peninsula.errors import StoreError

__all__ = [
    "EVENT_FORMATS",
    "TABLE_FORMATS",
    "database_problem",
    "neutralise_cell",
    "open_output",
    "output_folder",
]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# DuckDB's file header: an 8-byte checksum, then the magic "DUCK" at offset 8.
_DUCKDB_MAGIC = b"DUCK"
_DUCKDB_MAGIC_AT = 8
_DUCKDB_HEADER = 4096 * 3  # the main header and two database headers
_KNOWN_HEADS = (
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"%PDF", "a PDF file"),
    (b"WARC/", "a WARC file"),
    (b"\x89HDF", "an HDF5 file"),
)


# The export formats: one file per table, or one file of the events in a field's format.
TABLE_FORMATS = ("jsonl", "parquet", "csv")
EVENT_FORMATS = {
    "events-tsv": "events.tsv",
    "plover": "events.plover.jsonl",
    "dyads-tsv": "dyads.tsv",
}


def neutralise_cell(value: Any) -> Any:
    """`value` made inert for a spreadsheet: a string that a spreadsheet would read as a formula
    gets a leading `'`; numbers, None and other strings are returned unchanged."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if value[0] in "+-" and _NUMBER.fullmatch(value):
        return value
    return "'" + value


def output_folder(folder: Path) -> Path:
    """`folder`, created if missing; a folder that is a symbolic link, or not a folder, is
    refused with a StoreError."""
    if folder.is_symlink():
        raise StoreError(f"refusing to write into {folder}: it is a symbolic link")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"cannot write into {folder}: it is not a folder") from None
    except OSError as exc:
        raise StoreError(f"cannot create {folder}: {exc.strerror or exc}") from None
    if folder.is_symlink() or not folder.is_dir():
        raise StoreError(f"cannot write into {folder}: it is not a folder")
    return folder


@contextmanager
def open_output(
    folder: Path, name: str, *, binary: bool = False, newline: str | None = None
) -> Iterator[tuple[IO[Any], bool]]:
    """(file, replaced) for writing `name` inside `folder` (text in UTF-8 unless `binary`).

    The folder itself must not be a symbolic link, nor may `name` be one (`O_NOFOLLOW`): a link
    planted there is refused with a StoreError, never written through. An existing file is
    removed and a new one created in its place (so a hard link to it is left alone too);
    `replaced` tells whether there was one.
    """
    if "/" in name or name in ("", ".", ".."):
        raise StoreError(f"not a file name: {name!r}")
    output_folder(folder)
    path = folder / name
    try:
        dir_fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except OSError as exc:
        raise StoreError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        replaced = _remove_old(dir_fd, name, path)
        try:
            fd = os.open(name, _NEW_FILE, 0o644, dir_fd=dir_fd)
        except OSError as exc:
            if os.path.islink(path):
                raise StoreError(f"refusing to write {path}: it is a symbolic link") from None
            raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        os.close(dir_fd)
    with os.fdopen(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline=newline) as f:
        try:
            yield f, replaced
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None


_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# A new file, never an existing one nor a link: O_EXCL fails on both, whatever was planted.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _remove_old(dir_fd: int, name: str, path: Path) -> bool:
    """Remove a regular file `name` (True), or tell there was none (False); refuse the rest."""
    try:
        existing = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(existing.st_mode):
        raise StoreError(f"refusing to write {path}: it is a symbolic link")
    if not stat.S_ISREG(existing.st_mode):
        raise StoreError(f"refusing to write {path}: it is not a regular file")
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot replace {path}: {exc.strerror or exc}") from None
    return True


def database_problem(path: Path) -> str | None:
    """What is wrong with `path` as a DuckDB database, or None if it may be one (or does not
    exist yet, or is empty: DuckDB makes a new database there)."""
    try:
        if path.is_dir():
            return f"{path} is a folder, not a database file"
        if not path.exists():
            return None if not path.is_symlink() else f"{path} is a broken symbolic link"
        if not path.is_file():
            return f"{path} is not a regular file"
        size = path.stat().st_size
        if size == 0:
            return None
        with path.open("rb") as stream:
            head = stream.read(_DUCKDB_HEADER)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if head[_DUCKDB_MAGIC_AT : _DUCKDB_MAGIC_AT + 4] == _DUCKDB_MAGIC:
        if size < _DUCKDB_HEADER:
            return f"{path} is a truncated DuckDB database ({size} bytes)"
        return None
    for magic, what in _KNOWN_HEADS:
        if head.startswith(magic):
            return f"{path} is {what}, not a DuckDB database"
    if _is_text(head):
        return f"{path} is a text file, not a DuckDB database"
    return f"{path} is not a DuckDB database"


def _is_text(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
