"""Batched writes: one statement per table for a whole batch, with row-by-row semantics."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from peninsula.knowledge import Knowledge
from peninsula.nlp import EMPTY
from peninsula.pipeline import prepare
from peninsula.records import Actor, Document, RawArticle
from peninsula.store import Store, writes


@pytest.fixture(params=["values", "arrow"])
def through(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both insert paths: multi-row `VALUES` and one statement over an Arrow table."""
    if request.param == "arrow":
        monkeypatch.setattr(writes, "ARROW_ROWS", 1)
    return str(request.param)


def doc(text: str, origin: str, knowledge: Knowledge) -> Document:
    return prepare(RawArticle(origin=origin, text=text), knowledge, date(2026, 11, 22))


def test_a_text_twice_in_one_batch_is_one_row_with_both_origins(
    tmp_path: Path, knowledge: Knowledge, through: str
) -> None:
    first = doc("Ruritania said on Monday it would talk.", "/in/a.txt", knowledge)
    again = replace(first, origins=("/in/b.txt",))
    with Store(tmp_path / "kb.duckdb") as store:
        result = store.write_batch([(first, EMPTY), (again, EMPTY)])
        assert (result.added, result.merged, result.unchanged) == (1, 1, 0)
        assert store.document(first.id).origins == ("/in/a.txt", "/in/b.txt")
        result = store.write_batch([(again, EMPTY)])
        assert (result.added, result.merged, result.unchanged) == (0, 0, 1)


def test_one_new_actor_found_in_two_documents_of_a_batch_is_stored_once(
    tmp_path: Path, knowledge: Knowledge, through: str
) -> None:
    first = doc("The envoy of Ruritania arrived.", "/in/a.txt", knowledge)
    second = doc("The envoy of Ruritania left.", "/in/b.txt", knowledge)
    envoy = Actor("ruritania_envoy", "Envoy of Ruritania", "person", verified=False)
    other = replace(envoy, name="Another name")
    with Store(tmp_path / "kb.duckdb") as store:
        found_in_first = replace(EMPTY, new_actors=[envoy])
        store.write_batch([(first, found_in_first), (second, replace(EMPTY, new_actors=[other]))])
        found = [a for a in store.actors() if a.id == "ruritania_envoy"]
        assert [a.name for a in found] == ["Envoy of Ruritania"]  # the first, as row by row
        assert store.counts()["documents"] == 2


def test_an_unchanged_knowledge_base_writes_no_actors(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_actors(knowledge)
        actors = store.actors()
        inserted: list[str] = []
        real = writes.Writer.insert_many

        def counted(self: writes.Writer, table: str, *args: object, **kwargs: object) -> None:
            inserted.append(table)
            real(self, table, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(writes.Writer, "insert_many", counted)
        store.write_actors(knowledge)
        assert inserted == [] and store.actors() == actors
        first = knowledge.actors[0]
        renamed = replace(knowledge, actors=(replace(first, name="Another"), *knowledge.actors[1:]))
        store.write_actors(renamed)
        assert inserted == ["actors", "actor_states"]
        assert any(a.name == "Another" for a in store.actors())


def test_the_generation_changes_with_a_new_document(tmp_path: Path, knowledge: Knowledge) -> None:
    with Store(tmp_path / "kb.duckdb") as store:
        before = store.generation()
        assert store.generation() == before and not store.unmerged()
        store.write_batch(
            [(doc("Ruritania said on Monday it would talk.", "/a", knowledge), EMPTY)]
        )
        assert store.generation() != before
    with Store(tmp_path / "other.duckdb") as other:
        assert other.generation() != before  # another store, though just as empty
