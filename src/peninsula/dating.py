"""Publication date: every signal votes, one decision wins, the losers are kept as conflicts.

Signals (explicit metadata, htmldate, a leading date line, a publisher id with a date in it,
a dateline's month and day) propose dates; dated roles ("President Lee Jae Myung" cannot
predate 2025-06-04), the crawl date and today bound them; the weekday a lead sentence names
("said on Thursday") and the years the text mentions corroborate. Like htmldate's cheap-first
chain, but nothing is thrown away: losing and impossible signals become conflicts with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import cache

import dateparser

from peninsula.knowledge import Knowledge, Role
from peninsula.records import DateConflict, DateDecision, DateEvidence, Document, Precision

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
_SHOWN_MODIFIED = "the page shows this modification date and none of the publication dates"
WEEKDAY_WEIGHT = 0.3
YEAR_MENTION_WEIGHT = 0.2
RECENCY_WEIGHT = 0.05
ROLE_WEIGHT = 0.2
EARLIEST = date(1900, 1, 1)
_YEARS_BACK = 40
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LEAD_WEEKDAY = re.compile(
    r"\b(?:on|reports?|said|announced|told)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20\d\d)(?![\d/-])")
_ROLE_NEGATORS = ("former", "ex-", " ex", "then-", " then", " late", "outgoing", "future")
# Metadata names that state when a page was last changed, not when it was first published.
_MODIFIED = re.compile(r"modif|updat|revis|lastmod|last-mod", re.IGNORECASE)
_GENERIC_KEYS = frozenset({"meta:date", "meta:dc.date", "meta:dcterms.date"})
_DATE_LABEL = re.compile(
    r"^\s*(?:date|dated|published|posted|updated|last updated)\s*:?\s+", re.IGNORECASE
)
# 2026-01-21, 2026-1-5, 2026-01, with an optional time and zone.
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
# 20200414, 20200414T00:38:07Z: rewritten as ISO.
_COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?=$|[T ])")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_NUMERIC_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
# A UTC timestamp names an instant: in the publisher's own zone the day may be the one before
# (the Americas, when the UTC hour is early) or after (Asia, Europe late at night).
_UTC_EARLY_HOURS = 8
_UTC_LATE_HOURS = 15


@dataclass(frozen=True, slots=True)
class Reading:
    """A date value as read: the day it states and the other days it may mean."""

    day: date
    precision: Precision
    alternatives: tuple[date, ...] = ()
    why: str = ""


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
        last = _period_end(day, precision)
        return any(
            (lo is None or last >= lo) and (hi is None or day <= hi) for lo, hi in self.spans
        )


@dataclass(slots=True)
class _Group:
    day: date
    precision: Precision
    votes: list[Vote] = field(default_factory=list)
    corroboration: list[DateEvidence] = field(default_factory=list)
    hidden: bool = False

    def support(self) -> float:
        families: dict[str, list[float]] = {}
        for vote in self.votes:
            weight = vote.weight
            if self.hidden and vote.family in PAGE_FAMILIES:
                weight *= HIDDEN_FACTOR
            families.setdefault(vote.family, []).append(weight)
        weights = [
            _noisy_or([w * FAMILY_DISCOUNT**i for i, w in enumerate(sorted(ws, reverse=True))])
            for ws in families.values()
        ]
        return _noisy_or(weights + [e.weight for e in self.corroboration])


def resolve(document: Document, knowledge: Knowledge, today: date) -> DateDecision:
    bounds = [
        Bound("today", ((None, today),), f"after today ({today.isoformat()})"),
        Bound(
            "earliest",
            ((EARLIEST, None),),
            f"before {EARLIEST.year}: another calendar or a placeholder",
        ),
    ]
    bounds += _crawl_bounds(document)
    bounds += _role_bounds(document.text, knowledge)
    votes, modified, shown = _explicit_votes(document, knowledge)
    weekday = _lead_weekday(document.text)
    years = _mentioned_years(document.text)
    dateline_vote = _dateline_vote(document, bounds, weekday, years, today)
    if dateline_vote is not None:
        votes.append(dateline_vote)

    conflicts: list[DateConflict] = []
    groups: list[_Group] = []
    # Votes that state one day go first; a vote that may mean a neighbouring day (a UTC
    # timestamp, an ambiguous 03/04/2025) then joins the day other signals already name.
    for vote in sorted(votes, key=lambda v: bool(v.alternatives)):
        _place(_settle(vote, groups, bounds), groups, bounds, conflicts)
    # A page that shows its modification date and none of the publication dates presents
    # that date as its own: it then votes too.
    if not any(g.precision == "day" and g.day in shown for g in groups):
        for vote in [m for m in modified if m.precision == "day" and m.day in shown]:
            modified.remove(vote)
            promoted = replace(vote, weight=SHOWN_MODIFIED_WEIGHT, why=_SHOWN_MODIFIED)
            _place(promoted, groups, bounds, conflicts)
    if not groups:
        conflicts += _modified_conflicts(modified, None)
        return DateDecision(None, None, 0.0, (), tuple(conflicts))

    for group in groups:
        _corroborate(group, weekday, years, bounds, document, shown)
    groups.sort(key=lambda g: (g.support(), _rank(g.precision), g.day), reverse=True)
    best, losers = groups[0], groups[1:]
    winners = ", ".join(sorted({v.signal for v in best.votes}))
    for loser in losers:
        for vote in loser.votes:
            reason = f"outvoted by {_iso(best.day, best.precision)} ({winners})"
            conflicts.append(DateConflict(vote.signal, _iso(vote.day, vote.precision), reason))
    conflicts += _modified_conflicts(modified, best)
    opposition = _noisy_or([loser.support() for loser in losers])
    confidence = round(best.support() * (1 - 0.5 * opposition), 3)
    evidence = [DateEvidence(v.signal, _described(v), v.weight) for v in best.votes]
    return DateDecision(
        published=_iso(best.day, best.precision),
        precision=best.precision,
        confidence=confidence,
        evidence=tuple(evidence + best.corroboration),
        conflicts=tuple(conflicts),
    )


def _place(
    vote: Vote, groups: list[_Group], bounds: list[Bound], conflicts: list[DateConflict]
) -> None:
    """The vote joins the group of its day, starts one, or is a conflict if it is impossible."""
    broken = next((b for b in bounds if b.binds(vote)), None)
    if broken is not None:
        conflicts.append(DateConflict(vote.signal, _iso(vote.day, vote.precision), broken.reason))
        return
    group = next((g for g in groups if _compatible(g, vote)), None)
    if group is None:
        groups.append(_Group(vote.day, vote.precision, [vote]))
        return
    group.votes.append(vote)
    if _rank(vote.precision) > _rank(group.precision):
        group.day, group.precision = vote.day, vote.precision


def parse_date_value(value: str) -> tuple[date, Precision] | None:
    """A date string from metadata or a header line, at the precision it states."""
    reading = read_date_value(value)
    return (reading.day, reading.precision) if reading else None


def read_date_value(value: str) -> Reading | None:
    """A date string read at the precision it states, with the other days it may mean."""
    text = _COMPACT.sub(r"\1-\2-\3", " ".join(value.split()), count=1)
    iso = _ISO.match(text)
    if iso:
        return _iso_reading(iso)
    ymd = _YMD_SLASH.match(text)
    if ymd:
        return _day_reading(int(ymd[1]), int(ymd[2]), int(ymd[3]))
    if re.fullmatch(r"\d{4}", text):
        return Reading(date(int(text), 1, 1), "year")
    slash = _NUMERIC_SLASH.match(text)
    if slash:
        return _slash_reading(int(slash[1]), int(slash[2]), int(slash[3]))
    dotted = _DOTTED.search(text)
    if dotted:
        return _day_reading(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    else:
        offset = stamp.utcoffset()
        utc = offset is not None and not offset
        return _timed_reading(stamp.date(), stamp.hour, stamp.minute, stamp.second, utc=utc)
    return _dateparser_reading(text)


def _iso_reading(match: re.Match[str]) -> Reading | None:
    year, month = int(match[1]), int(match[2])
    if match[3] is None:
        try:
            return Reading(date(year, month, 1), "month")
        except ValueError:
            return None
    try:
        day = date(year, month, int(match[3]))
    except ValueError:
        return None
    zone = match[7]
    if match[4] is None or zone is None:
        return Reading(day, "day")
    utc = zone.upper() in ("Z", "UTC", "GMT") or zone.lstrip("+-").replace(":", "") == "0000"
    return _timed_reading(day, int(match[4]), int(match[5]), int(match[6] or 0), utc=utc)


def _timed_reading(day: date, hour: int, minute: int, second: int, *, utc: bool) -> Reading:
    if not utc:
        return Reading(day, "day")
    if hour >= 22 and minute == 0 and second == 0:
        # A bare date stored as local midnight in UTC+1 or UTC+2 (2022-11-06T23:00:00Z).
        return Reading(day + timedelta(days=1), "day", (day,), "local midnight written in UTC")
    if hour < _UTC_EARLY_HOURS:
        return Reading(
            day, "day", (day - timedelta(days=1),), "UTC time, the evening before in the Americas"
        )
    if hour >= _UTC_LATE_HOURS:
        return Reading(
            day, "day", (day + timedelta(days=1),), "UTC time, the next morning in Asia or Europe"
        )
    return Reading(day, "day")


def _day_reading(year: int, month: int, day: int) -> Reading | None:
    try:
        return Reading(date(year, month, day), "day")
    except ValueError:
        return None


def _slash_reading(first: int, second: int, year: int) -> Reading | None:
    """03/04/2025: month first (US) unless that is impossible; day first is the alternative."""
    if first > 12:
        return _day_reading(year, second, first)
    if second > 12 or first == second:
        return _day_reading(year, first, second)
    try:
        return Reading(
            date(year, first, second),
            "day",
            (date(year, second, first),),
            "day and month order is ambiguous",
        )
    except ValueError:
        return None


def _dateparser_reading(text: str) -> Reading | None:
    parsed = dateparser.parse(
        text, settings={"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first"}
    )
    if parsed is None:
        return None
    has_day = re.search(r"(?<!\d)\d{1,2}(?!\d{2})", re.sub(r"\d{4}", "", text)) is not None
    return (
        Reading(parsed.date(), "day") if has_day else Reading(parsed.date().replace(day=1), "month")
    )


def _settle(vote: Vote, groups: list[_Group], bounds: list[Bound]) -> Vote:
    """The day a vote with alternatives stands for: its own unless only an alternative is
    named by another signal (or its own day is impossible)."""
    if not vote.alternatives:
        return vote

    def possible(day: date) -> bool:
        return not any(b.binds(replace(vote, day=day)) for b in bounds)

    def named(day: date) -> bool:
        return any(g.precision == "day" and g.day == day for g in groups)

    if possible(vote.day) and (
        named(vote.day) or not any(named(a) and possible(a) for a in vote.alternatives)
    ):
        return Vote(vote.signal, vote.day, vote.precision, vote.weight, vote.raw)
    for alternative in vote.alternatives:
        if possible(alternative) and (named(alternative) or not possible(vote.day)):
            return Vote(
                vote.signal, alternative, vote.precision, vote.weight, vote.raw, (), vote.why
            )
    return Vote(vote.signal, vote.day, vote.precision, vote.weight, vote.raw)


def _described(vote: Vote) -> str:
    return f"{vote.raw} (read as {vote.day.isoformat()}: {vote.why})" if vote.why else vote.raw


def _modified_conflicts(modified: list[Vote], best: _Group | None) -> list[DateConflict]:
    out = []
    for vote in modified:
        if best is not None and _iso(vote.day, best.precision) == _iso(best.day, best.precision):
            continue
        out.append(
            DateConflict(
                vote.signal,
                _iso(vote.day, vote.precision),
                "modification date, not the publication date",
            )
        )
    return out


def _explicit_votes(
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
    for line in document.header_lines:
        reading = read_date_value(_DATE_LABEL.sub("", line))
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


def _dateline_vote(
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


def _corroborate(
    group: _Group,
    weekday: int | None,
    years: list[int],
    bounds: list[Bound],
    document: Document,
    shown: set[date],
) -> None:
    if group.precision == "day" and group.day in shown:
        group.corroboration.append(
            DateEvidence("shown", f"the page shows {group.day.isoformat()}", SHOWN_WEIGHT)
        )
    elif shown:
        group.hidden = True
    if group.precision == "day" and weekday is not None and group.day.weekday() == weekday:
        match = _LEAD_WEEKDAY.search(document.text[:600])
        said = match.group(0) if match else _WEEKDAYS[weekday]
        group.corroboration.append(
            DateEvidence("weekday", f"{said!r} fits {group.day:%A}", WEEKDAY_WEIGHT)
        )
    if years and group.day.year == max(years):
        group.corroboration.append(
            DateEvidence(
                "year-mention",
                f"latest year named in the text is {max(years)}",
                YEAR_MENTION_WEIGHT,
            )
        )
    for bound in bounds:
        if bound.signal.startswith("role:") and bound.allows(group.day, group.precision):
            group.corroboration.append(DateEvidence(bound.signal, bound.reason, ROLE_WEIGHT))


def _lead_weekday(text: str) -> int | None:
    match = _LEAD_WEEKDAY.search(text[:600])
    return _WEEKDAYS.index(match.group(1).lower()) if match else None


def _mentioned_years(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]


def _crawl_bounds(document: Document) -> list[Bound]:
    bounds = []
    for name, value in document.raw.metadata_dates:
        if name == "warc:crawl-date":
            parsed = parse_date_value(value)
            if parsed:
                bounds.append(
                    Bound("crawl-date", ((None, parsed[0]),), f"after the crawl date {parsed[0]}")
                )
    return bounds


def _role_bounds(text: str, knowledge: Knowledge) -> list[Bound]:
    bounds = []
    for (_title, actor_id), (pattern, roles) in _role_patterns(knowledge).items():
        match = next((m for m in pattern.finditer(text) if not _negated(text, m.start())), None)
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


def _negated(text: str, start: int) -> bool:
    """True for "former President X", "then-President X": the role is not current."""
    before = text[max(0, start - 20) : start].lower().rstrip()
    return before.endswith(_ROLE_NEGATORS)


def _compatible(group: _Group, vote: Vote) -> bool:
    coarse = group.precision if _rank(group.precision) < _rank(vote.precision) else vote.precision
    return _iso(group.day, coarse) == _iso(vote.day, coarse)


def _rank(precision: Precision) -> int:
    return {"year": 0, "month": 1, "day": 2}[precision]


def _iso(day: date, precision: Precision) -> str:
    return {"day": day.isoformat(), "month": day.strftime("%Y-%m"), "year": str(day.year)}[
        precision
    ]


def _period_end(day: date, precision: Precision) -> date:
    if precision == "year":
        return date(day.year, 12, 31)
    if precision == "month":
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return day


def _span_text(span: tuple[date | None, date | None]) -> str:
    start, end = span
    return f"{start or '…'} to {end or 'now'}"


def _noisy_or(weights: list[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    return 1 - remaining
