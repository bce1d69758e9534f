"""Event coding: who did what to whom, and whether it happened, was promised, or was denied.

Each sentence's verbs and event nouns are matched against the patterns in
`data/event_patterns.jsonl` (CAMEO codes; `nlp.triggers`). A matched trigger becomes an event
whose source and target come from the actor mentions on its subject and objects
(`nlp.participants`), with the modality the words above it give (`nlp.modality`). Reciprocal
compounds ("the two Koreas signed") become one event each way, as CAMEO codes them; a visit is
hosted the other way round (the `paired` code of `cameo.csv`).

Events inside reported speech keep their own source; `reported_by` is who said it.

Where no pattern matches but the sentence's main predicate links actors, the optional
embedding classifier (`events_embed`) may label it with the closest hand-written example;
`decided_by` says which path decided each event. Everything the coder reads comes from the
`Knowledge` passed in (`Knowledge.events`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Knowledge
from peninsula.knowledge.events import Cameo, Pattern
from peninsula.nlp.events_embed import MIN_SIMILARITY, classifier_for
from peninsula.nlp.modality import coded_as, modality
from peninsula.nlp.participants import (
    Context,
    Parties,
    actors_by_token,
    find_parties,
    has_participants,
    reporters,
)
from peninsula.nlp.triggers import sentence_hits
from peninsula.records import DecidedBy, Event, Mention, Modality


def find_events(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    on: date | None = None,
    *,
    embeddings: bool = True,
) -> list[Event]:
    """The events `doc` reports. `embeddings=False` forces the rules-only path."""
    context = Context(document_id, knowledge, on, knowledge.events, actors_by_token(doc, mentions))
    classifier = classifier_for(context.data) if embeddings else None
    events: list[Event] = []
    unmatched: list[tuple[Span, Token]] = []
    for sentence in doc.sents:
        found = [
            event
            for hit in sentence_hits(sentence, context.data)
            for event in _events_for(sentence, hit.token, hit.code, hit.pattern, "pattern", context)
        ]
        events += found
        predicate = None if found else _main_predicate(sentence, context)
        if predicate is not None and has_participants(find_parties(predicate, context)):
            unmatched.append((sentence, predicate))
    if classifier is not None and unmatched:
        labels = classifier.nearest([s.text for s, _ in unmatched])
        for (sentence, predicate), (code, score) in zip(unmatched, labels, strict=True):
            if score >= MIN_SIMILARITY:
                events += _events_for(sentence, predicate, code, None, "embedding", context)
    events.sort(key=lambda e: e.char_start)
    return events


def _events_for(
    sentence: Span,
    trigger: Token,
    code: str,
    pattern: Pattern | None,
    decided_by: DecidedBy,
    context: Context,
) -> list[Event]:
    speaker = reporters(trigger, context)
    parties = find_parties(trigger, context, speaker, code)
    if not _worth_coding(parties, pattern):
        return []
    mode = modality(trigger, pattern, context.data.cues)
    code = coded_as(code, mode, context.data)
    entry = context.data.cameo[code]
    reporter = speaker[0] if speaker else None
    noun = trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ != "ROOT"
    events = []
    pairs = [(s, t) for s, t in _pairs(parties, noun) if not _same_side(s, t, context)]
    if not pairs and parties.sources:  # "rebels cut the roads": no known target, still an event
        pairs = [(s, None) for s in parties.sources]
    for source, target in pairs:
        make = partial(_event, sentence, trigger, modality=mode, decided_by=decided_by,
                       reporter=reporter, parties=parties, context=context)  # fmt: skip
        events.append(make(entry, source, target))
        paired = context.data.cameo.get(entry.paired or "")
        if paired is not None and source and target and mode == "actual":
            events.append(make(paired, target, source))
    return events


def _same_side(source: str | None, target: str | None, context: Context) -> bool:
    """A state and its own organs or people are one side: Lee → South Korea is no event."""
    if source is None or target is None:
        return False
    state = context.knowledge.state_of
    return state(source, context.on) == target or state(target, context.on) == source


def _worth_coding(parties: Parties, pattern: Pattern | None) -> bool:
    """An event needs a participant; unknown ones (an agent noun, a named entity) only on a
    pattern's word, and a bare pledge ("pledged to strengthen safety") needs a target."""
    known = bool(parties.sources or parties.targets)
    if not known and not (parties.source_text or parties.target_text):
        return False
    if parties.targets:
        return True
    if pattern is None:
        return False
    return not pattern.target_required and not (pattern.pledge and not pattern.objects)


def _pairs(parties: Parties, noun: bool) -> list[tuple[str | None, str | None]]:
    """(source, target) pairs; a compound with no one else is reciprocal."""
    sources: Sequence[str | None] = parties.sources or (None,)
    targets: Sequence[str | None] = parties.targets
    if not targets and len(parties.sources) > 1:
        return [(a, b) for a in parties.sources for b in parties.sources if a != b]
    if noun and not parties.sources and len(parties.targets) > 1:  # "talks between X and Y"
        return [(a, b) for a in parties.targets for b in parties.targets if a != b]
    return [(s, t) for s in sources for t in (targets or (None,))]


def _event(
    sentence: Span,
    trigger: Token,
    entry: Cameo,
    source: str | None,
    target: str | None,
    *,
    modality: Modality,
    decided_by: DecidedBy,
    reporter: str | None,
    parties: Parties,
    context: Context,
) -> Event:
    return Event(
        document_id=context.document_id,
        source=source,
        target=target,
        code=entry.code,
        root=entry.root,
        category=entry.plover,
        modality=modality,
        goldstein=entry.goldstein,
        summary=_summary(source or parties.source_text, target, entry, modality, context),
        sentence=sentence.text,
        char_start=sentence.start_char,
        char_end=sentence.end_char,
        trigger=trigger.text,
        trigger_start=trigger.idx,
        decided_by=decided_by,
        mode=entry.mode,
        reported_by=reporter,
        source_text=None if source else parties.source_text,
        target_text=None if target else parties.target_text,
    )


def _summary(
    source: str | None, target: str | None, entry: Cameo, modality: Modality, context: Context
) -> str:
    what = entry.name.replace(", not specified below", "")
    who = _name(source, context) or "someone"
    whom = f" → {_name(target, context)}" if target else ""
    how = "" if modality == "actual" else f" [{modality}]"
    return f"{who}{whom}: {what} ({entry.code}){how}"


def _name(actor_id: str | None, context: Context) -> str | None:
    if actor_id is None:
        return None
    actor = context.knowledge.actor(actor_id)
    return actor.name if actor is not None else actor_id


def _main_predicate(sentence: Span, context: Context) -> Token | None:
    """The verb a sentence is about: its root, or what a speech root reports."""
    root = sentence.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    if context.data.cues.has(root.lemma_.lower(), "speech"):
        reported = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis")), None)
        return reported if reported is not None and reported.pos_ in ("VERB", "AUX") else None
    return root
