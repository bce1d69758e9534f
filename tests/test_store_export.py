"""The Parquet lake export: Hive-style month partitions that DuckDB, pandas and pyarrow read."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from peninsula.errors import StoreError
from peninsula.store import Store

DATES = ["2025-08-05", "2025-08", "2025-09-24", "2024", None, "2024-12-31"]


def _events() -> pa.Table:
    n = len(DATES)
    return pa.table(
        {
            "id": [f"e{i}" for i in range(n)],
            "source": ["KOR"] * n,
            "target": ["PRK"] * n,
            "code": ["040"] * n,
            "modality": ["actual"] * n,
            "date": DATES,
            "sources": [1] * n,
            "reports": [1] * n,
            "evidence": [json.dumps([{"event_id": f"x{i}"}]) for i in range(n)],
        }
    )


def _commitments() -> pa.Table:
    return pa.table(
        {
            "id": ["c1", "c2"],
            "actor": ["KOR", "PRK"],
            "text": ["to talk", "to meet"],
            "status": ["open", "kept"],
            "first_stated": ["2025-08-01", None],
            "count": [1, 1],
            "sources": [1, 1],
            "members": ["[]", "[]"],
            "mentions": ["[]", "[]"],
        }
    )


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    with Store(tmp_path / "kb.duckdb") as store:
        store.load_merged("event", _events())
        store.load_merged("commitment", _commitments())
        store.export(tmp_path / "lake", "parquet", partition="month")
    return tmp_path / "lake"


def test_partitions_are_hive_style_by_year_and_month(lake: Path) -> None:
    folders = {
        str(p.parent.relative_to(lake / "events")) for p in (lake / "events").rglob("*.parquet")
    }
    assert folders == {
        "year=2025/month=08",
        "year=2025/month=09",
        "year=2024/month=12",
        "year=2024/month=unknown",
        "year=unknown/month=unknown",
    }
    assert (lake / "actors.parquet").exists()  # a table without dates stays one file


def test_duckdb_pandas_and_pyarrow_read_the_lake(lake: Path) -> None:
    ids = {f"e{i}" for i in range(len(DATES))}
    found = duckdb.sql(
        f"SELECT id, year, month, date FROM read_parquet('{lake}/events/**/*.parquet',"
        " hive_partitioning=true) ORDER BY id"
    ).fetchall()
    assert {row[0] for row in found} == ids
    by_id = {row[0]: row for row in found}
    assert str(by_id["e0"][1]) == "2025" and int(by_id["e0"][2]) == 8
    assert by_id["e4"][1:3] == ("unknown", "unknown")
    frame = pd.read_parquet(lake / "events")
    assert set(frame["id"]) == ids and len(frame) == len(DATES)
    table = ds.dataset(lake / "commitments", format="parquet", partitioning="hive").to_table()
    assert sorted(table.column("id").to_pylist()) == ["c1", "c2"]
    assert list(frame.set_index("id").loc["e0", "evidence"]) == [{"event_id": "x0"}]


def test_parquet_dates_are_dates_and_nested_fields_lists_of_structs(tmp_path: Path) -> None:
    with Store(str(tmp_path / "kb.duckdb")) as store:  # a str is a path too
        store.load_merged("event", _events())
        store.export(tmp_path / "out", "parquet")
    table = pq.read_table(tmp_path / "out" / "events.parquet")
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("date_end").type == pa.date32()
    assert table.schema.field("code").type == pa.string()  # "040" keeps its zero
    evidence = table.schema.field("evidence").type
    assert pa.types.is_list(evidence) and pa.types.is_struct(evidence.value_type)
    rows = {r["id"]: r for r in table.to_pylist()}
    assert (rows["e0"]["date"], rows["e0"]["date_end"]) == (date(2025, 8, 5), date(2025, 8, 5))
    assert (rows["e1"]["date"], rows["e1"]["date_end"]) == (date(2025, 8, 1), date(2025, 8, 31))
    assert (rows["e3"]["date"], rows["e3"]["date_end"]) == (date(2024, 1, 1), date(2024, 12, 31))
    assert rows["e4"]["date"] is None and rows["e0"]["code"] == "040"
    assert rows["e2"]["evidence"] == [{"event_id": "x2"}]


def test_csv_keeps_codes_as_text(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.duckdb") as store:
        store.load_merged("event", _events())
        store.export(tmp_path / "out", "csv")
    with (tmp_path / "out" / "events.csv").open(newline="") as stream:
        assert {row["code"] for row in csv.DictReader(stream)} == {"040"}
    frame = pd.read_csv(tmp_path / "out" / "events.csv", dtype={"code": str})
    assert set(frame["code"]) == {"040"}


def test_only_parquet_is_partitioned(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.duckdb") as store, pytest.raises(StoreError, match="parquet"):
        store.export(tmp_path / "out", "jsonl", partition="month")


def test_keep_writes_only_the_rows_named_in_each_format(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.duckdb") as store:
        store.load_merged("event", _events())
        store.load_merged("commitment", _commitments())
    keep = {"events": {"e0", "e3", "no-such-id"}, "commitments": set()}
    with Store(tmp_path / "kb.duckdb", read_only=True) as store:  # temporary tables only
        for fmt in ("jsonl", "csv", "parquet"):
            store.export(tmp_path / fmt, fmt, keep=keep)  # type: ignore[arg-type]
        store.export(tmp_path / "lake", "parquet", partition="month", keep=keep)
        store.export(tmp_path / "all", "csv")  # the next export keeps every row again
    lines = (tmp_path / "jsonl" / "events.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["e0", "e3"]
    assert (tmp_path / "jsonl" / "commitments.jsonl").read_text() == ""
    with (tmp_path / "csv" / "events.csv").open(newline="") as stream:
        assert [row["id"] for row in csv.DictReader(stream)] == ["e0", "e3"]
    assert (tmp_path / "csv" / "commitments.csv").read_text().startswith("id,actor,")
    assert pq.read_table(tmp_path / "parquet" / "events.parquet").column("id").to_pylist() == [
        "e0", "e3",
    ]  # fmt: skip
    lake = pd.read_parquet(tmp_path / "lake" / "events")
    assert sorted(lake["id"]) == ["e0", "e3"]
    folders = {p.parent.name for p in (tmp_path / "lake" / "events").rglob("*.parquet")}
    assert folders == {"month=08", "month=unknown"}
    with (tmp_path / "all" / "events.csv").open(newline="") as stream:
        assert len(list(csv.DictReader(stream))) == len(DATES)


def test_keep_names_only_exported_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.duckdb") as store, pytest.raises(StoreError, match="mentions"):
        store.export(tmp_path / "out", "csv", keep={"mentions": {"m1"}})


def test_a_lake_written_again_holds_only_the_new_rows(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with Store(tmp_path / "kb.duckdb") as store:
        store.load_merged("event", _events())
        store.export(lake, "parquet", partition="month")
        (lake / "events" / "notes.txt").write_text("mine")
        store.export(lake, "parquet", partition="month", keep={"events": {"e2"}})
        store.export(lake, "parquet", partition="month", keep={"commitments": set()})
    folders = {str(p.parent.relative_to(lake)) for p in lake.rglob("*.parquet")}
    assert "events/year=2024/month=12" in folders  # every event again in the last export
    assert (lake / "events" / "notes.txt").read_text() == "mine"  # not ours: left alone
    (lake / "events" / "notes.txt").unlink()
    empty = pd.read_parquet(lake / "commitments")  # no rows, but its columns
    assert len(empty) == 0 and {"id", "actor", "first_stated"} <= set(empty.columns)
    found = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{lake}/commitments/**/*.parquet',"
        " hive_partitioning=true)"
    ).fetchall()
    assert found == [(0,)]
    with Store(tmp_path / "kb.duckdb") as store:
        store.export(lake, "parquet", partition="month", keep={"events": {"e2"}})
    assert sorted(pd.read_parquet(lake / "events")["id"]) == ["e2"]  # no stale partition read
    assert not (lake / "events" / "year=2024").exists()
