"""Every kind of input becomes articles or a one-line skip reason; nothing raises."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from peninsula import sources
from peninsula.records import RawArticle, Skipped
from peninsula.sources import iter_articles, sniff_kind

PARAGRAPH = "<p>Seoul said on Monday it would resume talks with Pyongyang after a long pause.</p>"
ARTICLE = f"<html><body><article><h1>Talks resume</h1>{PARAGRAPH * 5}</article></body></html>"


def read(path: Path, max_bytes: int = 1_000_000) -> list[RawArticle | Skipped]:
    return list(iter_articles([str(path)], max_bytes))


def reasons(items: list[RawArticle | Skipped]) -> list[str]:
    return [i.reason for i in items if isinstance(i, Skipped)]


def test_plain_text_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Seoul, Jan 1 (IANS) Lee said on Thursday.", encoding="utf-8")
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert article.text.startswith("Seoul, Jan 1")
    assert article.origin == str(path.resolve())


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty input"),
        ("blank.txt", b"  \n\n\t ", "empty input"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary content, not text"),
        ("nul.txt", b"abc\x00def" * 100, "binary content, not text"),
        (
            "page.html",
            b"<html><head><title>Menu</title></head><body><script>var a;</script></body></html>",
            "HTML page with no article text",
        ),
    ],
)
def test_bad_inputs_are_skipped_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert reasons(read(path)) == [reason]


def test_legacy_encodings_are_detected(tmp_path: Path) -> None:
    text = (
        "Le président sud-coréen a déclaré jeudi que le dialogue était « essentiel » pour la paix. "
        * 3
    )
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert "président" in article.text and "« essentiel »" in article.text


def test_korean_euc_kr_is_detected(tmp_path: Path) -> None:
    text = "이재명 대통령은 목요일 신년사에서 남북 대화 재개를 적극 지원하겠다고 밝혔다. " * 5
    path = tmp_path / "korean.txt"
    path.write_bytes(text.encode("euc-kr"))
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert "대통령" in article.text


def test_huge_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.truncate(500 * 1024 * 1024)
    [skipped] = read(path, max_bytes=50 * 1024 * 1024)
    assert isinstance(skipped, Skipped)
    assert skipped.reason == "file too large (500 MB > 50 MB limit)"


def test_a_huge_html_page_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:  # sparse: 40 MB on paper
        handle.truncate(40 * 1024 * 1024)
    assert reasons(read(path, max_bytes=50 * 1024 * 1024)) == [
        "HTML page too large (40 MB > 10 MB limit)"
    ]


def test_huge_jsonl_is_streamed_record_by_record(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    good = json.dumps({"text": "Pyongyang rejected the offer on Friday.", "date": "2025-03-07"})
    huge = json.dumps({"text": "x" * 5000})
    path.write_text("\n".join([good, huge, "{not json", good.replace("Friday", "Monday")]) + "\n")
    items = read(path, max_bytes=1000)
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.metadata_dates for a in articles] == [(("column:date", "2025-03-07"),)] * 2
    assert reasons(items) == [
        "record larger than 1000 bytes",
        "malformed JSON line (Expecting property name enclosed in double quotes:"
        " line 1 column 2 (char 1))",
    ]
    assert all(s.origin.endswith(("#L2", "#L3")) for s in items if isinstance(s, Skipped))


def test_csv_with_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        'title,text,url,published,outlet\n"Talks","Seoul, Jan 1 (IANS) Lee spoke.",https://example.org/a,2026-01-01,IANS\n'
        ",,,,\n",
        encoding="utf-8",
    )
    items = read(path)
    article = items[0]
    assert isinstance(article, RawArticle)
    assert (article.title, article.url, article.outlet) == (
        "Talks",
        "https://example.org/a",
        "IANS",
    )
    assert article.metadata_dates == (("column:date", "2026-01-01"),)
    assert reasons(items) == ["record has no text"]


def test_csv_without_text_column_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    assert reasons(read(path)) == ["CSV has no text column (text, content or body)"]


def test_feed_entries_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Korea Wire</title>
        <item><title>Summit</title><link>https://example.org/1</link>
        <pubDate>Wed, 21 Jan 2026 09:00:00 +0900</pubDate>
        <description>&lt;p&gt;Lee held a press conference.&lt;/p&gt;</description></item>
        <item><title>Empty</title></item></channel></rss>""",
        encoding="utf-8",
    )
    items = read(path)
    article = items[0]
    assert isinstance(article, RawArticle)
    assert article.text == "Lee held a press conference."
    assert article.outlet == "Korea Wire"
    assert article.metadata_dates[0] == ("feed:published", "Wed, 21 Jan 2026 09:00:00 +0900")
    assert reasons(items) == ["feed entry with no text"]


def _warc_bytes(compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for url, body, ctype in [
        ("https://example.org/a", ARTICLE.encode(), "text/html; charset=utf-8"),
        ("https://example.org/logo.png", b"\x89PNG", "image/png"),
    ]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


@pytest.mark.parametrize("compress", [False, True])
def test_warc_html_responses_become_articles(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(_warc_bytes(compress))
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert article.url == "https://example.org/a"
    assert "resume talks" in article.text
    assert any(name == "warc:crawl-date" for name, _ in article.metadata_dates)


def test_malformed_warc_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(gzip.compress(b"WARC/1.0\r\nnonsense"))
    assert len(reasons(read(path))) == 1


def test_folder_walk_is_recursive_and_skips_docs_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Second article text.")
    (tmp_path / "a.txt").write_text("First article text.")
    (tmp_path / "README.md").write_text("about this corpus")
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / "tour.py").write_text("import peninsula  # a script beside the corpus")
    (tmp_path / "sub" / "look.ipynb").write_text('{"cells": []}')
    items = read(tmp_path)
    assert [i.text for i in items if isinstance(i, RawArticle)] == [
        "First article text.",
        "Second article text.",
    ]


def test_a_script_named_on_its_own_is_read(tmp_path: Path) -> None:
    (tmp_path / "notes.py").write_text("Seoul said talks would resume next week.")
    assert [i.text for i in read(tmp_path / "notes.py") if isinstance(i, RawArticle)] == [
        "Seoul said talks would resume next week."
    ]


def test_missing_path_is_skipped(tmp_path: Path) -> None:
    assert reasons(read(tmp_path / "nope.txt")) == ["no such file or folder"]


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("x.unknown", b"WARC/1.0\r\n", "warc"),
        ("x", b'<?xml version="1.0"?><rss version="2.0">', "feed"),
        ("x", b"<!DOCTYPE html><html>", "html"),
        ("x", b'{"text": "a"}\n', "jsonl"),
        ("x", b'[\n  {\n    "text": "a"', "jsonl"),
        ("x", b"[Photo] Seoul, Jan 1 text", "text"),
        ("x", b"Seoul, Jan 1 (IANS) text", "text"),
        ("x.warc.gz", b"\x1f\x8b", "warc"),
    ],
)
def test_sniffing(name: str, head: bytes, kind: str) -> None:
    assert sniff_kind(name, head) == kind


def test_broken_links_and_special_files_in_a_folder_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First article text.")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    items = read(tmp_path)
    assert [i.text for i in items if isinstance(i, RawArticle)] == ["First article text."]
    assert sorted((Path(i.origin).name, i.reason) for i in items if isinstance(i, Skipped)) == [
        ("gone.txt", "broken link (its target is missing or a loop)"),
        ("loop.txt", "broken link (its target is missing or a loop)"),
        ("pipe.txt", "not a regular file"),
    ]


def test_an_unreadable_subfolder_is_skipped_and_the_rest_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("First article text.")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("Hidden article text.")
    scandir, listdir = os.scandir, os.listdir

    def refuse(scan: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def check(path: Any) -> Any:
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return scan(path)

        return check

    monkeypatch.setattr(os, "scandir", refuse(scandir))
    monkeypatch.setattr(os, "listdir", refuse(listdir))
    items = read(tmp_path)
    assert [i.text for i in items if isinstance(i, RawArticle)] == ["First article text."]
    assert [(Path(i.origin).name, i.reason) for i in items if isinstance(i, Skipped)] == [
        ("locked", "cannot read folder (Permission denied)")
    ]


def test_links_to_folders_are_followed_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text("First article text.")
    (corpus / "again").symlink_to(corpus / "sub")
    (corpus / "sub" / "up").symlink_to(corpus)
    items = read(corpus)
    assert [i.text for i in items if isinstance(i, RawArticle)] == ["First article text."]


def test_a_reader_failure_costs_one_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("First article text.")
    (tmp_path / "b.html").write_text(ARTICLE)
    (tmp_path / "c.txt").write_text("Third article text.")

    def broken(data: bytes, origin: str) -> RawArticle:
        raise KeyError("surprise")

    monkeypatch.setattr(sources, "read_html", broken)
    items = list(iter_articles([str(tmp_path)], 1_000_000))
    assert [i.text for i in items if isinstance(i, RawArticle)] == [
        "First article text.",
        "Third article text.",
    ]
    assert reasons(items) == ["unreadable (KeyError: 'surprise')"]
    with pytest.raises(KeyError):
        list(iter_articles([str(tmp_path)], 1_000_000, strict=True))


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(b"Lee spoke today.")))
    [article] = list(iter_articles(["-"], 1000))
    assert isinstance(article, RawArticle) and article.origin == "<stdin>"
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(b"")))
    assert reasons(list(iter_articles(["-"], 1000))) == ["empty input"]
    monkeypatch.setattr(sys, "stdin", None)
    assert reasons(list(iter_articles(["-"], 1000))) == ["no standard input"]


def test_an_undecodable_file_name_gives_valid_text(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # a surrogate escape on a UTF-8 file system
    (tmp_path / name).write_text("Seoul said on Monday.")
    [article] = read(tmp_path)
    assert isinstance(article, RawArticle)
    article.origin.encode("utf-8")


@pytest.mark.parametrize(
    ("content", "outcome"),
    [
        (b"\xff\xfeL\x00e\x00e\x00!", "Lee"),  # UTF-16 cut inside its last character
        (b"\xff\xfeL\x00e\x00e\x00\x00\xd8", "Lee"),  # ... inside a surrogate pair
        (b"\xff\xfeL\x00\x00\xd8e\x00e\x00", "invalid utf-16-le text after its byte-order mark"),
        (b"\xef\xbb\xbfLee \xff said", "invalid utf-8 text after its byte-order mark"),
    ],
)
def test_text_after_a_byte_order_mark(tmp_path: Path, content: bytes, outcome: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    [item] = list(iter_articles([str(path)], 1000, strict=True))
    assert (item.text if isinstance(item, RawArticle) else item.reason) == outcome
