"""JSON Lines and CSV/TSV: one article per record, streamed so big files use bounded memory.

A record needs a `text` column (or `content`/`body`) holding a string; `title`, `url`, `date`
(or `published`), and `outlet` (or `source`) are optional. Lines are read with a byte cap: a
record over the cap is skipped without being held whole. A bad record is skipped with its line
number; the rest of the file still loads.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import looks_binary, too_large
from peninsula.sources.guard import first_line, one
from peninsula.sources.lines import capped_lines

_TEXT_KEYS = ("text", "content", "body")
_DATE_KEYS = ("date", "published", "published_at", "pubdate")
_OUTLET_KEYS = ("outlet", "source", "publisher", "sitename")
# A carriage return not followed by a line feed also ends a CSV line (old Mac files).
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def read_jsonl(
    stream: IO[bytes], origin: str, max_record_bytes: int, strict: bool = False
) -> Iterator[RawArticle | Skipped]:
    """JSON Lines, or one JSON document (an object or a list of objects, pretty-printed or not)
    when the first line is not a whole JSON value but opens one."""
    if looks_binary(_head(stream)):
        yield Skipped(origin, "binary content, not JSON Lines")
        return
    opening = _document_opening(stream, max_record_bytes)
    if opening is not None:
        document = _json_document(stream, origin, max_record_bytes, opening)
        if document is not None:
            for index, item in enumerate(document, start=1):
                where = f"{origin}#R{index}" if len(document) > 1 else origin
                yield (
                    item
                    if isinstance(item, Skipped)
                    else one(where, strict, from_record, item, where)
                )
            return
        stream.seek(0)
    blank = True
    for number, line in capped_lines(stream, max_record_bytes):
        where = f"{origin}#L{number}"
        if line is None:
            yield Skipped(where, too_large("record", None, max_record_bytes))
        elif line.strip():
            yield from _json_records(line, where, number == 1, strict)
        blank = blank and line is not None and not line.strip()
    if blank:
        yield Skipped(origin, "empty input")


def _document_opening(stream: IO[bytes], cap: int) -> bytes | None:
    """The first non-blank line when it opens a JSON value it does not close (a pretty-printed
    document), else None; the stream is back at its start either way."""
    if not stream.seekable():
        return None
    first = None
    for _, line in capped_lines(stream, cap):
        if line is None or line.strip():
            first = line
            break
    stream.seek(0)
    if first is None:
        return None
    stripped = first.strip().removeprefix(b"\xef\xbb\xbf").strip()
    if not stripped.startswith((b"{", b"[")):
        return None
    try:
        json.loads(stripped.decode("utf-8"))
    except RecursionError:
        return None
    except ValueError:
        return stripped
    return None


def _json_document(stream: IO[bytes], origin: str, cap: int, opening: bytes) -> list[Any] | None:
    """The records of a whole JSON document, or None to read the stream as JSON Lines after all
    (its first line was a broken record rather than the opening of a document)."""
    plainly = opening in (b"{", b"[")  # nothing else on the opening line: a pretty document
    data = stream.read(cap + 1)
    if len(data) > cap:
        return [Skipped(origin, too_large("JSON document", None, cap))] if plainly else None
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        return [Skipped(origin, "malformed JSON document (nested too deeply)")] if plainly else None
    except ValueError as exc:
        return (
            [Skipped(origin, f"malformed JSON document ({first_line(exc)})")] if plainly else None
        )
    if isinstance(value, list):
        return value if value else [Skipped(origin, "JSON document with no records")]
    return [value]


def _json_records(
    line: bytes, where: str, first: bool, strict: bool
) -> Iterator[RawArticle | Skipped]:
    """The record of one line; a line holding a list of objects gives one record per object."""
    value = one(where, strict, _json_value, line, where, first)
    if isinstance(value, Skipped):
        yield value
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for index, record in enumerate(value, start=1):
            here = f"{where}:{index}"
            yield one(here, strict, from_record, record, here)
    else:
        yield one(where, strict, from_record, value, where)


def _json_value(line: bytes, where: str, first: bool) -> Any:
    try:
        return json.loads(line.decode("utf-8-sig" if first else "utf-8"))
    except RecursionError:
        return Skipped(where, "malformed JSON line (nested too deeply)")
    except ValueError as exc:  # also UnicodeDecodeError and over-long integers
        return Skipped(where, f"malformed JSON line ({first_line(exc)})")


def read_csv(
    stream: IO[bytes],
    origin: str,
    max_record_bytes: int,
    delimiter: str = ",",
    strict: bool = False,
) -> Iterator[RawArticle | Skipped]:
    if looks_binary(_head(stream)):
        yield Skipped(origin, "binary content, not CSV")
        return
    # Process-wide, and only the readers use csv.reader: a field may be as long as a record.
    csv.field_size_limit(max(max_record_bytes, 1024))
    lines = _CsvLines(stream, origin, max_record_bytes)
    reader = csv.reader(lines, delimiter=delimiter)
    fields: list[str] | None = None
    noted = False
    records = 0
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            row = []
            lines.notes.append(Skipped(lines.where, f"malformed CSV record ({first_line(exc)})"))
        yield from lines.notes
        noted = noted or bool(lines.notes)
        lines.notes.clear()
        if row is None or lines.refused:
            if not noted and not records:
                yield Skipped(origin, "empty input" if fields is None else "CSV with no records")
            return
        if not row:
            continue
        if fields is None:
            fields = [name.strip().lower() for name in row]
            if not any(name in _TEXT_KEYS for name in fields):
                yield Skipped(origin, "CSV has no text column (text, content or body)")
                return
            continue
        records += 1
        where = lines.where
        yield one(where, strict, from_record, dict(zip(fields, row, strict=False)), where)


class _CsvLines:
    """Decoded lines for the csv reader; a line over the cap or not in UTF-8 becomes a note
    (a first line that is not UTF-8 refuses the file). `where` names the current line."""

    def __init__(self, stream: IO[bytes], origin: str, max_record_bytes: int) -> None:
        self.origin = origin
        self.where = origin
        self.notes: list[Skipped] = []
        self.refused = False
        self._lines = capped_lines(stream, max_record_bytes)
        self._cap = max_record_bytes

    def __iter__(self) -> Iterator[str]:
        for number, line in self._lines:
            self.where = f"{self.origin}#L{number}"
            if line is None:
                self.notes.append(Skipped(self.where, too_large("record", None, self._cap)))
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                if number == 1:
                    self.notes.append(Skipped(self.origin, "CSV is not valid UTF-8"))
                    self.refused = True
                    return
                self.notes.append(Skipped(self.where, "line is not valid UTF-8"))
                continue
            yield from (part for part in _LONE_CR.split(text) if part)


def from_record(record: Any, where: str) -> RawArticle | Skipped:
    """One parsed record (a JSON object, a CSV row, a Parquet row) as an article."""
    if not isinstance(record, Mapping):
        return Skipped(where, "record is not an object")
    fields = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    text = _first(fields, _TEXT_KEYS)
    if not text:
        present = [fields[k] for k in _TEXT_KEYS if fields.get(k) not in (None, "")]
        if present and not any(isinstance(value, str) for value in present):
            return Skipped(where, f"record text is not a string ({_kind(present[0])})")
        return Skipped(where, "record has no text")
    date = _first(fields, _DATE_KEYS)
    if date is None:
        number = next((fields[k] for k in _DATE_KEYS if _is_int(fields.get(k))), None)
        date = None if number is None else str(number)
    return RawArticle(
        origin=where,
        text=text,
        title=_first(fields, ("title", "headline")),
        url=_first(fields, ("url", "link")),
        outlet=_first(fields, _OUTLET_KEYS),
        metadata_dates=(("column:date", date),) if date else (),
        source_kind="record",
    )


def _first(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first non-blank string among `keys`, stripped."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _is_int(value: Any) -> bool:
    """A whole number a date column may hold (a compact date or a Unix time)."""
    return isinstance(value, int) and not isinstance(value, bool) and len(str(value)) <= 20


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
        type(value), "an object" if isinstance(value, Mapping) else type(value).__name__
    )


def _head(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    return peek(8192)[:8192] if peek is not None else b""
