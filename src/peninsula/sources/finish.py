"""The last step of every reader: text that later stages can always take.

- Every string field is valid Unicode: a lone surrogate (from a `\\ud800` JSON escape or a
  `&#xD800;` reference) becomes U+FFFD and NUL characters are dropped, so the text can be
  encoded, hashed and stored.
- An article whose text has no letter at all (a number, punctuation) is skipped.
- An article longer than `MAX_ARTICLE_CHARS` (well under the language model's limit) is cut at a
  paragraph or sentence boundary, with a `Skipped` note for the part left out (the article itself
  is kept and stored).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace

from peninsula.records import RawArticle, Skipped

# spaCy refuses a text longer than `Language.max_length`, 1,000,000 characters by default (E088),
# and a build needs about 3 GB of memory per million characters of one article (measured with one
# worker: peak 0.58 GB at 50,000 characters, 1.05 GB at 200,000, 3.4 GB near 1,000,000). Articles
# are cut well under spaCy's limit so a build stays near 1 GB; a news article has 2,000 to 20,000
# characters, and 200,000 is about 35,000 words. This is the one place the limit is set.
SPACY_MAX_CHARS = 1_000_000
MAX_ARTICLE_CHARS = 200_000

_SURROGATE = re.compile("[\ud800-\udfff]")
_LETTER = re.compile(r"[^\W\d_]")
# Characters str.splitlines() breaks at. Cleaning may turn each into a blank line ("\n\n"),
# so an article counts one extra character per line break against the limit.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SENTENCE_END = re.compile(r"""[.!?。][\"'”’)\]]*\s""")


def finished(article: RawArticle) -> Iterator[RawArticle | Skipped]:
    """The article with valid text, cut under the limit (plus a note), or one Skipped."""
    article = _valid(article)
    if _LETTER.search(article.text) is None:
        yield Skipped(article.origin, "no words in the text")
        return
    end = fitting_end(article.text)
    if end is None:
        yield article
        return
    yield replace(article, text=article.text[:end].rstrip())
    yield Skipped(
        article.origin,
        f"text after character {end:,} of {len(article.text):,} left out "
        f"(articles are cut under {MAX_ARTICLE_CHARS:,} characters)",
    )


def fitting_end(text: str, limit: int = MAX_ARTICLE_CHARS) -> int | None:
    """Where to cut `text` so it fits `limit` (line breaks count twice), or None if it fits.

    The cut falls at the last line break before the limit, else at the last sentence end, else
    at the last space, else at the limit itself.
    """
    if len(text) * 2 <= limit:
        return None
    if len(text) <= limit and len(text) + sum(1 for _ in _LINE_BREAK.finditer(text)) <= limit:
        return None
    breaks = [m.start() for m in _LINE_BREAK.finditer(text, 0, limit)]
    low, high = 0, min(len(text), limit)
    while low < high:  # the longest prefix whose length plus its line breaks fits
        middle = (low + high + 1) // 2
        if middle + bisect_right(breaks, middle - 1) <= limit:
            low = middle
        else:
            high = middle - 1
    window = text[:low]
    floor = low // 2
    for boundary in (_last_break(window, breaks), _last_sentence_end(window, floor)):
        if boundary is not None and boundary > floor:
            return boundary
    space = window.rfind(" ", floor)
    return space if space > floor else low


def _last_break(window: str, breaks: list[int]) -> int | None:
    inside = bisect_right(breaks, len(window) - 1)
    return breaks[inside - 1] if inside else None


def _last_sentence_end(window: str, floor: int) -> int | None:
    last = None
    for match in _SENTENCE_END.finditer(window, floor):
        last = match.end()
    return last


def _valid(article: RawArticle) -> RawArticle:
    return replace(
        article,
        origin=valid_text(article.origin),
        text=valid_text(article.text),
        title=_optional(article.title),
        url=_optional(article.url),
        outlet=_optional(article.outlet),
        metadata_dates=tuple((valid_text(k), valid_text(v)) for k, v in article.metadata_dates),
        html_date=_optional(article.html_date),
    )


def valid_text(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD and NUL characters dropped."""
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "")


def _optional(text: str | None) -> str | None:
    return None if text is None else valid_text(text) or None
