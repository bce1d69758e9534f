"""Paged reads for the web app: lists a page at a time, search, single merged records by id.

Mixed into `Store`. Every list is ordered and cut in the database (`LIMIT`/`OFFSET`), with its
total counted there too, so a page of a million-row store reads one page of rows.

Search: DuckDB's `fts` extension is not bundled with the installed duckdb and the store never
downloads extensions (autoinstall is off), and a full-text index would have to be built by a
write. So search is a case-insensitive substring match (`ILIKE`) in SQL; `SEARCH_METHOD` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from peninsula.errors import NotFound, StoreError
from peninsula.records import MergedEvent
from peninsula.store import reads, rows
from peninsula.store.reads import Where
from peninsula.store.rows import StoredActor

__all__ = ["SEARCH_KINDS", "SEARCH_METHOD", "DyadTally", "EventFacet", "Pages", "Slice"]

SEARCH_METHOD = "ilike"
SEARCH_KINDS = ("documents", "statements", "events", "actors")

# What each kind of search hit matches on, and its order.
_SEARCH = {
    "documents": (
        "documents",
        ("coalesce(title, '')", "text"),
        "published DESC NULLS LAST, id",
    ),
    "statements": (
        "merged_statements",
        ("text", "coalesce(speaker_text, '')"),
        "date NULLS LAST, id",
    ),
    "events": (
        "merged_events",
        # the evidence sentences, not the JSON around them ("document" is in every record)
        (
            "coalesce(summary, '')",
            "array_to_string(json_extract_string(evidence, '$[*].sentence'), ' ')",
        ),
        "date NULLS LAST, id",
    ),
    "actors": (
        "actors",
        ("name", "id", "CAST(aliases AS VARCHAR)"),
        "verified DESC, id",
    ),
}


@dataclass(frozen=True, slots=True)
class Slice:
    """One page of a list: its items and the number of items in the whole list."""

    items: tuple[Any, ...]
    total: int


@dataclass(frozen=True, slots=True)
class EventFacet:
    """What the category and modality filters of the relations read of one merged event."""

    id: str
    category: str | None
    modality: str
    goldstein: float | None


@dataclass(frozen=True, slots=True)
class DyadTally:
    """One pair of states (a < b) in one month as the database scored it: the actual events
    (ids, and the Goldstein scores of those that have one, in date order), the others, and
    how many of those are pledged, hypothetical or negated."""

    a: str
    b: str
    month: str
    event_ids: tuple[str, ...]
    scores: tuple[float, ...]
    other_ids: tuple[str, ...]
    pledged: int
    hypothetical: int
    negated: int


class Pages:
    """The paged reads; `Store` provides the connection."""

    _con: duckdb.DuckDBPyConnection
    path: Path
    _paired: Callable[[Where], bool]

    def dyad_months(self, where: Where, sides: Sequence[Any]) -> list[DyadTally]:
        """The dyad months of the events `where` keeps (its dates, compared by month, and
        `pair`), with each side rolled up to its state on the event's date by `sides`
        (`dyad_sides.Side`s, or anything with their fields), in order of pair and month."""
        columns = [
            [s.actor for s in sides],
            [s.start for s in sides],
            [s.end for s in sides],
            [s.state for s in sides],
            [s.undated for s in sides],
            [s.fallback for s in sides],
        ]
        sql, params = reads.dyad_months(where, self._paired(where))
        found = self._page_rows(sql, [*columns, *params])
        return [
            DyadTally(
                r[0], r[1], r[2], tuple(r[3] or ()), tuple(r[4] or ()), tuple(r[5] or ()),
                int(r[6]), int(r[7]), int(r[8]),
            )
            for r in found
        ]  # fmt: skip

    def page_ids(
        self, where: Where, kinds: Sequence[str], order: Sequence[str]
    ) -> dict[str, list[str]]:
        """The ids, by kind, of the first `where.limit` records of `kinds` together, in the
        timeline's order (date, kind as in `order`, id): `where.actor`'s or all, with its dates
        and cursor (`after`, `kind_after`); from `timeline_keys`, in two reads: the greatest
        date the page can reach (`reads.page_bound`), then the page up to it."""
        ids: dict[str, list[str]] = {kind: [] for kind in kinds}
        if where.limit == 0 or not kinds:
            return ids
        bound = None
        asked = reads.page_bound(where, kinds)
        if asked is not None:
            found, last = self._page_rows(*asked)[0]
            if found == where.limit and last is not None:
                bound = str(last)
        page = replace(where, before=bound) if where.before is None else where
        for kind, ident in self._page_rows(*reads.kinds_of_page(page, kinds, order)):
            ids[kind].append(ident)
        return ids

    def page_ids_each(
        self, where: Where, kinds: Sequence[str], order: Sequence[str]
    ) -> dict[str, list[str]]:
        """The ids of the first `where.limit` records of each of `kinds` (what `page_ids`
        gives for that kind alone), in two reads of `timeline_keys` for all kinds."""
        ids: dict[str, list[str]] = {kind: [] for kind in kinds}
        if where.limit == 0 or not kinds:
            return ids
        before: dict[str, str] = {}
        asked = reads.bounds_of_each(where, kinds)
        if asked is not None:
            for kind, found, last in self._page_rows(*asked):
                if found == where.limit and last is not None:
                    before[kind] = str(last)
        for kind, ident in self._page_rows(*reads.each_kind(where, kinds, order, before)):
            ids[kind].append(ident)
        return ids

    def page_documents(self, limit: int, offset: int = 0, newest: bool = False) -> Slice:
        """Documents by publication date (undated last), or newest first."""
        order = "published DESC NULLS LAST, id" if newest else "published NULLS LAST, id"
        return self._slice("documents", order, limit, offset, rows.document)

    def page_actors(self, limit: int, offset: int = 0) -> Slice:
        """Actors, verified first, then by id (the order of `Store.actors`)."""
        return self._slice("actors", "verified DESC, id", limit, offset, rows.actor)

    def page_commitments(self, limit: int, offset: int = 0) -> Slice:
        """The commitments ledger in order of first wording (undated last)."""
        order = "first_stated NULLS LAST, id"
        return self._slice("merged_commitments", order, limit, offset, rows.merged_commitment)

    def merged_event(self, event_id: str) -> MergedEvent:
        found = self._page_dicts("SELECT * FROM merged_events WHERE id = ?", [event_id])
        if not found:
            raise NotFound(f"no event {event_id!r}")
        return rows.merged_event(found[0])

    def merged_events_by_id(self, ids: Collection[str]) -> list[MergedEvent]:
        """The merged events with these ids, in date order (undated last)."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT * FROM merged_events WHERE id IN ({marks}) ORDER BY date NULLS LAST, id"
        return [rows.merged_event(r) for r in self._page_dicts(sql, list(ids))]

    def actor_by_id(self, actor_id: str) -> StoredActor:
        found = self._page_dicts("SELECT * FROM actors WHERE id = ?", [actor_id])
        if not found:
            raise NotFound(f"no actor {actor_id!r}")
        return rows.actor(found[0])

    def latest_event_month(self) -> str | None:
        """The last month (YYYY-MM) a merged event of month or day precision is dated in."""
        found = self._page_rows(
            "SELECT max(left(date, 7)) FROM merged_events"
            " WHERE regexp_full_match(date, '\\d{4}-\\d{2}(-\\d{2})?')"
        )
        return str(found[0][0]) if found and found[0][0] is not None else None

    def documents_mark(self) -> int:
        """A mark of the documents stored so far, for `documents_since`."""
        found = self._page_rows("SELECT coalesce(max(rowid), -1) FROM documents")
        return int(found[0][0])

    def documents_since(self, mark: int) -> list[str]:
        """The ids of the documents added after `mark` (`documents_mark`), in order of adding.
        Documents are only ever appended or updated in place, so their row ids only grow."""
        found = self._page_rows("SELECT id FROM documents WHERE rowid > ? ORDER BY rowid", [mark])
        return [r[0] for r in found]

    def event_facets(
        self, category: str | None = None, modality: str | None = None, code: str | None = None
    ) -> dict[str, EventFacet]:
        """The merged events of this PLOVER category (any case), modality and CAMEO code
        prefix, by id."""
        clauses, params = [], []
        if code is not None:
            clauses.append("starts_with(coalesce(code, ''), ?)")
            params.append(code)
        if category is not None:
            clauses.append("upper(coalesce(category, '')) = ?")
            params.append(category.upper())
        if modality is not None:
            clauses.append("modality = ?")
            params.append(modality)
        sql = "SELECT id, category, modality, goldstein FROM merged_events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        found = self._page_rows(sql, params)
        return {r[0]: EventFacet(r[0], r[1], r[2], r[3]) for r in found}

    def search(self, query: str, kind: str, limit: int, offset: int = 0) -> Slice:
        """Records of `kind` (one of `SEARCH_KINDS`) containing `query`, any case: documents
        (title, text), merged statements (text, speaker), merged events (summary, evidence
        sentences) and actors (name, id, aliases). Items are the records of `Store`'s reads."""
        if kind not in _SEARCH:
            raise ValueError(f"no search over {kind!r}")
        table, columns, order = _SEARCH[kind]
        needle = "%" + _escape_like(query.strip()) + "%"
        where = " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in columns)
        params = [needle] * len(columns)
        convert = {
            "documents": rows.document,
            "statements": rows.merged_statement,
            "events": rows.merged_event,
            "actors": rows.actor,
        }[kind]
        total = self._page_rows(f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0]
        found = self._page_dicts(
            f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return Slice(tuple(convert(r) for r in found), int(total))

    def _slice(self, table: str, order: str, limit: int, offset: int, convert: Any) -> Slice:
        # `table` and `order` are this module's own names, never user input.
        total = self._page_rows(f"SELECT count(*) FROM {table}")[0][0]
        found = self._page_dicts(
            f"SELECT * FROM {table} ORDER BY {order} LIMIT ? OFFSET ?", [limit, offset]
        )
        return Slice(tuple(convert(r) for r in found), int(total))

    def _page_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._con.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {str(exc).splitlines()[0]}") from None

    def _page_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            cursor = self._con.execute(sql, list(params))
            names = [d[0] for d in cursor.description or []]
            found = cursor.fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {str(exc).splitlines()[0]}") from None
        return [dict(zip(names, row, strict=True)) for row in found]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
