"""WARC and WARC.gz: bounded reading, one line per problem, the good records of a bad file kept."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from peninsula.records import RawArticle, Skipped
from peninsula.sources import iter_articles

PARAGRAPH = "<p>Seoul said on Monday it would resume talks with Pyongyang after a long pause.</p>"
PAGE = f"<html><body><article><h1>Talks resume</h1>{PARAGRAPH * 5}</article></body></html>"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def warc(
    *bodies: tuple[list[tuple[str, str]], bytes], compress: bool = False, uri: bool = True
) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for number, (headers, body) in enumerate(bodies):
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.org/{number}",
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
        )
        if not uri:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    return buffer.getvalue()


def read(
    tmp_path: Path, name: str, data: bytes, max_bytes: int = 1_000_000
) -> list[RawArticle | Skipped]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(iter_articles([str(path)], max_bytes, strict=True))


def reasons(items: list[RawArticle | Skipped]) -> list[str]:
    return [i.reason for i in items if isinstance(i, Skipped)]


def articles(items: list[RawArticle | Skipped]) -> list[RawArticle]:
    return [i for i in items if isinstance(i, RawArticle)]


def test_a_truncated_header_is_one_skip(tmp_path: Path) -> None:
    items = read(tmp_path, "a.warc", warc((HTML, PAGE.encode()))[:40])
    assert len(items) == 1 and isinstance(items[0], Skipped)


@pytest.mark.parametrize("cut", [30, 200, 400])
def test_a_cut_short_warc_gz_keeps_its_first_record_and_says_so(tmp_path: Path, cut: int) -> None:
    first = warc((HTML, PAGE.encode()), compress=True)
    second = warc((HTML, PAGE.replace("Monday", "Friday").encode()), compress=True)
    items = read(tmp_path, "a.warc.gz", first + second[:-cut])
    assert len(articles(items)) == 1
    assert len(reasons(items)) == 1 and "cut short" in reasons(items)[0]


def test_a_record_cut_inside_its_content_is_skipped(tmp_path: Path) -> None:
    data = warc((HTML, PAGE.encode()), (HTML, PAGE.encode()))
    items = read(tmp_path, "a.warc", data[:-100])
    assert len(articles(items)) == 1
    assert reasons(items) == ["the WARC file is cut short"]
    assert items[1].origin.endswith("#record2")


def test_a_gzip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)  # 64 MiB of zeros
    [skipped] = read(tmp_path, "bomb.warc.gz", bomb)
    assert isinstance(skipped, Skipped)
    assert "decompression bomb" in skipped.reason


def test_a_bomb_after_a_good_record_keeps_the_record(tmp_path: Path) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = warc((HTML, PAGE.encode()), compress=True)
    data += bomb.compress(b"WARC/1.0\r\n" + bytes(32 * 1024 * 1024)) + bomb.flush()
    items = read(tmp_path, "a.warc.gz", data)
    assert len(articles(items)) == 1 and len(reasons(items)) == 1
    assert "decompression bomb" in reasons(items)[0]


def test_a_bomb_inside_an_html_record_is_one_line(tmp_path: Path) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/\r\n"
        b"Content-Length: 40000000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    )
    data = bomb.compress(head + bytes(40_000_000)) + bomb.flush()
    items = read(tmp_path, "a.warc.gz", data, max_bytes=50_000_000)
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert items[0].reason.startswith("a decompression bomb")
    assert items[0].reason.endswith("; the rest is not read")


def test_an_endless_header_line_is_refused(tmp_path: Path) -> None:
    data = b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: " + b"a" * 200_000 + b"\r\n\r\n"
    [skipped] = read(tmp_path, "a.warc", data)
    assert isinstance(skipped, Skipped)
    assert "header line longer than 64 KB" in skipped.reason


def test_a_too_large_record_is_one_line(tmp_path: Path) -> None:
    items = read(tmp_path, "a.warc", warc((HTML, PAGE.encode() * 50)), max_bytes=10_000)
    [reason] = reasons(items)
    assert reason.startswith("record too large (") and reason.endswith(" > 10 KB limit)")


def test_a_response_without_target_uri_is_no_error(tmp_path: Path) -> None:
    items = read(tmp_path, "a.warc", warc((HTML, PAGE.encode()), uri=False))
    assert reasons(items) == ["WARC with no HTML responses"]


def test_encoded_and_chunked_bodies_are_read(tmp_path: Path) -> None:
    page = PAGE.encode()
    data = warc(
        ([*HTML, ("Content-Encoding", "gzip")], gzip.compress(page)),
        ([*HTML, ("Transfer-Encoding", "chunked")], b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page)),
    )
    found = articles(read(tmp_path, "a.warc", data))
    assert len(found) == 2 and all("resume talks" in a.text for a in found)


def test_a_corrupt_encoded_body_costs_its_record_only(tmp_path: Path) -> None:
    corrupt = gzip.compress(PAGE.encode() * 40)
    corrupt = corrupt[:30] + bytes(len(corrupt) - 60) + corrupt[-30:]
    data = warc(([*HTML, ("Content-Encoding", "gzip")], corrupt), (HTML, PAGE.encode()))
    items = read(tmp_path, "a.warc", data)
    assert len(articles(items)) == 1
    assert len(reasons(items)) == 1 and items[0].origin.endswith("#record1")


def test_a_page_without_text_costs_its_record_only(tmp_path: Path) -> None:
    empty = b"<html><body><script>var a;</script></body></html>"
    items = read(tmp_path, "a.warc", warc((HTML, empty), (HTML, PAGE.encode())))
    assert reasons(items) == ["HTML page with no article text"]
    assert len(articles(items)) == 1


def test_warcio_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    data = warc((HTML, PAGE.encode())).replace(
        b"WARC-Target-URI: https://example.org/0", b"WARC-Target-URI: <https://example.org/a b>"
    )
    [article] = read(tmp_path, "a.warc", data)
    assert isinstance(article, RawArticle) and article.url == "https://example.org/a%20b"
    assert capfd.readouterr().err == ""
