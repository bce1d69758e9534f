"""The signals a publication date is decided from: votes (metadata, htmldate, date lines,
publisher ids, the dateline), bounds (today, the crawl date, dated roles named in the text) and
corroboration (the weekday a lead sentence names, the years the text mentions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from peninsula.dating.readings import parse_date_value, read_date_value
from peninsula.knowledge import Knowledge, Role, TimeWords
from peninsula.records import Document, PartialDate, Precision

WEIGHTS = {
    "column": 0.95,
    "feed": 0.9,
    "meta": 0.9,
    "microdata": 0.9,
    "json-ld": 0.9,
    "time": 0.8,
    "publisher-id": 0.85,
    "htmldate": 0.8,
    "url": 0.7,
    "date-line": 0.7,
    "dateline": 0.5,
}
# Generic keys ("date", "dc.date") are often the last change rather than the first publication.
GENERIC_WEIGHT = 0.75
# Signals of one kind of metadata come from one publishing system: they are one witness, and
# each further signal of the family that agrees adds less (its weight times this, squared...).
FAMILY_DISCOUNT = 0.5
# A role named in the text ("President Trump") may be a look back; it does not overrule the
# dates a page's own metadata states, it only withholds its corroboration from them.
PAGE_FAMILIES = frozenset({"metadata", "htmldate", "url"})
METADATA_KINDS = frozenset({"column", "feed", "meta", "microdata", "json-ld", "time"})
# A date the page shows its readers, against dates only its metadata states.
SHOWN_WEIGHT = 0.9
SHOWN_MODIFIED_WEIGHT = 0.9
HEADLINE_WEIGHT = 0.3
HIDDEN_FACTOR = 0.5
WEEKDAY_WEIGHT = 0.3
YEAR_MENTION_WEIGHT = 0.2
RECENCY_WEIGHT = 0.05
ROLE_WEIGHT = 0.2
_YEARS_BACK = 40
_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20\d\d)(?![\d/-])")
# Metadata names that state when a page was last changed, not when it was first published.
_MODIFIED = re.compile(r"modif|updat|revis|lastmod|last-mod", re.IGNORECASE)
_GENERIC_KEYS = frozenset({"meta:date", "meta:dc.date", "meta:dcterms.date"})


@dataclass(frozen=True, slots=True)
class Vote:
    signal: str
    day: date
    precision: Precision
    weight: float
    raw: str
    alternatives: tuple[date, ...] = ()
    why: str = ""

    @property
    def when(self) -> PartialDate:
        return PartialDate.of(self.day, self.precision)

    @property
    def family(self) -> str:
        kind = self.signal.split(":", 1)[0]
        return "metadata" if kind in METADATA_KINDS else kind


@dataclass(frozen=True, slots=True)
class Bound:
    """A plausibility limit: the publication date must fall within one of `spans`."""

    signal: str
    spans: tuple[tuple[date | None, date | None], ...]
    reason: str
    # Families this limit only weakens (no corroboration) instead of ruling out.
    soft_for: frozenset[str] = frozenset()

    def binds(self, vote: Vote) -> bool:
        return vote.family not in self.soft_for and not self.allows(vote.day, vote.precision)

    def allows(self, day: date, precision: Precision) -> bool:
        last = PartialDate.of(day, precision).last_day()
        return any(
            (lo is None or last >= lo) and (hi is None or day <= hi) for lo, hi in self.spans
        )


def explicit_votes(
    document: Document, knowledge: Knowledge
) -> tuple[list[Vote], list[Vote], set[date]]:
    """Votes for the publication date, the modification dates the metadata states, and the
    dates the page shows its readers."""
    raw = document.raw
    votes: list[Vote] = []
    modified: list[Vote] = []
    shown: set[date] = set()
    for name, value in raw.metadata_dates:
        if name.startswith("warc:"):
            continue
        if name.startswith("shown"):
            reading = read_date_value(value)
            if reading is not None and reading.precision == "day":
                shown.add(reading.day)
                if name == "shown:headline":
                    votes.append(Vote(name, reading.day, "day", HEADLINE_WEIGHT, value))
            continue
        reading = read_date_value(value)
        if reading is None:
            continue
        kind = name.split(":", 1)[0]
        weight = GENERIC_WEIGHT if name in _GENERIC_KEYS else WEIGHTS.get(kind, 0.8)
        vote = Vote(
            name, reading.day, reading.precision, weight, value, reading.alternatives, reading.why
        )
        (modified if _MODIFIED.search(name) else votes).append(vote)
    if raw.html_date:
        reading = read_date_value(raw.html_date)
        if reading:
            votes.append(
                Vote("htmldate", reading.day, reading.precision, WEIGHTS["htmldate"], raw.html_date)
            )
    label = _date_label(knowledge.time_words)
    for line in document.header_lines:
        reading = read_date_value(label.sub("", line))
        if reading:
            votes.append(
                Vote(
                    "date-line",
                    reading.day,
                    reading.precision,
                    WEIGHTS["date-line"],
                    line,
                    reading.alternatives,
                    reading.why,
                )
            )
    votes.extend(_publisher_id_votes(raw.text, knowledge))
    return votes, modified, shown


def _publisher_id_votes(text: str, knowledge: Knowledge) -> Iterable[Vote]:
    for outlet in knowledge.outlets:
        if outlet.id_pattern is None:
            continue
        for match in outlet.id_pattern.finditer(text):
            try:
                day = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
            yield Vote("publisher-id", day, "day", WEIGHTS["publisher-id"], match.group(0))


def dateline_vote(
    document: Document, bounds: list[Bound], weekday: int | None, years: list[int], today: date
) -> Vote | None:
    dateline = document.dateline
    if dateline is None or dateline.month is None or dateline.day is None:
        return None
    best: tuple[float, date] | None = None
    # A dateline that gives its year is taken at its word; most give only month and day.
    candidates = (
        [dateline.year] if dateline.year else range(today.year, today.year - _YEARS_BACK, -1)
    )
    for year in candidates:
        try:
            day = date(year, dateline.month, dateline.day)
        except ValueError:
            continue
        if not all(b.allows(day, "day") for b in bounds):
            continue
        score = RECENCY_WEIGHT * (1 - (today.year - year) / _YEARS_BACK)
        if weekday is not None and day.weekday() == weekday:
            score += WEEKDAY_WEIGHT
        if years and year == max(years):
            score += YEAR_MENTION_WEIGHT
        if best is None or score > best[0]:
            best = (score, day)
    if best is None:
        return None
    return Vote("dateline", best[1], "day", WEIGHTS["dateline"], dateline.raw)


def lead_weekday(text: str, words: TimeWords) -> tuple[int, str] | None:
    """The weekday (Monday = 0) a lead sentence gives the news ("said on Thursday"), with the
    words that give it."""
    match = _weekday_pattern(words).search(text[:600])
    if match is None:
        return None
    return words.weekdays[match.group(1).lower()] - 1, match.group(0)


@cache
def _weekday_pattern(words: TimeWords) -> re.Pattern[str]:
    cues = _alternation(words.weekday_cues)
    return re.compile(rf"\b(?:{cues})\s+({_alternation(words.weekdays)})\b", re.IGNORECASE)


@cache
def _date_label(words: TimeWords) -> re.Pattern[str]:
    """ "Published:", "Last updated" before a date at the head of an article."""
    labels = _alternation(words.date_labels)
    return re.compile(rf"^\s*(?:{labels})\s*:?\s+", re.IGNORECASE)


def _alternation(options: Iterable[str]) -> str:
    ordered = sorted(options, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def mentioned_years(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]


def crawl_bounds(document: Document) -> list[Bound]:
    bounds = []
    for name, value in document.raw.metadata_dates:
        if name == "warc:crawl-date":
            parsed = parse_date_value(value)
            if parsed:
                bounds.append(
                    Bound("crawl-date", ((None, parsed[0]),), f"after the crawl date {parsed[0]}")
                )
    return bounds


def role_bounds(text: str, knowledge: Knowledge) -> list[Bound]:
    bounds = []
    negators = _negators(knowledge.time_words)
    for (_title, actor_id), (pattern, roles) in _role_patterns(knowledge).items():
        match = next(
            (m for m in pattern.finditer(text) if not _negated(text, m.start(), negators)), None
        )
        if match is None:
            continue
        spans = tuple((r.start, r.end) for r in roles)
        first = min((r.start for r in roles if r.start), default=None)
        phrase = " ".join(match.group(0).split())
        reason = (
            f"{phrase!r} is only right from {first}"
            if len(spans) == 1 and spans[0][1] is None
            else f"{phrase!r} is only right within {', '.join(_span_text(s) for s in spans)}"
        )
        bounds.append(Bound(f"role:{actor_id}", spans, reason, PAGE_FAMILIES))
    return bounds


@cache
def _role_patterns(
    knowledge: Knowledge,
) -> dict[tuple[str, str], tuple[re.Pattern[str], list[Role]]]:
    grouped: dict[tuple[str, str], list[Role]] = {}
    for role in knowledge.roles:
        grouped.setdefault((role.title, role.actor), []).append(role)
    patterns = {}
    for (title, actor_id), roles in grouped.items():
        actor = knowledge.actor(actor_id)
        if actor is None:
            continue
        names = "|".join(
            re.escape(n) for n in sorted({actor.name, *actor.aliases}, key=len, reverse=True)
        )
        pattern = re.compile(rf"\b{re.escape(title)}\s+(?:{names})\b")
        patterns[(title, actor_id)] = (pattern, roles)
    return patterns


@cache
def _negators(words: TimeWords) -> re.Pattern[str]:
    """A word right before a title that makes it not current: "former", "ex-", "then-"."""
    return re.compile(rf"(?<![\w-])(?:{_alternation(words.role_negators)})-?$")


def _negated(text: str, start: int, negators: re.Pattern[str]) -> bool:
    """True for "former President X", "then-President X": the role is not current."""
    before = text[max(0, start - 20) : start].lower().rstrip()
    return negators.search(before) is not None


def _span_text(span: tuple[date | None, date | None]) -> str:
    start, end = span
    return f"{start or '…'} to {end or 'now'}"
