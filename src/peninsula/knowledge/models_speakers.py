"""The attribution model: `speaker_model.json`, linear weights learned from PolNeAR (train).

The file holds a `card` (what it was trained on, the data's hashes, the figures measured, the
date) and two linear models over named binary features (`peninsula.nlp.speaker_model` says what
the features are):

- `cue`: is this word the head of an attribution cue ("said", "according to", "believes")?
- `source`: is this candidate (a noun, name or pronoun near the cue, or the empty candidate
  `NULL`) the cue's source?

Each model is `{"bias": float, "threshold": float, "weights": {feature: float}}`; a score is the
bias plus the weights of the features present, compared with the threshold on the logit scale.
The cue model may add `vocabulary_threshold`, the threshold for words the speech vocabulary lists
(default: its `threshold`), and `nested_threshold`, how far past `threshold` a cue inside
another speaker's reported words must score to be an attribution of its own (default: never);
the source model `rules_first` (default false): the hand-written rules' source stands wherever
they find one, the model chooses only where they find none.
No pickle: the weights are plain JSON, read once and checked; each problem is a DataFileError
naming the file and line. `tools/train_speakers.py` writes the file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from types import MappingProxyType
from typing import Any

from peninsula.errors import DataFileError

MODEL_NAMES = ("cue", "source")
CARD_FIELDS = ("trained_on", "data_sha256", "figures", "date", "command")


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic model over named binary features."""

    weights: Mapping[str, float]
    bias: float = 0.0
    threshold: float = 0.0
    # The weights as a plain dict: looked up once per feature of every candidate, the hot loop
    # of attribution, where a read-only proxy's lookups cost several times a dict's.
    _lookup: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", dict(self.weights))

    def score(self, features: Iterable[str]) -> float:
        """The logit: the bias plus the weight of each feature present (unknown ones weigh 0)."""
        return self.bias + sum(map(self._lookup.get, features, repeat(0.0)))

    def accepts(self, features: Iterable[str]) -> bool:
        return self.score(features) >= self.threshold

    @staticmethod
    def probability(score: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, score))))


@dataclass(frozen=True, slots=True)
class SpeakerModel:
    """The cue and source models. A word of the speech vocabulary is a cue when its cue score
    reaches `vocabulary_threshold`; any other word when it reaches the cue model's threshold."""

    cue: LinearModel
    source: LinearModel
    vocabulary_threshold: float = 0.0
    rules_first: bool = False  # the rules' source stands where they find one
    nested_threshold: float = math.inf  # a cue in another's content this sure stands alone
    card: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def load_speaker_model(path: Path) -> SpeakerModel:
    """The models in `path`, checked."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, f"malformed JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise DataFileError(path, 1, "the file must hold one JSON object")
    card = data.get("card")
    if not isinstance(card, dict):
        raise DataFileError(path, _line(text, "card"), "missing 'card' object")
    missing = [f for f in CARD_FIELDS if f not in card]
    if missing:
        raise DataFileError(path, _line(text, "card"), f"card lacks {', '.join(missing)}")
    models = data.get("models")
    if not isinstance(models, dict):
        raise DataFileError(path, _line(text, "models"), "missing 'models' object")
    loaded = {name: _model(models.get(name), name, path, text) for name in MODEL_NAMES}
    vocabulary = models["cue"].get("vocabulary_threshold", loaded["cue"].threshold)
    if not isinstance(vocabulary, int | float) or not _number(vocabulary):
        raise DataFileError(path, _line(text, "vocabulary_threshold"), "not a number")
    nested = models["cue"].get("nested_threshold", math.inf)
    if not isinstance(nested, int | float) or not (_number(nested) or nested == math.inf):
        raise DataFileError(path, _line(text, "nested_threshold"), "not a number")
    rules_first = models["source"].get("rules_first", False)
    if not isinstance(rules_first, bool):
        raise DataFileError(path, _line(text, "rules_first"), "rules_first is not true or false")
    return SpeakerModel(
        loaded["cue"],
        loaded["source"],
        float(vocabulary),
        rules_first,
        float(nested),
        MappingProxyType(card),
    )


def _model(raw: Any, name: str, path: Path, text: str) -> LinearModel:
    where = _line(text, name)
    if not isinstance(raw, dict):
        raise DataFileError(path, where, f"model {name!r} missing or not an object")
    numbers: dict[str, float] = {}
    for key in ("bias", "threshold"):
        value = raw.get(key)
        if not isinstance(value, int | float) or not _number(value):
            raise DataFileError(path, where, f"model {name!r}: {key!r} must be a number")
        numbers[key] = float(value)
    weights = raw.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise DataFileError(path, where, f"model {name!r}: 'weights' must be a non-empty object")
    for feature, weight in weights.items():
        if not _number(weight):
            raise DataFileError(
                path, _line(text, feature), f"model {name!r}: weight of {feature!r} not a number"
            )
    return LinearModel(
        MappingProxyType({k: float(v) for k, v in weights.items()}),
        numbers["bias"],
        numbers["threshold"],
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _line(text: str, key: str) -> int | None:
    """The line where `"key":` first appears, for error messages."""
    at = text.find(json.dumps(key) + ":")
    return None if at < 0 else text.count("\n", 0, at) + 1
