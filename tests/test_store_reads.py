"""Filtered reads of the merged tables, on a store loaded in bulk with hand-made rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from peninsula.errors import StoreError
from peninsula.store import Store, Where


def _events() -> pa.Table:
    rows = [
        ("e1", "KOR", "PRK", "2025", None),
        ("e2", "lee_jae_myung", "PRK", "2025-08", "KOR"),
        ("e3", "PRK", "USA", "2025-08-05", None),
        ("e4", "USA", None, "2025-09-24", None),
        ("e5", "KOR", "PRK", None, None),
    ]
    return pa.table(
        {
            "id": [r[0] for r in rows],
            "source": [r[1] for r in rows],
            "target": [r[2] for r in rows],
            "code": ["040"] * len(rows),
            "modality": ["actual"] * len(rows),
            "date": [r[3] for r in rows],
            "sources": [1] * len(rows),
            "reports": [1] * len(rows),
            "reported_by": [r[4] for r in rows],
            "evidence": [json.dumps([]) for _ in rows],
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "kb.duckdb")
    assert store.load_merged("event", _events()) == 5
    return store


def ids(store: Store, where: Where) -> list[str]:
    return [e.id for e in store.merged_events(where)]


def test_unfiltered_read_is_in_date_order_undated_last(store: Store) -> None:
    assert ids(store, Where()) == ["e1", "e2", "e3", "e4", "e5"]
    assert [e.id for e in store.merged_events()] == ids(store, Where())


def test_actor_in_any_part(store: Store) -> None:
    assert ids(store, Where(actor="KOR")) == ["e1", "e2", "e5"]  # e2: reported by KOR
    assert ids(store, Where(actor="USA")) == ["e3", "e4"]


def test_sides_either_way_round(store: Store) -> None:
    assert ids(store, Where(sides=({"KOR", "lee_jae_myung"}, {"PRK"}))) == ["e1", "e2", "e5"]
    assert ids(store, Where(sides=({"USA"}, {"PRK"}))) == ["e3"]
    assert ids(store, Where(sides=(set(), {"PRK"}))) == []


def test_dates_compare_on_the_common_prefix(store: Store) -> None:
    assert ids(store, Where(since="2025-08-06")) == ["e1", "e2", "e4"]
    assert ids(store, Where(until="2025-08-04")) == ["e1", "e2"]
    assert ids(store, Where(since="2025-09", until="2025-09")) == ["e1", "e4"]


def test_month_mode_keeps_month_and_day_dates_by_their_month(store: Store) -> None:
    assert ids(store, Where(month=True)) == ["e2", "e3", "e4"]
    assert ids(store, Where(month=True, since="2025-08-31")) == ["e2", "e3", "e4"]
    assert ids(store, Where(month=True, sided=True)) == ["e2", "e3"]


def test_limit_and_offset_page_in_order(store: Store) -> None:
    assert ids(store, Where(limit=2)) == ["e1", "e2"]
    assert ids(store, Where(limit=2, offset=2)) == ["e3", "e4"]
    assert ids(store, Where(offset=4)) == ["e5"]


def test_before_keeps_rows_dated_up_to_it_and_no_undated_ones(store: Store) -> None:
    assert ids(store, Where(before="2025-08")) == ["e1", "e2"]  # "2025-08-05" sorts after
    assert ids(store, Where(before="2025-09-24", actor="KOR")) == ["e1", "e2"]


def test_a_page_of_ids_is_the_same_with_its_date_bound(store: Store) -> None:
    kinds = ("event", "statement", "commitment")
    for actor in (None, "KOR", "USA", "nobody"):
        for limit in (0, 1, 2, 3, 4, 5, 9):
            for after in (None, ("2025-08", "e2"), ("2025", "e1"), (None, "e5"), (None, "")):
                where = Where(actor=actor, limit=limit, after=after, kind_after="event")
                found = store.page_ids(where, kinds, kinds)["event"]
                everything = [
                    e.id
                    for e in store.merged_events(Where(actor=actor, after=after))
                    if actor is None or actor in (e.source, e.target, e.reported_by)
                ]
                assert found == everything[:limit], (actor, limit, after)


def test_bulk_load_refuses_unknown_kinds_and_bad_columns(store: Store) -> None:
    with pytest.raises(ValueError, match="no merged table"):
        store.load_merged("events", _events())
    with pytest.raises(StoreError, match="cannot load merged_events"):
        store.load_merged("event", pa.table({"id": ["x"], "nonsense": [1]}))
    assert len(store.merged_events()) == 5  # nothing half-written
