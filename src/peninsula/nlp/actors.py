"""Actor mentions: names, spelling variants, metonymy, role descriptions, surnames, pronouns.

Every mention names its method, so a reader can judge it: `name` (a name or alias from the
knowledge base), `metonymy` (Seoul, the Kremlin, the North), `demonym` (North Korean troops),
`description` ("the UN leader" → whoever was Secretary-General on the document's date),
`surname` (Lee after Lee Jae Myung), `pronoun` (he → the last person named), `office`
("his office" → that person's office), and `ner` for people the knowledge base does not know,
who become unverified actors with the title their apposition gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from peninsula.knowledge import Actor, Knowledge
from peninsula.records import Mention

# A capital with one of these after it, or after one of these prepositions, is a place.
_PLACE_NOUNS = frozenset(
    [
        "metropolitan",
        "metro",
        "city",
        "area",
        "region",
        "residents",
        "citizens",
        "station",
        "airport",
        "district",
        "suburbs",
        "streets",
        "downtown",
        "province",
        "outskirts",
    ]
)
_LOCATIVE_PREPS = frozenset(
    ["in", "at", "near", "around", "across", "outside", "inside", "into", "throughout", "via"]
)
_PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
_METHOD_RANK = {"name": 5, "metonymy": 4, "description": 3, "demonym": 2}


@dataclass(frozen=True, slots=True)
class ActorFindings:
    mentions: list[Mention]
    new_actors: list[Actor]


@dataclass(frozen=True, slots=True)
class _Match:
    start: int  # token indices
    end: int
    method: str
    key: str


def find_actors(doc: Doc, document_id: str, on: date | None, knowledge: Knowledge) -> ActorFindings:
    """All actor mentions in `doc`, resolved against the knowledge base as of `on`."""
    gazetteer = _gazetteer(knowledge, doc.vocab)
    matches = _non_overlapping(_matches(doc, gazetteer))
    mentions: list[Mention] = []
    new_actors: dict[str, Actor] = {}
    covered: set[int] = set()
    for match in matches:
        span = _with_article(doc[match.start : match.end], match.method)
        for actor_id in _resolve(match, span, on, knowledge, gazetteer):
            mentions.append(_mention(document_id, span, actor_id, match.method))
        covered.update(range(match.start, match.end))
    mentions += _surnames(doc, document_id, mentions, covered, on, knowledge)
    covered.update(t.i for m in mentions for t in doc.char_span(m.char_start, m.char_end) or [])
    for ent in doc.ents:
        if ent.label_ == "PERSON" and not covered.intersection(range(ent.start, ent.end)):
            actor = _unknown_person(ent, knowledge)
            if actor is None:
                continue
            new_actors.setdefault(actor.id, actor)
            mentions.append(_mention(document_id, ent, actor.id, "ner"))
            covered.update(range(ent.start, ent.end))
    mentions += _pronouns(doc, document_id, mentions, on, knowledge)
    mentions.sort(key=lambda m: (m.char_start, m.char_end))
    return ActorFindings(mentions, list(new_actors.values()))


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    names: Any  # PhraseMatcher on exact spelling
    lowered: Any  # PhraseMatcher ignoring case, for descriptions
    targets: dict[str, tuple[str, ...]]
    descriptions: dict[str, tuple[str, str]]  # key -> (title, of)
    surnames: dict[str, tuple[str, ...]]  # surname -> person ids


@cache
def _gazetteer(knowledge: Knowledge, vocab: Any) -> _Gazetteer:
    names = PhraseMatcher(vocab, attr="ORTH")
    lowered = PhraseMatcher(vocab, attr="LOWER")
    targets: dict[str, tuple[str, ...]] = {}
    descriptions: dict[str, tuple[str, str]] = {}
    tokenizer = _Tokenize(vocab)
    for actor in knowledge.actors:
        key = f"name:{actor.id}"
        targets[key] = (actor.id,)
        names.add(key, [tokenizer(n) for n in {actor.name, *actor.aliases}])
        if actor.demonyms:
            key = f"demonym:{actor.id}"
            targets[key] = (actor.id,)
            names.add(key, [tokenizer(d) for d in actor.demonyms if d not in actor.aliases])
    for phrase, ids in knowledge.metonyms.items():
        key = f"metonymy:{phrase}"
        targets[key] = ids
        names.add(key, [tokenizer(phrase)])
    held = {(r.title, r.of) for r in knowledge.roles}
    for title, of in held:
        owner = knowledge.actor(of)
        if owner is None:
            continue
        words = knowledge.titles.get(title, ()) or (title.lower(),)
        key = f"description:{title}|{of}"
        descriptions[key] = (title, of)
        phrases = [f"{adj} {word}" for adj in (*owner.demonyms, owner.name) for word in words]
        lowered.add(key, [tokenizer(p) for p in phrases])
    surnames: dict[str, list[str]] = {}
    for actor in knowledge.actors:
        if actor.kind == "person":
            state = knowledge.actor(actor.country) if actor.country else None
            family_first = state is not None and state.family_name_first
            for name in {actor.name, *actor.aliases}:
                surname = _surname(name, family_first)
                if surname and actor.id not in surnames.setdefault(surname, []):
                    surnames[surname].append(actor.id)
    return _Gazetteer(
        names, lowered, targets, descriptions, {k: tuple(v) for k, v in surnames.items()}
    )


class _Tokenize:
    """Phrase patterns tokenised the way documents are, without running the whole pipeline."""

    def __init__(self, vocab: Any) -> None:
        from spacy.lang.en import English

        self._nlp = English(vocab=vocab)

    def __call__(self, text: str) -> Doc:
        return self._nlp.make_doc(text)


def _matches(doc: Doc, gazetteer: _Gazetteer) -> Iterator[_Match]:
    for matcher in (gazetteer.names, gazetteer.lowered):
        for match_id, start, end in matcher(doc):
            key = doc.vocab.strings[match_id]
            method = key.split(":", 1)[0]
            if method == "description" and not doc[start].text[:1].isupper():
                continue  # "the UN leader" / "South Korean president": the adjective is a name
            yield _Match(start, end, method, key)


def _non_overlapping(matches: Iterable[_Match]) -> list[_Match]:
    """Longest first, then the surer method. A description just before a name is its title."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), -_METHOD_RANK[m.method], m.start))
    taken: set[int] = set()
    kept: list[_Match] = []
    for match in ordered:
        if taken.isdisjoint(range(match.start, match.end)):
            kept.append(match)
            taken.update(range(match.start, match.end))
    kept.sort(key=lambda m: m.start)
    name_starts = {m.start for m in kept if m.method == "name"}
    return [m for m in kept if not (m.method == "description" and m.end in name_starts)]


def _resolve(
    match: _Match, span: Span, on: date | None, knowledge: Knowledge, gazetteer: _Gazetteer
) -> list[str]:
    if match.method == "description":
        if _preceded_by(span, knowledge.time_words.role_negators):
            return []
        title, of = gazetteer.descriptions[match.key]
        holders = knowledge.holders(title, of, on) if on else []
        return [holders[0].id] if len(holders) == 1 else []
    if match.method == "metonymy" and len(span) == 1 and _is_place(span):
        return []
    if match.method == "demonym" and not _modifies_noun(span):
        return []
    return list(gazetteer.targets[match.key])


def _with_article(span: Span, method: str) -> Span:
    """ "the UN leader", not "UN leader": the mention reads as the text does."""
    if method == "description" and span.start > 0 and span.doc[span.start - 1].lower_ == "the":
        return span.doc[span.start - 1 : span.end]
    return span


def _is_place(span: Span) -> bool:
    """Seoul the city, not Seoul the government: "in Seoul", "the Seoul metropolitan area"."""
    token = span[-1]
    after = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if after is not None and after.lower_ in _PLACE_NOUNS:
        return True
    return token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE_PREPS


def _modifies_noun(span: Span) -> bool:
    after = span.doc[span.end] if span.end < len(span.doc) else None
    return after is not None and after.pos_ in ("NOUN", "PROPN")


def _preceded_by(span: Span, words: frozenset[str]) -> bool:
    before = [t.lower_.strip("-") for t in span.doc[max(0, span.start - 2) : span.start]]
    return any(w in words for w in before)


def _surname(name: str, family_first: bool) -> str | None:
    """The family name: the first word where the state's `name_order` says so (Lee Jae Myung,
    Kim Jong-un → Kim), else the last (Donald Trump)."""
    parts = re.split(r"\s+", name.strip())
    if len(parts) < 2:
        return None
    return parts[0].split("-")[0] if family_first else parts[-1]


def _surnames(
    doc: Doc,
    document_id: str,
    mentions: list[Mention],
    covered: set[int],
    on: date | None,
    knowledge: Knowledge,
) -> list[Mention]:
    """A bare surname is the person already named in this document, else the only person
    with that surname holding a role on the document's date; a title in front ("President
    Lee") narrows that to holders of the title."""
    gazetteer = _gazetteer(knowledge, doc.vocab)
    named_at = {m.actor_id: m.char_start for m in reversed(mentions) if m.actor_id}
    found: list[Mention] = []
    for token in doc:
        if token.i in covered or not token.text[:1].isupper():
            continue
        candidates = gazetteer.surnames.get(token.text)
        if not candidates:
            continue
        earlier = [c for c in candidates if named_at.get(c, len(doc.text)) < token.idx]
        if not earlier and on is not None:
            titled = _title_before(doc, token.i, knowledge)
            earlier = [
                c
                for c in candidates
                if any(
                    r.holds_on(on) and (titled is None or r.title in titled)
                    for r in knowledge.roles_of(c)
                )
            ]
        if len(earlier) == 1:
            found.append(_mention(document_id, doc[token.i : token.i + 1], earlier[0], "surname"))
    return found


def _title_before(doc: Doc, index: int, knowledge: Knowledge) -> set[str] | None:
    """The titles the one or two words before a name can mean ("President", "Foreign
    Minister"), or None when no title stands there."""
    for width in (2, 1):
        if index - width < 0:
            continue
        words = doc[index - width : index].text.lower()
        titles = {t for t, aliases in knowledge.titles.items() if words in aliases}
        if titles:
            return titles
    return None


def _pronouns(
    doc: Doc, document_id: str, mentions: list[Mention], on: date | None, knowledge: Knowledge
) -> list[Mention]:
    """he/she → the last person named before it; in a fronted phrase ("In his speech, Lee
    said") the subject that follows. "his office" → the office that person's role has."""
    people = sorted(
        (m for m in mentions if m.actor_id and _is_person(m.actor_id, knowledge)),
        key=lambda m: m.char_start,
    )
    found: list[Mention] = []
    for token in doc:
        if token.lower_ not in _PERSON_PRONOUNS:
            continue
        person = _cataphora(token, people) or _last_before(token.idx, people)
        if person is None:
            continue
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if token.lower_ in ("his", "her") and after is not None and after.lower_ == "office":
            office = _office_of(person, on, knowledge)
            if office:
                found.append(_mention(document_id, doc[token.i : token.i + 2], office, "office"))
                continue
        found.append(_mention(document_id, doc[token.i : token.i + 1], person, "pronoun"))
    return found


def _cataphora(token: Any, people: list[Mention]) -> str | None:
    sentence = token.sent
    root = sentence.root
    if token.i >= root.i:
        return None
    for subject in (t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")):
        if subject.i > token.i:
            hit = next((m for m in people if m.char_start <= subject.idx < m.char_end), None)
            if hit is not None:
                return hit.actor_id
    return None


def _last_before(offset: int, people: list[Mention]) -> str | None:
    before = [m for m in people if m.char_end <= offset]
    return before[-1].actor_id if before else None


def _office_of(person: str, on: date | None, knowledge: Knowledge) -> str | None:
    for role in knowledge.roles_of(person):
        if on is None or role.holds_on(on):
            office = knowledge.offices.get((role.title, role.of))
            if office:
                return office
    return None


def _is_person(actor_id: str, knowledge: Knowledge) -> bool:
    actor = knowledge.actor(actor_id)
    return actor is None or actor.kind == "person"


def _unknown_person(ent: Span, knowledge: Knowledge) -> Actor | None:
    """A person the knowledge base does not know, with the title an apposition gives.

    The small model tags some place names as people ("Jeju", "Gangwon"); a one-word name
    counts only when a title vouches for it.
    """
    name = " ".join(ent.text.strip(" '’s").split())
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    title = _apposition(ent)
    if not slug or (len(name.split()) < 2 and not title):
        return None
    return Actor(
        id=f"new:{slug}",
        name=name,
        kind="person",
        aliases=(),
        verified=False,
        described_as=(title,) if title else (),
    )


def _apposition(ent: Span) -> str | None:
    """ "Kang Yu-jung, presidential spokesperson," → "presidential spokesperson"."""
    doc = ent.doc
    if ent.end < len(doc) and doc[ent.end].text == ",":
        words = []
        for token in doc[ent.end + 1 : ent.end + 8]:
            if token.is_punct or token.pos_ in ("VERB", "AUX"):
                break
            words.append(token.text)
        if words and any(t.pos_ == "NOUN" for t in doc[ent.end + 1 : ent.end + 1 + len(words)]):
            return " ".join(words)
    before = [t for t in doc[max(0, ent.start - 3) : ent.start] if t.dep_ == "compound"]
    return " ".join(t.text for t in before) or None


def _mention(document_id: str, span: Span, actor_id: str | None, method: str) -> Mention:
    return Mention(
        document_id, span.start_char, span.end_char, span.text, span.label_ or "", actor_id, method
    )
