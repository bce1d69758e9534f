"""Cleaning wire copy: headline, dateline, trailers, paragraphs and outlet, across house styles.

Each fixture in tests/fixtures/wire/ is an invented article in a real house style (AP, Reuters,
AFP, Yonhap, KCNA, IANS, Xinhua, MENAFN, UPI, Kyodo, a news site), with a JSON file of what the
cleaned document must look like.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from peninsula.documents import (
    DatePatterns,
    build_document,
    date_patterns,
    document_id,
    recognise_outlet,
    split_dateline,
    split_paragraphs,
)
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.records import Dateline, Document, RawArticle
from tests.conftest import EXAMPLES

WIRE = Path(__file__).resolve().parent / "fixtures" / "wire"
FIXTURES = sorted(p.stem for p in WIRE.glob("*.json"))


def read(path: Path) -> str:
    # Bytes, not read_text(): universal newlines would hide the CRLF fixture's line endings.
    return path.read_bytes().decode("utf-8")


def build(text: str, **fields: Any) -> Document:
    raw = RawArticle(origin=fields.pop("origin", "test.txt"), text=text, **fields)
    return build_document(raw, default_knowledge())


def paragraphs_of(document: Document) -> list[str]:
    return document.text.split("\n\n")


def example(prefix: str) -> Document:
    [path] = EXAMPLES.glob(f"{prefix}_*.txt")
    return build(read(path), origin=str(path))


# --- the fixtures ---------------------------------------------------------------------------------


def test_there_is_a_fixture_per_house_style() -> None:
    assert len(FIXTURES) >= 13
    assert all((WIRE / f"{name}.txt").exists() for name in FIXTURES)


@pytest.fixture(params=FIXTURES)
def case(request: pytest.FixtureRequest) -> tuple[Document, dict[str, Any], str]:
    name: str = request.param
    expected = json.loads(read(WIRE / f"{name}.json"))
    text = read(WIRE / f"{name}.txt")
    return build(text, origin=name, url=expected.get("url")), expected, text


def test_fixture_title(case: tuple[Document, dict[str, Any], str]) -> None:
    document, expected, _ = case
    assert document.title == expected["title"]


def test_fixture_dateline(case: tuple[Document, dict[str, Any], str]) -> None:
    document, expected, _ = case
    if expected["dateline"] is None:
        assert document.dateline is None
        return
    assert document.dateline is not None
    got = document.dateline
    assert {"place": got.place, "month": got.month, "day": got.day, "outlet": got.outlet} == (
        expected["dateline"]
    )


def test_fixture_outlet(case: tuple[Document, dict[str, Any], str]) -> None:
    document, expected, _ = case
    assert document.outlet == expected["outlet"]


def test_fixture_header_lines(case: tuple[Document, dict[str, Any], str]) -> None:
    document, expected, _ = case
    assert list(document.header_lines) == expected["header_lines"]


def test_fixture_paragraphs(case: tuple[Document, dict[str, Any], str]) -> None:
    document, expected, _ = case
    paragraphs = paragraphs_of(document)
    assert paragraphs[0].startswith(expected["first"])
    assert paragraphs[-1].endswith(expected["last"])
    assert len(paragraphs) == expected["paragraphs"]


def test_fixture_trailers_are_gone_and_body_kept(
    case: tuple[Document, dict[str, Any], str],
) -> None:
    document, expected, _ = case
    for unwanted in expected["absent"]:
        assert unwanted not in document.text, unwanted
    if document.title:
        assert document.title not in document.text
    for wanted in expected.get("present", []):
        assert wanted in document.text, wanted


def test_fixture_body_words_all_come_from_the_source(
    case: tuple[Document, dict[str, Any], str],
) -> None:
    # Cleaning only removes and rejoins; it never invents or reorders text.
    document, _, text = case
    source = " ".join(text.split())
    for paragraph in paragraphs_of(document):
        assert paragraph in source, paragraph


def test_crlf_fixture_really_has_crlf_and_matches_its_lf_twin() -> None:
    text = read(WIRE / "crlf_upi.txt")
    assert "\r\n" in text
    assert build(text).id == build(text.replace("\r\n", "\n")).id


# --- the three example articles -------------------------------------------------------------------


def test_example_000_ians() -> None:
    document = example("000")
    assert document.dateline == Dateline("Seoul", 1, 1, "IANS", "Seoul, Jan 1 (IANS)")
    assert document.outlet == "IANS"
    assert "--IANS" not in document.text and "int/sd/" not in document.text
    assert document.text.startswith("South Korean President Lee Jae Myung said on Thursday")
    assert document.text.endswith('linchpin of national competitiveness," he said.')
    assert len(paragraphs_of(document)) == 16


def test_example_001_date_label_split_off() -> None:
    document = example("001")
    assert document.header_lines == ("date 2026-01-21",)
    assert document.text.startswith("President Lee Jae Myung reiterated his commitment")
    assert document.dateline is None and document.title is None
    assert len(paragraphs_of(document)) == 6


def test_example_003_menafn() -> None:
    document = example("003")
    assert document.title == (
        "S. Korea wants UN support for Korean Peninsula dialogue peace initiative"
    )
    assert document.outlet == "MENAFN"
    assert document.header_lines == ("Tuesday, 02 January 2024 12:17 GMT",)
    assert document.dateline is not None and document.dateline.outlet == "MENAFN"
    for unwanted in ("Legal Disclaimer", "Search", "MENAFN24092025000045017281ID1110104440"):
        assert unwanted not in document.text
    assert document.text.startswith("South Korean President Lee Jae Myung has called on")
    assert document.text.endswith("leaving both Koreas technically still at war.")
    assert len(paragraphs_of(document)) == 7


# --- split_dateline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "place", "month", "day", "outlet", "rest"),
    [
        ("Seoul, Jan 1 (IANS) Lee said.", "Seoul", 1, 1, "IANS", "Lee said."),
        ("SEOUL, Jan. 21 (Yonhap) -- Lee said.", "Seoul", 1, 21, "Yonhap", "Lee said."),
        ("PYONGYANG, January 21 (KCNA) -- Kim said.", "Pyongyang", 1, 21, "KCNA", "Kim said."),
        ("Pyongyang, September 9 (KCNA) -- Kim said.", "Pyongyang", 9, 9, "KCNA", "Kim said."),
        (
            "SEOUL, South Korea (AP) — Lee said.",
            "Seoul, South Korea",
            None,
            None,
            "AP",
            "Lee said.",
        ),
        (
            "FORT BRAGG, N.C. (AP) — Troops left.",
            "Fort Bragg, N.C.",
            None,
            None,
            "AP",
            "Troops left.",
        ),
        ("Seoul (AFP) - Lee said.", "Seoul", None, None, "AFP", "Lee said."),
        ("SEOUL, March 3 (Reuters) - Lee said.", "Seoul", 3, 3, "Reuters", "Lee said."),
        ("WASHINGTON/SEOUL, Sept 24 (Reuters) - X.", "Washington/Seoul", 9, 24, "Reuters", "X."),
        ("UNITED NATIONS, March 5 (Xinhua) -- X.", "United Nations", 3, 5, "Xinhua", "X."),
        ("BEIJING, Dec. 1, 2025 (Xinhua) -- X.", "Beijing", 12, 1, "Xinhua", "X."),
        ("Geneva, 3 March (AFP) - X.", "Geneva", 3, 3, "AFP", "X."),
        ("(MENAFN) South Korea said.", None, None, None, "MENAFN", "South Korea said."),
        ("(MENAFN- Yonhap) Seoul said.", None, None, None, "MENAFN- Yonhap", "Seoul said."),
        ("(Reuters) - Seoul said.", None, None, None, "Reuters", "Seoul said."),
        ("Bogotá, May 2 (EFE) - X.", "Bogotá", 5, 2, "EFE", "X."),
        ("SEOUL, Jan. 21 (Yonhap) --", "Seoul", 1, 21, "Yonhap", ""),
    ],
)
def test_split_dateline_reads_wire_datelines(
    paragraph: str, place: str | None, month: int | None, day: int | None, outlet: str, rest: str
) -> None:
    dateline, body = split_dateline(paragraph, patterns())
    assert dateline is not None
    assert (dateline.place, dateline.month, dateline.day, dateline.outlet) == (
        place,
        month,
        day,
        outlet,
    )
    assert body == rest
    assert paragraph.startswith(dateline.raw)


@pytest.mark.parametrize(
    "paragraph",
    [
        "(For now) the government will wait.",
        "(for now), the government will wait.",
        "The Ministry of Unification (MOU) said on Monday it would wait.",
        "Unification Minister Han Seung-woo (left) said talks matter.",
        "Lee Jae Myung (Democratic Party) said talks matter.",
        "Kim Yo Jong (pictured) warned Seoul.",
        "(Lee Jae Myung) is the president.",
        "(LEAD) Unification minister calls for talks",
        "(2nd LD) Unification minister calls for talks",
        "(URGENT) N. Korea fires missile",
        "(News Focus) What the summit means",
        "(Yonhap Interview) Envoy says talks possible",
        "South Korea said (in a statement) that it would wait.",
        "Seoul, Jan 1 (2026) was a Thursday.",
        "President Lee said.",
    ],
)
def test_split_dateline_leaves_asides_and_names_alone(paragraph: str) -> None:
    assert split_dateline(paragraph, patterns()) == (None, paragraph)


def patterns() -> DatePatterns:
    return date_patterns(default_knowledge().time_words)


def test_date_patterns_take_their_words_from_the_time_words(knowledge: Knowledge) -> None:
    found = date_patterns(knowledge.time_words)
    assert found is date_patterns(knowledge.time_words)  # built once per vocabulary
    assert found.dateline.match("Seoul, Jan 1 (IANS) Lee") is not None
    assert found.months["sept"] == 9 and found.months["december"] == 12
    for line in (
        "Monday, 05 February 2024 09:41 GMT",
        "Thurs. 6 March 2025",
        "Mar. 4, 2025 - 14:20",
        "2025.03.04 15:33",
        "Published: 4 March 2025",
    ):
        assert found.date_only_line.match(found.date_label.sub("", line)) is not None, line
    assert found.date_only_line.match("Lee said on Jan. 4, 2025 that talks matter") is None


# --- split_paragraphs -----------------------------------------------------------------------------


def test_one_paragraph_per_line_when_lines_are_long() -> None:
    text = "First paragraph is here.\nSecond one, " + "long " * 30 + "ends.\nThird."
    assert split_paragraphs(text) == [
        "First paragraph is here.",
        "Second one, " + "long " * 29 + "long ends.",
        "Third.",
    ]


def test_blank_lines_separate_paragraphs_and_wraps_are_joined() -> None:
    text = read(WIRE / "wrapped_kyodo.txt")
    paragraphs = split_paragraphs(text)
    assert len(paragraphs) == 6
    assert paragraphs[0] == "Japan, South Korea vow to keep shuttle diplomacy on track"
    assert paragraphs[-1] == "==Kyodo"
    assert all("\n" not in p and "  " not in p for p in paragraphs)


def test_wrapped_text_keeps_a_short_header_line_apart() -> None:
    body = (
        "South Korea and the United States will hold talks on Tuesday on the\n"
        "defence cost-sharing deal, officials said, as the two allies look to\n"
        "settle a dispute that has lingered for months over the share of costs.\n"
    )
    text = "Published: 2025-03-04 10:00 KST\n" + body + "\n" + body
    paragraphs = split_paragraphs(text)
    assert paragraphs[0] == "Published: 2025-03-04 10:00 KST"
    assert len(paragraphs) == 3
    assert paragraphs[1] == paragraphs[2] == " ".join(body.split())


def test_short_lines_of_sentences_are_not_mistaken_for_wrapping() -> None:
    text = "Talks resume.\nSeoul agreed.\nPyongyang did not.\nThe US waits.\nNo date was set."
    assert split_paragraphs(text) == text.split("\n")


def test_line_endings_and_odd_spaces_are_normalised() -> None:
    text = "\ufeffOne\u00a0two.\r\nThree\u200b four.\rFive.\u2029Six."
    assert split_paragraphs(text) == ["One two.", "Three four.", "Five.", "Six."]


def test_empty_text_has_no_paragraphs() -> None:
    assert split_paragraphs("") == [] and split_paragraphs(" \n\n \r\n") == []


# --- boilerplate never eats the body --------------------------------------------------------------


BODY_LIKE = [
    "He declined to elaborate.",
    "Talks resume.",
    "No.",
    "Search and rescue teams were sent to the area.",
    "The search continued on Tuesday.",
    "Copyright disputes over North Korean films have resurfaced.",
    "Copyright law was not discussed, officials said.",
    "The deal, he said, would be signed by March.",
    "By then, both sides had left the room.",
    "Three agencies contributed to the report, which was released on Monday.",
    "The disclaimer was added later, the ministry said.",
    "Share prices in Seoul rose 2 percent after the announcement.",
    "Officials said the footage may not be published until the summit ends.",
    "The end of the talks was announced by the ministry.",
    "End.",
    "Home to 25 million people, the North remains isolated.",
    "In this photo released on Monday, officials said, Kim is seen smiling.",
    "3.5",
    "U.S.",
    "The ministry's e-mail address is press@unikorea.go.kr, a spokesperson said.",
]


@pytest.mark.parametrize("sentence", BODY_LIKE)
def test_boilerplate_rules_keep_real_sentences(sentence: str, knowledge: Knowledge) -> None:
    rule = next((r for r in knowledge.boilerplate if r.pattern.fullmatch(sentence)), None)
    assert rule is None, rule


@pytest.mark.parametrize(
    "line",
    [
        "--IANS",
        "-- AP",
        "==Kyodo",
        "int/sd/",
        "kjm/ssy",
        "str-kjm/ssy/rsc",
        "(END)",
        "Enditem",
        "-0-",
        "###",
        "/AFP",
        "___",
        "Jung Yeon-je/AFP",
        "JUNG YEON-JE / AFP",
        "(Reporting by Park Min-ji; Editing by Sarah Cole)",
        "(Writing by Kim Soo-yeon; Editing by Ed Cole)",
        "Copyright 2025 The Associated Press. All rights reserved.",
        "© 2025 AFP",
        "Copyright © 2025 Yonhap News Agency",
        "(c) Yonhap News Agency. All Rights Reserved.",
        "All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "Associated Press writers Mari Tanaka in Tokyo and Ed Lee in Washington contributed"
        " to this report.",
        "Search",
        "Share this article",
        "Advertisement",
        "Skip to main content",
        "4 min read",
        "Sign up here.",
        "Follow us on X",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "By Park Min-ji and Thomas Reid",
        "By KIM TONG-HYUNG Associated Press",
        "MENAFN24092025000045017281ID1110104440",
        "mina@yna.co.kr",
        "www.kcna.kp (Juche115.1.21.)",
        "https://apnews.com/hub/north-korea",
        "Follow AP's coverage of North Korea at https://apnews.com/hub/north-korea",
        "[Editor: huaxia]",
        "This file photo shows Lee speaking in Seoul. (Yonhap)",
        "A soldier stands guard in Paju on Jan. 2, 2025. (Photo by JUNG YEON-JE / AFP)",
    ],
)
def test_boilerplate_rules_catch_trailers(line: str, knowledge: Knowledge) -> None:
    assert any(r.pattern.fullmatch(line) for r in knowledge.boilerplate), line


def test_boilerplate_rules_all_have_a_note(knowledge: Knowledge) -> None:
    assert all(rule.note for rule in knowledge.boilerplate)


def test_a_disclaimer_near_the_top_does_not_cut_the_article() -> None:
    text = "Disclaimer:\nThis article is a translation.\nSeoul said on Monday it wants talks.\n"
    text += "The North did not reply.\nAnalysts expect no change.\n"
    document = build(text)
    assert "Seoul said on Monday it wants talks." in document.text
    assert "Analysts expect no change." in document.text


def test_trailer_after_the_body_is_cut_with_everything_after_it() -> None:
    body = "\n".join(f"Paragraph {n} of the article says something." for n in range(4))
    document = build(body + "\nLegal Disclaimer:\nThe publisher takes no responsibility.\nSearch\n")
    assert paragraphs_of(document)[-1] == "Paragraph 3 of the article says something."


# --- headline and header --------------------------------------------------------------------------


def test_raw_title_repeated_as_first_line_is_dropped() -> None:
    document = build(
        "Seoul offers talks\nSeoul offered talks on Monday.\nThe North was silent.",
        title="Seoul offers talks",
    )
    assert document.title == "Seoul offers talks"
    assert document.text == "Seoul offered talks on Monday.\n\nThe North was silent."


def test_headline_with_closing_quote_is_a_title_but_quoted_sentence_is_not() -> None:
    headline = build("Kim warns of 'overwhelming' response\nKim warned on Monday.\nSeoul replied.")
    assert headline.title == "Kim warns of 'overwhelming' response"
    sentence = build('"We are ready," Lee said.\nThe North replied.\nAnalysts were unsure.')
    assert sentence.title is None


def test_single_paragraph_is_never_a_title() -> None:
    document = build("Seoul wants talks")
    assert document.title is None and document.text == "Seoul wants talks"


def test_headline_ending_in_full_stop_is_found_through_the_dateline() -> None:
    document = build(
        "N. Korea fires missile.\nSEOUL, May 2 (Yonhap) -- North Korea fired a missile."
    )
    assert document.title == "N. Korea fires missile."
    assert document.dateline is not None and document.dateline.day == 2
    assert document.text == "North Korea fired a missile."


def test_a_long_first_paragraph_is_not_taken_for_a_headline() -> None:
    first = "South Korea said on Monday it " + "would keep talking " * 10 + "to the North"
    document = build(first + "\nSEOUL, May 2 (Yonhap) -- North Korea fired a missile.")
    assert document.title is None
    assert document.text.startswith("South Korea said on Monday")
    # A dateline that names its day is one even after a long paragraph (a photo caption),
    # which stays in the text; a bare "(Yonhap)" credit there is not.
    assert document.dateline is not None and document.dateline.day == 2
    assert document.text.endswith("\n\nNorth Korea fired a missile.")
    bare = build(first + "\nSEOUL (Yonhap) -- North Korea fired a missile.")
    assert bare.dateline is None


# --- outlet ---------------------------------------------------------------------------------------


def outlet(text: str = "Seoul said on Monday it wants talks.", **fields: Any) -> str | None:
    return build(text, **fields).outlet


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://en.yna.co.kr/view/AEN20250121000300315", "YONHAP"),
        ("https://apnews.com/article/north-korea-abc", "AP"),
        ("https://www.reuters.com/world/asia-pacific/x/", "REUTERS"),
        ("https://www.nknews.org/2025/01/x/", "NK_NEWS"),
        ("http://kcnawatch.org/newstream/123/", "KCNA"),
        ("http://rodong.rep.kp/en/index.php", "RODONG"),
        ("https://www.voanews.com/a/x.html", "VOA"),
        ("https://example.org/yna.co.kr", None),
        ("https://notapnews.com/x", None),
    ],
)
def test_outlet_from_url_domain(url: str, expected: str | None) -> None:
    assert outlet(url=url) == expected


@pytest.mark.parametrize(
    ("trailer", "expected"),
    [
        ("--IANS", "IANS"),
        ("==Kyodo", "KYODO"),
        ("© 2025 AFP", "AFP"),
        ("Copyright 2025 The Associated Press. All rights reserved.", "AP"),
        ("Our Standards: The Thomson Reuters Trust Principles.", "REUTERS"),
        ("mina@yna.co.kr", "YONHAP"),
        ("www.kcna.kp (Juche115.1.21.)", "KCNA"),
        ("MENAFN24092025000045017281ID1110104440", "MENAFN"),
        ("kjm/ssy", None),
    ],
)
def test_outlet_from_credit_and_id_lines(trailer: str, expected: str | None) -> None:
    text = "Seoul said on Monday it wants talks.\nThe North was silent.\n" + trailer
    assert outlet(text) == expected


def test_outlet_evidence_order(knowledge: Knowledge) -> None:
    raw = RawArticle(origin="x", text="", url="https://apnews.com/a", outlet="Some Blog")
    seoul = Dateline("Seoul", 1, 1, "Yonhap", "SEOUL, Jan. 1 (Yonhap) --")
    # The copy's own dateline names its author, even on another outlet's site.
    assert recognise_outlet(raw, seoul, ["--IANS"], knowledge) == "YONHAP"
    # A publisher id beats the site it was found on.
    menafn_id = "MENAFN24092025000045017281ID1110104440"
    assert recognise_outlet(raw, None, ["--IANS", menafn_id], knowledge) == "MENAFN"
    assert recognise_outlet(raw, None, ["--IANS"], knowledge) == "AP"
    no_url = RawArticle(origin="x", text="", outlet="Some Blog")
    assert recognise_outlet(no_url, None, ["--IANS"], knowledge) == "IANS"
    assert recognise_outlet(no_url, None, [], knowledge) == "Some Blog"
    site = RawArticle(origin="x", text="", outlet="Yonhap News Agency")
    assert recognise_outlet(site, None, [], knowledge) == "YONHAP"


def test_unknown_dateline_agency_falls_through_to_other_evidence(knowledge: Knowledge) -> None:
    raw = RawArticle(origin="x", text="", url="https://www.koreatimes.co.kr/a")
    lusa = Dateline("Lisbon", 1, 2, "Lusa", "LISBON, Jan 2 (Lusa) -")
    assert recognise_outlet(raw, lusa, [], knowledge) == "KOREA_TIMES"


def test_a_dateline_year_is_kept() -> None:
    line, rest = split_dateline("New York, Sept 24, 2025 (Yonhap) Lee spoke.", patterns())
    assert line is not None and (line.month, line.day, line.year) == (9, 24, 2025)
    assert rest == "Lee spoke."
    line, _ = split_dateline("Seoul, Jan 1 (IANS) Lee spoke.", patterns())
    assert line is not None and line.year is None


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("BOGOTA, May 2 (EFE) - Talks began.", "EFE"),
        ("KUALA LUMPUR, Jan 2 (Bernama) -- Talks began.", "BERNAMA"),
        ("(MENAFN- Yonhap) Talks began.", "MENAFN"),
        ("SEOUL, Jan 2 (Yonhap) -- Talks began.", "YONHAP"),
        ("WASHINGTON (AP) — Talks began.", "AP"),
    ],
)
def test_outlet_from_dateline(dateline: str, expected: str) -> None:
    assert outlet(dateline + "\nThe North was silent.") == expected


def test_body_mentions_of_an_outlet_do_not_make_it_the_outlet() -> None:
    text = "Seoul said talks matter, reports Yonhap news agency.\nThe North was silent."
    assert outlet(text) is None


def test_short_aliases_do_not_match_inside_words() -> None:
    assert outlet("Seoul said on Monday it wants talks.\nThe North was silent.\n--JAPAN") is None


# --- document id ----------------------------------------------------------------------------------


def test_document_id_ignores_whitespace_and_unicode_form() -> None:
    assert document_id("Lee said  talks\nmatter.") == document_id(" Lee said talks matter. ")
    assert document_id("Cafe\u0301 talks") == document_id("Caf\u00e9 talks")
    assert document_id("Lee said talks matter.") != document_id("Lee said talks mattered.")
    assert len(document_id("x")) == 16


def test_document_id_is_stable_across_layouts_of_the_same_article() -> None:
    text = read(WIRE / "ians_defence_ties.txt")
    variants = [
        text,
        text.replace("\n", "\r\n"),
        text.replace("\n", "\n\n"),
        "\n\n" + text.replace("\n", "  \n") + "\n\n\n",
    ]
    assert len({build(v).id for v in variants}) == 1


def test_document_id_does_not_depend_on_trailers() -> None:
    text = read(WIRE / "ians_defence_ties.txt")
    without = text.replace("--IANS\nsd/dan\n", "")
    assert build(text).id == build(without).id
