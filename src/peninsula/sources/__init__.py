"""Anything to RawArticle: files, folders (recursive) and stdin, each format by its own module.

The format is chosen by extension, else sniffed from the first bytes. Every input yields
RawArticle or Skipped; nothing here raises for bad content.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from peninsula.errors import SourceError
from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import too_large
from peninsula.sources.feed import read_feed
from peninsula.sources.html import read_html
from peninsula.sources.tabular import read_csv, read_jsonl
from peninsula.sources.text import read_text
from peninsula.sources.warc import read_warc

__all__ = ["input_files", "iter_articles", "sniff_kind"]

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
_STREAMED = {"jsonl", "csv", "tsv", "warc"}


def input_files(paths: Iterable[str], exclude: Iterable[Path] = ()) -> Iterator[str]:
    """Every input to read, in order: files as given, folders walked recursively, `-` as is.

    `exclude` names files a folder walk passes over, such as the database being built.
    """
    excluded = {p.resolve() for p in exclude}
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _is_article_file(child.relative_to(path)) and child.resolve() not in excluded:
                    yield str(child)
        else:
            yield raw


def iter_articles(
    paths: Iterable[str], max_bytes: int, exclude: Iterable[Path] = ()
) -> Iterator[RawArticle | Skipped]:
    """Articles from every path; a folder is walked recursively, `-` reads stdin."""
    for raw in input_files(paths, exclude):
        path = Path(raw)
        if raw == "-":
            yield from _read_stdin(max_bytes)
        elif path.is_file():
            yield from _read_file(path, max_bytes)
        else:
            yield Skipped(str(path), "no such file or folder")


def _is_article_file(relative: Path) -> bool:
    """Folder walks pass over hidden files and a corpus's own documentation (README, CREDITS...)."""
    if any(part.startswith(".") for part in relative.parts):
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
    if start.startswith(b"{"):
        return "jsonl"
    return "text"


def _read_file(path: Path, max_bytes: int) -> Iterator[RawArticle | Skipped]:
    origin = str(path.resolve())
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
            stream.seek(0)
            yield from _read_stream(kind, stream, origin, max_bytes)
    except OSError as exc:
        yield Skipped(origin, f"cannot read ({exc.strerror or exc})")


def _read_stdin(max_bytes: int) -> Iterator[RawArticle | Skipped]:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield Skipped("<stdin>", too_large("input", None, max_bytes))
        return
    kind = sniff_kind("", data[:8192])
    yield from _read_stream(kind, io.BufferedReader(io.BytesIO(data)), "<stdin>", max_bytes)


def _read_stream(
    kind: str, stream: IO[bytes], origin: str, max_bytes: int
) -> Iterator[RawArticle | Skipped]:
    if kind == "jsonl":
        yield from read_jsonl(stream, origin, max_bytes)
    elif kind in ("csv", "tsv"):
        yield from read_csv(stream, origin, max_bytes, delimiter="\t" if kind == "tsv" else ",")
    elif kind == "warc":
        yield from read_warc(stream, origin, max_bytes)
    else:
        data = stream.read(max_bytes + 1)
        try:
            if kind == "feed":
                yield from read_feed(data, origin)
            elif kind == "html":
                yield read_html(data, origin)
            else:
                yield read_text(data, origin)
        except SourceError as exc:
            yield Skipped(origin, str(exc))


def _gzip_is_warc(head: bytes) -> bool:
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(head)).read(5) == b"WARC/"
    except (OSError, EOFError):
        return False
