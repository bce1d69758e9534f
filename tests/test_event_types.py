"""The event-type model: its JSON loader, and inference on hand-built tiny models."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge.models import (
    ANALYZER,
    FORMAT,
    MODALITIES,
    load_event_type_weights,
    load_shipped_event_type_weights,
    parse_event_type_weights,
)
from peninsula.nlp.event_types import EventTypeModel, analyze

VOCABULARY = ["fired", "missile", "talks", "held", "not", "will"]


def tiny(*, embedding_dim: int = 0) -> dict[str, Any]:
    """Words decide: 'missile' -> MOBILIZE, 'talks' -> CONSULT, nothing -> NONE;
    'will' -> pledged, 'not' -> negated; codes 150/152 (MOBILIZE) and 040 (CONSULT)."""
    category = {
        "classes": ["CONSULT", "MOBILIZE", "NONE"],
        "intercept": [0.0, 0.0, 1.0],
        "step": 0.01,
        #            fired missile talks held not will
        "lexical": [[0, 0, 900, 300, 0, 0], [300, 900, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]],
        "embedding": None,
    }
    modality = {
        "classes": list(MODALITIES),
        "intercept": [1.0, 0.0, 0.0, 0.0],
        "step": 0.01,
        "lexical": [[0] * 6, [0, 0, 0, 0, 0, 900], [0] * 6, [0, 0, 0, 0, 900, 0]],
        "embedding": None,
    }
    cameo = {
        "classes": ["040", "150", "152"],
        "intercept": [0.0, 0.0, 0.0],
        "step": 0.01,
        "lexical": [[0, 0, 500, 0, 0, 0], [0, 0, 0, 0, 0, 0], [500, 0, 0, 0, 0, 0]],
        "embedding": None,
        "category_of": {"040": "CONSULT", "150": "MOBILIZE", "152": "MOBILIZE"},
        "min_probability": 0.7,
    }
    model: dict[str, Any] = {
        "format": FORMAT,
        "card": {"trained_on": "nothing: a test"},
        "embedder": None,
        "lexical": {"analyzer": ANALYZER, "vocabulary": VOCABULARY, "idf": [1.0] * 6, "scale": 1},
        "heads": {"category": category, "modality": modality, "cameo": cameo},
    }
    if embedding_dim:
        model["embedder"] = {"name": "test", "dim": embedding_dim}
        # The first embedding dimension pushes towards CONSULT.
        category["embedding"] = [
            [1000] + [0] * (embedding_dim - 1),
            [0] * embedding_dim,
            [0] * embedding_dim,
        ]
    return model


def load(raw: dict[str, Any]) -> EventTypeModel:
    return EventTypeModel(parse_event_type_weights(raw, Path("tiny.json")))


def test_analyze_reads_words_and_pairs() -> None:
    assert analyze("Seoul didn't fire 3 missiles.") == [
        "seoul",
        "did",
        "not",
        "fire",
        "0",
        "missiles",
        "seoul did",
        "did not",
        "not fire",
        "fire 0",
        "0 missiles",
    ]
    assert analyze("") == []


def test_words_decide_category_modality_and_code() -> None:
    model = load(tiny())
    missile, talks, neither = model.predict(
        ["The army fired a missile.", "Envoys held talks and will not stop.", "Rain fell."]
    )
    assert missile.category == "MOBILIZE"
    assert missile.cameo == "152" and missile.best_cameo == "152"
    assert missile.modality == "actual"
    assert talks.category == "CONSULT"
    assert talks.best_cameo == "040" and talks.cameo == "040"
    assert neither.category == "NONE" and neither.cameo is None and neither.best_cameo is None
    for prediction in (missile, talks, neither):
        assert sum(prediction.categories.values()) == pytest.approx(1.0)
        assert sum(prediction.modalities.values()) == pytest.approx(1.0)
        assert set(prediction.modalities) == set(MODALITIES)
        assert prediction.confidence == max(prediction.categories.values())


def test_modality_words() -> None:
    model = load(tiny())
    pledged, negated = model.predict(["They will hold talks.", "They did not hold talks."])
    assert pledged.modality == "pledged"
    assert negated.modality == "negated"


def test_code_is_read_within_the_category_and_floored() -> None:
    model = load(tiny())
    # "missile" alone: MOBILIZE, but the code head cannot tell 150 from 152 ("fired" would).
    (unsure,) = model.predict(["A missile."])
    assert unsure.category == "MOBILIZE"
    assert unsure.best_cameo in ("150", "152")
    assert unsure.cameo_probability < 0.7
    assert unsure.cameo is None


def test_tf_idf_matches_the_trainer() -> None:
    """Sublinear tf, idf, L2 norm: the scikit-learn TfidfVectorizer the trainer uses."""
    sklearn = pytest.importorskip("sklearn.feature_extraction.text")
    texts = ["Troops fired missiles, missiles and more missiles.", "Talks held; talks failed."]
    vectorizer = sklearn.TfidfVectorizer(analyzer=analyze, sublinear_tf=True).fit(texts)
    terms = sorted(vectorizer.vocabulary_, key=lambda t: vectorizer.vocabulary_[t])
    raw = tiny()
    raw["lexical"] = {
        "analyzer": ANALYZER,
        "vocabulary": terms,
        "idf": vectorizer.idf_.tolist(),
        "scale": 1.0,
    }
    for head in raw["heads"].values():
        head["lexical"] = [[0] * len(terms) for _ in head["classes"]]
    model = load(raw)
    expected = vectorizer.transform(texts).toarray()
    for text, row in zip(texts, expected, strict=True):
        columns, values = model._lexical(text)
        dense = np.zeros(len(terms))
        dense[columns] = values
        assert dense == pytest.approx(row)


def test_embeddings_are_used_and_required() -> None:
    model = load(tiny(embedding_dim=3))
    assert model.needs_embeddings
    with pytest.raises(ValueError, match="needs sentence embeddings"):
        model.predict(["A missile."])
    with pytest.raises(ValueError, match="shape"):
        model.predict(["A missile."], np.zeros((1, 4)))
    (pushed,) = model.predict(["A missile."], np.array([[3.0, 0.0, 0.0]]))  # normalised to 1
    assert pushed.category == "CONSULT"
    encoded = EventTypeModel(model.weights, encoder=lambda texts: np.array([[0.0, 1.0, 0.0]]))
    assert encoded.predict(["A missile."])[0].category == "MOBILIZE"


def test_no_texts_no_predictions() -> None:
    assert load(tiny()).predict([]) == []


def _without(raw: dict[str, Any], *keys: str) -> dict[str, Any]:
    broken = copy.deepcopy(raw)
    target = broken
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]
    return broken


def _set(raw: dict[str, Any], value: object, *keys: str) -> dict[str, Any]:
    broken = copy.deepcopy(raw)
    target = broken
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return broken


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (_set(tiny(), "other/2", "format"), "format: must be"),
        (_set(tiny(), "words/0", "lexical", "analyzer"), "lexical.analyzer"),
        (_set(tiny(), [1.0] * 5, "lexical", "idf"), "lexical.idf: expected a list of 6"),
        (_set(tiny(), ["a", "a"], "heads", "category", "classes"), "has duplicates"),
        (_set(tiny(), [[0] * 5] * 3, "heads", "category", "lexical"), "[0]: expected 6 values"),
        (_set(tiny(), [[0.5] * 6] * 3, "heads", "category", "lexical"), "expected integers"),
        (_set(tiny(), ["CONSULT", "MOBILIZE", "X"], "heads", "category", "classes"), "'NONE'"),
        (_set(tiny(), ["actual"] * 4, "heads", "modality", "classes"), "has duplicates"),
        (_set(tiny(), {"040": "CONSULT"}, "heads", "cameo", "category_of"), "'150' maps to"),
        (_set(tiny(), ["040", "15x", "152"], "heads", "cameo", "classes"), "not a CAMEO code"),
        (_set(tiny(), float("nan"), "lexical", "scale"), "finite"),
        (_set(tiny(), 0, "heads", "category", "step"), "must be positive"),
        (_set(tiny(), [[0]], "heads", "category", "embedding"), "no embedding features"),
        (_set(tiny(), None, "heads", "modality", "lexical"), "neither embedding nor lexical"),
        (_without(tiny(), "heads", "category"), "heads.category: expected a JSON object"),
        (_without(tiny(), "heads", "cameo", "min_probability"), "min_probability"),
    ],
)
def test_bad_model_file_names_the_file(tmp_path: Path, broken: Any, message: str) -> None:
    path = tmp_path / "event_types.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(DataFileError) as info:
        load_event_type_weights(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_unreadable_model_file(tmp_path: Path) -> None:
    path = tmp_path / "event_types.json"
    path.write_text("{not json")
    with pytest.raises(DataFileError, match="cannot read the event-type model"):
        load_event_type_weights(path)
    with pytest.raises(DataFileError, match="cannot read"):
        load_event_type_weights(tmp_path / "missing.json")


def test_a_model_without_code_head() -> None:
    model = load(_set(tiny(), None, "heads", "cameo"))
    (missile,) = model.predict(["The army fired a missile."])
    assert missile.category == "MOBILIZE"
    assert missile.cameo is None and missile.cameo_probability == 0.0


@pytest.mark.parametrize("lexical", [False, True])
def test_shipped_models_load_and_predict(lexical: bool) -> None:
    weights = load_shipped_event_type_weights(lexical=lexical)
    assert weights.card["trained_on"]
    assert (weights.embedder is None) == lexical
    model = EventTypeModel(weights)
    texts = ["The two foreign ministers held talks in Jakarta on Monday.", "It rained."]
    vectors = None
    if model.needs_embeddings:
        vectors = np.random.default_rng(0).normal(size=(2, weights.embedding_dim))
    predictions = model.predict(texts, vectors)
    assert len(predictions) == 2
    for prediction in predictions:
        assert set(prediction.categories) >= {"NONE", "CONSULT", "AGREE"}
        assert sum(prediction.categories.values()) == pytest.approx(1.0)
