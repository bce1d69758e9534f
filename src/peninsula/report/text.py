"""How the report words things: periods of the timeline, sources, evidence and wordings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from urllib.parse import urlsplit

from peninsula.query import Evidence, TimelineRow

__all__ = ["Period", "Source", "by_period", "distinct", "is_web", "source_of", "tidy_quotes"]

_QUOTES = "\"“”„«»‘’'"
_OPENING = "\"“„«‘'"
_CLOSING = "\"”»’'"


@dataclass(frozen=True, slots=True)
class Period:
    """One month (or a year, for facts dated only to it, or "undated") of the timeline."""

    label: str
    anchor: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from, fit to print in a shared report: a web address as a link,
    a local file by its name only (never the folder it sat in on the builder's machine)."""

    label: str
    href: str | None


_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def _period(row: TimelineRow) -> str:
    if not row.date:
        return "undated"
    week = _WEEK.match(row.date)
    if week:  # a week counts in the month of its Thursday, as ISO weeks count in years
        try:
            return date.fromisocalendar(int(week[1]), int(week[2]), 4).isoformat()[:7]
        except ValueError:
            return row.date[:4]
    return row.date[:7] if len(row.date) >= 7 and row.date[5:7].isdigit() else row.date[:4]


def by_period(rows: Iterable[TimelineRow]) -> list[Period]:
    """The rows cut into months (a year alone before its months, undated last), each month's
    rows in the order given."""
    groups: dict[str, list[TimelineRow]] = {}
    for row in rows:
        groups.setdefault(_period(row), []).append(row)
    ordered = sorted(groups, key=lambda label: (label == "undated", label))
    return [Period(label, f"period-{label}", tuple(groups[label])) for label in ordered]


def is_web(value: str | None) -> bool:
    return bool(value) and urlsplit(str(value)).scheme in ("http", "https")


def source_of(path: str | None, url: str | None) -> Source:
    if url and is_web(url):
        return Source(url, url)
    if path and is_web(path):
        return Source(path, path)
    if path:
        return Source(PurePath(path.split("#", 1)[0]).name or "local file", None)
    return Source("unknown", None)


def distinct(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Each sentence once: a merged fact often holds several reports of one sentence (both
    directions of a meeting, a pledge and its signing)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for e in evidence:
        key = (e.document_id, " ".join(e.sentence.split()))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def tidy_quotes(text: str) -> str:
    """Squash white space and drop a quotation mark left open or closed at either end by the
    cut that made the wording (an even, matched pair stays)."""
    text = " ".join(str(text).split())
    for _ in range(2):
        marks = sum(text.count(q) for q in _QUOTES if q != "'")
        if marks % 2 == 0:
            break
        if text[:1] in _OPENING and text[:1] != "'":
            text = text[1:].lstrip()
        elif text[-1:] in _CLOSING and text[-1:] != "'":
            text = text[:-1].rstrip()
        else:
            break
    return text
