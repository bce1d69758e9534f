"""RSS/Atom feed files: each entry is an article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
from lxml import html as lxml_html

from peninsula.records import RawArticle, Skipped


def read_feed(data: bytes, origin: str) -> Iterator[RawArticle | Skipped]:
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"feed with no entries ({problem})" if problem else "feed with no entries"
        yield Skipped(origin, reason)
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for number, entry in enumerate(entries, start=1):
        where = f"{origin}#entry{number}"
        text = _entry_text(entry)
        if not text:
            yield Skipped(where, "feed entry with no text")
            continue
        dates = tuple(
            (f"feed:{key}", str(entry[key])) for key in ("published", "updated") if entry.get(key)
        )
        yield RawArticle(
            origin=where,
            text=text,
            title=entry.get("title"),
            url=entry.get("link"),
            outlet=outlet,
            metadata_dates=dates,
            source_kind="feed",
        )


def _entry_text(entry: Any) -> str:
    parts = [c.get("value", "") for c in entry.get("content") or []] or [entry.get("summary", "")]
    fragments = []
    for part in parts:
        if not part.strip():
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
