"""The filters every reading command and the Python API share: calendar-checked date bounds and
the event filter of the exports.

A date bound is YYYY, YYYY-MM or YYYY-MM-DD naming a real day, month or year ("2025-02-30" and
"2025-13" are refused), or words dateparser reads that name a year ("June 2025" is "2025-06";
"last week" is refused: a bound means the same tomorrow). It is returned as an ISO partial date,
its precision in its length. A range must be ordered: `until` may not end before `since` starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from peninsula.errors import SettingsError
from peninsula.records import Modality, PartialDate

__all__ = [
    "MODALITIES",
    "EventFilter",
    "compare_on_prefix",
    "date_bound",
    "date_range",
    "month_span",
]

MODALITIES: tuple[str, ...] = get_args(Modality)
_NUMERIC = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")  # words must name the year: no "June", "last week"


def date_bound(value: str, label: str = "date") -> str:
    """`value` as an ISO partial date; SettingsError (naming `--label`) when it is no date."""
    text = value.strip()
    if _NUMERIC.match(text):
        found = PartialDate.parse(_padded(text))
        if found is None:
            raise SettingsError(f"--{label}: {value!r} is not a calendar date")
        return found.iso
    if _YEAR.search(text) and not text.isdigit():
        read = _words_date(text)
        if read is not None:
            return read
    raise SettingsError(
        f"--{label} must be YYYY, YYYY-MM, YYYY-MM-DD or a date like 'June 2025', got {value!r}"
    )


def compare_on_prefix(value: str, bound: str) -> int:
    """Compare two ISO (partial) dates on their common prefix: -1, 0 or 1 ("2025" is within
    "2025-10", so a year-dated row is kept by a month bound)."""
    n = min(len(value), len(bound))
    a, b = value[:n], bound[:n]
    return (a > b) - (a < b)


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Both bounds checked; SettingsError when `until` ends before `since` starts."""
    low = date_bound(since, "since") if since is not None else None
    high = date_bound(until, "until") if until is not None else None
    if low is not None and high is not None:
        start, end = PartialDate.parse(low), PartialDate.parse(high)
        if start is not None and end is not None and end.last_day() < start.first_day():
            raise SettingsError(f"--until {until} is before --since {since}")
    return low, high


def _padded(text: str) -> str:
    parts = text.split("-")
    return "-".join([parts[0], *(p.zfill(2) for p in parts[1:])])


def _words_date(text: str) -> str | None:
    from dateparser.date import DateDataParser  # dateparser loads its languages on first use

    parser = DateDataParser(languages=["en"], settings={"PARSERS": ["absolute-time"]})
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    precision = {"year": "year", "month": "month"}.get(data.period or "day", "day")
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    if precision == "day" and data.date_obj.day not in numbers:
        return None  # a day the text does not name ("Q3 2025"): a guess, not a reading
    return PartialDate.of(data.date_obj.date(), precision).iso  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which merged events an export or a query keeps.

    `since`/`until`: date bounds (see `date_bound`), compared on the common prefix, so a
    year-dated event is kept by `since="2025-09"`; with either, undated events are left out.
    `actor`: an id, name or alias; a state also matches its people and bodies on the event's
    date. `code`: a CAMEO code or prefix ("03" keeps 030 to 039). `category`: a PLOVER event type
    (any case). `modality`: actual, pledged, hypothetical or negated. `pair`: two actors (ids,
    names or aliases), the event between them either way, a state again counting its people.
    """

    since: str | None = None
    until: str | None = None
    actor: str | None = None
    code: str | None = None
    category: str | None = None
    modality: str | None = None
    pair: tuple[str, str] | None = None

    def checked(self) -> EventFilter:
        """The filter with its dates normalised; SettingsError for a bad value."""
        since, until = date_range(self.since, self.until)
        if self.code is not None and not re.fullmatch(r"\d{2,4}", self.code.strip()):
            raise SettingsError(f"--code must be a CAMEO code of 2 to 4 digits, got {self.code!r}")
        if self.modality is not None and self.modality not in MODALITIES:
            raise SettingsError(
                f"--modality must be one of {', '.join(MODALITIES)}, got {self.modality!r}"
            )
        return EventFilter(
            since=since,
            until=until,
            actor=self.actor,
            code=self.code.strip() if self.code is not None else None,
            category=self.category.strip().upper() if self.category else None,
            modality=self.modality,
            pair=self.pair,
        )


def month_span(months: Sequence[str]) -> list[str]:
    """Every calendar month from the first to the last of `months` (YYYY-MM), in order: the
    axis of a monthly chart (the report's and the web app's)."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
