"""The resolver's name sieves: names and aliases, shared institution names, and surnames
(people and organisations the knowledge base lacks are `nlp.newcomers`).

1. `names`: a name, alias or romanisation of a known actor; a metonym ("Seoul", "the
   Kremlin", "the two Koreas": both); a demonym before a noun ("North Korean troops"); a role
   with its country ("the South Korean president": the holder on the document's day).
2. `institutions`: a name several actors share ("Joint Chiefs of Staff", "Defense Ministry"):
   the one of the country written with it ("South Korea's", "the South's", "North Korean"),
   else the one the document already named, else the one of the country the article is about.
3. (`nlp.newcomers`: people and organisations the knowledge base lacks.)
4. `surnames`: "Lee" or "President Lee" is the person with that family name the document named
   last (most salient first), else the one who holds a role on the day (the title narrows it;
   the most prominent title wins a tie).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from peninsula.nlp.entities import Entities, Wanted
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


# --- sieve 4: surnames ----------------------------------------------------------------------


def surnames(ent: Entities) -> None:
    """ "Lee", "President Lee", "Mr. Kim": the person of that family name named before."""
    index = surname_index(ent)
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
            actor_id = min(later, key=lambda p: p.start).actor if later else None
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


def surname_index(ent: Entities) -> dict[str, tuple[str, ...]]:
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
