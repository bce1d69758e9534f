"""Time expressions: find them with regular expressions, normalise them to TIMEX3 values.

The design follows HeidelTime's: one rule per family of expressions (a regular expression plus a
normalisation function), every rule run over the text, and the longest match wins where rules
overlap. Relative expressions ("last year", "on Thursday", "in August") resolve against the
publication date, the anchor. Where the direction is ambiguous (a weekday, a month without a
year) the tense of the governing verb decides: the spaCy parse when one is given, otherwise the
nearest tense cue word in the sentence. Anaphoric expressions ("the next day", "the following
year", "that month") count from the last date the text mentioned, as HeidelTime does for
narratives; "within the following decade" is a span (DURATION) whatever it counts from.

The vocabulary (month, weekday and season names, numbers, units, modifiers, relative and cue
words, holidays) lives in `data/time_words.yaml` and comes in with the `Knowledge` passed to
`find_timexes`; the code holds the shapes of expressions and their structural words ("ago",
"every", "per", "of", "the"). Modules: `timex_rules` (the rule table), `timex_dates` and
`timex_spans` (the normalisers), `timex_context` (the text, anchor and tense a rule sees),
`calendar` (calendar arithmetic); this one runs the rules and settles overlaps, anaphora and
clock times.

Direction: the past tense takes the last occurrence not after the anchor ("said on Thursday", "in
August"), the future the first not before it, anything else the nearest one.

Conventions (TimeML 1.2.1 / TimeBank):
- "last week" and "the last week" are the previous calendar week (DATE); "the next decade",
  "the coming year" and "the past three years" are spans (DURATION);
- a decade or century with a count is written in years ("a decade" -> P10Y); without a count it
  keeps its unit ("decades" -> PXDE); "the 1950s" -> 195, "the 20th century" -> 19;
- winter belongs to the year of its January, and seasons are ordered WI, SP, SU, FA in a year;
- a modifier ("early", "almost") is part of the extent and sets `mod`; "the" is part of relative
  expressions ("the last week", "the next decade", "the past three years"), not of names of
  periods ("the 1990s", "the 20th century", "the 2012 vote");
- a month and day used as a name ("the Sept. 19 agreement") takes the year stated in the same
  sentence ("signed in 2018"); without one, its year is left unknown (XXXX-09-19): the name of an
  event says nothing about the year of publication.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.nlp.calendar import parse_anchor
from peninsula.nlp.timex_context import BLOCK, Context, Value
from peninsula.nlp.timex_rules import rules_for
from peninsula.nlp.timex_spans import shifted
from peninsula.records import PartialDate, Timex

__all__ = ["Timex", "find_timexes"]


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    priority: int
    value: Value


def find_timexes(
    text: str, anchor: str | None, doc: Doc | None = None, knowledge: Knowledge | None = None
) -> list[Timex]:
    """The time expressions in `text`, normalised against `anchor` (the publication date,
    "YYYY-MM-DD", "YYYY-MM", "YYYY" or None). `doc`, a spaCy parse of the same text, gives
    the tense of the verb that governs each expression; without it, cue words do. The words
    come from `knowledge` (the shipped knowledge base, loaded on first use, when None)."""
    words = (knowledge or default_knowledge()).time_words
    ctx = Context(text, parse_anchor(anchor), doc, words)
    chosen = _select(list(_candidates(ctx)))
    return _finish(chosen, ctx)


def _candidates(ctx: Context) -> Iterable[_Candidate]:
    for priority, rule in enumerate(rules_for(ctx.words)):
        if rule.requires is not None and rule.requires.search(ctx.text) is None:
            continue
        position = 0
        while (m := rule.pattern.search(ctx.text, position)) is not None:
            start, end = _trimmed(ctx.text, m.start(), m.end())
            value = rule.normalise(m, ctx) if end > start else None
            if value is None:
                # Rejected: search again from the next character, so that a shorter match
                # inside ("1,000-day" in "The 1,000-day plan") still gets its chance.
                position = m.start() + 1
                continue
            yield _Candidate(start, end, priority, value)
            position = max(m.end(), m.start() + 1)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the spaces and commas a pattern's optional parts may leave at its edges."""
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    while start < end and text[start] in " \t\n,":
        start += 1
    return start, end


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """The longest match wins; at equal length the earlier rule in the table does."""
    taken: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.priority, c.start)):
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return sorted((c for c in taken if c.value is not BLOCK), key=lambda c: c.start)


def _finish(chosen: list[_Candidate], ctx: Context) -> list[Timex]:
    resolved = _attach_days(_resolve_anaphora(chosen, ctx), ctx)
    return [
        Timex(
            c.start,
            c.end,
            ctx.text[c.start : c.end],
            c.value.type,
            c.value.value,
            c.value.mod,
            c.value.anchored,
        )
        for c in resolved
    ]


def _resolve_anaphora(chosen: list[_Candidate], ctx: Context) -> list[_Candidate]:
    """ "the next day", "that year": counted from the last date mentioned before (HeidelTime's
    reference time), or from the anchor when none was precise enough."""
    out: list[_Candidate] = []
    last: PartialDate | None = ctx.anchor
    for index, c in enumerate(chosen):
        value = c.value
        following = chosen[index + 1] if index + 1 < len(chosen) else None
        if following is not None and _of_that_year(c, following, ctx):
            # "in March of that year": the month in the year the anaphor names.
            assert following.value.shift is not None
            year = shifted(last, *following.value.shift, None).value
            value = replace(value, value=year + value.value[4:7], anchored=True)
            c = replace(c, value=value)
        if value.shift is not None:
            unit, count = value.shift
            value = shifted(last, unit, count, value.mod)
            if "X" in value.value:
                value = shifted(ctx.anchor, unit, count, value.mod)
            c = replace(c, value=value)
        mentioned = PartialDate.parse(value.value)
        if mentioned is not None and value.type in ("DATE", "TIME"):
            last = mentioned
        out.append(c)
    return out


_OF = re.compile(r"\s+of\s+")
_MONTH_VALUE = re.compile(r"(\d{4}|XXXX)-\d\d$")


def _of_that_year(month: _Candidate, year: _Candidate, ctx: Context) -> bool:
    """ "March of that year": a month, "of", then an anaphoric year."""
    return (
        _MONTH_VALUE.match(month.value.value) is not None
        and year.value.shift is not None
        and year.value.shift[0] == "Y"
        and _OF.fullmatch(ctx.text[month.end : year.start]) is not None
    )


_DAY_VALUE = re.compile(r"(\d{4}-\d\d-\d\d|XXXX-WXX-\d|XXXX-XX-XX)$")
_JOINED = re.compile(r"\s*,?\s*")  # "10 a.m. Friday", "Friday, 10 a.m.": one expression
_NEAR = re.compile(r"\s*,?\s*(?i:on|at)\s+")  # "Friday at 10 a.m.": two, the time on that day


def _attach_days(chosen: list[_Candidate], ctx: Context) -> list[_Candidate]:
    """A clock time takes the day next to it, or the anchor's."""
    out = list(chosen)
    index = 0
    while index < len(out):
        c = out[index]
        if c.value.needs_day:
            index = _attach_day(out, index, ctx)
        index += 1
    return out


def _attach_day(out: list[_Candidate], index: int, ctx: Context) -> int:
    """Gives out[index] (a clock time) its day, merging it with a neighbouring day when only a
    space or comma separates them; returns the index of the (possibly merged) candidate."""
    c = out[index]
    for other_index in (index - 1, index + 1):
        if not 0 <= other_index < len(out):
            continue
        other = out[other_index]
        lo, hi = (other, c) if other_index < index else (c, other)
        gap = ctx.text[lo.end : hi.start]
        if not _DAY_VALUE.match(other.value.value):
            continue
        value = replace(
            c.value,
            value=other.value.value + c.value.value,
            needs_day=False,
            anchored=other.value.anchored,
        )
        if _JOINED.fullmatch(gap):
            first = min(index, other_index)
            out[first : first + 2] = [_Candidate(lo.start, hi.end, c.priority, value)]
            return first
        if _NEAR.fullmatch(gap):
            out[index] = replace(c, value=value)
            return index
    day = ctx.day
    prefix = day.isoformat() if day else "XXXX-XX-XX"
    value = replace(c.value, value=prefix + c.value.value, needs_day=False, anchored=bool(day))
    out[index] = replace(c, value=value)
    return index
