"""Anything to RawArticle: files, folders (recursive) and stdin, each format by its own module.

The format is chosen by extension, else sniffed from the first bytes. Every input yields
RawArticle or Skipped; nothing here raises for bad content. Memory is bounded whatever the
input: whole-file formats are refused over the size limit, streamed ones (JSON Lines, CSV,
WARC) are read record by record with the same limit per record.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import too_large
from peninsula.sources.feed import read_feed
from peninsula.sources.finish import MAX_ARTICLE_CHARS, finished, valid_text
from peninsula.sources.guard import one, shielded
from peninsula.sources.html import MAX_HTML_BYTES, read_html
from peninsula.sources.tabular import from_record, read_csv, read_jsonl
from peninsula.sources.text import read_text
from peninsula.sources.warc import read_warc

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_HTML_BYTES",
    "input_files",
    "iter_articles",
    "read_records",
    "sniff_kind",
]

_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
    ".arc": "warc",
}
_CORPUS_DOCS = ("README", "CREDITS", "LICENSE", "PROVENANCE", "NOTICE")
# Scripts and notebooks that sit beside a corpus (examples/api_tour.py) are code, not articles.
_CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".r", ".js")
_STREAMED = {"jsonl", "csv", "tsv", "warc"}
_JSON_LIST = re.compile(rb"\[\s*\{")  # a JSON list of records


def input_files(paths: Iterable[str], exclude: Iterable[Path] = ()) -> Iterator[str]:
    """Every input to read, in order: files as given, folders walked recursively, `-` as is.

    A walk follows links to folders (each folder once) and passes over hidden entries and a
    corpus's own documentation; it also yields what it cannot read (an unreadable folder, a
    broken link, a special file) so that each gets a `Skipped` from `iter_articles`. `exclude`
    names files a walk passes over, such as the database being built.
    """
    excluded = {os.path.realpath(p) for p in exclude}
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            yield from map(str, sorted(_walk(path, excluded)))
        else:
            yield raw


def _walk(root: Path, excluded: set[str]) -> Iterator[Path]:
    unreadable: list[Path] = []
    seen: set[str] = set()
    for folder, folders, files in os.walk(
        root, onerror=lambda exc: unreadable.append(Path(exc.filename or root)), followlinks=True
    ):
        real = os.path.realpath(folder)
        if real in seen:  # a link back to a folder already walked
            folders.clear()
            continue
        seen.add(real)
        # Real folders before links, so a file is named by its real place when it can be.
        visible = (name for name in folders if not name.startswith("."))
        folders[:] = sorted(visible, key=lambda name: (os.path.islink(Path(folder, name)), name))
        for name in files:
            child = Path(folder, name)
            if (
                _is_article_file(child.relative_to(root))
                and os.path.realpath(child) not in excluded
            ):
                yield child
    yield from unreadable


def iter_articles(
    paths: Iterable[str], max_bytes: int, exclude: Iterable[Path] = (), *, strict: bool = False
) -> Iterator[RawArticle | Skipped]:
    """Articles from every path; a folder is walked recursively, `-` reads stdin.

    Each input yields articles or one-line `Skipped` reasons, whatever its content: an error
    nobody foresaw costs that input (or that record) only. `strict=True` lets such errors
    propagate instead; it is for tests and the fuzz benchmark.
    """
    for raw in input_files(paths, exclude):
        origin = "<stdin>" if raw == "-" else _origin(raw)
        items = (
            _read_stdin(max_bytes, strict)
            if raw == "-"
            else _read_path(Path(raw), origin, max_bytes, strict)
        )
        yield from shielded(_finished(items), valid_text(origin), strict)


def read_records(
    records: Iterable[tuple[str, Mapping[str, Any]]], *, strict: bool = False
) -> Iterator[RawArticle | Skipped]:
    """Articles from records already parsed, such as the rows of a Parquet lake, each read as a
    JSON Lines record with the same fields is: `records` holds (origin, record) pairs."""
    for where, record in records:
        origin = valid_text(where)
        item = one(origin, strict, from_record, record, origin)
        yield from shielded(_finished(iter([item])), origin, strict)


def _origin(raw: str) -> str:
    """The input's real path; a broken link is named by its own path, not its missing target."""
    return os.path.realpath(raw) if os.path.exists(raw) else os.path.abspath(raw)


def _finished(items: Iterator[RawArticle | Skipped]) -> Iterator[RawArticle | Skipped]:
    for item in items:
        if isinstance(item, Skipped):
            yield Skipped(valid_text(item.origin), valid_text(item.reason))
        else:
            yield from finished(item)


def _read_path(
    path: Path, origin: str, max_bytes: int, strict: bool
) -> Iterator[RawArticle | Skipped]:
    if path.is_file():
        yield from _read_file(path, origin, max_bytes, strict)
    elif path.is_dir():
        yield Skipped(origin, _folder_problem(path))
    elif path.is_symlink():
        yield Skipped(origin, "broken link (its target is missing or a loop)")
    elif path.exists():
        yield Skipped(origin, "not a regular file")
    else:
        yield Skipped(origin, "no such file or folder")


def _folder_problem(path: Path) -> str:
    try:
        os.listdir(path)
    except OSError as exc:
        return f"cannot read folder ({exc.strerror or exc})"
    return "cannot read folder"


def _is_article_file(relative: Path) -> bool:
    """Folder walks pass over hidden files, a corpus's own documentation (README, CREDITS...)
    and the scripts and notebooks beside it; a file named on the command line is always read."""
    if any(part.startswith(".") for part in relative.parts):
        return False
    if relative.suffix.lower() in _CODE_SUFFIXES:
        return False
    return not relative.name.upper().startswith(_CORPUS_DOCS)


def sniff_kind(name: str, head: bytes) -> str:
    lowered = name.lower()
    if lowered.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    suffix = Path(lowered).suffix
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix == ".json":
        return "jsonl"
    start = head.lstrip()[:512].lower()
    if head.startswith(b"WARC/") or (head.startswith(b"\x1f\x8b") and _gzip_is_warc(head)):
        return "warc"
    if start.startswith(b"<?xml") and (b"<rss" in start or b"<feed" in start or b"<rdf" in start):
        return "feed"
    if start.startswith((b"<rss", b"<feed")):
        return "feed"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head[:4096].lower():
        return "html"
    if start.startswith(b"{") or _JSON_LIST.match(start):
        return "jsonl"
    return "text"


def _read_file(
    path: Path, origin: str, max_bytes: int, strict: bool
) -> Iterator[RawArticle | Skipped]:
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8192)
            kind = sniff_kind(path.name, head)
            if size == 0:
                yield Skipped(origin, "empty input")
                return
            if kind not in _STREAMED and size > max_bytes:
                yield Skipped(origin, too_large("file", size, max_bytes))
                return
            if kind == "html" and size > MAX_HTML_BYTES:
                yield Skipped(origin, too_large("HTML page", size, MAX_HTML_BYTES))
                return
            stream.seek(0)
            yield from _read_stream(kind, stream, origin, max_bytes, strict)
    except OSError as exc:
        yield Skipped(origin, f"cannot read ({exc.strerror or exc})")


def _read_stdin(max_bytes: int, strict: bool) -> Iterator[RawArticle | Skipped]:
    if sys.stdin is None:
        yield Skipped("<stdin>", "no standard input")
        return
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield Skipped("<stdin>", too_large("input", None, max_bytes))
        return
    if not data:
        yield Skipped("<stdin>", "empty input")
        return
    kind = sniff_kind("", data[:8192])
    stream = io.BufferedReader(io.BytesIO(data))
    yield from _read_stream(kind, stream, "<stdin>", max_bytes, strict)


def _read_stream(
    kind: str, stream: IO[bytes], origin: str, max_bytes: int, strict: bool
) -> Iterator[RawArticle | Skipped]:
    if kind == "jsonl":
        yield from read_jsonl(stream, origin, max_bytes, strict)
    elif kind in ("csv", "tsv"):
        delimiter = "\t" if kind == "tsv" else ","
        yield from read_csv(stream, origin, max_bytes, delimiter, strict)
    elif kind == "warc":
        yield from read_warc(stream, origin, max_bytes, strict)
    elif kind == "feed":
        yield from read_feed(stream.read(max_bytes + 1), origin, strict)
    else:
        read = read_html if kind == "html" else read_text
        yield one(origin, strict, read, stream.read(max_bytes + 1), origin)


def _gzip_is_warc(head: bytes) -> bool:
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(head)).read(5) == b"WARC/"
    except (OSError, EOFError, zlib.error):
        return False
