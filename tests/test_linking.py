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
