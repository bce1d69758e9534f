"""HTML pages: trafilatura for text and title, explicit metadata and htmldate for dates."""

from __future__ import annotations

import json
import re
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from peninsula.errors import SourceError
from peninsula.records import RawArticle
from peninsula.sources.decode import decode_bytes

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)

# Meta names/properties that state a publication date explicitly, most specific first.
_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "dc.date",
    "date",
)
_JSONLD_DATE_KEYS = ("datePublished", "dateCreated")


def read_html(data: bytes, origin: str, url: str | None = None) -> RawArticle:
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace") if match else None
    markup = decode_bytes(data, declared)
    return html_article(markup, origin, url)


def html_article(markup: str, origin: str, url: str | None = None) -> RawArticle:
    try:
        extracted = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, favor_precision=False
        )
    except (ValueError, TypeError) as exc:
        raise SourceError(f"malformed HTML ({exc})") from None
    text = _field(extracted, "text") if extracted is not None else None
    if not text or not text.strip():
        raise SourceError("HTML page with no article text")
    tree = _parse(markup)
    return RawArticle(
        origin=origin,
        text=text,
        title=_field(extracted, "title"),
        url=url or _field(extracted, "url"),
        outlet=_field(extracted, "sitename"),
        metadata_dates=metadata_dates(tree) if tree is not None else (),
        html_date=_htmldate(markup, url),
        source_kind="html",
    )


def metadata_dates(tree: Any) -> tuple[tuple[str, str], ...]:
    """Dates the page states explicitly: meta tags, <time pubdate>, JSON-LD."""
    found: list[tuple[str, str]] = []
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content.strip()
    for key in _META_DATE_KEYS:
        if key in metas:
            found.append((f"meta:{key}", metas[key]))
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            found.extend(("json-ld", value) for value in _jsonld_dates(script.text))
    return tuple(found)


def _jsonld_dates(raw: str) -> list[str]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    out: list[str] = []
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in _JSONLD_DATE_KEYS:
                value = item.get(key)
                if isinstance(value, str):
                    out.append(value)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _parse(markup: str) -> Any:
    try:
        return lxml_html.fromstring(markup.encode("utf-8", "replace"))
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _htmldate(markup: str, url: str | None) -> str | None:
    try:
        result = find_date(markup, url=url, extensive_search=True, original_date=True)
    except (ValueError, TypeError):
        return None
    return str(result) if result else None


def _field(extracted: Any, name: str) -> str | None:
    value = extracted.get(name) if isinstance(extracted, dict) else getattr(extracted, name, None)
    return str(value) if value else None
