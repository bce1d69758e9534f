"""JSON Lines and CSV: one article per record; a bad record costs that record only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peninsula.records import RawArticle, Skipped
from peninsula.sources import iter_articles

GOOD = json.dumps({"text": "Pyongyang rejected the offer on Friday.", "date": "2025-03-07"})


def read(path: Path, max_bytes: int = 100_000) -> list[RawArticle | Skipped]:
    return list(iter_articles([str(path)], max_bytes, strict=True))


def reasons(items: list[RawArticle | Skipped]) -> list[str]:
    return [i.reason for i in items if isinstance(i, Skipped)]


def texts(items: list[RawArticle | Skipped]) -> list[str]:
    return [i.text for i in items if isinstance(i, RawArticle)]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ('{"text": 5}', "record text is not a string (a number)"),
        ('{"text": 1e308}', "record text is not a string (a number)"),
        ('{"text": Infinity}', "record text is not a string (a number)"),
        ('{"text": NaN}', "record text is not a string (a number)"),
        ('{"text": true}', "record text is not a string (true/false)"),
        ('{"text": ["a"]}', "record text is not a string (a list)"),
        ('{"text": {"a": 1}}', "record text is not a string (an object)"),
        ('{"text": null}', "record has no text"),
        ('{"text": "42"}', "no words in the text"),
        ("[1, 2]", "record is not an object"),
        ("[" * 100_000, "malformed JSON line (nested too deeply)"),
    ],
)
def test_records_that_are_no_article_are_skipped(tmp_path: Path, record: str, reason: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(f"{GOOD}\n{record}\n{GOOD}\n")
    items = read(path, max_bytes=200_000)
    assert reasons(items) == [reason]
    assert len(texts(items)) == 2
    assert next(i for i in items if isinstance(i, Skipped)).origin.endswith("#L2")


def test_a_surrogate_escape_becomes_a_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "Lee said \\ud800 it.", "title": "\\udfff"}\n')
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert (article.text, article.title) == ("Lee said \ufffd it.", "\ufffd")


def test_a_number_date_is_kept_and_other_fields_must_be_strings(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "Lee spoke.", "date": 20250307, "title": 5, "url": [1]}\n')
    [article] = read(path)
    assert isinstance(article, RawArticle)
    assert article.metadata_dates == (("column:date", "20250307"),)
    assert (article.title, article.url) == (None, None)


def test_a_line_over_the_cap_is_passed_over_and_the_next_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    huge = json.dumps({"text": "x " * 100_000})
    path.write_text(f"{huge}\n{GOOD}\n")
    items = read(path, max_bytes=1000)
    assert reasons(items) == ["record larger than 1000 bytes"]
    assert texts(items) == ["Pyongyang rejected the offer on Friday."]


def test_a_byte_order_mark_on_the_first_line_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + b"\n")
    assert texts(read(path)) == ["Pyongyang rejected the offer on Friday."]


def test_blank_jsonl_is_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n  \n\t\n")
    assert reasons(read(path)) == ["empty input"]


def test_csv_line_over_the_cap_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    long_row = '"' + "word " * 1000 + '",x'
    path.write_text(f"text,title\n{long_row}\nSeoul spoke.,Talks\n")
    items = read(path, max_bytes=1000)
    assert reasons(items) == ["record larger than 1000 bytes"]
    assert texts(items) == ["Seoul spoke."]
    assert items[0].origin.endswith("#L2")


def test_csv_bad_records_cost_only_themselves(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        b"text,title\nFirst article.,A\nbad \xff bytes,B\n,C\n1234,D\nLast article.,E\n"
    )
    items = read(path)
    assert texts(items) == ["First article.", "Last article."]
    assert reasons(items) == [
        "line is not valid UTF-8",
        "record has no text",
        "no words in the text",
    ]


def test_csv_with_old_mac_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"text,title\rFirst article.,A\rSecond article.,B\r")
    assert texts(read(path)) == ["First article.", "Second article."]


def test_csv_with_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('text,title\n"First line.\n\nSecond line.",A\n')
    assert texts(read(path)) == ["First line.\n\nSecond line."]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty input"),
        (b"\n\n", "empty input"),
        (b"caf\xe9,text\nx,y\n", "CSV is not valid UTF-8"),
        (b"a,b\n1,2\n", "CSV has no text column (text, content or body)"),
        (b"title,text\n", "CSV with no records"),
    ],
)
def test_csv_that_cannot_be_read(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    assert reasons(read(path)) == [reason]


_RECORD = st.fixed_dictionaries(
    {"text": st.sampled_from(["Ruritania recalled its envoy on Monday.", "Talks resumed."])},
    optional={"title": st.text(max_size=20), "date": st.sampled_from(["2025-03-07", "x"])},
)


@settings(max_examples=40, deadline=None)
@given(records=st.lists(_RECORD, min_size=1, max_size=5), indent=st.sampled_from([1, 2, 4, "\t"]))
def test_a_pretty_printed_json_document_is_read_whole(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, str]], indent: int | str
) -> None:
    path = tmp_path_factory.mktemp("json") / "a.json"
    document: object = records if len(records) > 1 else records[0]
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=False))
    items = read(path)
    assert reasons(items) == []
    assert texts(items) == [r["text"] for r in records]


@settings(max_examples=60, deadline=None)
@given(records=st.lists(_RECORD, min_size=1, max_size=4), cut=st.integers(min_value=1))
def test_a_broken_pretty_json_document_is_one_skipped_line(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, str]], cut: int
) -> None:
    whole = json.dumps(records, indent=2)
    path = tmp_path_factory.mktemp("json") / "a.json"
    path.write_text(whole[: 2 + cut % (len(whole) - 2)])  # never the whole document
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert items[0].reason.startswith("malformed JSON document")


def test_json_documents_of_other_shapes(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n  {"text": "Talks resumed."},\n  7\n]\n')
    items = read(path)
    assert texts(items) == ["Talks resumed."]
    assert [(Path(i.origin).name, i.reason) for i in items if isinstance(i, Skipped)] == [
        ("a.json#R2", "record is not an object")
    ]
    path.write_text("[\n]\n")
    assert reasons(read(path)) == ["JSON document with no records"]
    path.write_text("{\n" + '"text": "' + "word " * 400 + '"\n}\n')
    assert reasons(read(path, max_bytes=1000)) == ["JSON document larger than 1000 bytes"]


def test_a_one_line_list_of_records_gives_each_record(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"text": "Talks resumed."}, {"text": "Ruritania spoke."}]))
    assert texts(read(path)) == ["Talks resumed.", "Ruritania spoke."]


def test_a_broken_first_record_still_reads_the_lines_after_it(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "cut short\n' + GOOD + "\n")
    items = read(path)
    [reason] = reasons(items)
    assert reason.startswith("malformed JSON line (")
    assert len(texts(items)) == 1
