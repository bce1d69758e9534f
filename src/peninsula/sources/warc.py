"""WARC and WARC.gz archives: each HTML response is an article. Streamed record by record.

warcio parses the records; the readers it is given here hold it to bounded memory and time:

- a header line over `MAX_HEADER_LINE` bytes, or over `MAX_HEADER_BYTES` of header lines in a
  row, stops the file (a gzip bomb of zeros is one endless line);
- gzip data that inflates more than `MAX_INFLATION` times (a bomb) or is corrupt stops the file;
- a record larger than the size limit is skipped from its Content-Length, never read whole;
- a file cut short (inside a gzip member, a record's headers or its content) says so.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any, NoReturn

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException
from warcio.utils import BUFF_SIZE

from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import describe_size, too_large
from peninsula.sources.guard import first_line, one
from peninsula.sources.html import MAX_HTML_BYTES, read_html

MAX_HEADER_LINE = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024
# Compressed web pages inflate 3 to 20 times; zeros inflate about 1,000 times.
MAX_INFLATION = 200
_INFLATION_FLOOR = 8 * 1024 * 1024
_DRAIN = 64 * 1024
CUT_SHORT = "the WARC file is cut short"


class _Refused(Exception):
    """The rest of the archive cannot be read safely; the message says why."""


class _Inflating:
    """Decompression that refuses bombs and corrupt data instead of printing to stderr.

    Mixed into warcio's buffered readers in front of their own `_decompress`.
    """

    decompressor: Any
    decomp_type: str | None
    num_block_read: int
    _fed = 0
    _inflated = 0
    refused: str | None = None  # why reading stopped, once it has

    def _refuse(self, reason: str) -> NoReturn:
        self.refused = reason
        raise _Refused(reason)

    def _init_decomp(self, decomp_type: str | None) -> None:
        super()._init_decomp(decomp_type)  # type: ignore[misc]
        self._fed = self._inflated = 0

    def _decompress(self, data: bytes) -> bytes:
        if not self.decompressor or not data:
            return data
        try:
            out: bytes = self.decompressor.decompress(data)
        except zlib.error:
            if self.num_block_read == 0 and self.decomp_type == "deflate":
                self._init_decomp("deflate_alt")  # raw deflate, as warcio tries next
                return self._decompress(data)
            if self.num_block_read == 0:  # not compressed after all, as warcio assumes
                self.decompressor = None
                return data
            self._refuse("corrupt compressed data")
        self._fed += len(data)
        self._inflated += len(out)
        if self._inflated > max(_INFLATION_FLOOR, MAX_INFLATION * self._fed):
            self._refuse(
                f"a decompression bomb ({describe_size(self._fed)} inflates to over "
                f"{describe_size(self._inflated)}, the limit is {MAX_INFLATION} times)"
            )
        return out


class _ArchiveReader(_Inflating, DecompressingBufferedReader):  # type: ignore[misc]
    """The archive's own stream: gzip members inflated with care, header lines capped."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self.lines_read = 0  # bytes read as lines, ever
        self._lines_in_a_row = 0  # bytes read as lines since the last block read
        super().__init__(stream, **kwargs)

    def cut_inside_member(self) -> bool:
        member = self.decompressor
        return member is not None and self._fed > 0 and not member.eof

    def read(self, length: int | None = None) -> bytes:
        self._lines_in_a_row = 0
        data: bytes = super().read(length)
        return data

    def readline(self, length: int | None = None) -> bytes:
        # warcio's readline, but it stops at `cap` bytes (warcio's own may stop short of it).
        cap = MAX_HEADER_LINE + 1 if length is None else min(length, MAX_HEADER_LINE + 1)
        parts: list[bytes] = []
        size = 0
        while size < cap:
            self._fillbuff()
            if self.empty():
                break
            part: bytes = self.buff.readline(cap - size)
            parts.append(part)
            size += len(part)
            if part.endswith(b"\n"):
                break
        line = b"".join(parts)
        if len(line) > MAX_HEADER_LINE:
            self._refuse(f"a header line longer than {describe_size(MAX_HEADER_LINE)}")
        self.lines_read += len(line)
        self._lines_in_a_row += len(line)
        if self._lines_in_a_row > MAX_HEADER_BYTES:
            self._refuse(f"over {describe_size(MAX_HEADER_BYTES)} of header lines")
        return line


class _Body(_Inflating, BufferedReader):  # type: ignore[misc]
    """An HTTP body with a Content-Encoding."""


class _ChunkedBody(_Inflating, ChunkedDataReader):  # type: ignore[misc]
    """An HTTP body sent in chunks, maybe with a Content-Encoding."""


class _Loader(ArcWarcRecordLoader):  # type: ignore[misc]
    def load_http_headers(self, rec_type: Any, uri: Any, stream: Any, length: Any) -> Any:
        # warcio assumes every response record names its target URI.
        return super().load_http_headers(rec_type, uri or "", stream, length)

    def _ensure_target_uri_format(self, rec_headers: Any) -> str | None:
        # warcio's own (<uri> unwrapped, spaces encoded), without its warning on stderr.
        uri: str | None = rec_headers.get_header("WARC-Target-URI")
        if uri is not None and uri.startswith("<") and uri.endswith(">"):
            uri = uri[1:-1]
        if uri is not None:
            uri = uri.replace(" ", "%20")
            rec_headers.replace_header("WARC-Target-URI", uri)
        return uri


class _Archive(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator over bounded readers, noting where the file was cut short."""

    reader: _ArchiveReader

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(stream)
        self.reader = _ArchiveReader(self.fh, block_size=BUFF_SIZE)
        self.loader = _Loader(verify_http=False, arc2warc=False)
        self.cut_short = False

    def _next_record(self, next_line: bytes | None) -> Any:
        before = self.reader.lines_read
        try:
            return super()._next_record(next_line)
        except EOFError:  # the end of the file, or the file ends inside a record's headers
            self.cut_short = self.cut_short or bool(next_line) or self.reader.lines_read > before
            raise

    def read_to_end(self, record: Any = None) -> None:
        current = self.record if not self.member_info else None
        super().read_to_end(record)
        stream = getattr(current, "raw_stream", None)
        if isinstance(stream, LimitReader) and stream.limit > 0:
            self.cut_short = True  # the file ends inside the record's content

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        # warcio's own, without its warning on stderr when a record runs past its length.
        empty_size = 0
        first_line = True
        while line := self.reader.readline():
            if not line.rstrip() or first_line:
                empty_size += len(line)
                first_line = False
                continue
            return line, empty_size
        return None, empty_size

    def close(self) -> None:
        if self.reader is not None and self.reader.cut_inside_member():
            self.cut_short = True
        super().close()


def read_warc(
    stream: IO[bytes], origin: str, max_record_bytes: int, strict: bool = False
) -> Iterator[RawArticle | Skipped]:
    archive = _Archive(stream)
    records = iter(archive)
    html_seen = False
    last: RawArticle | Skipped | None = None
    number = 0
    while True:
        where = f"{origin}#record{number + 1}"
        try:
            record = next(records, None)
        except _Refused as exc:
            yield Skipped(where, f"{exc}; the rest is not read")
            return
        except (ArchiveLoadFailed, StatusAndHeadersParserException) as exc:
            yield Skipped(where, f"malformed WARC ({first_line(exc)}); the rest is not read")
            return
        if archive.cut_short:
            if not (isinstance(last, Skipped) and last.reason == CUT_SHORT):
                yield Skipped(origin, f"{CUT_SHORT}: its last record is left out")
            return
        if record is None:
            break
        number += 1
        if record.format == "warc" and record.length is None:
            yield Skipped(where, "WARC record with no Content-Length; the rest is not read")
            return
        if not _is_html_response(record):
            continue
        html_seen = True
        if record.length and record.length > max_record_bytes:
            last = Skipped(where, too_large("record", record.length, max_record_bytes))
        else:
            last = one(where, strict, _article, record, where, max_record_bytes)
        if archive.reader.refused is not None:  # the archive itself broke inside this record
            yield Skipped(where, f"{archive.reader.refused}; the rest is not read")
            return
        yield last
    if not html_seen:
        yield Skipped(origin, "WARC with no HTML responses")


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    return "html" in (record.http_headers.get_header("Content-Type") or "").lower()


def _article(record: Any, where: str, max_record_bytes: int) -> RawArticle | Skipped:
    cap = min(max_record_bytes, MAX_HTML_BYTES)
    try:
        body = _content(record).read(cap + 1)
        _drain(record.raw_stream)
    except _Refused as exc:
        return Skipped(where, f"malformed WARC record ({exc})")
    if isinstance(record.raw_stream, LimitReader) and record.raw_stream.limit > 0:
        return Skipped(where, CUT_SHORT)
    if len(body) > cap:
        return Skipped(where, too_large("HTML page", None, cap))
    article = read_html(body, where, url=record.rec_headers.get_header("WARC-Target-URI"))
    crawl = record.rec_headers.get_header("WARC-Date")
    if crawl:
        article = replace(
            article, metadata_dates=(*article.metadata_dates, ("warc:crawl-date", crawl))
        )
    return article


def _content(record: Any) -> Any:
    """The record's payload with its transfer and content encodings undone (warcio's
    `content_stream`, over readers that refuse bombs)."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    if (record.http_headers.get_header("Transfer-Encoding") or "").lower() == "chunked":
        return _ChunkedBody(record.raw_stream, decomp_type=encoding)
    return _Body(record.raw_stream, decomp_type=encoding) if encoding else record.raw_stream


def _drain(stream: Any) -> None:
    while stream.read(_DRAIN):
        pass
