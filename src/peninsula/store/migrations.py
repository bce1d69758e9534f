"""The schema, as numbered migrations applied in order, each in its own transaction.

A store opened for writing is brought up to the last version; one opened read-only must already
be (`LATEST`), else `StoreOutdated` (the CLI then opens it for writing once and updates it).
Migration 7 replaced the merged views with tables written at build time: it leaves the rows of an
older store without a merged id, and `pipeline.update` (run by every build, and by a read-side
command on such a store) merges them into the tables a fresh build of the same documents makes.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str], ...] = (
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
    # Merged records become tables, written by each batch (`merge.incremental`): the single
    # definition of a merged event, statement and commitment, with the edges they come from.
    # Rows stored before are merged again by the next build (merged_id NULL: pending).
    (
        7,
        """
        DROP VIEW IF EXISTS merged_events;
        DROP VIEW IF EXISTS merged_commitments;
        ALTER TABLE events DROP COLUMN cluster_id;
        UPDATE events SET merged_id = NULL;
        UPDATE statements SET merged_id = NULL;
        UPDATE commitments SET merged_id = NULL;
        CREATE TABLE merged_events (
            id VARCHAR PRIMARY KEY, source VARCHAR, target VARCHAR, code VARCHAR, root VARCHAR,
            category VARCHAR, mode VARCHAR, modality VARCHAR NOT NULL, goldstein DOUBLE,
            date VARCHAR, date_precision VARCHAR, first_reported VARCHAR,
            sources INTEGER NOT NULL, reports INTEGER NOT NULL, summary VARCHAR,
            reported_by VARCHAR, source_text VARCHAR, target_text VARCHAR, mirror VARCHAR,
            evidence JSON NOT NULL
        );
        CREATE TABLE merged_statements (
            id VARCHAR PRIMARY KEY, speaker VARCHAR, speaker_text VARCHAR, kind VARCHAR NOT NULL,
            cue VARCHAR, text VARCHAR NOT NULL, date VARCHAR, date_precision VARCHAR,
            first_reported VARCHAR, sources INTEGER NOT NULL, reports INTEGER NOT NULL,
            evidence JSON NOT NULL
        );
        CREATE TABLE merged_commitments (
            id VARCHAR PRIMARY KEY, actor VARCHAR, actor_text VARCHAR, target VARCHAR,
            text VARCHAR NOT NULL, code VARCHAR, root VARCHAR, category VARCHAR,
            status VARCHAR NOT NULL, status_evidence VARCHAR, first_stated VARCHAR,
            last_stated VARCHAR, count INTEGER NOT NULL, sources INTEGER NOT NULL,
            members JSON NOT NULL, mentions JSON NOT NULL
        );
        CREATE TABLE edges (
            kind VARCHAR NOT NULL, a VARCHAR NOT NULL, b VARCHAR NOT NULL,
            score DOUBLE NOT NULL, floor DOUBLE NOT NULL, floor_unknown DOUBLE NOT NULL,
            PRIMARY KEY (kind, a, b)
        );
        """,
    ),
    # Lookup tables for reads at scale (`store.keys`): each merged record under every actor
    # taking part and under '' (all), and each event under every pair of states its sides
    # may stand for, with the columns the dyad scores read; the states of each actor from the
    # knowledge base in use. Filled from the merged tables right after this migration.
    (
        8,
        """
        CREATE TABLE timeline_keys (
            key VARCHAR NOT NULL, kind VARCHAR NOT NULL, first VARCHAR, last VARCHAR,
            id VARCHAR NOT NULL
        );
        CREATE TABLE actor_states (
            actor VARCHAR NOT NULL, state VARCHAR NOT NULL, PRIMARY KEY (actor, state)
        );
        CREATE TABLE dyad_keys (
            a VARCHAR NOT NULL, b VARCHAR NOT NULL, month VARCHAR, date VARCHAR,
            id VARCHAR NOT NULL,
            source VARCHAR NOT NULL, target VARCHAR NOT NULL, code VARCHAR,
            modality VARCHAR NOT NULL, goldstein DOUBLE, anchor_document VARCHAR,
            anchor_char BIGINT
        );
        """,
    ),
)

# Python run in the transaction of a migration, after its script: the lookup tables of
# migration 8 are filled from the merged rows already stored.
FILLED_BY_KEYS = 8


LATEST = MIGRATIONS[-1][0]
