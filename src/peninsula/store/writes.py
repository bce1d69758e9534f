"""The write side of the store: a `Writer` inserts a document and what was found in it, and
applies what merging decided (`records.Links`), inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import duckdb

from peninsula.records import (
    Actor,
    Analysis,
    Commitment,
    Document,
    Event,
    Links,
    Mention,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    Role,
    Statement,
    Timex,
)
from peninsula.store import keys, rows

DOCUMENTS_COLUMNS = (
    "id",
    "path",
    "origins",
    "url",
    "outlet",
    "title",
    "published",
    "date_precision",
    "date_confidence",
    "date_evidence",
    "date_conflicts",
    "dateline",
    "header_lines",
    "source_kind",
    "text",
)
TIMEXES_COLUMNS = (
    "id",
    "document_id",
    "text",
    "type",
    "value",
    "mod",
    "char_start",
    "char_end",
    "anchored",
)
STATEMENTS_COLUMNS = (
    "id",
    "document_id",
    "speaker",
    "speaker_text",
    "kind",
    "text",
    "cue",
    "date",
    "char_start",
    "char_end",
    "cue_start",
    "cue_end",
    "source_start",
    "source_end",
    "merged_id",
    "date_precision",
)
EVENTS_COLUMNS = (
    "id",
    "source",
    "target",
    "code",
    "category",
    "modality",
    "goldstein",
    "date",
    "summary",
    "evidence",
    "statement_id",
    "document_id",
    "root",
    "date_precision",
    "trigger",
    "trigger_start",
    "decided_by",
    "mode",
    "reported_by",
    "source_text",
    "target_text",
    "merged_id",
)
COMMITMENTS_COLUMNS = (
    "id",
    "actor",
    "text",
    "first_stated",
    "last_stated",
    "status",
    "status_evidence",
    "mentions",
    "actor_text",
    "key",
    "merged_id",
)
ACTORS_COLUMNS = ("id", "name", "kind", "country", "aliases", "roles", "verified")
EDGES_COLUMNS = ("kind", "a", "b", "score", "floor", "floor_unknown")
# The table of each kind of merged record, and that of its members.
MERGED = {
    "event": ("merged_events", "events"),
    "statement": ("merged_statements", "statements"),
    "commitment": ("merged_commitments", "commitments"),
}
ROWS_PER_INSERT = 200
# The fewest rows inserted through Arrow: a process's first Arrow insert costs DuckDB about a
# second (pyarrow's import and the scan's set-up), more than `VALUES` on a few hundred rows.
ARROW_ROWS = 256
# The name an Arrow table of rows to insert is known by, for one statement.
_ROWS = "_peninsula_rows"


class Writer:
    """Parameterised inserts and updates on one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def insert_analysis(self, document: Document, analysis: Analysis) -> None:
        """A new document and everything found in it (merged ids come with the links)."""
        self.insert_analyses([(document, analysis)])

    def insert_analyses(self, found: Sequence[tuple[Document, Analysis]]) -> None:
        """New documents and everything found in them, a few statements per table for the
        whole batch (a statement costs far more than a row); a row whose id came earlier in
        the batch is left out, as a later statement would have ignored it."""
        self.insert_documents([document for document, _ in found])
        self.insert_mentions([m for _, a in found for m in a.mentions])
        self.insert_new_actors([actor for _, a in found for actor in a.new_actors])
        self.insert_many(
            "timexes",
            TIMEXES_COLUMNS,
            [r for d, a in found for r in timex_rows(d.id, a.timexes)],
            keyed=True,
        )
        self.insert_statements([s for _, a in found for s in a.statements])
        self.insert_events([e for _, a in found for e in a.events])
        self.insert_commitments([c for _, a in found for c in a.commitments])

    def known_origins(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """The stored origins of those of `ids` already stored."""
        found: dict[str, list[str]] = {}
        for start in range(0, len(ids), ROWS_PER_INSERT):
            chunk = list(ids[start : start + ROWS_PER_INSERT])
            marks = ", ".join("?" for _ in chunk)
            for doc_id, origins in self.con.execute(
                f"SELECT id, origins FROM documents WHERE id IN ({marks})", chunk
            ).fetchall():
                found[doc_id] = json.loads(origins)
        return found

    def apply_links(self, links: Links) -> None:
        if links.vectors:
            self.insert_many("text_vectors", ("key", "vector"), list(links.vectors.items()))
        if links.edges:
            self.insert_many(
                "edges",
                EDGES_COLUMNS,
                [[e.kind, e.a, e.b, e.score, e.floor, e.floor_unknown] for e in links.edges],
            )
        written: dict[str, Sequence[MergedEvent | MergedStatement | MergedCommitment]] = {
            "event": links.events,
            "statement": links.statements,
            "commitment": links.commitments,
        }
        for kind, (table, members) in MERGED.items():
            records = written[kind]
            gone = sorted({*links.removed.get(kind, ()), *(r.id for r in records)})
            for start in range(0, len(gone), ROWS_PER_INSERT):
                chunk = gone[start : start + ROWS_PER_INSERT]
                marks = ", ".join("?" for _ in chunk)
                self.con.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
            if records:
                self.insert_many(
                    table, rows.MERGED_COLUMNS[table], [rows.merged_row(r) for r in records]
                )
            keys.refresh(self.con, table, gone)  # the lookup rows of the touched records
            changed = sorted(links.merged_ids.get(kind, {}).items())
            for start in range(0, len(changed), ROWS_PER_INSERT):
                chunk = changed[start : start + ROWS_PER_INSERT]
                values = ", ".join("(?, ?)" for _ in chunk)
                self.con.execute(
                    f"UPDATE {members} SET merged_id = v.merged_id FROM (VALUES {values})"
                    f" v(id, merged_id) WHERE {members}.id = v.id",
                    [x for pair in chunk for x in pair],
                )

    def insert_document(self, d: Document) -> None:
        self.insert_documents([d])

    def insert_documents(self, documents: Sequence[Document]) -> None:
        self.insert_many(
            "documents", DOCUMENTS_COLUMNS, [document_row(d) for d in documents], keyed=True
        )

    def insert_new_actors(self, actors: Sequence[Actor]) -> None:
        self.insert_many("actors", ACTORS_COLUMNS, [actor_row(a, ()) for a in actors], keyed=True)

    def insert_mentions(self, mentions: Sequence[Mention]) -> None:
        self.insert_many(
            "mentions",
            ("id", "document_id", "actor_id", "text", "char_start", "char_end", "method"),
            [
                [m.id, m.document_id, m.actor_id, m.text, m.char_start, m.char_end, m.method]
                for m in mentions
            ],
            keyed=True,
        )

    def insert_many(
        self,
        table: str,
        columns: tuple[str, ...],
        values: Sequence[Sequence[Any]],
        *,
        keyed: bool = False,
        bulk: bool = True,
    ) -> None:
        """Rows in a few statements (a statement costs far more than a row; DuckDB runs
        `executemany` one row at a time): `ARROW_ROWS` or more (when `bulk`) in one statement
        over an Arrow table, fewer (or rows Arrow cannot type) in multi-row `VALUES`. `keyed`:
        the first column is the key, and a row repeating an earlier row's key is left out, as
        `INSERT OR IGNORE` row by row would."""
        if not values:
            return
        if keyed:
            first: dict[Any, Sequence[Any]] = {}
            for row in values:
                first.setdefault(row[0], row)
            values = list(first.values())
        found = _arrow_table(columns, values) if bulk and len(values) >= ARROW_ROWS else None
        if found is None:
            for start in range(0, len(values), ROWS_PER_INSERT):
                chunk = values[start : start + ROWS_PER_INSERT]
                sql = insert_sql(table, columns, len(chunk))
                self.con.execute(sql, [v for r in chunk for v in r])
            return
        self.con.register(_ROWS, found)
        try:
            self.con.execute(
                f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) SELECT * FROM {_ROWS}"
            )
        finally:
            self.con.unregister(_ROWS)

    def insert_timexes(self, document_id: str, timexes: Sequence[Timex]) -> None:
        self.insert_many("timexes", TIMEXES_COLUMNS, timex_rows(document_id, timexes))

    def insert_statements(self, statements: Sequence[Statement]) -> None:
        self.insert_many(
            "statements",
            STATEMENTS_COLUMNS,
            [
                [
                    s.id,
                    s.document_id,
                    s.speaker,
                    s.speaker_text,
                    s.kind,
                    s.text,
                    s.cue,
                    s.date,
                    s.content.start,
                    s.content.end,
                    s.cue_span.start if s.cue_span else None,
                    s.cue_span.end if s.cue_span else None,
                    s.source.start if s.source else None,
                    s.source.end if s.source else None,
                    None,
                    s.date_precision,
                ]
                for s in statements
            ],
            keyed=True,
        )

    def insert_events(self, events: Sequence[Event]) -> None:
        self.insert_many(
            "events",
            EVENTS_COLUMNS,
            [
                [
                    e.id,
                    e.source,
                    e.target,
                    e.code,
                    e.category,
                    e.modality,
                    e.goldstein,
                    e.date,
                    e.summary,
                    json.dumps([_evidence(e)], ensure_ascii=False),
                    e.statement_id,
                    e.document_id,
                    e.root,
                    e.date_precision,
                    e.trigger,
                    e.trigger_start,
                    e.decided_by,
                    e.mode,
                    e.reported_by,
                    e.source_text,
                    e.target_text,
                    None,
                ]
                for e in events
            ],
            keyed=True,
        )

    def insert_commitments(self, commitments: Sequence[Commitment]) -> None:
        self.insert_many(
            "commitments",
            COMMITMENTS_COLUMNS,
            [
                [
                    c.id,
                    c.actor,
                    c.text,
                    c.first_stated,
                    c.last_stated,
                    c.status,
                    None,
                    json.dumps([asdict(m) for m in c.mentions], ensure_ascii=False),
                    c.actor_text,
                    c.key,
                    None,
                ]
                for c in commitments
            ],
            keyed=True,
        )


def _arrow_table(columns: tuple[str, ...], values: Sequence[Sequence[Any]]) -> Any:
    """The rows as an Arrow table, or None when Arrow cannot type a column."""
    import pyarrow as pa  # here: importing the store stays cheap

    try:
        return pa.table({c: pa.array([r[i] for r in values]) for i, c in enumerate(columns)})
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None


def document_row(d: Document) -> list[Any]:
    decision = d.date
    return [
        d.id,
        d.origins[0],
        json.dumps(list(d.origins)),
        d.url,
        d.outlet,
        d.title,
        decision.published,
        decision.precision,
        decision.confidence,
        json.dumps([asdict(e) for e in decision.evidence]),
        json.dumps([asdict(c) for c in decision.conflicts]),
        json.dumps(asdict(d.dateline)) if d.dateline else None,
        json.dumps(list(d.header_lines)),
        d.raw.source_kind,
        d.text,
    ]


def timex_rows(document_id: str, timexes: Sequence[Timex]) -> list[list[Any]]:
    return [
        [
            f"{document_id}:t{t.char_start}-{t.char_end}",
            document_id,
            t.text,
            t.type,
            t.value,
            t.mod,
            t.char_start,
            t.char_end,
            t.anchored,
        ]
        for t in timexes
    ]


def actors_are(
    con: duckdb.DuckDBPyConnection,
    found: Sequence[Sequence[Any]],
    states: Sequence[tuple[str, str]],
) -> bool:
    """Whether the verified actors and the actor states stored are `found` and `states` (the
    rows `Store.write_actors` would write), so that an unchanged knowledge base costs a read."""
    columns = ", ".join(f"{c}::VARCHAR" if c in ("aliases", "roles") else c for c in ACTORS_COLUMNS)
    stored = con.execute(
        f"SELECT {columns} FROM actors WHERE verified OR id IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY id",
        [[row[0] for row in found]],
    ).fetchall()
    if [tuple(r) for r in stored] != sorted(tuple(r) for r in found):
        return False
    stored_states = con.execute("SELECT actor, state FROM actor_states ORDER BY actor, state")
    return stored_states.fetchall() == list(states)


def generation(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """A mark of what merging reads, in one cheap query: the time the store was made, its
    documents, events and edges, and its last recorded build. Any write that changes the merge
    state changes it (a batch with a new document, a build recorded; rows merged again add
    edges), so a long-lived process keeps its merge state in memory while the mark is the one
    its own last build left."""
    row = con.execute(
        "SELECT (SELECT min(applied_at) FROM schema_migrations),"
        " (SELECT count(*) FROM documents), (SELECT count(*) FROM events),"
        " (SELECT count(*) FROM edges), (SELECT coalesce(max(id), 0) FROM runs)"
    ).fetchone()
    return tuple(row) if row else ()


def unmerged(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any event, statement or commitment is stored without a merged id."""
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM events WHERE merged_id IS NULL)"
        " OR EXISTS (SELECT 1 FROM statements WHERE merged_id IS NULL)"
        " OR EXISTS (SELECT 1 FROM commitments WHERE merged_id IS NULL)"
    ).fetchone()
    return bool(row and row[0])


def actor_row(actor: Actor, roles: Sequence[Role]) -> list[Any]:
    described = [
        {"title": t, "of": None, "start": None, "end": None, "source": None}
        for t in actor.described_as
    ]
    role_rows = [
        {"title": r.title, "of": r.of, "start": _day(r.start), "end": _day(r.end),
         "source": r.source or None}
        for r in roles
    ]  # fmt: skip
    return [
        actor.id,
        actor.name,
        actor.kind,
        actor.country,
        json.dumps(list(actor.aliases), ensure_ascii=False),
        json.dumps(role_rows if actor.verified else described, ensure_ascii=False),
        actor.verified,
    ]


def insert_sql(table: str, columns: tuple[str, ...], count: int = 1) -> str:
    """An insert of `count` rows of `columns`; table and column names are this module's own."""
    row = "(" + ", ".join("?" for _ in columns) + ")"
    values = ", ".join(row for _ in range(count))
    return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES {values}"


def _evidence(event: Event) -> dict[str, Any]:
    return {
        "document_id": event.document_id,
        "sentence": event.sentence.strip(),
        "char_start": event.char_start,
        "char_end": event.char_end,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
