"""JSON Lines and CSV/TSV: one article per record, streamed so big files use bounded memory.

A record needs a `text` column (or `content`/`body`); `title`, `url`, `date` (or `published`),
and `outlet` (or `source`) are optional. A bad record is skipped with its line number; the
rest of the file still loads.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from typing import IO, Any

from peninsula.errors import SourceError
from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import looks_binary, too_large

_TEXT_KEYS = ("text", "content", "body")
_DATE_KEYS = ("date", "published", "published_at", "pubdate")
_OUTLET_KEYS = ("outlet", "source", "publisher", "sitename")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_jsonl(
    stream: IO[bytes], origin: str, max_record_bytes: int
) -> Iterator[RawArticle | Skipped]:
    head = stream.peek(8192) if hasattr(stream, "peek") else b""
    if looks_binary(head):
        yield Skipped(origin, "binary content, not JSON Lines")
        return
    for number, line in enumerate(stream, start=1):
        where = f"{origin}#L{number}"
        if len(line) > max_record_bytes:
            yield Skipped(where, too_large("record", None, max_record_bytes))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            yield Skipped(where, f"malformed JSON line ({_short(exc)})")
            continue
        yield _from_record(record, where)


def read_csv(
    stream: IO[bytes], origin: str, max_record_bytes: int, delimiter: str = ","
) -> Iterator[RawArticle | Skipped]:
    head = stream.peek(8192) if hasattr(stream, "peek") else b""
    if looks_binary(head):
        yield Skipped(origin, "binary content, not CSV")
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from _csv_records(text, origin, max_record_bytes, delimiter)
    finally:
        text.detach()  # the caller owns and closes the byte stream


def _csv_records(
    text: IO[str], origin: str, max_record_bytes: int, delimiter: str
) -> Iterator[RawArticle | Skipped]:
    try:
        reader = csv.DictReader(text, delimiter=delimiter)
        if reader.fieldnames is None:
            yield Skipped(origin, "empty input")
            return
        if not any(k.strip().lower() in _TEXT_KEYS for k in reader.fieldnames if k):
            yield Skipped(origin, "CSV has no text column (text, content or body)")
            return
        for record in reader:
            where = f"{origin}#L{reader.line_num}"
            size = sum(len(v) for v in record.values() if isinstance(v, str))
            if size > max_record_bytes:
                yield Skipped(where, too_large("record", None, max_record_bytes))
                continue
            yield _from_record(record, where)
    except UnicodeDecodeError:
        yield Skipped(origin, "CSV is not valid UTF-8")
    except csv.Error as exc:
        yield Skipped(origin, f"malformed CSV ({_short(exc)})")


def _from_record(record: Any, where: str) -> RawArticle | Skipped:
    if not isinstance(record, Mapping):
        return Skipped(where, "record is not an object")
    fields = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    text = _first(fields, _TEXT_KEYS)
    if not text:
        return Skipped(where, "record has no text")
    date = _first(fields, _DATE_KEYS)
    try:
        return RawArticle(
            origin=where,
            text=text,
            title=_first(fields, ("title", "headline")),
            url=_first(fields, ("url", "link")),
            outlet=_first(fields, _OUTLET_KEYS),
            metadata_dates=(("column:date", date),) if date else (),
            source_kind="record",
        )
    except SourceError as exc:
        return Skipped(where, str(exc))


def _first(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    return None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:80]
