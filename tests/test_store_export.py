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
