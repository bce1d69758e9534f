"""Quotation marks: paired paragraph by paragraph, and where the paragraphs break.

Straight, curly, `` '' and single marks (outside double ones) are paired within each paragraph;
a quotation left open at a paragraph's end runs to it (the news convention for quotes over
several paragraphs), a stray mark is skipped. Nothing here raises on odd or stray marks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Token

_DOUBLE_MARK = re.compile(r"``|''|[\"“”„«»]")
_SINGLE_MARK = re.compile(r"[‘’']")
_OPENING = frozenset({"“", "„", "«", "``", "‘"})
_CLOSING = frozenset({"”", "»", "’"})
_NOT_BEFORE_OPENING = frozenset(".,;!?%")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: `start`/`end` include the marks, `inner_*` is what they enclose."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool


def find_quotes(text: str) -> list[Quote]:
    """Paired quotations in `text`, in order; never raises on odd or stray marks."""
    quotes: list[Quote] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        lo, hi = paragraph.span()
        double = _pair(text, lo, hi, list(_DOUBLE_MARK.finditer(text, lo, hi)), unclosed=True)
        taken = [(q.start, q.end) for q in double]
        singles = [
            m
            for m in _SINGLE_MARK.finditer(text, lo, hi)
            if not any(a <= m.start() < b for a, b in taken)
            and text[m.start() : m.start() + 2] != "''"
            and text[max(lo, m.start() - 1) : m.start() + 1] != "''"
        ]
        single = _pair(text, lo, hi, singles, unclosed=False)
        quotes += double + single
    quotes.sort(key=lambda q: q.start)
    return [q for q in quotes if any(ch.isalnum() for ch in text[q.inner_start : q.inner_end])]


def _pair(text: str, lo: int, hi: int, marks: list[re.Match[str]], unclosed: bool) -> list[Quote]:
    found: list[Quote] = []
    opened: re.Match[str] | None = None
    for n, mark in enumerate(marks):
        direction = _direction(text, mark, lo, hi)
        if direction == "none":
            continue
        if opened is None:
            if direction != "close":
                opened = mark
        elif direction != "open":
            found.append(Quote(opened.start(), mark.end(), opened.end(), mark.start(), True))
            opened = None
        elif unclosed and n == len(marks) - 1 and mark.group() == '"':
            # '“We are ready, " the mayor said': the paragraph's last mark closes, a space
            # typed before it
            found.append(Quote(opened.start(), mark.end(), opened.end(), mark.start(), True))
            opened = None
        else:
            opened = mark  # two openings: the first was stray
    if opened is not None and unclosed:
        end = len(text[lo:hi].rstrip()) + lo
        if end > opened.end():
            found.append(Quote(opened.start(), end, opened.end(), end, False))
    return found


def _direction(text: str, mark: re.Match[str], lo: int, hi: int) -> str:
    """'open', 'close' or 'either', from the characters around the mark, then its shape."""
    before = text[mark.start() - 1] if mark.start() > lo else " "
    after = text[mark.end()] if mark.end() < hi else " "
    single = mark.group() in "‘’'"
    if single:
        opens = (before.isspace() or before in '([{—–"“') and after.isalnum()
        closes = (before.isalnum() or before in ".,!?") and not after.isalnum()
        if opens == closes:
            return "none" if not opens else "either"
        return "open" if opens else "close"
    opens = not before.isalnum() and before not in _NOT_BEFORE_OPENING and not after.isspace()
    closes = not before.isspace() and not after.isalnum()
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if mark.group() in _OPENING:
        return "open"
    if mark.group() in _CLOSING:
        return "close"
    return "either"


class QuoteIndex:
    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._starts = [q.inner_start for q in quotes]
        self._ends = {q.end: q for q in quotes}
        self._begins = {q.start: q for q in quotes}

    def at(self, offset: int) -> Quote | None:
        """The quotation whose inner text holds `offset`."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.quotes[i].inner_end:
            return self.quotes[i]
        return None

    def ending_at(self, offset: int) -> Quote | None:
        return self._ends.get(offset)

    def starting_at(self, offset: int) -> Quote | None:
        return self._begins.get(offset)

    def inside(self, offset: int) -> bool:
        return self.at(offset) is not None


class Paragraphs:
    """Paragraph numbers: the parser may run a sentence over a paragraph break, the rules never
    do."""

    def __init__(self, text: str, quotes: QuoteIndex) -> None:
        self._breaks = [m.start() for m in re.finditer(r"\n", text)]
        self.quotes = quotes

    def of(self, token: Token) -> int:
        return bisect.bisect_right(self._breaks, token.idx)

    def same(self, a: Token, b: Token) -> bool:
        return self.of(a) == self.of(b)
