"""Old stores migrate: a store of schema 6 (merged views, no merged tables) opened for writing is
brought to the latest schema, and its merged tables are computed on the next build, or when a
read-side command first opens it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from peninsula import pipeline
from peninsula.cli import app
from peninsula.errors import StoreOutdated
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from peninsula.store.migrations import LATEST, MIGRATIONS
from tests.conftest import EXAMPLES, TODAY

ROW_TABLES = ("documents", "actors", "mentions", "statements", "events", "commitments", "timexes")


def _old_store(fresh: Path, old: Path) -> None:
    """A schema-6 store holding the rows of `fresh`, as a build before migration 7 left them:
    every merged id its own row's (the old head rows), no merged tables, no edges."""
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                    " applied_at TIMESTAMP DEFAULT current_timestamp)")  # fmt: skip
        for version, script in MIGRATIONS:
            if version >= 7:
                break
            con.execute(script)
            con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])
        con.execute(f"ATTACH '{fresh}' AS fresh (READ_ONLY)")
        for table in ROW_TABLES:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM fresh.{table}")
        for table in ("events", "statements", "commitments"):
            con.execute(f"UPDATE {table} SET merged_id = id")
        con.execute("UPDATE events SET cluster_id = id")
        con.execute("DETACH fresh")
        assert con.execute("SELECT count(*) FROM merged_events").fetchone() is not None  # a view


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a fresh build of the examples, the same rows in a schema-6 store)."""
    folder = tmp_path_factory.mktemp("migrations")
    fresh, old = folder / "fresh.duckdb", folder / "old.duckdb"
    settings = Settings(db_path=fresh, workers=1, batch_size=8, embeddings=False)
    with Store(fresh) as store:
        pipeline.build([str(EXAMPLES)], store, default_knowledge(), settings, TODAY)
    _old_store(fresh, old)
    return fresh, old


def _merged(path: Path) -> tuple[object, ...]:
    with Store(path, read_only=True) as store:
        return (
            store.merged_events(),
            store.merged_statements(),
            store.merged_commitments(),
            store.merged_ids("events"),
            store.merged_ids("statements"),
            store.merged_ids("commitments"),
        )


def test_a_build_merges_an_old_store_into_what_a_fresh_build_makes(
    stores: tuple[Path, Path], tmp_path: Path
) -> None:
    fresh, template = stores
    old = tmp_path / "old.duckdb"
    old.write_bytes(template.read_bytes())
    with pytest.raises(StoreOutdated, match="older peninsula"):
        Store(old, read_only=True)
    settings = Settings(db_path=old, workers=1, batch_size=8, embeddings=False)
    with Store(old) as store:
        assert store.counts()["events merged"] == 0  # migrated: rows wait for the build
        report = pipeline.build([str(EXAMPLES)], store, default_knowledge(), settings, TODAY)
    assert (report.added, report.unchanged) == (0, 3)
    assert _merged(old) == _merged(fresh)


def test_a_read_command_updates_an_old_store_once(
    stores: tuple[Path, Path], tmp_path: Path
) -> None:
    fresh, template = stores
    old = tmp_path / "old.duckdb"
    old.write_bytes(template.read_bytes())
    env = {"PENINSULA_EMBEDDINGS": "0"}
    first = CliRunner().invoke(app, ["timeline", "--db", str(old), "--format", "json"], env=env)
    assert first.exit_code == 0, first.output
    assert "updating" in first.stderr
    assert _merged(old) == _merged(fresh)
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (LATEST,)
    again = CliRunner().invoke(app, ["timeline", "--db", str(old), "--format", "json"], env=env)
    assert again.exit_code == 0 and "updating" not in again.stderr
    assert again.stdout == first.stdout
    expected = CliRunner().invoke(app, ["timeline", "--db", str(fresh), "--format", "json"])
    assert again.stdout == expected.stdout
