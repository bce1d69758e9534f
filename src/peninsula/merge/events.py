"""Events: when two reports are one happening, and what the merged record shows.

Two event reports may be one happening (`fits`) when all of these hold:

- *modality* is the same (an `actual` event never merges with a `pledged` or `negated` one);
- they are not one trigger coded twice (same document, sentence and trigger lemma): the two
  events the extractor codes from one consultation, one each way, stay two, as CAMEO has them;
- *codes* are compatible when both are known (same CAMEO root or PLOVER category);
- *dates* are compatible given their precision;
- *participants* are compatible role by role on the day of the pair (the finer date, else the
  earlier publication); for consultations (CAMEO 04: meetings, visits, talks) source and target
  may be read either way round.

They then link (an edge of the graph, `graph`) when their triggers agree (same lemma, both
coded, or with an embedder a trigger cosine >= `trigger`) and the link model's score
(`link_model`) reaches `agreed_threshold` when the participants agree (sources named on both
sides, targets named on both or on neither), else its `threshold`: an unknown participant is
compatible with anything only when the text is strong evidence. A cluster holds reports that
fit pairwise; it is formed greedily in canonical order (`graph.greedy`).

Blocking: two reports are compared only when they share a cheap key within their modality:
the trigger lemma, the CAMEO root or the PLOVER category (with an embedder, an uncoded report
is compared with every report of its modality, as its trigger may be a synonym).

The merged record: the most specific participants (a person over their state, then the most
often named), the most frequent code (the first in canonical order on a tie), the most precise
date, every report as evidence.

The two directions of a symmetric event ("Lee held talks with Trump", CAMEO 04 coded Lee→Trump
and Trump→Lee from one trigger) are two clusters, as CAMEO has them: a later report joins the one
it fits best, and they are re-clustered together (a `mirror` edge keeps them in one component).
They are stored as one merged record, one happening: the cluster first in canonical order gives
its participants, code and date (of the two directions of one trigger, the one whose source
reports it, else the one the sentence names first: `_head_key`), the other's reports are evidence
too, and `mirror` names the first report of the other direction; every member row takes the
record's merged id.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peninsula.knowledge import Knowledge, LinkModel, default_knowledge
from peninsula.merge.compatibility import (
    actors_compatible,
    codes_compatible,
    dates_compatible,
    day_of,
    finer,
    most_specific,
)
from peninsula.merge.graph import Graph, greedy
from peninsula.merge.inputs import EventInput, canonical
from peninsula.merge.link_model import lemma, pair_features, phrase, scores, texts_of
from peninsula.merge.similarity import (
    EMBEDDING_THRESHOLDS,
    LEXICAL_THRESHOLDS,
    Embedder,
    Texts,
    Thresholds,
)
from peninsula.records import Edge, Event, EventEvidence, MergedEvent, PartialDate, Precision

__all__ = [
    "SYMMETRIC_ROOTS",
    "EventIndex",
    "agrees",
    "candidate_pairs",
    "check",
    "cluster_events",
    "edges",
    "fits",
    "happenings",
    "merge_events",
    "merged_event",
    "mirror_edges",
]

# CAMEO roots whose source and target may be read either way round (meet, visit/host, talks).
SYMMETRIC_ROOTS = frozenset({"04"})


def pair_day(a: EventInput, b: EventInput) -> date | None:
    """The day participants are compared on: the finer of the two dates, else the earlier
    publication."""
    found = day_of(*finer((a.date, a.date_precision), (b.date, b.date_precision)))
    if found is not None:
        return found
    published = [d for d in (day_of(a.published), day_of(b.published)) if d is not None]
    return min(published) if published else None


def _roles(a: EventInput, b: EventInput, knowledge: Knowledge | None) -> tuple[bool, bool]:
    """(compatible, agree): participants compatible role by role, and named and compatible
    (sources on both sides, targets on both or on neither). Consultations read either way."""
    days: list[date | None] = []

    def same(x: str | None, y: str | None) -> bool:
        if x is None or y is None or x == y:
            return True
        if not days:
            days.append(pair_day(a, b))  # the day, once, and only when it matters
        return actors_compatible(x, y, knowledge, days[0])

    orders = [(a.source, a.target, b.source, b.target)]
    if a.code_root in SYMMETRIC_ROOTS or b.code_root in SYMMETRIC_ROOTS:
        orders += [
            (a.target, a.source, b.source, b.target),
            (a.source, a.target, b.target, b.source),
        ]
    compatible = agree = False
    for source, target, other_source, other_target in orders:
        if same(source, other_source) and same(target, other_target):
            compatible = True
            # Every event has a source; a target may be absent from both (a missile launch).
            if source and other_source and bool(target) == bool(other_target):
                agree = True
    return compatible, agree


_NO = (False, False)


def check(a: EventInput, b: EventInput, knowledge: Knowledge | None) -> tuple[bool, bool]:
    """(fits, agree): the hard cues (modality, not one trigger twice, codes, dates,
    participants), and whether the participants are named and compatible."""
    if a.modality != b.modality:
        return _NO
    if (
        a.code_root
        and b.code_root
        and not codes_compatible(a.code_root, a.category, b.code_root, b.category)
    ):
        return _NO
    if not dates_compatible(a.date, b.date, a.date_precision, b.date_precision):
        return _NO
    if (a.document_id, a.sentence, lemma(a)) == (b.document_id, b.sentence, lemma(b)):
        return _NO  # one trigger coded each way round is two events, as CAMEO has it
    return _roles(a, b, knowledge)


def fits(a: EventInput, b: EventInput, knowledge: Knowledge | None) -> bool:
    return check(a, b, knowledge)[0]


def agrees(a: EventInput, b: EventInput, knowledge: Knowledge | None) -> bool:
    return check(a, b, knowledge)[1]


class EventIndex:
    """Blocking keys to reports, per modality: lemma, root, category; with an embedder, the
    uncoded reports and all reports too (an uncoded trigger may be a synonym of any)."""

    def __init__(self, embedded: bool) -> None:
        self.embedded = embedded
        self.keys: dict[tuple[str, str, str], list[str]] = {}

    def _keys(self, event: EventInput) -> list[tuple[str, str, str]]:
        keys: list[tuple[str, str, str]] = [(event.modality, "lemma", lemma(event))]
        if event.code_root:
            keys.append((event.modality, "root", event.code_root))
            if event.category:
                keys.append((event.modality, "category", event.category))
        elif self.embedded:
            keys.append((event.modality, "uncoded", ""))
        if self.embedded:
            keys.append((event.modality, "all", ""))
        return keys

    def add(self, event: EventInput) -> None:
        for key in self._keys(event):
            self.keys.setdefault(key, []).append(event.id)

    def candidates(self, event: EventInput) -> set[str]:
        wanted = [k for k in self._keys(event) if k[1] != "all"]
        if self.embedded:
            # An uncoded report may be anything; a coded one may be an uncoded synonym.
            everything = not event.code_root
            wanted.append((event.modality, "all" if everything else "uncoded", ""))
        return {i for key in wanted for i in self.keys.get(key, ())} - {event.id}


def _triggers_agree(
    event: EventInput, others: Sequence[EventInput], texts: Texts, limits: Thresholds
) -> NDArray[np.bool_]:
    """Same lemma, both coded, or (with an embedder) lemma or phrase cosine >= `trigger`."""
    agree = np.array([lemma(o) == lemma(event) for o in others], dtype=bool)
    if event.code_root is not None:
        agree |= np.array([o.code_root is not None for o in others], dtype=bool)
    if texts.embedder is not None and len(others):
        agree |= texts.cosines(lemma(event), [lemma(o) for o in others]) >= limits.trigger
        agree |= texts.cosines(phrase(event), [phrase(o) for o in others]) >= limits.trigger
    return agree


def edges(
    new: Sequence[EventInput],
    known: Mapping[str, EventInput],
    index: EventIndex,
    texts: Texts,
    model: LinkModel,
    limits: Thresholds,
    knowledge: Knowledge | None,
) -> list[Edge]:
    """The edges of the `new` reports (already in `known` and `index`) with every known one,
    each pair once."""
    fresh = {e.id for e in new}
    pools: list[list[EventInput]] = []
    for event in new:
        pool = [known[i] for i in index.candidates(event)]
        pools.append(
            sorted(
                (o for o in pool if o.id not in fresh or canonical(o) < canonical(event)),
                key=canonical,
            )
        )
    if texts.embedder is not None:
        every = {e.id: e for e in new} | {o.id: o for pool in pools for o in pool}
        texts.ensure(texts_of(list(every.values())))  # each report's texts once
    found: list[Edge] = []
    for event, pool in zip(new, pools, strict=True):
        agreeing = [
            o for o, ok in zip(pool, _triggers_agree(event, pool, texts, limits), strict=True) if ok
        ]
        checked = [(o, check(event, o, knowledge)) for o in agreeing]
        roles = [(o, result) for o, result in checked if result[0]]
        if not roles:
            continue
        scored = scores(model, pair_features(event, [o for o, _ in roles], texts))
        for (other, (_, agree)), score in zip(roles, scored, strict=True):
            if score >= (model.agreed_threshold if agree else model.threshold):
                a, b = sorted((event.id, other.id))
                found.append(
                    Edge("event", a, b, float(score), model.agreed_threshold, model.threshold)
                )
    return found


def _twin_key(event: EventInput) -> tuple[str, str, str, frozenset[str]] | None:
    if event.code_root not in SYMMETRIC_ROOTS or not event.source or not event.target:
        return None
    return (
        event.document_id,
        event.sentence,
        event.code or "",
        frozenset((event.source, event.target)),
    )


def mirror_edges(new: Iterable[EventInput]) -> list[Edge]:
    """The two directions of one symmetric event ("Lee held talks with Trump" is coded
    Lee→Trump and Trump→Lee from one trigger), joined so that they are clustered together."""
    first: dict[tuple[str, str, str, frozenset[str]], str] = {}
    found = []
    for event in sorted(new, key=canonical):
        key = _twin_key(event)
        if key is None:
            continue
        seen = first.setdefault(key, event.id)
        if seen != event.id:
            a, b = sorted((seen, event.id))
            found.append(Edge("mirror", a, b, 0.0, 1.0, 1.0))
    return found


def cluster(
    items: Iterable[EventInput], graph: Graph, knowledge: Knowledge | None
) -> list[list[EventInput]]:
    """The clusters of one or more whole components, in canonical order."""
    return greedy(
        sorted(items, key=canonical), lambda e: e.id, graph, lambda a, b: check(a, b, knowledge)
    )


def named_at(actor: str | None, sentence: str, knowledge: Knowledge | None) -> int:
    """Where a sentence first names an actor (its name, an alias, or a word of its name: "Lee"),
    case and hyphens aside; the sentence's length when it does not."""
    if actor is None:
        return len(sentence)
    found = knowledge.actor(actor) if knowledge is not None else None
    names = [found.name, *found.aliases] if found else [actor.removeprefix("new:")]
    words = {w for n in names for w in _FOLD.sub(" ", n.lower()).split() if len(w) > 2}
    text = _FOLD.sub(" ", sentence.lower())
    at = [
        m.start()
        for n in [*(_FOLD.sub(" ", n.lower()).strip() for n in names), *words]
        if n
        for m in [re.search(rf"\b{re.escape(n)}\b", text)]
        if m
    ]
    return min(at, default=len(sentence))


_FOLD = re.compile(r"[-_\s]+")


def _head_key(cluster: Sequence[EventInput], knowledge: Knowledge | None) -> tuple[Any, ...]:
    """Which direction of a symmetric event its record shows: the cluster first in canonical
    order; of the two directions of one trigger, the one whose source reports it ("after talks
    with Ahn, Hegseth said" is Hegseth→Ahn), else the one whose source the sentence names first
    ("Putin met Kim" is Putin→Kim): a function of the reports alone, never of their ids."""
    first = cluster[0]
    published, document, position, event_id = canonical(first)
    if first.code_root not in SYMMETRIC_ROOTS:
        return (published, document, position, False, 0, event_id)
    reporter = first.report.reported_by if first.report else None
    told = reporter is not None and reporter == first.source
    named = named_at(first.source, first.sentence, knowledge)
    return (published, document, position, not told, named, event_id)


def happenings(
    clusters: Sequence[Sequence[EventInput]],
    knowledge: Knowledge | None = None,
) -> list[tuple[Sequence[EventInput], list[EventInput]]]:
    """Clusters grouped into happenings: a cluster with the clusters holding the other direction
    of one of its symmetric events (its mirrors), which are shown with it as one record. Each
    group is (its head cluster, the members of its mirrors): the head is first by `_head_key`."""
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str, str, frozenset[str]], int] = {}
    for number, members in enumerate(clusters):
        for m in members:
            key = _twin_key(m)
            if key is None:
                continue
            seen = owner.setdefault(key, number)
            a, b = root(seen), root(number)
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for number in sorted(range(len(clusters)), key=lambda n: _head_key(clusters[n], knowledge)):
        groups.setdefault(root(number), []).append(number)
    return [
        (clusters[first], sorted((m for n in rest for m in clusters[n]), key=canonical))
        for first, *rest in groups.values()
    ]


def cluster_events(
    items: Sequence[EventInput],
    *,
    model: LinkModel,
    limits: Thresholds,
    texts: Texts,
    knowledge: Knowledge | None = None,
) -> list[list[EventInput]]:
    """Every cluster of a set of reports, at once, in canonical order of their first members
    (the two directions of a symmetric event: two clusters)."""
    known = {e.id: e for e in items}
    index = EventIndex(texts.embedder is not None)
    for event in known.values():
        index.add(event)
    new = list(known.values())
    graph = Graph([*edges(new, known, index, texts, model, limits, knowledge), *mirror_edges(new)])
    found = [
        c
        for part in graph.components(sorted(known))
        for c in cluster((known[i] for i in part), graph, knowledge)
    ]
    return sorted(found, key=lambda c: canonical(c[0]))


def merge_events(
    items: Sequence[EventInput],
    *,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    link_model: LinkModel | None = None,
    thresholds: Thresholds | None = None,
) -> list[MergedEvent]:
    """The merged events of a set of reports (in canonical order of their first members).
    `link_model`: default the shipped one (over embeddings with an embedder, else lexical)."""
    links = (knowledge or default_knowledge()).links or default_knowledge().links
    assert links is not None
    model = link_model or links.pick(lexical=embedder is None)
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    texts = Texts(embedder)
    clusters = cluster_events(items, model=model, limits=limits, texts=texts, knowledge=knowledge)
    return [merged_event(first, knowledge, rest) for first, rest in happenings(clusters, knowledge)]


def candidate_pairs(
    events: Sequence[EventInput], texts: Texts, limits: Thresholds
) -> tuple[list[tuple[int, int]], NDArray[np.float64]]:
    """Every pair (i, j), j < i, of `events` that merging would score (same modality, triggers
    agreeing), and their link-model features: the link models are learned from these
    (`benchmarks/ecbplus_train.py`)."""
    if texts.embedder is not None:
        texts.ensure(texts_of(events))
    pairs: list[tuple[int, int]] = []
    found: list[NDArray[np.float64]] = []
    for i, event in enumerate(events):
        earlier = [j for j in range(i) if events[j].modality == event.modality]
        agree = _triggers_agree(event, [events[j] for j in earlier], texts, limits)
        chosen = [j for j, ok in zip(earlier, agree, strict=True) if ok]
        if chosen:
            found.append(pair_features(event, [events[j] for j in chosen], texts))
            pairs += [(i, j) for j in chosen]
    return pairs, (np.concatenate(found) if found else np.zeros((0, 9)))


def merged_event(
    members: Sequence[EventInput],
    knowledge: Knowledge | None,
    mirrored: Sequence[EventInput] = (),
) -> MergedEvent:
    """The merged record of one cluster (its members in canonical order) and of the reports
    of its other direction (`mirrored`), which are evidence too."""
    codes = Counter(m.code for m in members if m.code)
    typical = None
    if codes:
        top = max(codes.values())
        typical = next(m for m in members if m.code and codes[m.code] == top)
    source = most_specific([m.source for m in members], knowledge)
    target = most_specific([m.target for m in members if m.target != source], knowledge)
    when = supported_date(members)
    parsed = PartialDate.parse(*when)
    published = [m.published for m in members if m.published]
    report = typical.report if typical else None
    chosen = (typical.code if typical else None, source, target)
    shown = next((m for m in members if (m.code, m.source, m.target) == chosen), typical)
    reporters = Counter(m.report.reported_by for m in members if m.report and m.report.reported_by)
    return MergedEvent(
        id=members[0].id,
        source=source,
        target=target,
        code=typical.code if typical else None,
        root=typical.code_root if typical else None,
        category=typical.category if typical else None,
        mode=report.mode if report else None,
        modality=members[0].modality,
        goldstein=report.goldstein if report else None,
        date=when[0] if parsed else None,
        date_precision=parsed.precision if parsed else None,
        first_reported=min(published) if published else None,
        sources=len({m.document_id for m in [*members, *mirrored]}),
        reports=len(members) + len(mirrored),
        summary=shown.report.summary if shown and shown.report else None,
        reported_by=reporters.most_common(1)[0][0] if reporters else None,
        source_text=_text_of(members, source, lambda r: (r.source, r.source_text)),
        target_text=_text_of(members, target, lambda r: (r.target, r.target_text)),
        mirror=mirrored[0].id if mirrored else None,
        evidence=tuple(_evidence(m) for m in sorted([*members, *mirrored], key=canonical)),
    )


def supported_date(members: Sequence[EventInput]) -> tuple[str | None, Precision | None]:
    """The date most reports agree with: each candidate counts the documents whose own date is
    compatible with it; the finest of the best supported wins. One report's finer date from
    another article ("signed in 2024" merged with a 2025 mention) no longer outvotes the rest."""
    dated = [(m.document_id, m.date, m.date_precision) for m in members if m.date]
    best: tuple[str | None, Precision | None] = (None, None)
    most = 0
    for _, value, precision in dated:
        support = len({d for d, v, p in dated if dates_compatible(value, v, precision, p)})
        if support > most:
            best, most = (value, precision), support
        elif support == most:
            best = finer(best, (value, precision))
    return best


def _text_of(
    members: Sequence[EventInput],
    actor: str | None,
    side: Callable[[Event], tuple[str | None, str | None]],
) -> str | None:
    """The words a report used for the chosen participant (any report's when it is unknown)."""
    texts = [side(m.report) for m in members if m.report]
    return next((t for a, t in texts if t and a == actor), None) or next(
        (t for _, t in texts if t), None
    )


def _evidence(event: EventInput) -> EventEvidence:
    report = event.report
    return EventEvidence(
        event_id=event.id,
        document_id=event.document_id,
        sentence=event.sentence,
        char_start=report.char_start if report else 0,
        char_end=report.char_end if report else 0,
        trigger=event.trigger,
        trigger_start=event.position,
        outlet=event.outlet,
        url=event.url,
        published=event.published,
    )
