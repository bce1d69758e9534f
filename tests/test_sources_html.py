"""HTML pages: text via trafilatura, and the date signals read from the page itself."""

from __future__ import annotations

import json
from datetime import date

import pytest

from peninsula.dating import resolve
from peninsula.documents import build_document
from peninsula.errors import SourceError
from peninsula.knowledge import Knowledge
from peninsula.pipeline import prepare
from peninsula.sources.html import (
    html_article,
    jsonld_dates,
    metadata_dates,
    read_html,
    shown_dates,
    url_dates,
)
from peninsula.sources.html import parse_markup as parse

TODAY = date(2026, 11, 22)
PARAGRAPH = (
    "<p>South Korean President Lee Jae Myung said on Wednesday that Seoul would keep working "
    "to resume dialogue with Pyongyang, in a long speech to lawmakers in the capital.</p>"
)


def page(head: str = "", body: str = "", article: bool = True) -> str:
    text = f"<article><h1>Lee calls for talks</h1>{PARAGRAPH * 4}</article>" if article else ""
    head = f"<head><title>Talks</title>{head}</head>"
    return f"<!DOCTYPE html><html lang='en'>{head}<body>{body}{text}</body></html>"


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def names(html: str) -> dict[str, str]:
    return dict(metadata_dates(parse(html)))


# --- meta tags ---------------------------------------------------------------------------------


def test_meta_tags_by_property_name_and_itemprop() -> None:
    html = page(
        '<meta property="article:published_time" content="2026-01-21T09:00:00+09:00">'
        '<meta property="og:updated_time" content="2026-01-22T10:00:00+09:00">'
        '<meta name="DC.date.issued" content="2026-01-21">'
        '<meta itemprop="datePublished" content=" 2026-01-21 ">'
        '<meta name="description" content="2026-01-01 is not a date field">'
        '<meta name="date" content="">'
    )
    assert names(html) == {
        "meta:article:published_time": "2026-01-21T09:00:00+09:00",
        "meta:datepublished": "2026-01-21",
        "meta:dc.date.issued": "2026-01-21",
        "meta:og:updated_time": "2026-01-22T10:00:00+09:00",
    }


def test_first_meta_of_a_name_wins() -> None:
    html = page(
        '<meta name="pubdate" content="2026-01-21"><meta name="pubdate" content="2020-01-01">'
    )
    assert names(html) == {"meta:pubdate": "2026-01-21"}


def test_microdata_and_time_pubdate() -> None:
    html = page(
        body=(
            '<time itemprop="datePublished" datetime="2026-01-21T08:00">21 Jan</time>'
            '<span itemprop="dateModified">22.01.2026</span>'
            '<time pubdate datetime="2026-01-21">Jan 21</time>'
        )
    )
    found = names(html)
    assert found["microdata:datePublished"] == "2026-01-21T08:00"
    assert found["microdata:dateModified"] == "22.01.2026"
    assert found["time:pubdate"] == "2026-01-21"


# --- JSON-LD -----------------------------------------------------------------------------------


def test_jsonld_article_dates() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "datePublished": "2026-01-21T09:00:00+09:00",
        "dateModified": "2026-01-22T09:00:00+09:00",
        "author": {"@type": "Person", "name": "Kim", "dateCreated": "1990-01-01"},
        "comment": [{"@type": "Comment", "datePublished": "2026-02-01"}],
    }
    assert jsonld_dates(json.dumps(data)) == [
        ("json-ld:datePublished", "2026-01-21T09:00:00+09:00"),
        ("json-ld:dateModified", "2026-01-22T09:00:00+09:00"),
    ]


def test_jsonld_graph_prefers_the_article_object() -> None:
    data = {
        "@graph": [
            {"@type": "WebSite", "datePublished": "2010-01-01"},
            {"@type": ["BlogPosting"], "datePublished": "2026-01-21"},
            {"@type": "ItemList", "itemListElement": [{"datePublished": "2025-12-31"}]},
        ]
    }
    assert jsonld_dates(json.dumps(data)) == [("json-ld:datePublished", "2026-01-21")]


def test_jsonld_in_a_page_list_and_bad_blocks() -> None:
    html = page(
        jsonld([{"@type": "Article", "datePublished": "2026-01-21", "dateCreated": "2026-01-20"}])
        + '<script type="application/ld+json">{"datePublished": "2026-01-21",</script>'
        + '<script type="application/ld+json"></script>'
    )
    found = names(html)
    assert found["json-ld:datePublished"] == "2026-01-21"
    assert found["json-ld:dateCreated"] == "2026-01-20"


def test_jsonld_with_raw_control_characters() -> None:
    raw = '{"@type": "NewsArticle", "headline": "a\nb", "datePublished": "2026-01-21"}'
    assert jsonld_dates(raw) == [("json-ld:datePublished", "2026-01-21")]


# --- URL and shown dates ----------------------------------------------------------------------


def test_url_dates_from_the_given_url_then_the_canonical_link() -> None:
    tree = parse(page('<link rel="canonical" href="https://example.org/2026/01/21/talks/">'))
    assert url_dates(tree, None) == [("url:canonical", "2026-01-21")]
    assert url_dates(tree, "https://example.org/news/2025-9-24-lee") == [("url", "2025-09-24")]
    assert url_dates(parse(page()), "https://example.org/2026/talks") == []


def test_shown_dates_in_many_forms() -> None:
    body = (
        "<header>Today: 22.11.2026</header>"
        "<p>Posted March 3, 2020 · 2019-05-06 · 13.01.22 · 3 de marzo de 2021 · 20. März 2021</p>"
        "<p>Version 1.2.3 costs 12.50 on 99/99/2020</p><script>var d = '2011-01-01';</script>"
    )
    found = [d for name, d in shown_dates(parse(page(body=body, article=False))) if name == "shown"]
    assert found == [
        "2026-11-22",
        "2020-03-03",
        "2019-05-06",
        "2022-01-13",
        "2021-03-03",
        "2021-03-20",
    ]


def test_ambiguous_shown_date_gives_both_readings() -> None:
    found = shown_dates(parse(page(body="<p>Updated 03/04/2025</p>", article=False)))
    assert found == [("shown", "2025-03-04"), ("shown", "2025-04-03")]


def test_headline_date_is_the_first_date_after_the_h1() -> None:
    body = (
        "<nav>Archive 01.01.2019</nav><h1>Lee calls for talks</h1>"
        "<p class='byline'>By Kim, 21 January 2026</p><p>Related: 2 February 2025</p>"
    )
    found = shown_dates(parse(page(body=body, article=False)))
    assert ("shown:headline", "2026-01-21") in found
    assert [d for n, d in found if n == "shown"] == ["2019-01-01", "2026-01-21", "2025-02-02"]


# --- whole pages -------------------------------------------------------------------------------


def test_read_html_article(knowledge: Knowledge) -> None:
    html = page(
        '<meta property="article:published_time" content="2026-01-21T09:00:00+09:00">',
        body="<p>21 January 2026</p>",
    )
    raw = read_html(html.encode("utf-8"), "page.html")
    assert raw.source_kind == "html"
    assert "Lee Jae Myung" in raw.text
    assert raw.title
    assert raw.html_date == "2026-01-21"
    assert ("shown", "2026-01-21") in raw.metadata_dates
    decision = prepare(raw, knowledge, TODAY).date
    assert decision.published == "2026-01-21"


def test_declared_legacy_charset() -> None:
    html = page(
        '<meta charset="iso-8859-1"><meta name="date" content="2021-03-20">',
        body="<p>Veröffentlicht am 20. März 2021</p>",
    )
    raw = read_html(html.encode("iso-8859-1"), "page.html")
    assert ("shown", "2021-03-20") in raw.metadata_dates


def test_page_with_no_article_text_raises_by_default() -> None:
    html = "<html><head><title>Menu</title></head><body><script>var a;</script></body></html>"
    with pytest.raises(SourceError, match="HTML page with no article text"):
        read_html(html.encode(), "menu.html")


def test_page_with_no_article_text_still_has_its_dates(knowledge: Knowledge) -> None:
    html = (
        "<html><head><title>Gallery</title>"
        '<meta property="article:published_time" content="2022-05-07T13:43:46-05:00">'
        "</head><body><script>var gallery = [];</script></body></html>"
    )
    raw = read_html(html.encode(), "gallery.html", require_text=False)
    assert raw.text == ""
    assert raw.title == "Gallery"
    assert ("meta:article:published_time", "2022-05-07T13:43:46-05:00") in raw.metadata_dates
    document = build_document(raw, knowledge)
    assert resolve(document, knowledge, TODAY).published == "2022-05-07"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>unclosed <b>bold <i>text",
        "<<<>>> not really html </p></div>",
        "<html><head><meta name='date' content='2020-01-02'><body><p>x</p>",
    ],
)
def test_malformed_html_does_not_crash(html: str) -> None:
    raw = html_article(html, "bad.html", require_text=False)
    assert raw.text == "" or isinstance(raw.text, str)
    assert isinstance(raw.metadata_dates, tuple)


def test_malformed_html_keeps_its_dates() -> None:
    html = "<html><head><meta name='date' content='2020-01-02'><body><p>x"
    raw = html_article(html, "bad.html", require_text=False)
    assert ("meta:date", "2020-01-02") in raw.metadata_dates


def test_stray_nul_bytes_are_dropped() -> None:
    html = page('<meta name="pubdate" content="2026-01-21">').encode() + b"\x00" * 3
    raw = read_html(html, "nul.html")
    assert ("meta:pubdate", "2026-01-21") in raw.metadata_dates


def test_binary_content_is_refused() -> None:
    with pytest.raises(SourceError, match="binary"):
        read_html(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image.html")
