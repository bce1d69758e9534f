"""Publication date: every signal votes, one decision wins, the losers are kept as conflicts.

Signals (explicit metadata, htmldate, the article's address, date lines, time stamps and
bylines in the text, a publisher id with a date in it, the dateline) propose dates; the crawl
date and today bound them; dated roles ("President Lee Jae Myung" is only right from
2025-06-04) weigh against the dates they do not fit, never ruling one out; the weekday a lead
sentence names ("said on Thursday") and the years the text mentions corroborate. Like
htmldate's cheap-first chain, but nothing is thrown away: losing and impossible signals become
conflicts with a reason, and a conflict lowers the confidence without leaving the date empty.

Modules: `readings` (one date value read at its precision), `urls` (dates in an address),
`signals` (votes, bounds and corroboration from a document), this one (grouping the votes and
deciding).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from peninsula.dating.readings import Reading, parse_date_value, read_date_value
from peninsula.dating.signals import (
    FAMILY_DISCOUNT,
    HIDDEN_FACTOR,
    PAGE_FAMILIES,
    ROLE_PENALTY,
    ROLE_WEIGHT,
    SHOWN_MODIFIED_WEIGHT,
    SHOWN_WEIGHT,
    WEEKDAY_WEIGHT,
    YEAR_MENTION_WEIGHT,
    Bound,
    Vote,
    crawl_bounds,
    dateline_vote,
    explicit_votes,
    lead_weekday,
    mentioned_years,
    printed_days,
    role_bounds,
)
from peninsula.knowledge import Knowledge
from peninsula.records import (
    DateConflict,
    DateDecision,
    DateEvidence,
    Document,
    PartialDate,
    Precision,
)

__all__ = ["Reading", "parse_date_value", "read_date_value", "resolve"]

EARLIEST = date(1900, 1, 1)
_SHOWN_MODIFIED = "the page shows this modification date and none of the publication dates"
_RANK: dict[Precision, int] = {"year": 0, "month": 1, "day": 2}


@dataclass(slots=True)
class _Group:
    day: date
    precision: Precision
    votes: list[Vote] = field(default_factory=list)
    corroboration: list[DateEvidence] = field(default_factory=list)
    hidden: bool = False
    # A day a record's metadata states and the text does not print (texts, CSV and JSON).
    unprinted: bool = False
    # Dated roles named in the text that this day does not fit.
    unfit: list[Bound] = field(default_factory=list)

    @property
    def when(self) -> PartialDate:
        return PartialDate.of(self.day, self.precision)

    def support(self) -> float:
        families: dict[str, list[float]] = {}
        for vote in self.votes:
            weight = vote.weight
            hidden = self.hidden and vote.family in PAGE_FAMILIES
            if hidden or (self.unprinted and vote.family == "metadata"):
                weight *= HIDDEN_FACTOR
            if self.unfit and vote.family not in PAGE_FAMILIES:
                weight *= ROLE_PENALTY
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
    bounds += crawl_bounds(document)
    bounds += role_bounds(document.text, knowledge)
    votes, modified, shown = explicit_votes(document, knowledge)
    weekday = lead_weekday(document.text, knowledge.time_words)
    years = mentioned_years(document.text)
    voted = frozenset(
        v.day.year for v in votes if v.precision == "day" and not any(b.binds(v) for b in bounds)
    )
    from_dateline = dateline_vote(
        document, bounds, weekday[0] if weekday else None, years, today, voted
    )
    if from_dateline is not None:
        votes.append(from_dateline)
    # A source that does not say which dates the page shows (a text, a CSV or JSON record):
    # the dates the text prints are the ones it shows, against a record's other dates.
    printed = printed_days(votes) if not shown else set()

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
        _corroborate(group, weekday, years, bounds, shown)
        if printed and not (group.precision == "day" and group.day in printed):
            group.unprinted = True
    groups.sort(key=lambda g: (g.support(), _RANK[g.precision], g.day), reverse=True)
    best, losers = groups[0], groups[1:]
    winners = ", ".join(sorted({v.signal for v in best.votes}))
    for loser in losers:
        for vote in loser.votes:
            reason = "; ".join([f"outvoted by {best.when} ({winners})", *_unfit(loser, vote)])
            conflicts.append(DateConflict(vote.signal, vote.when.iso, reason))
    for bound in best.unfit:
        reason = f"{bound.reason}, but {best.when} stands on {winners}"
        conflicts.append(DateConflict(bound.signal, best.when.iso, reason))
    conflicts += _modified_conflicts(modified, best)
    opposition = _noisy_or([loser.support() for loser in losers])
    confidence = round(best.support() * (1 - 0.5 * opposition), 3)
    evidence = [DateEvidence(v.signal, _described(v), v.weight) for v in best.votes]
    return DateDecision(
        published=best.when.iso,
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
        conflicts.append(DateConflict(vote.signal, vote.when.iso, broken.reason))
        return
    group = next((g for g in groups if g.when.compatible(vote.when)), None)
    if group is None:
        groups.append(_Group(vote.day, vote.precision, [vote]))
        return
    group.votes.append(vote)
    if _RANK[vote.precision] > _RANK[group.precision]:
        group.day, group.precision = vote.day, vote.precision


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


def _unfit(group: _Group, vote: Vote) -> list[str]:
    return [b.reason for b in group.unfit if vote.family not in PAGE_FAMILIES]


def _described(vote: Vote) -> str:
    return f"{vote.raw} (read as {vote.day.isoformat()}: {vote.why})" if vote.why else vote.raw


def _modified_conflicts(modified: list[Vote], best: _Group | None) -> list[DateConflict]:
    out = []
    for vote in modified:
        if best is not None and PartialDate.of(vote.day, best.precision) == best.when:
            continue
        out.append(
            DateConflict(
                vote.signal,
                vote.when.iso,
                "modification date, not the publication date",
            )
        )
    return out


def _corroborate(
    group: _Group,
    weekday: tuple[int, str] | None,
    years: list[int],
    bounds: list[Bound],
    shown: set[date],
) -> None:
    if group.precision == "day" and group.day in shown:
        group.corroboration.append(
            DateEvidence("shown", f"the page shows {group.day.isoformat()}", SHOWN_WEIGHT)
        )
    elif shown:
        group.hidden = True
    if group.precision == "day" and weekday is not None and group.day.weekday() == weekday[0]:
        said = weekday[1]
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
        if bound.hard:
            continue
        if bound.allows(group.day, group.precision):
            group.corroboration.append(DateEvidence(bound.signal, bound.reason, ROLE_WEIGHT))
        else:
            group.unfit.append(bound)


def _noisy_or(weights: list[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    return 1 - remaining
