"""Filtered reads of the merged tables: the WHERE clauses behind `query.timeline` and `dyads`,
so that a question over a million merged records reads only the rows it needs.

A `Where` names the filters; `select` turns one into a parameterised statement. Dates compare as
ISO (partial) dates on their common prefix, as in `query`: "2025" is within `since="2025-09"`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

# Per table read here: the columns naming an actor, the date a row starts (its sort order, that
# of the unfiltered reads, with the id) and the one it ends.
_ACTORS = {
    "merged_events": ("source", "target", "reported_by"),
    "merged_statements": ("speaker",),
    "merged_commitments": ("actor",),
}
_FIRST = {
    "merged_events": "date",
    "merged_statements": "date",
    "merged_commitments": "first_stated",
    "timeline_keys": "first",
    "dyad_keys": "date",
}
_LAST = {
    "merged_events": "date",
    "merged_statements": "date",
    "merged_commitments": "coalesce(last_stated, first_stated)",
    "timeline_keys": "last",
    "dyad_keys": "date",
}
KIND = {
    "merged_events": "event",
    "merged_statements": "statement",
    "merged_commitments": "commitment",
}


@dataclass(frozen=True, slots=True)
class Where:
    """Which merged records to read; every field left at its default filters nothing.

    `actor`: the actor plays any part. `sides`: a source in one set and a target in the other,
    either way round (events only); `pair`, when given, names the two actors the sides stand
    for (each side's set holds its actor and, for a state, the actors that may belong to it),
    so that the store reads its lookup of pairs instead. `since`/`until`: the row's last/first
    date is on or after/before the bound, compared on the common prefix; `month=True` compares
    the month of the date (its first seven characters) and keeps only dates of month or day
    precision. `sided`: events with both a source and a target. `after`: only the rows after
    this (date, id) in the order of the unfiltered read (date, undated last, then id): keyset
    pages (`kind_after`: the kind of the record it marks, for pages over several kinds).
    `limit`/`offset` page through the rows in that order. `ids`: only the records with these
    ids (a page whose ids `kinds_of_page` read). `before`: no row dated after this date and
    no undated row (what `page_bound` found for a page: a plain filter on the date column,
    so that DuckDB reads only the rows up to it).
    """

    actor: str | None = None
    sides: tuple[Collection[str], Collection[str]] | None = None
    since: str | None = None
    until: str | None = None
    month: bool = False
    sided: bool = False
    limit: int | None = None
    offset: int = 0
    pair: tuple[str, str] | None = None
    after: tuple[str | None, str] | None = None
    kind_after: str | None = None
    ids: tuple[str, ...] | None = None
    before: str | None = None


def select(table: str, where: Where, columns: str = "*") -> tuple[str, list[Any]]:
    """The statement reading `columns` of `table` (a merged table) filtered by `where`."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.actor is not None:
        clauses.append("(" + " OR ".join(f"{c} = ?" for c in _ACTORS[table]) + ")")
        params += [where.actor] * len(_ACTORS[table])
    if where.sides is not None:
        a, b = (sorted(set(side)) for side in where.sides)
        if not a or not b:
            clauses.append("false")
        else:
            marks_a, marks_b = _marks(a), _marks(b)
            clauses.append(
                f"((source IN ({marks_a}) AND target IN ({marks_b}))"
                f" OR (source IN ({marks_b}) AND target IN ({marks_a})))"
            )
            params += [*a, *b, *b, *a]
    if where.sided:
        clauses.append("coalesce(source, '') <> '' AND coalesce(target, '') <> ''")
    if where.ids is not None:
        clauses.append(f"id IN ({_marks(where.ids)})" if where.ids else "false")
        params += where.ids
    return _finish(table, columns, where, clauses, params)


def keyed(where: Where, kind: str) -> tuple[str, list[Any]]:
    """The ids of a page of `kind` records (event, statement, commitment) from the lookup
    `timeline_keys`: those of `where.actor`, or all; dates, `after` and paging as `select`."""
    return _finish("timeline_keys", "id", where, ["key = ?", "kind = ?"], [where.actor or "", kind])


def kinds_of_page(
    where: Where, kinds: Sequence[str], order: Sequence[str]
) -> tuple[str, list[Any]]:
    """The kind and id of the first `where.limit` records of `kinds` together (of
    `where.actor` or all) in the timeline's order: date (undated last), kind as in `order`,
    id. `where.after` is then the (date, id) of a record of the kind `where.kind_after`;
    `where.before` what `page_bound` found."""
    clauses = ["key = ?", f"kind IN ({_marks(kinds)})"]
    params: list[Any] = [where.actor or "", *kinds]
    rank = f"list_position([{_marks(order)}], kind)"
    ranks = list(order)
    if where.after is not None:
        day, ident = where.after
        mine = order.index(where.kind_after) + 1 if where.kind_after in order else 0
        later = f"({rank} > ? OR ({rank} = ? AND id > ?))"
        if day is None:
            clauses.append(f"(first IS NULL AND {later})")
        else:
            clauses.append(f"(first IS NULL OR first > ? OR (first = ? AND {later}))")
            params += [day, day]
        params += [*ranks, mine, *ranks, mine, ident]
    page = replace(where, after=None, offset=0)
    return _finish("timeline_keys", "kind, id", page, clauses, params, (f"{rank}, ", ranks))


def page_bound(where: Where, kinds: Sequence[str]) -> tuple[str, list[Any]] | None:
    """How many (up to `where.limit`) and the greatest of the first `where.limit` dates of the
    records of `kinds` in `timeline_keys` (of `where.actor` or all) dated after the cursor's
    day (every dated one without a cursor), read on the date column alone, which DuckDB does
    quickly. When there are `limit` of them, no record of the page (`kinds_of_page`) is dated
    after that date and none is undated: the page's `before`. None: no bound helps (no
    page, or a cursor on an undated record: only undated ones follow)."""
    if where.limit is None or (where.after is not None and where.after[0] is None):
        return None
    clauses = ["key = ?", f"kind IN ({_marks(kinds)})", "first IS NOT NULL"]
    params: list[Any] = [where.actor or "", *kinds]
    if where.after is not None:
        # Strictly after the cursor's day: no more records than after the cursor itself, so
        # their greatest date is no earlier than the page's.
        clauses.append("first > ?")
        params.append(where.after[0])
    page = replace(where, after=None, offset=0, limit=None, before=None)
    dated, params = _finish("timeline_keys", "first", page, clauses, params, ordered=False)
    sql = f"SELECT count(*), max(first) FROM ({dated} ORDER BY first LIMIT ?)"
    return sql, [*params, where.limit]


def each_kind(
    where: Where, kinds: Sequence[str], order: Sequence[str], before: dict[str, str]
) -> tuple[str, list[Any]]:
    """`kinds_of_page` for each kind on its own (its `before` from `bounds_of_each`), in one
    statement: the first `where.limit` records of every kind."""
    parts = [kinds_of_page(replace(where, before=before.get(k)), (k,), order) for k in kinds]
    return _union(parts, "SELECT * FROM ({})")


def bounds_of_each(where: Where, kinds: Sequence[str]) -> tuple[str, list[Any]] | None:
    """`page_bound` for each kind on its own, in one statement: (kind, count, date) rows."""
    parts = []
    for kind in kinds:
        bound = page_bound(where, (kind,))
        if bound is None:
            return None
        parts.append((bound[0], [kind, *bound[1]]))
    return _union(parts, "SELECT ? AS kind, * FROM ({})")


def _union(parts: Sequence[tuple[str, list[Any]]], each: str) -> tuple[str, list[Any]]:
    return " UNION ALL ".join(each.format(sql) for sql, _ in parts), [
        p for _, params in parts for p in params
    ]


def paired(where: Where, columns: str = "id", ordered: bool = True) -> tuple[str, list[Any]]:
    """`columns` of the events of `where.pair` (either way round) from the lookup `dyad_keys`,
    dates, `after` and paging as `select`. The rows are candidates: a side belongs to its
    state on some day, not necessarily on the event's."""
    assert where.pair is not None
    low, high = sorted(where.pair)
    return _finish("dyad_keys", columns, where, ["a = ?", "b = ?"], [low, high], ordered=ordered)


def dyad_months(where: Where, by_pair: bool) -> tuple[str, list[Any]]:
    """The dyad months of the events `where` keeps (month, since, until; `pair`), scored in
    the database: each event's sides rolled up to their state on its date by the spans of
    the first six parameters (the fields of `dyad_sides.Side`, as lists), one happening counted once
    per pair and month (the same code and modality from the same sentence, else the event),
    the first in date order standing for it. `by_pair`: the rows of `where.pair` in
    `dyad_keys` (its events all there), else every event once (its own source and target)."""
    month = replace(where, month=True, limit=None, offset=0, after=None)
    if by_pair:
        base, params = paired(month, _DYAD_BASE, ordered=False)
    else:
        clauses = ["a = least(source, target)", "b = greatest(source, target)"]
        base, params = _finish("dyad_keys", _DYAD_BASE, month, clauses, [], ordered=False)
    wanted = ""
    if where.pair is not None:
        wanted = " AND least(sa, sb) = ? AND greatest(sa, sb) = ?"
        params += sorted(where.pair)
    sql = f"""
        WITH sides AS MATERIALIZED (
            SELECT unnest(?) AS actor, unnest(?) AS lo, unnest(?) AS hi, unnest(?) AS state,
                unnest(?) AS undated, unnest(?) AS fallback
        ),
        fixed AS MATERIALIZED (SELECT DISTINCT actor, undated, fallback FROM sides),
        ev AS (
            SELECT *, CASE WHEN length(date) = 10 THEN try_cast(date AS DATE)
                    ELSE try_cast(month || '-01' AS DATE) END AS d1,
                CASE WHEN length(date) = 10 THEN NULL
                    ELSE last_day(try_cast(month || '-01' AS DATE)) END AS d2
            FROM ({base})
        ),
        placed AS (
            SELECT ev.*,
                CASE WHEN d1 IS NULL THEN coalesce(f.undated, f.fallback)
                    ELSE coalesce(s1.state, s2.state, f.fallback) END AS sa,
                CASE WHEN d1 IS NULL THEN coalesce(g.undated, g.fallback)
                    ELSE coalesce(t1.state, t2.state, g.fallback) END AS sb
            FROM ev
            JOIN fixed f ON f.actor = ev.source
            JOIN fixed g ON g.actor = ev.target
            LEFT JOIN sides s1 ON s1.actor = ev.source AND d1 >= s1.lo AND d1 < s1.hi
            LEFT JOIN sides s2 ON s2.actor = ev.source AND d2 >= s2.lo AND d2 < s2.hi
            LEFT JOIN sides t1 ON t1.actor = ev.target AND d1 >= t1.lo AND d1 < t1.hi
            LEFT JOIN sides t2 ON t2.actor = ev.target AND d2 >= t2.lo AND d2 < t2.hi
        ),
        kept AS (
            SELECT least(sa, sb) AS a, greatest(sa, sb) AS b, month, date, id, code, modality,
                goldstein, anchor_document, anchor_char
            FROM placed WHERE sa IS NOT NULL AND sb IS NOT NULL AND sa <> sb{wanted}
        ),
        firsts AS (
            SELECT a, b, month, modality,
                arg_min(struct_pack(id := id, goldstein := goldstein, date := date),
                    struct_pack(undated := date IS NULL, date := date, id := id)) AS e
            FROM kept
            GROUP BY a, b, month, code, modality, anchor_document, anchor_char,
                CASE WHEN anchor_document IS NULL AND anchor_char IS NULL THEN id END
        )
        SELECT a, b, month,
            list(e.id ORDER BY e.date NULLS LAST, e.id) FILTER (WHERE modality = 'actual'),
            list(e.goldstein ORDER BY e.date NULLS LAST, e.id)
                FILTER (WHERE modality = 'actual' AND e.goldstein IS NOT NULL),
            list(e.id ORDER BY e.date NULLS LAST, e.id) FILTER (WHERE modality <> 'actual'),
            count(*) FILTER (WHERE modality = 'pledged'),
            count(*) FILTER (WHERE modality = 'hypothetical'),
            count(*) FILTER (WHERE modality = 'negated')
        FROM firsts
        GROUP BY a, b, month ORDER BY a, b, month
    """
    return sql, params


_DYAD_BASE = (
    "month, date, id, source, target, code, modality, goldstein, anchor_document, anchor_char"
)


def _finish(
    table: str,
    columns: str,
    where: Where,
    clauses: list[str],
    params: list[Any],
    then: tuple[str, list[Any]] = ("", []),
    ordered: bool = True,
) -> tuple[str, list[Any]]:
    """Add the date bounds, the cursor, the order (`then`: an order before the id's, with
    its parameters) and the page to a statement's filters."""
    order = _FIRST[table]
    first, last = order, _LAST[table]
    if where.month and table == "dyad_keys":  # its month column, NULL for a year or no date
        clauses.append("month IS NOT NULL")
        first = last = "month"
    elif where.month:
        clauses.append(f"regexp_full_match({first}, '\\d{{4}}-\\d{{2}}(-\\d{{2}})?')")
        first = last = f"left({first}, 7)"
    # On the common prefix, as plain comparisons: a date is on or after `since` when it sorts
    # after it or is one of its prefixes ("2025" for "2025-09"), and on or before `until` when
    # it sorts before it or starts with it ("2025-09-24" for "2025-09").
    if where.since is not None:
        heads = [where.since[:n] for n in range(1, len(where.since))]
        clauses.append(f"({last} >= ? OR {last} IN ({_marks(heads)}))" if heads else f"{last} >= ?")
        params += [where.since, *heads]
    if where.until is not None:
        clauses.append(f"({first} <= ? OR starts_with({first}, ?))")
        params += [where.until, where.until]
    if where.after is not None:
        day, ident = where.after
        if day is None:
            clauses.append(f"({order} IS NULL AND id > ?)")
            params.append(ident)
        else:
            clauses.append(f"({order} IS NULL OR {order} > ? OR ({order} = ? AND id > ?))")
            params += [day, day, ident]
    if where.before is not None:
        clauses.append(f"{order} <= ?")
        params.append(where.before)
    sql = f"SELECT {columns} FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    if not ordered:
        return sql, params
    sql += f" ORDER BY {order} NULLS LAST, {then[0]}id"
    params += then[1]
    if where.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [where.limit, where.offset]
    elif where.offset:
        sql += " OFFSET ?"
        params.append(where.offset)
    return sql, params


# The columns of a `rows.DyadEvent`, the anchor taken from the evidence JSON in the database.
DYAD_COLUMNS = (
    "id, source, target, code, modality, goldstein, date, list_min(list_transform(from_json("
    """evidence, '[{"document_id": "VARCHAR", "char_start": "BIGINT"}]'), lambda e:"""
    " struct_pack(d := e.document_id, c := e.char_start))) AS anchor"
)


# The same, from the lookup `dyad_keys` (for `paired`).
PAIRED_DYAD_COLUMNS = (
    "id, source, target, code, modality, goldstein, date, anchor_document, anchor_char"
)


def by_ids(table: str, ids: Collection[str]) -> tuple[str, list[Any]]:
    """The statement reading the rows of `table` with these ids, in the order of `select`."""
    marks = _marks(ids)
    return f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY {_FIRST[table]} NULLS LAST, id", [
        *ids
    ]


def _marks(values: Collection[str]) -> str:
    return ", ".join("?" for _ in values)
