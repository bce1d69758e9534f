"""Modality: whether an event happened, was promised, is only possible, or was denied.

Read from the words that govern the trigger, up to the clause that reports it, against the cue
words of `event_cues.csv`: `negated` (not, never, few signs of, failed to), `hypothetical`
(may, could, if, expected, analysts suggest; a deed someone denies), `pledged` (will, would,
vowed to, pledged). A
pledged action is coded as the intent to do it (a pledge to meet is 036), as CAMEO does.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from peninsula.knowledge.events import EventCues, EventData, Pattern
from peninsula.nlp.participants import CIRCUMSTANCE_PREPS, dep
from peninsula.records import Modality

_CLAUSE_BREAKS = frozenset({"relcl", "parataxis"})
_MODALITY_CHILD_DEPS = frozenset(
    {"aux", "auxpass", "neg", "mark", "det", "amod", "advmod", "acomp"}
)
_MODALITY_KINDS = frozenset({"pledged", "hypothetical", "negated"})
_FIRST_PERSON = frozenset({"we", "i"})


def modality(trigger: Token, pattern: Pattern | None, cues: EventCues) -> Modality:
    """The trigger's modality: `actual` unless a cue above it says otherwise."""
    flags: set[str] = {"pledged"} if pattern is not None and pattern.pledge else set()
    node = trigger
    for _ in range(12):
        for child in node.children:
            if child.dep_ in _MODALITY_CHILD_DEPS:
                flags.update(_cue_kinds(child, cues.words))
        if node.i != trigger.i:
            if cues.has(node.lemma_.lower(), "denial"):
                flags.add("hypothetical")  # "denied that its troops fired": contested
                break
            if cues.has(node.lemma_.lower(), "speech"):
                if cues.has(node.head.lemma_.lower(), "denial"):  # "denied Japan's claim that"
                    flags.add("hypothetical")
                break
            if _scheduled(node, cues):  # "Xi is expected to visit": a plan announced
                flags.add("pledged")
            else:
                flags.update(_cue_kinds(node, cues.words))
        if dep(node) in _CLAUSE_BREAKS or node.head.i == node.i:
            break
        if node.dep_ == "prep" and node.lower_ in CIRCUMSTANCE_PREPS:
            break
        node = node.head
    if "negated" in flags and _rules_out(trigger):
        flags = (flags - {"negated"}) | {"hypothetical"}  # "did not rule out meeting"
    elif _rules_out(trigger):
        flags.add("negated")  # "ruled out talks"
    if flags == {"hypothetical"} and self_obliged(trigger, cues):
        flags = {"pledged"}  # "we must restore the channels": the speaker's side undertakes it
    ranked: tuple[Modality, ...] = ("negated", "hypothetical", "pledged")
    return next((kind for kind in ranked if kind in flags), "actual")


def _scheduled(node: Token, cues: EventCues) -> bool:
    return cues.has(node.lemma_.lower(), "scheduled") and any(
        c.dep_ == "auxpass" for c in node.children
    )


def self_obliged(clause: Token, cues: EventCues) -> bool:
    """ "we must ...", "I should ...": a duty the speaker's side puts on itself (first person
    subject, a modal of obligation) is an undertaking."""
    duty = any(c.dep_ == "aux" and cues.has(c.lower_, "obligation") for c in clause.children)
    return duty and any(c.dep_ == "nsubj" and c.lower_ in _FIRST_PERSON for c in clause.children)


def _rules_out(trigger: Token) -> bool:
    """ "ruled out meeting Kim": the governing verb denies the trigger."""
    head = trigger.head if trigger.dep_ in ("dobj", "xcomp", "pcomp") else None
    return (
        head is not None
        and head.lemma_.lower() in ("rule", "exclude")
        and (head.lemma_.lower() == "exclude" or any(c.lower_ == "out" for c in head.children))
    )


def _cue_kinds(token: Token, words: Mapping[str, frozenset[str]]) -> set[str]:
    kinds = words.get(token.lower_, frozenset()) | words.get(token.lemma_.lower(), frozenset())
    return set(kinds & _MODALITY_KINDS)


def refused(code: str, mode: Modality, trigger: Token, data: EventData) -> tuple[str, Modality]:
    """ "will not attend", "will never give up its weapons", "did not attend the ceremony": taking
    part or yielding declared not to happen (or, for attending, not done) is a refusal, coded
    with the category's REJECT code (`refusal` cues) as an actual event; other non-occurrences
    ("there were no talks") stay negated."""
    refusal = data.cues.refusals.get(data.cameo[code].plover or "")
    if mode != "negated" or refusal is None:
        return code, mode
    declared = any(c.dep_ == "aux" and data.cues.has(c.lower_, "pledged") for c in trigger.children)
    if declared or data.cues.has(trigger.lemma_.lower(), "attendance"):
        return refusal, "actual"
    return code, mode


def coded_as(code: str, modality: Modality, data: EventData) -> str:
    """A pledged action is the expressed intent to do it: CAMEO 03 for cooperation, 13 (a
    threat) for coercion and force; except in the categories the data keeps (a scheduled
    meeting stays CONSULT + pledged, an announced sanction SANCTION + pledged). A threat is
    made by the vow itself: callers code THREATEN as actual (`threat_mode`)."""
    entry = data.cameo[code]
    if modality != "pledged" or not entry.intent:
        return code
    if entry.plover and data.cues.has(entry.plover.lower(), "pledged_keeps_category"):
        return code
    return entry.intent


def threat_mode(code: str, mode: Modality, data: EventData) -> Modality:
    """ "vowed to retaliate", "will launch more missiles": the warning is the act, so a pledged
    threat is an actual THREATEN event (as CAMEO codes threats)."""
    return "actual" if mode == "pledged" and data.cameo[code].plover == "THREATEN" else mode
