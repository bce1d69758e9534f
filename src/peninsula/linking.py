"""Cross-document linking during a build: each batch's events, statements and commitments are
merged with everything stored before them (see `merge`), and each row learns its merged id.

The clusters of the stored rows are rebuilt once per build, without comparing them again:
statements and commitments (with their status) are regrouped by the merged id each row was
stored with, events by their merge cluster (`cluster_id`: the two directions of a symmetric
event share a merged id but stay two clusters; in a store written before `cluster_id` existed
they are split apart by sentence and trigger). Every cluster keeps the merged id it was stored
under (`Linker.named`), so ids do not depend on the order rows come back in. Then every batch
only merges its own new items into the clusters.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from peninsula.knowledge import Knowledge
from peninsula.merge import (
    LEXICAL_THRESHOLDS,
    SYMMETRIC_ROOTS,
    CommitmentInput,
    Embedder,
    EventInput,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    StatementInput,
    commitment_clusters,
    content_words,
    default_embedder,
    event_clusters,
    merge_commitments,
    merge_events,
    merge_statements,
    resolve_commitments,
    statement_clusters,
)
from peninsula.nlp import Analysis
from peninsula.records import CommitmentStatus, Document, Event
from peninsula.store import Links, Store

# A statement is compared with earlier ones only if it shares this share of the shorter one's
# content words with one of them: below it, the lexical statement floor cannot be reached.
_Item = TypeVar("_Item", EventInput, StatementInput)
STATEMENT_SHARE = min(LEXICAL_THRESHOLDS.statement, LEXICAL_THRESHOLDS.statement_strong)


@dataclass(slots=True)
class Linker:
    """The merged clusters so far; `link` merges one batch into them."""

    knowledge: Knowledge
    embedder: Embedder | None
    events: list[MergedEvent] = field(default_factory=list)
    statements: list[MergedStatement] = field(default_factory=list)
    commitments: list[MergedCommitment] = field(default_factory=list)
    event_inputs: list[EventInput] = field(default_factory=list)
    # Content-word count of every statement seen, and which statements hold each word.
    statement_sizes: list[int] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    # The merged id each event cluster was given, kept from build to build: a symmetric
    # event's twin stays under the id it was stored with, whatever order clusters come in.
    named: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, knowledge: Knowledge, embeddings: bool) -> Linker:
        model = default_embedder() if embeddings else None
        cached = _Cached(model, store.text_vectors()) if model is not None else None
        linker = cls(knowledge, cached)
        stored = store.merge_state()
        events = [_event_from_row(r) for r in stored["events"]]
        by_id = {e.id: e for e in events}
        groups: dict[str, list[StatementInput]] = {}
        for row in stored["statements"]:
            statement = _statement_from_row(row)
            groups.setdefault(row["merged_id"] or statement.id, []).append(statement)
            linker._screen([statement])  # its words, for the screening of later statements
        linker.statements = statement_clusters(_led(groups), knowledge=knowledge)
        pledges: dict[str, list[CommitmentInput]] = {}
        statuses: dict[str, tuple[CommitmentStatus, str | None]] = {}
        for row in stored["commitments"]:
            key = row["merged_id"] or row["id"]
            wordings = _commitment_from_row(row, by_id)
            # The row the cluster is named after leads; its wordings keep their order.
            lead = key == row["id"]
            pledges[key] = [*wordings, *pledges.get(key, [])] if lead else [
                *pledges.get(key, []), *wordings
            ]  # fmt: skip
            statuses[key] = (row["status"], row["status_evidence"])
        clusters: dict[str, list[EventInput]] = {}
        names: dict[str, str] = {}
        for row, event in zip(stored["events"], events, strict=True):
            # Stored before cluster ids: by merged id, twins split apart below.
            key = row["cluster_id"] or row["merged_id"] or event.id
            clusters.setdefault(key, []).append(event)
            names.setdefault(key, row["merged_id"] or event.id)
        regrouped: list[list[EventInput]] = []
        for key, members in clusters.items():
            for group in _split_twins(key, members):
                regrouped.append(group)
                linker.named[group[0].id] = names[key]
        linker.events = event_clusters(regrouped, knowledge=knowledge)
        linker.event_inputs = list(events)
        linker.commitments = commitment_clusters(
            ((pledges[k], *statuses[k]) for k in pledges), knowledge=knowledge
        )
        for cluster, key in zip(linker.commitments, pledges, strict=True):
            linker.named[cluster.id] = key
        return linker

    def link(self, batch: Sequence[tuple[Document, Analysis]]) -> Links:
        """Merge a batch (new documents only) and say which merged id each new row takes."""
        ordered = sorted(batch, key=lambda item: item[0].date.published or "9999")
        events: list[EventInput] = []
        statements: list[StatementInput] = []
        commitments: list[CommitmentInput] = []
        for document, analysis in ordered:
            context = _context(document)
            published = document.date.published
            events += [_event_input(e, published, context) for e in analysis.events]
            statements += [
                StatementInput(s.id, s.document_id, s.text, s.speaker, s.date, published)
                for s in analysis.statements
            ]
            by_id = {e.id: e for e in analysis.events}
            for c in analysis.commitments:
                first = next((by_id[m.event_id] for m in c.mentions if m.event_id in by_id), None)
                mentions = [(m.text, m.date) for m in c.mentions]
                commitments += _wordings(c.id, c.actor, mentions, first, published)
        before = {c.id: (c.status, c.status_evidence) for c in self.commitments}
        self._merge(events, statements, commitments)
        new_commitments = {c.id for c in commitments}
        merged_ids: dict[str, str] = {}
        twins = _twins(self.events)
        for event_cluster in self.events:
            if event_cluster.id not in self.named:
                mirror = twins.get(event_cluster.id, event_cluster.id)
                self.named[event_cluster.id] = self.named.get(mirror, mirror)
        plain: list[MergedEvent | MergedStatement] = [*self.events, *self.statements]
        for cluster in plain:
            for member in cluster.member_ids:
                merged_ids[member] = self.named.get(cluster.id, cluster.id)
        pledge_names = self._name_pledges()
        for pledge in self.commitments:
            for member in pledge.member_ids:
                # A document's pledge whose wordings fell in two clusters joins the older one.
                merged_ids.setdefault(_row(member), pledge_names[pledge.id] or _row(member))
        new_ids = {e.id for e in events} | {s.id for s in statements}
        new_ids |= {_row(c.id) for c in commitments}
        # Every cluster a new row joins (its rows are inserted with the cluster's status) and
        # every cluster whose status changed; a cluster that houses no row of its own (its
        # wordings' rows all live in older clusters) has no status to store.
        statuses: dict[str, tuple[str, str | None]] = {}
        changed: set[str] = set()
        for pledge in self.commitments:
            name = pledge_names[pledge.id]
            if name is None:
                continue
            now = (pledge.status, pledge.status_evidence)
            moved = before.get(pledge.id, ("open", None)) != now
            if moved or any(m in new_commitments for m in pledge.member_ids):
                statuses.setdefault(name, now)
            if moved and pledge.id in before:
                changed.add(name)
        merged = {k: v for k, v in merged_ids.items() if k in new_ids}
        vectors = self.embedder.drain() if isinstance(self.embedder, _Cached) else {}
        new_events = {e.id for e in events}
        clusters_of = {
            m.id: c.id for c in self.events for m in c.members if m.id in new_events
        }  # fmt: skip
        return Links(merged, statuses, changed, vectors, clusters_of)

    def _name_pledges(self) -> dict[str, str | None]:
        """Each commitment cluster's merged id: the one it was stored under, else the row of its
        first wording whose row lives here (a row lives in the first cluster holding one of its
        wordings); None when every row of its wordings lives in an older cluster."""
        home: dict[str, int] = {}
        for number, cluster in enumerate(self.commitments):
            for member in cluster.member_ids:
                home.setdefault(_row(member), number)
        names: dict[str, str | None] = {}
        for number, cluster in enumerate(self.commitments):
            own = (_row(m) for m in cluster.member_ids if home[_row(m)] == number)
            name = self.named.get(cluster.id) or next(own, None)
            names[cluster.id] = name
            if name is not None:
                self.named[cluster.id] = name
        return names

    def _screen(
        self, statements: Sequence[StatementInput]
    ) -> tuple[list[StatementInput], list[StatementInput]]:
        """The statements that share most of their words with an earlier one, and the rest."""
        alike: list[StatementInput] = []
        alone: list[StatementInput] = []
        for statement in statements:
            words = content_words(statement.text)
            if words and _shares_most(words, self.postings, self.statement_sizes):
                alike.append(statement)
            else:
                alone.append(statement)
            for word in words:
                self.postings.setdefault(word, []).append(len(self.statement_sizes))
            self.statement_sizes.append(len(words))
        return alike, alone

    def _merge(
        self,
        events: Sequence[EventInput],
        statements: Sequence[StatementInput],
        commitments: Sequence[CommitmentInput],
    ) -> None:
        options: dict[str, Any] = {"knowledge": self.knowledge, "embedder": self.embedder}
        self.events = merge_events(self.events, events, **options)
        # Statements merge only as near-identical wordings (one quote, two outlets): compared by
        # their words, and only those that share most words with an earlier one are compared.
        # The ones alone so far go in first: a later statement of the batch may repeat them.
        alike, alone = self._screen(statements)
        self.statements += [
            MergedStatement(s.id, (s,), s.speaker, s.text, s.published) for s in alone
        ]
        self.statements = merge_statements(self.statements, alike, knowledge=self.knowledge)
        self.event_inputs += events
        merged = merge_commitments(self.commitments, commitments, **options)
        # A cluster that gained a wording is judged against every event; the others, whose
        # status already reflects the older events, only against the new ones.
        grown = {c.id for c in commitments}
        fresh = [c for c in merged if any(m in grown for m in c.member_ids)]
        fresh_ids = {c.id for c in fresh}
        settled = [c for c in merged if c.id not in fresh_ids]
        decided = {
            c.id: c
            for c in resolve_commitments(fresh, self.event_inputs, **options)
            + resolve_commitments(settled, events, **options)
        }
        self.commitments = [decided[c.id] for c in merged]


def _led(groups: Mapping[str, list[_Item]]) -> list[list[_Item]]:
    """Each stored group with the row its id names first (a cluster is named after its first
    member in merge order, which need not be the order the rows were stored in)."""
    return [
        sorted(members, key=lambda m: m.id != key)  # stable: the rest keep the stored order
        for key, members in groups.items()
    ]


def _shares_most(
    words: frozenset[str], postings: Mapping[str, list[int]], sizes: Sequence[int]
) -> bool:
    shared = Counter(i for w in words for i in postings.get(w, ()))
    return any(n >= STATEMENT_SHARE * min(len(words), sizes[i]) for i, n in shared.items())


class _Cached:
    """An embedder that embeds each text once: clusters are compared batch after batch and
    build after build, and without this their members' sentences would be embedded again every
    time. Vectors of earlier builds come from the store; new ones are handed back to be stored."""

    def __init__(self, embed: Embedder, stored: Mapping[str, Sequence[float]]) -> None:
        self._embed = embed
        self._vectors: dict[str, NDArray[Any]] = {
            k: np.asarray(v, dtype=np.float32) for k, v in stored.items()
        }
        self.new: dict[str, list[float]] = {}

    def __call__(self, texts: Sequence[str]) -> NDArray[Any]:
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True)
                                     if k not in self._vectors))  # fmt: skip
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                key = text_key(text)
                self._vectors[key] = np.asarray(vector, dtype=np.float32)
                self.new[key] = [float(x) for x in vector]
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def drain(self) -> dict[str, list[float]]:
        new, self.new = self.new, {}
        return new


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _split_twins(key: str, members: list[EventInput]) -> list[list[EventInput]]:
    """A stored cluster, the member it is named after first; a store written before cluster
    ids kept the two directions of a symmetric event under one id: those mirroring a member
    go apart, as a cluster of their own."""
    lead = next((m for m in members if m.id == key), members[0])
    main: list[EventInput] = [lead]
    twin: list[EventInput] = []
    for member in members:
        if member is not lead:
            (twin if any(_mirrors(member, m) for m in main) else main).append(member)
    return [main, twin] if twin else [main]


def _mirrors(event: EventInput, other: EventInput) -> bool:
    """The two directions of one symmetric event, coded from one trigger."""
    return event.code_root in SYMMETRIC_ROOTS and (
        event.document_id,
        event.sentence,
        event.trigger_lemma,
    ) == (other.document_id, other.sentence, other.trigger_lemma)


def _twins(events: Sequence[MergedEvent]) -> dict[str, str]:
    """Clusters that are the other direction of a symmetric event ("Lee held talks with Trump"
    is coded Lee→Trump and Trump→Lee from one trigger): each to the cluster it mirrors."""
    first: dict[tuple[str, str, str, frozenset[str]], str] = {}
    aliases: dict[str, str] = {}
    for cluster in events:
        for m in cluster.members:
            if m.code_root not in SYMMETRIC_ROOTS or not m.source or not m.target:
                continue
            key = (m.document_id, m.sentence, m.code or "", frozenset((m.source, m.target)))
            seen = first.setdefault(key, cluster.id)
            if seen != cluster.id:
                aliases.setdefault(cluster.id, aliases.get(seen, seen))
    return aliases


def _context(document: Document) -> str:
    lead = document.text.strip().split("\n\n", 1)[0]
    return f"{document.title or ''}\n{lead}".strip()


def _event_input(event: Event, published: str | None, context: str) -> EventInput:
    return EventInput(
        id=event.id,
        document_id=event.document_id,
        sentence=event.sentence.strip(),
        trigger=event.trigger,
        code=event.code,
        root=event.root,
        category=event.category,
        source=event.source,
        target=event.target,
        modality=event.modality,
        date=event.date,
        date_precision=event.date_precision,
        published=published,
        context=context,
    )


def _event_from_row(row: Mapping[str, Any]) -> EventInput:
    return EventInput(
        id=row["id"],
        document_id=row["document_id"],
        sentence=row["sentence"] or "",
        trigger=row["trigger"] or "",
        code=row["code"],
        root=row["root"],
        category=row["category"],
        source=row["source"],
        target=row["target"],
        modality=row["modality"],
        date=row["date"],
        date_precision=row["date_precision"],
        published=row["published"],
        context=_row_context(row),
    )


def _row_context(row: Mapping[str, Any]) -> str:
    lead = (row["text"] or "").strip().split("\n\n", 1)[0]
    return f"{row['title'] or ''}\n{lead}".strip()


def _statement_from_row(row: Mapping[str, Any]) -> StatementInput:
    return StatementInput(
        row["id"], row["document_id"], row["text"], row["speaker"], row["date"], row["published"]
    )


def _commitment_from_row(
    row: Mapping[str, Any], events: Mapping[str, EventInput]
) -> list[CommitmentInput]:
    mentions = _mentions(row["mentions"])
    first = next(
        (events[m["event_id"]] for m in mentions if m.get("event_id") in events),
        None,
    )
    wordings = [(m["text"], m.get("date")) for m in mentions]
    return _wordings(row["id"], row["actor"], wordings, first, row["published"])


def _wordings(
    commitment_id: str,
    actor: str | None,
    mentions: Sequence[tuple[str, str | None]],
    event: EventInput | Event | None,
    published: str | None,
) -> list[CommitmentInput]:
    """One merge input per wording of a document's commitment, so that a restatement elsewhere
    is compared with each way the pledge was put. Ids are the row id with `#n`."""
    return [
        CommitmentInput(
            id=f"{commitment_id}#{n}",
            document_id=commitment_id.split(":", 1)[0],
            text=text,
            actor=actor,
            target=event.target if event else None,
            date=stated,
            published=published,
            code=event.code if event else None,
            root=event.root if event else None,
            category=event.category if event else None,
        )
        for n, (text, stated) in enumerate(mentions)
    ]


def _row(merge_id: str) -> str:
    """The stored row a merge input stands for (commitment wordings carry `#n`)."""
    return merge_id.split("#", 1)[0]


def _mentions(value: Iterable[Mapping[str, Any]] | None) -> list[Mapping[str, Any]]:
    return list(value or [])
