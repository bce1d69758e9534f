"""The Python API on the example corpus: open by file name, DataFrames, the example script."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pandas as pd
import pytest

import peninsula
from peninsula.errors import NotFound, SettingsError
from peninsula.settings import Settings
from tests.conftest import EXAMPLES, TODAY


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("api") / "kb.duckdb"
    settings = Settings(db_path=path, workers=1, batch_size=8, embeddings=False)
    report = peninsula.build(EXAMPLES, db=str(path), settings=settings, today=TODAY)
    assert report.added > 0
    return str(path)


def test_open_takes_a_str_or_a_path(db: str) -> None:
    for where in (db, Path(db)):
        kb = peninsula.open(where)
        assert isinstance(kb.events(), pd.DataFrame)


def test_open_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no database"):
        peninsula.open(tmp_path / "none.duckdb")


def test_events_have_the_export_columns_and_text_codes(db: str) -> None:
    events = peninsula.open(db).events()
    assert not events.empty
    assert list(events.columns[:5]) == [
        "event_id", "event_date", "date_start", "date_end", "date_precision",
    ]  # fmt: skip
    codes = events["cameo_code"].dropna()
    assert all(isinstance(c, str) and c.isdigit() and 2 <= len(c) <= 4 for c in codes)
    assert any(c.startswith("0") for c in codes)  # zero-padded text, not numbers
    assert set(events["quad_class"].dropna()) <= {1, 2, 3, 4}


def test_events_filters(db: str) -> None:
    kb = peninsula.open(db)
    everything = kb.events()
    actual = kb.events(modality="actual")
    assert 0 < len(actual) <= len(everything)
    assert set(actual["modality"]) == {"actual"}
    later = kb.events(since="June 2025")
    assert not later.empty and all(d >= "2025-06-01" for d in later["date_end"])
    korea = kb.events(actor="South Korea")
    assert not korea.empty
    sides = zip(korea["source_country"], korea["target_country"], strict=True)
    assert all("KOR" in pair for pair in sides)


def test_timeline_statements_commitments_dyads_actors(db: str) -> None:
    kb = peninsula.open(db)
    timeline = kb.timeline(actor="Lee Jae Myung")
    assert not timeline.empty and all("lee_jae_myung" in ids for ids in timeline["actor_ids"])
    assert set(kb.statements()["kind"]) == {"statement"}
    assert set(kb.commitments()["kind"]) <= {"commitment"}
    assert {"a", "b", "month", "mean_goldstein"} <= set(kb.dyads().columns)
    table = kb.dyad_table(by="year", modality="actual")
    assert not table.empty and set(table["period"].str.len()) == {4}
    actors = kb.actors()
    assert "lee_jae_myung" in set(actors["id"])


def test_bad_filters_raise(db: str) -> None:
    kb = peninsula.open(db)
    with pytest.raises(SettingsError):
        kb.events(since="2025-02-30")
    with pytest.raises(SettingsError):
        kb.timeline(since="2026", until="2025")
    with pytest.raises(SettingsError):
        kb.events(modality="maybe")


def test_build_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such file"):
        peninsula.build(tmp_path / "nothing", db=tmp_path / "kb.duckdb")
    assert not (tmp_path / "kb.duckdb").exists()


def test_the_example_script_runs(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = sys.argv
    sys.argv = ["api_tour.py", db]
    try:
        runpy.run_path(str(EXAMPLES / "api_tour.py"), run_name="__main__")
    finally:
        sys.argv = argv
    out = capsys.readouterr().out
    assert "actual events since 2025" in out and "actors" in out


def test_timeline_urls_and_actor_role_sources(db: str) -> None:
    kb = peninsula.open(db)
    assert "urls" in kb.timeline().columns
    lee = kb.actors().set_index("id").loc["lee_jae_myung"]
    assert lee["roles"] and all(r["source"].startswith("http") for r in lee["roles"])


def test_export_takes_the_filters_of_events(db: str, tmp_path: Path) -> None:
    kb = peninsula.open(db)
    korea = kb.events(actor="South Korea", since="2025-10")
    written = kb.export(tmp_path / "t", "parquet", actor="South Korea", since="2025-10")
    assert {p.name for p in written} >= {"events.parquet", "statements.parquet", "manifest.json"}
    events = pd.read_parquet(tmp_path / "t" / "events.parquet")
    assert set(events["id"]) == set(korea["event_id"]) and len(events) > 0
    [tsv] = kb.export(str(tmp_path / "e"), "events-tsv", actor="South Korea", since="2025-10")
    assert set(pd.read_csv(tsv, sep="\t", dtype=str)["event_id"]) == set(korea["event_id"])
    lake = kb.export(tmp_path / "lake", "parquet", partition="month", code="03")
    assert tmp_path / "lake" / "events" in lake
    codes = pd.read_parquet(tmp_path / "lake" / "events")["code"]
    assert len(codes) and all(c.startswith("03") for c in codes)
    with pytest.raises(SettingsError, match="format must be one of"):
        kb.export(tmp_path / "x", "xlsx")
    with pytest.raises(SettingsError, match="partition"):
        kb.export(tmp_path / "x", "csv", partition="month")
    with pytest.raises(SettingsError, match="dyads-tsv"):
        kb.export(tmp_path / "x", "plover", directed=True)
    [dyads] = kb.export(tmp_path / "d", "dyads-tsv", by="year", since="2025")
    assert dyads.name == "dyads.tsv"
    with pytest.raises(NotFound, match="no actor"):
        kb.export(tmp_path / "x", "csv", actor="Nobody Here")
