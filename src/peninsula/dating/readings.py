"""Reading one date value (metadata, a header line, htmldate's guess) at the precision it states,
with the other days it may mean: a UTC timestamp may be the day before or after in the
publisher's zone, 03/04/2025 may be either order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import dateparser

from peninsula.records import Precision

# 2026-01-21, 2026-1-5, 2026-01, with an optional time and zone.
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_YMD_SLASH = re.compile(r"^(\d{4})(?:/|\.\s?)(\d{1,2})(?:/|\.\s?)(\d{1,2})(?!\d)")
# 2024年10月25日, 2024년 10월 25일: the year, month and day signs of Chinese, Japanese and Korean.
_YMD_SIGNS = re.compile(r"^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
# 20200414, 20200414T00:38:07Z: rewritten as ISO.
_COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?=$|[T ])")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
# 03/04/2025, 03-04-2025: month and day in either order.
_NUMERIC_SLASH = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?!\d)")
# A UTC timestamp names an instant: in the publisher's own zone the day may be the one before
# (the Americas, when the UTC hour is early) or after (Asia, Europe late at night).
_UTC_EARLY_HOURS = 8
_UTC_LATE_HOURS = 15


@dataclass(frozen=True, slots=True)
class Reading:
    """A date value as read: the day it states and the other days it may mean."""

    day: date
    precision: Precision
    alternatives: tuple[date, ...] = ()
    why: str = ""


def parse_date_value(value: str) -> tuple[date, Precision] | None:
    """A date string from metadata or a header line, at the precision it states."""
    reading = read_date_value(value)
    return (reading.day, reading.precision) if reading else None


def read_date_value(value: str) -> Reading | None:
    """A date string read at the precision it states, with the other days it may mean."""
    text = _COMPACT.sub(r"\1-\2-\3", " ".join(value.split()), count=1)
    iso = _ISO.match(text)
    if iso:
        return _iso_reading(iso)
    ymd = _YMD_SLASH.match(text) or _YMD_SIGNS.match(text)
    if ymd:
        return _day_reading(int(ymd[1]), int(ymd[2]), int(ymd[3]))
    if re.fullmatch(r"\d{4}", text):
        return Reading(date(int(text), 1, 1), "year")
    slash = _NUMERIC_SLASH.match(text)
    if slash:
        return _slash_reading(int(slash[1]), int(slash[3]), int(slash[4]))
    dotted = _DOTTED.search(text)
    if dotted:
        return _day_reading(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    else:
        offset = stamp.utcoffset()
        utc = offset is not None and not offset
        return _timed_reading(stamp.date(), stamp.hour, stamp.minute, stamp.second, utc=utc)
    return _dateparser_reading(text)


def _iso_reading(match: re.Match[str]) -> Reading | None:
    year, month = int(match[1]), int(match[2])
    if match[3] is None:
        try:
            return Reading(date(year, month, 1), "month")
        except ValueError:
            return None
    try:
        day = date(year, month, int(match[3]))
    except ValueError:
        return None
    zone = match[7]
    if match[4] is None or zone is None:
        return Reading(day, "day")
    utc = zone.upper() in ("Z", "UTC", "GMT") or zone.lstrip("+-").replace(":", "") == "0000"
    return _timed_reading(day, int(match[4]), int(match[5]), int(match[6] or 0), utc=utc)


def _timed_reading(day: date, hour: int, minute: int, second: int, *, utc: bool) -> Reading:
    if not utc:
        return Reading(day, "day")
    if hour >= 22 and minute == 0 and second == 0:
        # A bare date stored as local midnight in UTC+1 or UTC+2 (2022-11-06T23:00:00Z).
        return Reading(day + timedelta(days=1), "day", (day,), "local midnight written in UTC")
    if hour < _UTC_EARLY_HOURS:
        return Reading(
            day, "day", (day - timedelta(days=1),), "UTC time, the evening before in the Americas"
        )
    if hour >= _UTC_LATE_HOURS:
        return Reading(
            day, "day", (day + timedelta(days=1),), "UTC time, the next morning in Asia or Europe"
        )
    return Reading(day, "day")


def _day_reading(year: int, month: int, day: int) -> Reading | None:
    try:
        return Reading(date(year, month, day), "day")
    except ValueError:
        return None


def _slash_reading(first: int, second: int, year: int) -> Reading | None:
    """03/04/2025: month first (US) unless that is impossible; day first is the alternative."""
    if first > 12:
        return _day_reading(year, second, first)
    if second > 12 or first == second:
        return _day_reading(year, first, second)
    try:
        return Reading(
            date(year, first, second),
            "day",
            (date(year, second, first),),
            "day and month order is ambiguous",
        )
    except ValueError:
        return None


def _dateparser_reading(text: str) -> Reading | None:
    if not re.search(r"\d{2}", text):
        return None  # no year written: nothing for dateparser to find, and it is slow
    parsed = dateparser.parse(
        text, settings={"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first"}
    )
    if parsed is None:
        return None
    has_day = re.search(r"(?<!\d)\d{1,2}(?!\d{2})", re.sub(r"\d{4}", "", text)) is not None
    return (
        Reading(parsed.date(), "day") if has_day else Reading(parsed.date().replace(day=1), "month")
    )
