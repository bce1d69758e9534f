"""The resolver's sieve 8, groups: words for several actors at once.

- "the three ministers", "the two leaders", "both sides": the last N people (with such a
  title) or states the document named;
- "the two", "both" on their own as a subject ("the two agreed"): the last two people named in
  the sentence or the one before, else the last two states;
- "the presidents of Chile and Peru", "the foreign ministers of Japan and China":
  the holder of the title in each state named (all of them, or no one).
"""

from __future__ import annotations

from spacy.tokens import Token

from peninsula.nlp.entities import Entities, Wanted
from peninsula.nlp.entity_refs import PERSON, SPEAKING_DEPS, holder_of, plural


def groups(ent: Entities) -> None:
    doc, refs, gaz = ent.doc, ent.knowledge.references, ent.gazetteer
    for token in doc:
        if token.i not in ent.covered and _bare_count(ent, token):
            _bare_group(ent, token)
        if token.i in ent.covered or token.pos_ != "NOUN" or not plural(token):
            continue
        ref = refs.word(token.lower_, "person") or refs.word(token.lower_, "state")
        if ref is None or ref.number < 2:
            continue
        count, start = _count(ent, token)
        if count is None:
            _holders_of_states(ent, token, start)
            continue
        if ref.kind == "person":
            wanted = Wanted(kinds=PERSON, titles=gaz.title_nouns.get(token.lemma_.lower()))
            found = _recent(ent, token.i, wanted, count)
        else:
            found = _recent_states(ent, token.i, count)
        if len(found) == count:
            for actor_id in found:
                ent.add(start, token.i + 1, actor_id, "group")


def _holders_of_states(ent: Entities, token: Token, start: int) -> None:
    """ "the presidents of Chile and Peru", "the foreign ministers of Japan and
    China": the holder of the title in each state named after "of" (all of them, or none)."""
    phrases, head = ent.gazetteer.title_phrases, token.lemma_.lower()
    titles = None
    for first in range(max(start, token.i - 3), token.i + 1):
        words = [t.lower_ for t in ent.doc[first : token.i]]
        titles = phrases.get(" ".join([*words, head]).replace("-", " "))
        if titles:
            break
    prep = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
    if not titles or prep is None:
        return
    states: list[str] = []
    for obj in (c for c in prep.children if c.dep_ == "pobj"):
        for node in (obj, *(c for c in obj.conjuncts if c.i > obj.i)):
            ids = [a for a in ent.actors_at(node.i) if ent.kind(a) == "state"]
            states += ids[:1]
    holders = [holder_of(ent, titles, state) for state in dict.fromkeys(states)]
    if len(holders) >= 2 and all(holders):
        for holder in dict.fromkeys(holders):
            if holder:
                ent.add(start, token.i + 1, holder, "group")


def _bare_count(ent: Entities, token: Token) -> bool:
    """A count word that is a subject on its own: "the two agreed", "both said"."""
    number = ent.knowledge.references.word(token.lower_, "number")
    if number is None or number.number < 2 or token.dep_ not in SPEAKING_DEPS:
        return False
    if token.lower_ == "both":
        return token.pos_ in ("PRON", "DET")
    return token.pos_ == "NUM" and any(c.lower_ == "the" for c in token.lefts)


def _bare_group(ent: Entities, token: Token) -> None:
    """ "the two": the last people named (two of them, in the sentence or the one before),
    else the last states."""
    count = ent.knowledge.references.word(token.lower_, "number")
    if count is None:
        return
    start = min(c.i for c in token.lefts) if any(True for _ in token.lefts) else token.i
    here = ent.sentence(token.i)
    near = Wanted(kinds=PERSON)
    people = [p for p in ent.antecedents(token.i, near, window=1) if ent.sentence(p.start) <= here]
    found = list(dict.fromkeys(p.actor for p in sorted(people, key=lambda p: -p.start)))
    if len(found) < count.number:
        found = _recent_states(ent, token.i, count.number)
    if len(found) >= count.number:
        for actor_id in found[: count.number]:
            ent.add(start, token.i + 1, actor_id, "group")


def _count(ent: Entities, token: Token) -> tuple[int | None, int]:
    refs = ent.knowledge.references
    start = token.i
    count = None
    for child in token.lefts:
        number = refs.word(child.lower_, "number")
        if number is not None and child.dep_ in ("nummod", "det", "predet", "amod", "quantmod"):
            count = number.number
        start = min(start, child.i)
    return count, start


def _recent(ent: Entities, token: int, wanted: Wanted, count: int) -> list[str]:
    """The last `count` different actors named before `token` that are what is `wanted`."""
    found: list[str] = []
    for placed in sorted(ent.placed, key=lambda p: -p.start):
        fresh = placed.end <= token and placed.actor not in found
        if fresh and wanted.fits(ent, placed):
            found.append(placed.actor)
        if len(found) == count:
            break
    return found


def _recent_states(ent: Entities, token: int, count: int) -> list[str]:
    found: list[str] = []
    for placed in sorted(ent.placed, key=lambda p: -p.start):
        if placed.end > token or not placed.actor or ent.kind(placed.actor) == "media":
            continue
        state = ent.country(placed.actor)
        if state and state not in found:
            found.append(state)
        if len(found) == count:
            break
    return found
