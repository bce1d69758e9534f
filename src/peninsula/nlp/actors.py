"""The entity resolver: every actor mention of one document, resolved once, after the parse.

Statements, events and commitments all read the mentions it returns. It runs precision-ordered
sieves over the document (entity-centric, in the style of Stanford's deterministic coreference,
Lee et al. 2013): each sieve resolves what the surer ones left, preferring an actor the
document has already named (`nlp.entities` holds that state).

1. names, aliases, romanisations, metonyms, demonyms, role descriptions with their country
   (`nlp.entity_names.names`);
2. names several actors share, by the country written with them or the article's
   (`institutions`);
3. people the knowledge base lacks, as unverified actors with the title, body, country and
   gender the text gives (`nlp.newcomers`);
4. surnames and titled surnames (`surnames`), then organisations the knowledge base lacks;
5. role descriptions on the document's day ("the defense minister"; `nlp.entity_refs`);
6. bodies ("the ministry", "state media"), 7. their unnamed members ("a JCS official"),
8. groups ("the three ministers", "both sides", "the two", "the presidents of X and Y";
   `nlp.entity_groups`);
9. pronouns with gender and number; "his office";
10. statement nouns that speak ("the joint statement said": its authors).

After the statements are found, `own_words` adds one more: "I", "we", "our" inside a quoted
statement is its speaker ("'We will resume talks,' the minister said": the minister).

Every mention names its sieve in `method`: `name`, `metonymy`, `demonym`, `description`,
`institution`, `ner` (an actor the text introduces), `surname`, `body`, `member`, `group`,
`pronoun`, `office`, `statement`, `self`. A mention of a news outlet is flagged `carrier`.

Domain words come from the knowledge base: names, titles and their ranks, offices, metonyms,
and the referring words of `references.csv` (pronouns, honorifics, nouns for people, bodies,
outlets, statements and states, count words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc

from peninsula.knowledge import Actor, Knowledge
from peninsula.nlp import entity_groups, entity_names, entity_refs, newcomers
from peninsula.nlp.doctext import text_of
from peninsula.nlp.entities import Entities
from peninsula.nlp.quotes import find_quotes
from peninsula.records import Document, Mention, Statement

__all__ = ["ActorFindings", "country_hints", "find_actors", "own_words"]


@dataclass(frozen=True, slots=True)
class ActorFindings:
    mentions: list[Mention]
    new_actors: list[Actor]


def find_actors(
    doc: Doc,
    document_id: str,
    on: date | None,
    knowledge: Knowledge,
    hints: Iterable[str] = (),
) -> ActorFindings:
    """All actor mentions in `doc`, resolved against the knowledge base as of `on`. `hints`
    are states the article is likely about (its dateline, its outlet's country)."""
    ent = Entities(doc, document_id, on, knowledge, tuple(hints))
    ent.quoted = _first_person_quotes(doc, knowledge)
    shared = entity_names.names(ent)
    ent.rank_countries()
    entity_names.institutions(ent, shared)
    newcomers.newcomers(ent, "PERSON")
    ent.rank_countries()
    entity_names.surnames(ent)
    newcomers.newcomers(ent, "ORG")
    entity_refs.descriptions(ent)
    entity_refs.bodies(ent)
    entity_refs.members(ent)
    entity_groups.groups(ent)
    entity_refs.pronouns(ent)
    entity_refs.statements(ent)
    return ActorFindings(ent.mentions(), list(ent.new_actors.values()))


def own_words(
    doc: Doc, statements: Sequence[Statement], mentions: Sequence[Mention], knowledge: Knowledge
) -> list[Mention]:
    """The speaker's words for themself inside a quoted statement ("I", "we", "our"): mentions
    of its speaker (a person, a body or a state). A word another mention already covers, or a
    statement with no speaker, adds nothing."""
    refs = knowledge.references
    taken = {(m.char_start, m.char_end) for m in mentions}
    found: list[Mention] = []
    for statement in statements:
        if statement.speaker is None or statement.kind == "indirect":
            continue
        content = doc.char_span(
            statement.content.start, statement.content.end, alignment_mode="expand"
        )
        for token in content if content is not None else ():
            span = (token.idx, token.idx + len(token))
            if span in taken or refs.word(token.lower_, "self") is None or token.text == "US":
                continue
            taken.add(span)
            speaker = knowledge.actor(statement.speaker)
            carrier = speaker is not None and speaker.kind == "media"
            found.append(
                Mention(
                    statement.document_id, *span, token.text, "", statement.speaker, "self", carrier
                )
            )
    return found


def _first_person_quotes(doc: Doc, knowledge: Knowledge) -> list[tuple[int, int]]:
    """Quotations in their speaker's own words ("I", "we"): a pronoun after one is their
    speaker, never a third person they name."""
    refs = knowledge.references
    text = text_of(doc)
    found = []
    for quote in find_quotes(text):
        words = re.findall(r"[A-Za-z]+", text[quote.inner_start : quote.inner_end])
        if any(refs.word(w.lower(), "self") is not None for w in words if w != "US"):
            found.append((quote.start, quote.end))
    return found


def country_hints(document: Document, knowledge: Knowledge) -> tuple[str, ...]:
    """The states a document's dateline place and outlet point to ("SEOUL" → KOR, an outlet
    the knowledge base lists as a South Korean medium → KOR)."""
    found: list[str] = []
    place = document.dateline.place if document.dateline else None
    for phrase, ids in knowledge.metonyms.items():
        if place and phrase.lower() == place.lower() and len(ids) == 1:
            state = knowledge.state_of(ids[0])
            if state:
                found.append(state)
    outlet = _outlet_name(document, knowledge)
    if outlet:
        for actor in knowledge.actors:
            names = {actor.name.lower(), *(a.lower() for a in actor.aliases)}
            if actor.kind == "media" and actor.country and outlet.lower() in names:
                found.append(actor.country)
                break
    return tuple(dict.fromkeys(found))


def _outlet_name(document: Document, knowledge: Knowledge) -> str | None:
    if not document.outlet:
        return None
    for outlet in knowledge.outlets:
        if outlet.id == document.outlet:
            return outlet.name
    return document.outlet
