"""What each page shows, as JSON-ready dicts: the HTML pages and their `/api` twins share these.

Every function reads the store through its public methods and `peninsula.query`; no SQL here.
Lists have the shape of `paging.page`: items, total, offset, limit and opaque cursors. Lists
of stored rows (documents, actors, commitments, search hits) are paged in the database.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from peninsula.errors import NotFound, SettingsError
from peninsula.knowledge import Knowledge
from peninsula.query import (
    DyadMonth,
    TimelineRow,
    cursor,
    dyads,
    first_of_each,
    resolve_actor,
    timeline,
)
from peninsula.store import Store, StoredActor, StoredDocument
from peninsula.store.pages import SEARCH_KINDS, SEARCH_METHOD
from peninsula.web.charts import charts, point_href
from peninsula.web.highlight import Span, segments
from peninsula.web.paging import Filters, Window, page

__all__ = [
    "Memo",
    "actor_page",
    "actors_page",
    "commitments_page",
    "document_page",
    "documents_page",
    "event_page",
    "overview",
    "point_page",
    "relations_page",
    "search",
    "timeline_page",
]

NEWEST = 10
OVERVIEW_CHARTS = 6
RELATION_CHARTS = 12
ACTOR_ROWS = 25  # the first rows of each list; "All events" (etc.) pages through the rest
SEARCH_LIMIT = 20
MEMO_SIZE = 16

RECENT_MONTHS = 12

# Dyad months by filters (and the recent window), kept by the app until its next write.
Memo = dict[tuple[Any, ...], Any]


def overview(store: Store, knowledge: Knowledge, memo: Memo | None = None) -> dict[str, Any]:
    """Counts, the newest documents, and charts of the pairs of states with the most events
    over the last `RECENT_MONTHS` months of events (`since`; `relations`: their months, without
    the event ids: each month's `href` lists them)."""
    newest = store.page_documents(NEWEST, newest=True)
    since = _recent(store, memo)
    found, relations = _charted(store, knowledge, None, since, OVERVIEW_CHARTS, memo)
    return {
        "counts": store.counts(),
        "newest": [_document_head(d) for d in newest.items],
        "charts": found,
        "since": since,
        "relations": relations,
    }


def warm(store: Store, knowledge: Knowledge, memo: Memo) -> None:
    """Compute into `memo` what the overview and the relations read first: the dyad months of
    the recent months with their charts, and those of every month."""
    since = _recent(store, memo)
    _charted(store, knowledge, None, since, OVERVIEW_CHARTS, memo)
    _months(store, knowledge, Filters(), memo)


def actors_page(store: Store, at: Window) -> dict[str, Any]:
    found = store.page_actors(at.limit, at.offset)
    return page([_actor(a) for a in found.items], at, found.total)


def actor_page(
    store: Store, knowledge: Knowledge, actor_id: str, memo: Memo | None = None
) -> dict[str, Any]:
    record = store.actor_by_id(actor_id)
    known = knowledge.roles_of(record.id)
    if known:
        roles = [
            {
                "title": r.title,
                "of": r.of,
                "start": r.start.isoformat() if r.start else None,
                "end": r.end.isoformat() if r.end else None,
                "source": r.source,
            }
            for r in known
        ]
    else:  # titles the articles gave an actor the knowledge base does not hold
        roles = [{**dataclasses.asdict(r), "source": "articles"} for r in record.roles]

    lists = first_of_each(store, knowledge, record.id, ACTOR_ROWS)

    def rows(kind: str) -> list[dict[str, Any]]:
        return [_row(r) for r in lists[kind]]

    since = _recent(store, memo)
    found: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    if record.kind == "state":
        # The pairs charted, with their months (as the overview): each pair is one click away.
        found, relations = _charted(store, knowledge, record.id, since, RELATION_CHARTS, memo)
    return {
        "actor": _actor(record),
        "roles": roles,
        "timeline": rows("event"),
        "statements": rows("statement"),
        "commitments": rows("commitment"),
        "relations": relations,
        "charts": found,
        "since": since,
        "more_at": ACTOR_ROWS,
    }


def event_page(store: Store, event_id: str) -> dict[str, Any]:
    return dataclasses.asdict(store.merged_event(event_id))


def documents_page(store: Store, at: Window) -> dict[str, Any]:
    found = store.page_documents(at.limit, at.offset)
    return page([_document_head(d) for d in found.items], at, found.total)


def document_page(store: Store, document_id: str) -> dict[str, Any]:
    document = store.document(document_id)
    merged_events = store.merged_ids("events")
    merged_statements = store.merged_ids("statements")
    statements = [
        {
            **dataclasses.asdict(s),
            "id": s.id,
            "merged_id": merged_statements.get(s.id),
            "anchor": _anchor("statement", s.id),
        }
        for s in store.statements(document.id)
    ]
    events = [
        {
            **dataclasses.asdict(e),
            "id": e.id,
            "merged_id": merged_events.get(e.id),
            "anchor": _anchor("event", e.id),
        }
        for e in store.events(document.id)
    ]
    spans = [
        Span(
            s["content"]["start"],
            s["content"]["end"],
            "statement",
            "#" + s["anchor"],
            f"{s['speaker_text'] or s['speaker'] or 'unknown speaker'} ({s['kind']})",
        )
        for s in statements
    ]
    for e in events:
        start = e["trigger_start"]
        if document.text[start : start + len(e["trigger"])] != e["trigger"] or not e["trigger"]:
            continue  # a trigger whose offset does not point at it is not marked
        href = f"/events/{quote(e['merged_id'], safe='')}" if e["merged_id"] else "#" + e["anchor"]
        label = f"{e['code']} {e['modality']}: {e['summary']}"
        spans.append(Span(start, start + len(e["trigger"]), "event", href, label))
    return {
        **_document_head(document),
        "text": document.text,
        "segments": segments(document.text, spans),
        "date_confidence": document.date_confidence,
        "date_evidence": [dataclasses.asdict(e) for e in document.date_evidence],
        "date_conflicts": [dataclasses.asdict(c) for c in document.date_conflicts],
        "statements": statements,
        "events": events,
    }


def timeline_page(
    store: Store, knowledge: Knowledge, filters: Filters, at: Window
) -> dict[str, Any]:
    """A page of the timeline: read from just after the row a cursor names (else the first
    rows up to the page's end), more while the category and modality filters drop rows; never
    the whole timeline, so `total` is None. The next page's cursor names this page's last row."""
    kinds = ("event",) if filters.events_only else filters.kinds
    if filters.events_only and "event" not in filters.kinds:
        return page([], at, 0)
    start = 0 if at.key is not None else at.offset
    wanted = start + at.limit + 1  # one more row tells whether a next page exists
    ask = wanted
    while True:
        rows = timeline(
            store,
            knowledge,
            actor=filters.actor,
            dyad=filters.pair,
            since=filters.since,
            until=filters.until,
            kinds=kinds,
            limit=ask,
            after=at.key,
        )
        kept = [r for r in rows if _kept(r, filters)]
        if len(kept) >= wanted or len(rows) < ask:
            break
        ask *= 4
    shown = kept[start : start + at.limit]
    more = len(kept) > start + at.limit
    key = cursor(shown[-1]) if more and shown else None
    return page([_row(r) for r in shown], at, None, more=more, next_key=key)


def relations_page(
    store: Store, knowledge: Knowledge, filters: Filters, at: Window, memo: Memo | None = None
) -> dict[str, Any]:
    """Pairs of states per month, `at` paging the table; `charts` draw every pair filtered."""
    months = _months(store, knowledge, filters, memo)
    state = None
    if filters.actor is not None:
        state = _state_of(store, knowledge, filters.actor)
        months = [m for m in months if state in (m["a"], m["b"])]
    found = page(months[at.offset : at.offset + at.limit], at, len(months))
    # The charts of every pair filtered: the same for each page of the table, kept with it.
    key = ("charts", state, *_key(filters))
    if memo is None or key not in memo:
        drawn = charts(months, keep=_keep(filters), most=RELATION_CHARTS)
        if memo is None:
            return {**found, "charts": drawn}
        _remember(memo, key, drawn)
    return {**found, "charts": memo[key]}


def point_page(
    store: Store,
    knowledge: Knowledge,
    a: str,
    b: str,
    month: str,
    filters: Filters,
    at: Window,
    memo: Memo | None = None,
) -> dict[str, Any]:
    """One point of a chart: a pair of states in a month, with the events behind it (`events`:
    a page of them, actual ones first)."""
    where = dataclasses.replace(filters, pair=(a, b), since=month, until=month)
    months = [m for m in _months(store, knowledge, where, memo) if (m["a"], m["b"]) == (a, b)]
    if not months:
        raise NotFound(f"no events between {a} and {b} in {month}")
    point = months[0]
    ids = [*point["event_ids"], *point["other_ids"]]
    chosen = ids[at.offset : at.offset + at.limit]
    found = {e.id: e for e in store.merged_events_by_id(chosen)}
    events = [dataclasses.asdict(found[i]) for i in chosen if i in found]
    return {**_light(point), "events": page(events, at, len(ids))}


def commitments_page(store: Store, at: Window) -> dict[str, Any]:
    found = store.page_commitments(at.limit, at.offset)
    return page([dataclasses.asdict(c) for c in found.items], at, found.total)


def search(store: Store, query: str, kind: str | None, at: Window) -> dict[str, Any]:
    """Documents, statements, events and actors containing `query` (any case): the first
    `SEARCH_LIMIT` of each kind with their totals, or with `kind`, one kind paged by `at`."""
    out: dict[str, Any] = {"q": query, "method": SEARCH_METHOD, "kind": kind}
    totals: dict[str, int] = {}
    for name in SEARCH_KINDS:
        if not query.strip() or (kind is not None and name != kind):
            out[name], totals[name] = [], 0
            continue
        limit, offset = (at.limit, at.offset) if kind else (SEARCH_LIMIT, 0)
        found = store.search(query, name, limit, offset)
        out[name] = [_hit(name, item) for item in found.items]
        totals[name] = found.total
        if kind is not None:
            out["page"] = page(out[name], Window(offset, limit), found.total)
    out["totals"] = totals
    if kind is not None and "page" not in out:
        out["page"] = page([], at, 0)
    return out


def _hit(kind: str, item: Any) -> dict[str, Any]:
    if kind == "documents":
        return _document_head(item)
    if kind == "actors":
        return _actor(item)
    if kind == "statements":
        return {"id": item.id, "text": item.text, "speaker": item.speaker, "date": item.date}
    return {"id": item.id, "summary": item.summary, "date": item.date, "code": item.code}


def _months(
    store: Store, knowledge: Knowledge, filters: Filters, memo: Memo | None
) -> list[dict[str, Any]]:
    """The dyad months the filters keep, each with the `href` of its events. Category and
    modality keep the events they describe and score the months again (the mean over the
    actual ones among them). `memo` keeps answers until the store changes."""
    key = _key(filters)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    out = _scored(store, knowledge, filters)
    for m in out:
        m["href"] = point_href(m["a"], m["b"], m["month"], _keep(filters))
    if memo is not None:
        _remember(memo, key, out)
    return out


def _charted(
    store: Store,
    knowledge: Knowledge,
    state: str | None,
    since: str | None,
    most: int,
    memo: Memo | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The charts of the `most` busiest pairs (of `state`, else of all) since `since`, and
    those pairs' months without their event ids; kept in `memo` until the store changes (in
    one entry of their own, so that actor pages never push the months out)."""
    key = (state, since, most)
    kept: Memo = memo.setdefault(("charts",), {}) if memo is not None else {}
    if key in kept:
        return kept[key]  # type: ignore[no-any-return]
    months = _months(store, knowledge, Filters(since=since), memo)
    if state is not None:
        months = [m for m in months if state in (m["a"], m["b"])]
    found = charts(months, most=most)
    charted = {(c["a"], c["b"]) for c in found}
    out = (found, [_light(m) for m in months if (m["a"], m["b"]) in charted])
    _remember(kept, key, out)
    return out


def _key(filters: Filters) -> tuple[Any, ...]:
    """What the dyad months of `_months` depend on."""
    return (
        filters.pair,
        filters.since,
        filters.until,
        filters.category,
        filters.modality,
        filters.code,
    )


def _remember(memo: Memo, key: tuple[Any, ...], value: Any) -> None:
    while len(memo) >= MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[key] = value


def _scored(store: Store, knowledge: Knowledge, filters: Filters) -> list[dict[str, Any]]:
    months = dyads(store, knowledge, pair=filters.pair, since=filters.since, until=filters.until)
    if not filters.events_only:
        return _relations(months)
    facets = store.event_facets(filters.category, filters.modality, filters.code)
    out = []
    for m in months:
        actual = [i for i in m.event_ids if i in facets]
        others = [i for i in m.other_ids if i in facets]
        if not actual and not others:
            continue
        scores = [g for i in actual if (g := facets[i].goldstein) is not None]
        modality = [facets[i].modality for i in others]
        out.append(
            {
                **dataclasses.asdict(m),
                "mean_goldstein": round(sum(scores) / len(scores), 3) if scores else None,
                "count": len(actual),
                "pledged": modality.count("pledged"),
                "hypothetical": modality.count("hypothetical"),
                "negated": modality.count("negated"),
                "event_ids": actual,
                "other_ids": others,
            }
        )
    return out


def _recent(store: Store, memo: Memo | None) -> str | None:
    """The first of the last `RECENT_MONTHS` months with events (None: no dated events)."""
    if memo is not None and ("recent",) in memo:
        return memo[("recent",)]  # type: ignore[no-any-return]
    last = store.latest_event_month()
    since = None
    if last is not None:
        year, month = divmod(int(last[:4]) * 12 + int(last[5:7]) - 1 - (RECENT_MONTHS - 1), 12)
        since = f"{year:04d}-{month + 1:02d}"
    if memo is not None:
        memo[("recent",)] = since
    return since


def _state_of(store: Store, knowledge: Knowledge, actor: str) -> str:
    """The state an actor (id, name or alias) is or belongs to, for the relations' filter."""
    actor_id = resolve_actor(actor, store, knowledge)
    state = knowledge.state_of(actor_id)
    if state is None:
        raise SettingsError(f"{actor!r} is not a state and belongs to none: use pair=A,B")
    return state


def _kept(row: TimelineRow, filters: Filters) -> bool:
    """Whether an event row has the filters' category (any case) and modality."""
    if filters.modality is not None and row.modality != filters.modality:
        return False
    if filters.code is not None and not (row.code or "").startswith(filters.code):
        return False
    category = str(row.extra.get("category") or "").upper()
    return filters.category is None or category == filters.category


def _keep(filters: Filters) -> dict[str, str]:
    """The filters a point's link carries."""
    return {
        "category": filters.category or "",
        "modality": filters.modality or "",
        "code": filters.code or "",
    }


def _light(month: Mapping[str, Any]) -> dict[str, Any]:
    """A dyad month without its event ids (its `href` lists them)."""
    return {k: v for k, v in month.items() if k not in ("event_ids", "other_ids")}


def _anchor(kind: str, record_id: str) -> str:
    """An HTML id for a record of a page: letters, digits, - and _ only."""
    return kind + "-" + re.sub(r"[^A-Za-z0-9_-]", "-", record_id)


def _row(row: TimelineRow) -> dict[str, Any]:
    return {**row.as_dict(), "category": row.extra.get("category")}


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
    out = []
    for m in months:
        d: Mapping[str, Any] = dataclasses.asdict(m)
        out.append({**d, "event_ids": list(m.event_ids), "other_ids": list(m.other_ids)})
    return out
