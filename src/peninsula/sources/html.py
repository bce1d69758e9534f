"""HTML pages: trafilatura for text and title; explicit metadata and htmldate for dates.

The date signals are read from the page independently of its text, so a page whose text
trafilatura cannot find still has its dates read the same way (`require_text=False`).

Date signals go into `RawArticle.metadata_dates` as (signal name, raw value) pairs:

- `meta:<key>`: a `<meta>` tag whose name, property, itemprop or http-equiv states a date
  (`article:published_time`, `dc.date`, `article:modified_time`...);
- `microdata:<itemprop>`: an element such as `<time itemprop="datePublished" datetime=...>`;
- `time:pubdate`: a `<time pubdate datetime=...>` element;
- `json-ld:<key>`: `datePublished`, `dateCreated`, `dateModified` of the page's own JSON-LD
  object (not of the comments, reviews or related items it nests).

`html_date` is htmldate's guess (extensive search, original date). `peninsula.dating` decides
which names are publication dates and which are modification dates.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from peninsula.errors import SourceError
from peninsula.records import RawArticle
from peninsula.sources.decode import decode_bytes, too_large

# Reading a page takes about 23 times its size in memory (a 10 MB page: 230 MB more, 45 MB:
# 1 GB) and seconds per megabyte; news pages weigh well under 5 MB. Larger ones are refused.
MAX_HTML_BYTES = 10 * 1024 * 1024

_PARSER = lxml_html.HTMLParser(encoding="utf-8")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# Stray NUL bytes in an otherwise textual page (a broken template) are dropped, not fatal.
_MAX_STRAY_NUL_SHARE = 0.01

# Meta names/properties/itemprops that state a date, most specific first. Publication and
# modification keys are both kept: dating votes with the first and records the second.
META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publication_date",
    "publication-date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "datecreated",
    "dc.date",
    "dcterms.date",
    "date",
    "article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
)
_META_KEYS = frozenset(META_DATE_KEYS)
_MICRODATA_KEYS = ("datePublished", "dateCreated", "dateModified")
JSONLD_DATE_KEYS = ("datePublished", "dateCreated", "dateModified")
# JSON-LD members that describe something other than the page itself.
_JSONLD_FOREIGN = frozenset(
    {
        "comment",
        "review",
        "reviews",
        "author",
        "creator",
        "publisher",
        "itemlistelement",
        "haspart",
        "ispartof",
        "mentions",
        "citation",
        "about",
        "video",
        "image",
        "associatedmedia",
        "recipeinstructions",
        "offers",
        "subjectof",
        "workexample",
        "relatedlink",
    }
)


_ARTICLE_TYPE = re.compile(r"Article|Posting|Report|NewsArticle|Blog|Review|Story", re.I)
_URL_DATE = re.compile(r"\D((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:\D|$)")


# Month names and abbreviations in the languages of most news sites with Latin script.
_MONTH_NAMES = (
    "jan january januar jänner janvier enero ene gennaio janeiro januari",
    "feb february februar février fevrier febrero febbraio fevereiro februari",
    "mar march märz mär maerz mars marzo março maart",
    "apr april avril abril aprile abr",
    "may mai mayo maggio maio mei",
    "jun june juni juin junio giugno junho",
    "jul july juli juillet julio luglio julho",
    "aug august août aout agosto ago augustus",
    "sep sept september septembre septiembre settembre setembro set",
    "oct october oktober okt octobre octubre ottobre outubro out",
    "nov november novembre noviembre novembro",
    "dec december dezember dez décembre decembre diciembre dicembre dezembro dic",
)
_MONTH_NUMBERS = {
    name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()
}
_MONTH_RE = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
_SHOWN = re.compile(
    rf"""(?<![\d\w.])(?:
        (?P<iso_y>(?:19|20)\d\d)[-/.](?P<iso_m>\d{{1,2}})[-/.](?P<iso_d>\d{{1,2}})(?![\d])
      | (?P<dot_d>\d{{1,2}})\.\s?(?P<dot_m>\d{{1,2}})\.\s?(?P<dot_y>(?:19|20)\d\d|\d\d)(?![\d.]\d)
      | (?P<sl_a>\d{{1,2}})/(?P<sl_b>\d{{1,2}})/(?P<sl_y>(?:19|20)\d\d|\d\d)(?![\d/])
      | (?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+|of\s+)?
        (?P<dmy_m>{_MONTH_RE})\.?,?\s*(?:de\s+)?(?P<dmy_y>(?:19|20)\d\d)(?!\d)
      | (?P<mdy_m>{_MONTH_RE})\.?\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+
        (?P<mdy_y>(?:19|20)\d\d)(?!\d)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::select)]"
)
# How far after the start of the headline a date still belongs to it (characters).
_HEADLINE_REACH = 1000


def read_html(
    data: bytes, origin: str, url: str | None = None, *, require_text: bool = True
) -> RawArticle:
    """A page as a RawArticle. With `require_text=False` a page with no article text still
    yields its title and date signals (with empty `text`) instead of raising SourceError."""
    if len(data) > MAX_HTML_BYTES:
        raise SourceError(too_large("HTML page", len(data), MAX_HTML_BYTES))
    return html_article(decode_html(data), origin, url, require_text=require_text)


def decode_html(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace") if match else None
    nuls = data.count(b"\x00")
    if 0 < nuls <= len(data) * _MAX_STRAY_NUL_SHARE:
        data = data.replace(b"\x00", b"")
    return decode_bytes(data, declared)


def html_article(
    markup: str, origin: str, url: str | None = None, *, require_text: bool = True
) -> RawArticle:
    extracted, problem = _extract(markup, url)
    text = (_field(extracted, "text") or "").strip()
    if not text and require_text:
        raise SourceError(problem or "HTML page with no article text")
    tree = parse_markup(markup)
    return RawArticle(
        origin=origin,
        text=text,
        title=_field(extracted, "title") or (_page_title(tree) if tree is not None else None),
        url=url or _field(extracted, "url"),
        outlet=_field(extracted, "sitename"),
        metadata_dates=(
            (*metadata_dates(tree), *url_dates(tree, url), *shown_dates(tree))
            if tree is not None
            else ()
        ),
        html_date=_htmldate(markup, url),
        source_kind="html",
    )


def metadata_dates(tree: Any) -> tuple[tuple[str, str], ...]:
    """Dates the page states explicitly: meta tags, microdata, <time pubdate>, JSON-LD."""
    found: list[tuple[str, str]] = []
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = _meta_key(meta)
        content = (meta.get("content") or "").strip()
        if key in _META_KEYS and content and key not in metas:
            metas[key] = content
    found.extend((f"meta:{key}", metas[key]) for key in META_DATE_KEYS if key in metas)
    seen_microdata: set[str] = set()
    for element in tree.xpath("//*[@itemprop and not(self::meta)]"):
        prop = element.get("itemprop", "").strip()
        if prop not in _MICRODATA_KEYS or prop in seen_microdata:
            continue
        value = element.get("datetime") or element.get("content") or element.text_content()
        value = " ".join((value or "").split())
        if value and len(value) <= 80:
            seen_microdata.add(prop)
            found.append((f"microdata:{prop}", value))
    for element in tree.xpath("//time[@pubdate and @datetime]")[:1]:
        found.append(("time:pubdate", element.get("datetime").strip()))
    for script in tree.xpath(
        '//script[@type="application/ld+json" or @type="application/json+ld"]'
    ):
        if script.text:
            found.extend(jsonld_dates(script.text))
    return tuple(dict.fromkeys(found))


def jsonld_dates(raw: str) -> list[tuple[str, str]]:
    """(`json-ld:<key>`, value) for the dates of the page's own object in a JSON-LD block.

    Each key is taken once: from the first article-like object (`NewsArticle`, `BlogPosting`...)
    that has it, else from the first object that has it, walking breadth-first and skipping
    members that describe other things (comments, authors, list items...).
    """
    try:
        data = json.loads(raw)
    except RecursionError:  # nested deeper than any page's metadata
        return []
    except ValueError:
        try:
            data = json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
        except (ValueError, RecursionError):
            return []
    chosen: dict[str, tuple[bool, str]] = {}
    queue: list[Any] = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        article = _ARTICLE_TYPE.search(str(item.get("@type", ""))) is not None
        for key in JSONLD_DATE_KEYS:
            value = item.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if not isinstance(value, str) or not value.strip():
                continue
            if key not in chosen or (article and not chosen[key][0]):
                chosen[key] = (article, value.strip())
        queue.extend(
            value
            for name, value in item.items()
            if isinstance(value, dict | list) and name.lower() not in _JSONLD_FOREIGN
        )
    return [(f"json-ld:{key}", chosen[key][1]) for key in JSONLD_DATE_KEYS if key in chosen]


def url_dates(tree: Any, url: str | None) -> list[tuple[str, str]]:
    """A full Y-M-D date in the page's URL path: the given URL, else its canonical link."""
    candidates: list[tuple[str, str | None]] = [("url", url)]
    for link in tree.xpath('//link[@rel="canonical"][@href]')[:1]:
        candidates.append(("url:canonical", link.get("href")))
    for meta in tree.xpath('//meta[@property="og:url"][@content]')[:1]:
        candidates.append(("url:og", meta.get("content")))
    for name, candidate in candidates:
        match = _URL_DATE.search(candidate or "")
        if match:
            return [(name, f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")]
    return []


def shown_dates(tree: Any, limit: int = 60) -> list[tuple[str, str]]:
    """(`shown`, ISO date) for the dates the page's visible text shows, in page order, and
    (`shown:headline`, ISO date) for the first one at or after the headline (the first <h1>).

    Numeric (2021-03-20, 20.03.2021, 03/20/2021: both readings when ambiguous) and written
    (20 March 2021, March 20, 2021, 20. März 2021, 20 de marzo de 2021...) dates. Dating uses
    them to tell which of the stated dates the page presents to its readers.
    """
    headline = next(iter(tree.xpath("//body//h1")), None)
    inside = set(headline.iter()) if headline is not None else set()
    before: list[str] = []
    after: list[str] = []
    for text in tree.xpath(_VISIBLE_TEXT):
        if not after and text.getparent() in inside:
            after.append("")
        (after if after else before).append(str(text))
    found: dict[str, None] = {}
    for part in (before, after):
        for match in _SHOWN.finditer(" ".join(" ".join(part).split())):
            for day in _shown_readings(match):
                found.setdefault(day, None)
            if len(found) >= limit:
                break
    out = [("shown", day) for day in found]
    near = " ".join(" ".join(after).split())[:_HEADLINE_REACH]
    first = next((r for m in _SHOWN.finditer(near) for r in _shown_readings(m)), None)
    if first is not None:
        out.append(("shown:headline", first))
    return out


def _shown_readings(match: re.Match[str]) -> list[str]:
    groups = match.groupdict()
    readings: list[tuple[int, int, int]] = []
    if groups["iso_y"]:
        readings.append((int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"])))
    elif groups["dot_d"]:
        readings.append((_year(groups["dot_y"]), int(groups["dot_m"]), int(groups["dot_d"])))
    elif groups["sl_a"]:
        first, second, year = int(groups["sl_a"]), int(groups["sl_b"]), _year(groups["sl_y"])
        readings += [(year, first, second), (year, second, first)]
    elif groups["dmy_d"]:
        month = _MONTH_NUMBERS[groups["dmy_m"].lower().rstrip(".")]
        readings.append((int(groups["dmy_y"]), month, int(groups["dmy_d"])))
    elif groups["mdy_d"]:
        month = _MONTH_NUMBERS[groups["mdy_m"].lower().rstrip(".")]
        readings.append((int(groups["mdy_y"]), month, int(groups["mdy_d"])))
    out = []
    for year, month, day in readings:
        if 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
            try:
                out.append(date(year, month, day).isoformat())
            except ValueError:
                continue
    return out


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _meta_key(meta: Any) -> str:
    for attribute in ("property", "name", "itemprop", "http-equiv"):
        value = meta.get(attribute)
        if value:
            return str(value).strip().lower()
    return ""


def _extract(markup: str, url: str | None) -> tuple[Any, str | None]:
    try:
        extracted = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, favor_precision=False
        )
    except (ValueError, TypeError) as exc:
        return None, f"malformed HTML ({exc})"
    return extracted, None


def parse_markup(markup: str) -> Any:
    """The page as an lxml tree, or None when lxml cannot make one."""
    try:
        return lxml_html.fromstring(markup.encode("utf-8", "replace"), parser=_PARSER)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _page_title(tree: Any) -> str | None:
    title = tree.findtext(".//title")
    return " ".join(title.split()) or None if title else None


def _htmldate(markup: str, url: str | None) -> str | None:
    try:
        result = find_date(markup, url=url, extensive_search=True, original_date=True)
    except (ValueError, TypeError):
        return None
    return str(result) if result else None


def _field(extracted: Any, name: str) -> str | None:
    value = extracted.get(name) if isinstance(extracted, dict) else getattr(extracted, name, None)
    return str(value) if value else None
