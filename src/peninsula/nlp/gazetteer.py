"""The names the knowledge base gives, as spaCy phrase matchers, built once per knowledge base.

- `names`: every actor's name and aliases, with the spellings romanised names take without
  their hyphen ("Chung Dong-young" is also "Chung Dongyoung"); a phrase that several actors
  share ("Defense Ministry", "Joint Chiefs of Staff") keeps all of them, for the resolver to
  choose by the country the text gives;
- demonyms of states and IGOs ("South Korean troops"), metonyms ("Seoul", "the Kremlin");
- role descriptions with a country: "<demonym or country> <title word>" ("the South Korean
  president"), matched ignoring case;
- the surname of every person (family name first where the state's `name_order` says so);
- the title words: the lower-case words of `titles.csv` and, for their last word alone
  ("minister"), every title with such a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from peninsula.knowledge import Actor, Knowledge

METHOD_RANK = {"name": 5, "metonymy": 4, "description": 3, "demonym": 2}


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # token indices
    end: int
    method: str
    key: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: Any  # PhraseMatcher on exact spelling
    lowered: Any  # PhraseMatcher ignoring case, for descriptions
    targets: dict[str, tuple[str, ...]]
    descriptions: dict[str, tuple[str, str]]  # key -> (title, of)
    surnames: dict[str, tuple[str, ...]]  # surname -> person ids
    title_phrases: dict[str, frozenset[str]]  # "defense minister" -> titles
    title_heads: dict[str, frozenset[str]]  # "minister" -> titles with an alias ending in it
    # The last word of each alias without "of": a bare one ("the minister", "the president")
    # may refer to a person named with the title; "state" (of "head of state") may not.
    title_nouns: dict[str, frozenset[str]]


@cache
def gazetteer(knowledge: Knowledge, vocab: Any) -> Gazetteer:
    names = PhraseMatcher(vocab, attr="ORTH")
    lowered = PhraseMatcher(vocab, attr="LOWER")
    tokenizer = _Tokenize(vocab)
    by_phrase: dict[str, list[str]] = {}
    targets: dict[str, tuple[str, ...]] = {}
    for actor in knowledge.actors:
        for phrase in _spellings(actor):
            ids = by_phrase.setdefault(phrase, [])
            if actor.id not in ids:
                ids.append(actor.id)
        if actor.demonyms:
            key = f"demonym:{actor.id}"
            targets[key] = (actor.id,)
            names.add(key, [tokenizer(d) for d in actor.demonyms if d not in actor.aliases])
    for phrase, ids in by_phrase.items():
        key = f"name:{phrase}"
        targets[key] = tuple(ids)
        names.add(key, [tokenizer(phrase)])
    for phrase, stands_for in knowledge.metonyms.items():
        key = f"metonymy:{phrase}"
        targets[key] = stands_for
        forms = {phrase, phrase[:1].upper() + phrase[1:]}  # "the North", "The North"
        names.add(key, [tokenizer(f) for f in forms])
    descriptions: dict[str, tuple[str, str]] = {}
    for title, of in {(r.title, r.of) for r in knowledge.roles}:
        owner = knowledge.actor(of)
        if owner is None:
            continue
        title_words = knowledge.titles.get(title, ()) or (title.lower(),)
        key = f"description:{title}|{of}"
        descriptions[key] = (title, of)
        adjectives = (*owner.demonyms, owner.name)
        described = [f"{adj} {word}" for adj in adjectives for word in title_words]
        lowered.add(key, [tokenizer(p) for p in described])
    phrases: dict[str, set[str]] = {}
    heads: dict[str, set[str]] = {}
    nouns: dict[str, set[str]] = {}
    for title, aliases in knowledge.titles.items():
        for alias in (*aliases, title.lower()):
            phrases.setdefault(alias, set()).add(title)
            heads.setdefault(re.split(r"[\s-]+", alias)[-1], set()).add(title)
            if " of " not in f" {alias} ":
                nouns.setdefault(re.split(r"[\s-]+", alias)[-1], set()).add(title)
    return Gazetteer(
        names,
        lowered,
        targets,
        descriptions,
        _surnames(knowledge.actors, knowledge),
        {k: frozenset(v) for k, v in phrases.items()},
        {k: frozenset(v) for k, v in heads.items()},
        {k: frozenset(v) for k, v in nouns.items()},
    )


def _spellings(actor: Actor) -> list[str]:
    """The name, the aliases, each hyphenated romanised name without its hyphen, and each
    name with a straight apostrophe also with a curly one ("Workers’ Party")."""
    found = list(dict.fromkeys((actor.name, *actor.aliases)))
    if actor.kind == "person":
        for name in list(found):
            joined = re.sub(r"(\w)-(\w)", lambda m: m.group(1) + m.group(2).lower(), name)
            if joined != name and joined not in found:
                found.append(joined)
    found += [n.replace("'", "’") for n in found if "'" in n]
    return found


def _surnames(actors: Iterable[Actor], knowledge: Knowledge) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for actor in actors:
        if actor.kind != "person":
            continue
        for name in {actor.name, *actor.aliases}:
            for surname in surnames_of(name, family_first(actor, knowledge)):
                ids = found.setdefault(surname, [])
                if actor.id not in ids:
                    ids.append(actor.id)
    return {k: tuple(v) for k, v in found.items()}


def family_first(actor: Actor, knowledge: Knowledge) -> bool | None:
    """Whether the actor's romanised name puts the family name first: by the state's
    `name_order`; None when the actor has no known state."""
    state = knowledge.actor(actor.country) if actor.country else None
    return None if state is None else state.family_name_first


def surnames_of(name: str, first: bool | None) -> tuple[str, ...]:
    """The family name: the first word where the state's `name_order` says so (Lee Jae Myung,
    Kim Jong-un → Kim), else the last (Donald Trump); both when the order is unknown."""
    parts = [p for p in re.split(r"\s+", name.strip()) if p]
    if len(parts) < 2:
        return ()
    head, tail = parts[0].split("-")[0], parts[-1]
    if tail.endswith(".") or tail.lower() in ("jr", "jr.", "sr.", "iii", "ii"):
        tail = parts[-2] if len(parts) > 2 else tail
    if first is None:
        return tuple(dict.fromkeys((head, tail)))
    return (head,) if first else (tail,)


class _Tokenize:
    """Phrase patterns tokenised the way documents are, without running the whole pipeline."""

    def __init__(self, vocab: Any) -> None:
        from spacy.lang.en import English

        self._nlp = English(vocab=vocab)

    def __call__(self, text: str) -> Doc:
        return self._nlp.make_doc(text)


def matches(doc: Doc, found: Gazetteer) -> Iterator[Match]:
    for matcher in (found.names, found.lowered):
        for match_id, start, end in matcher(doc):
            key = doc.vocab.strings[match_id]
            method = key.split(":", 1)[0]
            if method == "description" and not doc[start].text[:1].isupper():
                continue  # "the UN leader" / "South Korean president": the adjective is a name
            yield Match(start, end, method, key)


def non_overlapping(found: Iterable[Match]) -> list[Match]:
    """Longest first, then the surer method. A description just before a name is its title."""
    ordered = sorted(found, key=lambda m: (-(m.end - m.start), -METHOD_RANK[m.method], m.start))
    taken: set[int] = set()
    kept: list[Match] = []
    for match in ordered:
        if taken.isdisjoint(range(match.start, match.end)):
            kept.append(match)
            taken.update(range(match.start, match.end))
    kept.sort(key=lambda m: m.start)
    name_starts = {m.start for m in kept if m.method == "name"}
    return [m for m in kept if not (m.method == "description" and m.end in name_starts)]
