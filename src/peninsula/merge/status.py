"""Commitment status: a function of the merged commitment and every event report.

A pledge is `fulfilled` by a later `actual` event of the committer (or a compatible actor: its
state, its person) whose code carries out the pledge (its CAMEO intent code is the pledge's
code, as `cameo.csv` pairs them, or the same root when the pledge is coded as the action
itself; for a pledge without a code, any deed: CAMEO 04-08, consult, cooperate, give aid,
yield, never words alone) and whose sentence is similar (>= `fulfil`). A pledge with neither a
code nor a target stays `open`: a similar sentence alone (a meeting with someone else, "to
pursue diplomatic efforts") would decide it by coincidence. It is `contradicted` by a later
`negated` event meeting the same tests, or by a later `actual` conflictual event (CAMEO 12-20:
reject, threaten, protest, force posture, reduce relations, coerce, assault, fight) of the
committer against the pledge's target when the pledge was cooperative (CAMEO 02-08), with
similarity >= `contradict`. The latest deciding event, by (date, id), decides, and its id is
the evidence. "Later" means not known to be earlier, given the dates' precision.

An undertaking is never kept by a report of making it: the event a commitment came from, and any
actual event with the commitment's own code when that code is an undertaking (an intent or
agreement, CAMEO 03, or a signing, 057), is the same pledge, agreement or signing told again (by
another outlet, perhaps under a later date), not its keeping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from peninsula.knowledge import Knowledge
from peninsula.merge.compatibility import actors_compatible, codes_compatible, day_of, state_key
from peninsula.merge.inputs import CommitmentInput, EventInput
from peninsula.merge.similarity import Texts, Thresholds
from peninsula.records import CommitmentStatus, MergedCommitment, PartialDate

__all__ = ["COOPERATIVE_ROOTS", "Decision", "EventsByState", "decide"]

COOPERATIVE_ROOTS = frozenset({"02", "03", "04", "05", "06", "07", "08"})
# What can keep a pledge of unknown code: consult, cooperate diplomatically or materially, give
# aid, yield. Statements, appeals and intents (01-03) are words about the deed, not the deed.
DEED_ROOTS = frozenset({"04", "05", "06", "07", "08"})
CONFLICTUAL_ROOTS = frozenset({"12", "13", "14", "15", "16", "17", "18", "19", "20"})
# Codes that are undertakings themselves: intents and agreements (03), signing an agreement (057).
UNDERTAKING_ROOTS = frozenset({"03"})
UNDERTAKING_CODES = frozenset({"057"})

Verdict = Literal["fulfilled", "contradicted"]


@dataclass(frozen=True, slots=True)
class Decision:
    """A status, the deciding event and its (date, id), by which the latest one wins."""

    status: CommitmentStatus = "open"
    evidence: str | None = None
    key: tuple[str, str] = ("", "")

    def later(self, other: Decision) -> Decision:
        return other if other.evidence is not None and other.key > self.key else self


def event_key(event: EventInput) -> tuple[str, str]:
    return (event.date or event.published or "", event.id)


class EventsByState:
    """Event reports by the state of their source on their day (blocking)."""

    def __init__(self, knowledge: Knowledge | None) -> None:
        self.knowledge = knowledge
        self.events: dict[str | None, list[EventInput]] = {}

    def add(self, event: EventInput) -> None:
        day = day_of(event.date, event.date_precision) or day_of(event.published)
        self.events.setdefault(state_key(event.source, self.knowledge, day), []).append(event)

    def of(
        self, commitment: MergedCommitment, members: Sequence[CommitmentInput]
    ) -> list[EventInput]:
        return [e for key in self.keys(commitment, members) for e in self.events.get(key, [])]

    def keys(
        self, commitment: MergedCommitment, members: Sequence[CommitmentInput]
    ) -> tuple[str | None, ...]:
        """The blocking keys whose events can decide the commitment (none without an actor)."""
        if commitment.actor is None:
            return ()
        return (state_key(commitment.actor, self.knowledge, day_of(_first_stated(members))),)


def _first_stated(members: Sequence[CommitmentInput]) -> str | None:
    dates = [m.stated for m in members if m.stated]
    return min(dates) if dates else None


def decide(
    commitment: MergedCommitment,
    members: Sequence[CommitmentInput],
    events: Iterable[EventInput],
    texts: Texts,
    knowledge: Knowledge | None,
    limits: Thresholds,
    intents: Mapping[str, str | None],
) -> Decision:
    """The latest deciding event among `events`, or an open decision."""
    decided = Decision()
    pool = list(events)
    if not pool or (commitment.code is None and commitment.target is None):
        return decided  # neither what nor toward whom: too little to tell a kept promise by
    wordings = [w for m in members for w in m.wordings]
    if texts.embedder is not None:
        texts.ensure([*wordings, *(e.sentence for e in pool)])
    first = _first_stated(members)
    for event in pool:
        verdict = _verdict(
            commitment, members, first, wordings, event, texts, knowledge, limits, intents
        )
        if verdict is not None:
            decided = decided.later(Decision(verdict, event.id, event_key(event)))
    return decided


def _verdict(
    commitment: MergedCommitment,
    members: Sequence[CommitmentInput],
    first: str | None,
    wordings: Sequence[str],
    event: EventInput,
    texts: Texts,
    knowledge: Knowledge | None,
    limits: Thresholds,
    intents: Mapping[str, str | None],
) -> Verdict | None:
    """What `event` says of the commitment, if anything (its actor was matched by blocking)."""
    if event.source is None or event.modality not in ("actual", "negated"):
        return None
    if not _known_after(event, first):
        return None
    if any(_states(m, event) or _made_by(m, event) for m in members):
        return None  # the sentence that makes the pledge does not also keep or break it
    day = day_of(event.date, event.date_precision) or day_of(event.published)
    if not actors_compatible(commitment.actor, event.source, knowledge, day):
        return None
    similarity = max(texts.similarity(w, event.sentence) for w in wordings)
    same_target = actors_compatible(commitment.target, event.target, knowledge, day)
    carried = _carries_out(commitment, event, intents) and not _retold(commitment, event)
    if same_target and similarity >= limits.fulfil and carried:
        return "fulfilled" if event.modality == "actual" else "contradicted"
    opposite = (
        event.modality == "actual"
        and commitment.root in COOPERATIVE_ROOTS
        and event.code_root in CONFLICTUAL_ROOTS
        and commitment.target is not None
        and event.target is not None
    )
    if opposite and same_target and similarity >= limits.contradict:
        return "contradicted"
    return None


def _states(member: CommitmentInput, event: EventInput) -> bool:
    """The event's sentence is where a wording of the pledge was stated."""
    if member.document_id != event.document_id:
        return False
    sentence = " ".join(event.sentence.split())
    return any(" ".join(w.split()[:8]) in sentence for w in member.wordings)


def _made_by(member: CommitmentInput, event: EventInput) -> bool:
    """The event is the one the commitment was extracted from."""
    report = member.report
    return report is not None and any(m.event_id == event.id for m in report.mentions)


def _retold(commitment: MergedCommitment, event: EventInput) -> bool:
    """An actual event with the commitment's own undertaking code (a pledge, an agreement, a
    signing) reports making the undertaking again, not keeping it."""
    code = commitment.code
    if event.modality != "actual" or not code or event.code != code:
        return False
    return code[:2] in UNDERTAKING_ROOTS or code in UNDERTAKING_CODES


def _known_after(event: EventInput, stated: str | None) -> bool:
    """The event is known to come after the commitment was first stated: later at the precision
    both dates share ("2025-08" is not known to follow a pledge dated only "2025")."""
    when = PartialDate.parse(event.date, event.date_precision) or PartialDate.parse(event.published)
    first = PartialDate.parse(stated)
    if when is None or first is None:
        return False
    common = min(len(when.parts), len(first.parts))
    return when.parts[:common] > first.parts[:common]


def _carries_out(
    commitment: MergedCommitment, event: EventInput, intents: Mapping[str, str | None]
) -> bool:
    """The event's code does what the pledge promised: the pledge is coded as the intent to do
    this action (036 for a meeting), or with the action's own root. An uncoded pledge is kept
    (or broken, negated) only by a deed, `DEED_ROOTS`: saying, appealing, intending again,
    demanding or disapproving keeps no promise. An uncoded event: the text decides."""
    if not event.code:
        return True
    if not commitment.code:
        return event.code_root in DEED_ROOTS
    intent = intents.get(event.code)
    if intent and (intent.startswith(commitment.code) or commitment.code.startswith(intent)):
        return True
    if intent and commitment.code.endswith("0") and intent[:2] == commitment.code[:2]:
        return True  # a generic intent ("030": intent to cooperate) fits any specific one
    return codes_compatible(commitment.root, commitment.category, event.code_root, event.category)
