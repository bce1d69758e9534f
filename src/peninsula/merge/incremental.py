"""Merging during a build, batch by batch, so that the result is a function of the set of items.

`Linker.from_state` takes what the store holds (every item merged so far, its merged id, the
edges between items); `Linker.link` takes a batch of new documents and returns what to write
(`records.Links`) in the batch's transaction:

1. the new items' edges with every known item (blocking as in `events` and `wordings`), and the
   mirror edges of symmetric events;
2. the connected components the new items touch, each re-clustered from scratch in canonical
   order (`graph.greedy`), and their merged records, named after their first members; the
   merged ids that no longer exist; each row's merged id where it changed;
3. commitment statuses: a touched commitment is decided against every event report, an
   untouched one only against the new reports (the latest deciding event, by date and id, wins).

Items stored without a merged id (by an older version) are merged again on the first `link`.
Clusters then do not depend on arrival order, nor on how the articles were split into builds.
No SQL here: the store reads and writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from peninsula.knowledge import Knowledge, LinkModel, default_knowledge
from peninsula.merge import events as event_merge
from peninsula.merge import wordings
from peninsula.merge.graph import Graph
from peninsula.merge.inputs import (
    CommitmentInput,
    EventInput,
    Inputs,
    StatementInput,
    canonical,
    commitment_input,
    event_input,
    inputs_of,
    statement_input,
)
from peninsula.merge.similarity import (
    EMBEDDING_THRESHOLDS,
    LEXICAL_THRESHOLDS,
    Embedder,
    Texts,
    Thresholds,
)
from peninsula.merge.status import Decision, EventsByState, decide, event_key
from peninsula.records import (
    Analysis,
    Document,
    Edge,
    Event,
    Links,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    StoredState,
)

__all__ = ["Linker", "text_key"]

_I = TypeVar("_I", EventInput, StatementInput, CommitmentInput)
_W = TypeVar("_W", StatementInput, CommitmentInput)


@dataclass(slots=True)
class _Pool(Generic[_I]):
    """One kind of item: every one known, its merged id, the clusters and the edges."""

    items: dict[str, _I] = field(default_factory=dict)
    merged: dict[str, str | None] = field(default_factory=dict)
    clusters: dict[str, list[str]] = field(default_factory=dict)
    graph: Graph = field(default_factory=Graph)

    def settle(
        self, clusters: Sequence[Sequence[_I]], old: Iterable[str]
    ) -> tuple[dict[str, str], set[str]]:
        """Record re-clustered components: the rows whose merged id changed, and the merged ids
        (of `old`) that no longer exist."""
        changed: dict[str, str] = {}
        gone = set(old)
        for members in clusters:
            name = members[0].id
            gone.discard(name)
            for member in members:
                if self.merged.get(member.id) != name:
                    changed[member.id] = name
                self.merged[member.id] = name
        for name in gone:
            self.clusters.pop(name, None)
        for members in clusters:
            self.clusters[members[0].id] = [m.id for m in members]
        return changed, gone


class Linker:
    """The merged state of a store during a build; `link` merges one batch into it."""

    def __init__(
        self,
        knowledge: Knowledge,
        embedder: Embedder | None = None,
        intents: Mapping[str, str | None] | None = None,
        *,
        model: LinkModel | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.texts = Texts(embedder)
        self.intents = intents or {}
        links = knowledge.links or default_knowledge().links
        assert links is not None
        self.model = model or links.pick(lexical=embedder is None)
        self.limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
        self.events: _Pool[EventInput] = _Pool()
        self.statements: _Pool[StatementInput] = _Pool()
        self.commitments: _Pool[CommitmentInput] = _Pool()
        self.event_index = event_merge.EventIndex(embedder is not None)
        self.statement_index = wordings.WordingIndex(wordings.STATEMENTS, knowledge, self.texts)
        self.commitment_index = wordings.WordingIndex(wordings.COMMITMENTS, knowledge, self.texts)
        self.by_state = EventsByState(knowledge)
        self.decisions: dict[str, Decision] = {}
        self.ledger: dict[str, MergedCommitment] = {}
        # The ledger by blocking key (`EventsByState.keys`): the commitments a new event
        # report can decide, so a batch looks at those only.
        self.ledger_keys: dict[str, tuple[str | None, ...]] = {}
        self.by_key: dict[str | None, set[str]] = {}
        self.pending = Inputs([], [], [])

    @classmethod
    def from_state(
        cls,
        state: StoredState,
        knowledge: Knowledge,
        embedder: Embedder | None = None,
        intents: Mapping[str, str | None] | None = None,
        vectors: Mapping[str, Sequence[float]] | None = None,
    ) -> Linker:
        """The linker over a store's state; `vectors`: stored embeddings, by `text_key`."""
        cached = _Cached(embedder, vectors or {}) if embedder is not None else None
        linker = cls(knowledge, cached, intents)
        heads = state.documents
        by_document: dict[str, dict[str, Event]] = {}
        for event in state.events:
            by_document.setdefault(event.document_id, {})[event.id] = event
        stored = Inputs(
            [event_input(e, heads[e.document_id]) for e in state.events],
            [statement_input(s, heads[s.document_id], said) for s, said in state.statements],
            [
                commitment_input(
                    c,
                    heads[c.mentions[0].document_id],
                    by_document.get(c.mentions[0].document_id, {}),
                )
                for c in state.commitments
            ],
        )
        for edge in state.edges:
            linker._pool(edge.kind).graph.add(edge)
        linker.pending = Inputs(
            linker._known(linker.events, linker.event_index, stored.events, state),
            linker._known(linker.statements, linker.statement_index, stored.statements, state),
            linker._known(linker.commitments, linker.commitment_index, stored.commitments, state),
        )
        for item in stored.events:
            linker.by_state.add(item)
        for name, ids in linker.commitments.clusters.items():
            status, evidence = state.statuses.get(name, ("open", None))
            members = sorted((linker.commitments.items[i] for i in ids), key=canonical)
            linker.ledger[name] = wordings.merged_commitment(members, knowledge, status, evidence)
            linker._index(linker.ledger[name])
            decider = linker.events.items.get(evidence) if evidence else None
            if decider is not None:
                linker.decisions[name] = Decision(status, evidence, event_key(decider))
        return linker

    @property
    def has_pending(self) -> bool:
        """Stored items without a merged id wait for the next `link`."""
        pending = self.pending
        return bool(pending.events or pending.statements or pending.commitments)

    def _pool(self, kind: str) -> _Pool[Any]:
        if kind in ("event", "mirror"):
            return self.events
        return self.statements if kind == "statement" else self.commitments

    @staticmethod
    def _known(pool: _Pool[_I], index: Any, items: Iterable[_I], state: StoredState) -> list[_I]:
        """Index stored items with their merged ids; those without one are pending, merged
        again at the next batch."""
        pending = []
        for item in items:
            pool.items[item.id] = item
            index.add(item)
            name = state.merged_ids.get(item.id)
            if name is None:
                pending.append(item)
            else:
                pool.merged[item.id] = name
                pool.clusters.setdefault(name, []).append(item.id)
        return pending

    def link(self, batch: Sequence[tuple[Document, Analysis]]) -> Links:
        """Merge a batch of new documents (and any pending stored items): what to write."""
        found = inputs_of(batch)
        pending, self.pending = self.pending, Inputs([], [], [])
        new_events = [e for e in found.events if e.id not in self.events.items]
        for event in new_events:
            self.events.items[event.id] = event
            self.event_index.add(event)
            self.by_state.add(event)
        events, event_changes = self._events([*pending.events, *new_events])
        new_statements = self._fresh(self.statements, self.statement_index, found.statements)
        statements, statement_changes = self._worded(
            wordings.STATEMENTS,
            self.statements,
            self.statement_index,
            [*pending.statements, *new_statements],
        )
        new_commitments = self._fresh(self.commitments, self.commitment_index, found.commitments)
        commitments, commitment_changes = self._worded(
            wordings.COMMITMENTS,
            self.commitments,
            self.commitment_index,
            [*pending.commitments, *new_commitments],
        )
        ledger = self._statuses(commitments, commitment_changes[1], [*pending.events, *new_events])
        edges = [*event_changes[2], *statement_changes[2], *commitment_changes[2]]
        vectors = self.texts.embedder.drain() if isinstance(self.texts.embedder, _Cached) else {}
        return Links(
            events=tuple(events),
            statements=tuple(self.statements_of(statements)),
            commitments=tuple(ledger),
            removed={
                "event": frozenset(event_changes[1]),
                "statement": frozenset(statement_changes[1]),
                "commitment": frozenset(commitment_changes[1]),
            },
            merged_ids={
                "event": event_changes[0],
                "statement": statement_changes[0],
                "commitment": commitment_changes[0],
            },
            edges=tuple(edges),
            vectors=vectors,
        )

    @staticmethod
    def _fresh(pool: _Pool[_I], index: Any, items: Iterable[_I]) -> list[_I]:
        fresh = [i for i in items if i.id not in pool.items]
        for item in fresh:
            pool.items[item.id] = item
            index.add(item)
        return fresh

    def _events(self, new: Sequence[EventInput]) -> tuple[list[MergedEvent], _Changes]:
        pool = self.events
        found = event_merge.edges(
            new, pool.items, self.event_index, self.texts, self.model, self.limits, self.knowledge
        )
        found += event_merge.mirror_edges(new)
        for edge in found:
            pool.graph.add(edge)
        records: list[MergedEvent] = []
        changed: dict[str, str] = {}
        removed: set[str] = set()
        for part in pool.graph.components(sorted(e.id for e in new)):
            clusters = event_merge.cluster(
                (pool.items[i] for i in part), pool.graph, self.knowledge
            )
            groups = event_merge.happenings(clusters, self.knowledge)
            moved, gone = pool.settle(
                [[*first, *rest] for first, rest in groups], _names(pool, part)
            )
            changed.update(moved)
            removed |= gone
            records += [event_merge.merged_event(f, self.knowledge, r) for f, r in groups]
        return records, (changed, removed - {r.id for r in records}, found)

    def _worded(
        self, kind: wordings.Kind[_W], pool: _Pool[_W], index: Any, new: Sequence[_W]
    ) -> tuple[list[list[_W]], _Changes]:
        found = wordings.edges(
            kind, new, pool.items, index, self.texts, self.limits, self.knowledge
        )
        for edge in found:
            pool.graph.add(edge)
        touched: list[list[_W]] = []
        changed: dict[str, str] = {}
        removed: set[str] = set()
        for part in pool.graph.components(sorted(i.id for i in new)):
            clusters = wordings.cluster(
                kind, (pool.items[i] for i in part), pool.graph, self.knowledge
            )
            moved, gone = pool.settle(clusters, _names(pool, part))
            changed.update(moved)
            removed |= gone
            touched += clusters
        names = {c[0].id for c in touched}
        return touched, (changed, removed - names, found)

    def statements_of(self, clusters: Sequence[Sequence[StatementInput]]) -> list[MergedStatement]:
        return [wordings.merged_statement(c, self.knowledge) for c in clusters]

    def _statuses(
        self,
        touched: Sequence[Sequence[CommitmentInput]],
        removed: Iterable[str],
        new_events: Sequence[EventInput],
    ) -> list[MergedCommitment]:
        """The commitments to write: every touched one, decided against every event report, and
        every other one whose status a new report changes."""
        for name in removed:
            self.ledger.pop(name, None)
            self.decisions.pop(name, None)
            self._index(None, name)
        written: list[MergedCommitment] = []
        names = set()
        for members in touched:
            draft = wordings.merged_commitment(members, self.knowledge)
            decided = self._decide(draft, members, self.by_state.of(draft, members))
            written.append(self._record(draft, decided))
            names.add(draft.id)
        if new_events:
            fresh = EventsByState(self.knowledge)
            for event in new_events:
                fresh.add(event)
            candidates = {n for key in fresh.events for n in self.by_key.get(key, ())}
            for name in sorted(candidates - names):
                record = self.ledger[name]
                members = [self.commitments.items[i] for i in record.members]
                pool = fresh.of(record, members)
                if not pool:
                    continue
                before = self.decisions.get(name, Decision())
                decided = before.later(self._decide(record, members, pool))
                if decided != before:
                    written.append(self._record(record, decided))
        return written

    def _decide(
        self,
        record: MergedCommitment,
        members: Sequence[CommitmentInput],
        events: Sequence[EventInput],
    ) -> Decision:
        return decide(
            record, members, events, self.texts, self.knowledge, self.limits, self.intents
        )

    def _record(self, record: MergedCommitment, decided: Decision) -> MergedCommitment:
        self.decisions[record.id] = decided
        done = replace(record, status=decided.status, status_evidence=decided.evidence)
        self.ledger[record.id] = done
        self._index(done)
        return done

    def _index(self, record: MergedCommitment | None, name: str | None = None) -> None:
        """File a ledger record under its blocking keys (`record` None: drop `name`'s)."""
        name = record.id if record is not None else name
        assert name is not None
        for key in self.ledger_keys.pop(name, ()):
            self.by_key[key].discard(name)
        if record is not None:
            members = [self.commitments.items[i] for i in record.members]
            keys = self.by_state.keys(record, members)
            self.ledger_keys[name] = keys
            for key in keys:
                self.by_key.setdefault(key, set()).add(name)


_Changes = tuple[dict[str, str], set[str], list[Edge]]


def _names(pool: _Pool[Any], part: Iterable[str]) -> set[str]:
    """The merged ids the members of a component had."""
    return {n for n in (pool.merged.get(i) for i in part) if n is not None}


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _Cached:
    """An embedder that embeds each text once: vectors of earlier builds come from the store,
    new ones are handed back to be stored."""

    def __init__(self, embed: Embedder, stored: Mapping[str, Sequence[float]]) -> None:
        self._embed = embed
        self._vectors: dict[str, NDArray[Any]] = {
            k: np.asarray(v, dtype=np.float32) for k, v in stored.items()
        }
        self.new: dict[str, list[float]] = {}

    def __call__(self, texts: Sequence[str]) -> NDArray[Any]:
        keys = [text_key(t) for t in texts]
        missing = list(
            dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._vectors)
        )
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                key = text_key(text)
                self._vectors[key] = np.asarray(vector, dtype=np.float32)
                self.new[key] = self._vectors[key].tolist()  # floats, at C speed
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def drain(self) -> dict[str, list[float]]:
        new, self.new = self.new, {}
        return new
