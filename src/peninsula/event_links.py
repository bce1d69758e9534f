"""How strongly two event reports read as one happening: a linear scorer over pair features.

`merge.merge_events` scores a new event against each member of a candidate cluster (once the hard
cues, modality, codes, date and participants, have let it through) and joins the cluster whose
best member clears the floor by the widest margin. The score is `bias + Σ weight × feature` over
`FEATURES`; the floor is `threshold`, or `agreed_threshold` when the participants are named and
compatible on both sides (then the text need only be about the same thing).

The weights are a logistic regression trained on the ECB+ *training* topics, and the threshold
chosen on its *development* topics, by `benchmarks/ecbplus_train.py`: `data/event_links.json`
over sentence-embedding similarities, `data/event_links_lexical.json` over word overlaps, for
when no embedder is installed (`--lexical`). Each file says how it was made.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peninsula.errors import DataFileError
from peninsula.knowledge import data_path

__all__ = ["FEATURES", "LinkModel", "default_link_model", "features", "load_link_model"]

FEATURES = (
    "sentence",  # similarity of the two sentences
    "context",  # of the two documents' headline and lead (the sentences' when one has none)
    "names",  # share of names and numbers in common, weighed by rarity (`merge.names`)
    "trigger_lemma",  # similarity of the triggers' lemmas
    "trigger_phrase",  # of the triggers' words ("opened fire")
    "same_lemma",  # 1 when the lemmas are equal
    "same_document",  # 1 when both come from one article
    "sentence_same_document",  # sentence × same_document: within an article, wording counts less
    "context_names",  # context × names: shared names matter most across unlike articles
)

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LinkModel:
    """`score = bias + weights · features`; a pair links when the score reaches the floor."""

    weights: Mapping[str, float]  # by feature name; a feature not named weighs 0
    bias: float
    threshold: float  # a participant unknown on a side: the text must carry the decision
    agreed_threshold: float  # participants named and compatible on both sides

    def scores(self, matrix: Matrix) -> Matrix:
        vector = np.array([self.weights.get(name, 0.0) for name in FEATURES])
        scored: Matrix = matrix @ vector + self.bias
        return scored


def features(
    sentence: Matrix,
    context: Matrix,
    names: Matrix,
    trigger_lemma: Matrix,
    trigger_phrase: Matrix,
    same_lemma: Matrix,
    same_document: Matrix,
) -> Matrix:
    """One row per pair, one column per name in `FEATURES` (arguments: one value per pair)."""
    columns = [sentence, context, names, trigger_lemma, trigger_phrase, same_lemma, same_document]
    columns += [sentence * same_document, context * names]
    return np.stack([np.asarray(c, dtype=np.float64) for c in columns], axis=1)


@cache
def default_link_model(*, lexical: bool = False) -> LinkModel:
    """The shipped model: over embedding similarities, or over word overlaps (`lexical`)."""
    return load_link_model(data_path("event_links_lexical.json" if lexical else "event_links.json"))


def load_link_model(path: Path) -> LinkModel:
    """The model in `path` (JSON: weights by feature name, bias, threshold, agreed_threshold)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(path, None, f"cannot read the link model: {error}") from error
    if not isinstance(raw, dict):
        raise DataFileError(path, None, "expected a JSON object")
    weights = raw.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise DataFileError(path, None, "'weights' must be an object of feature: number")
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown:
        raise DataFileError(path, None, f"unknown features {unknown}; known: {list(FEATURES)}")
    numbers = {k: _number(path, f"weights.{k}", v) for k, v in weights.items()}
    return LinkModel(
        numbers,
        _number(path, "bias", raw.get("bias")),
        _number(path, "threshold", raw.get("threshold")),
        _number(path, "agreed_threshold", raw.get("agreed_threshold")),
    )


def _number(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataFileError(path, None, f"{key!r} must be a finite number, not {value!r}")
    return float(value)
