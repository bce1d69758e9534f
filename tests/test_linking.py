"""Linking during the build: merged ids across builds, embeddings kept in the store."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import peninsula.linking as linking
import peninsula.pipeline as pipeline
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import EXAMPLES, TODAY


def _bag_of_words(texts: Sequence[str]) -> NDArray[Any]:
    rows = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            rows[i, zlib.crc32(word.encode()) % 64] += 1.0
    return rows


def test_a_later_build_embeds_only_new_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[str] = []

    def fake(texts: Sequence[str]) -> NDArray[Any]:
        embedded.extend(texts)
        return _bag_of_words(texts)

    monkeypatch.setattr(linking, "default_embedder", lambda: fake)
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=True)
    first, second, third = sorted(EXAMPLES.glob("*.txt"))
    with Store(db) as store:
        pipeline.build([str(third)], store, default_knowledge(), settings, TODAY)
        before = list(embedded)
        stored = len(store.text_vectors())
        pipeline.build([str(first), str(second)], store, default_knowledge(), settings, TODAY)
        assert len(store.text_vectors()) == len(set(embedded))
    assert before and stored == len(set(before))
    assert len(embedded) == len(set(embedded))  # nothing embedded twice, across builds too


def test_without_embeddings_nothing_is_embedded_or_stored(tmp_path: Path) -> None:
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    with Store(db) as store:
        pipeline.build([str(EXAMPLES)], store, default_knowledge(), settings, TODAY)
        assert store.text_vectors() == {}
        assert store.counts()["events merged"] < store.counts()["events"]


def _new_items_passed(monkeypatch: pytest.MonkeyPatch, merge: str) -> list[int]:
    """How many new items each call of `linking.<merge>` is given, from now on."""
    calls: list[int] = []
    original = getattr(linking, merge)

    def counting(existing: Any, new: Any, **kw: Any) -> Any:
        calls.append(len(new))
        return original(existing, new, **kw)

    monkeypatch.setattr(linking, merge, counting)
    return calls


QUOTE = (
    'President Lee Jae Myung said, "We will pursue dialogue with North Korea without '
    'preconditions and with patience, whatever it takes."'
)


def test_stored_statements_are_regrouped_not_merged_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later build rebuilds the statement clusters from the stored merged ids (no comparison)
    and still merges a new report of a stored quote into its cluster."""
    others = {
        "a": "Seoul, Jan 5 (Agency) -- Markets rose on Monday as exporters gained.",
        "b": "Seoul, Jan 6 (Wire) -- The ruling party met on Tuesday to discuss the budget.",
        "c": "Seoul, Jan 9 (Daily) -- Heavy snow closed schools across the capital region.",
    }  # distinct articles (near-duplicate documents are dropped before linking)
    for name, lead in others.items():
        (tmp_path / f"{name}.txt").write_text(
            f"News of the week {name}\n\n{lead}\n\n{QUOTE}\n", encoding="utf-8"
        )
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    knowledge = default_knowledge()
    with Store(db) as store:
        pipeline.build([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store, knowledge,
                       settings, TODAY)  # fmt: skip
        merged_calls = _new_items_passed(monkeypatch, "merge_statements")
        linker = linking.Linker.from_store(store, knowledge, embeddings=False)
        assert not any(merged_calls)  # nothing stored is compared again
        rows = store.merge_state()["statements"]
        quoted = [r for r in rows if "without preconditions" in r["text"]]
        assert len(quoted) == 2 and len({r["merged_id"] for r in quoted}) == 1
        assert any(len(s.members) == 2 for s in linker.statements)

        pipeline.build([str(tmp_path / "c.txt")], store, knowledge, settings, TODAY)
        rows = store.merge_state()["statements"]
        quoted = [r for r in rows if "without preconditions" in r["text"]]
        assert len(quoted) == 3 and len({r["merged_id"] for r in quoted}) == 1


def test_stored_events_are_regrouped_not_merged_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    knowledge = default_knowledge()
    with Store(db) as store:
        pipeline.build([str(EXAMPLES)], store, knowledge, settings, TODAY)
        calls = _new_items_passed(monkeypatch, "merge_events")
        linker = linking.Linker.from_store(store, knowledge, embeddings=False)
        assert not any(calls)
        rows = store.merge_state()["events"]
        assert all(r["cluster_id"] for r in rows)
        regrouped = {m.id: c.id for c in linker.events for m in c.members}
        assert regrouped == {r["id"]: r["cluster_id"] for r in rows}
        assert len(linker.events) < len(rows)  # the seeds' repeated summit, among others
        ledger = {c.id.split("#")[0]: (c.status, c.status_evidence) for c in linker.commitments}
        stored_ledger = {
            r["merged_id"]: (r["status"], r["status_evidence"])
            for r in store.merge_state()["commitments"]
        }
        assert ledger == stored_ledger
        # A store written before cluster ids existed is regrouped by merged id, the two
        # directions of a symmetric event (one merged id) split apart again.
        store._con.execute("UPDATE events SET cluster_id = NULL")
        again = linking.Linker.from_store(store, knowledge, embeddings=False)
        assert not any(calls)
        assert {frozenset(c.member_ids) for c in again.events} == {
            frozenset(c.member_ids) for c in linker.events
        }
        assert again.named == linker.named


GUTERRES = """S. Korea wants UN support for Korean Peninsula dialogue peace initiative

New York, Sept 24, 2025 (Yonhap) South Korean President Lee Jae Myung has called on the United \
Nations to support a new initiative aimed at promoting dialogue with North Korea, according to \
reports.

During a meeting with UN Secretary-General Antonio Guterres on the sidelines of the UN General \
Assembly, Lee presented his plan centered on exchange, normalization and denuclearization.
"""


def test_merged_ids_do_not_depend_on_how_the_builds_were_split(tmp_path: Path) -> None:
    """A symmetric event is coded both ways and stored under one merged id; a later report of
    it takes that id whether it comes in the same build or a later one."""
    (tmp_path / "more").mkdir()
    later = tmp_path / "more" / "yonhap.txt"
    later.write_text(GUTERRES, encoding="utf-8")
    examples = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    knowledge = default_knowledge()
    found = []
    for name, builds in (("once", [[*examples, str(later)]]), ("twice", [examples, [str(later)]])):
        db = tmp_path / f"{name}.duckdb"
        settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
        with Store(db) as store:
            for paths in builds:
                pipeline.build(paths, store, knowledge, settings, TODAY)
            rows = store.merge_state()["events"]
            found.append({r["id"]: r["merged_id"] for r in rows if ":040:" in r["id"]})
    once, twice = found
    assert once == twice
    assert len({once[k] for k in once if "antonio_guterres" in k}) == 1, once
