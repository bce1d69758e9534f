"""The resolver's third sieve: people and organisations the knowledge base lacks.

A person the parser tags becomes an unverified actor (`new:` id) with the title, body and
country its description gives: the words before the name in its phrase ("Defense Ministry
spokesman"), an apposition after it (", spokesman of the South's Defense Ministry,") or the
noun phrase it stands in apposition to ("the country's vice minister, Kim ..."); the gender a
"Mr."/"Ms." or a gendered title gives. An organisation becomes `organization`, or `media` when
its words say it is an outlet ("... Times", "... News Agency").

Not every name the small model tags is an actor. None is made from a headline or a line of page
debris (nearly all words capitalised, no full stop), from a name of a thing ("... Agreement",
"... Shield", a time zone, the acronym the text gives for one), from a name with a number, a
comma or a word for a person in it ("Pentagon Spokesperson"), from title words alone, or from
one capitalised word that is not an acronym acting in the clause. A name keeps all its letters,
loses a title or rank before it and a possessive or headline verb after it; a known actor's name
the matcher missed ("Kim Jong-un/.") is that actor.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Actor, Knowledge
from peninsula.nlp.entities import Entities, Placed, Wanted
from peninsula.nlp.entity_names import surname_index

_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_NAME_PARTICLES = frozenset({"von", "der", "van", "de", "da", "bin", "al", "le", "la", "del"})
_CONNECTIVES = frozenset({"of", "and", "for", "the", "on", "in"})


def newcomers(ent: Entities, label: str) -> None:
    """People (`PERSON`) or organisations (`ORG`) the parser tags that no sieve resolved."""
    for span in ent.doc.ents:
        if span.label_ != label or ent.covered.intersection(range(span.start, span.end)):
            continue
        if label == "PERSON":
            _person(ent, span)
        else:
            _organization(ent, span)


def _person(ent: Entities, span: Span) -> None:
    start, end = _name_tokens(ent, span)
    if end <= start or _acronym_follows(span.doc, start, end) or _in_headline(ent, span):
        return
    words = [t for t in span.doc[start:end] if t.is_alpha]
    if not words or not words[0].text[:1].isupper():
        return
    if any(t.is_lower and t.lower_ not in _NAME_PARTICLES and not _after_hyphen(t) for t in words):
        return
    name = _joined(span.doc[start:end])
    if _no_actor(ent, span.doc[start:end]):
        return
    known = _known_as(ent, name)
    if known is not None:  # a known name the matcher missed ("Kim Jong-un/.")
        ent.add(start, end, known, "name")
        return
    if len(words) < 2 and name in surname_index(ent):
        return  # "President Lee": a surname, for the surname sieve
    descriptions = _descriptions(ent, start, end)
    if len(words) < 2 and not descriptions:
        return  # the small model tags some places as people ("Jeju"): a title vouches
    country, affiliation = _placed_by(ent, descriptions)
    actor = ent.introduce(
        Actor(
            id=f"new:{_slug(name)}",
            name=name,
            kind="person",
            country=country,
            verified=False,
            described_as=tuple(ent.doc[a:b].text for a, b in descriptions),
            gender=_gender(ent, start, descriptions),
            affiliation=affiliation,
        )
    )
    ent.add(start, end, actor.id, "ner")


def _organization(ent: Entities, span: Span) -> None:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or not doc[end - 1].is_alpha):
        end -= 1
    words = [t for t in doc[start:end] if t.is_alpha]
    if not words or _in_headline(ent, span) or _no_actor(ent, doc[start:end]):
        return
    if any(t.is_lower for t in words if t.lower_ not in _CONNECTIVES) or words[-1].is_lower:
        return
    if len(words) == 1 and not _acronym_actor(doc, words[0]):
        return  # one capitalised word is a place or a building as often as a body
    name = _joined(doc[start:end])
    known = _known_as(ent, name)
    if known is not None:
        ent.add(start, end, known, "name")
        return
    refs = ent.knowledge.references
    after = [t.lower_ for t in doc[end : end + 2]]
    media = any(
        (r := refs.of(w)) is not None and r.kind in ("media", "outlet")
        for w in ([t.lower_ for t in doc[start:end]], after[:1], after[:2])
    )
    actor = ent.introduce(
        Actor(
            id=f"new:{_slug(name)}",
            name=name,
            kind="media" if media else "organization",
            country=ent.qualifier(start),
            verified=False,
        )
    )
    ent.add(start, end, actor.id, "ner")


def _no_actor(ent: Entities, name: Span) -> bool:
    """A name of a thing ("Freedom Shield", "the Measures Agreement", "JST"), with a number
    ("Magnitude 6.1 Earthquake"), made of title words only ("State" in "Secretary of State"),
    or with a word for a person in it ("Pentagon Spokesperson")."""
    refs, titles = ent.knowledge.references, ent.gazetteer.title_heads
    words = [t for t in name if t.is_alpha]
    if not words or any(t.like_num or t.text in (",", "/") for t in name):
        return True
    if len(words) == 1 and words[0].text in _things_abbreviated(ent):
        return True
    if refs.word(words[-1].lower_, "thing") is not None:
        return True
    if any(refs.word(w.lower_, "person") is not None for w in words):
        return True
    return all(w.lower_ in titles for w in words)


def _things_abbreviated(ent: Entities) -> frozenset[str]:
    """Acronyms the text gives for names of things: "the Freedom Shield (FS) drills"."""
    if "things" in ent.memo:
        return ent.memo["things"]
    doc, refs = ent.doc, ent.knowledge.references
    found = set()
    for token in doc:
        if token.text == "(" and token.i > 0 and token.i + 2 < len(doc):
            acronym, before = doc[token.i + 1], doc[token.i - 1]
            thing = refs.word(before.lower_, "thing") is not None
            if thing and acronym.is_upper and doc[token.i + 2].text == ")":
                found.add(acronym.text)
    ent.memo["things"] = frozenset(found)
    return ent.memo["things"]


def _known_as(ent: Entities, name: str) -> str | None:
    """The known actor whose name or alias this is, ignoring case and hyphens."""
    targets = ent.gazetteer.targets.get(f"name:{name}")
    if targets is not None and len(targets) == 1:
        return targets[0]
    return _by_folded_name(ent.knowledge).get(_fold(name))


@cache
def _by_folded_name(knowledge: Knowledge) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for actor in knowledge.actors:
        for name in (actor.name, *actor.aliases):
            found.setdefault(_fold(name), set()).add(actor.id)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _in_headline(ent: Entities, span: Span) -> bool:
    """A headline or a line of page debris ("Lee Heads to Tokyo to Meet Ishiba"): nearly all
    its longer words capitalised and no full stop; the parser's names there are unreliable."""
    text = ent.text
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : end if end >= 0 else len(text)].strip()
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", line) if len(w) > 3]
    if len(words) < 3 or line.endswith((".", '."', ".”")):
        return False
    return bool(sum(w[0].isupper() for w in words) >= 0.75 * len(words))


def _acronym_actor(doc: Doc, word: Token) -> bool:
    """A one-word organisation: an acronym that acts or is acted on, not one that names what
    comes before it in parentheses ("the Freedom Shield (FS)") or modifies a noun ("APEC
    summit")."""
    if not (word.is_upper and len(word) > 1):
        return False
    if word.i > 0 and doc[word.i - 1].text == "(":
        return False
    return word.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "conj", "appos")


def _after_hyphen(token: Token) -> bool:
    """ "ah" in "Seo-ah": the lower-case second part of a romanised given name."""
    return token.i > 0 and token.doc[token.i - 1].text in ("-", "–")


def _name_tokens(ent: Entities, span: Span) -> tuple[int, int]:
    """The name alone: no title or rank before it, no possessive or headline verb after it
    ("Mina Solberg Praises ..."), no punctuation at either end."""
    doc, refs = span.doc, ent.knowledge.references
    start, end = span.start, span.end
    while start < end and (
        doc[start].is_punct
        or refs.word(doc[start].lower_, "honorific") is not None
        or refs.word(doc[start].lower_, "person") is not None
        or doc[start].lower_ in ent.gazetteer.title_heads
    ):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    if end - start > 2 and _is_verb(ent, doc[end - 1].lower_):
        end -= 1
    return start, end


def _is_verb(ent: Entities, word: str) -> bool:
    """A capitalised headline verb ("Emphasizes", "Warns") the parser took for a name."""
    forms = {word, word[:-1], word[:-2], word[:-1] + "e"} if word.endswith("s") else set()
    if word.endswith("ed"):
        forms |= {word[:-1], word[:-2]}
    speech, events = ent.knowledge.speech.by_word, ent.knowledge.events.by_verb
    return any(f in speech or f in events for f in forms if f)


def _acronym_follows(doc: Doc, start: int, end: int) -> bool:
    """ "Freedom Shield (FS)": a name with its initials after it is an exercise or a body."""
    if end + 2 >= len(doc) or doc[end].text != "(":
        return False
    acronym = doc[end + 1].text
    initials = "".join(t.text[0] for t in doc[start:end] if t.is_alpha)
    return acronym.isupper() and len(acronym) > 1 and acronym.startswith(initials[:2])


def _descriptions(ent: Entities, start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges that describe the person: the words before the name in its phrase
    ("Defense Ministry spokesman"), an apposition after it (", spokesman of the ministry,"),
    or the noun phrase the name is in apposition to ("the vice minister, Kim ...")."""
    doc = ent.doc
    found: list[tuple[int, int]] = []
    left = min(_prefix(doc, start, end), _surface_prefix(ent, start))
    if left < start:
        found.append((left, start))
    if end < len(doc) and doc[end].text == ",":
        stop = end + 1
        for token in doc[end + 1 : end + 10]:
            if (token.is_punct and token.text not in ("-", "–")) or token.pos_ in ("VERB", "AUX"):
                break
            stop = token.i + 1
        if stop > end + 1:
            found.append((end + 1, stop))
    root = doc[start:end].root
    if root.dep_ == "appos" and root.head.i < start and root.head.pos_ == "NOUN":
        head = root.head
        first = min(t.i for t in head.subtree if t.i <= head.i)
        while first < head.i and doc[first].lower_ in ("the", "a", "an"):
            first += 1
        found.append((first, head.i + 1))
    return [(a, b) for a, b in found if _describes_a_person(ent, doc[a:b])]


def _describes_a_person(ent: Entities, words: Span) -> bool:
    """A title or a noun for a person ("spokesman", "vice minister"), not "provinces"."""
    refs = ent.knowledge.references
    if any(refs.word(t.lower_, "person") is not None for t in words):
        return True
    return any(t.lower_ in ent.gazetteer.title_heads for t in words if t.pos_ == "NOUN")


def _prefix(doc: Doc, start: int, end: int) -> int:
    """The first token of the words before a name that belong to its phrase."""
    inside = set(range(start, end))
    index = start - 1
    while index >= 0:
        token = doc[index]
        if token.lower_ in ("the", "a", "an") or (token.is_punct and token.text not in "-–"):
            break
        if not _reaches(token, inside):
            break
        inside.add(index)
        index -= 1
    return index + 1


def _surface_prefix(ent: Entities, start: int) -> int:
    """The words right before a name up to a verb, a comma, a conjunction, another person or
    the sentence start, when the parse splits them off ("North Korea's vice-minister for
    foreign affairs Kim ...")."""
    doc = ent.doc
    index = start - 1
    while index >= 0 and start - index <= 12:
        token = doc[index]
        if token.pos_ in ("VERB", "AUX", "CCONJ") or token.lower_ in ("a", "an"):
            break
        if token.is_punct and token.text not in ("-", "–"):
            break
        if any(ent.kind(p.actor) == "person" for p in ent.at(index)):
            break
        if token.is_sent_start:
            return index
        index -= 1
    return index + 1


def _reaches(token: Token, inside: set[int]) -> bool:
    node = token
    for _ in range(5):
        if node.head.i == node.i or node.pos_ in ("VERB", "AUX"):
            return False
        node = node.head
        if node.i in inside:
            return True
    return False


def _placed_by(ent: Entities, ranges: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """The country and body a person's descriptions name."""
    country = affiliation = None
    for start, end in ranges:
        for placed in sorted((p for p in ent.placed if start <= p.start < end), key=_start):
            kind = ent.kind(placed.actor)
            if not placed.actor or kind in ("media", "person"):
                continue
            if affiliation is None and kind in ("organization", "igo"):
                affiliation = placed.actor
            country = country or ent.country(placed.actor)
    refs = ent.knowledge.references
    for start, _ in ranges if country is None else ():
        nouns = [
            t for t in ent.doc[start:_] if (r := refs.word(t.lower_, "state")) and r.number == 1
        ]
        if nouns:  # "the country's vice minister": the state named last
            state = next(ent.antecedents(start, Wanted(kinds=frozenset({"state"})), 3), None)
            country = state.actor if state is not None else None
    return country, affiliation


def _start(placed: Placed) -> int:
    return placed.start


def _gender(ent: Entities, start: int, ranges: list[tuple[int, int]]) -> str | None:
    refs = ent.knowledge.references
    if start > 0:
        honorific = refs.word(ent.doc[start - 1].lower_, "honorific")
        if honorific is not None and honorific.gender:
            return honorific.gender
    for a, b in ranges:
        for token in ent.doc[a:b]:
            word = refs.word(token.lower_, "person")
            if word is not None and word.gender:
                return word.gender
    return None


def _joined(span: Span) -> str:
    """The span's words as written, without the spaces a tokenizer puts around a hyphen."""
    return re.sub(r"\s*-\s*", "-", " ".join(span.text.split()))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
