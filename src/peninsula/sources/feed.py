"""RSS/Atom feed files: each entry is an article.

Before feedparser sees a feed, its DOCTYPE is removed (so no entity it declares is ever
expanded: no billion laughs, no external entities), every character reference to a character
that cannot exist in text (a surrogate, NUL, beyond U+10FFFF) becomes U+FFFD, namespace URIs
keep only visible ASCII, and the prolog is reshaped so feedparser's patterns over it take linear
time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import feedparser
from lxml import html as lxml_html

from peninsula.records import RawArticle, Skipped
from peninsula.sources.guard import one

# The encoding an XML declaration names, as feedparser finds it (it fails on a name not in UTF-8).
_XML_ENCODING = re.compile(rb"""^<\?.*encoding=['"](.*?)['"].*\?>""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# Inside a DOCTYPE: quoted strings (which may hold brackets), brackets, its end.
_DOCTYPE_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|[\[\]>]")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PROLOG_END = re.compile(rb"<\w")  # where feedparser takes the prolog to end
_WHITESPACE_RUN = re.compile(rb"\s{2,}")
_MAX_DECLARATION = 1024
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._:\-]{0,63}")
_NAMESPACE = re.compile(rb"""(xmlns(?::[\w.\-]+)?\s*=\s*)(["'])(.*?)\2""", re.DOTALL)
_NOT_VISIBLE_ASCII = re.compile(rb"[^\x21-\x7e]+")
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_REPLACEMENT = b"&#xFFFD;"
# An entity reference nothing defined, left as text by the loose parser.
_ENTITY_REF = re.compile(r"&[A-Za-z_][\w.\-]*;?")
_LETTER = re.compile(r"[^\W\d_]")


def read_feed(data: bytes, origin: str, strict: bool = False) -> Iterator[RawArticle | Skipped]:
    data = inert_feed(data)
    declared = _XML_ENCODING.match(data)
    if declared is not None and not _ENCODING_NAME.fullmatch(declared.group(1)):
        yield Skipped(origin, "feed declares an encoding with an impossible name")
        return
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"feed with no entries ({problem})" if problem else "feed with no entries"
        yield Skipped(origin, reason)
        return
    outlet = _string((parsed.get("feed") or {}).get("title"))
    for number, entry in enumerate(entries, start=1):
        where = f"{origin}#entry{number}"
        yield one(where, strict, _entry_article, entry, where, outlet)


def inert_feed(data: bytes) -> bytes:
    """The feed without its DOCTYPE and with impossible character references replaced."""
    kept, start = [], 0
    while (doctype := _DOCTYPE.search(data, start)) is not None:
        if _FIRST_ELEMENT.search(data, start, doctype.start()) is not None:
            break  # a DOCTYPE after the root element is only text
        kept.append(data[start : doctype.start()])
        start = _doctype_end(data, doctype.end())
    kept.append(data[start:])
    data = b"".join(kept)
    # feedparser scans the prolog with patterns that take quadratic time over many lines of
    # whitespace; whitespace there means nothing, so each run of it becomes one space.
    head = _PROLOG_END.search(data)
    end = head.start() if head else len(data)
    data = _WHITESPACE_RUN.sub(b" ", data[:end]) + data[end:]
    # feedparser reads the declared encoding with a pattern over the whole first line: the
    # declaration gets a line of its own, and one that does not close soon is no declaration.
    if data.startswith(b"<?"):
        close = data.find(b"?>", 0, _MAX_DECLARATION)
        data = data[2:] if close < 0 else data[: close + 2] + b"\n" + data[close + 2 :]
    data = _NAMESPACE.sub(_checked_namespace, data)
    return _CHARREF.sub(_checked_charref, data)


def _checked_namespace(match: re.Match[bytes]) -> bytes:
    """A namespace declaration whose URI holds only visible ASCII: feedparser breaks on one
    with whitespace, which a non-ASCII byte may become once decoded (NBSP in windows-1252)."""
    declaration, quote, uri = match.groups()
    return declaration + quote + _NOT_VISIBLE_ASCII.sub(b"", uri) + quote


def _doctype_end(data: bytes, start: int) -> int:
    """Where the DOCTYPE whose body starts at `start` ends (the end of data if it never does)."""
    depth = 0
    for token in _DOCTYPE_TOKEN.finditer(data, start):
        mark = token.group()
        if mark == b"[":
            depth += 1
        elif mark == b"]":
            depth = max(0, depth - 1)
        elif mark == b">" and depth == 0:
            return token.end()
    return len(data)


def _checked_charref(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    digits = hexadecimal or decimal
    if len(digits.lstrip(b"0")) > 7:
        return _REPLACEMENT
    code = int(digits, 16 if hexadecimal else 10)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return _REPLACEMENT
    return match.group(0)


def _entry_article(entry: Any, where: str, outlet: str | None) -> RawArticle | Skipped:
    text = _entry_text(entry)
    if not _LETTER.search(_ENTITY_REF.sub("", text)):
        return Skipped(where, "feed entry with no text")
    # The plain dict lookup: feedparser's own maps a missing `updated` to `published`, warning.
    dates = tuple(
        (f"feed:{key}", value)
        for key in ("published", "updated")
        if (value := _string(dict.get(entry, key))) is not None
    )
    return RawArticle(
        origin=where,
        text=text,
        title=_string(entry.get("title")),
        url=_string(entry.get("link")),
        outlet=outlet,
        metadata_dates=dates,
        source_kind="feed",
    )


def _entry_text(entry: Any) -> str:
    parts = [c.get("value", "") for c in entry.get("content") or []] or [entry.get("summary", "")]
    fragments = []
    for part in parts:
        if not isinstance(part, str) or not part.strip():
            continue
        try:
            tree = lxml_html.fromstring(part)
        except (ValueError, lxml_html.etree.ParserError):
            fragments.append(part.strip())
            continue
        blocks = [
            el.text_content().strip() for el in tree.iter("p", "li", "h2", "h3", "blockquote")
        ]
        blocks = [b for b in blocks if b]
        fragments.append("\n".join(blocks) if blocks else tree.text_content().strip())
    return "\n".join(f for f in fragments if f).strip()


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
