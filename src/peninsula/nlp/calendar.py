"""Calendar arithmetic and TIMEX3 value formatting for the time-expression rules.

The anchor is a `PartialDate` (the publication date, known to the day, month or year) or None.
Tense is one of PAST, PRESENT, FUTURE: the past takes the last occurrence of a cyclic position (a
weekday, a month, a season) not after the anchor, the future the first not before it, the
present the nearest one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from peninsula.knowledge.time_words import SEASON_CODES, TimeWords
from peninsula.records import PartialDate

PAST, PRESENT, FUTURE = -1, 0, 1

SMALLER = {"Y": (12, "M"), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN"), "MIN": (60, "S")}
IN_YEARS = {"DE": 10, "CE": 100, "ML": 1000}


def parse_anchor(anchor: str | None) -> PartialDate | None:
    """ "2026-01-21", "2026-01" or "2026", kept to the part that names a real date ("2026-02-30"
    is February 2026); anything else is no anchor at all."""
    value = (anchor or "").strip()
    return (
        PartialDate.parse(value)
        or PartialDate.parse(value, "month")
        or PartialDate.parse(value, "year")
    )


def day_of(anchor: PartialDate | None) -> date | None:
    """The anchor's day, when it is known to the day."""
    return anchor.first_day() if anchor is not None and anchor.day is not None else None


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def season_index(anchor: PartialDate | None, words: TimeWords) -> tuple[int, int] | None:
    """(season-year, 0..3) of the anchor; December's winter belongs to the next year."""
    if anchor is None or anchor.month is None:
        return None
    code = words.season_of_month[anchor.month]
    year = anchor.year + 1 if code == "WI" and anchor.month >= 9 else anchor.year
    return year, SEASON_CODES.index(code)


def pick_year(target: int, current: int, year: int, tense: int, span: int) -> int:
    """The year of a cyclic position (`target` of `span` per year) seen from `current`:
    the last one not after it in the past tense, the next one not before it in the future,
    the nearest one otherwise."""
    if tense == PAST:
        return year if target <= current else year - 1
    if tense == FUTURE:
        return year if target >= current else year + 1
    if target - current > span // 2:
        return year - 1
    if current - target > span // 2:
        return year + 1
    return year


def pick_year_of_day(
    target: tuple[int, int], current: tuple[int, int], year: int, tense: int
) -> int:
    """The year of a day of the year seen from the anchor's day, as `pick_year` does."""
    if tense == PAST:
        return year if target <= current else year - 1
    if tense == FUTURE:
        return year if target >= current else year + 1
    here = date(year, *current)
    options = [y for y in (year - 1, year, year + 1) if safe_date(y, *target) is not None]
    return min(options, key=lambda y: abs((date(y, *target) - here).days), default=year)


def weekday_day(anchor: date, weekday: int, tense: int, offset: int | None) -> date:
    """The day of ISO `weekday` seen from `anchor`: last (-1), this (0) or next (1) week's when
    `offset` says so, else by tense."""
    back = (anchor.isoweekday() - weekday) % 7
    ahead = (weekday - anchor.isoweekday()) % 7
    if offset == -1:
        return anchor - timedelta(days=back or 7)
    if offset == 1:
        return anchor + timedelta(days=ahead or 7)
    if offset == 0:
        return anchor + timedelta(days=weekday - anchor.isoweekday())  # the anchor's week
    if tense == PAST:
        return anchor - timedelta(days=back)
    if tense == FUTURE:
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back) if back <= ahead else anchor + timedelta(days=ahead)


def number(text: str | None, words: TimeWords) -> float | None:
    """The count a number phrase gives; None for a vague one ("several")."""
    if text is None:
        return 1.0
    phrase = " ".join(text.lower().replace("’", "'").split())
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", phrase):
        return float(phrase.replace(",", ""))
    if phrase in words.vague_numbers:
        return None
    if phrase in words.numbers:
        return float(words.numbers[phrase])
    parts = re.split(r"[-\s]", phrase)
    if all(p in words.numbers for p in parts):
        return float(sum(words.numbers[p] for p in parts))
    return None


def duration(count: float | None, unit: str) -> str:
    """A TIMEX3 duration: P3Y, PT2H, P10Y for a decade, PXDE for decades."""
    if unit == "FORTNIGHT":
        count, unit = (None if count is None else count * 2), "W"
    if count is not None:
        if unit in IN_YEARS:
            count, unit = count * IN_YEARS[unit], "Y"
        elif unit == "Q":
            count, unit = count * 3, "M"
        while count != int(count) and unit in SMALLER:
            factor, unit = SMALLER[unit]
            count *= factor
    amount = "X" if count is None else _format_number(count)
    if unit in ("H", "MIN", "S"):
        return f"PT{amount}{'M' if unit == 'MIN' else unit}"
    return f"P{amount}{unit}"


def _format_number(count: float) -> str:
    return str(int(count)) if count == int(count) else f"{count:g}"


def shifted_value(anchor: PartialDate | None, unit: str, offset: int) -> str | None:
    """The anchor's year, month, week, day, quarter, decade or century moved `offset` units, as
    a TIMEX3 value; None when the anchor is not precise enough for the unit (or the unit is a
    clock unit)."""
    if anchor is None:
        return None
    year = anchor.year
    if unit == "Y":
        return f"{year + offset}"
    if unit == "DE":
        return f"{year // 10 + offset}"
    if unit == "CE":
        return f"{year // 100 + offset:02d}"
    if unit == "ML":
        return f"{year // 1000 + offset}"
    if anchor.month is None:
        return None
    if unit == "M":
        y, mo = add_months(year, anchor.month, offset)
        return f"{y}-{mo:02d}"
    if unit == "Q":
        y, mo = add_months(year, anchor.month, 3 * offset)
        return f"{y}-Q{(mo - 1) // 3 + 1}"
    day = day_of(anchor)
    if day is None:
        return None
    if unit in ("W", "FORTNIGHT"):
        return iso_week(day + timedelta(weeks=offset))
    if unit == "D":
        return (day + timedelta(days=offset)).isoformat()
    return None


def unknown(unit: str) -> str:
    """The TIMEX3 value of a unit of unknown position: XXXX for a year, XXXX-WXX for a week."""
    known = {"Y": "XXXX", "DE": "XXX", "CE": "XX", "ML": "X", "M": "XXXX-XX", "Q": "XXXX-QX"}
    return known.get(unit, "XXXX-XX-XX" if unit == "D" else "XXXX-WXX")
