"""What each page shows, as JSON-ready dicts: the HTML pages and their `/api` twins share these.

Every function reads the store through its public methods and `peninsula.query`; no SQL here.
Lists are paginated by offset: `{"items", "total", "offset", "limit"}`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peninsula.errors import NotFound
from peninsula.knowledge import Knowledge
from peninsula.query import KINDS, DyadMonth, dyads, timeline
from peninsula.store import Store, StoredActor, StoredDocument

__all__ = [
    "Filters",
    "actor_page",
    "actors_page",
    "commitments_page",
    "document_page",
    "documents_page",
    "event_page",
    "overview",
    "page",
    "relations_page",
    "search",
    "timeline_page",
]

NEWEST = 10
SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Filters:
    """The CLI's filters: actor, pair (two actors), since, until, kinds."""

    actor: str | None = None
    pair: tuple[str, str] | None = None
    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = KINDS


def page(items: Sequence[Any], offset: int, limit: int) -> dict[str, Any]:
    return {
        "items": list(items[offset : offset + limit]),
        "total": len(items),
        "offset": offset,
        "limit": limit,
    }


def overview(store: Store, knowledge: Knowledge) -> dict[str, Any]:
    documents = sorted(store.documents(), key=lambda d: d.published or "", reverse=True)
    return {
        "counts": store.counts(),
        "newest": [_document_head(d) for d in documents[:NEWEST]],
        "relations": _relations(dyads(store, knowledge)),
    }


def actors_page(store: Store, offset: int, limit: int) -> dict[str, Any]:
    return page([_actor(a) for a in store.actors()], offset, limit)


def actor_page(store: Store, knowledge: Knowledge, actor_id: str) -> dict[str, Any]:
    record = _find_actor(store, actor_id)
    rows = [r.as_dict() for r in timeline(store, knowledge, actor=record.id)]
    relations = [
        month
        for month in _relations(dyads(store, knowledge))
        if record.id in (month["a"], month["b"])
    ]
    return {
        "actor": _actor(record),
        "timeline": [r for r in rows if r["kind"] == "event"],
        "statements": [r for r in rows if r["kind"] == "statement"],
        "commitments": [r for r in rows if r["kind"] == "commitment"],
        "relations": relations,
    }


def event_page(store: Store, event_id: str) -> dict[str, Any]:
    for event in store.merged_events():
        if event.id == event_id:
            return dataclasses.asdict(event)
    raise NotFound(f"no event {event_id!r}")


def documents_page(store: Store, offset: int, limit: int) -> dict[str, Any]:
    return page([_document_head(d) for d in store.documents()], offset, limit)


def document_page(store: Store, document_id: str) -> dict[str, Any]:
    document = store.document(document_id)
    merged_events = store.merged_ids("events")
    merged_statements = store.merged_ids("statements")
    statements = [
        {**dataclasses.asdict(s), "id": s.id, "merged_id": merged_statements.get(s.id)}
        for s in store.statements(document.id)
    ]
    events = [
        {**dataclasses.asdict(e), "id": e.id, "merged_id": merged_events.get(e.id)}
        for e in store.events(document.id)
    ]
    return {
        **_document_head(document),
        "text": document.text,
        "date_confidence": document.date_confidence,
        "date_evidence": [dataclasses.asdict(e) for e in document.date_evidence],
        "date_conflicts": [dataclasses.asdict(c) for c in document.date_conflicts],
        "statements": statements,
        "events": events,
    }


def timeline_page(
    store: Store, knowledge: Knowledge, filters: Filters, offset: int, limit: int
) -> dict[str, Any]:
    rows = timeline(
        store,
        knowledge,
        actor=filters.actor,
        dyad=filters.pair,
        since=filters.since,
        until=filters.until,
        kinds=filters.kinds,
    )
    return page([r.as_dict() for r in rows], offset, limit)


def relations_page(
    store: Store, knowledge: Knowledge, filters: Filters, offset: int, limit: int
) -> dict[str, Any]:
    months = dyads(store, knowledge, pair=filters.pair, since=filters.since, until=filters.until)
    return page(_relations(months), offset, limit)


def commitments_page(store: Store, offset: int, limit: int) -> dict[str, Any]:
    return page([dataclasses.asdict(c) for c in store.merged_commitments()], offset, limit)


def search(store: Store, query: str) -> dict[str, Any]:
    """Case-insensitive substring search over documents, statements, events and actors.

    DuckDB's `fts` extension is not bundled with the installed duckdb and extensions are never
    downloaded, so this scans the store's records.
    """
    needle = query.strip().casefold()
    hits: dict[str, list[dict[str, Any]]] = {
        "documents": [],
        "statements": [],
        "events": [],
        "actors": [],
    }
    if not needle:
        return {"q": query, **hits}
    for d in store.documents():
        if needle in (d.title or "").casefold() or needle in d.text.casefold():
            hits["documents"].append(_document_head(d))
    for s in store.merged_statements():
        if needle in s.text.casefold() or needle in (s.speaker_text or "").casefold():
            hits["statements"].append({"id": s.id, "text": s.text, "speaker": s.speaker})
    for e in store.merged_events():
        texts = [e.summary or "", *(x.sentence for x in e.evidence)]
        if any(needle in t.casefold() for t in texts):
            hits["events"].append(
                {"id": e.id, "summary": e.summary, "date": e.date, "code": e.code}
            )
    for a in store.actors():
        if any(needle in n.casefold() for n in (a.name, a.id, *a.aliases)):
            hits["actors"].append(_actor(a))
    return {"q": query, **{k: v[:SEARCH_LIMIT] for k, v in hits.items()}}


def _find_actor(store: Store, actor_id: str) -> StoredActor:
    for a in store.actors():
        if a.id == actor_id:
            return a
    raise NotFound(f"no actor {actor_id!r}")


def _actor(a: StoredActor) -> dict[str, Any]:
    return dataclasses.asdict(a)


def _document_head(d: StoredDocument) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "url": d.url,
        "outlet": d.outlet,
        "published": d.published,
        "date_precision": d.date_precision,
    }


def _relations(months: Sequence[DyadMonth]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(m) for m in months]
