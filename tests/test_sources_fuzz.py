"""Property-based fuzzing of every reader: whatever the bytes, articles or skip reasons, no error.

Each source type is fed random bytes and mutated valid samples (bytes flipped, cut short, hostile
fragments inserted). The readers run with `strict=True`, so an error the readers do not handle
on purpose fails the test instead of becoming a `Skipped`. `benchmarks/fuzz.py` runs the same
idea for longer.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from peninsula.records import RawArticle, Skipped
from peninsula.sources import MAX_ARTICLE_CHARS, iter_articles

PARAGRAPH = "Seoul said on Monday it would resume talks with Pyongyang after a pause."
PAGE = (
    "<html><head><title>Talks</title><meta name='date' content='2025-03-07'></head><body>"
    f"<article><h1>Talks resume</h1>{f'<p>{PARAGRAPH}</p>' * 4}</article></body></html>"
)
HOSTILE = [
    b"&#xD800;",
    b"&#55296;",
    b"&#x110000;",
    b"&#0;",
    b"\\ud800",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\r",
    b"\n\n",
    b'"',
    b"[" * 3000,
    b'{"text": 5}',
    b"Infinity",
    b"1e308",
    b'<!DOCTYPE x [<!ENTITY a "&b;&b;"><!ENTITY b "bb">]>',
    b"&a;",
    b"<![CDATA[",
    b"]]>",
    b"<script>",
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: gzip\r\n",
    b"\x1f\x8b\x08\x00",
    "\u2028".encode(),
    b"x" * 5000,
]
MAX_BYTES = 200_000


def _warc(compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        "https://example.org/a",
        "response",
        payload=io.BytesIO(PAGE.encode()),
        length=len(PAGE.encode()),
        http_headers=headers,
    )
    writer.write_record(record)
    return buffer.getvalue()


SAMPLES: dict[str, bytes] = {
    "a.txt": f"SEOUL, March 7 (Yonhap) -- {PARAGRAPH}\n\n{PARAGRAPH}\n".encode(),
    "a.html": PAGE.encode(),
    "a.jsonl": "\n".join(
        json.dumps({"text": PARAGRAPH, "title": "Talks", "date": "2025-03-07"}) for _ in range(3)
    ).encode(),
    "a.csv": f'title,text,date\nTalks,"{PARAGRAPH}",2025-03-07\nMore,"{PARAGRAPH}",\n'.encode(),
    "a.rss": (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
        f"<title>Talks</title><link>https://example.org/1</link><description>{PARAGRAPH}"
        "</description><pubDate>Fri, 07 Mar 2025 09:00:00 +0900</pubDate></item></channel></rss>"
    ).encode(),
    "a.warc": _warc(compress=False),
    "a.warc.gz": _warc(compress=True),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check(items: list[RawArticle | Skipped]) -> None:
    assert items, "every input yields at least one article or skip reason"
    for item in items:
        assert isinstance(item, RawArticle | Skipped)
        strings = [item.origin, item.reason] if isinstance(item, Skipped) else _strings(item)
        for text in strings:
            text.encode("utf-8")  # valid Unicode: it can be hashed and stored
        if isinstance(item, RawArticle):
            assert item.text.strip() and len(item.text) <= MAX_ARTICLE_CHARS


def _strings(article: RawArticle) -> list[str]:
    optional = [article.title, article.url, article.outlet, article.html_date]
    dated = [part for pair in article.metadata_dates for part in pair]
    return [article.origin, article.text, *dated, *(s for s in optional if s is not None)]


def read(folder: Path, name: str, data: bytes) -> list[RawArticle | Skipped]:
    path = folder / name
    path.write_bytes(data)
    return list(iter_articles([str(path)], MAX_BYTES, strict=True))


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, len(data)))
        if action == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            fragment = draw(st.sampled_from(HOSTILE) | st.binary(min_size=1, max_size=16))
            data[at:at] = fragment * draw(st.integers(1, 3))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


FUZZ = settings(
    max_examples=40,
    deadline=10_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(data=st.data())
def test_mutated_samples_never_raise(folder: Path, name: str, data: st.DataObject) -> None:
    check(read(folder, name, data.draw(mutated(SAMPLES[name]))))


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(raw=st.binary(max_size=2048))
def test_random_bytes_never_raise(folder: Path, name: str, raw: bytes) -> None:
    check(read(folder, name, raw))


@FUZZ
@given(raw=st.sampled_from(sorted(SAMPLES.values())).flatmap(mutated) | st.binary(max_size=2048))
def test_stdin_never_raises(raw: bytes) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(raw)))
        check(list(iter_articles(["-"], MAX_BYTES, strict=True)))


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_in_a_json_record(folder: Path, text: str) -> None:
    check(read(folder, "t.jsonl", json.dumps({"text": text, "title": text}).encode()))


def test_samples_are_read() -> None:
    """The seeds are valid: each yields an article, so mutations start from real input."""
    for name, data in SAMPLES.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(data)))
            items = list(iter_articles(["-"], MAX_BYTES, strict=True))
        assert any(isinstance(i, RawArticle) for i in items), (name, items)


def test_gzip_sample_is_gzip() -> None:
    assert gzip.decompress(SAMPLES["a.warc.gz"]).startswith(b"WARC/1.0")
