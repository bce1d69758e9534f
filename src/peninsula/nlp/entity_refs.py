"""The resolver's reference sieves: descriptions, bodies and their members, groups, pronouns
and statements. Each resolves words that do not name an actor to one the document named.

5. `descriptions`: a title in a definite phrase ("the defense minister", "the Russian
   leader", "North Korea's foreign minister") is the person the document named last with that
   title (and that country, when one is written); else the holder on the document's day in
   the country written, or the country the article is about. A bare title word ("the
   minister") only ever means someone named before; so does a qualified person noun ("the
   Russian diplomat").
6. `bodies`: "the ministry", "the military", "state media": the body or outlet the document
   named last with that word in its name; else the one such body of the country written or
   the article's country (the regime, the military, state media), when there is just one.
7. `members`: "a JCS official", "a ministry spokesman", "an official of the Foreign Ministry",
   "a South Korean official": an unnamed member speaks for the body (for a state, its
   government).
8. `groups` (`nlp.entity_groups`).
9. `pronouns`: he/she is the most salient person before it of a compatible gender (the text's
   pronoun also tells the gender of a person it introduced); "his office" is that person's
   office; it/they, as the one who speaks ("It added", "they said") or owns ("its statement"),
   is the authors of the statement just mentioned, else the body (it) or group (they) named
   last.
10. `statements`: a statement noun that speaks ("the joint statement said", "her statement
   dismissing the offer") is its authors: its owner, its "by", or the subject that issued it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from spacy.tokens import Doc, Token

from peninsula.knowledge import Knowledge
from peninsula.nlp.entities import Entities, Placed, Wanted

_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_INDEFINITE = frozenset({"a", "an", "another", "one", "some", "any"})
_OTHER = frozenset({"other", "either", "neither", "opposing", "third"})
_OWNER_PREPS = frozenset({"of", "at", "from", "in", "with", "for"})
_AUTHOR_PREPS = frozenset({"by", "from", "of"})
SPEAKING_DEPS = frozenset({"nsubj", "nsubjpass"})
_NON_PERSON = frozenset({"organization", "igo", "state", "media", "group"})
PERSON = frozenset({"person"})
_BODIES = frozenset({"organization", "igo", "media"})
PRONOUN_WINDOW = 4  # sentences a he/she looks back
IT_WINDOW = 2


# --- sieve 5: descriptions ------------------------------------------------------------------


def descriptions(ent: Entities) -> None:
    doc, gaz, refs = ent.doc, ent.gazetteer, ent.knowledge.references
    negators = ent.knowledge.time_words.role_negators
    for token in doc:
        if token.i in ent.covered or token.pos_ not in ("NOUN", "PROPN") or plural(token):
            continue
        start, titles = _title_phrase(ent, token)
        bare = generic = False
        if titles is None:
            titles = gaz.title_nouns.get(token.lower_)
            bare = titles is not None
            generic = not bare and refs.word(token.lower_, "person") is not None
            if not bare and not generic:
                continue
        if _names_follow(ent, token):
            named = ent.actors_at(token.i + 1)
            if named and not bare and not generic:  # "Minister of Unification Chung": his
                ent.add(start, token.i + 1, named[0], "title")
            continue
        if _has_named_apposition(ent, token):
            continue
        before = [*doc[max(0, start - 2) : start], *(t for t in token.subtree if t.i < start)]
        if any(t.lower_.strip("-") in negators for t in before):
            continue  # "the former South Korean president"
        state = ent.qualifier(start)
        if not _definite(doc, start) and state is None:
            continue
        if generic and state is None:
            continue

        wanted = Wanted(kinds=PERSON, country=state, titles=titles)
        chosen = next(ent.antecedents(token.i, wanted, 3 if generic else None), None)
        actor_id = chosen.actor if chosen is not None else None
        specific = state is not None or start < token.i or _is_title_name(token, titles)
        if actor_id is None and not bare and titles is not None and specific:
            actor_id = holder_of(ent, titles, state)
        if actor_id is not None:
            ent.add(_with_determiner(doc, start), token.i + 1, actor_id, "description")


def _title_phrase(ent: Entities, token: Token) -> tuple[int, frozenset[str] | None]:
    """The longest title phrase ending at `token` ("vice foreign minister") and its titles."""
    phrases = ent.gazetteer.title_phrases
    doc = ent.doc
    if token.lower_ not in ent.gazetteer.title_heads:
        return token.i, None
    for width in (5, 4, 3, 2, 1):
        start = token.i - width + 1
        if start < 0:
            continue
        words = doc[start : token.i + 1].text.lower().replace(" - ", "-").replace("-", " ")
        for form in (words, doc[start : token.i + 1].text.lower().replace(" - ", "-")):
            if form in phrases:
                return start, phrases[form]
    return token.i, None


def _is_title_name(token: Token, titles: frozenset[str] | None) -> bool:
    return titles is not None and token.lower_ in {t.lower() for t in titles}


def holder_of(ent: Entities, titles: frozenset[str], state: str | None) -> str | None:
    """The holder on the day of one of `titles` in `state`, else in the first of the article's
    countries that has such a post at all (a post vacant on the day is no one, not another
    country's); the most prominent title wins a tie; None when still several."""
    if ent.on is None:
        return None
    ranks = ent.knowledge.title_ranks
    for country in [state] if state else ent.countries:
        roles = [
            r
            for r in ent.knowledge.roles
            if r.title in titles and ent.knowledge.state_of(r.of, ent.on) == country
        ]
        if not roles:
            continue
        holders: dict[str, int] = {}
        for role in roles:
            if role.holds_on(ent.on):
                rank = ranks.get(role.title, 9)
                holders[role.actor] = min(rank, holders.get(role.actor, 9))
        best = min(holders.values(), default=0)
        top = [a for a, r in holders.items() if r == best]
        return top[0] if len(top) == 1 else None
    return None


def _names_follow(ent: Entities, token: Token) -> bool:
    """ "defense minister Ahn", "spokesman Park Min-ho": the title of the name after it."""
    following = token.i + 1
    if following >= len(ent.doc):
        return False
    after = ent.doc[following]
    if any(ent.kind(p.actor) == "person" for p in ent.at(following) if p.actor):
        return True
    return after.pos_ == "PROPN" and after.is_title and after.ent_type_ == "PERSON"


def _has_named_apposition(ent: Entities, token: Token) -> bool:
    return any(
        c.dep_ == "appos" and any(ent.kind(a) == "person" for a in ent.actors_at(c.i))
        for c in token.children
    )


def _definite(doc: Doc, start: int) -> bool:
    if start == 0:
        return False
    before = doc[start - 1]
    if before.lower_ in _DEFINITE or before.text in ("'s", "’s", "'"):
        return True
    return before.pos_ in ("ADJ",) and start > 1 and doc[start - 2].lower_ in _DEFINITE


def _with_determiner(doc: Doc, start: int) -> int:
    index = start
    while index > 0 and (doc[index - 1].pos_ in ("ADJ",) or doc[index - 1].lower_ == "the"):
        if doc[index - 1].lower_ == "the":
            return index - 1
        index -= 1
    return start


def plural(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS")


# --- sieve 6: bodies ------------------------------------------------------------------------


def bodies(ent: Entities) -> None:
    doc, refs = ent.doc, ent.knowledge.references
    for token in doc:
        if token.i in ent.covered or token.pos_ not in ("NOUN", "PROPN"):
            continue
        ref = refs.of(_words_to(doc, token))
        if ref is None or ref.kind not in ("body", "media") or token.ent_type_ == "ORG":
            continue
        if plural(token) and ref.kind != "media":  # "media" is plural itself
            continue
        if _continues(ent, token):  # "news" in "news agency": the phrase ends later
            continue
        start = token.i - len(ref.phrase.split()) + 1
        if ent.covered.intersection(range(start, token.i)):
            continue
        named = _named_just_before(ent, start)
        if named is not None:  # "the Harbor News news agency": the outlet itself
            ent.add(start, token.i + 1, named, "body")
            continue
        left = _phrase_start(token, start)
        if doc[left].lower_ in _INDEFINITE or any(t.lower_ in _OTHER for t in doc[left:start]):
            continue  # "a ministry", "the other party" (a counterpart, no party of the text)
        state = ent.qualifier(start) or _state_within(ent, left, start)
        definite = _definite(doc, start) or any(
            t.lower_ in _DEFINITE or t.dep_ == "poss" for t in doc[left:start]
        )
        if state is None and not definite and ref.kind != "media":
            continue
        actor_id = None
        for words in _body_words(ent, token, start, ref.phrase):
            actor_id = _body_named(ent, token, words, state)
            if actor_id is not None:
                break
        if actor_id is not None:
            ent.add(left, token.i + 1, actor_id, "body")


def _continues(ent: Entities, token: Token) -> bool:
    following = token.i + 1
    if following >= len(ent.doc):
        return False
    longer = ent.knowledge.references.of(_words_to(ent.doc, ent.doc[following]))
    return longer is not None and len(longer.phrase.split()) > 1 and longer.kind == "media"


def _phrase_start(token: Token, start: int) -> int:
    """Where the noun phrase of a body word begins: "the Chinese foreign ministry"."""
    lefts = [c.left_edge.i for c in token.lefts if c.i < start]
    return min([start, *lefts])


def _state_within(ent: Entities, left: int, start: int) -> str | None:
    """A state named inside the phrase before its head ("the Chinese foreign ministry")."""
    for index in range(left, start):
        if index in ent.state_words:
            return ent.state_words[index]
        for placed in ent.at(index):
            if ent.kind(placed.actor) == "state":
                return placed.actor
    return None


def _body_named(ent: Entities, token: Token, words: str, state: str | None) -> str | None:
    """The body named before with `words` in its name, else the one such body of the state
    written or of the article's countries in turn."""
    wanted = Wanted(kinds=_BODIES, country=state, words=words)
    chosen = next(ent.antecedents(token.i, wanted), None)
    if chosen is not None:
        return chosen.actor
    for country in [state] if state else ent.countries:
        found = _bodies_named_with(ent.knowledge, words, country)
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _body_words(ent: Entities, token: Token, start: int, phrase: str) -> list[str]:
    """ "the Chinese foreign ministry": "foreign ministry", then "ministry"."""
    words = [
        t.lower_
        for t in ent.doc[max(0, start - 3) : start]
        if t.head.i in range(start, token.i + 1)
        and t.pos_ in ("NOUN", "PROPN", "ADJ")
        and t.i not in ent.state_words
        and not ent.at(t.i)
    ]
    return [" ".join([*words, phrase]), phrase] if words else [phrase]


def _named_just_before(ent: Entities, start: int) -> str | None:
    """The organisation or outlet named right before a body word ("the Harbor News news
    agency", "KCNA state news agency")."""
    if start == 0:
        return None
    for placed in ent.at(start - 1):
        if placed.end == start and ent.kind(placed.actor) in ("organization", "media", "igo"):
            return placed.actor
    return None


def _words_to(doc: Doc, token: Token) -> list[str]:
    return [t.lower_ for t in doc[max(0, token.i - 3) : token.i + 1]]


@cache
def _bodies_named_with(knowledge: Knowledge, words: str, country: str) -> tuple[str, ...]:
    """The bodies of `country` with `words` in a name; a sub-body gives way to its parent
    ("the party": the Workers' Party, not its Central Military Commission)."""
    found = [
        a
        for a in knowledge.actors
        if a.kind in ("organization", "media")
        and a.country == country
        and any(_has_words(n, words) for n in (a.name, *a.aliases))
    ]
    ids = {a.id for a in found}
    return tuple(a.id for a in found if a.parent not in ids)


def _has_words(name: str, words: str) -> bool:
    return f" {words} " in f" {name.lower()} "


# --- sieve 7: members -----------------------------------------------------------------------


def members(ent: Entities) -> None:
    doc, refs = ent.doc, ent.knowledge.references
    for token in doc:
        if token.i in ent.covered or token.pos_ != "NOUN":
            continue
        ref = refs.word(token.lower_, "person")
        if ref is None or not ref.member:
            continue
        if _names_follow(ent, token) or _has_named_apposition(ent, token):
            continue
        body = _body_of(ent, token)
        if body is not None:
            ent.add(token.i, token.i + 1, body, "member")


def _body_of(ent: Entities, token: Token) -> str | None:
    owners = [c for c in token.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
    owners = [c for c in owners if c.i < token.i]
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in _OWNER_PREPS:
            owners += [c for c in prep.children if c.dep_ == "pobj"]
    for owner in owners:
        for actor_id in ent.actors_at(owner.i):
            kind = ent.kind(actor_id)
            if kind in ("organization", "igo"):
                return actor_id
            if kind == "state":
                state = ent.knowledge.actor(actor_id)
                return (state.government if state is not None else None) or actor_id
    return None


# --- sieve 9: pronouns ----------------------------------------------------------------------


def pronouns(ent: Entities) -> None:
    doc, refs = ent.doc, ent.knowledge.references
    for token in doc:
        ref = refs.word(token.lower_, "pronoun")
        if ref is None or token.i in ent.covered:
            continue
        if ref.gender:
            _person_pronoun(ent, token, ref.gender)
        elif _speaks_or_owns(ent, token):
            found = _authors_before(ent, token, ref.number)
            if not found:
                found = _body_before(ent, token) if ref.number == 1 else _group_before(ent, token)
            for actor_id in found:
                ent.add(token.i, token.i + 1, actor_id, "pronoun")


def _person_pronoun(ent: Entities, token: Token, gender: str) -> None:
    wanted = Wanted(kinds=PERSON, gender=gender, methods_not=frozenset({"group"}))
    person = _cataphora(ent, token, wanted)
    if person is None:
        chosen = next(_outside_quotes(ent, token, wanted, PRONOUN_WINDOW), None)
        person = chosen.actor if chosen is not None else None
    if person is None:
        return
    nearby = {p.actor for p in ent.antecedents(token.i, Wanted(kinds=PERSON), 1)}
    if nearby == {person}:  # the only person just before: the pronoun tells their gender
        ent.learn_gender(person, gender)
    after = ent.doc[token.i + 1] if token.i + 1 < len(ent.doc) else None
    if token.lower_ in ("his", "her") and after is not None and after.lower_ == "office":
        office = _office_of(ent, person)
        if office:
            ent.add(token.i, token.i + 2, office, "office")
            return
    ent.add(token.i, token.i + 1, person, "pronoun")


def _outside_quotes(ent: Entities, token: Token, wanted: Wanted, window: int) -> Iterator[Placed]:
    """Antecedents of a pronoun; for one outside quotation marks, none inside them ("'Lee
    and I agreed,' he wrote": he is not Lee)."""
    inside = ent.in_quote(token.idx)
    for placed in ent.antecedents(token.i, wanted, window):
        if inside or not ent.in_quote(placed.mention.char_start):
            yield placed


def _cataphora(ent: Entities, token: Token, wanted: Wanted) -> str | None:
    """ "In his speech, Lee said": a pronoun in a fronted phrase is the subject after it."""
    root = token.sent.root
    if token.i >= root.i:
        return None
    for subject in (t for t in root.children if t.dep_ in SPEAKING_DEPS and t.i > token.i):
        for placed in ent.at(subject.i):
            if wanted.fits(ent, placed):
                return placed.actor
    return None


def _office_of(ent: Entities, person: str) -> str | None:
    for role in ent.knowledge.roles_of(person):
        if ent.on is None or role.holds_on(ent.on):
            office = ent.knowledge.offices.get((role.title, role.of))
            if office:
                return office
    return None


def _speaks_or_owns(ent: Entities, token: Token) -> bool:
    """ "It added", "they said", "its statement": a pronoun that speaks or owns what is said,
    never an "it" that stands for a thing ("it was fired")."""
    if token.dep_ == "poss":
        return _is_statement(ent, token.head)
    if token.dep_ != "nsubj":  # "if it is attacked": spoken of, not speaking
        return False
    verb = token.head
    return verb.lemma_.lower() in ent.knowledge.speech.by_word


def _is_statement(ent: Entities, token: Token) -> bool:
    ref = ent.knowledge.references.of(_words_to(ent.doc, token))
    return ref is not None and ref.kind == "statement"


def _authors_before(ent: Entities, token: Token, number: int) -> list[str]:
    """The authors of the statement noun named last, within two sentences."""
    here = ent.sentence(token.i)
    for index in range(token.i - 1, -1, -1):
        if ent.sentence(index) < here - IT_WINDOW:
            break
        candidate = ent.doc[index]
        if candidate.pos_ == "NOUN" and _is_statement(ent, candidate):
            authors = authors_of(ent, candidate)
            if authors and (number == 1 or len(authors) > 1):
                return list(authors)
            if authors:
                return []
    return []


def _body_before(ent: Entities, token: Token) -> list[str]:
    for placed in _outside_quotes(ent, token, Wanted(kinds=_NON_PERSON), IT_WINDOW):
        if not _shared_span(ent, placed):
            return [placed.actor]
    return []


def _group_before(ent: Entities, token: Token) -> list[str]:
    for placed in _outside_quotes(ent, token, Wanted(), IT_WINDOW):
        if _shared_span(ent, placed):
            span = (placed.start, placed.end)
            return list(dict.fromkeys(p.actor for p in ent.placed if (p.start, p.end) == span))
    return []


def _shared_span(ent: Entities, placed: Placed) -> bool:
    return any(
        p is not placed and (p.start, p.end) == (placed.start, placed.end) for p in ent.placed
    )


# --- sieve 10: statements -------------------------------------------------------------------


def statements(ent: Entities) -> None:
    doc, speech = ent.doc, ent.knowledge.speech.by_word
    for token in doc:
        if token.i in ent.covered or token.pos_ != "NOUN":
            continue
        # "the statement said"; "Kim's statement dismissing the offer" (its owner only)
        speaks = token.dep_ in SPEAKING_DEPS
        if not speaks and not any(
            c.dep_ == "acl" and c.lemma_.lower() in speech for c in token.children
        ):
            continue
        if not _is_statement(ent, token):
            continue
        authors = authors_of(ent, token)
        if speaks and not authors:
            authors = tuple(_authors_before(ent, token, 1))
        for actor_id in authors:
            ent.add(token.left_edge.i, token.i + 1, actor_id, "statement")


def authors_of(ent: Entities, noun: Token) -> tuple[str, ...]:
    """Who issued a statement noun: its owner ("their joint statement", "the ministry's
    statement"), a body before it ("a Foreign Ministry statement"), its "by"/"from", or the
    subject of the verb it is the object of ("the ministers issued a statement")."""
    found: list[str] = []
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "nmod", "amod") and child.i < noun.i:
            found += _speakers_at(ent, child)
        if child.dep_ == "prep" and child.lower_ in _AUTHOR_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found += _speakers_at(ent, obj)
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    if not found and noun.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB":
        for subject in (c for c in verb.children if c.dep_ in SPEAKING_DEPS):
            found += _speakers_at(ent, subject)
    return tuple(dict.fromkeys(found))


def _speakers_at(ent: Entities, token: Token) -> Iterator[str]:
    """The actors a phrase names, with its conjuncts ("Seoul and Tokyo"), outlets aside."""
    for actor_id in ent.actors_at(token.i):
        if ent.kind(actor_id) != "media":
            yield actor_id
    for child in token.children:
        if child.dep_ == "conj":
            yield from _speakers_at(ent, child)
