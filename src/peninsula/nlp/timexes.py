"""Time expressions: find them with regular expressions, normalise them to TIMEX3 values.

The design follows HeidelTime's: one rule per family of expressions (a regular expression plus a
normalisation function), every rule run over the text, and the longest match wins where rules
overlap. Relative expressions ("last year", "on Thursday", "in August") resolve against the
publication date, the anchor. Where the direction is ambiguous (a weekday, a month without a
year) the tense of the governing verb decides: the spaCy parse when one is given, otherwise the
nearest tense cue word in the sentence. Anaphoric expressions ("the next day", "the following
year", "that month") count from the last date the text mentioned, as HeidelTime does for
narratives; "over the following decade" is a span (DURATION) whatever it counts from.

The vocabulary (month, weekday and season names, numbers, units, modifiers, relative and cue
words, holidays) lives in `data/time_words.yaml`; the code holds the shapes of expressions and
their structural words ("ago", "every", "per", "of", "the").

Direction: the past tense takes the last occurrence not after the anchor ("said on Thursday", "in
August"), the future the first not before it, anything else the nearest one.

Conventions (TimeML 1.2.1 / TimeBank):
- "last week" and "the last week" are the previous calendar week (DATE); "the next decade",
  "the coming year" and "the past three years" are spans (DURATION);
- a decade or century with a count is written in years ("a decade" -> P10Y); without a count it
  keeps its unit ("decades" -> PXDE); "the 1950s" -> 195, "the 20th century" -> 19;
- winter belongs to the year of its January, and seasons are ordered WI, SP, SU, FA in a year;
- a modifier ("early", "almost") is part of the extent and sets `mod`; "the" is part of relative
  expressions ("the last week", "the next decade", "the past three years"), not of names of
  periods ("the 1990s", "the 20th century", "the 2012 vote");
- a month and day used as a name ("the Sept. 19 agreement") takes the year stated in the same
  sentence ("signed in 2018"); without one, its year is left unknown (XXXX-09-19): the name of an
  event says nothing about the year of publication.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

import yaml
from spacy.tokens import Doc, Token

from peninsula.errors import DataFileError
from peninsula.records import Timex, TimexType

# --------------------------------------------------------------------------------------------
# Vocabulary: loaded and validated once, at import.

_MODS = frozenset(
    ["START", "MID", "END", "APPROX", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER",
     "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE"]
)  # fmt: skip
_UNITS = frozenset(["S", "MIN", "H", "D", "W", "FORTNIGHT", "M", "Q", "Y", "DE", "CE", "ML"])
_SEASON_CODES = ("WI", "SP", "SU", "FA")  # order within a year: winter belongs to its January
_REFERENCES = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})


@dataclass(frozen=True, slots=True)
class _Vocab:
    months: Mapping[str, int]
    month_abbreviations: Mapping[str, int]
    weekdays: Mapping[str, int]
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


def _data_path() -> Path:
    return Path(str(resources.files("peninsula") / "data" / "time_words.yaml"))


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
    month, day = _month_day(value)
    return _date(2000, month, day) is not None


def _load_vocab(path: Path) -> _Vocab:
    r = _Reader(path)
    season_months = r.mapping(
        "season_months",
        lambda v: isinstance(v, list) and all(_int_in(1, 12)(m) for m in v),
        "a list of month numbers",
    )
    season_of_month: dict[int, str] = {}
    for code, months in season_months.items():
        if code.upper() not in _SEASON_CODES:
            raise r.fail("season_months", code, f"unknown season code {code!r}")
        for month in months:
            season_of_month[month] = code.upper()
    if sorted(season_of_month) != list(range(1, 13)):
        raise r.fail("season_months", "", "every month must belong to exactly one season")
    units = r.mapping("units", _one_of(_UNITS), f"one of {sorted(_UNITS)}")
    plurals = r.mapping("unit_plurals", _matches(r"[a-z]+"), "a plural word")
    for word in plurals:
        if word not in units:
            raise r.fail("unit_plurals", word, f"{word!r} is not in units")
    unit_words = dict(units)
    plural_words = {plurals.get(w, w + "s") for w in units}
    unit_words.update({plurals.get(w, w + "s"): code for w, code in units.items()})
    mods = _one_of(_MODS | {""})
    return _Vocab(
        months=_freeze(r.mapping("months", _int_in(1, 12), "a month number")),
        month_abbreviations=_freeze(
            r.mapping("month_abbreviations", _int_in(1, 12), "a month number")
        ),
        weekdays=_freeze(r.mapping("weekdays", _int_in(1, 7), "an ISO weekday number")),
        seasons=_freeze(r.mapping("seasons", _one_of(_SEASON_CODES), "a season code")),
        season_of_month=MappingProxyType(season_of_month),
        parts_of_day=_freeze(r.mapping("parts_of_day", _matches(r"[A-Z]{2}"), "a day-part code")),
        numbers=_freeze(r.mapping("numbers", _int_in(1, 1000), "a whole number")),
        vague_numbers=r.words("vague_numbers"),
        ordinals=_freeze(r.mapping("ordinals", _int_in(-1, 100), "an ordinal value")),
        units=MappingProxyType(unit_words),
        plurals=frozenset(plural_words),
        frequency_words=_freeze(
            r.mapping("frequency_words", _matches(r"PT?\d+[A-Z]"), "a TIMEX3 period")
        ),
        date_modifiers=_freeze(r.mapping("date_modifiers", mods, "a TIMEX3 mod or ''")),
        quantity_modifiers=_freeze(r.mapping("quantity_modifiers", mods, "a TIMEX3 mod")),
        relative_words=_freeze(r.mapping("relative_words", _int_in(-1, 1), "-1, 0 or 1")),
        day_words=_freeze(r.mapping("day_words", _int_in(-7, 7), "a day offset")),
        reference_words=_freeze(
            r.mapping("reference_words", _one_of(_REFERENCES), "a TIMEX3 reference")
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
    )


def _freeze(mapping: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(mapping)


# --------------------------------------------------------------------------------------------
# Regular expressions built from the vocabulary.


def _alt(words: Iterable[str]) -> str:
    """An alternation, longest first (so "Sept" wins over "Sep"), spaces and apostrophes loose."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    branches = "|".join(
        re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]").replace(r"\-", "[-\\s]?")
        for w in ordered
    )
    # Checking the first character before trying every branch makes the rules several times
    # faster: the engine gives up at once at the many positions where no word can start.
    first = "".join(sorted({re.escape(w[0]) for w in ordered}))
    return f"(?=[{first}])(?:{branches})"


def _ci(words: Iterable[str]) -> str:
    """Case-insensitive alternation (scoped flag: month names elsewhere stay case-sensitive)."""
    return f"(?i:{_alt(words)})"


def _capitalised(words: Iterable[str]) -> str:
    """Capitalised or upper-case forms only: "may" and "march" in lower case are verbs."""
    forms = [f for w in words for f in (w.capitalize(), w.upper())]
    return f"(?:{_alt(forms)})"


@dataclass(frozen=True, slots=True)
class _Pieces:
    """Pattern fragments shared by the rules. Named groups are added by each rule."""

    month: str  # full month names
    month_any: str  # full names or abbreviations ("Sept.", "Jan")
    weekday: str
    day: str
    year: str
    num: str
    unit: str
    unit_plural: str
    rel: str
    dmod: str
    qmod: str
    pod: str
    season: str
    zone: str


def _pieces(v: _Vocab) -> _Pieces:
    tens = [w for w, n in v.numbers.items() if n % 10 == 0 and 20 <= n <= 90]
    ones = [w for w, n in v.numbers.items() if 1 <= n <= 9 and w.isalpha() and len(w) > 2]
    word_number = f"(?:{_alt(tens)})(?:[-\\s](?:{_alt(ones)}))?|{_alt(v.numbers)}"
    digits = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
    initials = {w[0] for w in [*v.numbers, *v.vague_numbers]}
    letters = "".join(sorted({c for i in initials for c in (i.lower(), i.upper())}))
    abbreviations = _capitalised(v.month_abbreviations)
    return _Pieces(
        month=_capitalised(v.months) + r"\b",
        month_any=rf"(?:{_capitalised(v.months)}\b|{abbreviations}\b\.?)",
        weekday=_capitalised(v.weekdays) + r"\b",
        day=r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![:.,]?\d)",
        year=r"(?:1\d{3}|20\d\d|21\d\d)\b(?![.,:]\d)",
        num=f"(?=[\\d{letters}])(?:{digits}|(?i:{word_number}|{_alt(v.vague_numbers)}))",
        unit=_ci(v.units) + r"\b",
        unit_plural=_ci(v.plurals) + r"\b",
        rel=_ci(v.relative_words),
        dmod=f"(?:(?P<dmod>{_ci(v.date_modifiers)})(?:\\s*-\\s*|\\s+))?",
        qmod=f"(?:(?P<qmod>{_ci(v.quantity_modifiers)})\\s+)?",
        pod=_ci(v.parts_of_day) + r"\b",
        season=_ci(v.seasons) + r"\b",
        zone=_ci(v.time_zones) + r"\b",
    )


# --------------------------------------------------------------------------------------------
# The anchor and the context of one text.


@dataclass(frozen=True, slots=True)
class _Anchor:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return _date(self.year, self.month, self.day)


def _parse_anchor(anchor: str | None) -> _Anchor:
    """ "2026-01-21", "2026-01" or "2026"; anything else is no anchor at all."""
    if not anchor:
        return _Anchor()
    found = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", anchor.strip())
    if not found:
        return _Anchor()
    year, month, day = (int(g) if g else None for g in found.groups())
    if month is not None and not 1 <= month <= 12:
        return _Anchor(year)
    if day is not None and year is not None and month is not None and not _date(year, month, day):
        return _Anchor(year, month)
    return _Anchor(year, month, day)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


PAST, PRESENT, FUTURE = -1, 0, 1


class _Context:
    """The text, its anchor, its optional parse, and the tenses found so far."""

    def __init__(self, text: str, anchor: _Anchor, doc: Doc | None, vocab: _Vocab) -> None:
        self.text = text
        self.anchor = anchor
        self.doc = doc
        self.vocab = vocab
        self._tenses: dict[tuple[int, int], int] = {}
        self._bounds: list[int] | None = None

    def word_before(self, start: int, count: int = 1) -> str:
        """The `count` words before `start`, lower case ("" at the start of the text)."""
        words = re.findall(r"[\w'’-]+|[^\w\s]", self.text[max(0, start - 60) : start])
        return " ".join(words[-count:]).lower()

    def after(self, end: int, length: int = 40) -> str:
        return self.text[end : end + length]

    def sentence(self, position: int) -> tuple[int, int]:
        bounds = self._sentence_bounds()
        start = max((b for b in bounds if b <= position), default=0)
        end = min((b for b in bounds if b > position), default=len(self.text))
        return start, end

    def _sentence_bounds(self) -> list[int]:
        if self._bounds is None:
            if self.doc is not None and self.doc.has_annotation("SENT_START"):
                self._bounds = [s.start_char for s in self.doc.sents]
            else:
                # A full stop before a capital, or a line break; "Sept. 19" does not split.
                self._bounds = [0] + [
                    m.end() for m in re.finditer(r"[.!?][\"'”’]?\s+(?=[\"“A-Z])|\n+", self.text)
                ]
        return self._bounds

    def tense(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._tenses:
            parsed = self._parsed_tense(start, end) if self.doc is not None else None
            self._tenses[key] = parsed if parsed is not None else self._cue_tense(start, end)
        return self._tenses[key]

    def _parsed_tense(self, start: int, end: int) -> int | None:
        assert self.doc is not None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        path = _path_to_verb(span.root)
        if not path:
            return None
        verb = path[-1]
        tense = _verb_tense(verb, self.vocab)
        until = any(t.lower_ in self.vocab.future_prepositions for t in path)
        perfect = any(c.lower_ in ("has", "have", "'ve") for c in verb.children)
        if until and (perfect or tense != PAST):
            return FUTURE  # "has been postponed until 15:00 GMT Saturday"; not "held until"
        return tense

    def _cue_tense(self, start: int, end: int) -> int:
        """The tense of the nearest cue word in the sentence; present when there is none."""
        s_start, s_end = self.sentence(start)
        best: tuple[int, int] | None = None
        previous = ""
        for found in re.finditer(r"[\w'’]+(?:\s+to)?", self.text[s_start:s_end]):
            word = found.group().lower().replace("’", "'")
            tense = self._cue(word, previous)
            previous = word.split()[0]
            where = s_start + found.start()
            if tense is None or start <= where < end:
                continue
            distance = start - where if where < start else where - end
            if best is None or distance < best[0]:
                best = (distance, tense)
        return best[1] if best else PRESENT

    def _cue(self, word: str, previous: str) -> int | None:
        first = word.split()[0]
        if word in self.vocab.future_cues or first in self.vocab.future_cues:
            return FUTURE
        if first in self.vocab.present_cues:
            return PRESENT  # "may", "can": possible, so the nearest occurrence
        if first in self.vocab.past_cues:
            return PAST
        if _regular_past(first) and previous not in self.vocab.passive_auxiliaries:
            return PAST  # "signed", but not "may be signed"
        return None


def _regular_past(word: str) -> bool:
    """ "pledged", "signed": a regular past form (not "need", "speed", "red")."""
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def _path_to_verb(token: Token) -> list[Token]:
    """The tokens from `token` up to the verb that governs it (empty when there is none)."""
    path = [token]
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            return path
        if token.head is token:
            return []
        token = token.head
        path.append(token)
    return []


def _verb_tense(verb: Token, vocab: _Vocab) -> int | None:
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_.replace("’", "'") for a in aux}
    if verb.dep_ == "conj" and not aux and verb.head.pos_ in ("VERB", "AUX"):
        return _verb_tense(verb.head, vocab)  # "will begin Monday and run through March 19"
    if words & vocab.future_auxiliaries:
        return FUTURE
    if any(a.tag_ == "TO" for a in aux):  # "to run", "to be published"
        # An infinitive is still to come after a noun ("the program to run through June") or
        # a verb of planning; otherwise it shares the tense of the verb it complements.
        head = verb.head
        if head.i == verb.i:  # spaCy builds a new Token each time: compare positions
            return FUTURE  # headline style: "Markets to remain closed on Monday"
        if head.lemma_.lower() in vocab.future_verbs or head.pos_ in ("NOUN", "PROPN", "ADJ"):
            return FUTURE
        # After any other verb it is later than that verb's event, not necessarily past.
        return FUTURE if _verb_tense(head, vocab) == FUTURE else PRESENT
    perfect = words & {"have", "has", "'ve"} and verb.tag_ == "VBN"
    if any(a.tag_ == "VBD" for a in aux) or perfect:
        return PAST  # "was held", "has met", "could have met"
    if any(a.tag_ in ("MD", "VBZ", "VBP") for a in aux):
        return PRESENT  # "may hold", "would visit", "is commemorated": nearest either way
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not aux):
        return PAST
    if verb.tag_ in ("VBZ", "VBP", "VBG", "VB", "MD"):
        return PRESENT
    return None


# --------------------------------------------------------------------------------------------
# Calendar arithmetic and value formatting.


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _season_index(anchor: _Anchor, vocab: _Vocab) -> tuple[int, int] | None:
    """(season-year, 0..3) of the anchor; December's winter belongs to the next year."""
    if anchor.year is None or anchor.month is None:
        return None
    code = vocab.season_of_month[anchor.month]
    year = anchor.year + 1 if code == "WI" and anchor.month >= 9 else anchor.year
    return year, _SEASON_CODES.index(code)


def _pick_year(target: int, current: int, year: int, tense: int, span: int) -> int:
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


def _number(text: str | None, vocab: _Vocab) -> float | None:
    """The count a number phrase gives; None for a vague one ("several")."""
    if text is None:
        return 1.0
    words = " ".join(text.lower().replace("’", "'").split())
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", words):
        return float(words.replace(",", ""))
    if words in vocab.vague_numbers:
        return None
    if words in vocab.numbers:
        return float(vocab.numbers[words])
    parts = re.split(r"[-\s]", words)
    if all(p in vocab.numbers for p in parts):
        return float(sum(vocab.numbers[p] for p in parts))
    return None


_SMALLER = {"Y": (12, "M"), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN"), "MIN": (60, "S")}
_IN_YEARS = {"DE": 10, "CE": 100, "ML": 1000}


def _duration(count: float | None, unit: str) -> str:
    """A TIMEX3 duration: P3Y, PT2H, P10Y for a decade, PXDE for decades."""
    if unit == "FORTNIGHT":
        count, unit = (None if count is None else count * 2), "W"
    if count is not None:
        if unit in _IN_YEARS:
            count, unit = count * _IN_YEARS[unit], "Y"
        elif unit == "Q":
            count, unit = count * 3, "M"
        while count != int(count) and unit in _SMALLER:
            factor, unit = _SMALLER[unit]
            count *= factor
    amount = "X" if count is None else _format_number(count)
    if unit in ("H", "MIN", "S"):
        return f"PT{amount}{'M' if unit == 'MIN' else unit}"
    return f"P{amount}{unit}"


def _format_number(count: float) -> str:
    return str(int(count)) if count == int(count) else f"{count:g}"


# --------------------------------------------------------------------------------------------
# Rules. Each normaliser returns a _Value, or None to reject the match.


@dataclass(frozen=True, slots=True)
class _Value:
    type: TimexType
    value: str
    mod: str | None = None
    anchored: bool = False
    shift: tuple[str, int] | None = None  # "the next day": (unit, count) from the last date
    needs_day: bool = False  # "10 a.m.": the day comes from a neighbour or the anchor


# A span that yields no time expression but wins over the rules inside it: an age ("a 20-year-old")
# or an impossible date ("February 31, 2025", which must not become "February" and "2025").
_BLOCK = _Value("DATE", "")

Normaliser: TypeAlias = Callable[[re.Match[str], _Context], _Value | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    normalise: Normaliser
    requires: re.Pattern[str] | None  # no match is possible unless this occurs in the text


# What a text must hold for a rule to have any chance: a cheap test that spares most articles the
# rarer rules (the structural words of the patterns, not vocabulary).
_REQUIRES = {
    "age": r"\bold\b|\bage",
    "iso": r"\d-\d",
    "numeric": r"\d/\d",
    "month_relative_year": r"year",
    "weekday_set": r"\b(?:every|each)\b|days\b",
    "anaphoric_day": r"\bday\b",
    "weekend": r"weekend",
    "quarter": r"quarter|half|\b[QH]\d",
    "decade": r"0['’]?s\b",
    "century": r"century",
    "ago": r"\bago\b",
    "every": r"\b(?:every|each|per)\b",
    "frequency": r"once|twice|thrice|times",
    "every_part": r"\b(?:every|each)\b",
    "year_range_end": r"\d[-–]\d",
    "lasting": r"-long",
    "half": r"half",
    "clock": r"\d\s*(?:[ap]\.?m|o['’]clock)",
    "clock24": r"\d:\d",
    "clock_zone": r"\d\d\d\d\s+[a-z]",
}


def _mod(m: re.Match[str], group: str, table: Mapping[str, str]) -> str | None:
    word = m.groupdict().get(group)
    if not word:
        return None
    key = " ".join(word.lower().replace("’", "'").split())
    return table.get(key) or None


def _dmod(m: re.Match[str], ctx: _Context) -> str | None:
    return _mod(m, "dmod", ctx.vocab.date_modifiers)


def _qmod(m: re.Match[str], ctx: _Context) -> str | None:
    return _mod(m, "qmod", ctx.vocab.quantity_modifiers)


def _month_number(word: str, vocab: _Vocab) -> int:
    key = word.lower().rstrip(".")
    return vocab.months.get(key) or vocab.month_abbreviations[key]


def _day_number(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def _unit_code(word: str, vocab: _Vocab) -> str:
    return vocab.units[word.lower()]


def _cued(ctx: _Context, start: int) -> bool:
    """Is the word before a cue that makes a bare month or season a date ("in August")?"""
    return ctx.word_before(start) in ctx.vocab.date_cues


# Dates with a month and a day.


def _full_date(m: re.Match[str], ctx: _Context) -> _Value | None:
    month = _month_number(m["mon"], ctx.vocab)
    day = _day_number(m["day"])
    if m["year"]:
        found = _date(int(m["year"]), month, day)
        return _Value("DATE", found.isoformat(), _dmod(m, ctx)) if found else _BLOCK
    return _yearless_day(m, ctx, month, day)


def _yearless_day(m: re.Match[str], ctx: _Context, month: int, day: int) -> _Value | None:
    if _date(2000, month, day) is None:  # 2000 is a leap year: Feb 29 stays possible
        return _BLOCK  # "Feb 30": a date in form, no day in fact
    if _name_like(m, ctx):
        stated = _year_in_sentence(ctx, m.start(), m.end())
        if stated is None:
            return _Value("DATE", f"XXXX-{month:02d}-{day:02d}", _dmod(m, ctx))
        found = _date(stated, month, day)
        return _Value("DATE", found.isoformat(), _dmod(m, ctx)) if found else _BLOCK
    anchor = ctx.anchor.date
    if anchor is None:
        year = ctx.anchor.year
        value = f"{year if year else 'XXXX'}-{month:02d}-{day:02d}"
        return _Value("DATE", value, _dmod(m, ctx), anchored=year is not None)
    tense = ctx.tense(m.start(), m.end())
    target = (month, day)
    current = (anchor.month, anchor.day)
    year = _pick_year_of_day(target, current, anchor.year, tense)
    found = _date(year, month, day)
    return _Value("DATE", found.isoformat(), _dmod(m, ctx), anchored=True) if found else _BLOCK


def _pick_year_of_day(
    target: tuple[int, int], current: tuple[int, int], year: int, tense: int
) -> int:
    """The year of a day of the year seen from the anchor's day, as `_pick_year` does."""
    if tense == PAST:
        return year if target <= current else year - 1
    if tense == FUTURE:
        return year if target >= current else year + 1
    here = date(year, *current)
    options = [y for y in (year - 1, year, year + 1) if _date(y, *target) is not None]
    return min(options, key=lambda y: abs((date(y, *target) - here).days), default=year)


def _name_like(m: re.Match[str], ctx: _Context) -> bool:
    """ "The Sept. 19 military agreement": a day after an article, before a word, is a name."""
    before = ctx.word_before(m.start()).replace("’", "'")
    if before not in ctx.vocab.name_determiners and not before.endswith("'s"):
        return False
    return re.match(r"\s+[A-Za-z]", ctx.after(m.end())) is not None and not m.groupdict().get(
        "year"
    )


_YEAR_IN_TEXT = re.compile(r"(?<![\w$#.,])(1[89]\d\d|20\d\d)(?![\w%]|[.,]\d)")


def _year_in_sentence(ctx: _Context, start: int, end: int) -> int | None:
    s_start, s_end = ctx.sentence(start)
    for found in _YEAR_IN_TEXT.finditer(ctx.text, s_start, s_end):
        if not start <= found.start() < end:
            return int(found.group(1))
    return None


def _iso_date(m: re.Match[str], ctx: _Context) -> _Value | None:
    found = _date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _Value("DATE", found.isoformat()) if found else _BLOCK


def _numeric_date(m: re.Match[str], ctx: _Context) -> _Value | None:
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    if year < 100:
        year += 2000 if year < 50 else 1900
    month, day = (first, second) if first <= 12 else (second, first)  # US order unless impossible
    found = _date(year, month, day)
    return _Value("DATE", found.isoformat()) if found else _BLOCK


def _month_year(m: re.Match[str], ctx: _Context) -> _Value | None:
    month = _month_number(m["mon"], ctx.vocab)
    return _Value("DATE", f"{int(m['year']):04d}-{month:02d}", _dmod(m, ctx))


def _month_relative_year(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "December last year", "August of next year"."""
    month = _month_number(m["mon"], ctx.vocab)
    offset = ctx.vocab.relative_words[m["rel"].lower()]
    if ctx.anchor.year is None:
        return _Value("DATE", f"XXXX-{month:02d}", _dmod(m, ctx))
    year = ctx.anchor.year + offset
    if m["day"]:
        found = _date(year, month, _day_number(m["day"]))
        return _Value("DATE", found.isoformat(), _dmod(m, ctx), True) if found else _BLOCK
    return _Value("DATE", f"{year}-{month:02d}", _dmod(m, ctx), anchored=True)


def _relative_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "last July": the last July before the anchor's month; "next July" the first after it."""
    month = _month_number(m["mon"], ctx.vocab)
    offset = ctx.vocab.relative_words[m["rel"].lower()]
    anchor = ctx.anchor
    if anchor.year is None or anchor.month is None:
        return _Value("DATE", f"XXXX-{month:02d}", _dmod(m, ctx))
    if offset < 0:
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif offset > 0:
        year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return _Value("DATE", f"{year}-{month:02d}", _dmod(m, ctx), anchored=True)


def _bare_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "in August": which August by tense; only after a cue word or a modifier ("late")."""
    if not m["dmod"] and not _cued(ctx, m.start()):
        return None
    month = _month_number(m["mon"], ctx.vocab)
    anchor = ctx.anchor
    if anchor.year is None:
        return _Value("DATE", f"XXXX-{month:02d}", _dmod(m, ctx))
    if anchor.month is None:
        return _Value("DATE", f"{anchor.year}-{month:02d}", _dmod(m, ctx), anchored=True)
    tense = ctx.tense(m.start(), m.end())
    year = _pick_year(month, anchor.month, anchor.year, tense, 12)
    return _Value("DATE", f"{year}-{month:02d}", _dmod(m, ctx), anchored=True)


# Weekdays, days and parts of days.


def _weekday_day(anchor: date, weekday: int, tense: int, offset: int | None) -> date:
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


def _weekday(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.word_before(m.start()) == "the" and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return None  # "the Sunday Times"
    weekday = ctx.vocab.weekdays[m["wd"].lower()]
    pod = ctx.vocab.parts_of_day[m["pod"].lower()] if m["pod"] else None
    kind: TimexType = "TIME" if pod else "DATE"
    suffix = f"T{pod}" if pod else ""
    anchor = ctx.anchor.date
    if anchor is None:
        return _Value(kind, f"XXXX-WXX-{weekday}{suffix}", _dmod(m, ctx))
    offset = ctx.vocab.relative_words[m["rel"].lower()] if m["rel"] else None
    day = _weekday_day(anchor, weekday, ctx.tense(m.start(), m.end()), offset)
    return _Value(kind, day.isoformat() + suffix, _dmod(m, ctx), anchored=True)


def _day_word(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "today", "yesterday morning", "tonight", "last night", "this morning"."""
    word = " ".join(m["dw"].lower().split())
    if word[0].isalpha() and m["dw"][0].isupper() and m.start() > 0 and _after_name(ctx, m):
        return None  # "USA Today"
    pod = ctx.vocab.parts_of_day.get(m["pod"].lower()) if m["pod"] else None
    offset = {"tonight": 0, "last": -1, "this": 0}.get(word)
    if offset is None:
        offset = ctx.vocab.day_words[word]
    if word == "tonight":
        pod = ctx.vocab.parts_of_day.get("night")
    elif word in ("last", "this") and pod is None:
        return None
    kind: TimexType = "TIME" if pod else "DATE"
    suffix = f"T{pod}" if pod else ""
    anchor = ctx.anchor.date
    if anchor is None:
        return _Value(kind, "XXXX-XX-XX" + suffix, _dmod(m, ctx))
    day = anchor + timedelta(days=offset)
    return _Value(kind, day.isoformat() + suffix, _dmod(m, ctx), anchored=True)


def _after_name(ctx: _Context, m: re.Match[str]) -> bool:
    before = ctx.text[max(0, m.start() - 30) : m.start()]
    return re.search(r"[A-Z][\w.]*\s+$", before) is not None and not re.search(
        r"[.!?:\"“]\s*$", before
    )


def _anaphoric_day(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "the next day", "the day before": a day from the last day mentioned."""
    word = (m["rel"] or m["rel2"] or "same").lower()
    shift = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1}.get(word, 0)
    if word == "before":
        shift = -1
    return _Value("DATE", "XXXX-XX-XX", anchored=True, shift=("D", shift))


def _weekend(m: re.Match[str], ctx: _Context) -> _Value | None:
    anchor = ctx.anchor.date
    if anchor is None:
        return _Value("DATE", "XXXX-WXX-WE")
    offset = ctx.vocab.relative_words[m["rel"].lower()] if m["rel"] else None
    saturday = _weekday_day(anchor, 6, ctx.tense(m.start(), m.end()), offset)
    return _Value("DATE", _iso_week(saturday) + "-WE", anchored=True)


# Years, decades, centuries, seasons, quarters.


def _year(m: re.Match[str], ctx: _Context) -> _Value | None:
    year = int(m["year"])
    if not _looks_like_year(m, ctx, year):
        return None
    return _Value("DATE", f"{year:04d}", _dmod(m, ctx))


def _looks_like_year(m: re.Match[str], ctx: _Context, year: int) -> bool:
    before = ctx.word_before(m.start())
    if before in ctx.vocab.number_nouns:
        return False  # "Resolution 2087"
    if m["dmod"] or before in ctx.vocab.date_cues:
        return 1000 <= year <= 2199
    latest = (ctx.anchor.year or 2030) + 30
    if not 1900 <= year <= latest:
        return False
    return not _counts_a_plural(m, ctx)


def _counts_a_plural(m: re.Match[str], ctx: _Context) -> bool:
    """ "2000 troops": a number before a plural noun is a count, not a year."""
    if ctx.doc is not None:
        span = ctx.doc.char_span(m.start("year"), m.end("year"), alignment_mode="expand")
        if span is not None and len(span) == 1:
            token = span[0]
            return token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS")
    return re.match(r"\s+[a-z]+[^s']s\b", ctx.after(m.end())) is not None


def _decade(m: re.Match[str], ctx: _Context) -> _Value | None:
    if m["dec4"]:
        return _Value("DATE", m["dec4"], _dmod(m, ctx))
    if ctx.word_before(m.start()) in ctx.vocab.possessives:
        return None  # "in his 50s" is an age
    digit = int(m["dec2"])
    anchor_year = ctx.anchor.year or 2000
    century = anchor_year // 100
    if digit * 10 > anchor_year % 100:
        century -= 1  # "the 90s" read in 2026 are the 1990s
    return _Value("DATE", f"{century:02d}{digit}", _dmod(m, ctx))


def _century(m: re.Match[str], ctx: _Context) -> _Value | None:
    if m["ord"]:
        number = ctx.vocab.ordinals.get(m["ord"].lower().replace(" ", "-"), 0)
    else:
        number = int(m["cnum"])
    if not 1 <= number <= 30:
        return None
    return _Value("DATE", f"{number - 1:02d}", _dmod(m, ctx))


def _season(m: re.Match[str], ctx: _Context) -> _Value | None:
    word = m["season"]
    code = ctx.vocab.seasons[word.lower()]
    if not _season_is_date(m, ctx):
        return None
    if m["year"]:
        return _Value("DATE", f"{int(m['year'])}-{code}", _dmod(m, ctx))
    current = _season_index(ctx.anchor, ctx.vocab)
    if current is None:
        year = ctx.anchor.year
        value = f"{year}-{code}" if year else f"XXXX-{code}"
        return _Value("DATE", value, _dmod(m, ctx), anchored=year is not None)
    target = _SEASON_CODES.index(code)
    year, index = current
    if m["rel"]:
        offset = ctx.vocab.relative_words[m["rel"].lower()]
        if offset < 0:
            year = year if target < index else year - 1
        elif offset > 0:
            year = year if target > index else year + 1
    else:
        year = _pick_year(target, index, year, ctx.tense(m.start(), m.end()), 4)
    return _Value("DATE", f"{year}-{code}", _dmod(m, ctx), anchored=True)


def _season_is_date(m: re.Match[str], ctx: _Context) -> bool:
    word = m["season"]
    if m["year"] or m["rel"]:
        return True
    if word[0].isupper() and m.start("season") > 0 and not m["the"] and not m["dmod"]:
        before = ctx.text[max(0, m.start("season") - 3) : m.start("season")]
        if not re.search(r"[.!?\n]\s*$", before):
            return False  # "Arab Spring"
    if re.match(r"\s+of\b", ctx.after(m.end())):
        return False  # "the fall of Saigon"
    if word[0].isupper() and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return False  # "the Spring Festival", "Summer Davos"
    if word.lower() == "fall":
        return bool(m["the"]) and ctx.word_before(m.start()) in ("in", "into", "until", "by")
    return bool(m["dmod"]) or _cued(ctx, m.start())


def _quarter(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "the first quarter of 2013", "Q3", "the second half of last year"."""
    part = (m["part"] or ("half" if m["h"] else "quarter")).lower()
    number = int(m["q"] or m["h"] or 0) or ctx.vocab.ordinals.get((m["ord"] or "").lower(), 0)
    count = 4 if part == "quarter" else 2
    if number == -1:
        number = count
    if not 1 <= number <= count:
        return None
    letter = "Q" if part == "quarter" else "H"
    year = _quarter_year(m, ctx, number, count)
    if year is None:
        if part == "half":
            return None  # "the second half" alone is as likely a match as a year
        return _Value("DATE", f"XXXX-{letter}{number}")
    value, anchored = year
    return _Value("DATE", f"{value}-{letter}{number}", anchored=anchored)


def _quarter_year(
    m: re.Match[str], ctx: _Context, number: int, count: int
) -> tuple[int, bool] | None:
    if m["year"] or m["year2"]:
        return int(m["year"] or m["year2"]), False
    anchor = ctx.anchor
    if anchor.year is None:
        return None
    if m["rel"]:
        return anchor.year + ctx.vocab.relative_words[m["rel"].lower()], True
    if m["theyear"]:
        return anchor.year, True
    if m["part"] and m["part"].lower() == "half":
        return None
    if anchor.month is None:
        return anchor.year, True
    current = (anchor.month - 1) * count // 12 + 1
    return _pick_year(number, current, anchor.year, ctx.tense(m.start(), m.end()), count), True


# Units relative to the anchor: "last year", "this week", "the past three years", "two days ago".


def _relative_unit(m: re.Match[str], ctx: _Context) -> _Value | None:
    unit = _unit_code(m["unit"], ctx.vocab)
    rel = (m["rel"] or "").lower()
    if m["num"] or m["unit"].lower() in ctx.vocab.plurals:
        # "the past three years", "the coming weeks", "recent years": a span of time.
        if not rel or rel in ("this", "current") or rel in ctx.vocab.anaphoric_words:
            return None
        if rel == "last" and not m["the"] and m["num"]:
            return None  # "the drills last 11 days": the verb
        count = _number(m["num"], ctx.vocab) if m["num"] else None
        return _Value("DURATION", _duration(count, unit), _qmod(m, ctx))
    if rel == "recent":
        return None
    if not rel and not m["dmod"]:
        return None  # "the year" alone; "the end of the year" has a modifier
    if (
        m["the"]
        and rel in ("last", "past", "first", "final")
        and re.match(r"\s+of\b", ctx.after(m.end()))
    ):
        return None  # "the last month of the war"
    if unit in ("S", "MIN", "H", "D"):
        return None  # "the next day" is the anaphoric_day rule's
    if m["the"] and ctx.word_before(m.start()) in ctx.vocab.span_prepositions:
        # "over the following decade", "for the past year": a span, however it is counted.
        return _Value("DURATION", _duration(1, unit), _qmod(m, ctx))
    if rel in ctx.vocab.anaphoric_words and (m["the"] or rel == "that"):
        # "the following year", "that month": counted from the last date mentioned.
        shift = (unit, ctx.vocab.anaphoric_words[rel])
        return _Value("DATE", _unknown(unit), _dmod(m, ctx), anchored=True, shift=shift)
    if rel in ctx.vocab.anaphoric_words and rel not in ctx.vocab.relative_words:
        return None  # "same year" without "the"
    offset = ctx.vocab.relative_words.get(rel, 0)
    if m["the"] and offset > 0 and not m["dmod"]:
        # "the next decade", "the coming year": the span from now on, not a calendar unit.
        return _Value("DURATION", _duration(1, unit), _qmod(m, ctx))
    mod = _dmod(m, ctx)
    if not rel and mod:
        offset = _unit_part_offset(ctx, unit, mod, ctx.tense(m.start(), m.end()))
    return _shifted(ctx.anchor, unit, offset, mod)


_PART_BOUNDS = {"START": (0.0, 1 / 3), "MID": (1 / 3, 2 / 3), "END": (2 / 3, 1.0)}


def _unit_part_offset(ctx: _Context, unit: str, mod: str, tense: int) -> int:
    """ "peaked by the end of the year" in March is last year's end: a past event cannot be in
    a part of the current year still to come, nor a future one in a part already gone."""
    anchor = ctx.anchor
    if mod not in _PART_BOUNDS or anchor.month is None:
        return 0
    if unit == "Y":
        elapsed = (anchor.month - 0.5) / 12
    elif unit == "M" and anchor.day is not None:
        elapsed = (anchor.day - 0.5) / 31
    else:
        return 0
    low, high = _PART_BOUNDS[mod]
    if tense == PAST and elapsed < low:
        return -1
    if tense == FUTURE and elapsed > high:
        return 1
    return 0


def _shifted(anchor: _Anchor, unit: str, offset: int, mod: str | None) -> _Value | None:
    """The anchor's year, month, week, day, quarter, decade or century, moved `offset` units."""
    if anchor.year is None:
        return _Value("DATE", _unknown(unit), mod)
    year = anchor.year
    if unit == "Y":
        return _Value("DATE", f"{year + offset}", mod, True)
    if unit == "DE":
        return _Value("DATE", f"{year // 10 + offset}", mod, True)
    if unit == "CE":
        return _Value("DATE", f"{year // 100 + offset:02d}", mod, True)
    if unit == "ML":
        return _Value("DATE", f"{year // 1000 + offset}", mod, True)
    if anchor.month is None:
        return _Value("DATE", _unknown(unit), mod)
    if unit == "M":
        y, mo = _add_months(year, anchor.month, offset)
        return _Value("DATE", f"{y}-{mo:02d}", mod, True)
    if unit == "Q":
        y, mo = _add_months(year, anchor.month, 3 * offset)
        return _Value("DATE", f"{y}-Q{(mo - 1) // 3 + 1}", mod, True)
    day = anchor.date
    if day is None:
        return _Value("DATE", _unknown(unit), mod)
    if unit in ("W", "FORTNIGHT"):
        return _Value("DATE", _iso_week(day + timedelta(weeks=offset)), mod, True)
    if unit == "D":
        return _Value("DATE", (day + timedelta(days=offset)).isoformat(), mod, True)
    return None


def _unknown(unit: str) -> str:
    known = {"Y": "XXXX", "DE": "XXX", "CE": "XX", "ML": "X", "M": "XXXX-XX", "Q": "XXXX-QX"}
    return known.get(unit, "XXXX-XX-XX" if unit == "D" else "XXXX-WXX")


def _ago(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "two weeks ago" -> the week two weeks before the anchor; "years ago" -> PAST_REF."""
    unit = _unit_code(m["unit"], ctx.vocab)
    count = _number(m["num"], ctx.vocab) if m["num"] else None
    mod = _qmod(m, ctx)
    if count is None:
        return _Value("DATE", "PAST_REF", mod, anchored=True)
    if unit == "FORTNIGHT":
        count, unit = count * 2, "W"
    if unit in _IN_YEARS:
        count, unit = count * _IN_YEARS[unit], "Y"
    while count != int(count) and unit in _SMALLER:
        factor, unit = _SMALLER[unit]
        count *= factor
    return _ago_value(ctx, int(count), unit, mod)


def _ago_value(ctx: _Context, count: int, unit: str, mod: str | None) -> _Value | None:
    anchor = ctx.anchor
    if unit == "Y" and anchor.year is not None:
        return _Value("DATE", f"{anchor.year - count}", mod, True)
    if unit in ("M", "Q") and anchor.year is not None and anchor.month is not None:
        y, mo = _add_months(anchor.year, anchor.month, -count * (3 if unit == "Q" else 1))
        return _Value("DATE", f"{y}-{mo:02d}", mod, True)
    day = anchor.date
    if day is None:
        return _Value("DATE", "PAST_REF", mod)
    if unit == "W":
        return _Value("DATE", _iso_week(day - timedelta(weeks=count)), mod, True)
    if unit == "D":
        return _Value("DATE", (day - timedelta(days=count)).isoformat(), mod, True)
    return _Value("DATE", day.isoformat(), mod, True)  # hours and minutes ago: that same day


# Durations and sets.


def _duration_rule(m: re.Match[str], ctx: _Context) -> _Value | None:
    if m.groupdict().get("the") and m["unit"].lower() not in ctx.vocab.plurals:
        return None  # "the 90 years since", but not "the 1,000-day plan"
    unit = _unit_code(m["unit"], ctx.vocab)
    count = _number(m["num"], ctx.vocab)
    if count is not None and (m["half"] or m["half2"]):
        count += 0.5
    if m["num"].lower() in ("a", "an") and _is_rate(ctx, m.start()):
        return _Value("SET", _duration(1, unit))  # "$100 a year", "5 percent a year"
    return _Value("DURATION", _duration(count, unit), _qmod(m, ctx))


def _range_start(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "between 12 and 18 months": the first number takes the unit of the second."""
    if m["num"].lower() in ("a", "an") or re.fullmatch(r"(1\d|20)\d\d", m["num"]):
        return None
    return _duration_rule(m, ctx)


def _year_range_end(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "1957-58", "the 2018-19 season": the second year of the range."""
    first = int(ctx.text[m.start() - 5 : m.start() - 1])
    second = first // 100 * 100 + int(m["yy"])
    if not first < second <= first + 10:
        return None
    return _Value("DATE", str(second))


def _is_rate(ctx: _Context, start: int) -> bool:
    before = ctx.text[max(0, start - 40) : start]
    return re.search(r"(\d[\d,.]*\s*(%|[a-zA-Z]+)?|percent|per\s+cent)\s+$", before) is not None


def _lasting(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "a day-long meeting", "weeks-long talks"."""
    word = m["unit"].lower()
    count = None if word in ctx.vocab.plurals else 1.0
    return _Value("DURATION", _duration(count, _unit_code(word, ctx.vocab)))


def _half_duration(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _Value("DURATION", _duration(0.5, _unit_code(m["unit"], ctx.vocab)), _qmod(m, ctx))


def _bare_plural(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "for years", "decades of conflict", "within hours": an unspecified number of units."""
    before = ctx.word_before(m.start())
    after = ctx.after(m.end(), 12).lower()
    if before in ("the", "these", "those", "this", "that") or before in ctx.vocab.possessives:
        return None
    if ctx.word_before(m.start(), 2).startswith("the "):
        return None  # "in the early hours of Sunday"
    if re.match(r"\s*(-\s*)?old\b", after):
        return None
    lasting = re.match(r"\s+(of|on end|-long|before|after|later|earlier)\b", after)
    if not (before in ctx.vocab.span_cues or m["qmod"] or lasting):
        return None
    return _Value("DURATION", _duration(None, _unit_code(m["unit"], ctx.vocab)), _qmod(m, ctx))


def _every(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "every week", "each year", "every two years", "every other day"."""
    unit = _unit_code(m["unit"], ctx.vocab)
    number = m["num"]
    if number and number.lower() == "other":
        return _Value("SET", _duration(2, unit))
    count = _number(number, ctx.vocab) if number else 1.0
    return _Value("SET", _duration(count, unit))


def _frequency(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "twice a year", "three times a week"."""
    return _Value("SET", _duration(1, _unit_code(m["unit"], ctx.vocab)))


def _frequency_word(m: re.Match[str], ctx: _Context) -> _Value | None:
    word = m.group()
    if word[0].isupper() and _after_name(ctx, m):
        return None  # "JoongAng Daily"
    if word[0].isupper() and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return None  # "Daily Mail"
    return _Value("SET", ctx.vocab.frequency_words[word.lower()])


def _weekday_set(m: re.Match[str], ctx: _Context) -> _Value | None:
    weekday = ctx.vocab.weekdays[(m["wd"] or m["wds"]).lower()]
    return _Value("SET", f"XXXX-WXX-{weekday}")


def _every_part(m: re.Match[str], ctx: _Context) -> _Value | None:
    """ "every morning", "every summer", "every August"."""
    if m["pod"]:
        return _Value("SET", f"XXXX-XX-XXT{ctx.vocab.parts_of_day[m['pod'].lower()]}")
    if m["season"]:
        return _Value("SET", f"XXXX-{ctx.vocab.seasons[m['season'].lower()]}")
    return _Value("SET", f"XXXX-{_month_number(m['mon'], ctx.vocab):02d}")


# Clock times.


def _clock(m: re.Match[str], ctx: _Context) -> _Value | None:
    hour = int(m["h"])
    minute = int(m["min"] or 0)
    marker = (m["ampm"] or "").lower().replace(".", "").replace("’", "'")
    if marker and not 1 <= hour <= 12:
        return None  # "2 o'clock" stays 02:00: nothing tells morning from afternoon
    if marker == "pm" and hour != 12:
        hour += 12
    elif marker == "am" and hour == 12:
        hour = 0
    if not marker and not (m["zone"] or ctx.word_before(m.start()) in ("at", "by", "until")):
        return None  # "2:1" is a score; a bare 24-hour time needs "at" or a zone
    return _Value("TIME", f"T{hour:02d}:{minute:02d}", needs_day=True)


def _clock_word(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _Value("TIME", "T" + ctx.vocab.clock_words[m["cw"].lower()], needs_day=True)


# Reference words and holidays.


def _reference(m: re.Match[str], ctx: _Context) -> _Value | None:
    word = " ".join(m.group().lower().split())
    prepositions = ctx.vocab.reference_prepositions
    if word.startswith("the ") and ctx.word_before(m.start()) not in prepositions:
        return None  # "the future of the alliance" is a topic; "in the future" is a time
    if word == "now" and re.match(r"\s*-\s*\w", ctx.after(m.end())):
        return None  # "now-defunct"
    return _Value("DATE", ctx.vocab.reference_words[word])


def _holiday(m: re.Match[str], ctx: _Context) -> _Value | None:
    if not m.group()[0].isupper():
        return None
    month, day = ctx.vocab.holidays[" ".join(m["name"].lower().replace("’", "'").split())]
    if m["year"]:
        found = _date(int(m["year"]), month, day)
        return _Value("DATE", found.isoformat()) if found else _BLOCK
    return _yearless_day(m, ctx, month, day)


# --------------------------------------------------------------------------------------------
# The rule table.


def _rules(v: _Vocab) -> list[_Rule]:
    p = _pieces(v)
    holiday = _ci(v.holidays)
    clock = _ci(v.clock_words)
    refs = _ci(v.reference_words)
    freq = _ci(v.frequency_words)
    day_words = _ci(v.day_words)
    ordinal = _ci(v.ordinals)
    anaphoric = _ci(v.anaphoric_words)
    ahead = r"(?![\w-])"
    table: list[tuple[str, str, Normaliser]] = [
        # Blockers first: ages are durations in form only ("a 20-year-old", "aged 6 months").
        ("age", rf"\b{p.num}[\s-]+{p.unit}[\s-]+(?i:old)\b", _block),
        ("age", rf"\b(?i:aged?|ages)\s+{p.num}(?:\s+{p.unit})?", _block),
        ("iso", r"\b(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)\b", _iso_date),
        ("numeric", r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)\b", _numeric_date),
        (
            "month_day",
            rf"\b{p.dmod}(?:{p.weekday},?\s+)?(?P<mon>{p.month_any})\s*(?P<day>{p.day})"
            rf"(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?",
            _full_date,
        ),
        (
            "day_month",
            rf"\b{p.dmod}(?:{p.weekday},?\s+)?(?P<day>{p.day})\s+(?:(?i:of)\s+)?"
            rf"(?P<mon>{p.month_any})(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?",
            _full_date,
        ),
        (
            "month_relative_year",
            rf"\b{p.dmod}(?P<mon>{p.month_any})(?:\s+(?P<day>{p.day}))?,?\s+(?:(?i:of)\s+)?"
            rf"(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
            _month_relative_year,
        ),
        (
            "month_year",
            rf"\b{p.dmod}(?P<mon>{p.month_any}),?\s+(?:(?i:of)\s+)?(?P<year>{p.year})",
            _month_year,
        ),
        ("relative_month", rf"\b{p.dmod}(?P<rel>{p.rel})\s+(?P<mon>{p.month})", _relative_month),
        ("month", rf"\b{p.dmod}(?P<mon>{p.month})", _bare_month),
        (
            "season",
            rf"\b{p.dmod}(?:(?P<rel>{p.rel})\s+|(?P<the>(?i:the))\s+)?(?P<season>{p.season})"
            rf"(?:\s+(?:(?i:of)\s+)?(?P<year>{p.year}))?",
            _season,
        ),
        (
            "weekday_set",
            rf"\b(?:(?i:every|each)\s+(?P<wd>{p.weekday})|(?P<wds>{_capitalised(v.weekdays)})s\b)",
            _weekday_set,
        ),
        (
            "weekday",
            rf"\b{p.dmod}(?:(?P<rel>(?i:last|this|next|coming|past))\s+)?(?P<wd>{p.weekday})"
            rf"(?:\s+(?P<pod>{p.pod}))?",
            _weekday,
        ),
        (
            "day_word",
            rf"\b{p.dmod}(?P<dw>{day_words}|(?i:tonight)|(?i:last|this)(?=\s+{p.pod}))"
            rf"(?:\s+(?P<pod>{p.pod}))?{ahead}",
            _day_word,
        ),
        (
            "anaphoric_day",
            r"\b(?i:the\s+(?:(?P<rel>next|following|previous|preceding|same)\s+day|day\s+"
            r"(?P<rel2>before|after))|that\s+(?:same\s+)?day)\b",
            _anaphoric_day,
        ),
        ("weekend", rf"\b(?:(?P<rel>{p.rel})|(?i:the))\s+(?i:weekend)\b", _weekend),
        (
            "relative_unit",
            rf"\b{p.dmod}{p.qmod}(?:(?P<the>(?i:the))\s+)?(?:(?P<rel>{p.rel}|{anaphoric}|(?i:recent))\s+)?"
            rf"(?:(?i:fiscal|calendar)\s+)?(?:(?P<num>{p.num})\s+)?(?P<unit>{p.unit})",
            _relative_unit,
        ),
        (
            "quarter",
            rf"\b(?:(?i:the)\s+)?(?:(?P<ord>{ordinal})[\s-]+(?P<part>(?i:quarter|half))"
            rf"(?:\s+(?i:of)\s+(?:(?P<year>{p.year})|(?P<rel>{p.rel})\s+(?i:year)|"
            rf"(?P<theyear>(?i:the|this)\s+year)))?|(?:Q(?P<q>[1-4])|H(?P<h>[12]))\b"
            rf"(?:\s+(?P<year2>{p.year}))?)",
            _quarter,
        ),
        (
            "decade",
            rf"(?<![\w$/-]){p.dmod}(?:(?P<dec4>1\d\d|20\d)0|['’]?(?P<dec2>\d)0)"
            rf"['’]?s\b",
            _decade,
        ),
        (
            "century",
            rf"\b{p.dmod}(?:(?P<ord>{ordinal})|(?P<cnum>\d{{1,2}})"
            rf"(?i:st|nd|rd|th))[\s-]+(?i:century)\b",
            _century,
        ),
        ("year", rf"(?<![\w$£€¥#.,/])(?:{p.dmod})?(?P<year>{p.year})(?!-\d\d-)", _year),
        (
            "ago",
            rf"\b{p.qmod}(?:(?P<num>{p.num})\s+)?(?P<unit>{p.unit})\s+(?i:ago)\b",
            _ago,
        ),
        (
            "every",
            rf"\b(?i:every|each|per)\s+(?:(?P<num>{p.num}|(?i:other))\s+)?(?P<unit>{p.unit})",
            _every,
        ),
        (
            "frequency",
            rf"\b(?i:once|twice|thrice|{p.num}\s+times)\s+(?i:a|an|per|each|every)\s+"
            rf"(?P<unit>{p.unit})",
            _frequency,
        ),
        ("frequency_word", rf"\b{freq}\b", _frequency_word),
        (
            "every_part",
            rf"\b(?i:every|each)\s+(?:(?P<pod>{p.pod})|(?P<season>{p.season})|"
            rf"(?P<mon>{p.month}))",
            _every_part,
        ),
        (
            "duration",
            rf"\b{p.qmod}(?P<the>(?i:the)\s+)?(?P<num>{p.num})(?P<half>\s+(?i:and\s+a\s+half))?(?P<sep>\s+|-)"
            rf"(?P<unit>{p.unit})(?P<half2>\s+(?i:and\s+a\s+half))?",
            _duration_rule,
        ),
        (
            "range_start",
            rf"\b(?P<num>{p.num})(?=\s*(?:-|–|(?i:to|and|or))\s*{p.num}(?P<sep>\s+|-)"
            rf"(?P<unit>{p.unit}))(?P<half>)(?P<half2>)",
            _range_start,
        ),
        (
            "year_range_end",
            r"(?<=\b(?:1\d|20)\d\d[-–])(?P<yy>\d\d)\b(?![-–/]\d)",
            _year_range_end,
        ),
        ("lasting", rf"\b(?P<unit>{p.unit})-(?i:long)\b", _lasting),
        (
            "half",
            rf"\b{p.qmod}(?i:half\s+(?:an?\s+)?|an?\s+half[\s-])(?P<unit>{p.unit})",
            _half_duration,
        ),
        ("plural", rf"\b{p.qmod}(?P<unit>{p.unit_plural})", _bare_plural),
        (
            "clock",
            rf"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d))?\s*"
            rf"(?P<ampm>(?i:a\.m\.?|p\.m\.?|am|pm|o['’]clock)(?!\w))(?:\s+(?P<zone>{p.zone}))?",
            _clock,
        ),
        (
            "clock24",
            rf"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?!\d)(?P<ampm>)"
            rf"(?:\s+(?P<zone>{p.zone}))?",
            _clock,
        ),
        (
            "clock_zone",
            rf"\b(?P<h>[01]\d|2[0-3])(?P<min>[0-5]\d)(?P<ampm>)\s+(?P<zone>{p.zone})",
            _clock,
        ),  # "2130 GMT", which is not the year 2130
        ("clock_word", rf"\b(?P<cw>{clock}){ahead}", _clock_word),
        ("reference", rf"\b{refs}{ahead}", _reference),
        (
            "holiday",
            rf"\b(?P<name>{holiday})(?:(?:\s*,\s*|\s+)(?P<year>{p.year}))?{ahead}",
            _holiday,
        ),
    ]
    return [
        _Rule(name, re.compile(pattern), normalise, _required(name))
        for name, pattern, normalise in table
    ]


def _required(name: str) -> re.Pattern[str] | None:
    test = _REQUIRES.get(name)
    return re.compile(test, re.IGNORECASE) if test else None


def _block(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _BLOCK


# --------------------------------------------------------------------------------------------
# Running the rules.


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    priority: int
    value: _Value


def find_timexes(text: str, anchor: str | None, doc: Doc | None = None) -> list[Timex]:
    """The time expressions in `text`, normalised against `anchor` (the publication date,
    "YYYY-MM-DD", "YYYY-MM", "YYYY" or None). `doc`, a spaCy parse of the same text, gives
    the tense of the verb that governs each expression; without it, cue words do."""
    ctx = _Context(text, _parse_anchor(anchor), doc, _VOCAB)
    chosen = _select(list(_candidates(ctx)))
    return _finish(chosen, ctx)


def _candidates(ctx: _Context) -> Iterable[_Candidate]:
    for priority, rule in enumerate(_RULES):
        if rule.requires is not None and rule.requires.search(ctx.text) is None:
            continue
        position = 0
        while (m := rule.pattern.search(ctx.text, position)) is not None:
            start, end = _trimmed(ctx.text, m.start(), m.end())
            value = rule.normalise(m, ctx) if end > start else None
            if value is None:
                # Rejected: search again from the next character, so that a shorter match
                # inside ("1,000-day" in "The 1,000-day plan") still gets its chance.
                position = m.start() + 1
                continue
            yield _Candidate(start, end, priority, value)
            position = max(m.end(), m.start() + 1)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the spaces and commas a pattern's optional parts may leave at its edges."""
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    while start < end and text[start] in " \t\n,":
        start += 1
    return start, end


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """The longest match wins; at equal length the earlier rule in the table does."""
    taken: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.priority, c.start)):
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return sorted((c for c in taken if c.value is not _BLOCK), key=lambda c: c.start)


def _finish(chosen: list[_Candidate], ctx: _Context) -> list[Timex]:
    resolved = _attach_days(_resolve_anaphora(chosen, ctx), ctx)
    return [
        Timex(
            c.start,
            c.end,
            ctx.text[c.start : c.end],
            c.value.type,
            c.value.value,
            c.value.mod,
            c.value.anchored,
        )
        for c in resolved
    ]


def _resolve_anaphora(chosen: list[_Candidate], ctx: _Context) -> list[_Candidate]:
    """ "the next day", "that year": counted from the last date mentioned before (HeidelTime's
    reference time), or from the anchor when none was precise enough."""
    out: list[_Candidate] = []
    last = ctx.anchor
    for c in chosen:
        value = c.value
        if value.shift is not None:
            unit, count = value.shift
            found = _shifted(last, unit, count, value.mod)
            if found is None or "X" in found.value:
                found = _shifted(ctx.anchor, unit, count, value.mod)
            value = found or replace(value, shift=None, anchored=False)
            c = replace(c, value=value)
        mentioned = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?![\dW])", value.value)
        if mentioned and value.type in ("DATE", "TIME"):
            last = _Anchor(*(int(g) if g else None for g in mentioned.groups()))
        out.append(c)
    return out


_DAY_VALUE = re.compile(r"(\d{4}-\d\d-\d\d|XXXX-WXX-\d|XXXX-XX-XX)$")
_JOINED = re.compile(r"\s*,?\s*")  # "10 a.m. Friday", "Friday, 10 a.m.": one expression
_NEAR = re.compile(r"\s*,?\s*(?i:on|at)\s+")  # "Friday at 10 a.m.": two, the time on that day


def _attach_days(chosen: list[_Candidate], ctx: _Context) -> list[_Candidate]:
    """A clock time takes the day next to it, or the anchor's."""
    out = list(chosen)
    index = 0
    while index < len(out):
        c = out[index]
        if c.value.needs_day:
            index = _attach_day(out, index, ctx)
        index += 1
    return out


def _attach_day(out: list[_Candidate], index: int, ctx: _Context) -> int:
    """Gives out[index] (a clock time) its day, merging it with a neighbouring day when only a
    space or comma separates them; returns the index of the (possibly merged) candidate."""
    c = out[index]
    for other_index in (index - 1, index + 1):
        if not 0 <= other_index < len(out):
            continue
        other = out[other_index]
        lo, hi = (other, c) if other_index < index else (c, other)
        gap = ctx.text[lo.end : hi.start]
        if not _DAY_VALUE.match(other.value.value):
            continue
        value = replace(
            c.value,
            value=other.value.value + c.value.value,
            needs_day=False,
            anchored=other.value.anchored,
        )
        if _JOINED.fullmatch(gap):
            first = min(index, other_index)
            out[first : first + 2] = [_Candidate(lo.start, hi.end, c.priority, value)]
            return first
        if _NEAR.fullmatch(gap):
            out[index] = replace(c, value=value)
            return index
    day = ctx.anchor.date
    prefix = day.isoformat() if day else "XXXX-XX-XX"
    value = replace(c.value, value=prefix + c.value.value, needs_day=False, anchored=bool(day))
    out[index] = replace(c, value=value)
    return index


_VOCAB = _load_vocab(_data_path())
_RULES = _rules(_VOCAB)
