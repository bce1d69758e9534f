"""Paged reads for the web app, on a store written with hand-made documents and merged rows."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from peninsula.errors import NotFound, StoreError
from peninsula.knowledge import Knowledge
from peninsula.nlp import EMPTY
from peninsula.pipeline import prepare
from peninsula.records import RawArticle
from peninsula.store import Store

TEXTS = (
    "Seoul said on Monday it would talk about 100% of the plan.",
    "Pyongyang said on Tuesday it would not talk.",
    "Tokyo said on Friday it would watch_closely.",
)


def _events() -> pa.Table:
    rows = [
        ("e1", "AGREE", "actual", 3.0, "2025-01", "Seoul agreed to talks"),
        ("e2", "agree", "pledged", 2.0, "2025-02", "Tokyo pledged talks"),
        ("e3", "THREATEN", "actual", -6.0, None, "Pyongyang threatened"),
    ]
    return pa.table(
        {
            "id": [r[0] for r in rows],
            "source": ["KOR", "JPN", "PRK"],
            "target": ["PRK", "PRK", "KOR"],
            "code": ["030", "030", "130"],
            "category": [r[1] for r in rows],
            "modality": [r[2] for r in rows],
            "goldstein": [r[3] for r in rows],
            "date": [r[4] for r in rows],
            "summary": [r[5] for r in rows],
            "sources": [1, 1, 1],
            "reports": [1, 1, 1],
            "evidence": [json.dumps([_evidence(r[0])]) for r in rows],
        }
    )


def _evidence(event_id: str) -> dict[str, Any]:
    sentence = f"Invented sentence {event_id}."
    return {
        "event_id": event_id,
        "document_id": "d",
        "sentence": sentence,
        "char_start": 0,
        "char_end": len(sentence),
        "trigger": "Invented",
        "trigger_start": 0,
    }


@pytest.fixture
def store(tmp_path: Path, knowledge: Knowledge) -> Store:
    store = Store(tmp_path / "kb.duckdb")
    for i, text in enumerate(TEXTS):
        when = (("column:date", f"2025-0{i + 1}-01"),)
        raw = RawArticle(origin=f"/in/{i}.txt", text=text, metadata_dates=when)
        store.write_batch([(prepare(raw, knowledge, date(2026, 1, 1)), EMPTY)])
    store.write_actors(knowledge)
    store.load_merged("event", _events())
    return store


def test_documents_are_paged_in_order_with_their_total(store: Store) -> None:
    everything = store.page_documents(10)
    assert everything.total == 3
    assert [d.published for d in everything.items] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    newest = store.page_documents(2, newest=True)
    assert [d.published for d in newest.items] == ["2025-03-01", "2025-02-01"]
    assert store.page_documents(2, offset=2).items == everything.items[2:]


def test_documents_since_a_mark(store: Store, knowledge: Knowledge) -> None:
    mark = store.documents_mark()
    assert store.documents_since(mark) == []
    known = prepare(RawArticle(origin="/in/again.txt", text=TEXTS[0]), knowledge, date(2026, 1, 1))
    new = prepare(
        RawArticle(origin="/in/new.txt", text="Beijing said it would wait."),
        knowledge,
        date(2026, 1, 1),
    )
    store.write_batch([(known, EMPTY), (new, EMPTY)])
    assert store.documents_since(mark) == [new.id]  # a known text gains an origin, no new row
    assert len(store.documents_since(-1)) == 4


def test_actors_and_commitments_pages(store: Store) -> None:
    actors = store.page_actors(5, offset=1)
    assert len(actors.items) == 5 and actors.total == len(store.actors())
    assert [a.id for a in actors.items] == [a.id for a in store.actors()[1:6]]
    assert store.page_commitments(10).total == 0


def test_search_is_any_case_and_takes_wildcards_literally(store: Store) -> None:
    assert [d.text for d in store.search("PYONGYANG", "documents", 10).items] == [TEXTS[1]]
    assert store.search("100%", "documents", 10).total == 1
    assert store.search("0%", "documents", 10).total == 1
    assert store.search("%", "documents", 10).total == 1  # only the text with a percent sign
    assert store.search("h_c", "documents", 10).total == 1  # watch_closely, not "h c"
    assert [e.id for e in store.search("invented sentence e3", "events", 10).items] == ["e3"]
    assert [e.id for e in store.search("agreed", "events", 10).items] == ["e1"]
    assert store.search("document_id", "events", 10).total == 0  # the evidence's keys are not text
    assert store.search("trigger", "events", 10).total == 0
    korea = store.search("korea", "actors", 500)
    assert korea.total >= 2 and any(a.id == "KOR" for a in korea.items)
    with pytest.raises(ValueError):
        store.search("x", "tables", 10)


def test_events_by_id_and_by_category_and_modality(store: Store) -> None:
    assert store.merged_event("e2").modality == "pledged"
    with pytest.raises(NotFound):
        store.merged_event("e9")
    assert [e.id for e in store.merged_events_by_id(["e3", "e1"])] == ["e1", "e3"]
    assert store.merged_events_by_id([]) == []
    assert set(store.event_facets(category="Agree")) == {"e1", "e2"}
    assert set(store.event_facets(modality="actual")) == {"e1", "e3"}
    facet = store.event_facets(category="AGREE", modality="actual")["e1"]
    assert (facet.category, facet.modality, facet.goldstein) == ("AGREE", "actual", 3.0)
    assert store.actor_by_id("KOR").kind == "state"
    with pytest.raises(NotFound):
        store.actor_by_id("nobody")


def _hold(path: str, ready: Any, done: Any) -> None:
    held = Store(Path(path), read_only=True)
    ready.set()
    done.wait(30)
    held.close()


def test_a_store_held_by_another_process_is_named_in_one_line(store: Store) -> None:
    path = store.path
    store.close()
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(str(path), ready, done))
    holder.start()
    try:
        assert ready.wait(60)
        with pytest.raises(StoreError) as caught:
            Store(path)
        message = str(caught.value)
        assert message.startswith("the store is in use by another process (PID ")
        assert "(a running `peninsula serve`?)" in message and "\n" not in message
        Store(path, read_only=True).close()  # readers still share it
    finally:
        done.set()
        holder.join(30)
