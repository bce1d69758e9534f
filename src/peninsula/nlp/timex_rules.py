"""The shapes of time expressions: one rule per family (a regular expression built from the time
vocabulary, plus the normaliser that turns a match into a value), in priority order.

The table is built once per vocabulary (`rules_for`) and cached; nothing is built at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from peninsula.knowledge.time_words import TimeWords
from peninsula.nlp import timex_dates as dates
from peninsula.nlp import timex_spans as spans
from peninsula.nlp.timex_context import Normaliser


@cache
def rules_for(words: TimeWords) -> tuple[Rule, ...]:
    """The rule table for a vocabulary, earliest rule first (it wins ties)."""
    return tuple(_build(words))


def _alt(words: Iterable[str]) -> str:
    """An alternation, longest first (so "Sept" wins over "Sep"), spaces and apostrophes loose."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    branches = "|".join(
        re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]").replace(r"\-", "[-\\s]?")
        for w in ordered
    )
    # Checking the first character before trying every branch makes the rules several times
    # faster: the engine gives up at once at the many positions where no word can start.
    first = "".join(sorted({re.escape(w[0]) for w in ordered}))
    return f"(?=[{first}])(?:{branches})"


def _ci(words: Iterable[str]) -> str:
    """Case-insensitive alternation (scoped flag: month names elsewhere stay case-sensitive)."""
    return f"(?i:{_alt(words)})"


def _capitalised(words: Iterable[str]) -> str:
    """Capitalised or upper-case forms only: "may" and "march" in lower case are verbs."""
    forms = [f for w in words for f in (w.capitalize(), w.upper())]
    return f"(?:{_alt(forms)})"


@dataclass(frozen=True, slots=True)
class _Pieces:
    """Pattern fragments shared by the rules. Named groups are added by each rule."""

    month: str  # full month names
    month_any: str  # full names or abbreviations ("Sept.", "Jan")
    weekday: str
    day: str
    year: str
    num: str
    unit: str
    unit_plural: str
    rel: str
    dmod: str
    qmod: str
    pod: str
    season: str
    zone: str


def _pieces(v: TimeWords) -> _Pieces:
    tens = [w for w, n in v.numbers.items() if n % 10 == 0 and 20 <= n <= 90]
    ones = [w for w, n in v.numbers.items() if 1 <= n <= 9 and w.isalpha() and len(w) > 2]
    word_number = f"(?:{_alt(tens)})(?:[-\\s](?:{_alt(ones)}))?|{_alt(v.numbers)}"
    digits = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
    initials = {w[0] for w in [*v.numbers, *v.vague_numbers]}
    letters = "".join(sorted({c for i in initials for c in (i.lower(), i.upper())}))
    abbreviations = _capitalised(v.month_abbreviations)
    return _Pieces(
        month=_capitalised(v.months) + r"\b",
        month_any=rf"(?:{_capitalised(v.months)}\b|{abbreviations}\b\.?)",
        weekday=_capitalised(v.weekdays) + r"\b",
        day=r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![:.,]?\d)",
        year=r"(?:1\d{3}|20\d\d|21\d\d)\b(?![.,:]\d)",
        num=f"(?=[\\d{letters}])(?:{digits}|(?i:{word_number}|{_alt(v.vague_numbers)}))",
        unit=_ci(v.units) + r"\b",
        unit_plural=_ci(v.plurals) + r"\b",
        rel=_ci(v.relative_words),
        dmod=f"(?:(?P<dmod>{_ci(v.date_modifiers)})(?:\\s*-\\s*|\\s+))?",
        qmod=f"(?:(?P<qmod>{_ci(v.quantity_modifiers)})\\s+)?",
        pod=_ci(v.parts_of_day) + r"\b",
        season=_ci(v.seasons) + r"\b",
        zone=_ci(v.time_zones) + r"\b",
    )


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    normalise: Normaliser
    requires: re.Pattern[str] | None  # no match is possible unless this occurs in the text


_REQUIRES = {
    "age": r"\bold\b|\bage",
    "iso": r"\d-\d",
    "numeric": r"\d/\d",
    "month_relative_year": r"year",
    "weekday_set": r"\b(?:every|each)\b|days\b",
    "anaphoric_day": r"\bday\b",
    "weekend": r"weekend",
    "quarter": r"quarter|half|\b[QH]\d",
    "decade": r"0['’]?s\b",
    "century": r"century",
    "ago": r"\bago\b",
    "every": r"\b(?:every|each|per)\b",
    "frequency": r"once|twice|thrice|times",
    "every_part": r"\b(?:every|each)\b",
    "year_range_end": r"\d[-–]\d",
    "lasting": r"-long",
    "half": r"half",
    "clock": r"\d\s*(?:[ap]\.?m|o['’]clock)",
    "clock24": r"\d:\d",
    "clock_zone": r"\d\d\d\d\s+[a-z]",
}


def _build(v: TimeWords) -> list[Rule]:
    p = _pieces(v)
    holiday = _ci(v.holidays)
    clock = _ci(v.clock_words)
    refs = _ci(v.reference_words)
    freq = _ci(v.frequency_words)
    day_words = _ci(v.day_words)
    ordinal = _ci(v.ordinals)
    anaphoric = _ci(v.anaphoric_words)
    ahead = r"(?![\w-])"
    table: list[tuple[str, str, Normaliser]] = [
        # Blockers first: ages are durations in form only ("a 20-year-old", "aged 6 months").
        ("age", rf"\b{p.num}[\s-]+{p.unit}[\s-]+(?i:old)\b", spans.block),
        ("age", rf"\b(?i:aged?|ages)\s+{p.num}(?:\s+{p.unit})?", spans.block),
        ("iso", r"\b(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)\b", dates.iso_date),
        ("numeric", r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)\b", dates.numeric_date),
        (
            "month_day",
            rf"\b{p.dmod}(?:{p.weekday},?\s+)?(?P<mon>{p.month_any})\s*(?P<day>{p.day})"
            rf"(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?",
            dates.full_date,
        ),
        (
            "day_month",
            rf"\b{p.dmod}(?:{p.weekday},?\s+)?(?P<day>{p.day})\s+(?:(?i:of)\s+)?"
            rf"(?P<mon>{p.month_any})(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?",
            dates.full_date,
        ),
        (
            "month_relative_year",
            rf"\b{p.dmod}(?P<mon>{p.month_any})(?:\s+(?P<day>{p.day}))?,?\s+(?:(?i:of)\s+)?"
            rf"(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
            dates.month_relative_year,
        ),
        (
            "month_year",
            rf"\b{p.dmod}(?P<mon>{p.month_any}),?\s+(?:(?i:of)\s+)?(?P<year>{p.year})",
            dates.month_year,
        ),
        (
            "relative_month",
            rf"\b{p.dmod}(?P<rel>{p.rel})\s+(?P<mon>{p.month})",
            dates.relative_month,
        ),
        ("month", rf"\b{p.dmod}(?P<mon>{p.month})", dates.bare_month),
        (
            "season",
            rf"\b{p.dmod}(?:(?P<rel>{p.rel})\s+|(?P<the>(?i:the))\s+)?(?P<season>{p.season})"
            rf"(?:\s+(?:(?i:of)\s+)?(?P<year>{p.year}))?",
            dates.season,
        ),
        (
            "weekday_set",
            rf"\b(?:(?i:every|each)\s+(?P<wd>{p.weekday})|(?P<wds>{_capitalised(v.weekdays)})s\b)",
            spans.weekday_set,
        ),
        (
            "weekday",
            rf"\b{p.dmod}(?:(?P<rel>(?i:last|this|next|coming|past))\s+)?(?P<wd>{p.weekday})"
            rf"(?:\s+(?P<pod>{p.pod}))?",
            dates.weekday,
        ),
        (
            "day_word",
            rf"\b{p.dmod}(?P<dw>{day_words}|(?i:tonight)|(?i:last|this)(?=\s+{p.pod}))"
            rf"(?:\s+(?P<pod>{p.pod}))?{ahead}",
            dates.day_word,
        ),
        (
            "anaphoric_day",
            r"\b(?i:the\s+(?:(?P<rel>next|following|previous|preceding|same)\s+day|day\s+"
            r"(?P<rel2>before|after))|that\s+(?:same\s+)?day)\b",
            dates.anaphoric_day,
        ),
        ("weekend", rf"\b(?:(?P<rel>{p.rel})|(?i:the))\s+(?i:weekend)\b", dates.weekend),
        (
            "relative_unit",
            rf"\b{p.dmod}{p.qmod}(?:(?P<the>(?i:the))\s+)?(?:(?P<rel>{p.rel}|{anaphoric}|(?i:recent))\s+)?"
            rf"(?:(?i:fiscal|calendar)\s+)?(?:(?P<num>{p.num})\s+)?(?P<unit>{p.unit})",
            spans.relative_unit,
        ),
        (
            "quarter",
            rf"\b(?:(?i:the)\s+)?(?:(?P<ord>{ordinal})[\s-]+(?P<part>(?i:quarter|half))"
            rf"(?:\s+(?i:of)\s+(?:(?P<year>{p.year})|(?P<rel>{p.rel})\s+(?i:year)|"
            rf"(?P<theyear>(?i:the|this)\s+year)))?|(?:Q(?P<q>[1-4])|H(?P<h>[12]))\b"
            rf"(?:\s+(?P<year2>{p.year}))?)",
            dates.quarter,
        ),
        (
            "decade",
            rf"(?<![\w$/-]){p.dmod}(?:(?P<dec4>1\d\d|20\d)0|['’]?(?P<dec2>\d)0)"
            rf"['’]?s\b",
            dates.decade,
        ),
        (
            "century",
            rf"\b{p.dmod}(?:(?P<ord>{ordinal})|(?P<cnum>\d{{1,2}})"
            rf"(?i:st|nd|rd|th))[\s-]+(?i:century)\b",
            dates.century,
        ),
        ("year", rf"(?<![\w$£€¥#.,/])(?:{p.dmod})?(?P<year>{p.year})(?!-\d\d-)", dates.year),
        (
            "ago",
            rf"\b{p.qmod}(?:(?P<num>{p.num})\s+)?(?P<unit>{p.unit})\s+(?i:ago)\b",
            spans.ago,
        ),
        (
            "every",
            rf"\b(?i:every|each|per)\s+(?:(?P<num>{p.num}|(?i:other))\s+)?(?P<unit>{p.unit})",
            spans.every,
        ),
        (
            "frequency",
            rf"\b(?i:once|twice|thrice|{p.num}\s+times)\s+(?i:a|an|per|each|every)\s+"
            rf"(?P<unit>{p.unit})",
            spans.frequency,
        ),
        ("frequency_word", rf"\b{freq}\b", spans.frequency_word),
        (
            "every_part",
            rf"\b(?i:every|each)\s+(?:(?P<pod>{p.pod})|(?P<season>{p.season})|"
            rf"(?P<mon>{p.month}))",
            spans.every_part,
        ),
        (
            "duration",
            rf"\b{p.qmod}(?P<the>(?i:the)\s+)?(?P<num>{p.num})(?P<half>\s+(?i:and\s+a\s+half))?(?P<sep>\s+|-)"
            rf"(?P<unit>{p.unit})(?P<half2>\s+(?i:and\s+a\s+half))?",
            spans.duration_rule,
        ),
        (
            "range_start",
            rf"\b(?P<num>{p.num})(?=\s*(?:-|–|(?i:to|and|or))\s*{p.num}(?P<sep>\s+|-)"
            rf"(?P<unit>{p.unit}))(?P<half>)(?P<half2>)",
            spans.range_start,
        ),
        (
            "year_range_end",
            r"(?<=\b(?:1\d|20)\d\d[-–])(?P<yy>\d\d)\b(?![-–/]\d)",
            spans.year_range_end,
        ),
        ("lasting", rf"\b(?P<unit>{p.unit})-(?i:long)\b", spans.lasting),
        (
            "half",
            rf"\b{p.qmod}(?i:half\s+(?:an?\s+)?|an?\s+half[\s-])(?P<unit>{p.unit})",
            spans.half_duration,
        ),
        ("plural", rf"\b{p.qmod}(?P<unit>{p.unit_plural})", spans.bare_plural),
        (
            "clock",
            rf"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d))?\s*"
            rf"(?P<ampm>(?i:a\.m\.?|p\.m\.?|am|pm|o['’]clock)(?!\w))(?:\s+(?P<zone>{p.zone}))?",
            spans.clock,
        ),
        (
            "clock24",
            rf"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?!\d)(?P<ampm>)"
            rf"(?:\s+(?P<zone>{p.zone}))?",
            spans.clock,
        ),
        (
            "clock_zone",
            rf"\b(?P<h>[01]\d|2[0-3])(?P<min>[0-5]\d)(?P<ampm>)\s+(?P<zone>{p.zone})",
            spans.clock,
        ),  # "2130 GMT", which is not the year 2130
        ("clock_word", rf"\b(?P<cw>{clock}){ahead}", spans.clock_word),
        ("reference", rf"\b{refs}{ahead}", spans.reference),
        (
            "holiday",
            rf"\b(?P<name>{holiday})(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?{ahead}",
            dates.holiday,
        ),
    ]
    return [
        Rule(name, re.compile(pattern), normalise, _required(name))
        for name, pattern, normalise in table
    ]


def _required(name: str) -> re.Pattern[str] | None:
    test = _REQUIRES.get(name)
    return re.compile(test, re.IGNORECASE) if test else None
