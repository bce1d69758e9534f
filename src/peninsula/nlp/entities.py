"""The entity resolver's view of one document: the actors it has named so far, where, and how.

The sieves of `nlp.actors` fill one `Entities` per document, most precise first; each later
sieve resolves a mention to an actor the document has already named where it can (entity-
centric, in the style of Stanford's deterministic coreference, Lee et al. 2013). The state
holds what they share:

- the mentions found so far, each with its tokens, its sentence and its grammatical role, and
  the actors the document introduces (people and organisations the knowledge base lacks);
- `antecedents`: the mentions before a token, most salient first: the token's own sentence
  (its subjects, then the closest), then the sentences before it (subjects, then objects, then
  the rest, each left to right);
- `countries`: the states the article is about, most mentioned first (a hint from the
  dateline or outlet counts too): the country of an unqualified "Defense Ministry" or "the
  defense minister";
- what each actor is: its kind, country, gender and the titles it holds on the document's day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge import Actor, Knowledge
from peninsula.nlp.doctext import text_of
from peninsula.nlp.gazetteer import Gazetteer, gazetteer
from peninsula.records import Mention

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_OBJECTS = frozenset({"dobj", "dative", "attr", "oprd", "agent", "ROOT"})
HINT_WEIGHT = 2


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention with its tokens: `start`/`end` token indices, `root` its head token."""

    mention: Mention
    start: int
    end: int
    root: int
    sentence: int
    role: int  # 0 subject, 1 object, 2 anything else

    @property
    def actor(self) -> str:
        return self.mention.actor_id or ""


@dataclass(frozen=True, slots=True)
class Wanted:
    """What an antecedent must be; None leaves a property free. `gender` only excludes the
    other gender (an actor of unknown gender fits); `words` must be in its name or an alias."""

    ids: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    country: str | None = None
    titles: frozenset[str] | None = None
    gender: str | None = None
    words: str | None = None
    methods_not: frozenset[str] = frozenset()

    def fits(self, ent: Entities, placed: Placed) -> bool:
        actor = placed.actor
        if not actor or placed.mention.method in self.methods_not:
            return False
        if self.ids is not None and actor not in self.ids:
            return False
        if self.kinds is not None and ent.kind(actor) not in self.kinds:
            return False
        if self.country is not None and ent.country(actor) != self.country:
            return False
        if self.gender is not None and ent.gender(actor) not in (None, self.gender):
            return False
        if self.titles is not None and not self.titles & ent.titles(actor):
            return False
        return self.words is None or ent.named_with(actor, self.words)


@dataclass(slots=True)
class Entities:
    doc: Doc
    document_id: str
    on: date | None
    knowledge: Knowledge
    hints: tuple[str, ...] = ()
    placed: list[Placed] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)
    new_actors: dict[str, Actor] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    # Words that name a state ("South Korea", "Russian"), by the token they end at, even where
    # a longer match took them ("the Russian leader"): they qualify what follows.
    state_words: dict[int, str] = field(default_factory=dict)
    # Character ranges of the quotations: a pronoun outside them never means a name inside.
    quoted: list[tuple[int, int]] = field(default_factory=list)
    _sentence_of: list[int] = field(default_factory=list)
    text: str = ""  # the document's text, read once (spaCy rebuilds it on each access)
    memo: dict[str, frozenset[str]] = field(default_factory=dict)  # per-document caches

    def __post_init__(self) -> None:
        self.text = text_of(self.doc)
        index = 0
        starts = {s.start for s in self.doc.sents} if self.doc.has_annotation("SENT_START") else {0}
        for token in self.doc:
            if token.i in starts and token.i:
                index += 1
            self._sentence_of.append(index)

    @property
    def gazetteer(self) -> Gazetteer:
        return gazetteer(self.knowledge, self.doc.vocab)

    # --- what an actor is --------------------------------------------------------------

    def actor(self, actor_id: str) -> Actor | None:
        return self.new_actors.get(actor_id) or self.knowledge.actor(actor_id)

    def kind(self, actor_id: str) -> str:
        actor = self.actor(actor_id)
        return actor.kind if actor is not None else "person"

    def country(self, actor_id: str) -> str | None:
        new = self.new_actors.get(actor_id)
        if new is not None:
            if new.country:
                return new.country
            return self.knowledge.state_of(new.affiliation, self.on) if new.affiliation else None
        return self.knowledge.state_of(actor_id, self.on)

    def gender(self, actor_id: str) -> str | None:
        actor = self.actor(actor_id)
        return actor.gender if actor is not None else None

    def titles(self, actor_id: str) -> frozenset[str]:
        """The titles the actor holds on the document's day (any it held, with no day), or,
        for a person the text introduces, the titles its description uses."""
        new = self.new_actors.get(actor_id)
        if new is not None:
            return frozenset(t for d in new.described_as for t in self.titles_in(d))
        return frozenset(
            r.title
            for r in self.knowledge.roles_of(actor_id)
            if self.on is None or r.holds_on(self.on)
        )

    def titles_in(self, text: str) -> frozenset[str]:
        """The titles a description names ("spokesman of the ministry" → Spokesperson)."""
        words = [w.strip(",.") for w in text.lower().replace("-", " ").split()]
        found: set[str] = set()
        phrases = self.gazetteer.title_phrases
        for size in (4, 3, 2, 1):
            for i in range(len(words) - size + 1):
                found |= phrases.get(" ".join(words[i : i + size]), frozenset())
        return frozenset(found)

    def named_with(self, actor_id: str, words: str) -> bool:
        """Whether `words` (lower case) are whole words of the actor's name or an alias."""
        actor = self.actor(actor_id)
        names = (actor.name, *actor.aliases) if actor is not None else ()
        return any(f" {words} " in f" {n.lower()} " for n in names)

    def rank(self, actor_id: str) -> int:
        """The prominence of the actor's most prominent title today (1 is the highest)."""
        ranks = self.knowledge.title_ranks
        return min((ranks.get(t, 9) for t in self.titles(actor_id)), default=10)

    # --- adding what the sieves find ----------------------------------------------------

    def add(self, start: int, end: int, actor_id: str | None, method: str) -> Mention | None:
        """A mention of `actor_id` over tokens start..end; its tokens count as resolved."""
        if end <= start:
            return None
        span = self.doc[start:end]
        carrier = actor_id is not None and self.kind(actor_id) == "media"
        mention = Mention(
            self.document_id,
            span.start_char,
            span.end_char,
            span.text,
            span.label_ or "",
            actor_id,
            method,
            carrier,
        )
        root = span.root
        self.placed.append(
            Placed(mention, start, end, root.i, self._sentence_of[root.i], _role(root))
        )
        self.covered.update(range(start, end))
        return mention

    def introduce(self, actor: Actor) -> Actor:
        """A person or body the knowledge base lacks; a second description adds to the first."""
        known = self.new_actors.get(actor.id)
        if known is not None:
            described = tuple(dict.fromkeys((*known.described_as, *actor.described_as)))
            actor = replace(
                known,
                described_as=described,
                country=known.country or actor.country,
                affiliation=known.affiliation or actor.affiliation,
                gender=known.gender or actor.gender,
            )
        self.new_actors[actor.id] = actor
        return actor

    def learn_gender(self, actor_id: str, gender: str | None) -> None:
        """The text's own pronoun or title tells the gender of a person it introduced."""
        known = self.new_actors.get(actor_id)
        if known is not None and gender and known.kind == "person" and not known.gender:
            self.new_actors[actor_id] = replace(known, gender=gender)

    # --- reading what was found ---------------------------------------------------------

    def mentions(self) -> list[Mention]:
        """The mentions found, in text order; one that only attributes what the clause says
        ("according to Pentagon sources") is flagged a carrier like an outlet."""
        found = [
            replace(p.mention, carrier=True) if _attributes(self.doc[p.root]) else p.mention
            for p in self.placed
        ]
        return sorted(found, key=lambda m: (m.char_start, m.char_end))

    def at(self, token: int) -> list[Placed]:
        return [p for p in self.placed if p.start <= token < p.end]

    def actors_at(self, token: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.actor for p in self.at(token) if p.actor))

    def sentence(self, token: int) -> int:
        return self._sentence_of[token]

    def antecedents(
        self, token: int, wanted: Wanted, window: int | None = None
    ) -> Iterator[Placed]:
        """Mentions that end before `token` and are what is `wanted`, most salient first,
        looking back at most `window` sentences (None: the whole document)."""
        here = self._sentence_of[token]
        floor = 0 if window is None else max(0, here - window)
        by_sentence: dict[int, list[Placed]] = {}
        for placed in self.placed:
            if placed.end > token or not floor <= placed.sentence <= here:
                continue
            if wanted.fits(self, placed):
                by_sentence.setdefault(placed.sentence, []).append(placed)
        for index in range(here, floor - 1, -1):
            found = by_sentence.get(index, [])
            if index == here:
                found.sort(key=lambda p: (p.role != 0, -p.start))
            else:
                found.sort(key=lambda p: (p.role, p.start))
            yield from found

    def rank_countries(self) -> None:
        """The states the document is about: hints first on a tie, then mention counts."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for hint in self.hints:
            counts[hint] += HINT_WEIGHT
            first.setdefault(hint, -1)
        for placed in self.placed:
            if not placed.actor or self.kind(placed.actor) == "media":
                continue
            state = self.country(placed.actor)
            if state:
                counts[state] += 1
                first.setdefault(state, placed.start)
        self.countries = sorted(counts, key=lambda s: (-counts[s], first[s]))

    def qualifier(self, start: int) -> str | None:
        """The state a phrase starting at token `start` is qualified by: a possessive before
        it ("South Korea's", "the South's"), or a state or demonym mention just before it
        ("South Korean", "North Korea"); None when there is none."""
        index = start - 1
        while index >= 0 and self.doc[index].lower_ == "the":
            index -= 1
        if index >= 0 and self.doc[index].lower_ in ("'s", "’s", "'"):
            index -= 1
        for placed in self.at(index) if index >= 0 else []:
            if placed.end == index + 1 and self.kind(placed.actor) != "media":
                return self.country(placed.actor)
        return self.state_words.get(index)

    def in_quote(self, char: int) -> bool:
        return any(start <= char < end for start, end in self.quoted)

    def in_country(self, ids: Iterable[str], state: str | None) -> list[str]:
        return [i for i in ids if state is None or self.country(i) == state]


def _attributes(token: Token) -> bool:
    """The token is in the object of "according to"."""
    node = token
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return False
        if node.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
            return True
        if node.dep_ not in ("compound", "amod", "poss", "nmod", "appos", "pobj", "prep", "conj"):
            return False
        node = head
    return False


def _role(root: Token) -> int:
    node = root
    for _ in range(3):
        if node.dep_ != "appos" or node.head.i == node.i:
            break
        node = node.head
    if node.dep_ in _SUBJECTS:
        return 0
    if node.dep_ in _OBJECTS or (node.dep_ == "pobj" and node.head.head.pos_ in ("VERB", "AUX")):
        return 1
    return 2


def span_text(span: Span) -> str:
    return " ".join(span.text.split())
