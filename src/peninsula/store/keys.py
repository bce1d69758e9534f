"""Lookup tables over the merged records, so that a page of a timeline or a dyad reads a few
rows of a million (migration 8).

- `timeline_keys` (key, kind, first, last, id): one row per merged record under the key ''
  (every record) and one per actor taking part in it (source, target, reporter, speaker,
  committer), with the dates the timeline filters and sorts on. `rebuild` and `sort` store it
  sorted by key and date, so that DuckDB's zone maps skip every other actor's rows.
- `actor_states` (actor, state): every state an actor may belong to on some day (its own
  state, its parent's, that of any of its roles), from the knowledge base in use
  (`Store.write_actors`); with the stored actors' countries and each actor itself, the sides a
  dyad rolls an actor up to.
- `dyad_keys` (a, b, ...): one row per merged event with a source and a target and per
  unordered pair of those sides (a < b), with what the dyad scores read of the event (no JSON
  decoding; `month` set for dates of month or day precision only, what the scores count). The
  query keeps the rows whose sides belong to the pair on the event's own date.

Every statement here is the store's own SQL; `refresh` rewrites the rows of the records a
batch touched (the merge write path), `rebuild` all of them.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb

# The states an actor may stand for in a dyad, besides itself.
_SIDES = """
    SELECT actor, state FROM actor_states
    UNION SELECT id, country FROM actors WHERE coalesce(country, '') <> ''
"""

_TIMELINE = {
    "merged_events": (
        "event",
        "date",
        "date",
        "list_distinct(list_filter(['', source, target, reported_by], lambda x: x IS NOT NULL))",
    ),
    "merged_statements": (
        "statement",
        "date",
        "date",
        "list_distinct(list_filter(['', speaker], lambda x: x IS NOT NULL))",
    ),
    "merged_commitments": (
        "commitment",
        "first_stated",
        "coalesce(last_stated, first_stated)",
        "list_distinct(list_filter(['', actor], lambda x: x IS NOT NULL))",
    ),
}

_ANCHOR = (
    "list_min(list_transform(from_json(evidence,"
    """ '[{"document_id": "VARCHAR", "char_start": "BIGINT"}]'), lambda e:"""
    " struct_pack(d := e.document_id, c := e.char_start)))"
)

# The order each lookup table is read in: DuckDB's zone maps (each row group's least and
# greatest value) then skip the row groups of other keys.
_ORDER = {
    "timeline_keys": "key, kind, first NULLS LAST, id",
    "dyad_keys": "a, b, date NULLS LAST, id",
}


def _timeline_insert(table: str, only: str) -> str:
    kind, first, last, keys = _TIMELINE[table]
    return (
        f"INSERT INTO timeline_keys SELECT unnest({keys}) AS key, '{kind}', {first}, {last}, id"
        f" FROM {table} {only}"
    )


def _dyad_insert(only: str) -> str:
    return f"""
        INSERT INTO dyad_keys
        WITH sides AS (SELECT actor, list(DISTINCT state) AS states FROM ({_SIDES}) GROUP BY actor),
        sided AS (
            SELECT m.id, m.source, m.target, m.code, m.modality, m.goldstein, m.date,
                {_ANCHOR} AS anchor,
                list_distinct(list_prepend(m.source, coalesce(s.states, []))) AS xs,
                list_distinct(list_prepend(m.target, coalesce(t.states, []))) AS ys
            FROM merged_events m
            LEFT JOIN sides s ON s.actor = m.source
            LEFT JOIN sides t ON t.actor = m.target
            WHERE coalesce(m.source, '') <> '' AND coalesce(m.target, '') <> '' {only}
        ),
        pairs AS (
            SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b, id
            FROM (SELECT id, unnest(xs) AS x, ys FROM sided), unnest(ys) AS u(y)
            WHERE x <> y
        )
        SELECT p.a, p.b,
            CASE WHEN regexp_full_match(s.date, '\\d{{4}}-\\d{{2}}(-\\d{{2}})?')
                THEN left(s.date, 7) END,
            s.date, s.id, s.source, s.target, s.code, s.modality, s.goldstein, s.anchor.d,
            s.anchor.c
        FROM pairs p JOIN sided s USING (id)
    """


def refresh(con: duckdb.DuckDBPyConnection, table: str, ids: Collection[str]) -> None:
    """Rewrite the lookup rows of these records of `table` (a merged table), inside the
    caller's transaction: gone ones lose theirs, stored ones get them again."""
    if not ids:
        return
    listed = sorted(ids)
    kind = _TIMELINE[table][0]
    con.execute(
        "DELETE FROM timeline_keys WHERE kind = ? AND id IN (SELECT unnest(?))", [kind, listed]
    )
    con.execute(_timeline_insert(table, "WHERE id IN (SELECT unnest($ids))"), {"ids": listed})
    if table == "merged_events":
        con.execute("DELETE FROM dyad_keys WHERE id IN (SELECT unnest(?))", [listed])
        con.execute(_dyad_insert("AND m.id IN (SELECT unnest($ids))"), {"ids": listed})


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Write every lookup row again, sorted for the reads (the bulk loader, migration 8)."""
    con.execute("DELETE FROM timeline_keys")
    for table in _TIMELINE:
        con.execute(_timeline_insert(table, ""))
    rebuild_dyads(con)
    _sort(con, "timeline_keys", _ORDER["timeline_keys"])


def rebuild_dyads(con: duckdb.DuckDBPyConnection) -> None:
    """Every dyad row again, from the actors' states as they are now."""
    con.execute("DELETE FROM dyad_keys")
    con.execute(_dyad_insert(""))
    _sort(con, "dyad_keys", _ORDER["dyad_keys"])


def sort(con: duckdb.DuckDBPyConnection) -> None:
    """Both lookup tables in the order of their reads."""
    for table, order in _ORDER.items():
        _sort(con, table, order)


def _sort(con: duckdb.DuckDBPyConnection, table: str, order: str) -> None:
    """Store the table's rows in this order (what the zone maps prune on)."""
    con.execute(f"CREATE TEMP TABLE _sorted AS SELECT * FROM {table} ORDER BY {order}")
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} SELECT * FROM _sorted")
    con.execute("DROP TABLE _sorted")


def states(con: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """Each actor's states as `dyad_keys` rolls it up (itself not included)."""
    found: dict[str, set[str]] = {}
    for actor, state in con.execute(_SIDES).fetchall():
        found.setdefault(actor, set()).add(state)
    return {actor: frozenset(s) for actor, s in found.items()}
