"""The DuckDB store: schema, migrations, parameterised writes, exports. The only module with SQL.

Writes happen per batch inside one transaction, so an interrupted build leaves either the whole
batch or nothing, and never touches what was stored before.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

import duckdb

from peninsula.errors import NotFound, StoreError
from peninsula.knowledge import Actor, Knowledge, Role
from peninsula.outputs import database_problem, neutralise_cell, open_output, output_folder
from peninsula.records import (
    Analysis,
    Commitment,
    CommitmentMention,
    Document,
    Event,
    Mention,
    Statement,
    Timex,
)

ExportFormat = Literal["jsonl", "parquet", "csv"]

# Columns per exported table, in contract order. JSON columns hold nested lists/objects.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "id", "path", "outlet", "title", "published", "date_precision", "date_confidence",
        "date_evidence", "date_conflicts", "text",
    ),
    "actors": ("id", "name", "kind", "country", "aliases", "roles", "verified"),
    "statements": (
        "id", "document_id", "speaker", "speaker_text", "kind", "text", "cue", "date",
        "char_start", "char_end",
    ),
    "events": (
        "id", "source", "target", "code", "category", "modality", "goldstein", "date", "summary",
        "evidence", "date_precision", "sources", "first_reported",
    ),
    "commitments": (
        "id", "actor", "text", "first_stated", "last_stated", "status", "mentions", "repeats",
        "sources", "status_evidence",
    ),
}  # fmt: skip
# Events and commitments are exported merged across documents, each with all its evidence.
_EXPORT_FROM = {"events": "merged_events", "commitments": "merged_commitments"}

_MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE documents (
            id VARCHAR PRIMARY KEY,
            path VARCHAR NOT NULL,
            origins JSON NOT NULL,
            url VARCHAR,
            outlet VARCHAR,
            title VARCHAR,
            published VARCHAR,
            date_precision VARCHAR,
            date_confidence DOUBLE NOT NULL,
            date_evidence JSON NOT NULL,
            date_conflicts JSON NOT NULL,
            dateline JSON,
            header_lines JSON NOT NULL,
            source_kind VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            added_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE actors (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
            country VARCHAR, aliases JSON NOT NULL, roles JSON NOT NULL,
            verified BOOLEAN NOT NULL DEFAULT true
        );
        CREATE TABLE mentions (
            id VARCHAR PRIMARY KEY, document_id VARCHAR NOT NULL, actor_id VARCHAR,
            text VARCHAR NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            method VARCHAR NOT NULL
        );
        CREATE TABLE statements (
            id VARCHAR PRIMARY KEY, document_id VARCHAR NOT NULL, speaker VARCHAR,
            speaker_text VARCHAR, kind VARCHAR NOT NULL, text VARCHAR NOT NULL, cue VARCHAR,
            date VARCHAR, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL
        );
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY, source VARCHAR, target VARCHAR, code VARCHAR NOT NULL,
            category VARCHAR, modality VARCHAR NOT NULL, goldstein DOUBLE, date VARCHAR,
            summary VARCHAR, evidence JSON NOT NULL, statement_id VARCHAR
        );
        CREATE TABLE commitments (
            id VARCHAR PRIMARY KEY, actor VARCHAR, text VARCHAR NOT NULL, first_stated VARCHAR,
            last_stated VARCHAR, status VARCHAR NOT NULL, mentions JSON NOT NULL
        );
        CREATE TABLE timexes (
            id VARCHAR PRIMARY KEY, document_id VARCHAR NOT NULL, text VARCHAR NOT NULL,
            type VARCHAR NOT NULL, value VARCHAR, mod VARCHAR,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
            added INTEGER, unchanged INTEGER, merged INTEGER, skipped JSON
        );
        """,
    ),
    (
        2,
        """
        ALTER TABLE statements ADD COLUMN cue_start INTEGER;
        ALTER TABLE statements ADD COLUMN cue_end INTEGER;
        ALTER TABLE statements ADD COLUMN source_start INTEGER;
        ALTER TABLE statements ADD COLUMN source_end INTEGER;
        ALTER TABLE events ADD COLUMN document_id VARCHAR;
        ALTER TABLE events ADD COLUMN root VARCHAR;
        ALTER TABLE events ADD COLUMN date_precision VARCHAR;
        ALTER TABLE events ADD COLUMN trigger VARCHAR;
        ALTER TABLE events ADD COLUMN trigger_start INTEGER;
        ALTER TABLE events ADD COLUMN decided_by VARCHAR;
        ALTER TABLE events ADD COLUMN mode VARCHAR;
        ALTER TABLE events ADD COLUMN reported_by VARCHAR;
        ALTER TABLE events ADD COLUMN source_text VARCHAR;
        ALTER TABLE events ADD COLUMN target_text VARCHAR;
        ALTER TABLE commitments ADD COLUMN actor_text VARCHAR;
        ALTER TABLE commitments ADD COLUMN key VARCHAR;
        ALTER TABLE timexes ADD COLUMN anchored BOOLEAN;
        """,
    ),
    (
        3,
        """
        ALTER TABLE events ADD COLUMN merged_id VARCHAR;
        ALTER TABLE statements ADD COLUMN merged_id VARCHAR;
        ALTER TABLE commitments ADD COLUMN merged_id VARCHAR;
        ALTER TABLE commitments ADD COLUMN status_evidence VARCHAR;
        UPDATE events SET merged_id = id;
        UPDATE statements SET merged_id = id;
        UPDATE commitments SET merged_id = id;
        CREATE VIEW merged_events AS
        SELECT r.id, r.source, r.target, r.code, r.root, r.category, r.modality, r.goldstein,
            g.date, g.date_precision, r.summary, g.evidence, g.sources, g.reports,
            g.first_reported, r.statement_id, r.reported_by, r.source_text, r.target_text
        FROM events r JOIN (
            SELECT e.merged_id,
                arg_max(e.date, length(coalesce(e.date, ''))) AS date,
                arg_max(e.date_precision, length(coalesce(e.date, ''))) AS date_precision,
                min(d.published) AS first_reported,
                count(DISTINCT e.document_id) AS sources,
                count(*) AS reports,
                to_json(list({
                    'document_id': e.document_id,
                    'sentence': json_extract_string(e.evidence, '$[0].sentence'),
                    'char_start': CAST(json_extract(e.evidence, '$[0].char_start') AS INTEGER),
                    'char_end': CAST(json_extract(e.evidence, '$[0].char_end') AS INTEGER),
                    'event_id': e.id, 'outlet': d.outlet, 'published': d.published
                } ORDER BY d.published NULLS LAST, e.id)) AS evidence
            FROM events e JOIN documents d ON d.id = e.document_id
            GROUP BY e.merged_id
        ) g ON g.merged_id = r.id;
        CREATE VIEW merged_commitments AS
        SELECT r.id, r.actor, r.actor_text, r.text, g.first_stated, g.last_stated, r.status,
            r.status_evidence, g.mentions, g.sources, g.repeats
        FROM commitments r JOIN (
            SELECT c.merged_id, min(c.first_stated) AS first_stated,
                max(c.last_stated) AS last_stated, count(DISTINCT d.id) AS sources,
                sum(json_array_length(c.mentions)) AS repeats,
                to_json(flatten(list(
                    CAST(c.mentions AS JSON[]) ORDER BY c.first_stated NULLS LAST, c.id
                ))) AS mentions
            FROM commitments c
            JOIN documents d ON d.id = json_extract_string(c.mentions, '$[0].document_id')
            GROUP BY c.merged_id
        ) g ON g.merged_id = r.id;
        """,
    ),
    (4, "ALTER TABLE statements ADD COLUMN date_precision VARCHAR;"),
    # Sentence embeddings of merged texts, keyed by a hash of the text, so that a later build
    # merges against stored clusters without embedding their sentences again.
    (5, "CREATE TABLE text_vectors (key VARCHAR PRIMARY KEY, vector FLOAT[] NOT NULL);"),
    # The merge cluster of each event before the two directions of a symmetric event are shown
    # as one (`merged_id`), so that a later build regroups the events instead of merging them
    # again. NULL on rows stored before: those are regrouped by merged id, twins split apart.
    (6, "ALTER TABLE events ADD COLUMN cluster_id VARCHAR;"),
)


_TIMEXES_COLUMNS = (
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
_STATEMENTS_COLUMNS = (
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
_EVENTS_COLUMNS = (
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
    "cluster_id",
)
_COMMITMENTS_COLUMNS = (
    "id", "actor", "text", "first_stated", "last_stated", "status", "status_evidence",
    "mentions", "actor_text", "key", "merged_id",
)  # fmt: skip


_ROWS_PER_INSERT = 200
_OFFLINE: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


@dataclass(frozen=True, slots=True)
class Links:
    """What cross-document merging decided for a batch: the merged id of each new event,
    statement and commitment row, and the status of each commitment cluster that changed."""

    merged_ids: dict[str, str]
    statuses: dict[str, tuple[str, str | None]]
    # Clusters stored before this batch whose status this batch changed.
    changed: set[str] = field(default_factory=set)
    # Embeddings computed for this batch, by text key.
    vectors: dict[str, list[float]] = field(default_factory=dict)
    # The merge cluster of each new event (its merged id, except for a symmetric event's twin).
    clusters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchResult:
    added: int
    unchanged: int
    merged: int


class Store:
    """An open DuckDB knowledge base. Use as a context manager or call `close()`."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        if read_only and not path.exists() and not path.is_symlink():
            raise NotFound(f"no database at {path}; run 'peninsula build' first")
        problem = database_problem(path)
        if problem is not None:
            raise StoreError(problem)
        try:
            # Offline always: DuckDB never fetches nor loads an extension by itself.
            self._con = duckdb.connect(str(path), read_only=read_only, config=_OFFLINE)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"cannot open {path}: {_first_line(exc)}") from None
        try:
            self._migrate() if not read_only else self._check_schema()
        except duckdb.Error as exc:
            self._con.close()
            raise StoreError(f"cannot use {path}: {_first_line(exc)}") from None
        except StoreError:
            self._con.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def _check_schema(self) -> None:
        tables = {row[0] for row in self._con.execute("SHOW TABLES").fetchall()}
        if "schema_migrations" not in tables:
            raise StoreError(f"{self.path} is a DuckDB database but not a peninsula knowledge base")

    def _migrate(self) -> None:
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
            " applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        applied = {
            row[0] for row in self._con.execute("SELECT version FROM schema_migrations").fetchall()
        }
        for version, script in _MIGRATIONS:
            if version in applied:
                continue
            with self._transaction():
                self._con.execute(script)
                self._con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def new_document_ids(self, ids: Sequence[str]) -> set[str]:
        """The ids not stored yet, so unchanged documents skip the costly stages."""
        if not ids:
            return set()
        placeholders = ", ".join("?" for _ in ids)
        rows = self._con.execute(
            f"SELECT id FROM documents WHERE id IN ({placeholders})", list(ids)
        )
        return set(ids) - {row[0] for row in rows.fetchall()}

    def write_batch(
        self, batch: Sequence[tuple[Document, Analysis]], links: Links | None = None
    ) -> BatchResult:
        """Store one batch atomically.

        A known text gains the new origin; a known origin is unchanged.
        """
        added = unchanged = merged = 0
        try:
            with self._transaction():
                for document, analysis in batch:
                    row = self._con.execute(
                        "SELECT origins FROM documents WHERE id = ?", [document.id]
                    ).fetchone()
                    if row is None:
                        self._insert_document(document)
                        self._insert_mentions(analysis.mentions)
                        self._insert_new_actors(analysis.new_actors)
                        self._insert_timexes(document.id, analysis.timexes)
                        self._insert_statements(analysis.statements, links)
                        self._insert_events(analysis.events, links)
                        self._insert_commitments(analysis.commitments, links)
                        added += 1
                        continue
                    origins = json.loads(row[0])
                    new = [o for o in document.origins if o not in origins]
                    if not new:
                        unchanged += 1
                        continue
                    self._con.execute(
                        "UPDATE documents SET origins = ? WHERE id = ?",
                        [json.dumps(origins + new), document.id],
                    )
                    merged += 1
                if links is not None:
                    self._apply_links(links)
        except duckdb.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {_first_line(exc)}") from None
        return BatchResult(added, unchanged, merged)

    def _insert_document(self, d: Document) -> None:
        date = d.date
        self._con.execute(
            "INSERT INTO documents (id, path, origins, url, outlet, title, published,"
            " date_precision, date_confidence, date_evidence, date_conflicts, dateline,"
            " header_lines, source_kind, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                d.id,
                d.origins[0],
                json.dumps(list(d.origins)),
                d.url,
                d.outlet,
                d.title,
                date.published,
                date.precision,
                date.confidence,
                json.dumps(
                    [
                        {"signal": e.signal, "value": e.value, "weight": e.weight}
                        for e in date.evidence
                    ]
                ),
                json.dumps(
                    [
                        {"signal": c.signal, "value": c.value, "reason": c.reason}
                        for c in date.conflicts
                    ]
                ),
                json.dumps(_dateline_dict(d)) if d.dateline else None,
                json.dumps(list(d.header_lines)),
                d.raw.source_kind,
                d.text,
            ],
        )

    def write_actors(self, knowledge: Knowledge) -> None:
        """Make the verified actors those of the knowledge base in use, roles included.

        Unverified actors found in articles stay; a verified one replaces its namesake.
        """
        rows = [_actor_row(actor, knowledge.roles_of(actor.id)) for actor in knowledge.actors]
        with self._transaction():
            self._con.execute("DELETE FROM actors WHERE verified")
            if rows:
                self._con.executemany(
                    "INSERT OR REPLACE INTO actors VALUES (?, ?, ?, ?, ?, ?, ?)", rows
                )

    def _insert_new_actors(self, actors: Sequence[Actor]) -> None:
        if actors:
            self._con.executemany(
                "INSERT OR IGNORE INTO actors VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_actor_row(actor, ()) for actor in actors],
            )

    def _insert_mentions(self, mentions: Sequence[Mention]) -> None:
        if mentions:
            self._insert_many(
                "mentions",
                ("id", "document_id", "actor_id", "text", "char_start", "char_end", "method"),
                [
                    [m.id, m.document_id, m.actor_id, m.text, m.char_start, m.char_end, m.method]
                    for m in mentions
                ],
            )

    def _insert_many(
        self, table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Rows in a few multi-row statements: DuckDB runs `executemany` one row at a time."""
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            self._con.execute(
                _insert_sql(table, columns, len(chunk)), [v for r in chunk for v in r]
            )

    def _apply_links(self, links: Links) -> None:
        if links.vectors:
            self._insert_many("text_vectors", ("key", "vector"), list(links.vectors.items()))
        changed = [[*links.statuses[m], m] for m in sorted(links.changed) if m in links.statuses]
        if changed:
            self._con.executemany(
                "UPDATE commitments SET status = ?, status_evidence = ? WHERE merged_id = ?",
                changed,
            )

    def text_vectors(self) -> dict[str, list[float]]:
        """Every stored sentence embedding, by text key."""
        rows = self._con.execute("SELECT key, vector FROM text_vectors").fetchall()
        return {key: vector for key, vector in rows}

    def merge_state(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored event, statement and commitment in the order stored, with what merging
        needs of its document (publication date, title, text)."""
        return {
            "events": self._fetch_dicts(
                "SELECT e.*, json_extract_string(e.evidence, '$[0].sentence') AS sentence,"
                " d.published, d.title, d.text FROM events e"
                " JOIN documents d ON d.id = e.document_id ORDER BY e.rowid",
                [],
            ),
            "statements": self._fetch_dicts(
                "SELECT s.id, s.document_id, s.text, s.speaker, s.date, d.published, s.merged_id"
                " FROM statements s JOIN documents d ON d.id = s.document_id ORDER BY s.rowid",
                [],
            ),
            "commitments": self._fetch_dicts(
                "SELECT c.*, d.id AS document_id, d.published FROM commitments c"
                " JOIN documents d ON d.id = json_extract_string(c.mentions, '$[0].document_id')"
                " ORDER BY c.rowid",
                [],
            ),
        }

    def _insert_timexes(self, document_id: str, timexes: Sequence[Timex]) -> None:
        if timexes:
            self._insert_many(
                "timexes",
                _TIMEXES_COLUMNS,
                [
                    [f"{document_id}:t{t.char_start}-{t.char_end}", document_id, t.text,
                     t.type, t.value, t.mod, t.char_start, t.char_end, t.anchored]
                    for t in timexes
                ],
            )  # fmt: skip

    def _insert_statements(self, statements: Sequence[Statement], links: Links | None) -> None:
        if statements:
            self._insert_many(
                "statements",
                _STATEMENTS_COLUMNS,
                [
                    [s.id, s.document_id, s.speaker, s.speaker_text, s.kind, s.text, s.cue,
                     s.date, s.content.start, s.content.end,
                     s.cue_span.start if s.cue_span else None,
                     s.cue_span.end if s.cue_span else None,
                     s.source.start if s.source else None, s.source.end if s.source else None,
                     _merged(links, s.id), s.date_precision]
                    for s in statements
                ],
            )  # fmt: skip

    def _insert_events(self, events: Sequence[Event], links: Links | None) -> None:
        if events:
            self._insert_many(
                "events",
                _EVENTS_COLUMNS,
                [
                    [e.id, e.source, e.target, e.code, e.category, e.modality, e.goldstein,
                     e.date, e.summary, json.dumps([_evidence(e)], ensure_ascii=False),
                     e.statement_id, e.document_id, e.root, e.date_precision, e.trigger,
                     e.trigger_start, e.decided_by, e.mode, e.reported_by, e.source_text,
                     e.target_text, _merged(links, e.id),
                     links.clusters.get(e.id) if links is not None else None]
                    for e in events
                ],
            )  # fmt: skip

    def _insert_commitments(self, commitments: Sequence[Commitment], links: Links | None) -> None:
        if commitments:
            self._insert_many(
                "commitments",
                _COMMITMENTS_COLUMNS,
                [
                    [c.id, c.actor, c.text, c.first_stated, c.last_stated,
                     *_status(links, _merged(links, c.id)),
                     json.dumps([_commitment_mention(m) for m in c.mentions], ensure_ascii=False),
                     c.actor_text, c.key, _merged(links, c.id)]
                    for c in commitments
                ],
            )  # fmt: skip

    def statements(self, document_id: str | None = None) -> list[dict[str, Any]]:
        return self._rows_of("statements", document_id)

    def events(self, document_id: str | None = None) -> list[dict[str, Any]]:
        return self._rows_of("events", document_id)

    def timexes(self, document_id: str | None = None) -> list[dict[str, Any]]:
        return self._rows_of("timexes", document_id)

    def commitments(self) -> list[dict[str, Any]]:
        """Commitments as found per document (see `merged_commitments` for the ledger)."""
        return self._fetch_dicts(
            "SELECT * FROM commitments ORDER BY first_stated NULLS LAST, id", []
        )

    def merged_events(self) -> list[dict[str, Any]]:
        """One row per happening, with every report of it as evidence, in date order."""
        return self._fetch_dicts("SELECT * FROM merged_events ORDER BY date NULLS LAST, id", [])

    def merged_commitments(self) -> list[dict[str, Any]]:
        """The commitments ledger: one row per promise with every mention of it."""
        return self._fetch_dicts(
            "SELECT * FROM merged_commitments ORDER BY first_stated NULLS LAST, id", []
        )

    def _rows_of(self, table: str, document_id: str | None) -> list[dict[str, Any]]:
        # `table` is one of this module's own table names, never user input.
        order = "document_id, char_start" if table != "events" else "document_id, trigger_start"
        if document_id is None:
            return self._fetch_dicts(f"SELECT * FROM {table} ORDER BY {order}", [])
        return self._fetch_dicts(
            f"SELECT * FROM {table} WHERE document_id = ? ORDER BY {order}", [document_id]
        )

    def known_origins(self) -> set[str]:
        rows = self._con.execute("SELECT origins FROM documents").fetchall()
        return {origin for (raw,) in rows for origin in json.loads(raw)}

    def record_run(
        self, added: int, unchanged: int, merged: int, skipped: list[dict[str, str]]
    ) -> None:
        with self._transaction():
            next_id = self._con.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").fetchone()
            self._con.execute(
                "INSERT INTO runs VALUES (?, current_timestamp, current_timestamp, ?, ?, ?, ?)",
                [next_id[0] if next_id else 1, added, unchanged, merged, json.dumps(skipped)],
            )

    def counts(self) -> dict[str, int]:
        out = {}
        for table in (
            "documents",
            "actors",
            "mentions",
            "timexes",
            "statements",
            "events",
            "commitments",
        ):
            row = self._con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[table] = int(row[0]) if row else 0
        for table in ("statements", "events", "commitments"):
            # Distinct happenings, quotes and pledges once reports are merged across documents.
            row = self._con.execute(f"SELECT count(DISTINCT merged_id) FROM {table}").fetchone()
            out[f"{table} merged"] = int(row[0]) if row else 0
        return out

    def document(self, doc_id: str) -> dict[str, Any]:
        """One document by id or unique id prefix."""
        rows = self._fetch_dicts(
            "SELECT * FROM documents WHERE id = ? OR starts_with(id, ?) ORDER BY id LIMIT 2",
            [doc_id, doc_id],
        )
        if not rows:
            raise NotFound(f"no document {doc_id!r}")
        if len(rows) > 1 and rows[0]["id"] != doc_id:
            raise NotFound(f"document id prefix {doc_id!r} is ambiguous")
        return rows[0]

    def mentions(self, document_id: str | None = None) -> list[dict[str, Any]]:
        if document_id is None:
            return self._fetch_dicts("SELECT * FROM mentions ORDER BY document_id, char_start", [])
        return self._fetch_dicts(
            "SELECT * FROM mentions WHERE document_id = ? ORDER BY char_start", [document_id]
        )

    def actors(self) -> list[dict[str, Any]]:
        return self._fetch_dicts("SELECT * FROM actors ORDER BY verified DESC, id", [])

    def documents(self) -> list[dict[str, Any]]:
        return self._fetch_dicts("SELECT * FROM documents ORDER BY published NULLS LAST, id", [])

    def export(
        self, out_dir: Path, fmt: ExportFormat, on_replace: Callable[[Path], None] | None = None
    ) -> list[Path]:
        """One file per contract table in `out_dir`. Files are never written through a symbolic
        link; CSV cells a spreadsheet would run as formulas are made inert. `on_replace` hears of
        each file that existed before and was overwritten."""
        output_folder(out_dir)
        written = []
        options = {"jsonl": "FORMAT json", "parquet": "FORMAT parquet"}.get(fmt, "")
        with tempfile.TemporaryDirectory(prefix="peninsula-export-") as scratch:
            for table, columns in EXPORT_COLUMNS.items():
                name = f"{table}.{fmt}"
                select = ", ".join(_export_expr(fmt, table, c) for c in columns)
                query = f"SELECT {select} FROM {_EXPORT_FROM.get(table, table)} ORDER BY id"
                try:
                    if fmt == "csv":
                        with open_output(out_dir, name, newline="") as (stream, replaced):
                            self._write_csv(query, columns, stream)
                    else:
                        # DuckDB writes to a private scratch file, copied out without following
                        # a link. COPY takes no parameter for its target: the path is quoted.
                        staged = Path(scratch) / name
                        quoted = str(staged).replace("'", "''")
                        self._con.execute(f"COPY ({query}) TO '{quoted}' ({options})")
                        with (
                            staged.open("rb") as source,
                            open_output(out_dir, name, binary=True) as (stream, replaced),
                        ):
                            shutil.copyfileobj(source, stream)
                except duckdb.Error as exc:
                    raise StoreError(f"cannot export {table}: {_first_line(exc)}") from None
                except OSError as exc:
                    raise StoreError(f"cannot export {table}: {exc.strerror or exc}") from None
                written.append(out_dir / name)
                if replaced and on_replace is not None:
                    on_replace(out_dir / name)
        return written

    def _write_csv(self, query: str, columns: Sequence[str], stream: IO[str]) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        cursor = self._con.execute(query)
        while rows := cursor.fetchmany(1000):
            writer.writerows([neutralise_cell(_csv_value(v)) for v in row] for row in rows)

    def _fetch_dicts(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        try:
            cursor = self._con.execute(sql, params)
            names = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {_first_line(exc)}") from None
        return [_decode_row(dict(zip(names, row, strict=True))) for row in rows]


_JSON_COLUMNS = frozenset(
    {"origins", "date_evidence", "date_conflicts", "dateline", "header_lines", "aliases", "roles",
     "evidence", "mentions", "skipped"}
)  # fmt: skip


def _export_expr(fmt: ExportFormat, table: str, column: str) -> str:
    if fmt == "csv" and column in _JSON_COLUMNS:
        return f"CAST({column} AS VARCHAR) AS {column}"
    return column


def _csv_value(value: Any) -> Any:
    """A value as DuckDB's own CSV writer spells it: booleans in lower case, NULL empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _decode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.loads(v) if k in _JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()
    }


def _dateline_dict(d: Document) -> dict[str, Any]:
    line = d.dateline
    assert line is not None
    return {
        "place": line.place,
        "month": line.month,
        "day": line.day,
        "outlet": line.outlet,
        "raw": line.raw,
        "year": line.year,
    }


def _actor_row(actor: Actor, roles: Sequence[Role]) -> list[Any]:
    described = [{"title": t, "of": None, "start": None, "end": None} for t in actor.described_as]
    role_rows = [
        {"title": r.title, "of": r.of, "start": _day(r.start), "end": _day(r.end)} for r in roles
    ]
    return [
        actor.id,
        actor.name,
        actor.kind,
        actor.country,
        json.dumps(list(actor.aliases), ensure_ascii=False),
        json.dumps(role_rows if actor.verified else described, ensure_ascii=False),
        actor.verified,
    ]


def _merged(links: Links | None, row_id: str) -> str:
    return links.merged_ids.get(row_id, row_id) if links is not None else row_id


def _status(links: Links | None, merged_id: str) -> tuple[str, str | None]:
    if links is None:
        return ("open", None)
    return links.statuses.get(merged_id, ("open", None))


def _insert_sql(table: str, columns: tuple[str, ...], rows: int = 1) -> str:
    """An insert of `rows` rows of `columns`; table and column names are this module's own."""
    row = "(" + ", ".join("?" for _ in columns) + ")"
    values = ", ".join(row for _ in range(rows))
    return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES {values}"


def _evidence(event: Event) -> dict[str, Any]:
    return {
        "document_id": event.document_id,
        "sentence": event.sentence.strip(),
        "char_start": event.char_start,
        "char_end": event.char_end,
    }


def _commitment_mention(m: CommitmentMention) -> dict[str, Any]:
    return {
        "document_id": m.document_id,
        "date": m.date,
        "statement_id": m.statement_id,
        "event_id": m.event_id,
        "text": m.text,
        "char_start": m.char_start,
        "char_end": m.char_end,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
