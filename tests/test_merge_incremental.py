"""Merging during the build: only new items are compared, embeddings are kept in the store,
stores of older versions are merged again, merged ids do not depend on how builds were split."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from numpy.typing import NDArray

import peninsula.merge.events as event_merge
import peninsula.merge.wordings as wordings
import peninsula.pipeline as pipeline
from peninsula.errors import StoreError
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from peninsula.store.migrations import LATEST, MIGRATIONS
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

    monkeypatch.setattr(pipeline, "default_embedder", lambda: fake)
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


QUOTE = (
    'President Lee Jae Myung said, "We will pursue dialogue with North Korea without '
    'preconditions and with patience, whatever it takes."'
)


def test_only_new_items_are_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later build compares its new items with the stored ones, never two stored ones again,
    and a new report of a stored quote joins its merged statement."""
    others = {
        "a": "Seoul, Jan 5 (Agency) -- Markets rose on Monday as exporters gained.",
        "b": "Seoul, Jan 6 (Wire) -- The ruling party met on Tuesday to discuss the budget.",
        "c": "Seoul, Jan 9 (Daily) -- Heavy snow closed schools across the capital region.",
    }  # distinct articles (near-duplicate documents are dropped before merging)
    for name, lead in others.items():
        (tmp_path / f"{name}.txt").write_text(
            f"News of the week {name}\n\n{lead}\n\n{QUOTE}\n", encoding="utf-8"
        )
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    knowledge = default_knowledge()
    compared: list[str] = []
    real_events, real_worded = event_merge.edges, wordings.edges

    def events_seen(new: Sequence[Any], *args: Any) -> Any:
        compared.extend(e.document_id for e in new)
        return real_events(new, *args)

    def worded_seen(kind: Any, new: Sequence[Any], *args: Any) -> Any:
        compared.extend(i.document_id for i in new)
        return real_worded(kind, new, *args)

    monkeypatch.setattr(event_merge, "edges", events_seen)
    monkeypatch.setattr(wordings, "edges", worded_seen)
    with Store(db) as store:
        pipeline.build([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store, knowledge,
                       settings, TODAY)  # fmt: skip
        stored = {d.id for d in store.documents()}
        compared.clear()
        pipeline.build([str(tmp_path / "c.txt")], store, knowledge, settings, TODAY)
        assert compared and not stored & set(compared)
        quoted = [s for s in store.merged_statements() if "without preconditions" in s.text]
    assert len(quoted) == 1 and quoted[0].sources == 3


def test_a_store_of_an_older_version_is_merged_again(tmp_path: Path) -> None:
    """Rows without a merged id (a store from before the merged tables) are merged by the next
    build, even one that adds nothing, into the records a fresh build makes."""
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                    " applied_at TIMESTAMP DEFAULT current_timestamp)")  # fmt: skip
        for version, script in MIGRATIONS[:6]:
            con.execute(script)
            con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])
    with pytest.raises(StoreError, match="older peninsula"):
        Store(old, read_only=True)
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    knowledge = default_knowledge()
    with Store(old) as migrated:
        assert migrated.counts()["events merged"] == 0
    with Store(db) as store:
        pipeline.build([str(EXAMPLES)], store, knowledge, settings, TODAY)
        fresh = store.merged_events(), store.merged_statements(), store.merged_commitments()
        for table in ("events", "statements", "commitments"):
            store._con.execute(f"UPDATE {table} SET merged_id = NULL")
            store._con.execute(f"DELETE FROM merged_{table}")
        store._con.execute("DELETE FROM edges")
        report = pipeline.build([str(EXAMPLES)], store, knowledge, settings, TODAY)
        assert report.added == 0
        again = store.merged_events(), store.merged_statements(), store.merged_commitments()
    assert again == fresh
    assert MIGRATIONS[-1][0] == LATEST


GUTERRES = """S. Korea wants UN support for Korean Peninsula dialogue peace initiative

New York, Sept 24, 2025 (Yonhap) South Korean President Lee Jae Myung has called on the United \
Nations to support a new initiative aimed at promoting dialogue with North Korea, according to \
reports.

During a meeting with UN Secretary-General Antonio Guterres on the sidelines of the UN General \
Assembly, Lee presented his plan centered on exchange, normalization and denuclearization.
"""


def test_merged_ids_do_not_depend_on_how_the_builds_were_split(tmp_path: Path) -> None:
    """A symmetric event is coded both ways and stored as one merged record; a later report of
    it joins that record whether it comes in the same build or a later one."""
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
            merged = store.merged_ids("events")
            found.append({k: v for k, v in merged.items() if ":040:" in k})
    once, twice = found
    assert once == twice
    assert len({once[k] for k in once if "antonio_guterres" in k}) == 1, once
