"""Event coding: who did what to whom, and whether it happened, was promised, or was denied.

Each sentence's verbs and event nouns are matched against the patterns in
`data/event_patterns.jsonl` (CAMEO codes; `nlp.triggers`). A matched trigger becomes an event
whose source and target come from the actor mentions on its subject and objects
(`nlp.participants`), with the modality the words above it give (`nlp.modality`). Reciprocal
compounds ("the two Koreas signed") become one event each way, as CAMEO codes them; a visit is
hosted the other way round (the `paired` code of `cameo.csv`).

Events inside reported speech keep their own source; `reported_by` is who said it.

The learned event-type model (`nlp.event_types`; over sentence embeddings when `embeddings` is
on and the extra is installed, else over words) reads each sentence with a trigger or with a
main predicate linking actors. Where no pattern coded an event, it codes the main predicate's
when sure (`NEW_EVENT_FLOOR`: "the North fired a missile"); its category replaces the main
pattern's only when it is very sure (`OVERRIDE_FLOOR`: patterns are the precise part); where the
cue words find the main trigger actual, its modality is taken when sure (`MODALITY_FLOOR`). A
pledged deed is then coded as the intent to do it (`coded_as`: AGREE for cooperation).
`decided_by` says which path typed each event ("embedding": the learned model). Everything the
coder reads comes from the `Knowledge` passed in (`Knowledge.events`, `Knowledge.event_types`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache, partial
from types import MappingProxyType
from typing import Any

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Knowledge
from peninsula.knowledge.events import Cameo, EventData, Pattern
from peninsula.knowledge.models import CATEGORY_NONE, EventTypeModels
from peninsula.nlp.event_types import EventTypeModel, EventTypePrediction
from peninsula.nlp.events_embed import load_model
from peninsula.nlp.intentions import (
    ALLEGATION_CODE,
    INTENT_CODE,
    alleged,
    own_side,
    pledger,
    reported_clauses,
    with_addressee,
)
from peninsula.nlp.modality import coded_as, modality, refused, self_obliged, threat_mode
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

# Where the learned model (`nlp.event_types`, weights in `Knowledge.event_types`) decides; chosen
# on the PLOVER gold set's training part and the training sentences' dev split
# (`benchmarks/event_types.py --product`), never on a test set.
# A pattern's category stands unless the model is at least this sure of another one.
OVERRIDE_FLOOR = 0.9
# Where no pattern coded an event, the model codes the main predicate's when at least this sure;
# so is a pattern's event that lacks the target it asks for, when a known actor did it.
NEW_EVENT_FLOOR = 0.5
# Cue words say when an event is not actual ("may", "vowed", "not"); where they say nothing, the
# model's modality is taken when at least this sure. (The model over the cues measured worse.)
MODALITY_FLOOR = 0.7
# A trigger in the past tense (or a past participle: "has met", "was signed") with no cue is done:
# the sentence-level model reads the whole sentence and does not overrule it.
_PAST_TAGS = frozenset({"VBD", "VBN"})


def find_events(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    on: date | None = None,
    *,
    embeddings: bool = True,
) -> list[Event]:
    """The events `doc` reports. `embeddings=False` runs the words-only event-type model."""
    context = Context(document_id, knowledge, on, knowledge.events, actors_by_token(doc, mentions))
    sentences = list(doc.sents)
    hits = [sentence_hits(sentence, context.data) for sentence in sentences]
    predicates = [_main_predicate(sentence, context) for sentence in sentences]
    candidates = [
        i
        for i, predicate in enumerate(predicates)
        if hits[i] or (predicate is not None and has_participants(find_parties(predicate, context)))
    ]
    model = model_for(knowledge.event_types, embeddings=embeddings)
    guesses: dict[int, EventTypePrediction] = {}
    if model is not None and candidates:
        found = model.predict([sentences[i].text for i in candidates])
        guesses = dict(zip(candidates, found, strict=True))
    events: list[Event] = []
    for i, sentence in enumerate(sentences):
        guess = guesses.get(i)
        coded: list[Event] = []
        if hits[i]:
            main = min(hits[i], key=lambda hit: _height(hit.token))
            for hit in hits[i]:
                heard = guess if hit is main else None
                coded += _events_for(sentence, hit.token, hit.code, hit.pattern, context, heard)
        predicate = predicates[i]
        new = guess is not None and _confident(guess, NEW_EVENT_FLOOR)
        if not coded and predicate is not None and guess is not None and new:
            code = model_code(guess, context.data)
            coded = _events_for(sentence, predicate, code, None, context, guess)
        clauses = reported_clauses(sentence, context)
        if not coded and predicate is not None:
            clauses = [predicate, *(c for c in clauses if c.i != predicate.i)]
        taken = {e.trigger_start for e in coded}
        for clause in clauses:  # "X, who met Y, said Z would ...": the pledge is its own event
            if not any(t.idx in taken for t in clause.subtree) and _intends(clause, context):
                coded += _events_for(sentence, clause, INTENT_CODE, None, context, stated=True)
        events += coded
    events.sort(key=lambda e: e.char_start)
    return events


@cache
def model_for(models: EventTypeModels, *, embeddings: bool) -> EventTypeModel | None:
    """The event-type model to run: over sentence embeddings when asked for and available,
    else over words; None when neither is shipped."""
    if embeddings and models.embedding is not None:
        encoder = load_model()
        if encoder is not None:
            return EventTypeModel(models.embedding, partial(_encode, encoder))
    return EventTypeModel(models.lexical) if models.lexical is not None else None


def _encode(encoder: Any, texts: Sequence[str]) -> Any:
    return encoder.encode(
        list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )


def _confident(guess: EventTypePrediction, floor: float) -> bool:
    return guess.category != CATEGORY_NONE and guess.confidence >= floor


def model_code(guess: EventTypePrediction, data: EventData) -> str:
    """The CAMEO code for the model's category: its code head's when it gives one, else the
    category's broadest code (`EventData.broadest`)."""
    for code in (guess.cameo, guess.best_cameo):
        entry = data.cameo.get(code or "")
        if entry is not None and entry.plover == guess.category:
            return entry.code
    return _broadest(data)[guess.category]


@cache
def _broadest(data: EventData) -> Mapping[str, str]:
    """Each PLOVER category's broadest CAMEO code: the root code holding most of the category's
    codes, else its shortest code ("045" for a category with no root)."""
    codes: dict[str, list[str]] = defaultdict(list)
    for entry in data.cameo.values():
        if entry.plover:
            codes[entry.plover].append(entry.code)
    best = {}
    for category, found in codes.items():
        roots = [c for c in found if len(c) == 2]
        if roots:
            best[category] = max(
                roots, key=lambda r: (sum(c.startswith(r) for c in found), -int(r))
            )
        else:
            best[category] = min(found, key=lambda c: (len(c), c))
    return MappingProxyType(best)


def _height(token: Token) -> int:
    """How many steps below its sentence's root `token` sits."""
    steps = 0
    while token.head.i != token.i and steps < 50:
        token, steps = token.head, steps + 1
    return steps


def _events_for(
    sentence: Span,
    trigger: Token,
    code: str,
    pattern: Pattern | None,
    context: Context,
    guess: EventTypePrediction | None = None,
    *,
    stated: bool = False,
) -> list[Event]:
    """The events of one trigger. `guess`, the model's reading of the sentence when the trigger
    is its main one, decides the modality when sure, and the category over a pattern's when very
    sure. A `stated` intention needs only a known source."""
    speaker = reporters(trigger, context)
    parties = find_parties(trigger, context, speaker, code)
    mode = modality(trigger, pattern, context.data.cues)
    if (
        mode == "actual"
        and guess is not None
        and trigger.tag_ not in _PAST_TAGS  # "when Xi visited Seoul": done, whatever else is said
        and not context.data.cues.has(trigger.lemma_.lower(), "denial")  # the denial was made
        and guess.modalities[guess.modality] >= MODALITY_FLOOR
    ):
        mode = guess.modality
    if mode == "pledged":  # "Ito told Xi that Tokyo would ...": Ito pledges, to Xi
        parties = with_addressee(pledger(parties, speaker, context, trigger), trigger, context)
    claimed = bool(
        speaker
        and parties.sources
        and (alleged(trigger, context) or context.data.cues.has(code, "accusatory"))
        and not own_side(parties, speaker, context)
    )  # "Tokyo said Beijing violated the treaty": Tokyo accuses Beijing
    if claimed and mode == "actual":  # "Tokyo claimed that Chinese ships entered": only claimed
        mode = "hypothetical"
    if stated and not own_side(parties, speaker, context):
        return []  # "Kim said the US would pay": a threat or a forecast, no pledge of Kim's
    if not (stated and parties.sources) and not _worth_coding(parties, pattern, guess):
        return []
    decided_by: DecidedBy = "pattern" if pattern is not None or stated else "embedding"
    entry = context.data.cameo[code]
    sure = guess is not None and _confident(guess, OVERRIDE_FLOOR)
    if pattern is not None and guess is not None and sure and guess.category != entry.plover:
        code, decided_by = model_code(guess, context.data), "embedding"
    code, mode = refused(code, mode, trigger, context.data)
    if context.data.cameo[code].root == "10" and _demands_of_self(trigger, context):
        code, mode = INTENT_CODE, "pledged"  # "we must restore ...," he said: no demand, a pledge
    code = coded_as(code, mode, context.data)
    mode = threat_mode(code, mode, context.data)
    entry = context.data.cameo[code]
    reporter = speaker[0] if speaker else None
    noun = trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ != "ROOT"
    pairs = [
        (s, t)
        for s, t in _pairs(parties, noun)
        if (s is None or s != t) and not _same_side(s, t, context)
    ]
    if not pairs and parties.sources:  # "rebels cut the roads": no known target, still an event
        pairs = [(s, None) for s in parties.sources]
    make = partial(_event, sentence, trigger, modality=mode, decided_by=decided_by,
                   reporter=reporter, parties=parties, context=context)  # fmt: skip
    made: dict[tuple[str, str | None, str | None], Event] = {}
    for source, target in pairs:
        made.setdefault((entry.code, source, target), make(entry, source, target))
        paired = context.data.cameo.get(entry.paired or "")
        if paired is not None and source and target and mode == "actual":
            made.setdefault((paired.code, target, source), make(paired, target, source))
    accuse = context.data.cameo[ALLEGATION_CODE]
    for accused in parties.sources if claimed else ():
        made.setdefault(  # the claimant accuses the doer
            (accuse.code, speaker[0], accused),
            make(accuse, speaker[0], accused, modality="actual", reporter=None),
        )
    return list(made.values())


def _demands_of_self(trigger: Token, context: Context) -> bool:
    """A demand read off "said ... must" whose clause puts the duty on the speaker's side."""
    return any(
        c.dep_ in ("ccomp", "xcomp") and self_obliged(c, context.data.cues)
        for c in trigger.children
    )


def _intends(predicate: Token, context: Context) -> bool:
    """The predicate is a stated intention: pledged by its own words ("said it would open an
    office"), not conditional, reported or spoken by someone."""
    return modality(predicate, None, context.data.cues) == "pledged"


def _same_side(source: str | None, target: str | None, context: Context) -> bool:
    """A state and its own organs or people are one side: Lee → South Korea is no event."""
    if source is None or target is None:
        return False
    state = context.knowledge.state_of
    return state(source, context.on) == target or state(target, context.on) == source


def _worth_coding(
    parties: Parties, pattern: Pattern | None, guess: EventTypePrediction | None
) -> bool:
    """An event needs a participant; unknown ones (an agent noun, a named entity) only on a
    pattern's word, and a bare pledge ("pledged to strengthen safety") needs a target. Without
    a pattern, the model's confident reading of a deed needs a known actor on either side."""
    known = bool(parties.sources or parties.targets)
    if not known and not (parties.source_text or parties.target_text):
        return False
    if parties.targets:
        return True
    if pattern is None:
        return known and guess is not None
    if parties.sources and guess is not None and _confident(guess, NEW_EVENT_FLOOR):
        return True  # "the North fired a missile off its coast": no target, but surely a deed
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
