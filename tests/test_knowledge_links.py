"""The event link models: their features, their scores, and the shipped files' validation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import default_knowledge
from peninsula.knowledge.links import FEATURES, LinkModel, load_link_model
from peninsula.merge.link_model import features


def test_features_are_one_column_per_name() -> None:
    ones, halves = np.ones(2), np.full(2, 0.5)
    matrix = features(halves, ones, halves, ones, ones, ones, np.array([1.0, 0.0]))
    assert matrix.shape == (2, len(FEATURES))
    by_name = dict(zip(FEATURES, matrix[0], strict=True))
    assert by_name["sentence_same_document"] == 0.5
    assert by_name["context_names"] == 0.5
    assert matrix[1][FEATURES.index("sentence_same_document")] == 0.0


def test_scores_are_bias_plus_weighted_features() -> None:
    model = LinkModel({"sentence": 2.0, "names": -1.0}, 0.5, 0.0, 0.0)
    row = np.zeros((1, len(FEATURES)))
    row[0, FEATURES.index("sentence")] = 0.25
    row[0, FEATURES.index("names")] = 1.0
    assert model.scores(row).tolist() == [0.0]


@pytest.mark.parametrize("lexical", [False, True])
def test_the_shipped_models_load_and_read_context_as_evidence(lexical: bool) -> None:
    links = default_knowledge().links
    assert links is not None
    model = links.pick(lexical=lexical)
    assert set(model.weights) == set(FEATURES)
    assert model.weights["context"] > 0 and model.weights["sentence"] > 0
    assert model.agreed_threshold < model.threshold


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "links.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


GOOD = {"weights": {"sentence": 1.0}, "bias": 0, "threshold": 0.5, "agreed_threshold": 0.4}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": {"colour": 1.0}}, "unknown features"),
        ({"weights": {}}, "'weights' must be"),
        ({"bias": "high"}, "'bias' must be a finite number"),
        ({"threshold": None}, "'threshold' must be a finite number"),
        ({"weights": {"sentence": True}}, "'weights.sentence' must be"),
    ],
)
def test_a_bad_model_file_is_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = write(tmp_path, {**GOOD, **change})
    with pytest.raises(DataFileError, match=message) as caught:
        load_link_model(path)
    assert str(path) in str(caught.value)


def test_a_model_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot read the link model"):
        load_link_model(path)
    assert load_link_model(write(tmp_path, GOOD)).threshold == 0.5
