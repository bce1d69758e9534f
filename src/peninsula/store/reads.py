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
    ids (a page whose ids `kinds_of_page` read).
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
    id. `where.after` is then the (date, id) of a record of the kind `where.kind_after`."""
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


def paired(where: Where, columns: str = "id") -> tuple[str, list[Any]]:
    """`columns` of the events of `where.pair` (either way round) from the lookup `dyad_keys`,
    dates, `after` and paging as `select`. The rows are candidates: a side belongs to its
    state on some day, not necessarily on the event's."""
    assert where.pair is not None
    low, high = sorted(where.pair)
    return _finish("dyad_keys", columns, where, ["a = ?", "b = ?"], [low, high])


def _finish(
    table: str,
    columns: str,
    where: Where,
    clauses: list[str],
    params: list[Any],
    then: tuple[str, list[Any]] = ("", []),
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
    sql = f"SELECT {columns} FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
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
