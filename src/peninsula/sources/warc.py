"""WARC and WARC.gz archives: each HTML response is an article. Streamed record by record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from peninsula.errors import SourceError
from peninsula.records import RawArticle, Skipped
from peninsula.sources.decode import too_large
from peninsula.sources.html import read_html


def read_warc(
    stream: IO[bytes], origin: str, max_record_bytes: int
) -> Iterator[RawArticle | Skipped]:
    produced = False
    try:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{origin}#record{number}"
            body = record.content_stream().read(max_record_bytes + 1)
            if len(body) > max_record_bytes:
                yield Skipped(where, too_large("record", None, max_record_bytes))
                continue
            produced = True
            try:
                article = read_html(body, where, url=url)
            except SourceError as exc:
                yield Skipped(where, str(exc))
                continue
            crawl = record.rec_headers.get_header("WARC-Date")
            if crawl:
                dates = (*article.metadata_dates, ("warc:crawl-date", crawl))
                article = replace(article, metadata_dates=dates)
            yield article
    except ArchiveLoadFailed as exc:
        yield Skipped(origin, f"malformed WARC ({str(exc).splitlines()[0][:80]})")
        return
    if not produced:
        yield Skipped(origin, "WARC with no HTML responses")
