"""The signals a publication date is decided from: votes (metadata, htmldate, the address,
date lines, time stamps and bylines, publisher ids, the dateline), bounds (today, the crawl
date; dated roles named in the text, which only weigh) and corroboration (the weekday a lead
sentence names, the years the text mentions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from peninsula.dating.readings import Reading, parse_date_value, read_date_value
from peninsula.dating.urls import url_dates
from peninsula.documents import DatePatterns, date_patterns
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
# A date line's label says which date it is: "Published:", "입력" name the first publication,
# "Updated:", "수정" a later change, which only counts when nothing better is given.
PUBLISHED_LINE_WEIGHT = 0.75
UPDATED_LINE_WEIGHT = 0.35
# A date beside a name or two with neither label nor clock ("By Jane Doe - January 5, 2025").
BYLINE_LINE_WEIGHT = 0.5
# A dateline that states its year is as good as a date line ("Busan (AFP) Mar 3, 2023 -").
DATELINE_YEAR_WEIGHT = 0.75
# Several stamps with different days at the head of a text are a list of items (a news list,
# comments, event dates), not the page's own stamp: each counts for less.
LIST_DAYS = 3
LIST_FACTOR = 0.5
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
# A date the text's dated roles do not fit ("President X" named before X took office) keeps
# this share of its weight: it may still win when nothing else is given, with less confidence.
ROLE_PENALTY = 0.5
# A year another signal states, when a dateline gives only month and day.
VOTED_YEAR_WEIGHT = 0.4
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
    """A plausibility limit: the publication date should fall within one of `spans`.

    A hard limit (today, the crawl date) rules a date out; a soft one (a dated role named in
    the text) never does: a date outside it loses corroboration and, unless the page's own
    metadata states it, part of its weight."""

    signal: str
    spans: tuple[tuple[date | None, date | None], ...]
    reason: str
    hard: bool = True

    def binds(self, vote: Vote) -> bool:
        return self.hard and not self.allows(vote.day, vote.precision)

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
    patterns = date_patterns(knowledge.time_words)
    lines = [
        v
        for ln in document.header_lines
        for v in date_line_votes(ln, patterns, knowledge.time_words)
    ]
    if len({v.day for v in lines if not v.signal.endswith(":updated")}) >= LIST_DAYS:
        lines = [replace(v, weight=v.weight * LIST_FACTOR) for v in lines]
    votes.extend(lines)
    votes.extend(_publisher_id_votes(raw.text, knowledge))
    if not any(name.startswith("url") for name, _ in raw.metadata_dates):
        votes.extend(url_votes(document.url, knowledge.time_words))
    return votes, modified, shown


def url_votes(url: str | None, words: TimeWords, today: date | None = None) -> list[Vote]:
    """Votes for the dates the article's address states (the bound on today comes later)."""
    return [
        Vote(f"url:{found.shape}", found.day, found.precision, found.weight, url or "")
        for found in url_dates(url, words, today or date.max)
    ]


def date_line_votes(line: str, patterns: DatePatterns, words: TimeWords) -> list[Vote]:
    """Votes for the dates of a header line or time stamp, each as its label says: "Published:
    March 3, 2023", "Written: 2023-03-03 08:10Updated: 2023-03-04 09:00", "입력 2023-03-03"."""
    bare = patterns.date_label.sub("", line)
    if patterns.date_only_line.match(bare):
        label = patterns.date_label.match(line)
        vote = _line_vote(
            line, read_date_value(bare), _label_kind(label[0] if label else "", words)
        )
        return [vote] if vote else []
    matches = list(patterns.stamp_date.finditer(line))
    rest = patterns.stamp_date.sub(" ", line)
    # A date beside names only, with neither label nor clock: a byline ("By X - Jan 5, 2025").
    byline = not (
        any(m["time"] for m in matches)
        or patterns.any_label.search(rest)
        or patterns.clock.search(rest)
    )
    votes = []
    start = 0
    for match in matches:
        kind = "byline" if byline else _label_kind(line[start : match.start()], words)
        start = match.end()
        reading = None
        if match["time"]:
            clock = re.sub(r"^[\s,|\-–]*(?:at\s+)?", "", match["time"])
            reading = read_date_value(f"{match['date']} {clock}")
        votes.append(_line_vote(line, reading or read_date_value(match["date"]), kind))
    return [v for v in votes if v is not None]


def _line_vote(line: str, reading: Reading | None, kind: str) -> Vote | None:
    if reading is None:
        return None
    weight = {
        "published": PUBLISHED_LINE_WEIGHT,
        "updated": UPDATED_LINE_WEIGHT,
        "byline": BYLINE_LINE_WEIGHT,
    }.get(kind, WEIGHTS["date-line"])
    signal = f"date-line:{kind}" if kind else "date-line"
    return Vote(
        signal, reading.day, reading.precision, weight, line, reading.alternatives, reading.why
    )


def printed_days(votes: list[Vote]) -> set[date]:
    """The days the text itself prints as its date: its date lines and time stamps (not the
    update stamps) and its dateline."""
    printed = {"date-line", "date-line:published", "date-line:byline", "dateline", "dateline:year"}
    return {v.day for v in votes if v.precision == "day" and v.signal in printed}


def _label_kind(text: str, words: TimeWords) -> str:
    """ "published", "updated" or "" for the last date label in `text`."""
    labels = [
        " ".join(m["label"].lower().split()) for m in date_patterns(words).any_label.finditer(text)
    ]
    if not labels:
        return ""
    if labels[-1] in words.update_labels:
        return "updated"
    return "published" if labels[-1] in words.publication_labels else ""


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
    document: Document,
    bounds: list[Bound],
    weekday: int | None,
    years: list[int],
    today: date,
    voted_years: frozenset[int] = frozenset(),
) -> Vote | None:
    """The dateline's day. A dateline that gives its year is taken at its word; most give only
    month and day, and the year is the one the other signals, the weekday the lead names, the
    years the text mentions, the dated roles and recency agree on."""
    dateline = document.dateline
    if dateline is None or dateline.month is None or dateline.day is None:
        return None
    if dateline.year:
        try:
            day = date(dateline.year, dateline.month, dateline.day)
        except ValueError:
            return None
        return Vote("dateline:year", day, "day", DATELINE_YEAR_WEIGHT, dateline.raw)
    candidates = []
    for year in range(today.year, today.year - _YEARS_BACK, -1):
        try:
            candidates.append(date(year, dateline.month, dateline.day))
        except ValueError:
            continue
    # The roles the text names narrow the years down, unless no year fits them all.
    possible = [d for d in candidates if all(b.allows(d, "day") for b in bounds)] or [
        d for d in candidates if all(b.allows(d, "day") for b in bounds if b.hard)
    ]
    best: tuple[float, date] | None = None
    for day in possible:
        score = RECENCY_WEIGHT * (1 - (today.year - day.year) / _YEARS_BACK)
        if weekday is not None and day.weekday() == weekday:
            score += WEEKDAY_WEIGHT
        if years and day.year == max(years):
            score += YEAR_MENTION_WEIGHT
        if day.year in voted_years:
            score += VOTED_YEAR_WEIGHT
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
    """Soft bounds from the dated roles the text names as current ("President Lee Jae Myung"
    is only right from 2025-06-04). Not "former President X", "then-U.S. President X", "when
    President X visited", nor a mention in a sentence that names a year: those look back."""
    bounds = []
    words = knowledge.time_words
    for (title, actor_id), (pattern, roles, names) in _role_patterns(knowledge).items():
        # A match holds the title and one of the names as they are written: most patterns
        # are ruled out by these substring tests, far cheaper than running the pattern.
        if title not in text or not any(n in text for n in names):
            continue
        match = next((m for m in pattern.finditer(text) if _current(text, m, words)), None)
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
        bounds.append(Bound(f"role:{actor_id}", spans, reason, hard=False))
    return bounds


@cache
def _role_patterns(
    knowledge: Knowledge,
) -> dict[tuple[str, str], tuple[re.Pattern[str], list[Role], tuple[str, ...]]]:
    """Per (title, actor): the pattern of the title before one of the actor's names, the
    roles, and the names (longest first)."""
    grouped: dict[tuple[str, str], list[Role]] = {}
    for role in knowledge.roles:
        grouped.setdefault((role.title, role.actor), []).append(role)
    patterns = {}
    for (title, actor_id), roles in grouped.items():
        actor = knowledge.actor(actor_id)
        if actor is None:
            continue
        names = tuple(sorted({actor.name, *actor.aliases}, key=len, reverse=True))
        alternation = "|".join(re.escape(n) for n in names)
        pattern = re.compile(rf"\b{re.escape(title)}\s+(?:{alternation})\b")
        patterns[(title, actor_id)] = (pattern, roles, names)
    return patterns


# Where a sentence begins: after a full stop, a question or exclamation mark, or a line break.
_SENTENCE_START = re.compile(r"(?:[.!?][\"”’')]*\s+|\n)(?=\S)")
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’')]*(?:\s|$))|\n")
# Capitalised words between a negator and the title: "former South Korean President".
_NEGATED_GAP = r"(?:-\s*|\s+)(?:[A-Z][\w.'’-]*\s+){0,3}$"


def _current(text: str, match: re.Match[str], words: TimeWords) -> bool:
    """Does the text name the role as held now (when it was written)?"""
    start = match.start()
    if _negators(words).search(text[max(0, start - 60) : start]):
        return False
    opening = [m.end() for m in _SENTENCE_START.finditer(text, max(0, start - 400), start)]
    sentence_start = opening[-1] if opening else max(0, start - 400)
    end = _SENTENCE_END.search(text, match.end())
    sentence_end = end.start() if end else len(text)
    if _past_cues(words).search(text, sentence_start, start):
        return False
    return _YEAR.search(text, sentence_start, sentence_end) is None


@cache
def _negators(words: TimeWords) -> re.Pattern[str]:
    """A word before a title that makes it not current: "former", "ex-", "then-", maybe with a
    country between them ("former U.S. President")."""
    return re.compile(rf"(?<![\w-])(?i:{_alternation(words.role_negators)}){_NEGATED_GAP}")


@cache
def _past_cues(words: TimeWords) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alternation(words.past_role_cues)})(?!\w)", re.IGNORECASE)


def _span_text(span: tuple[date | None, date | None]) -> str:
    start, end = span
    return f"{start or '…'} to {end or 'now'}"
