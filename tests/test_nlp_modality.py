"""How a pledged event is coded: CAMEO's intent code, except where the data keeps the category."""

from __future__ import annotations

from peninsula.knowledge import default_knowledge
from peninsula.nlp.modality import coded_as
from tests.test_nlp_events import events_in


def test_a_pledge_to_cooperate_or_fight_is_the_intent_to() -> None:
    data = default_knowledge().events
    assert coded_as("061", "pledged", data) == "0311"
    assert coded_as("190", "pledged", data) == "1384"
    assert coded_as("061", "actual", data) == "061"


def test_scheduled_meetings_and_announced_sanctions_keep_their_category() -> None:
    data = default_knowledge().events
    assert coded_as("042", "pledged", data) == "042"
    assert coded_as("163", "pledged", data) == "163"
    assert data.cameo[coded_as("046", "pledged", data)].plover == "CONSULT"


# --- refusals and threats, read from invented sentences ---------------------------------------

KNOWLEDGE = default_knowledge()


def _coded(text: str) -> list[tuple[str | None, str | None, str, str]]:
    return [(e.source, e.category, e.code, e.modality) for e in events_in(text, KNOWLEDGE)]


def test_a_declared_non_attendance_or_non_yielding_is_a_refusal() -> None:
    assert ("CHN", "REJECT", "125", "actual") in _coded(
        "China said it will not attend the meeting in Tokyo."
    )
    assert ("CHN", "REJECT", "125", "actual") in _coded("China did not attend the ceremony.")
    assert ("IRN", "REJECT", "124", "actual") in _coded(
        "Iran would never abandon its missile arsenal, a spokesman said."
    )


def test_a_non_occurrence_that_is_no_refusal_stays_negated() -> None:
    assert [(c, m) for _, c, _, m in _coded("There were no talks with Japan.")] == [
        ("CONSULT", "negated")
    ]


def test_a_vow_of_retaliation_is_an_actual_threat() -> None:
    coded = _coded("Pyongyang vowed to take firm countermeasures against Japan.")
    assert [(c, m) for _, c, _, m in coded] == [("THREATEN", "actual")]


def test_harassment_and_deeds_without_a_verb_of_their_own() -> None:
    assert ("PRK", "COERCE", "170", "actual") in _coded(
        "North Korea launched hundreds of balloons carrying rubbish into South Korea."
    )
    assert ("JPN", "RETREAT", "0841", "actual") in _coded(
        "Japan repatriated three Chinese fishermen on Monday."
    )
    assert ("RUS", "REJECT", "129", "actual") in _coded("Russia vetoed the extension of the panel.")
    assert ("JPN", "SANCTION", "163", "pledged") in _coded(
        "Japan said it would raise tariffs on Chinese steel."
    )


def test_a_duty_the_speaker_puts_on_their_own_side_is_a_pledge() -> None:
    coded = _coded('"We must reopen the hotline with North Korea," the minister said.')
    assert coded and {(c, m) for _, c, _, m in coded} == {("AGREE", "pledged")}


def test_a_warning_issued_is_a_threat_and_no_discussions_are_negated_talks() -> None:
    assert ("THREATEN", "actual") in [
        (c, m) for _, c, _, m in _coded("Japan issued a warning to North Korea on Monday.")
    ]
    assert [(s, c, m) for s, c, _, m in _coded("There have been no discussions with China.")] == [
        (None, "CONSULT", "negated")
    ]


def test_an_announced_plan_and_a_stated_willingness_are_pledged() -> None:
    assert ("CONSULT", "pledged") in [
        (c, m) for _, c, _, m in _coded("The Chinese leader is expected to visit Japan in May.")
    ]
    assert ("MOBILIZE", "hypothetical") in [
        (c, m) for _, c, _, m in _coded("Analysts expect North Korea to launch a missile soon.")
    ]
    assert ("AGREE", "pledged") in [
        (c, m) for _, c, _, m in _coded("Japan expressed willingness to meet China's leader.")
    ]


def test_a_violation_said_of_others_is_the_speakers_accusation() -> None:
    coded = _coded("Japan said Russia had violated UN resolutions by arming North Korea.")
    assert ("JPN", "ACCUSE", "112", "actual") in coded
    assert ("RUS", "REJECT", "128", "hypothetical") in coded


def test_a_vow_to_seal_a_border_is_a_pledged_sanction_and_troops_entering_are_sent() -> None:
    assert ("PRK", "SANCTION", "160", "pledged") in _coded(
        "North Korea vowed to seal off its northern border with China."
    )
    assert ("PRK", "AID", "072", "actual") in _coded(
        "Some 3,000 North Korean soldiers have entered Belarus, officials said."
    )
