"""Statements and commitments: one quote carried by several outlets, one pledge restated.

**Statements** are one when the speakers are compatible (as event participants are) and the
texts near-identical (one quote carried by two outlets, perhaps trimmed): word overlap over the
shorter text >= `statement`, or `statement_strong` when a speaker is unknown (the lexical floors,
with or without an embedder: a quote is carried near word for word, and a paraphrase of it is
another statement). Only statements sharing most of their content words (`STATEMENT_SHARE` of
the shorter one's) are compared: below it the floor cannot be reached.

**Commitments** (one input per document's commitment, with every wording of it there) are one
when the actors are compatible, the codes too when both are coded (targets are not compared:
one pledge names several addressees, and restatements pick different ones), and a wording of
one is similar to a wording of the other (>= `commitment`; `commitment_strong` without an
actor): a pledge restated months later is one pledge, with its first and last statement, its
count and each wording with its date.

Both are blocked by the state of the speaker or actor (unknown ones: compared with all), linked
by edges and clustered greedily in canonical order (`graph`), like events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from peninsula.knowledge import Knowledge
from peninsula.merge.compatibility import (
    actors_compatible,
    codes_compatible,
    day_of,
    finer,
    most_specific,
    state_key,
)
from peninsula.merge.graph import Graph, greedy
from peninsula.merge.inputs import (
    CommitmentInput,
    EventInput,
    StatementInput,
    canonical,
    said_span,
)
from peninsula.merge.similarity import (
    EMBEDDING_THRESHOLDS,
    LEXICAL_THRESHOLDS,
    Embedder,
    Texts,
    Thresholds,
)
from peninsula.merge.status import EventsByState, decide
from peninsula.records import (
    CommitmentStatus,
    Edge,
    LinkKind,
    MergedCommitment,
    MergedStatement,
    PartialDate,
    Precision,
    StatementEvidence,
    Wording,
)

__all__ = [
    "COMMITMENTS",
    "STATEMENTS",
    "STATEMENT_SHARE",
    "Kind",
    "WordingIndex",
    "cluster",
    "edges",
    "merge_commitments",
    "merge_statements",
    "merged_commitment",
    "merged_statement",
]

# A statement is compared with another only if they share this share of the shorter one's
# content words: below it, the lexical statement floor cannot be reached.
STATEMENT_SHARE = min(LEXICAL_THRESHOLDS.statement, LEXICAL_THRESHOLDS.statement_strong)

_W = TypeVar("_W", StatementInput, CommitmentInput)


def _statement_day(item: StatementInput) -> date | None:
    return day_of(item.date) or day_of(item.published)


def _commitment_day(item: CommitmentInput) -> date | None:
    return day_of(item.stated)


@dataclass(frozen=True, slots=True)
class Kind(Generic[_W]):
    """How one kind of worded item is read: who said it, when, what it says, what else must
    agree, its floors, and whether only wordings sharing most words are compared."""

    name: LinkKind
    actor: Callable[[_W], str | None]
    day: Callable[[_W], date | None]
    texts: Callable[[_W], Sequence[str]]
    floors: Callable[[Thresholds], tuple[float, float]]  # (actor known on both sides, not)
    screened: bool  # compared by words only, and only when they share most words
    extra: Callable[[_W, _W], bool] = lambda a, b: True

    def pair_day(self, a: _W, b: _W) -> date | None:
        days = [d for d in (self.day(a), self.day(b)) if d is not None]
        return min(days) if days else None

    def fits(self, a: _W, b: _W, knowledge: Knowledge | None) -> bool:
        day = self.pair_day(a, b)
        return actors_compatible(self.actor(a), self.actor(b), knowledge, day) and self.extra(a, b)

    def agrees(self, a: _W, b: _W) -> bool:
        return self.actor(a) is not None and self.actor(b) is not None


def _codes_fit(a: CommitmentInput, b: CommitmentInput) -> bool:
    if a.code_root and b.code_root:
        return codes_compatible(a.code_root, a.category, b.code_root, b.category)
    return True


STATEMENTS: Kind[StatementInput] = Kind(
    "statement",
    lambda i: i.speaker,
    _statement_day,
    lambda i: (i.text,),
    lambda t: (t.statement, t.statement_strong),
    screened=True,
)
COMMITMENTS: Kind[CommitmentInput] = Kind(
    "commitment",
    lambda i: i.actor,
    _commitment_day,
    lambda i: i.wordings,
    lambda t: (t.commitment, t.commitment_strong),
    screened=False,
    extra=_codes_fit,
)


class WordingIndex(Generic[_W]):
    """Items by the state of their speaker or actor, and (screened kinds) by content word."""

    def __init__(self, kind: Kind[_W], knowledge: Knowledge | None, texts: Texts) -> None:
        self.kind: Kind[_W] = kind
        self.knowledge = knowledge
        self.texts = texts
        self.blocks: dict[str | None, set[str]] = {}
        self.postings: dict[str, set[str]] = {}
        self.sizes: dict[str, int] = {}

    def _block(self, item: _W) -> str | None:
        return state_key(self.kind.actor(item), self.knowledge, self.kind.day(item))

    def _words(self, item: _W) -> frozenset[str]:
        return frozenset().union(*(self.texts.words(t) for t in self.kind.texts(item)))

    def add(self, item: _W) -> None:
        self.blocks.setdefault(self._block(item), set()).add(item.id)
        if self.kind.screened:
            words = self._words(item)
            for word in words:
                self.postings.setdefault(word, set()).add(item.id)
            self.sizes[item.id] = len(words)

    def candidates(self, item: _W) -> set[str]:
        # An unknown actor may be anyone; a known one may be in the unknown block.
        key = self._block(item)
        pool = set().union(*self.blocks.values()) if key is None else set(self.blocks.get(key, ()))
        pool |= self.blocks.get(None, set())
        if self.kind.screened:
            words = self._words(item)
            shared = Counter(i for w in words for i in self.postings.get(w, ()))
            pool &= {
                i
                for i, n in shared.items()
                if n >= STATEMENT_SHARE * min(len(words), self.sizes[i])
            }
        return pool - {item.id}


def edges(
    kind: Kind[_W],
    new: Sequence[_W],
    known: Mapping[str, _W],
    index: WordingIndex[_W],
    texts: Texts,
    limits: Thresholds,
    knowledge: Knowledge | None,
) -> list[Edge]:
    """The edges of the `new` items (already in `known` and `index`) with every known one,
    each pair once."""
    fresh = {i.id for i in new}
    pools = []
    for item in new:
        pools.append(
            sorted(
                (
                    known[i]
                    for i in index.candidates(item)
                    if i not in fresh or canonical(known[i]) < canonical(item)
                ),
                key=canonical,
            )
        )
    if texts.embedder is not None and not kind.screened:
        texts.ensure(
            [t for item in new for t in kind.texts(item)]
            + [t for pool in pools for o in pool for t in kind.texts(o)]
        )
    floor, floor_unknown = kind.floors(limits)
    found = []
    for item, pool in zip(new, pools, strict=True):
        for other in pool:
            if not kind.fits(item, other, knowledge):
                continue
            score = max(
                texts.similarity(a, b, lexical_only=kind.screened)
                for a in kind.texts(item)
                for b in kind.texts(other)
            )
            if score >= (floor if kind.agrees(item, other) else floor_unknown):
                a, b = sorted((item.id, other.id))
                found.append(Edge(kind.name, a, b, score, floor, floor_unknown))
    return found


def cluster(
    kind: Kind[_W], items: Iterable[_W], graph: Graph, knowledge: Knowledge | None
) -> list[list[_W]]:
    """The clusters of one or more whole components, in canonical order."""
    return greedy(
        sorted(items, key=canonical),
        lambda i: i.id,
        graph,
        lambda a, b: (kind.fits(a, b, knowledge), kind.agrees(a, b)),
    )


def _clusters(
    kind: Kind[_W],
    items: Sequence[_W],
    knowledge: Knowledge | None,
    embedder: Embedder | None,
    thresholds: Thresholds | None,
) -> tuple[list[list[_W]], Texts, Thresholds]:
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    texts = Texts(embedder)
    index = WordingIndex(kind, knowledge, texts)
    known = {i.id: i for i in items}
    for item in known.values():
        index.add(item)
    graph = Graph(edges(kind, list(known.values()), known, index, texts, limits, knowledge))
    found = [
        c
        for part in graph.components(sorted(known))
        for c in cluster(kind, (known[i] for i in part), graph, knowledge)
    ]
    return sorted(found, key=lambda c: canonical(c[0])), texts, limits


def merge_statements(
    items: Sequence[StatementInput], *, knowledge: Knowledge | None = None
) -> list[MergedStatement]:
    """The merged statements of a set of statements (in canonical order of first members)."""
    clusters, _, _ = _clusters(STATEMENTS, items, knowledge, None, None)
    return [merged_statement(c, knowledge) for c in clusters]


def merge_commitments(
    items: Sequence[CommitmentInput],
    *,
    events: Sequence[EventInput] = (),
    intents: Mapping[str, str | None] | None = None,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    thresholds: Thresholds | None = None,
) -> list[MergedCommitment]:
    """The merged commitments of a set of commitments, each decided against `events` (see
    `status`; `intents`: CAMEO code to the code of the intent to do it)."""
    clusters, texts, limits = _clusters(COMMITMENTS, items, knowledge, embedder, thresholds)
    by_state = EventsByState(knowledge)
    for event in events:
        by_state.add(event)
    found = []
    for members in clusters:
        draft = merged_commitment(members, knowledge)
        pool = by_state.of(draft, members)
        decided = decide(draft, members, pool, texts, knowledge, limits, intents or {})
        found.append(replace(draft, status=decided.status, status_evidence=decided.evidence))
    return found


def merged_statement(
    members: Sequence[StatementInput], knowledge: Knowledge | None
) -> MergedStatement:
    """The merged record of one cluster (its members in canonical order): the most specific
    speaker, the fullest wording, the most precise date."""
    speaker = most_specific([m.speaker for m in members], knowledge)
    shown = next((m for m in members if m.speaker == speaker), members[0])
    said = [_said(m) for m in members]
    when: tuple[str | None, Precision | None] = (None, None)
    for m in members:
        when = finer(when, (m.date, m.report.date_precision if m.report else None))
    parsed = PartialDate.parse(*when)
    published = [m.published for m in members if m.published]
    report = shown.report
    return MergedStatement(
        id=members[0].id,
        speaker=speaker,
        speaker_text=next(
            (
                m.report.speaker_text
                for m in members
                if m.report and m.report.speaker_text and m.speaker == speaker
            ),
            report.speaker_text if report else None,
        ),
        kind=report.kind if report else "direct",
        cue=report.cue if report else None,
        text=max((m.text for m in members), key=len),
        date=when[0] if parsed else None,
        date_precision=parsed.precision if parsed else None,
        first_reported=min(published) if published else None,
        sources=len({m.document_id for m in members}),
        reports=len(members),
        evidence=tuple(
            StatementEvidence(
                statement_id=m.id,
                document_id=m.document_id,
                text=m.said or m.text,
                char_start=start,
                char_end=end,
                date=m.date,
                outlet=m.outlet,
                url=m.url,
                published=m.published,
            )
            for m, (start, end) in zip(members, said, strict=True)
        ),
    )


def _said(item: StatementInput) -> tuple[int, int]:
    if item.report is None:
        return (item.position, item.position + len(item.text))
    return said_span(item.report)


def merged_commitment(
    members: Sequence[CommitmentInput],
    knowledge: Knowledge | None,
    status: CommitmentStatus = "open",
    evidence: str | None = None,
) -> MergedCommitment:
    """The merged record of one cluster (its members in canonical order) with its status."""
    coded = next((m for m in members if m.code), None)
    actor = most_specific([m.actor for m in members], knowledge)
    wordings = sorted(
        (w for m in members for w in _wordings(m)),
        key=lambda w: (
            w.date is None,
            w.date or "",
            w.published or "9999",
            w.document_id,
            w.char_start,
        ),
    )
    dates = [w.date for w in wordings if w.date]
    return MergedCommitment(
        id=members[0].id,
        actor=actor,
        actor_text=next(
            (
                m.report.actor_text
                for m in members
                if m.report and m.report.actor_text and m.actor == actor
            ),
            None,
        ),
        target=most_specific([m.target for m in members], knowledge),
        text=members[0].wordings[0],
        code=coded.code if coded else None,
        root=coded.code_root if coded else None,
        category=coded.category if coded else None,
        status=status,
        status_evidence=evidence,
        first_stated=min(dates) if dates else None,
        last_stated=max(dates) if dates else None,
        count=len(wordings),
        sources=len({m.document_id for m in members}),
        members=tuple(m.id for m in members),
        mentions=tuple(wordings),
    )


def _wordings(item: CommitmentInput) -> list[Wording]:
    if item.report is None:
        return [
            Wording(
                item.id,
                item.document_id,
                text,
                item.stated,
                item.position,
                item.position + len(text),
                outlet=item.outlet,
                published=item.published,
            )
            for text in item.wordings
        ]
    return [
        Wording(
            item.id,
            m.document_id,
            m.text,
            m.date,
            m.char_start,
            m.char_end,
            m.statement_id,
            m.event_id,
            item.outlet,
            item.published,
        )
        for m in item.report.mentions
    ]
