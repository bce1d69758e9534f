"""The SemEval-2015 Task 4 TimeLine scorer: timelines in the official format, scored as officially.

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
`evaluate_two_files` is assumed (the tool passes no method argument).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

BEFORE = "BEFORE"
SIMULTANEOUS = "SIMULTANEOUS"


# --- timelines ---------------------------------------------------------------------------------


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
        print(f"  {label} {name:30} {one.figures()} events {ev}", file=sys.stderr)
    return counts, events, scored
