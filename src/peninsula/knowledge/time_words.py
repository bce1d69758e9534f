"""The time vocabulary (`data/time_words.yaml`): month, weekday and season names, numbers, units,
modifiers, tense cues, holidays, date labels and the words that make a title not current.

One reader for the YAML file, with line numbers, so every error is a DataFileError naming the
line that is wrong. The time-expression tagger, the document reader (datelines, date lines) and
the publication-date resolver all take their words from the `TimeWords` built here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from peninsula.errors import DataFileError

MODS = frozenset(
    ["START", "MID", "END", "APPROX", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER",
     "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE"]
)  # fmt: skip
UNITS = frozenset(["S", "MIN", "H", "D", "W", "FORTNIGHT", "M", "Q", "Y", "DE", "CE", "ML"])
SEASON_CODES = ("WI", "SP", "SU", "FA")  # order within a year: winter belongs to its January
REFERENCES = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})


@dataclass(frozen=True, slots=True, eq=False)
class TimeWords:
    """Every word list of `time_words.yaml`, validated. Compared and hashed by identity, so
    patterns built from it can be cached per vocabulary."""

    months: Mapping[str, int]
    month_abbreviations: Mapping[str, int]
    weekdays: Mapping[str, int]  # ISO weekday, Monday = 1
    weekday_abbreviations: Mapping[str, int]
    seasons: Mapping[str, str]
    season_of_month: Mapping[int, str]
    parts_of_day: Mapping[str, str]
    numbers: Mapping[str, int]
    vague_numbers: frozenset[str]
    ordinals: Mapping[str, int]
    units: Mapping[str, str]  # singular and plural word -> unit code
    plurals: frozenset[str]
    frequency_words: Mapping[str, str]
    date_modifiers: Mapping[str, str]
    quantity_modifiers: Mapping[str, str]
    relative_words: Mapping[str, int]
    day_words: Mapping[str, int]
    reference_words: Mapping[str, str]
    holidays: Mapping[str, tuple[int, int]]
    future_cues: frozenset[str]
    past_cues: frozenset[str]
    date_cues: frozenset[str]
    possessives: frozenset[str]
    number_nouns: frozenset[str]
    time_zones: frozenset[str]
    clock_words: Mapping[str, str]
    future_auxiliaries: frozenset[str]
    future_verbs: frozenset[str]
    span_cues: frozenset[str]
    reference_prepositions: frozenset[str]
    name_determiners: frozenset[str]
    future_prepositions: frozenset[str]
    present_cues: frozenset[str]
    passive_auxiliaries: frozenset[str]
    anaphoric_words: Mapping[str, int]
    span_prepositions: frozenset[str]
    neutral_date_labels: frozenset[str]
    publication_labels: frozenset[str]
    update_labels: frozenset[str]
    stamp_words: frozenset[str]
    weekday_cues: frozenset[str]
    role_negators: frozenset[str]
    past_role_cues: frozenset[str]
    bounding_words: frozenset[str]
    simultaneity_words: frozenset[str]

    @property
    def date_labels(self) -> frozenset[str]:
        """Every label a date may carry: neutral, publication and update labels."""
        return self.neutral_date_labels | self.publication_labels | self.update_labels

    def month_number(self, word: str) -> int | None:
        """ "August", "Aug.", "sept" -> the month's number; None for any other word."""
        key = word.lower().rstrip(".")
        return self.months.get(key) or self.month_abbreviations.get(key)


class _Reader:
    """Reads the YAML sections with line numbers, so an error names the line that is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
            self.data: Any = yaml.safe_load(text)
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(path, None, f"cannot read ({exc})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise DataFileError(path, line, f"malformed YAML ({exc})") from None
        if not isinstance(self.data, dict) or not isinstance(root, yaml.MappingNode):
            raise DataFileError(path, 1, "expected a mapping of sections")
        self.lines: dict[tuple[str, str], int] = {}
        for key_node, value_node in root.value:
            section = str(key_node.value)
            self.lines[(section, "")] = key_node.start_mark.line + 1
            self._index(section, value_node)

    def _index(self, section: str, node: yaml.Node) -> None:
        """Line of each entry; a word listed twice is an error (YAML would keep the last)."""
        if isinstance(node, yaml.MappingNode):
            entries = [key for key, _ in node.value]
        elif isinstance(node, yaml.SequenceNode):
            entries = list(node.value)
        else:
            return
        for entry in entries:
            key = str(entry.value)
            if (section, key) in self.lines:
                line = entry.start_mark.line + 1
                raise DataFileError(self.path, line, f"{section}: {key!r} is listed twice")
            self.lines[(section, key)] = entry.start_mark.line + 1

    def fail(self, section: str, key: str, message: str) -> DataFileError:
        line = self.lines.get((section, key)) or self.lines.get((section, ""))
        return DataFileError(self.path, line, f"{section}: {message}")

    def mapping(self, section: str, check: Callable[[Any], bool], what: str) -> dict[str, Any]:
        raw = self.data.get(section)
        if not isinstance(raw, dict) or not raw:
            raise self.fail(section, "", "missing or empty mapping")
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not key.strip():
                raise self.fail(section, str(key), f"key {key!r} is not a word")
            if not check(value):
                raise self.fail(section, key, f"{key!r}: {value!r} is not {what}")
            out[key.strip().lower()] = value
        return out

    def words(self, section: str) -> frozenset[str]:
        raw = self.data.get(section)
        if not isinstance(raw, list) or not raw:
            raise self.fail(section, "", "missing or empty list")
        for item in raw:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(section, str(item), f"{item!r} is not a word")
        return frozenset(w.strip().lower() for w in raw)


def _int_in(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _one_of(allowed: Iterable[str]) -> Callable[[Any], bool]:
    options = frozenset(allowed)
    return lambda v: isinstance(v, str) and v in options


def _matches(pattern: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and re.fullmatch(pattern, v) is not None


def _month_day(value: str) -> tuple[int, int]:
    month, day = (int(p) for p in value.split("-"))
    return month, day


def _valid_month_day(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d\d-\d\d", value):
        return False
    try:
        date(2000, *_month_day(value))  # 2000 is a leap year: Feb 29 stays possible
    except ValueError:
        return False
    return True


def _season_of_month(r: _Reader) -> dict[int, str]:
    season_months = r.mapping(
        "season_months",
        lambda v: isinstance(v, list) and all(_int_in(1, 12)(m) for m in v),
        "a list of month numbers",
    )
    season_of_month: dict[int, str] = {}
    for code, months in season_months.items():
        if code.upper() not in SEASON_CODES:
            raise r.fail("season_months", code, f"unknown season code {code!r}")
        for month in months:
            season_of_month[month] = code.upper()
    if sorted(season_of_month) != list(range(1, 13)):
        raise r.fail("season_months", "", "every month must belong to exactly one season")
    return season_of_month


def _unit_words(r: _Reader) -> tuple[dict[str, str], frozenset[str]]:
    """Unit words (singular and plural) -> unit code, and the plural words."""
    units = r.mapping("units", _one_of(UNITS), f"one of {sorted(UNITS)}")
    plurals = r.mapping("unit_plurals", _matches(r"[a-z]+"), "a plural word")
    for word in plurals:
        if word not in units:
            raise r.fail("unit_plurals", word, f"{word!r} is not in units")
    unit_words = dict(units)
    plural_words = frozenset(plurals.get(w, w + "s") for w in units)
    unit_words.update({plurals.get(w, w + "s"): code for w, code in units.items()})
    return unit_words, plural_words


def load_time_words(path: Path) -> TimeWords:
    r = _Reader(path)
    units, plurals = _unit_words(r)
    mods = _one_of(MODS | {""})
    month_number = _int_in(1, 12)
    weekday_number = _int_in(1, 7)
    return TimeWords(
        months=_freeze(r.mapping("months", month_number, "a month number")),
        month_abbreviations=_freeze(
            r.mapping("month_abbreviations", month_number, "a month number")
        ),
        weekdays=_freeze(r.mapping("weekdays", weekday_number, "an ISO weekday number")),
        weekday_abbreviations=_freeze(
            r.mapping("weekday_abbreviations", weekday_number, "an ISO weekday number")
        ),
        seasons=_freeze(r.mapping("seasons", _one_of(SEASON_CODES), "a season code")),
        season_of_month=MappingProxyType(_season_of_month(r)),
        parts_of_day=_freeze(r.mapping("parts_of_day", _matches(r"[A-Z]{2}"), "a day-part code")),
        numbers=_freeze(r.mapping("numbers", _int_in(1, 1000), "a whole number")),
        vague_numbers=r.words("vague_numbers"),
        ordinals=_freeze(r.mapping("ordinals", _int_in(-1, 100), "an ordinal value")),
        units=MappingProxyType(units),
        plurals=plurals,
        frequency_words=_freeze(
            r.mapping("frequency_words", _matches(r"PT?\d+[A-Z]"), "a TIMEX3 period")
        ),
        date_modifiers=_freeze(r.mapping("date_modifiers", mods, "a TIMEX3 mod or ''")),
        quantity_modifiers=_freeze(r.mapping("quantity_modifiers", mods, "a TIMEX3 mod")),
        relative_words=_freeze(r.mapping("relative_words", _int_in(-1, 1), "-1, 0 or 1")),
        day_words=_freeze(r.mapping("day_words", _int_in(-7, 7), "a day offset")),
        reference_words=_freeze(
            r.mapping("reference_words", _one_of(REFERENCES), "a TIMEX3 reference")
        ),
        holidays=MappingProxyType(
            {
                k: _month_day(v)
                for k, v in r.mapping("holidays", _valid_month_day, "an MM-DD day").items()
            }
        ),
        future_cues=r.words("future_cues"),
        past_cues=r.words("past_cues"),
        date_cues=r.words("date_cues"),
        possessives=r.words("possessives"),
        number_nouns=r.words("number_nouns"),
        time_zones=r.words("time_zones"),
        clock_words=_freeze(
            r.mapping("clock_words", _matches(r"([01]\d|2[0-4]):[0-5]\d"), "an HH:MM time")
        ),
        future_auxiliaries=r.words("future_auxiliaries"),
        future_verbs=r.words("future_verbs"),
        span_cues=r.words("span_cues"),
        reference_prepositions=r.words("reference_prepositions"),
        name_determiners=r.words("name_determiners"),
        future_prepositions=r.words("future_prepositions"),
        present_cues=r.words("present_cues"),
        passive_auxiliaries=r.words("passive_auxiliaries"),
        anaphoric_words=_freeze(r.mapping("anaphoric_words", _int_in(-1, 1), "-1, 0 or 1")),
        span_prepositions=r.words("span_prepositions"),
        neutral_date_labels=r.words("neutral_date_labels"),
        publication_labels=r.words("publication_labels"),
        update_labels=r.words("update_labels"),
        stamp_words=r.words("stamp_words"),
        weekday_cues=r.words("weekday_cues"),
        role_negators=r.words("role_negators"),
        past_role_cues=r.words("past_role_cues"),
        bounding_words=r.words("bounding_words"),
        simultaneity_words=r.words("simultaneity_words"),
    )


def _freeze(mapping: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(mapping)
