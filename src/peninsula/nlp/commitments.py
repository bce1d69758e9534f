"""Commitments: the promises a document reports, each repeat within the document merged.

A promise is found two ways:

- a `pledged` event, or an agreement reached (an actual event whose category is AGREE: "the
  two sides agreed to expand drills"): its committer is who reported it when the pledge is
  their own side's body (the speaker of "the minister said her government would work toward
  reopening…"), else its source ("the envoy pledged…", "the envoy said Tokyo remains willing
  to…"; an outlet only carries a pledge); its wording is what the trigger's clause promises;
- a statement of intent: a statement whose cue is a verb of promising ("vowed to expand…",
  "pledged the agency's full support"), or whose content is a future clause (will, would,
  shall, be going to) with the speaker's own side as subject ("the mayor said her office will
  move away from…"): its wording is the statement's content.

The verbs of promising (`promise`) and the nouns for the speaker's own side (`own_side`) are
cue words of `event_cues.csv`, read from `Knowledge.events.cues`.

Two promises of the same committer in one document are one commitment when their spans overlap
(the event and the statement for the same words) or their content words mostly coincide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Knowledge
from peninsula.knowledge.events import EventCues
from peninsula.records import Commitment, CommitmentMention, Event, Mention, Statement

_FUTURE_AUX = frozenset({"will", "would", "shall", "'ll"})
_SELF_PRONOUNS = frozenset({"i", "we", "he", "she", "it"})
# Content words shared by two wordings of one promise, over the smaller wording's words.
SAME_PROMISE_OVERLAP = 0.6
_MAX_WORDS = 40
_AGREE = "AGREE"


def find_commitments(
    doc: Doc,
    statements: Sequence[Statement],
    events: Sequence[Event],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    on: date | None,
) -> list[Commitment]:
    """The commitments of one document; each statement and event must carry its date already."""
    found: list[tuple[str | None, str | None, CommitmentMention, frozenset[str]]] = []
    cues = knowledge.events.cues
    for event in events:
        if not _undertaking(event, knowledge):
            continue
        span = _promised_span(doc, event.trigger_start, cues)
        if span is None:
            continue
        actor = _committer(event, knowledge, on)
        owner = _statement_of(event, statements)
        mention = CommitmentMention(
            document_id=event.document_id,
            date=owner.date if owner is not None else event.date,
            statement_id=event.statement_id,
            event_id=event.id,
            text=span.text.strip(),
            char_start=span.start_char,
            char_end=span.end_char,
        )
        actor_text = owner.speaker_text if owner is not None else event.source_text
        found.append((actor, actor_text, mention, _words(span)))
    by_char = {m.char_start: m for m in mentions}
    for statement in statements:
        if not _is_promise(doc, statement, by_char, knowledge, on):
            continue
        content = doc.char_span(
            statement.content.start, statement.content.end, alignment_mode="expand"
        )
        if content is None:
            continue
        mention = CommitmentMention(
            document_id=statement.document_id,
            date=statement.date,
            statement_id=statement.id,
            event_id=None,
            text=statement.text.strip(),
            char_start=statement.content.start,
            char_end=statement.content.end,
        )
        found.append((statement.speaker, statement.speaker_text, mention, _words(content)))
    return _merge(found)


def _undertaking(event: Event, knowledge: Knowledge) -> bool:
    """A pledge, or an agreement reached: an actual event whose category is AGREE in
    `cameo.csv` (a signing, SUPPORT, is a deed that may keep a pledge, not one)."""
    if event.modality == "pledged":
        return True
    if event.modality != "actual":
        return False
    entry = knowledge.events.cameo.get(event.code)
    return entry is not None and entry.plover == _AGREE


def _committer(event: Event, knowledge: Knowledge, on: date | None) -> str | None:
    """Who reported the pledge when it is their own or their side's body ("the minister said her
    government would..."), else who made it (another person, even of the same side, pledges
    for themselves): "the envoy said Tokyo remains willing to talk" is
    Tokyo's pledge, and an outlet only carries one."""
    reporter = knowledge.actor(event.reported_by) if event.reported_by else None
    if event.reported_by is None or (reporter is not None and reporter.kind == "media"):
        return event.source or event.reported_by
    source = event.source
    if source is None or source == event.reported_by:
        return event.reported_by
    doer = knowledge.actor(source)
    if doer is not None and doer.kind == "person":  # "the minister said the president will…"
        return source
    side = knowledge.state_of(event.reported_by, on)
    return event.reported_by if side is None or knowledge.state_of(source, on) == side else source


def _promised_span(doc: Doc, trigger_start: int, cues: EventCues) -> Span | None:
    """What the trigger's clause promises: the complement of a verb of promising, else the
    trigger's own phrase without its subject and auxiliaries."""
    span = doc.char_span(trigger_start, trigger_start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return None
    trigger = span[0]
    for child in trigger.children:
        if child.dep_ in ("xcomp", "ccomp") and cues.has(trigger.lemma_.lower(), "promise"):
            return _phrase(doc, child)
    return _phrase(doc, trigger)


def _phrase(doc: Doc, head: Token) -> Span:
    kept = [head]
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "punct", "cc", "mark", "neg"):
            continue
        if child.dep_ == "conj" and child.pos_ == "VERB":
            continue
        kept.extend(child.subtree)
    start = min(t.i for t in kept)
    end = max(t.i for t in kept) + 1
    end = min(end, start + _MAX_WORDS)
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _is_promise(
    doc: Doc,
    statement: Statement,
    mentions: dict[int, Mention],
    knowledge: Knowledge,
    on: date | None,
) -> bool:
    if statement.cue_span is not None:
        cue = doc.char_span(
            statement.cue_span.start, statement.cue_span.end, alignment_mode="expand"
        )
        if (
            cue is not None
            and len(cue)
            and knowledge.events.cues.has(cue.root.lemma_.lower(), "promise")
        ):
            return True
    content = doc.char_span(statement.content.start, statement.content.end, alignment_mode="expand")
    if content is None or not len(content):
        return False
    root = content.root
    if not any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in root.children):
        return False
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject is not None and _speaker_side(subject, statement, mentions, knowledge, on)


def _speaker_side(
    subject: Token,
    statement: Statement,
    mentions: dict[int, Mention],
    knowledge: Knowledge,
    on: date | None,
) -> bool:
    """The subject is the speaker, their government, or their own side ("his administration")."""
    own_side = knowledge.events.cues.has(subject.lemma_.lower(), "own_side")
    if subject.lower_ in _SELF_PRONOUNS or own_side:
        return True
    mention = mentions.get(subject.left_edge.idx) or mentions.get(subject.idx)
    if mention is None or mention.actor_id is None or statement.speaker is None:
        return False
    if mention.actor_id == statement.speaker:
        return True
    side = knowledge.state_of(statement.speaker, on)
    return side is not None and knowledge.state_of(mention.actor_id, on) == side


def _statement_of(event: Event, statements: Sequence[Statement]) -> Statement | None:
    return next((s for s in statements if s.id == event.statement_id), None)


def _words(span: Span) -> frozenset[str]:
    return frozenset(
        t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop and len(t.text) > 1
    )


def _merge(
    found: Sequence[tuple[str | None, str | None, CommitmentMention, frozenset[str]]],
) -> list[Commitment]:
    groups: list[tuple[str | None, str | None, list[CommitmentMention], set[str]]] = []
    for actor, actor_text, mention, words in sorted(found, key=lambda f: f[2].char_start):
        for group_actor, _, group_mentions, group_words in groups:
            if group_actor == actor and (
                any(_overlaps(mention, m) for m in group_mentions)
                or _same_words(words, group_words)
            ):
                if not any(_overlaps(mention, m) for m in group_mentions):
                    group_mentions.append(mention)
                group_words |= words
                break
        else:
            groups.append((actor, actor_text, [mention], set(words)))
    return [
        Commitment(
            actor=actor,
            actor_text=actor_text,
            text=_normalised(mentions[0].text),
            key=" ".join(sorted(words)),
            mentions=tuple(mentions),
        )
        for actor, actor_text, mentions, words in groups
    ]


def _normalised(text: str) -> str:
    """The promise without the words that only report it: "that he will…" → "he will…"."""
    words = text.strip().strip(",;:").split(maxsplit=1)
    if len(words) == 2 and words[0].lower() == "that":
        return words[1]
    return text.strip().strip(",;:")


def _overlaps(a: CommitmentMention, b: CommitmentMention) -> bool:
    return (
        a.document_id == b.document_id and a.char_start < b.char_end and b.char_start < a.char_end
    )


def _same_words(a: frozenset[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_PROMISE_OVERLAP
