"""Merging's embedder: marked (`precise`) texts by the float model, the others by the int8 one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest

import peninsula.pipeline as pipeline
import peninsula.pipeline.embedder as embedder
from peninsula.merge.similarity import PRECISE, Texts, content_words, precise, split_precise


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    pipeline.default_embedder.cache_clear()  # type: ignore[attr-defined]
    yield
    pipeline.default_embedder.cache_clear()  # type: ignore[attr-defined]


class _Model:
    """Encodes each text as (model tag, length), recording what it was given."""

    def __init__(self, tag: float) -> None:
        self.tag = tag
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], **options: Any) -> Any:
        self.seen += list(texts)
        return np.array([[self.tag, float(len(t))] for t in texts], dtype=np.float32)


def _patched(monkeypatch: pytest.MonkeyPatch) -> tuple[_Model, _Model]:
    exact, cheap = _Model(1.0), _Model(2.0)
    monkeypatch.setattr(embedder, "load_model", lambda: exact)
    monkeypatch.setattr(embedder, "load_merge_model", lambda: cheap)
    return exact, cheap


def test_marked_texts_go_to_the_float_model_unmarked(monkeypatch: pytest.MonkeyPatch) -> None:
    exact, cheap = _patched(monkeypatch)
    embed = pipeline.default_embedder()
    assert embed is not None
    rows = embed(["Troops crossed the river.", precise("We will talk."), "crossed"])
    assert rows[:, 0].tolist() == [2.0, 1.0, 2.0]  # each row in its text's place
    assert rows[:, 1].tolist() == [25.0, 13.0, 7.0]
    assert exact.seen == ["We will talk."]
    assert cheap.seen == ["Troops crossed the river.", "crossed"]


def test_one_model_alone_is_called_once(monkeypatch: pytest.MonkeyPatch) -> None:
    exact, cheap = _patched(monkeypatch)
    embed = pipeline.default_embedder()
    assert embed is not None
    assert embed([precise("a"), precise("bb")])[:, 0].tolist() == [1.0, 1.0]
    assert embed(["a"])[:, 0].tolist() == [2.0]
    assert cheap.seen == ["a"] and exact.seen == ["a", "bb"]


def test_no_embedder_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder, "load_model", lambda: None)
    assert pipeline.default_embedder() is None


def test_a_mark_changes_the_vector_but_not_the_words() -> None:
    text = "Seoul will resume talks with Pyongyang."
    assert content_words(precise(text)) == content_words(text)
    assert split_precise(["a", precise("b")]) == ([1], [0], ["a", "b"])
    assert precise(text).startswith(PRECISE)

    def embed(texts: Sequence[str]) -> Any:
        return np.array([[1.0, 0.0] if t.startswith(PRECISE) else [0.0, 1.0] for t in texts])

    texts = Texts(embed)
    texts.ensure([text, precise(text)])
    assert texts.cosine(text, precise(text)) == 0.0
    assert texts.similarity(precise(text), precise(text)) == 1.0
