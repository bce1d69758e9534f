"""Event coding: who did what to whom, and whether it happened, was promised, or was denied.

Each sentence's verbs and event nouns are matched against the patterns in
`data/event_patterns.jsonl` (CAMEO codes, see `events_data`). A matched trigger becomes an
event whose source and target come from the actor mentions on its subject and objects, read
off the dependency parse: the subject (or the `by` agent of a passive) is the source; the
direct object, a `with/to/against/on...` object, or else the first other actor in the
complement is the target. Reciprocal compounds ("the two Koreas signed") become one event
each way, as CAMEO codes them. An event noun in a concessive or circumstantial phrase ("despite
stalled talks with X", "amid ...") is the clause's background: it borrows no participant from the
clause, and keeps only its own ("with X"). Temporal phrases ("after talks with Trump, Lee said")
do borrow the subject.

Modality is read from the words that govern the trigger, up to the clause that reports it:
`negated` (not, never, few signs of, failed to), `hypothetical` (may, could, if, expected,
analysts suggest), `pledged` (will, would, vowed to, pledged). A pledged cooperative action is
coded as the intent to do it (a pledge to meet is 036), as CAMEO does.

Events inside reported speech keep their own source; `reported_by` is who said it, and "the
government" or "we" in a speaker's mouth is the speaker's government.

Where no pattern matches but the sentence's main predicate links actors, the optional
embedding classifier (`events_embed`) may label it with the closest hand-written example;
`decided_by` says which path decided each event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Knowledge
from peninsula.nlp.events_data import Cameo, EventData, Pattern, default_event_data
from peninsula.nlp.events_embed import MIN_SIMILARITY, classifier_for
from peninsula.records import DecidedBy, Event, Mention, Modality

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
# A trigger below another along these is part of it ("agreed to hold talks").
_SUBORDINATE_DEPS = frozenset(
    [
        "xcomp",
        "ccomp",
        "dobj",
        "prep",
        "pobj",
        "pcomp",
        "acl",
        "attr",
        "oprd",
        "compound",
        "amod",
        "nmod",
        "appos",
        "dative",
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
# "talks with X", "visit to X"; not "meeting on the sidelines of the assembly".
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
_CIRCUMSTANCE_PREPS = _ADJUNCT_PREPS | {"in", "at"}
_CLAUSE_BREAKS = frozenset({"relcl", "parataxis"})
_MODALITY_CHILD_DEPS = frozenset(
    {"aux", "auxpass", "neg", "mark", "det", "amod", "advmod", "acomp"}
)
_MODALITY_KINDS = frozenset({"pledged", "hypothetical", "negated"})
_VIOLENT_ROOTS = frozenset({"18", "19", "20"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos"})
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
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_ENTITY_LABELS = frozenset({"PERSON", "NORP", "GPE", "ORG"})


@dataclass(frozen=True, slots=True)
class _Hit:
    token: Token
    pattern: Pattern
    code: str


@dataclass(frozen=True, slots=True)
class _Parties:
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    source_text: str | None
    target_text: str | None


@dataclass(frozen=True, slots=True)
class _Context:
    document_id: str
    knowledge: Knowledge
    on: date | None
    data: EventData
    actors: dict[int, tuple[str, ...]]  # token index -> actor ids


def find_events(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    on: date | None = None,
    *,
    embeddings: bool = True,
    data: EventData | None = None,
) -> list[Event]:
    """The events `doc` reports. `embeddings=False` forces the rules-only path."""
    context = _Context(document_id, knowledge, on, data or default_event_data(), {})
    context.actors.update(_actors_by_token(doc, mentions))
    classifier = classifier_for(context.data) if embeddings else None
    events: list[Event] = []
    unmatched: list[tuple[Span, Token]] = []
    for sentence in doc.sents:
        found = list(_sentence_events(sentence, context))
        events += found
        predicate = None if found else _main_predicate(sentence, context)
        if predicate is not None and _has_participants(_parties(predicate, context)):
            unmatched.append((sentence, predicate))
    if classifier is not None and unmatched:
        labels = classifier.nearest([s.text for s, _ in unmatched])
        for (sentence, predicate), (code, score) in zip(unmatched, labels, strict=True):
            if score >= MIN_SIMILARITY:
                events += _events_for(sentence, predicate, code, None, "embedding", context)
    events.sort(key=lambda e: e.char_start)
    return events


def _has_participants(parties: _Parties) -> bool:
    """Someone acts on someone: a known actor and a second participant, known or named."""
    known = len(parties.sources) + len(parties.targets)
    return known >= 2 or (known == 1 and bool(parties.source_text or parties.target_text))


def _actors_by_token(doc: Doc, mentions: Iterable[Mention]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for mention in mentions:
        if not mention.actor_id:
            continue
        span = doc.char_span(mention.char_start, mention.char_end, alignment_mode="expand")
        for token in span or ():
            ids = found.setdefault(token.i, [])
            if mention.actor_id not in ids:
                ids.append(mention.actor_id)
    return {i: tuple(ids) for i, ids in found.items()}


# --- triggers ----------------------------------------------------------------------------------


def _sentence_events(sentence: Span, context: _Context) -> Iterator[Event]:
    hits = [hit for token in sentence if (hit := _match(token, context.data)) is not None]
    for hit in _main_hits(hits, context.data):
        yield from _events_for(sentence, hit.token, hit.code, hit.pattern, "pattern", context)


def _match(token: Token, data: EventData) -> _Hit | None:
    """The most specific pattern this token triggers, if any. Between equally specific ones,
    the one whose object word sits closest to the trigger wins, then the earlier line."""
    lemma = token.lemma_.lower()
    is_verb = token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.dep_ == "ROOT")
    is_noun = token.pos_ in ("NOUN", "PROPN")
    best: tuple[int, int, Pattern] | None = None
    words: _Words | None = None
    candidates = (data.by_verb.get(lemma, ()) if is_verb else ()) + (
        _noun_candidates(token, data) if is_noun else ()
    )
    for pattern in sorted(set(candidates), key=lambda p: p.line):
        if best is not None and pattern.specificity < best[0]:
            continue
        words = words or _complement_words(token)
        depth = _fit_depth(pattern, token, words)
        if depth is not None and (best is None or (pattern.specificity, -depth) > best[:2]):
            best = (pattern.specificity, -depth, pattern)
    return _Hit(token, best[2], best[2].code) if best else None


def _noun_candidates(token: Token, data: EventData) -> tuple[Pattern, ...]:
    """Noun patterns by lemma ("talk") or by the word as written ("talks")."""
    return data.by_noun.get(token.lemma_.lower(), ()) + data.by_noun.get(token.lower_, ())


@dataclass(frozen=True, slots=True)
class _Words:
    depth: dict[str, int]  # lemma or lower-cased word -> its least depth below the trigger
    phrases: str  # " lemma lemma ... | word word ... ", for multi-word objects


def _complement_words(token: Token) -> _Words:
    tokens = [t for child in _complement_children(token) for t in child.subtree]
    if token.dep_ == "acl":  # "the agreement signed by ..." : the noun is what was signed
        tokens.append(token.head)
    tokens.sort(key=lambda t: t.i)
    depth: dict[str, int] = {}
    for t in tokens:
        d = _depth(t, token)
        for word in (t.lemma_.lower(), t.lower_):
            depth[word] = min(d, depth.get(word, d))
    lemmas = " ".join(t.lemma_.lower() for t in tokens)
    lowers = " ".join(t.lower_ for t in tokens)
    return _Words(depth, f" {lemmas} | {lowers} ")


def _depth(token: Token, top: Token) -> int:
    steps, node = 0, token
    while node.i != top.i and node.head.i != node.i and steps < 12:
        node, steps = node.head, steps + 1
    return steps


def _complement_children(token: Token) -> list[Token]:
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


def _fit_depth(pattern: Pattern, token: Token, words: _Words) -> int | None:
    """How deep the pattern's object word sits (0 without objects), or None if it misfits."""
    if pattern.preps and not any(
        c.lower_ in pattern.preps for c in token.children if c.dep_ in ("prep", "prt", "agent")
    ):
        return None
    if pattern.subjects:
        subject = _actor_head(token)
        if subject is None or subject.lemma_.lower() not in pattern.subjects:
            return None
    if not pattern.objects:
        return 0
    found = _object_depth(pattern.objects, words)
    if found is None or (pattern.also and _object_depth(pattern.also, words) is None):
        return None
    return found


def _object_depth(objects: tuple[str, ...], words: _Words) -> int | None:
    depths = [
        (1 if f" {o} " in words.phrases else None) if " " in o else words.depth.get(o)
        for o in objects
    ]
    found = [d for d in depths if d is not None]
    return min(found) if found else None


def _main_hits(hits: list[_Hit], data: EventData) -> list[_Hit]:
    """Triggers inside another trigger's complement fold into it; an intent verb takes the
    intent of what it governs ("agreed to resume talks" → 036, "vowed to wage war" → 1384)."""
    kept = []
    for hit in hits:
        governor = next((h for h in hits if _subordinate(hit.token, h.token)), None)
        if governor is None:
            kept.append(hit)
    refined = []
    for hit in kept:
        code = _by_means(hit, hits)
        if hit.pattern.governs_intent:
            inner = [h for h in hits if _subordinate(h.token, hit.token) and _is_verb(h.token)]
            code = _refine_intent(hit.code, inner, data)
        refined.append(_Hit(hit.token, hit.pattern, code))
    return refined


def _by_means(hit: _Hit, hits: list[_Hit]) -> str:
    """ "killed in a car bombing", "killed ... in a gunbattle": the means names the violence."""
    if hit.code[:2] not in _VIOLENT_ROOTS:
        return hit.code
    for other in hits:
        if other.code[:2] in _VIOLENT_ROOTS and other.token.i != hit.token.i:
            node = other.token
            while node.head.i != node.i and node.dep_ in ("pobj", "prep", "agent", "compound"):
                node = node.head
                if node.i == hit.token.i:
                    return other.code
    return hit.code


def _is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def _subordinate(token: Token, governor: Token) -> bool:
    if token.i == governor.i:
        return False
    node = token
    while node.i != node.head.i and _dep(node) in _SUBORDINATE_DEPS:
        if node.dep_ == "prep" and node.lower_ in _CIRCUMSTANCE_PREPS:
            return False
        node = node.head
        if node.i == governor.i:
            return True
    return False


def _refine_intent(code: str, inner: list[_Hit], data: EventData) -> str:
    for hit in inner:
        entry = data.cameo.get(hit.code)
        if entry is not None and entry.intent:
            return entry.intent
    return code


# --- participants ------------------------------------------------------------------------------


def _parties(
    trigger: Token, context: _Context, speaker: tuple[str, ...] = (), code: str = ""
) -> _Parties:
    addressed = code[:2] in _ADDRESSED_ROOTS
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ != "ROOT":
        return _noun_parties(trigger, context, addressed)
    return _verb_parties(trigger, context, speaker, addressed)


def _verb_parties(
    verb: Token, context: _Context, speaker: tuple[str, ...], addressed: bool
) -> _Parties:
    subject = _subject(verb)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    targets: list[str] = []
    if passive:
        source_head = _agent_object(agent)
        if verb.dep_ == "acl":  # "soldiers killed in ...": the noun is who it happened to
            subject = verb.head
        if subject is not None:
            targets += _np_actors(subject, context)
    else:
        source_head = subject
    sources = list(_np_actors(source_head, context)) if source_head is not None else []
    if not sources and source_head is not None and _speaker_pronoun(source_head, context):
        sources = list(speaker)  # "NATO said it would ...": it is the speaker
    if source_head is not None and _says_government(source_head, context):
        sources = list(_own_government(sources or list(speaker), context)) or sources
    targets += _object_actors(verb, context, exclude=sources)
    if not targets:
        reported = addressed or context.data.cues.has(verb.lemma_.lower(), "speech")
        targets += _first_actor_below(verb, context, exclude=sources, subjects=reported)
    return _Parties(
        tuple(dict.fromkeys(sources)),
        tuple(t for t in dict.fromkeys(targets) if t not in sources),
        _participant_text(source_head, context),
        _participant_text(subject, context) if passive else None,
    )


def _noun_parties(noun: Token, context: _Context, addressed: bool) -> _Parties:
    sources: list[str] = []
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
            sources += _np_actors(child, context)
    subject = None
    if not sources and not _in_background(noun):  # "despite stalled talks": not the subject's
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
    return _Parties(
        tuple(dict.fromkeys(sources)),
        tuple(t for t in dict.fromkeys(targets) if t not in sources),
        _participant_text(subject, context),
        None,
    )


def _actor_head(verb: Token) -> Token | None:
    """Who does it: the `by` agent of a passive, else the subject."""
    agent = _agent_object(next((c for c in verb.children if c.dep_ == "agent"), None))
    return agent if agent is not None else _subject(verb)


def _dep(token: Token) -> str:
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
        if _dep(node) == "relcl":
            return node.head
        is_verb = node.pos_ in ("VERB", "AUX")
        if node.head.i == node.i or (is_verb and _dep(node) not in _CLIMB_FOR_SUBJECT):
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


def _np_actors(head: Token, context: _Context) -> tuple[str, ...]:
    """Actors a noun phrase names: its head, else its modifiers ("Syrian President"), else
    what it belongs to ("a court in Guyana"), plus its conjuncts."""
    head = _content_head(head)
    found = list(context.actors.get(head.i, ()))
    modifiers = [
        c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos")
    ]
    if not found:
        found = [a for c in modifiers for a in context.actors.get(c.i, ())]
    if not found or all(context.knowledge.actor(a) is None for a in found):
        # "Syrian President Bashar Assad", a person the knowledge base lacks: Syria acts
        states = [a for c in (head, *modifiers) for a in _demonym_actors(c, context.knowledge)]
        found = states or found
    if not found:
        found = _owner_actors(head, context)
    for child in head.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and child.i in context.actors):
            found += _np_actors(child, context)  # "the US, Russia, and Switzerland"
    return tuple(dict.fromkeys(found))


def _owner_actors(head: Token, context: _Context) -> list[str]:
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "in", "from"):
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return list(_np_actors(obj, context))
    return []


def _demonym_actors(token: Token, knowledge: Knowledge) -> tuple[str, ...]:
    """ "Syrian" in "Syrian President Assad", when the title did not resolve to a person."""
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
    """ "thousands of students", "one third of the guerrillas": the people, not the number."""
    if not (head.like_num or head.lemma_.lower() in _QUANTITIES):
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _content_head(obj)
    return head


def _object_actors(verb: Token, context: _Context, exclude: Sequence[str]) -> list[str]:
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
    token: Token, context: _Context, exclude: Sequence[str], subjects: bool = False
) -> list[str]:
    """The first actor named in the trigger's complement, skipping embedded subjects (but for
    a speech verb: "said Pyongyang must stop" is addressed to Pyongyang)."""
    for child in _complement_children(token):
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


def _participant_text(head: Token | None, context: _Context) -> str | None:
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


def _speaker_pronoun(subject: Token, context: _Context) -> bool:
    """A pronoun subject of the clause a speech verb reports: "NATO said it would ..."."""
    clause = subject.head
    return (
        subject.lower_ in _REPORTED_PRONOUNS
        and clause.dep_ == "ccomp"
        and context.data.cues.has(clause.head.lemma_.lower(), "speech")
    )


def _says_government(head: Token, context: _Context) -> bool:
    return context.data.cues.has(head.lemma_.lower(), "own_government")


def _own_government(people: Sequence[str], context: _Context) -> tuple[str, ...]:
    """ "the government" / "we" in a speaker's mouth, "his administration": their state's."""
    if not people:
        return ()
    actor = context.knowledge.actor(people[0])
    if actor is not None and actor.kind != "person":
        return tuple(people)
    state = context.knowledge.state_of(people[0], context.on)
    if state is None:
        return ()
    government = _government_of(context.knowledge, state)
    return (government,) if government else (state,)


@cache
def _government_of(knowledge: Knowledge, state: str) -> str | None:
    for actor in knowledge.actors:
        if actor.parent == state and "government" in actor.name.lower():
            return actor.id
    return None


# --- modality and speech -----------------------------------------------------------------------


def _modality(trigger: Token, pattern: Pattern | None, context: _Context) -> Modality:
    flags: set[str] = {"pledged"} if pattern is not None and pattern.pledge else set()
    cues = context.data.cues
    node = trigger
    for _ in range(12):
        for child in node.children:
            if child.dep_ in _MODALITY_CHILD_DEPS:
                flags.update(_cue_kinds(child, cues.words))
        if node.i != trigger.i:
            if cues.has(node.lemma_.lower(), "speech"):
                break
            flags.update(_cue_kinds(node, cues.words))
        if _dep(node) in _CLAUSE_BREAKS or node.head.i == node.i:
            break
        if node.dep_ == "prep" and node.lower_ in _CIRCUMSTANCE_PREPS:
            break
        node = node.head
    if "negated" in flags and _rules_out(trigger):
        flags = (flags - {"negated"}) | {"hypothetical"}  # "did not rule out meeting"
    elif _rules_out(trigger):
        flags.add("negated")  # "ruled out talks"
    ranked: tuple[Modality, ...] = ("negated", "hypothetical", "pledged")
    return next((kind for kind in ranked if kind in flags), "actual")


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


def _speaker(trigger: Token, context: _Context) -> tuple[str, ...]:
    """Who reports the clause the trigger is in: the subject of a speech verb above it."""
    node = trigger
    for _ in range(12):
        if node.head.i == node.i:
            break
        node = node.head
        if context.data.cues.has(node.lemma_.lower(), "speech"):
            subject = _subject(node)
            return _np_actors(subject, context) if subject is not None else ()
    for child in trigger.children:
        if child.dep_ in ("parataxis", "ccomp") and context.data.cues.has(
            child.lemma_.lower(), "speech"
        ):
            subject = _subject(child)
            return _np_actors(subject, context) if subject is not None else ()
    return ()


# --- events ------------------------------------------------------------------------------------


def _events_for(
    sentence: Span,
    trigger: Token,
    code: str,
    pattern: Pattern | None,
    decided_by: DecidedBy,
    context: _Context,
) -> list[Event]:
    speaker = _speaker(trigger, context)
    parties = _parties(trigger, context, speaker, code)
    if not _worth_coding(parties, pattern):
        return []
    modality = _modality(trigger, pattern, context)
    code = _coded_as(code, modality, context.data)
    entry = context.data.cameo[code]
    reporter = speaker[0] if speaker else None
    noun = trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ != "ROOT"
    events = []
    pairs = [(s, t) for s, t in _pairs(parties, noun) if not _same_side(s, t, context)]
    if not pairs and parties.sources:  # "blew up lines into Kabul": no target, still an event
        pairs = [(s, None) for s in parties.sources]
    for source, target in pairs:
        make = partial(_event, sentence, trigger, modality=modality, decided_by=decided_by,
                       reporter=reporter, parties=parties, context=context)  # fmt: skip
        events.append(make(entry, source, target))
        paired = context.data.cameo.get(entry.paired or "")
        if paired is not None and source and target and modality == "actual":
            events.append(make(paired, target, source))
    return events


def _same_side(source: str | None, target: str | None, context: _Context) -> bool:
    """A state and its own organs or people are one side: Lee → South Korea is no event."""
    if source is None or target is None:
        return False
    state = context.knowledge.state_of
    return state(source, context.on) == target or state(target, context.on) == source


def _worth_coding(parties: _Parties, pattern: Pattern | None) -> bool:
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


def _coded_as(code: str, modality: Modality, data: EventData) -> str:
    """A pledged action is the expressed intent to do it: CAMEO 03 for cooperation, 13 (a
    threat) for coercion and force."""
    entry = data.cameo[code]
    if modality == "pledged" and entry.intent:
        return entry.intent
    return code


def _pairs(parties: _Parties, noun: bool) -> list[tuple[str | None, str | None]]:
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
    parties: _Parties,
    context: _Context,
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
    source: str | None, target: str | None, entry: Cameo, modality: Modality, context: _Context
) -> str:
    what = entry.name.replace(", not specified below", "")
    who = _name(source, context) or "someone"
    whom = f" → {_name(target, context)}" if target else ""
    how = "" if modality == "actual" else f" [{modality}]"
    return f"{who}{whom}: {what} ({entry.code}){how}"


def _name(actor_id: str | None, context: _Context) -> str | None:
    if actor_id is None:
        return None
    actor = context.knowledge.actor(actor_id)
    return actor.name if actor is not None else actor_id


def _main_predicate(sentence: Span, context: _Context) -> Token | None:
    """The verb a sentence is about: its root, or what a speech root reports."""
    root = sentence.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    if context.data.cues.has(root.lemma_.lower(), "speech"):
        reported = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis")), None)
        return reported if reported is not None and reported.pos_ in ("VERB", "AUX") else None
    return root
