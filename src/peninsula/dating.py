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
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import cache

import dateparser

from peninsula.documents import MONTHS
from peninsula.knowledge import Knowledge, Role
from peninsula.records import DateConflict, DateDecision, DateEvidence, Document, Precision

WEIGHTS = {
    "column": 0.95,
    "meta": 0.9,
    "json-ld": 0.9,
    "feed": 0.9,
    "publisher-id": 0.85,
    "htmldate": 0.75,
    "date-line": 0.7,
    "dateline": 0.5,
}
WEEKDAY_WEIGHT = 0.3
YEAR_MENTION_WEIGHT = 0.2
RECENCY_WEIGHT = 0.05
ROLE_WEIGHT = 0.2
_YEARS_BACK = 40
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LEAD_WEEKDAY = re.compile(
    r"\b(?:on|reports?|said|announced|told)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20\d\d)(?![\d/-])")
_ROLE_NEGATORS = ("former", "ex-", " ex", "then-", " then", " late", "outgoing", "future")


@dataclass(frozen=True, slots=True)
class Vote:
    signal: str
    day: date
    precision: Precision
    weight: float
    raw: str


@dataclass(frozen=True, slots=True)
class Bound:
    """A plausibility limit: the publication date must fall within one of `spans`."""

    signal: str
    spans: tuple[tuple[date | None, date | None], ...]
    reason: str

    def allows(self, day: date, precision: Precision) -> bool:
        last = _period_end(day, precision)
        return any((lo is None or last >= lo) and (hi is None or day <= hi) for lo, hi in self.spans)


@dataclass(slots=True)
class _Group:
    day: date
    precision: Precision
    votes: list[Vote] = field(default_factory=list)
    corroboration: list[DateEvidence] = field(default_factory=list)

    def support(self) -> float:
        weights = [v.weight for v in self.votes] + [e.weight for e in self.corroboration]
        return _noisy_or(weights)


def resolve(document: Document, knowledge: Knowledge, today: date) -> DateDecision:
    bounds = [Bound("today", ((None, today),), f"after today ({today.isoformat()})")]
    bounds += _crawl_bounds(document)
    bounds += _role_bounds(document.text, knowledge)
    votes = list(_explicit_votes(document, knowledge))
    weekday = _lead_weekday(document.text)
    years = _mentioned_years(document.text)
    dateline_vote = _dateline_vote(document, bounds, weekday, years, today)
    if dateline_vote is not None:
        votes.append(dateline_vote)

    conflicts: list[DateConflict] = []
    groups: list[_Group] = []
    for vote in votes:
        broken = next((b for b in bounds if not b.allows(vote.day, vote.precision)), None)
        if broken is not None:
            conflicts.append(DateConflict(vote.signal, _iso(vote.day, vote.precision), broken.reason))
            continue
        group = next((g for g in groups if _compatible(g, vote)), None)
        if group is None:
            groups.append(_Group(vote.day, vote.precision, [vote]))
        else:
            group.votes.append(vote)
            if _rank(vote.precision) > _rank(group.precision):
                group.day, group.precision = vote.day, vote.precision
    if not groups:
        return DateDecision(None, None, 0.0, (), tuple(conflicts))

    for group in groups:
        _corroborate(group, weekday, years, bounds, document)
    groups.sort(key=lambda g: (g.support(), _rank(g.precision), g.day), reverse=True)
    best, losers = groups[0], groups[1:]
    for loser in losers:
        for vote in loser.votes:
            reason = f"outvoted by {_iso(best.day, best.precision)} ({', '.join(sorted({v.signal for v in best.votes}))})"
            conflicts.append(DateConflict(vote.signal, _iso(vote.day, vote.precision), reason))
    opposition = _noisy_or([loser.support() for loser in losers])
    confidence = round(best.support() * (1 - 0.5 * opposition), 3)
    evidence = [DateEvidence(v.signal, v.raw, v.weight) for v in best.votes] + best.corroboration
    return DateDecision(
        published=_iso(best.day, best.precision),
        precision=best.precision,
        confidence=confidence,
        evidence=tuple(evidence),
        conflicts=tuple(conflicts),
    )


def parse_date_value(value: str) -> tuple[date, Precision] | None:
    """A date string from metadata or a header line, at the precision it states."""
    text = value.strip()
    iso = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d])", text)
    if iso:
        year, month, day = int(iso.group(1)), int(iso.group(2)), iso.group(3)
        try:
            return (date(year, month, int(day)), "day") if day else (date(year, month, 1), "month")
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), "year"
    try:
        return parsedate_to_datetime(text).date(), "day"
    except (TypeError, ValueError, IndexError):
        pass
    parsed = dateparser.parse(
        text, settings={"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first"}
    )
    if parsed is None:
        return None
    has_day = re.search(r"(?<!\d)\d{1,2}(?!\d{2})", re.sub(r"\d{4}", "", text)) is not None
    return (parsed.date(), "day") if has_day else (parsed.date().replace(day=1), "month")


def _explicit_votes(document: Document, knowledge: Knowledge) -> Iterable[Vote]:
    raw = document.raw
    for name, value in raw.metadata_dates:
        if name.startswith("warc:"):
            continue
        kind = name.split(":", 1)[0]
        parsed = parse_date_value(value)
        if parsed:
            yield Vote(name, parsed[0], parsed[1], WEIGHTS.get(kind, 0.8), value)
    if raw.html_date:
        parsed = parse_date_value(raw.html_date)
        if parsed:
            yield Vote("htmldate", parsed[0], parsed[1], WEIGHTS["htmldate"], raw.html_date)
    for line in document.header_lines:
        cleaned = re.sub(r"^\s*(?:date|dated|published|posted|updated|last updated)\s*:?\s+", "", line, flags=re.I)
        parsed = parse_date_value(cleaned)
        if parsed:
            yield Vote("date-line", parsed[0], parsed[1], WEIGHTS["date-line"], line)
    yield from _publisher_id_votes(raw.text, knowledge)


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
    for year in range(today.year, today.year - _YEARS_BACK, -1):
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
    group: _Group, weekday: int | None, years: list[int], bounds: list[Bound], document: Document
) -> None:
    if group.precision == "day" and weekday is not None and group.day.weekday() == weekday:
        match = _LEAD_WEEKDAY.search(document.text[:600])
        said = match.group(0) if match else _WEEKDAYS[weekday]
        group.corroboration.append(DateEvidence("weekday", f"{said!r} fits {group.day:%A}", WEEKDAY_WEIGHT))
    if years and group.day.year == max(years):
        group.corroboration.append(
            DateEvidence("year-mention", f"latest year named in the text is {max(years)}", YEAR_MENTION_WEIGHT)
        )
    for bound in bounds:
        if bound.signal.startswith("role:"):
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
                bounds.append(Bound("crawl-date", ((None, parsed[0]),), f"after the crawl date {parsed[0]}"))
    return bounds


def _role_bounds(text: str, knowledge: Knowledge) -> list[Bound]:
    bounds = []
    for (title, actor_id), (pattern, roles) in _role_patterns(knowledge).items():
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
        bounds.append(Bound(f"role:{actor_id}", spans, reason))
    return bounds


@cache
def _role_patterns(knowledge: Knowledge) -> dict[tuple[str, str], tuple[re.Pattern[str], list[Role]]]:
    grouped: dict[tuple[str, str], list[Role]] = {}
    for role in knowledge.roles:
        grouped.setdefault((role.title, role.actor), []).append(role)
    patterns = {}
    for (title, actor_id), roles in grouped.items():
        actor = knowledge.actor(actor_id)
        if actor is None:
            continue
        names = "|".join(re.escape(n) for n in sorted({actor.name, *actor.aliases}, key=len, reverse=True))
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
    return {"day": day.isoformat(), "month": day.strftime("%Y-%m"), "year": str(day.year)}[precision]


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
