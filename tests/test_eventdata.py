"""The flat event table and PLOVER records, on hand-made merged events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from peninsula.errors import NotFound, SettingsError
from peninsula.eventdata import (
    DYAD_COLUMNS,
    EVENT_COLUMNS,
    PLOVER_KEYS,
    dyad_rows,
    event_rows,
    plover_records,
    select_events,
    write_events_tsv,
    write_plover,
)
from peninsula.filters import EventFilter
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.records import Actor, EventEvidence, MergedEvent, Role
from tests.test_query import FakeStore, document


def merged(
    id: str,
    source: str | None,
    target: str | None,
    when: str | None,
    code: str = "036",
    modality: Any = "actual",
    category: str = "AGREE",
    docs: tuple[str, ...] = ("d1",),
) -> MergedEvent:
    evidence = tuple(
        EventEvidence(
            event_id=f"{id}-{d}",
            document_id=d,
            sentence=f"Invented\tsentence\nof {id}.",
            char_start=0,
            char_end=20,
            trigger="agreed",
            trigger_start=3,
        )
        for d in docs
    )
    return MergedEvent(
        id=id, source=source, target=target, code=code, root=code[:2], category=category,
        mode=None, modality=modality, goldstein=4.0, date=when, date_precision=None,
        first_reported="2025-03-02", sources=len(docs), reports=len(docs), summary=None,
        reported_by=None, source_text=None, target_text=None, mirror=None, evidence=evidence,
    )  # fmt: skip


@pytest.fixture
def world() -> Knowledge:
    """A state, its minister (a dated role) and a second state, over the shipped CAMEO data."""
    base = default_knowledge()
    actors = (
        Actor("AAA", "Avaland", "state", country="AAA"),
        Actor("BBB", "Borduria", "state", country="BBB"),
        Actor("mina_ro", "Mina Ro", "person"),
    )
    role = Role("mina_ro", "Foreign Minister", "AAA", date(2025, 1, 1), date(2025, 6, 30), "src")
    return Knowledge(
        actors=actors,
        roles=(role,),
        events=base.events,
        _by_id={a.id: a for a in actors},
        _roles_by_actor={"mina_ro": (role,)},
    )


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(
        events=[
            merged("e1", "mina_ro", "BBB", "2025-03", docs=("d1", "d2")),
            merged("e2", "BBB", "AAA", "2025-08-05", code="130", category="THREATEN"),
            merged("e3", "mina_ro", "BBB", "2025", modality="pledged"),
            merged("e4", None, "AAA", None, code="020", category="REQUEST"),
        ],
        documents=[document("d1", "x", url="https://news.example/a"), document("d2", "y")],
    )


def test_a_row_has_every_column_with_dates_countries_sectors_and_quad(
    store: FakeStore, world: Knowledge
) -> None:
    rows = {r["event_id"]: r for r in event_rows(store, world)}  # type: ignore[arg-type]
    first = rows["e1"]
    assert tuple(first) == EVENT_COLUMNS
    assert (first["event_date"], first["date_start"], first["date_end"]) == (
        "20250301", "2025-03-01", "2025-03-31",
    )  # fmt: skip
    assert first["date_precision"] == "month"
    assert (first["source_country"], first["source_sector"]) == ("AAA", "Foreign Minister of AAA")
    assert (first["target_country"], first["target_sector"]) == ("BBB", "state")
    assert (first["cameo_code"], first["cameo_root"], first["quad_class"]) == ("036", "03", 1)
    assert (first["num_sources"], first["num_articles"]) == (2, 2)
    assert first["source_urls"] == ["https://news.example/a"]
    assert rows["e2"]["quad_class"] == 3
    assert rows["e4"]["event_date"] is None and rows["e4"]["source_id"] is None


def test_filters_by_date_actor_code_category_and_modality(
    store: FakeStore, world: Knowledge
) -> None:
    def ids(**kw: Any) -> list[str]:
        return [e.id for e in select_events(store, world, EventFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == ["e3", "e1", "e2", "e4"]
    assert ids(since="2025-06") == ["e3", "e2"]  # a year-dated event overlaps June
    assert ids(until="2025-03-31") == ["e3", "e1"]
    assert ids(actor="Avaland") == ["e3", "e1", "e2", "e4"]  # the state includes its minister
    assert ids(actor="Mina Ro") == ["e3", "e1"]
    assert ids(code="13") == ["e2"]
    assert ids(category="threaten") == ["e2"]
    assert ids(modality="pledged") == ["e3"]
    assert ids(pair=("Borduria", "Avaland")) == ["e3", "e1", "e2"]  # either way, with its people
    assert ids(pair=("Mina Ro", "BBB")) == ["e3", "e1"]
    assert ids(pair=("AAA", "AAA")) == []
    with pytest.raises(NotFound):
        ids(pair=("Avaland", "Nobody Here"))
    with pytest.raises(SettingsError):
        ids(code="x1")
    with pytest.raises(SettingsError):
        ids(since="2025-02-30")
    with pytest.raises(NotFound):
        ids(actor="Nobody Here")


def test_tsv_keeps_codes_as_text_for_pandas(
    store: FakeStore, world: Knowledge, tmp_path: Path
) -> None:
    path = write_events_tsv(event_rows(store, world), tmp_path / "events.tsv")  # type: ignore[arg-type]
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert "036" in set(frame["cameo_code"]) and "020" in set(frame["cameo_code"])
    assert all("\t" not in v and "\n" not in v for v in frame["evidence"])
    assert len(frame) == 4


def test_plover_records(store: FakeStore, world: Knowledge, tmp_path: Path) -> None:
    path = write_plover(plover_records(store, world), tmp_path / "p.jsonl")  # type: ignore[arg-type]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    first = next(r for r in records if r["id"] == "e1")
    assert {"event_type", "mode", "context", "actor", "actor_country", "recipient",
            "recipient_country", "date", "evidence"} <= set(first)  # fmt: skip
    assert (first["event_type"], first["actor_country"], first["recipient_country"]) == (
        "AGREE", "AAA", "BBB",
    )  # fmt: skip
    assert first["date"] == "2025-03-01" and first["context"] == []


def test_docs_describe_every_export_column() -> None:
    from peninsula.store import EXPORT_COLUMNS

    text = (Path(__file__).resolve().parents[1] / "docs" / "columns.md").read_text()
    wanted = {c for columns in EXPORT_COLUMNS.values() for c in columns}
    wanted |= set(EVENT_COLUMNS) | set(PLOVER_KEYS) | set(DYAD_COLUMNS)
    missing = sorted(c for c in wanted if f"`{c}`" not in text)
    assert not missing, missing


def test_dyads_directed_undirected_by_month_and_year(store: FakeStore, world: Knowledge) -> None:
    by_month = dyad_rows(store, world)  # type: ignore[arg-type]
    assert [(r["a"], r["b"], r["period"]) for r in by_month] == [
        ("AAA", "BBB", "2025-03"),
        ("AAA", "BBB", "2025-08"),
    ]  # fmt: skip  (the year-dated pledge has no month; the undated event no period)
    march = by_month[0]
    assert tuple(march) == DYAD_COLUMNS
    assert (march["events"], march["quad_1"], march["goldstein_sum"]) == (1, 1, 4.0)
    directed = dyad_rows(store, world, directed=True)  # type: ignore[arg-type]
    assert [(r["a"], r["b"]) for r in directed] == [("AAA", "BBB"), ("BBB", "AAA")]
    assert directed[1]["quad_3"] == 1
    by_year = dyad_rows(store, world, by="year")  # type: ignore[arg-type]
    assert len(by_year) == 1
    year = by_year[0]
    assert (year["period"], year["events"], year["pledged"], year["goldstein_mean"]) == (
        "2025", 2, 1, 4.0,
    )  # fmt: skip
    with pytest.raises(SettingsError):
        dyad_rows(store, world, by="week")  # type: ignore[arg-type]
