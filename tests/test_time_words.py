"""The time vocabulary: one loader for data/time_words.yaml, errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import Knowledge, data_path
from peninsula.knowledge.time_words import load_time_words

SOURCE = data_path("time_words.yaml")


def test_load_knowledge_fills_the_time_words(knowledge: Knowledge) -> None:
    words = knowledge.time_words
    assert words.months["march"] == 3 and words.month_abbreviations["sept"] == 9
    assert words.weekdays["sunday"] == 7 and words.weekday_abbreviations["thurs"] == 4
    assert words.units["decades"] == "DE" and "decades" in words.plurals
    assert {"former", "ex", "then", "late"} <= words.role_negators
    assert "published" in words.date_labels and "said" in words.weekday_cues


def test_month_number_reads_names_and_abbreviations(knowledge: Knowledge) -> None:
    words = knowledge.time_words
    assert words.month_number("August") == 8
    assert words.month_number("Sept.") == 9
    assert words.month_number("Smarch") is None


def test_time_words_are_compared_by_identity() -> None:
    first, second = load_time_words(SOURCE), load_time_words(SOURCE)
    assert first == first and first != second
    assert len({first, second}) == 2


def test_a_bad_data_file_names_its_line(tmp_path: Path) -> None:
    source = SOURCE.read_text(encoding="utf-8")
    broken = source.replace("  march: 3\n", "  march: 13\n", 1)
    path = tmp_path / "time_words.yaml"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("  march: 13") + 1
    with pytest.raises(DataFileError, match=rf"time_words.yaml:{line}: months"):
        load_time_words(path)
    doubled = source.replace("  march: 3\n", "  march: 3\n  march: 4\n", 1)
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"time_words.yaml:{line + 1}: months: 'march'"):
        load_time_words(path)
    path.write_text("months: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="malformed YAML"):
        load_time_words(path)


def test_a_missing_section_names_the_file(tmp_path: Path) -> None:
    source = SOURCE.read_text(encoding="utf-8")
    start = source.index("role_negators:")
    path = tmp_path / "time_words.yaml"
    path.write_text(source[:start], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"time_words\.yaml: role_negators: missing"):
        load_time_words(path)
