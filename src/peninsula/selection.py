"""The table exports (jsonl, parquet, csv; Parquet lakes too) with the event exports' filters.

A filter (`filters.EventFilter`) picks rows in each table, by the rule of `TABLE_RULES`; the store
writes those rows only (their ids are handed to it: no SQL here), so the tables still join.
With no filter every table is written whole. Every table export writes `manifest.json` beside
the tables: the format, the filters given (`null` when not; dates normalised), the actor ids
the names resolved to, and what each table then holds (with its row count when filtered).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from peninsula.actor_names import Names
from peninsula.eventdata import plays, resolve_filter, selected_events
from peninsula.filters import EventFilter, compare_on_prefix
from peninsula.knowledge import Knowledge
from peninsula.outputs import TABLE_FORMATS, open_output
from peninsula.records import MergedCommitment, MergedEvent, Statement
from peninsula.store import Store

__all__ = ["MANIFEST", "TABLE_FORMATS", "TABLE_RULES", "export_tables", "select_tables"]

MANIFEST = "manifest.json"
# What each table holds under a filter: written to the manifest, the one statement of it.
TABLE_RULES = {
    "events": "the merged events the filters select: the rows of --format events-tsv or plover"
    " with the same filters",
    "statements": "statements (as found per document) dated within --since/--until (undated"
    " ones left out when a bound is given); --actor: the speaker, a state counting its people"
    " on the statement's date; --pair: the speaker is one side and the other side is named in"
    " the statement's words; --code, --category or --modality: only the statements an exported"
    " event was coded from or an exported commitment worded in",
    "commitments": "the commitments being stated within --since/--until (first to last"
    " statement, undated ones left out); --actor: the pledger, a state counting its people;"
    " --pair: pledger and target, either way; --code/--category: the pledged act; --modality:"
    " pledged keeps them all (a commitment is a pledge), any other modality none",
    "documents": "the documents behind any exported event, statement or commitment",
    "actors": "the actors taking part in any exported row (source, target, reporter, speaker,"
    " pledger), the actors the filters name, and the states all of them belong to",
}
_EVENT_ONLY = ("code", "category", "modality")


def select_tables(
    store: Store, knowledge: Knowledge, where: EventFilter
) -> dict[str, frozenset[str]]:
    """The ids each exported table keeps under `where` (`TABLE_RULES`), by table name."""
    where = where.checked()
    names = Names(store.actors(), knowledge)
    wanted, pair = resolve_filter(where, names)
    events = selected_events(store, where, names)
    event_ids = {e.id for e in events}
    commitments = [
        c for c in store.merged_commitments() if _commitment_kept(c, where, names, wanted, pair)
    ]
    statements = _statements(store, where, names, (wanted, pair), events, commitments)
    documents = {x.document_id for e in events for x in e.evidence}
    documents |= {s.document_id for s in statements}
    documents |= {w.document_id for c in commitments for w in c.mentions}
    taking_part = {
        *(a for e in events for a in (e.source, e.target, e.reported_by)),
        *(s.speaker for s in statements),
        *(a for c in commitments for a in (c.actor, c.target)),
        wanted,
        *(pair or ()),
    }
    return {
        "events": frozenset(event_ids),
        "statements": frozenset(s.id for s in statements),
        "commitments": frozenset(c.id for c in commitments),
        "documents": frozenset(documents),
        "actors": frozenset(_with_states({a for a in taking_part if a}, names)),
    }


def _statements(
    store: Store,
    where: EventFilter,
    names: Names,
    who: tuple[str | None, tuple[str, str] | None],
    events: Iterable[MergedEvent],
    commitments: Iterable[MergedCommitment],
) -> list[Statement]:
    wanted, pair = who
    coded_from: set[str] | None = None
    if any(getattr(where, f) is not None for f in _EVENT_ONLY):
        # The statements the kept events were coded from and the kept pledges were worded in.
        members = {x.event_id for e in events for x in e.evidence}
        coded_from = {e.statement_id for e in store.events() if e.id in members and e.statement_id}
        coded_from |= {w.statement_id for c in commitments for w in c.mentions if w.statement_id}
    mentions: dict[str, list[tuple[int, int, str]]] = {}
    if pair is not None:
        for m in store.mentions():
            if m.actor_id:
                mentions.setdefault(m.document_id, []).append(
                    (m.char_start, m.char_end, m.actor_id)
                )
    kept = []
    for s in store.statements():
        if coded_from is not None and s.id not in coded_from:
            continue
        if not _within(s.date, s.date, where):
            continue
        if wanted is not None and not plays(s.speaker, wanted, s.date, names):
            continue
        if pair is not None:
            named = [
                actor
                for start, end, actor in mentions.get(s.document_id, ())
                if start >= s.content.start and end <= s.content.end
            ]
            a, b = pair
            if not any(
                (plays(s.speaker, x, s.date, names) and plays(other, y, s.date, names))
                for x, y in ((a, b), (b, a))
                for other in named
            ):
                continue
        kept.append(s)
    return kept


def _commitment_kept(
    c: MergedCommitment,
    where: EventFilter,
    names: Names,
    wanted: str | None,
    pair: tuple[str, str] | None,
) -> bool:
    if where.modality is not None and where.modality != "pledged":
        return False
    if where.code is not None and not (c.code or "").startswith(where.code):
        return False
    if where.category is not None and (c.category or "").upper() != where.category:
        return False
    if not _within(c.first_stated, c.last_stated, where):
        return False
    days = (c.first_stated, c.last_stated)
    if wanted is not None and not any(plays(c.actor, wanted, d, names) for d in days):
        return False
    if pair is not None:
        a, b = pair
        return any(
            plays(c.actor, x, d, names) and plays(c.target, y, d, names)
            for x, y in ((a, b), (b, a))
            for d in days
        )
    return True


def _within(first: str | None, last: str | None, where: EventFilter) -> bool:
    """A row dated from `first` to `last` overlaps the filter's bounds (compared on the common
    prefix, as the events are); with a bound, an undated row does not."""
    if where.since is not None and (last is None or compare_on_prefix(last, where.since) < 0):
        return False
    return where.until is None or (first is not None and compare_on_prefix(first, where.until) <= 0)


def _with_states(actors: set[str], names: Names) -> set[str]:
    """`actors` and the states they belong to: their country and the `of` of their roles."""
    found = set(actors)
    for actor in actors:
        row = names.rows.get(actor)
        if row is not None and row.country:
            found.add(row.country)
        state = names.knowledge.state_of(actor)
        if state:
            found.add(state)
        found.update(r.of for r in names.knowledge.roles_of(actor) if r.of)
    return found


def export_tables(
    store: Store,
    knowledge: Knowledge,
    out_dir: Path,
    fmt: Literal["jsonl", "parquet", "csv"],
    where: EventFilter | None = None,
    *,
    partition: Literal["month"] | None = None,
    on_replace: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Every table into `out_dir` (`store.export`), each kept to the rows `where` selects, and
    `manifest.json`; the paths written. `on_replace` hears of each file replaced."""
    where = (where or EventFilter()).checked()
    filtered = where != EventFilter()
    keep = select_tables(store, knowledge, where) if filtered else None
    written = store.export(out_dir, fmt, on_replace=on_replace, partition=partition, keep=keep)
    wanted, pair = resolve_filter(where, Names(store.actors(), knowledge))
    manifest: dict[str, Any] = {
        "format": fmt,
        "partition": partition,
        "filters": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(where).items()},
        "actor_ids": {"actor": wanted, "pair": list(pair) if pair else None},
        "tables": {
            table: {
                "kept": TABLE_RULES[table] if filtered else "every row",
                **({"rows": len(keep[table])} if keep is not None else {}),
            }
            for table in TABLE_RULES
        },
    }
    with open_output(out_dir, MANIFEST) as (stream, replaced):
        stream.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    if replaced and on_replace is not None:
        on_replace(out_dir / MANIFEST)
    return [*written, out_dir / MANIFEST]
