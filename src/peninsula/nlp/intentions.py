"""Stated intentions and claims: a pledge made in reported speech is the speaker's act, and so
is a claim about what others did.

"The premier assured the visiting king that Tokyo would fund the port": the pledge is the
premier's (a person speaking for their state pledges in its name), made to the king (whom he
told). "The ministry said there would
be an inquiry": the pledge has no subject of its own and is the speaker's. "Seoul said it would
open a liaison office": a stated intention no pattern names is still a pledge to cooperate
(CAMEO 030, AGREE + pledged, as korea_news_dev's conventions and CAMEO code one-sided
intentions); the promised action is not coded again. "Tokyo claimed that Chinese ships entered
the strait": Tokyo accuses China (CAMEO 112), and the entering is only claimed (hypothetical).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from peninsula.nlp.participants import Context, Parties, noun_phrase_actors

# The code of a stated intention no pattern or confident model reading names.
INTENT_CODE = "030"
# The code of a claim that others did something ("claimed that drones flew over the capital").
ALLEGATION_CODE = "112"
_ADDRESSEE_DEPS = frozenset({"dobj", "dative", "iobj"})


def speech_verb(trigger: Token, context: Context) -> Token | None:
    """The speech verb whose clause holds the trigger ("said", "told"), if any."""
    node = trigger
    for _ in range(12):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX") and context.data.cues.has(node.lemma_.lower(), "speech"):
            return node
    return None


def addressee(trigger: Token, context: Context) -> tuple[str, ...]:
    """Whom the clause is told to: "told Xi that he would ...", "assured Tokyo it would ..."."""
    verb = speech_verb(trigger, context)
    if verb is None:
        return ()
    for child in verb.children:
        if child.dep_ in _ADDRESSEE_DEPS:
            return noun_phrase_actors(child, context)
    return ()


def pledger(
    parties: Parties, speaker: tuple[str, ...], context: Context, trigger: Token
) -> Parties:
    """A pledge in reported speech: the speaking person pledges for their own state or
    government ("the premier said Tokyo would ..."), and a pledge with no subject of its own ("said
    there would be an inquiry", "the posts will be removed") is the speaker's; one about a
    thing ("said the rain will stop") is no one's."""
    if not speaker:
        return parties
    if not parties.sources:
        if not _subjectless(trigger):
            return parties
        return replace(parties, sources=speaker, source_text=None)
    if len(speaker) != 1:
        return parties
    actor = context.knowledge.actor(speaker[0])
    if actor is None or actor.kind != "person":
        return parties
    state = context.knowledge.state_of(speaker[0], context.on)
    if state is None:
        return parties
    owner = context.knowledge.actor(state)
    own = {state, owner.government if owner is not None else None}
    if set(parties.sources) <= own:
        targets = tuple(t for t in parties.targets if t not in speaker)
        return replace(parties, sources=speaker, targets=targets)
    return parties


def with_addressee(parties: Parties, trigger: Token, context: Context) -> Parties:
    """A pledge with no target of its own is made to whom it was told."""
    if parties.targets:
        return parties
    told = tuple(a for a in addressee(trigger, context) if a not in parties.sources)
    return replace(parties, targets=told) if told else parties


def reported_clauses(sentence: Span, context: Context) -> list[Token]:
    """The verbs a speech verb of the sentence reports ("said it would ...", "told Xi that
    ...")."""
    cues = context.data.cues
    found = [
        token
        for token in sentence
        if token.dep_ == "ccomp"
        and token.pos_ in ("VERB", "AUX")
        and cues.has(token.head.lemma_.lower(), "speech")
    ]
    # "said the plan will cost money, but we will cut it": each conjoined clause is reported
    return found + [c for t in found for c in t.conjuncts if c.i > t.i and c.pos_ == "VERB"]


def own_side(parties: Parties, speaker: tuple[str, ...], context: Context) -> bool:
    """Every source is the speaker or the speaker's own state or government: a pledge, not a
    forecast of what others will do."""
    if not speaker:
        return True
    own = set(speaker)
    for actor_id in speaker:
        state = context.knowledge.state_of(actor_id, context.on)
        owner = context.knowledge.actor(state) if state is not None else None
        if owner is not None:
            own |= {owner.id, owner.government or owner.id}
    return set(parties.sources) <= own


def alleged(trigger: Token, context: Context) -> bool:
    """The trigger's clause is what a claim or allegation says ("claimed that ...", "the
    allegation that ...")."""
    cues = context.data.cues
    node = trigger
    for _ in range(12):
        if node.head.i == node.i:
            return False
        node = node.head
        if cues.has(node.lemma_.lower(), "speech") or cues.has(node.lemma_.lower(), "allege"):
            return cues.has(node.lemma_.lower(), "allege")
    return False


def _subjectless(verb: Token) -> bool:
    """The clause names no doer of its own: a passive, "there would be", a pronoun, or a
    subject it shares with the verb above ("pledged to keep")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
    return subject is None or subject.pos_ == "PRON"
