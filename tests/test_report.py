"""The HTML report: self-contained, escaped, every evidence link landing on its sentence."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

import peninsula.pipeline as pipeline
from peninsula.knowledge import default_knowledge
from peninsula.query import timeline
from peninsula.records import DateEvidence
from peninsula.report import write_report
from peninsula.report.text import distinct
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import EXAMPLES, TODAY
from tests.test_query import FakeStore, event
from tests.test_query import document as stored_document


class Page(HTMLParser):
    """Links, ids, marks (with their text) and tags of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.marks: dict[str, list[str]] = {}
        self._open_marks: list[list[str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        for name in ("src", "srcset", "data", "poster"):
            if values.get(name):
                self.resources.append(str(values[name]))
        if tag == "link" and values.get("href"):
            self.resources.append(str(values["href"]))
        if tag == "mark":
            self._open_marks.append((values.get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._open_marks.pop()

    def handle_data(self, data: str) -> None:
        for classes in self._open_marks:
            for name in classes:
                if name.startswith("ev-"):
                    self.marks.setdefault(name, []).append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("report")
    db = base / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    with Store(db) as writable:
        pipeline.build([str(EXAMPLES)], writable, default_knowledge(), settings, TODAY)
    with Store(db, read_only=True) as store:
        index = write_report(store, default_knowledge(), base / "out")
        yield {
            "index": index,
            "out": base / "out",
            "rows": timeline(store, default_knowledge()),
            "documents": store.documents(),
        }


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_the_pages_are_written(built: dict[str, Any]) -> None:
    out: Path = built["out"]
    assert built["index"] == out / "index.html"
    assert (out / "actors" / "lee_jae_myung.html").exists()
    assert (out / "actors" / "KOR.html").exists()
    for document in built["documents"]:
        assert (out / "documents" / f"{document.id}.html").exists()
    actors_in_rows = {a.id for r in built["rows"] for a in r.actors}
    assert {p.stem for p in (out / "actors").glob("*.html")} == actors_in_rows


def test_nothing_is_loaded_from_elsewhere(built: dict[str, Any]) -> None:
    for path in _pages(built["out"]):
        text = path.read_text(encoding="utf-8")
        page = Page(text)
        assert not page.resources, path
        assert not {"link", "iframe", "img"} & page.tags, path
        # The one script is the timeline's filter, written into the page (no src, no fetch).
        assert "script" not in page.tags or path.name == "timeline.html", path
        assert "fetch(" not in text and "XMLHttpRequest" not in text, path
        assert "@import" not in text and not re.search(r"url\(", text), path
        for href in page.links:
            assert not urlsplit(href).scheme, (path, href)
            assert not href.startswith("//"), (path, href)
        assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:https?:)?//""", text), path


def test_every_link_lands_on_a_page_and_anchor(built: dict[str, Any]) -> None:
    pages = {p.resolve(): Page(p.read_text(encoding="utf-8")) for p in _pages(built["out"])}
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target in pages, (path, href)
            if parts.fragment:
                assert unquote(parts.fragment) in pages[target].ids, (path, href)
            checked += 1
    assert checked > 100


def test_every_fact_links_to_its_sentence(built: dict[str, Any]) -> None:
    out: Path = built["out"]
    index = (out / "timeline.html").read_text(encoding="utf-8")
    texts = {d.id: d.text for d in built["documents"]}
    for row in built["rows"]:
        for e in distinct(row.evidence):
            href = f"documents/{e.document_id}.html#ev-{e.char_start}-{e.char_end}"
            assert f'href="{href}"' in index, (row.id, href)
            page = Page((out / "documents" / f"{e.document_id}.html").read_text("utf-8"))
            marked = "".join(page.marks[f"ev-{e.char_start}-{e.char_end}"])
            # The highlighted text is the evidence, line breaks left unmarked.
            expected = texts[e.document_id][e.char_start : e.char_end]
            assert "".join(marked.split()) == "".join(expected.split())


def test_document_page_keeps_the_whole_text_and_its_date(built: dict[str, Any]) -> None:
    out: Path = built["out"]
    for document in built["documents"]:
        html = (out / "documents" / f"{document.id}.html").read_text("utf-8")
        page = Page(html)
        assert document.published and document.published in html
        for item in document.date_evidence:
            assert item.signal in html
        body = html.split('<div class="doctext">', 1)[1].split("</div>", 1)[0]
        assert html_lib.unescape(re.sub(r"<[^>]+>", "", body)) == document.text
        assert page.marks


def test_ledger_timeline_and_chart_have_their_pages(built: dict[str, Any]) -> None:
    index = (built["out"] / "index.html").read_text(encoding="utf-8")
    ledger = (built["out"] / "commitments.html").read_text(encoding="utf-8")
    timeline_page = (built["out"] / "timeline.html").read_text(encoding="utf-8")
    assert 'id="relations"' in index and 'id="commitments"' in ledger
    assert 'href="timeline.html"' in index and 'href="commitments.html"' in index
    for row in built["rows"]:
        if row.kind == "commitment":
            assert row.extra["first_stated"] in ledger
    # The timeline folds into months; every fact is in exactly one of them.
    assert timeline_page.count("<tr data-kind=") == len(built["rows"])
    assert '<details class="period"' in timeline_page
    assert "<svg" in index and "<circle" in index
    assert 'id="dyad-KOR-PRK-2025-09"' in index


def _fake_store() -> FakeStore:
    text = 'Kim said <script>alert("x")</script> & more. Lee met Kim.\n\nThen nothing.'
    start = text.index("Lee met Kim.")
    hostile = event(
        "ev<1>", "lee_jae_myung", "kim_jong_un", "2025-10-03", at=start,
        sentence="Lee met Kim.", end=start + len("Lee met Kim."),
    )  # fmt: skip
    hostile = replace(hostile, summary="Lee <b>met</b> Kim")
    pledge = event(
        "p", "lee_jae_myung", "PRK", "2025-10-04", "pledged", 9.0, at=0, sentence=text[:44], end=44
    )
    return FakeStore(
        events=[hostile, pledge],
        documents=[
            stored_document(
                "d1", text, path="/x/<d1>.txt", outlet="A&B", title="<i>Title</i>",
                published="2025-10-05",
                date_evidence=(DateEvidence("meta<x>", "2025-10-05", 1.0),),
            )
        ],
    )  # fmt: skip


def test_everything_is_escaped(tmp_path: Path) -> None:
    write_report(_fake_store(), default_knowledge(), tmp_path)  # type: ignore[arg-type]
    for path in _pages(tmp_path):
        html = path.read_text(encoding="utf-8")
        if path.name != "timeline.html":
            assert "<script" not in html, path
        assert "<script>alert" not in html and "<b>met" not in html, path
        assert "<i>Title" not in html and "/x/" not in html, path  # no local folder is printed
    document = (tmp_path / "documents" / "d1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more." in document
    assert "&lt;i&gt;Title&lt;/i&gt;" in document and "meta&lt;x&gt;" in document
    assert "Lee &lt;b&gt;met&lt;/b&gt; Kim" in (tmp_path / "timeline.html").read_text("utf-8")
    assert "&lt;d1&gt;.txt" in document  # a local source shows by its file name


def test_no_highlight_across_a_paragraph_break(built: dict[str, Any]) -> None:
    for path in (built["out"] / "documents").glob("*.html"):
        assert not re.search(r"<mark[^>]*>[^<]*\n", path.read_text(encoding="utf-8")), path


def test_overlapping_spans_and_the_pledge_off_the_chart(tmp_path: Path) -> None:
    index = write_report(_fake_store(), default_knowledge(), tmp_path)  # type: ignore[arg-type]
    page = Page((tmp_path / "documents" / "d1.html").read_text(encoding="utf-8"))
    start = _fake_store().documents()[0].text.index("Lee met Kim.")
    assert "".join(page.marks[f"ev-{start}-{start + 12}"]) == "Lee met Kim."
    assert {"ev-0-44", f"ev-{start}-{start + 12}"} <= page.ids
    html = index.read_text(encoding="utf-8")
    # One actual KOR–PRK event makes the one dot; the pledge is only counted.
    assert html.count("<circle") == 1
    assert "+1.0 (1)" in html


def test_an_empty_knowledge_base_still_makes_a_report(tmp_path: Path) -> None:
    index = write_report(FakeStore(), default_knowledge(), tmp_path)  # type: ignore[arg-type]
    html = index.read_text(encoding="utf-8")
    assert "No dated events between two states." in html
    assert "No commitments." in (tmp_path / "commitments.html").read_text(encoding="utf-8")


def test_a_state_page_lists_what_its_people_said(built: dict[str, Any]) -> None:
    kor = (built["out"] / "actors" / "KOR.html").read_text(encoding="utf-8")
    said = [
        r
        for r in built["rows"]
        if r.kind == "statement" and any(a.id == "lee_jae_myung" for a in r.actors)
    ]
    assert said
    for row in said:
        e = distinct(row.evidence)[0]
        assert f'href="../documents/{e.document_id}.html#ev-{e.char_start}-{e.char_end}"' in kor
