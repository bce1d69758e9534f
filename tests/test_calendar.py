"""Calendar arithmetic and TIMEX3 value formatting for the time-expression rules."""

from __future__ import annotations

from datetime import date

import pytest

from peninsula.knowledge import Knowledge
from peninsula.nlp.calendar import (
    FUTURE,
    PAST,
    PRESENT,
    day_of,
    duration,
    parse_anchor,
    pick_year,
    pick_year_of_day,
    season_index,
    shifted_value,
    unknown,
    weekday_day,
)
from peninsula.records import PartialDate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-21", PartialDate(2026, 1, 21)),
        (" 2026-01 ", PartialDate(2026, 1)),
        ("2026", PartialDate(2026)),
        ("2026-02-30", PartialDate(2026, 2)),  # kept to the part that names a real date
        ("2026-13-01", PartialDate(2026)),
        ("not a date", None),
        (None, None),
    ],
)
def test_parse_anchor(value: str | None, expected: PartialDate | None) -> None:
    assert parse_anchor(value) == expected


def test_day_of_needs_a_day() -> None:
    assert day_of(PartialDate(2026, 1, 21)) == date(2026, 1, 21)
    assert day_of(PartialDate(2026, 1)) is None
    assert day_of(None) is None


def test_pick_year_by_tense() -> None:
    # August seen from January 2026: last August in the past, next in the future, else nearest.
    assert pick_year(8, 1, 2026, PAST, 12) == 2025
    assert pick_year(8, 1, 2026, FUTURE, 12) == 2026
    assert pick_year(8, 1, 2026, PRESENT, 12) == 2025
    assert pick_year(3, 1, 2026, PRESENT, 12) == 2026
    assert pick_year_of_day((12, 30), (1, 2), 2026, PRESENT) == 2025
    assert pick_year_of_day((12, 30), (1, 2), 2026, FUTURE) == 2026


def test_weekday_day() -> None:
    wednesday = date(2026, 1, 21)
    assert weekday_day(wednesday, 5, PAST, None) == date(2026, 1, 16)
    assert weekday_day(wednesday, 5, FUTURE, None) == date(2026, 1, 23)
    assert weekday_day(wednesday, 5, PRESENT, None) == date(2026, 1, 23)
    assert weekday_day(wednesday, 3, PRESENT, -1) == date(2026, 1, 14)
    assert weekday_day(wednesday, 1, PRESENT, 0) == date(2026, 1, 19)


def test_season_index_puts_december_in_next_years_winter(knowledge: Knowledge) -> None:
    words = knowledge.time_words
    assert season_index(PartialDate(2025, 12), words) == (2026, 0)
    assert season_index(PartialDate(2026, 7), words) == (2026, 2)
    assert season_index(PartialDate(2026), words) is None


@pytest.mark.parametrize(
    ("count", "unit", "expected"),
    [
        (3, "Y", "P3Y"),
        (1, "DE", "P10Y"),
        (None, "DE", "PXDE"),
        (1.5, "Y", "P18M"),
        (2, "H", "PT2H"),
        (30, "MIN", "PT30M"),
        (1, "FORTNIGHT", "P2W"),
        (2, "Q", "P6M"),
    ],
)
def test_duration(count: float | None, unit: str, expected: str) -> None:
    assert duration(count, unit) == expected


def test_shifted_value() -> None:
    day = PartialDate(2026, 1, 21)
    assert shifted_value(day, "Y", -1) == "2025"
    assert shifted_value(day, "M", -1) == "2025-12"
    assert shifted_value(day, "Q", 1) == "2026-Q2"
    assert shifted_value(day, "W", 0) == "2026-W04"
    assert shifted_value(day, "D", 1) == "2026-01-22"
    assert shifted_value(day, "DE", 0) == "202"
    assert shifted_value(PartialDate(2026), "M", 1) is None
    assert shifted_value(None, "Y", 0) is None
    assert unknown("M") == "XXXX-XX" and unknown("W") == "XXXX-WXX"
