"""The event link models: how strongly two event reports read as one happening.

A linear scorer over pair features: `score = bias + Σ weight × feature` over `FEATURES`; a pair
links when the score reaches `threshold`, or `agreed_threshold` when the participants are named
and compatible on both sides. Two files, both written by `benchmarks/ecbplus_train.py` (weights
from the ECB+ training topics, threshold from its development topics; each file says how it was
made): `event_links.json` over sentence-embedding similarities, `event_links_lexical.json` over
word overlaps, for when no embedder is installed. `peninsula.merge.link_model` computes the
features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peninsula.errors import DataFileError
from peninsula.knowledge.files import data_path

FEATURES = (
    "sentence",  # similarity of the two sentences
    "context",  # of the two documents' headline and lead (the sentences' when one has none)
    "names",  # share of names and numbers in common (`merge.similarity.names`)
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


@dataclass(frozen=True, slots=True)
class LinkModels:
    """The shipped models: over embedding similarities, and over word overlaps."""

    embedded: LinkModel
    lexical: LinkModel

    def pick(self, *, lexical: bool) -> LinkModel:
        return self.lexical if lexical else self.embedded


def load_link_models() -> LinkModels:
    return LinkModels(
        load_link_model(data_path("event_links.json")),
        load_link_model(data_path("event_links_lexical.json")),
    )


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
