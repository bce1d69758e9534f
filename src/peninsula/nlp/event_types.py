"""The learned event-type model: PLOVER category, CAMEO code and modality of a sentence's event.

`EventTypeModel` runs the weights of `knowledge.models.EventTypeWeights` (written by
`tools/train_event_types.py`, read by `knowledge.models.load_event_type_weights`) in numpy: per
text, a probability for each PLOVER category and NONE (no event), a probability for each
modality (actual, pledged, hypothetical, negated), and a CAMEO code of the likeliest category
when the model is sure enough of both (the floor was set for a precision on the training dev
split). Its features are the sentence embedding (all-MiniLM-L6-v2, L2-normalised, as
`events_embed.load_model` computes it) and a TF-IDF bag of the text's lowercased words and word
pairs (`analyze`); the lexical model (`event_types_lexical.json`) uses words only.

The labels follow the project's coding conventions (`data/training/README.md`): a planned deed is
that deed's category + pledged, a vow or stated intention is AGREE + pledged, a failed agreement
is AGREE + negated. (CAMEO codes intent differently: an intent to cooperate is 03 AGREE, an
intent to coerce 13 THREATEN; `benchmarks/event_types.py` translates for the PLOVER gold set.)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import cast

import numpy as np
from numpy.typing import NDArray

from peninsula.knowledge.models import CATEGORY_NONE, EventTypeWeights, Head
from peninsula.records import Modality

__all__ = ["EventTypeModel", "EventTypePrediction", "analyze"]

Matrix = NDArray[np.float64]
Encoder = Callable[[Sequence[str]], Matrix]

_NOT = re.compile(r"n['’]t\b")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z0]+")


def analyze(text: str) -> list[str]:
    """The lexical terms of `text`: lowercased words ("n't" read as "not", digits as "0") and
    each pair of neighbouring words. Training and inference share this function."""
    lowered = _DIGITS.sub("0", _NOT.sub(" not", text.lower()))
    words = _WORD.findall(lowered)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class EventTypePrediction:
    """What the model says about one text's main event."""

    categories: Mapping[str, float]  # PLOVER category or NONE -> probability (sums to 1)
    modalities: Mapping[str, float]  # actual/pledged/hypothetical/negated -> probability
    cameo: str | None  # CAMEO code within `category`, when the code head is sure enough
    # P(category) x the best code's share among the category's codes (0.0 without a code head);
    # `cameo` is given when it reaches the model's floor.
    cameo_probability: float
    best_cameo: str | None  # that best code, however unsure (None for NONE or no code head)

    @property
    def category(self) -> str:
        """The likeliest PLOVER category, or NONE."""
        return max(self.categories, key=lambda name: self.categories[name])

    @property
    def confidence(self) -> float:
        return self.categories[self.category]

    @property
    def modality(self) -> Modality:
        return cast(Modality, max(self.modalities, key=lambda name: self.modalities[name]))


class EventTypeModel:
    """Runs trained event-type weights on texts; no file reading, numpy only.

    `encoder` (optional) embeds texts for a model that needs embeddings when `predict` is not
    given them; it must return L2-normalised rows of the model's embedding size.
    """

    def __init__(self, weights: EventTypeWeights, encoder: Encoder | None = None) -> None:
        self.weights = weights
        self._encoder = encoder
        self._uses_embedding = any(
            head is not None and head.embedding is not None
            for head in (weights.category, weights.modality, weights.cameo)
        )
        cameo = weights.cameo
        self._code_category = (
            np.array([weights.cameo_category[c] for c in cameo.classes]) if cameo else None
        )

    @property
    def needs_embeddings(self) -> bool:
        return self._uses_embedding

    def predict(
        self, texts: Sequence[str], embeddings: Matrix | None = None
    ) -> list[EventTypePrediction]:
        """One prediction per text. `embeddings`: one row per text (else the encoder's)."""
        if not texts:
            return []
        vectors = self._embeddings(texts, embeddings)
        rows = [self._lexical(text) for text in texts]
        weights = self.weights
        category = self._probabilities(weights.category, vectors, rows)
        modality = self._probabilities(weights.modality, vectors, rows)
        codes = self._probabilities(weights.cameo, vectors, rows) if weights.cameo else None
        results = []
        for i in range(len(texts)):
            categories = dict(zip(weights.category.classes, category[i].tolist(), strict=True))
            best = max(categories, key=lambda name: categories[name])
            code, share = self._code(best, codes[i] if codes is not None else None)
            probability = share * categories[best]  # that both the category and code are right
            results.append(
                EventTypePrediction(
                    categories=MappingProxyType(categories),
                    modalities=MappingProxyType(
                        dict(zip(weights.modality.classes, modality[i].tolist(), strict=True))
                    ),
                    cameo=code if probability >= weights.cameo_min_probability else None,
                    cameo_probability=probability,
                    best_cameo=code,
                )
            )
        return results

    def _embeddings(self, texts: Sequence[str], given: Matrix | None) -> Matrix | None:
        if not self._uses_embedding:
            return None
        if given is None:
            if self._encoder is None:
                raise ValueError("this event-type model needs sentence embeddings or an encoder")
            given = self._encoder(texts)
        matrix = np.asarray(given, dtype=np.float64)
        if matrix.shape != (len(texts), self.weights.embedding_dim):
            raise ValueError(
                f"embeddings of shape {matrix.shape}, expected "
                f"({len(texts)}, {self.weights.embedding_dim})"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised: Matrix = matrix / np.where(norms > 0, norms, 1.0)
        return normalised

    def _lexical(self, text: str) -> tuple[NDArray[np.intp], Matrix]:
        """The text's TF-IDF vector (sublinear tf, L2-normalised) as (columns, values)."""
        vocabulary = self.weights.vocabulary
        counts = Counter(term for term in analyze(text) if term in vocabulary)
        columns = np.array([vocabulary[term] for term in counts], dtype=np.intp)
        tf = np.array([1.0 + math.log(n) for n in counts.values()])
        values: Matrix = tf * self.weights.idf[columns] if len(columns) else tf
        norm = float(np.linalg.norm(values))
        if norm > 0:
            values = values / norm
        return columns, values * self.weights.lexical_scale

    def _probabilities(
        self,
        head: Head,
        vectors: Matrix | None,
        rows: Sequence[tuple[NDArray[np.intp], Matrix]],
    ) -> Matrix:
        scores = np.tile(head.intercept, (len(rows), 1))
        if head.embedding is not None and vectors is not None:
            scores += vectors @ head.embedding.T
        if head.lexical is not None:
            for i, (columns, values) in enumerate(rows):
                if len(columns):
                    scores[i] += head.lexical[:, columns] @ values
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        probabilities: Matrix = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def _code(self, category: str, codes: Matrix | None) -> tuple[str | None, float]:
        """The likeliest code of `category` and its probability among that category's codes."""
        cameo = self.weights.cameo
        if cameo is None or codes is None or self._code_category is None:
            return None, 0.0
        mask = self._code_category == category
        if category == CATEGORY_NONE or not mask.any():
            return None, 0.0
        within = np.where(mask, codes, 0.0)
        best = int(within.argmax())
        return cameo.classes[best], float(within[best] / within.sum())
