"""Who did it and to whom: an event trigger's source and target, read off the dependency parse.

The subject (or the `by` agent of a passive) is the source; the direct object, a
`with/to/against/on...` object, or else the first other actor in the complement is the target.
A noun phrase names the actors of its head, else of its modifiers ("Chilean President" for a
person the knowledge base lacks: Chile acts), else of what it belongs to ("a ministry in
Lima"), plus its conjuncts ("Peru, Chile and Bolivia"). An event noun in a concessive or
circumstantial phrase ("despite stalled talks with X", "amid ...") is the clause's background:
it borrows no participant from the clause and keeps only its own ("with X"). Temporal phrases
("after talks with Trump, Lee said") do borrow the subject. Within reported speech, "the
government" or "we" in a speaker's mouth that the resolver left unresolved is the speaker's
government (the `government` of their state in actors.csv); one it resolved stays ("his
administration": the president; a quoted "we": the quote's speaker).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from spacy.tokens import Doc, Token

from peninsula.knowledge import Knowledge
from peninsula.knowledge.events import EventData
from peninsula.nlp.group_subjects import group_members, is_group
from peninsula.records import Mention

# Dependencies that keep an object inside the trigger's complement (its "what" and "whom").
_COMPLEMENT_DEPS = frozenset(
    [
        "dobj",
        "xcomp",
        "ccomp",
        "prep",
        "prt",
        "dative",
        "attr",
        "oprd",
        "acomp",
        "agent",
        "pobj",
        "pcomp",
        "acl",
        "compound",
        "amod",
        "nmod",
        "appos",
        "poss",
        "npadvmod",
        "advmod",
    ]
)
_TARGET_PREPS = frozenset(
    [
        "with",
        "to",
        "against",
        "on",
        "toward",
        "towards",
        "into",
        "at",
        "from",
        "for",
        "between",
        "of",
        "over",
        "upon",
    ]
)
# "talks with X", "visit to X"; not "meeting on the margins of the forum".
# Appeals and demands are addressed to whoever must act: "demanded that Japan withdraw".
_ADDRESSED_ROOTS = frozenset({"02", "10"})
_NOUN_TARGET_PREPS = frozenset({"with", "to", "against", "between", "toward", "towards", "for"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_CLIMB_FOR_SUBJECT = frozenset({"xcomp", "conj", "advcl", "pcomp", "ccomp", "acl"})
# Concessive and circumstantial prepositions: "despite stalled talks with X", "amid tensions".
# A noun phrase under one is the clause's background, not an act of its subject: an event noun
# there keeps only the participants of its own phrase. Temporal ones ("after talks with Trump,
# Lee said") are not here: those talks are usually the subject's own.
_BACKGROUND_PREPS = frozenset(
    ["despite", "in spite of", "notwithstanding", "amid", "amidst", "given"]
)
# A conflict noun (threats, protests, force, coercion, attacks: CAMEO 13-20) after a temporal
# preposition is background too ("advised against travel after the shooting"): the subject did
# not shoot. Talks and visits there stay the subject's own.
_CONFLICT_ROOTS = frozenset({"13", "14", "15", "16", "17", "18", "19", "20"})
# Prepositions of circumstance: what hangs off them is not the trigger's object ...
_ADJUNCT_PREPS = frozenset(
    [
        "during",
        "after",
        "before",
        "since",
        "while",
        "throughout",
        "following",
        "ahead",
    ]
) | {p for p in _BACKGROUND_PREPS if " " not in p}
# ... and, with these, not part of what the trigger's verb asserts or promises either.
CIRCUMSTANCE_PREPS = _ADJUNCT_PREPS | {"in", "at"}
_QUANTITIES = frozenset(
    [
        "thousand",
        "hundred",
        "dozen",
        "ten",
        "million",
        "some",
        "most",
        "many",
        "few",
        "one",
        "two",
        "third",
        "half",
        "part",
        "group",
        "number",
        "majority",
    ]
)
_REPORTED_PRONOUNS = frozenset({"it", "they", "we", "he", "she"})
_MOVED_TO = frozenset({"to", "into"})
_PERSON_PRONOUNS = frozenset({"he", "she"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_ENTITY_LABELS = frozenset({"PERSON", "NORP", "GPE", "ORG"})


@dataclass(frozen=True, slots=True)
class Parties:
    """A trigger's known sources and targets, and the words for unknown ones."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    source_text: str | None
    target_text: str | None


@dataclass(frozen=True, slots=True)
class Context:
    """One document's event coding: its id and day, the knowledge, and actors by token."""

    document_id: str
    knowledge: Knowledge
    on: date | None
    data: EventData
    actors: dict[int, tuple[str, ...]]  # token index -> actor ids


def has_participants(parties: Parties) -> bool:
    """Someone acts on someone: a known actor and a second participant, known or named."""
    known = len(parties.sources) + len(parties.targets)
    return known >= 2 or (known == 1 and bool(parties.source_text or parties.target_text))


def actors_by_token(doc: Doc, mentions: Iterable[Mention]) -> dict[int, tuple[str, ...]]:
    """The actor ids each token's mentions resolve to; an outlet carries what it reports and
    takes no part in it."""
    found: dict[int, list[str]] = {}
    for mention in mentions:
        if not mention.actor_id or mention.carrier:
            continue
        span = doc.char_span(mention.char_start, mention.char_end, alignment_mode="expand")
        for token in span or ():
            ids = found.setdefault(token.i, [])
            if mention.actor_id not in ids:
                ids.append(mention.actor_id)
    return {i: tuple(ids) for i, ids in found.items()}


def complement_children(token: Token) -> list[Token]:
    """The dependents that hold the trigger's "what" and "whom", not its circumstances."""
    return [
        c
        for c in token.children
        if c.dep_ in _COMPLEMENT_DEPS
        and not (c.dep_ == "prep" and (c.lower_ in _ADJUNCT_PREPS or _opens_background(c)))
    ]


def _opens_background(prep: Token) -> bool:
    """ "despite", "amid", "in spite of" (read from its first word) heads a background phrase."""
    if prep.dep_ != "prep":
        return False
    if prep.lower_ in _BACKGROUND_PREPS:
        return True
    obj = next((c for c in prep.children if c.dep_ == "pobj" and c.i == prep.i + 1), None)
    if obj is None:
        return False
    of = next((c for c in obj.children if c.dep_ == "prep" and c.i == obj.i + 1), None)
    return of is not None and f"{prep.lower_} {obj.lower_} {of.lower_}" in _BACKGROUND_PREPS


def _after_prep(noun: Token) -> bool:
    """ "after the shooting", "following the attack": the object of a temporal preposition."""
    return noun.dep_ == "pobj" and noun.head.lower_ in _ADJUNCT_PREPS


def _in_background(noun: Token) -> bool:
    """The noun sits in a concessive or circumstantial phrase ("despite stalled talks", "amid
    the collapse of talks", "the talks notwithstanding"), below no verb of its own."""
    after = [c for c in noun.children if c.i > noun.i and not c.n_lefts + c.n_rights]
    if any(c.lower_ in _BACKGROUND_PREPS for c in after):  # "the talks notwithstanding"
        return True
    node = noun
    for _ in range(6):
        if node.head.i == node.i:
            return False
        node = node.head
        if _opens_background(node):  # before the verb test: "Given the sanctions" is a VERB
            return True
        if node.pos_ in ("VERB", "AUX"):
            return False
    return False


def find_parties(
    trigger: Token, context: Context, speaker: tuple[str, ...] = (), code: str = ""
) -> Parties:
    """Who does it to whom; `speaker` is who reports the clause, `code` the CAMEO code (appeals
    and demands are addressed to whoever must act: "demanded that Japan withdraw")."""
    addressed = code[:2] in _ADDRESSED_ROOTS
    if trigger.pos_ in ("NOUN", "PROPN"):  # also a headline's root: "Japan's visit to China"
        background = code[:2] in _CONFLICT_ROOTS and _after_prep(trigger)
        return _noun_parties(trigger, context, addressed, background)
    return _verb_parties(trigger, context, speaker, addressed)


def _verb_parties(
    verb: Token, context: Context, speaker: tuple[str, ...], addressed: bool
) -> Parties:
    subject = _subject(verb)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    targets: list[str] = []
    if passive:
        source_head = _agent_object(agent)
        if verb.dep_ == "acl":  # "sailors injured in ...": the noun is who it happened to
            subject = verb.head
        if source_head is None and subject is not None and _sent_forces(verb, subject, context):
            source_head = subject  # "Chilean troops were sent to Peru": Chile sent them
        elif subject is not None:
            targets += _np_actors(subject, context)
    else:
        source_head = subject
    sources = list(_np_actors(source_head, context)) if source_head is not None else []
    if (
        source_head is not None
        and _speaker_pronoun(source_head, context)
        and (not sources or _fits_pronoun(source_head, speaker, context))
    ):  # "NATO said it would ...": it is the speaker; "he and Xi agreed": Xi stays
        conjuncts = [c for c in source_head.children if c.dep_ == "conj"]
        others = [a for c in conjuncts for a in _np_actors(c, context)]
        sources = [*speaker, *others] if speaker else sources
    if not sources and source_head is not None and _says_government(source_head, context):
        sources = list(_own_government(speaker, context))
    group = source_head is not None and is_group(source_head, context.data.cues)
    if group and not sources and source_head is not None:
        cues, on = context.data.cues, context.on
        sources = list(group_members(source_head, context.actors, context.knowledge, cues, on))
    if group and len(sources) > 1:  # "the two leaders discussed X": X is their topic, no party
        targets += _addressed_actors(verb, context, exclude=sources)
    else:
        targets += _object_actors(verb, context, exclude=sources)
    if not targets and not (group and len(sources) > 1):
        reported = addressed or context.data.cues.has(verb.lemma_.lower(), "speech")
        targets += _first_actor_below(verb, context, exclude=sources, subjects=reported)
    return Parties(
        tuple(dict.fromkeys(sources)),
        tuple(t for t in dict.fromkeys(targets) if t not in sources),
        _participant_text(source_head, context),
        _participant_text(subject, context) if passive else None,
    )


def _addressed_actors(verb: Token, context: Context, exclude: Sequence[str]) -> list[str]:
    """Actors the verb is done with or to ("with X", "against X", "to X"), not its topic."""
    return [
        a
        for c in verb.children
        if c.dep_ in ("prep", "dative") and c.lower_ in _NOUN_TARGET_PREPS
        for p in c.children
        if p.dep_ == "pobj"
        for a in _np_actors(p, context)
        if a not in exclude
    ]


def _sent_forces(verb: Token, subject: Token, context: Context) -> bool:
    """A passive with no agent whose subject is people of an actor, not the actor ("Chilean
    troops", "troops of Chile"), moved to another actor ("were sent to Peru"): their own
    side moved them."""
    head = _content_head(subject)
    own = set(_np_actors(subject, context))
    if head.i in context.actors or not own:
        return False
    return any(
        c.dep_ in ("prep", "dative")
        and c.lower_ in _MOVED_TO
        and any(p.dep_ == "pobj" and set(_np_actors(p, context)) - own for p in c.children)
        for c in verb.children
    )


def _noun_parties(
    noun: Token, context: Context, addressed: bool, background: bool = False
) -> Parties:
    sources: list[str] = []
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
            sources += _np_actors(child, context)
    subject = None
    if (
        not sources and not background and not _in_background(noun)
    ):  # "despite stalled talks": not the subject's
        verb = _governing_verb(noun)
        subject = _subject(verb) if verb is not None else None
        sources = list(_np_actors(subject, context)) if subject is not None else []
    targets: list[str] = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in _NOUN_TARGET_PREPS:
            targets += [
                a for p in child.children if p.dep_ == "pobj" for a in _np_actors(p, context)
            ]
    if not targets:
        targets = _first_actor_below(noun, context, exclude=sources, subjects=addressed)
    return Parties(
        tuple(dict.fromkeys(sources)),
        tuple(t for t in dict.fromkeys(targets) if t not in sources),
        _participant_text(subject, context),
        None,
    )


def actor_head(verb: Token) -> Token | None:
    """Who does it: the `by` agent of a passive, else the subject."""
    agent = _agent_object(next((c for c in verb.children if c.dep_ == "agent"), None))
    return agent if agent is not None else _subject(verb)


def dep(token: Token) -> str:
    """The token's dependency, reading an infinitival relative ("measures to ease") as acl."""
    children = list(token.children)
    infinitive = any(c.lower_ == "to" and c.dep_ == "aux" for c in children)
    if token.dep_ == "relcl" and infinitive and not any(c.dep_ in _SUBJECT_DEPS for c in children):
        return "acl"
    return str(token.dep_)


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the clause it hangs from ("vowed to pursue",
    "signs of returning", "measures to ease")."""
    node = verb
    for _ in range(8):
        subject = next((c for c in node.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            if subject.lower_ in _RELATIVE_PRONOUNS and node.dep_ == "relcl":
                return node.head
            return subject
        if dep(node) == "relcl" or (node.dep_ == "acl" and node.tag_ == "VBG"):
            return node.head  # "the statement dismissing talks": the statement dismisses
        is_verb = node.pos_ in ("VERB", "AUX")
        if node.head.i == node.i or (is_verb and dep(node) not in _CLIMB_FOR_SUBJECT):
            return None
        if not is_verb and _opens_background(node.head):  # "despite an offer to hold talks"
            return None
        node = node.head
    return None


def _governing_verb(token: Token) -> Token | None:
    node = token
    for _ in range(6):
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _agent_object(agent: Token | None) -> Token | None:
    if agent is None:
        return None
    return next((c for c in agent.children if c.dep_ == "pobj"), None)


def _np_actors(head: Token, context: Context) -> tuple[str, ...]:
    """Actors a noun phrase names: its head, else its modifiers ("Syrian President"), else
    what it belongs to ("a ministry in Peru"), plus its conjuncts."""
    head = _content_head(head)
    found = list(context.actors.get(head.i, ()))
    modifiers = [
        c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos")
    ]
    if not found:
        found = [a for c in modifiers for a in context.actors.get(c.i, ())]
    if not found or all(context.knowledge.actor(a) is None for a in found):
        # "Chilean President Ana Soto", "Peru's Solidarity Front", an actor the knowledge base
        # lacks: Chile, Peru acts
        states = [a for c in (head, *modifiers) for a in _demonym_actors(c, context.knowledge)]
        states += [
            a for c in modifiers for a in context.actors.get(c.i, ()) if _is_state(a, context)
        ]
        found = states or found
    if not found:
        found = _owner_actors(head, context)
    for child in head.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and child.i in context.actors):
            found += _np_actors(child, context)  # "Peru, Chile and Bolivia"
    return tuple(dict.fromkeys(found))


def noun_phrase_actors(head: Token, context: Context) -> tuple[str, ...]:
    """Actors a noun phrase names (its head, modifiers, owner and conjuncts)."""
    return _np_actors(head, context)


def _is_state(actor_id: str, context: Context) -> bool:
    actor = context.knowledge.actor(actor_id)
    return actor is not None and actor.kind == "state"


def _owner_actors(head: Token, context: Context) -> list[str]:
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "in", "from"):
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return list(_np_actors(obj, context))
    return []


def _demonym_actors(token: Token, knowledge: Knowledge) -> tuple[str, ...]:
    """ "Chilean" in "Chilean President Soto", when the title did not resolve to a person."""
    demonyms = _demonyms(knowledge)
    return demonyms.get(token.text) or demonyms.get(token.text.removesuffix("s"), ())


@cache
def _demonyms(knowledge: Knowledge) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for actor in knowledge.actors:
        if actor.kind == "state":
            for demonym in actor.demonyms:
                found.setdefault(demonym, []).append(actor.id)
    return {k: tuple(v) for k, v in found.items()}


def _content_head(head: Token) -> Token:
    """ "hundreds of nurses", "half of the miners": the people, not the number."""
    if not (head.like_num or head.lemma_.lower() in _QUANTITIES):
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _content_head(obj)
    return head


def _object_actors(verb: Token, context: Context, exclude: Sequence[str]) -> list[str]:
    found: list[str] = []
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "iobj", "attr", "oprd"):
            found += _np_actors(child, context)
        elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found += _np_actors(obj, context)
        elif child.dep_ == "xcomp":
            found += [a for c in child.children if c.dep_ == "dobj" for a in _np_actors(c, context)]
    return [a for a in found if a not in exclude]


def _first_actor_below(
    token: Token, context: Context, exclude: Sequence[str], subjects: bool = False
) -> list[str]:
    """The first actor named in the trigger's complement, skipping embedded subjects (but for
    a speech verb: "said Pyongyang must stop" is addressed to Pyongyang)."""
    for child in complement_children(token):
        for node in child.subtree if subjects else _without_subjects(child):
            if any(a not in exclude for a in context.actors.get(node.i, ())):
                return [a for a in _np_actors(node, context) if a not in exclude]
    return []


def _without_subjects(token: Token) -> Iterator[Token]:
    if token.dep_ in _SUBJECT_DEPS:
        return
    for child in token.lefts:
        yield from _without_subjects(child)
    yield token
    for child in token.rights:
        yield from _without_subjects(child)


def _participant_text(head: Token | None, context: Context) -> str | None:
    """Words for a participant the knowledge base lacks: a named entity or an agent noun."""
    if head is None:
        return None
    head = _content_head(head)
    sectors = context.data.cues.sectors
    modifiers = [c for c in head.children if c.dep_ in ("compound", "amod") and c.i < head.i]
    named = any(t.ent_type_ in _ENTITY_LABELS for t in (head, *modifiers))
    if named or head.lemma_.lower() in sectors:
        left = min(t.i for t in head.subtree if t.i <= head.i)
        return head.doc[left : head.i + 1].text
    return None


def _speaker_pronoun(subject: Token, context: Context) -> bool:
    """A pronoun subject of the clause a speech verb reports: "NATO said it would ..."."""
    clause = subject.head
    return (
        subject.lower_ in _REPORTED_PRONOUNS
        and clause.dep_ == "ccomp"
        and context.data.cues.has(clause.head.lemma_.lower(), "speech")
    )


def _fits_pronoun(pronoun: Token, speaker: Sequence[str], context: Context) -> bool:
    """The speaker can be the pronoun: "he"/"she" a person, "it" not one ("the ministry said it
    fired warning shots"); the speaker is preferred over another antecedent."""
    if not speaker:
        return False
    actor = context.knowledge.actor(speaker[0])
    if actor is None:
        return False
    person = actor.kind == "person"
    word = pronoun.lower_
    return (word in _PERSON_PRONOUNS and person) or (word == "it" and not person)


def _says_government(head: Token, context: Context) -> bool:
    return context.data.cues.has(head.lemma_.lower(), "own_government")


def _own_government(people: Sequence[str], context: Context) -> tuple[str, ...]:
    """ "the government" / "we" in a speaker's mouth, "his administration": their state's."""
    if not people:
        return ()
    actor = context.knowledge.actor(people[0])
    if actor is not None and actor.kind != "person":
        return tuple(people)
    state = context.knowledge.state_of(people[0], context.on)
    if state is None:
        return ()
    owner = context.knowledge.actor(state)
    government = owner.government if owner is not None else None
    return (government,) if government else (state,)


def reporters(trigger: Token, context: Context) -> tuple[str, ...]:
    """Who reports the clause the trigger is in: the subject of a speech verb above it."""
    node = trigger
    for _ in range(12):
        if node.head.i == node.i:
            break
        node = node.head
        if context.data.cues.has(node.lemma_.lower(), "speech"):
            if node.pos_ in ("NOUN", "PROPN"):  # "denied Japan's claim that ...": Japan's
                return _claim_owner(node, context)
            subject = _subject(node)
            return _np_actors(subject, context) if subject is not None else ()
    for child in trigger.children:
        if child.dep_ in ("parataxis", "ccomp") and context.data.cues.has(
            child.lemma_.lower(), "speech"
        ):
            subject = _subject(child)
            return _np_actors(subject, context) if subject is not None else ()
    return ()


def _claim_owner(noun: Token, context: Context) -> tuple[str, ...]:
    """Whose claim or report a speech noun is: its possessor or modifier ("Japan's claim", "a
    Chinese report"); no one known when it names none (the verb above may be denying it)."""
    return tuple(
        a
        for c in noun.children
        if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < noun.i
        for a in _np_actors(c, context)
    )
