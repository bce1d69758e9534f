"""Dates in an article's address: `/2025/06/17/`, `/news/2024-06-02/`, `/2025/may/23/`,
`/20250216-238924`, `?key=20251030002158478`, `/2024/06/slug`.

A full year-month-day with separators is read by htmldate's URL extractor; the other shapes
(a month name, a compact `yyyymmdd` at the head of an id or a query value, a year and month
only) are read here, each with a weight for how often that shape is a date and not a serial
number. Only the path and the query are read, never the host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from urllib.parse import unquote, urlsplit

from htmldate.extractors import extract_url_date
from htmldate.utils import Extractor

from peninsula.knowledge import TimeWords
from peninsula.records import Precision

# Publishers' addresses carried dates from the mid-1990s on.
EARLIEST_URL_YEAR = 1995
# How far each shape is trusted (the "url" family is one witness: see dating.signals).
PATH_WEIGHT = 0.7  # /2025/06/17/, /2025-06-17-slug
MONTH_NAME_WEIGHT = 0.65  # /2025/may/23/
COMPACT_WEIGHT = 0.6  # /20250216-238924, key=20251030 followed by a clock time hhmmss
SERIAL_WEIGHT = 0.35  # 20250725 at the head of a longer serial number
MONTH_WEIGHT = 0.5  # /2024/06/slug: the month only

_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(\d*)(?!\d)")
_YEAR_MONTH = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(?!\d)")


@dataclass(frozen=True, slots=True)
class UrlDate:
    day: date
    precision: Precision
    weight: float
    shape: str


def url_dates(url: str | None, words: TimeWords, today: date) -> list[UrlDate]:
    """The dates an address states, most trusted shape first (at most one per shape)."""
    if not url:
        return []
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return []
    where = unquote(parts.path) + ("?" + unquote(parts.query) if parts.query else "")
    found: list[UrlDate] = []
    full = _full_date(where, today)
    if full is not None:
        found.append(UrlDate(full, "day", PATH_WEIGHT, "year-month-day path"))
    named = _month_name_date(where, words, today)
    if named is not None:
        found.append(UrlDate(named, "day", MONTH_NAME_WEIGHT, "month name in the path"))
    compact = _compact_date(where, today)
    if compact is not None:
        found.append(compact)
    if not found:
        month = _year_month(where, today)
        if month is not None:
            found.append(UrlDate(month, "month", MONTH_WEIGHT, "year and month in the path"))
    return found


def _sane(day: date, today: date) -> bool:
    return day.year >= EARLIEST_URL_YEAR and day <= today


def _full_date(where: str, today: date) -> date | None:
    options = Extractor(
        extensive=False,
        max=datetime.combine(today, time.max),
        min=datetime(EARLIEST_URL_YEAR, 1, 1),
        original=True,
        format="%Y-%m-%d",
    )
    # htmldate's pattern needs a non-digit before the year: the path always starts with "/".
    value = extract_url_date(where, options)
    if value is None:
        return None
    found = date.fromisoformat(value)
    return found if _sane(found, today) else None


def _month_name_date(where: str, words: TimeWords, today: date) -> date | None:
    for match in _month_name_pattern(words).finditer(where):
        month = words.month_number(match[2])
        if month is None:
            continue
        try:
            found = date(int(match[1]), month, int(match[3]))
        except ValueError:
            continue
        if _sane(found, today):
            return found
    return None


@cache
def _month_name_pattern(words: TimeWords) -> re.Pattern[str]:
    names = "|".join(
        sorted({*words.months, *words.month_abbreviations}, key=lambda w: (-len(w), w))
    )
    return re.compile(rf"[/_-]((?:19|20)\d\d)[/_-]({names})[/_-](\d{{1,2}})(?!\d)", re.IGNORECASE)


def _compact_date(where: str, today: date) -> UrlDate | None:
    """`yyyymmdd` standing alone, or at the head of a longer number (an id or a query key)."""
    for match in _COMPACT.finditer(where):
        try:
            found = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        if not _sane(found, today):
            continue
        tail = match[4]
        if not tail:
            return UrlDate(found, "day", COMPACT_WEIGHT, "yyyymmdd in the address")
        if _clock(tail[:6]):
            return UrlDate(found, "day", COMPACT_WEIGHT, "yyyymmddhhmmss in the address")
        return UrlDate(found, "day", SERIAL_WEIGHT, "yyyymmdd at the head of a serial number")
    return None


def _clock(digits: str) -> bool:
    if len(digits) < 6:
        return False
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    return hours < 24 and minutes < 60 and seconds < 60


def _year_month(where: str, today: date) -> date | None:
    for match in _YEAR_MONTH.finditer(where):
        month = int(match[2])
        if 1 <= month <= 12:
            found = date(int(match[1]), month, 1)
            if _sane(found, today):
                return found
    return None
