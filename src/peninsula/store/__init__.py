"""The DuckDB store: schema, migrations, parameterised writes, typed reads, exports. The only
package with SQL.

Writes happen per batch inside one transaction, so an interrupted build leaves either the whole
batch or nothing, and never touches what was stored before. A batch writes its documents, what
was found in them and what merging decided (`records.Links`): the merged records of the
components it touched, each row's merged id, the new edges. Reads return typed records:
`records` types for what the pipeline made, `store.rows` types for the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from peninsula.errors import NotFound, StoreError, StoreOutdated
from peninsula.knowledge import Knowledge
from peninsula.outputs import database_problem
from peninsula.records import (
    Analysis,
    Commitment,
    Document,
    DocumentHead,
    Edge,
    Event,
    Links,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    Statement,
    StoredState,
    document_context,
)
from peninsula.store import keys, reads, rows, writes
from peninsula.store.export import EXPORT_COLUMNS, ExportFormat, Partition, export
from peninsula.store.migrations import FILLED_BY_KEYS, LATEST, MIGRATIONS
from peninsula.store.pages import Pages
from peninsula.store.reads import Where
from peninsula.store.rows import (
    DyadEvent,
    StoredActor,
    StoredDocument,
    StoredMention,
    StoredRole,
    StoredTimex,
)

__all__ = [
    "EXPORT_COLUMNS",
    "BatchResult",
    "DyadEvent",
    "ExportFormat",
    "Partition",
    "Store",
    "StoredActor",
    "StoredDocument",
    "StoredMention",
    "StoredRole",
    "StoredTimex",
    "Where",
]


# Offline always: DuckDB never installs nor loads an extension by itself (a SQLite file would
# otherwise make it download its scanner).
_OFFLINE: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


@dataclass(frozen=True, slots=True)
class BatchResult:
    added: int
    unchanged: int
    merged: int


class Store(Pages):
    """An open DuckDB knowledge base. Use as a context manager or call `close()`."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        path = Path(path)
        self.path = path
        self.read_only = read_only
        self._actors: tuple[StoredActor, ...] | None = None
        self._states: dict[str, frozenset[str]] | None = None
        if read_only and not path.exists() and not path.is_symlink():
            raise NotFound(f"no database at {path}; run 'peninsula build' first")
        problem = database_problem(path)
        if problem is not None:
            raise StoreError(problem)
        try:
            # Offline always: DuckDB never fetches nor loads an extension by itself.
            self._con = duckdb.connect(str(path), read_only=read_only, config=_OFFLINE)
            self._con.execute("SET enable_progress_bar = false")  # not on the CLI's stderr
            self._writer = writes.Writer(self._con)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(
                _busy(path, exc) or f"cannot open {path}: {_first_line(exc)}"
            ) from None
        try:
            self._migrate() if not read_only else self._check_version()
        except duckdb.Error as exc:
            self._con.close()
            raise StoreError(f"cannot use {path}: {_first_line(exc)}") from None
        except StoreError:
            self._con.close()
            raise

    def _check_version(self) -> None:
        tables = {row[0] for row in self._con.execute("SHOW TABLES").fetchall()}
        if "schema_migrations" not in tables:
            raise StoreError(f"{self.path} is a DuckDB database but not a peninsula knowledge base")
        if self._version() < LATEST:
            raise StoreOutdated(
                f"{self.path} was built by an older peninsula: run 'peninsula build' to update it"
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def _version(self) -> int:
        try:
            row = self._con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        except duckdb.Error:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self) -> None:
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
            " applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        applied = {
            row[0] for row in self._con.execute("SELECT version FROM schema_migrations").fetchall()
        }
        for version, script in MIGRATIONS:
            if version in applied:
                continue
            with self._transaction():
                self._con.execute(script)
                if version == FILLED_BY_KEYS:
                    keys.rebuild(self._con)
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

    # --- writes ----------------------------------------------------------------------------

    def new_document_ids(self, ids: Sequence[str]) -> set[str]:
        """The ids not stored yet, so unchanged documents skip the costly stages."""
        if not ids:
            return set()
        placeholders = ", ".join("?" for _ in ids)
        rows_ = self._con.execute(
            f"SELECT id FROM documents WHERE id IN ({placeholders})", list(ids)
        )
        return set(ids) - {row[0] for row in rows_.fetchall()}

    def write_batch(
        self, batch: Sequence[tuple[Document, Analysis]], links: Links | None = None
    ) -> BatchResult:
        """Store one batch and what merging decided for it, atomically.

        A known text gains the new origin; a known origin is unchanged.
        """
        added = unchanged = merged = 0
        try:
            with self._transaction():
                known = self._writer.known_origins([d.id for d, _ in batch])
                fresh: dict[str, tuple[Document, Analysis]] = {}  # written after the loop
                for document, analysis in batch:
                    origins = known.get(document.id)
                    if origins is None:
                        fresh[document.id] = (document, analysis)
                        known[document.id] = list(document.origins)
                        added += 1
                        continue
                    new = [o for o in document.origins if o not in origins]
                    if not new:
                        unchanged += 1
                        continue
                    origins += new
                    merged += 1
                    if document.id in fresh:  # a text twice in one batch: one row, both origins
                        first, found = fresh[document.id]
                        fresh[document.id] = (replace(first, origins=tuple(origins)), found)
                        continue
                    self._con.execute(
                        "UPDATE documents SET origins = ? WHERE id = ?",
                        [json.dumps(origins), document.id],
                    )
                self._writer.insert_analyses(list(fresh.values()))
                if links is not None:
                    self._writer.apply_links(links)
        except duckdb.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {_first_line(exc)}") from None
        return BatchResult(added, unchanged, merged)

    def write_links(self, links: Links) -> None:
        """What merging decided outside a batch (stored rows merged again), atomically."""
        self.write_batch([], links)

    def write_actors(self, knowledge: Knowledge) -> None:
        """Make the verified actors those of the knowledge base in use, roles included, and
        the states each may belong to (`store.keys`; the dyad lookup is rebuilt when they
        change). Unverified actors found in articles stay; a verified one replaces its namesake.
        """
        found = [
            writes.actor_row(actor, knowledge.roles_of(actor.id)) for actor in knowledge.actors
        ]
        states = sorted(
            {
                (actor.id, state)
                for actor in knowledge.actors
                for state in (
                    knowledge.state_of(actor.id),
                    *(role.of for role in knowledge.roles_of(actor.id)),
                )
                if state and state != actor.id
            }
        )
        with self._transaction():
            before = keys.states(self._con)
            self._con.execute("DELETE FROM actors WHERE verified")
            if found:  # a verified actor replaces its namesake found in articles
                marks = ", ".join("?" for _ in found)
                self._con.execute(
                    f"DELETE FROM actors WHERE id IN ({marks})", [r[0] for r in found]
                )
            self._writer.insert_many("actors", writes.ACTORS_COLUMNS, found, bulk=False)
            self._con.execute("DELETE FROM actor_states")
            self._writer.insert_many("actor_states", ("actor", "state"), states, bulk=False)
            if keys.states(self._con) != before:
                keys.rebuild_dyads(self._con)

    def record_run(
        self, added: int, unchanged: int, merged: int, skipped: list[dict[str, str]]
    ) -> None:
        with self._transaction():
            next_id = self._con.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").fetchone()
            self._con.execute(
                "INSERT INTO runs VALUES (?, current_timestamp, current_timestamp, ?, ?, ?, ?)",
                [next_id[0] if next_id else 1, added, unchanged, merged, json.dumps(skipped)],
            )

    # --- reads -----------------------------------------------------------------------------

    def merge_state(self) -> StoredState:
        """Everything merging starts a build from (see `records.StoredState`)."""
        heads = {
            r["id"]: DocumentHead(
                r["id"],
                r["published"],
                r["outlet"],
                r["url"],
                document_context(r["title"], r["text"]),
            )
            for r in self._dicts("SELECT id, published, outlet, url, title, text FROM documents")
        }
        statements = [
            (rows.statement(r), r["said"])
            for r in self._dicts(
                "SELECT s.*, CASE WHEN lo >= 0 AND lo < hi AND hi <= length(d.text)"
                " THEN substring(d.text, lo + 1, hi - lo) ELSE s.text END AS said"
                " FROM (SELECT *, least(char_start, source_start, cue_start) AS lo,"
                " greatest(char_end, source_end, cue_end) AS hi FROM statements) s"
                " JOIN documents d ON d.id = s.document_id ORDER BY s.id"
            )
        ]
        merged: dict[str, str | None] = {}
        for table in ("events", "statements", "commitments"):
            merged.update(self._con.execute(f"SELECT id, merged_id FROM {table}").fetchall())
        return StoredState(
            documents=heads,
            events=tuple(rows.event(r) for r in self._dicts("SELECT * FROM events ORDER BY rowid")),
            statements=tuple(statements),
            commitments=tuple(self.commitments()),
            merged_ids=merged,
            edges=tuple(
                Edge(*r)
                for r in self._con.execute(
                    f"SELECT {', '.join(writes.EDGES_COLUMNS)} FROM edges"
                ).fetchall()
            ),
            statuses={
                r[0]: (r[1], r[2])
                for r in self._con.execute(
                    "SELECT id, status, status_evidence FROM merged_commitments"
                ).fetchall()
            },
        )

    def text_vectors(self, keys: Iterable[str] | None = None) -> dict[str, list[float]]:
        """Every stored sentence embedding, by text key, or only those of `keys`."""
        if keys is None:
            found = self._con.execute("SELECT key, vector FROM text_vectors").fetchall()
        else:
            wanted = list(keys)
            if not wanted:
                return {}
            found = self._con.execute(
                "SELECT key, vector FROM text_vectors WHERE key IN (SELECT unnest(?::VARCHAR[]))",
                [wanted],
            ).fetchall()
        return {key: vector for key, vector in found}

    def text_vector_keys(self) -> set[str]:
        """The text keys of the stored sentence embeddings (cheaper than the vectors)."""
        return {row[0] for row in self._con.execute("SELECT key FROM text_vectors").fetchall()}

    def statements(self, document_id: str | None = None) -> list[Statement]:
        return [rows.statement(r) for r in self._rows_of("statements", document_id)]

    def events(self, document_id: str | None = None) -> list[Event]:
        return [rows.event(r) for r in self._rows_of("events", document_id)]

    def timexes(self, document_id: str | None = None) -> list[StoredTimex]:
        return [rows.plain(StoredTimex, r) for r in self._rows_of("timexes", document_id)]

    def commitments(self) -> list[Commitment]:
        """Commitments as found per document (`merged_commitments` is the ledger)."""
        return [
            rows.commitment(r)
            for r in self._dicts("SELECT * FROM commitments ORDER BY first_stated NULLS LAST, id")
        ]

    def merged_ids(self, table: str) -> dict[str, str | None]:
        """Each row of `table` (events, statements, commitments) to its merged record."""
        if table not in ("events", "statements", "commitments"):
            raise ValueError(f"no merged ids in {table!r}")
        return dict(self._con.execute(f"SELECT id, merged_id FROM {table}").fetchall())

    def merged_events(self, where: Where | None = None) -> list[MergedEvent]:
        """One record per happening, with every report of it as evidence, in date order;
        `where` filters and pages in the database."""
        return [rows.merged_event(r) for r in self._where("merged_events", where)]

    def merged_statements(self, where: Where | None = None) -> list[MergedStatement]:
        """One record per quote or paraphrase, with every report of it, in date order."""
        return [rows.merged_statement(r) for r in self._where("merged_statements", where)]

    def merged_commitments(self, where: Where | None = None) -> list[MergedCommitment]:
        """The commitments ledger: one record per promise with every wording of it."""
        return [rows.merged_commitment(r) for r in self._where("merged_commitments", where)]

    def dyad_events(self, where: Where | None = None) -> list[DyadEvent]:
        """The merged events as the dyad scores read them (`rows.DyadEvent`), in date order.
        With `where.pair` (and sides the lookup covers), candidates from `dyad_keys`."""
        where = where or Where()
        paired = self._paired(where)
        if paired:
            sql, params = reads.paired(where, reads.PAIRED_DYAD_COLUMNS)
        else:
            sql, params = reads.select("merged_events", where, reads.DYAD_COLUMNS)
        try:
            found = self._con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read merged_events: {_first_line(exc)}") from None
        out = []
        for r in found:
            if paired:  # the anchor in two columns
                anchor = (r[7], int(r[8])) if r[7] is not None or r[8] is not None else None
            else:
                anchor = (r[7]["d"], int(r[7]["c"])) if r[7] else None
            out.append(DyadEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], anchor))
        return out

    def _where(self, table: str, where: Where | None) -> list[dict[str, Any]]:
        where = where or Where()
        try:
            if where.ids is not None and where == Where(ids=where.ids):
                # A page whose ids were read: those rows only, by the primary key.
                return self._dicts(*reads.by_ids(table, where.ids)) if where.ids else []
            if where.limit is None:
                return self._dicts(*reads.select(table, where))
            # A page: its ids first, from a lookup table when one answers the question (else
            # from the narrow columns), then only its rows in full.
            if self._paired(where):
                page = reads.paired(where)
            elif where.sides is None and not where.sided and not where.month:
                page = reads.keyed(where, reads.KIND[table])
            else:
                page = reads.select(table, where, "id")
            ids = [r[0] for r in self._con.execute(*page).fetchall()]
            return self._dicts(*reads.by_ids(table, ids)) if ids else []
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {table}: {_first_line(exc)}") from None

    def _paired(self, where: Where) -> bool:
        """Whether `dyad_keys` holds every event `where.sides` asks for: each actor of a side
        is its pair's actor or may belong to it (as the lookup was written)."""
        if where.pair is None or where.sides is None or where.pair[0] == where.pair[1]:
            return False
        if self._states is None or not self.read_only:
            self._states = keys.states(self._con)
        states = self._states
        return all(
            member == wanted or wanted in states.get(member, ())
            for wanted, side in zip(where.pair, where.sides, strict=True)
            for member in side
        )

    def load_merged(self, kind: str, data: Any) -> int:
        """Append merged records in bulk, from an Arrow table or a pandas DataFrame whose
        columns are named as the table's (nested ones as JSON text): for synthetic stores and
        lake imports, not for builds (no members, edges or merged ids are written). Their
        lookup rows are written too; `sort_lookups` afterwards keeps reads fast.
        `kind` is event, statement or commitment. Returns the number of rows added."""
        if kind not in writes.MERGED:
            raise ValueError(f"no merged table for {kind!r}")
        table = writes.MERGED[kind][0]
        try:
            with self._transaction():
                self._con.register("_peninsula_bulk", data)
                try:
                    self._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _peninsula_bulk")
                    ids = [
                        r[0] for r in self._con.execute("SELECT id FROM _peninsula_bulk").fetchall()
                    ]
                finally:
                    self._con.unregister("_peninsula_bulk")
                keys.refresh(self._con, table, ids)
        except duckdb.Error as exc:
            raise StoreError(f"cannot load {table}: {_first_line(exc)}") from None
        return len(data)

    def sort_lookups(self) -> None:
        """Store the lookup tables in the order the reads use (after bulk loads: appended
        rows are read correctly but more slowly)."""
        try:
            with self._transaction():
                keys.sort(self._con)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot sort the lookups of {self.path}: {_first_line(exc)}"
            ) from None

    def _rows_of(self, table: str, document_id: str | None) -> list[dict[str, Any]]:
        # `table` is one of this module's own table names, never user input.
        order = "document_id, char_start" if table != "events" else "document_id, trigger_start"
        if document_id is None:
            return self._dicts(f"SELECT * FROM {table} ORDER BY {order}")
        return self._dicts(
            f"SELECT * FROM {table} WHERE document_id = ? ORDER BY {order}", [document_id]
        )

    def document_ids(self) -> frozenset[str]:
        """Every stored document's id (a build on Ray skips these before parsing)."""
        return frozenset(row[0] for row in self._con.execute("SELECT id FROM documents").fetchall())

    def known_origins(self) -> set[str]:
        found = self._con.execute("SELECT origins FROM documents").fetchall()
        return {origin for (raw,) in found for origin in json.loads(raw)}

    def counts(self) -> dict[str, int]:
        out = {}
        tables = (
            "documents",
            "actors",
            "mentions",
            "timexes",
            "statements",
            "events",
            "commitments",
        )
        for table in tables:
            row = self._con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[table] = int(row[0]) if row else 0
        for merged, members in writes.MERGED.values():
            # Distinct happenings, quotes and pledges once reports are merged across documents.
            row = self._con.execute(f"SELECT count(*) FROM {merged}").fetchone()
            out[f"{members} merged"] = int(row[0]) if row else 0
        return out

    def document(self, doc_id: str) -> StoredDocument:
        """One document by id or unique id prefix."""
        found = self._dicts(
            "SELECT * FROM documents WHERE id = ? OR starts_with(id, ?) ORDER BY id LIMIT 2",
            [doc_id, doc_id],
        )
        if not found:
            raise NotFound(f"no document {doc_id!r}")
        if len(found) > 1 and found[0]["id"] != doc_id:
            raise NotFound(f"document id prefix {doc_id!r} is ambiguous")
        return rows.document(found[0])

    def mentions(self, document_id: str | None = None) -> list[StoredMention]:
        if document_id is None:
            found = self._dicts("SELECT * FROM mentions ORDER BY document_id, char_start")
        else:
            found = self._dicts(
                "SELECT * FROM mentions WHERE document_id = ? ORDER BY char_start", [document_id]
            )
        return [rows.plain(StoredMention, r) for r in found]

    def actors(self) -> list[StoredActor]:
        """Every actor, verified first. A read-only store reads them once (nothing changes
        them while it is open: DuckDB lets no other process write to it)."""
        if self._actors is not None:
            return list(self._actors)
        found = [
            rows.actor(r) for r in self._dicts("SELECT * FROM actors ORDER BY verified DESC, id")
        ]
        if self.read_only:
            self._actors = tuple(found)
        return found

    def documents(self) -> list[StoredDocument]:
        return [
            rows.document(r)
            for r in self._dicts("SELECT * FROM documents ORDER BY published NULLS LAST, id")
        ]

    def export(
        self,
        out_dir: Path,
        fmt: ExportFormat,
        on_replace: Callable[[Path], None] | None = None,
        partition: Partition | None = None,
        keep: Mapping[str, Collection[str]] | None = None,
    ) -> list[Path]:
        """Files for each table (`store.export`); `partition="month"`: a Parquet lake; `keep`:
        the ids of the rows to write, by table (the others whole)."""
        return export(self._con, out_dir, fmt, on_replace, partition, keep)

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            cursor = self._con.execute(sql, list(params))
            names = [d[0] for d in cursor.description or []]
            found = cursor.fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {_first_line(exc)}") from None
        return [dict(zip(names, row, strict=True)) for row in found]


def _busy(path: Path, exc: BaseException) -> str | None:
    """One clear line when another process holds the file (DuckDB's lock: one writer, or
    readers only), else None."""
    if "Could not set lock" not in str(exc):
        return None
    holder = re.search(r"\(PID (\d+)\)", str(exc))
    pid = f" (PID {holder.group(1)})" if holder else ""
    return (
        f"the store is in use by another process{pid} (a running `peninsula serve`?): "
        f"{path} is locked; stop it, or add articles through its POST /api/articles"
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
