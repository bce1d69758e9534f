"""The resolver's name sieves: names and aliases, shared institution names, people and
organisations the knowledge base lacks, and surnames.

1. `names`: a name, alias or romanisation of a known actor; a metonym ("Seoul", "the
   Kremlin", "the two Koreas": both); a demonym before a noun ("North Korean troops"); a role
   with its country ("the South Korean president": the holder on the document's day).
2. `institutions`: a name several actors share ("Joint Chiefs of Staff", "Defense Ministry"):
   the one of the country written with it ("South Korea's", "the South's", "North Korean"),
   else the one the document already named, else the one of the country the article is about.
3. `newcomers`: a person or organisation the parser tags and the knowledge base lacks becomes
   an unverified actor: a person with the title, body and country its apposition or the words
   before it give ("Park Min-ho, spokesman of the South's Defense Ministry"), the gender a
   "Mr."/"Ms." or a gendered title gives; an organisation as `organization`, or `media` when
   its words say it is an outlet ("... News Agency", "... Times").
4. `surnames`: "Lee" or "President Lee" is the person with that family name the document named
   last (most salient first), else the one who holds a role on the day (the title narrows it;
   the most prominent title wins a tie).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Actor, Knowledge
from peninsula.nlp.entities import Entities, Placed, Wanted
from peninsula.nlp.gazetteer import Match, family_first, matches, non_overlapping, surnames_of

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
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_NAME_PARTICLES = frozenset({"von", "der", "van", "de", "da", "bin", "al", "le", "la", "del"})
_CONNECTIVES = frozenset({"of", "and", "for", "the", "on", "in"})


def names(ent: Entities) -> list[tuple[Match, tuple[str, ...]]]:
    """Sieve 1. Returns the shared names, for `institutions` to settle."""
    found = ent.gazetteer
    shared: list[tuple[Match, tuple[str, ...]]] = []
    every = list(matches(ent.doc, found))
    for match in every:
        targets = found.targets.get(match.key, ())
        single = match.method in ("name", "demonym") and len(targets) == 1
        if single and ent.kind(targets[0]) == "state":
            ent.state_words[match.end - 1] = targets[0]
    for match in _best_descriptions(ent, non_overlapping(every), every):
        span = _with_article(ent.doc[match.start : match.end], match.method)
        targets = found.targets.get(match.key, ())
        if match.method == "name" and len(targets) > 1:
            shared.append((match, targets))
            ent.covered.update(range(match.start, match.end))
            continue
        resolved = _resolve(match, span, ent)
        if not resolved and match.method != "description":  # the description sieve retries
            ent.covered.update(range(match.start, match.end))
        for actor_id in resolved:
            ent.add(span.start, span.end, actor_id, match.method)
    return shared


def _best_descriptions(ent: Entities, kept: list[Match], every: list[Match]) -> list[Match]:
    """ "the Russian leader" may be the president or the prime minister: of the descriptions
    on one span, the one with the most prominent title."""
    ranks = ent.knowledge.title_ranks
    descriptions = ent.gazetteer.descriptions
    best: list[Match] = []
    for match in kept:
        if match.method == "description":
            rivals = [
                m
                for m in every
                if m.method == "description" and (m.start, m.end) == (match.start, match.end)
            ]
            match = min(rivals, key=lambda m: ranks.get(descriptions[m.key][0], 9))
        best.append(match)
    return best


def _resolve(match: Match, span: Span, ent: Entities) -> list[str]:
    found = ent.gazetteer
    if match.method == "description":
        if _preceded_by(span, ent.knowledge.time_words.role_negators):
            return []
        title, of = found.descriptions[match.key]
        holders = ent.knowledge.holders(title, of, ent.on) if ent.on else []
        return [holders[0].id] if len(holders) == 1 else []
    if match.method == "metonymy" and len(span) == 1 and _is_place(span):
        return []
    if match.method == "demonym" and not _modifies_noun(span):
        return []
    return list(found.targets[match.key])


def institutions(ent: Entities, shared: list[tuple[Match, tuple[str, ...]]]) -> None:
    """Sieve 2: a name several actors share, by the country written with it, the document's
    earlier mention, or the country the article is about."""
    for match, targets in shared:
        state = ent.qualifier(match.start)
        chosen = ent.in_country(targets, state) if state else []
        if not chosen:
            wanted = Wanted(ids=frozenset(targets))
            earlier = next(ent.antecedents(match.start, wanted), None)
            chosen = [earlier.actor] if earlier is not None else []
        for country in ent.countries if not chosen else ():
            chosen = ent.in_country(targets, country)
            if chosen:
                break
        if not chosen:  # "the Security Council" with no state at hand: the UN's
            chosen = [t for t in targets if ent.country(t) is None][:1]
        if chosen:
            ent.add(match.start, match.end, chosen[0], "institution")


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


# --- sieve 3: newcomers ---------------------------------------------------------------------


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
    if len(words) < 2 and name in _surname_index(ent):
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


# --- sieve 4: surnames ----------------------------------------------------------------------


def surnames(ent: Entities) -> None:
    """ "Lee", "President Lee", "Mr. Kim": the person of that family name named before."""
    index = _surname_index(ent)
    doc, refs = ent.doc, ent.knowledge.references
    for token in doc:
        if token.i in ent.covered or not token.text[:1].isupper() or not token.is_alpha:
            continue
        candidates = index.get(token.text)
        if not candidates:
            continue
        # "No" the surname, not the determiner: only for someone already named, as a subject
        common = token.is_stop and token.tag_ not in ("NNP", "NNPS")
        if common and not _before_a_verb(token):
            continue
        if _first_of_full_name(ent, token):
            continue
        titles = _title_before(ent, token.i)
        before = doc[token.i - 1] if token.i else None
        honorific = refs.word(before.lower_, "honorific") if before is not None else None
        gender = honorific.gender if honorific is not None else None
        wanted = Wanted(ids=frozenset(candidates), titles=titles, gender=gender)
        chosen = next(ent.antecedents(token.i, wanted), None)
        actor_id = chosen.actor if chosen is not None else None
        if actor_id is None and not common:
            later = [p for p in ent.placed if p.start > token.i and wanted.fits(ent, p)]
            actor_id = min(later, key=_start).actor if later else None
        if actor_id is None and not common:
            actor_id = _holder(ent, candidates, titles)
        known = [c for c in candidates if ent.knowledge.actor(c) is not None]
        if actor_id is None and token.ent_type_ == "PERSON" and len(known) == 1:
            actor_id = known[0]  # the only person of that name ("Trump" out of office)
        if actor_id is not None:
            ent.add(token.i, token.i + 1, actor_id, "surname")
            ent.learn_gender(actor_id, gender)


def _before_a_verb(token: Token) -> bool:
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return following is not None and (following.tag_.startswith("VB") or following.text == ",")


def _first_of_full_name(ent: Entities, token: Token) -> bool:
    """ "Kim" in "Kim Su-ji" when the sieves did not know the full name."""
    if token.i + 1 >= len(ent.doc):
        return False
    after = ent.doc[token.i + 1]
    unresolved = after.i not in ent.covered and after.is_title
    return unresolved and after.pos_ == "PROPN" and after.ent_type_ == "PERSON"


def _surname_index(ent: Entities) -> dict[str, tuple[str, ...]]:
    index = dict(ent.gazetteer.surnames)
    for actor in ent.new_actors.values():
        if actor.kind != "person":
            continue
        for surname in surnames_of(actor.name, family_first(actor, ent.knowledge)):
            index[surname] = (*index.get(surname, ()), actor.id)
    return index


def _holder(
    ent: Entities, candidates: tuple[str, ...], titles: frozenset[str] | None
) -> str | None:
    """The one candidate holding a role on the document's day (the title narrows it); a tie
    goes to the more prominent title, then to the country the article is about."""
    if ent.on is None:
        return None
    holding = [
        c
        for c in candidates
        if ent.knowledge.actor(c) is not None
        and any(
            r.holds_on(ent.on) and (titles is None or r.title in titles)
            for r in ent.knowledge.roles_of(c)
        )
    ]
    if len(holding) < 2:
        return holding[0] if holding else None
    best = min(ent.rank(c) for c in holding)
    holding = [c for c in holding if ent.rank(c) == best]
    for country in ent.countries[:1]:
        holding = ent.in_country(holding, country) or holding
    return holding[0] if len(holding) == 1 else None


def _title_before(ent: Entities, index: int) -> frozenset[str] | None:
    """The titles the one to three words before a name can mean ("President", "Foreign
    Minister"), or None when no title stands there."""
    phrases = ent.gazetteer.title_phrases
    for width in (3, 2, 1):
        if index - width < 0:
            continue
        words = ent.doc[index - width : index].text.lower().replace(" - ", "-")
        if words in phrases:
            return phrases[words]
    return None
