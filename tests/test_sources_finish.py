"""The last step of every reader: valid Unicode, some words, a length the language model takes."""

from __future__ import annotations

from peninsula.records import RawArticle, Skipped
from peninsula.sources.finish import (
    MAX_ARTICLE_CHARS,
    SPACY_MAX_CHARS,
    finished,
    fitting_end,
    valid_text,
)


def article(text: str, **fields: str) -> RawArticle:
    return RawArticle(origin="a.txt", text=text, **fields)  # type: ignore[arg-type]


def test_lone_surrogates_become_replacement_characters_everywhere() -> None:
    raw = article("Lee said \ud800 it.", title="Talks \udfff", outlet="Wire\x00")
    [done] = finished(raw)
    assert isinstance(done, RawArticle)
    assert (done.text, done.title, done.outlet) == ("Lee said \ufffd it.", "Talks \ufffd", "Wire")
    (done.text + (done.title or "")).encode("utf-8")


def test_valid_text_keeps_real_characters() -> None:
    assert valid_text("북한 \U0001f600 « oui »") == "북한 \U0001f600 « oui »"


def test_text_without_a_letter_is_skipped() -> None:
    assert list(finished(article("3.14"))) == [Skipped("a.txt", "no words in the text")]
    assert list(finished(article("  -- 42 !"))) == [Skipped("a.txt", "no words in the text")]


def test_short_text_is_kept_whole() -> None:
    assert fitting_end("A short article.\n\nTwo paragraphs.") is None
    [done] = finished(article("A short article."))
    assert isinstance(done, RawArticle) and done.text == "A short article."


def test_long_text_is_cut_at_the_last_paragraph_break_with_a_note() -> None:
    paragraph = "The envoy said talks would go on. " * 30
    text = "\n\n".join([paragraph] * 250)  # about 255,000 characters
    done, note = finished(article(text))
    assert isinstance(done, RawArticle) and isinstance(note, Skipped)
    assert len(done.text) + done.text.count("\n") <= MAX_ARTICLE_CHARS
    assert done.text.endswith("go on.") and text.startswith(done.text)
    assert note.origin == "a.txt"
    assert note.reason.endswith("left out (articles are cut under 200,000 characters)")
    assert MAX_ARTICLE_CHARS < SPACY_MAX_CHARS


def test_line_breaks_count_against_the_limit() -> None:
    # Cleaning may turn every line break into a blank line: 750 characters holding 250 line
    # breaks need 1,000 characters of room.
    text = "ab\n" * 250
    assert fitting_end(text, limit=1000) is None
    end = fitting_end(text * 2, limit=1000)
    assert end is not None
    kept = (text * 2)[:end]
    assert len(kept) + kept.count("\n") <= 1000


def test_text_without_breaks_is_cut_at_a_sentence_end_then_a_space() -> None:
    sentences = "Lee spoke. " * 200
    end = fitting_end(sentences, limit=1000)
    assert end is not None and sentences[:end].rstrip().endswith("spoke.")
    words = "word " * 400
    end = fitting_end(words, limit=1000)
    assert end is not None and words[end] == " " and end <= 1000
    assert fitting_end("x" * 3000, limit=1000) == 1000
