"""RawArticle to Document: paragraphs, header date lines, headline, dateline, boilerplate, outlet.

The rules are general wire-copy conventions (AP, Reuters, AFP, Yonhap, KCNA, IANS, MENAFN...),
with the boilerplate patterns and outlets kept as data in `data/`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from types import MappingProxyType
from urllib.parse import urlparse

from peninsula.knowledge import Knowledge, TimeWords
from peninsula.records import Dateline, Document, RawArticle

_DASH = r"(?:--|—|–|-|:)"
# Place words are any letters here; _plausible_dateline checks they are capitalised.
_PLACE_WORD = r"[^\W\d_][\w.'’\-]*"
_PLACE = rf"{_PLACE_WORD}(?:(?:[ ]|/){_PLACE_WORD}){{0,3}}"


@dataclass(frozen=True, slots=True)
class DatePatterns:
    """The patterns of datelines, date lines and time stamps, built from the time words (month
    and weekday names, date labels) once per vocabulary."""

    dateline: re.Pattern[str]
    date_only_line: re.Pattern[str]
    date_label: re.Pattern[str]
    months: Mapping[str, int]  # full names and abbreviations, lower case
    # A written or numeric date with the year ("March 3, 2023", "3 March 2023", "2023.03.03",
    # "2024년 10월 25일"), group `date`, and the clock time and zone right after it, group `time`.
    stamp_date: re.Pattern[str]
    # Any date label anywhere in a line ("Published:", "Updated", "입력", "更新"), group `label`.
    any_label: re.Pattern[str]
    clock: re.Pattern[str]
    # Lower-case words a stamp may hold ("2 hours ago"): unit words and `stamp_words`.
    stamp_words: frozenset[str]


_CLOCK = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_ZONE = r"(?:\(?(?-i:Z|[A-Z]{2,5})(?:\s*[+-]\d{1,2}(?::?\d{2})?)?\)?|[+-]\d{2}:?\d{2})"


def _date_core(months: str) -> str:
    """A date that names its year, written or numeric, in any of the usual orders. A written
    date's year may run into the time or a repeat of the date, as pages copied to text often
    have it ("January 5, 20254:31 PM", "5 Jan 20255 Jan 2025")."""
    month = rf"(?<![^\W\d_])(?:{months})"
    year = rf"\d{{4}}(?:(?!\d)|(?=\d{{1,2}}(?::\d\d|\s+(?:{months})\b)))"
    return rf"""(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{month}\.?,?\s+{year}
        |{month}(?:\.\s*|\s+)\d{{1,2}}(?:st|nd|rd|th)?,?\s*{year}
        |(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:T\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
          |\d{{4}}\.\s?\d{{1,2}}\.\s?\d{{1,2}}\.?|\d{{4}}/\d{{1,2}}/\d{{1,2}}
          |\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}}
          |\d{{4}}\s*[年년]\s*\d{{1,2}}\s*[月월]\s*\d{{1,2}}\s*[日일]?)(?!\d))"""


@cache
def date_patterns(words: TimeWords) -> DatePatterns:
    months = _alternation([*words.months, *words.month_abbreviations])
    month = rf"(?i:{months})\.?"
    weekday = _alternation([*words.weekdays, *words.weekday_abbreviations])
    # "Seoul, Jan 1 (IANS)", "SEOUL, Jan. 21 (Yonhap) --", "PYONGYANG, January 21 (KCNA) --",
    # "SEOUL, South Korea (AP) —", "Seoul (AFP) -", "(MENAFN)", "WASHINGTON/SEOUL, Sept 24
    # (Reuters) -", "Geneva, 3 March (AFP) -", and the date after the credit: "Busan, South
    # Korea (AFP) Mar 3, 2023 -". Case-sensitive except the month, so capitals can be checked.
    dateline = re.compile(
        rf"""^\s*
        (?:(?P<place>{_PLACE})(?:,[ ](?P<region>{_PLACE}))?
           (?:,?[ ](?:(?P<month>{month})[ ](?P<day>\d{{1,2}})
                    |(?P<dday>\d{{1,2}})[ ](?P<dmonth>{month}))
              (?:,[ ](?P<year>\d{{4}}))?)?
           [ ]?)?
        \((?P<outlet>[^\W\d_][\w .&'’\-]{{0,40}}?)\)
        (?:[ ](?P<amonth>{month})[ ](?P<aday>\d{{1,2}}),?[ ](?P<ayear>\d{{4}})(?!\d))?
        (?P<dash>[ ]?{_DASH})?[ ]*""",
        re.VERBOSE,
    )
    # A line that is nothing but a date (and maybe a weekday, a time and a zone).
    date_only_line = re.compile(
        rf"""^\s*(?:(?:{weekday})\.?,?\s+)?
        (?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{months})\.?,?\s+\d{{4}}
          |(?:{months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
          |\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}\.\d{{1,2}}\.\d{{1,2}}\.?
          |\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{4}}/\d{{1,2}}/\d{{1,2}})
        (?:(?:,|\s*[-–|])?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?)?
        (?:\s*\(?(?:GMT|UTC|KST|EST|EDT|PST|PDT|CET|CEST|BST|JST|IST|[A-Z]{{2,4}})(?:\s*[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?)?
        \s*$""",
        re.IGNORECASE | re.VERBOSE,
    )
    labels = _alternation(words.date_labels)
    date_label = re.compile(rf"^\s*(?:{labels})(?:\s*[:：]\s*|\s+|(?=\d))", re.IGNORECASE)
    stamp_date = re.compile(
        rf"""(?<![\d.])(?P<date>{_date_core(months)})
        (?P<time>(?:,|\s*[-–|]|\s+at)?\s*{_CLOCK}(?:\s*{_ZONE})?)?""",
        re.IGNORECASE | re.VERBOSE,
    )
    any_label = re.compile(rf"(?<![A-Za-z])(?P<label>{labels})(?![A-Za-z])", re.IGNORECASE)
    clock = re.compile(rf"(?<![\d:.]){_CLOCK}(?![\d:])", re.IGNORECASE)
    numbers = {**words.months, **words.month_abbreviations}
    return DatePatterns(
        dateline=dateline,
        date_only_line=date_only_line,
        date_label=date_label,
        months=MappingProxyType(numbers),
        stamp_date=stamp_date,
        any_label=any_label,
        clock=clock,
        stamp_words=words.stamp_words | frozenset(words.units),
    )


def _alternation(options: list[str] | frozenset[str]) -> str:
    ordered = sorted(set(options), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


# Wire update and genre tags: "(LEAD)", "(2nd LD)", "(URGENT)", "(News Focus)", "UPDATE 1-".
_TAG_WORDS = (
    r"LD|LEAD|URGENT|FLASH|BULLETIN|BREAKING|UPDATED?|CORRECTED|CORRECTION|REFILE|RECAST"
    r"|EXCLUSIVE|ANALYSIS|FACTBOX|INSIGHT|FOCUS|FEATURE|INTERVIEW|PROFILE|EDITORIAL|OPINION"
    r"|COMMENTARY|PHOTOS?|VIDEO|AUDIO|WRAPUP|NEWSMAKER"
)
_TAG = rf"(?:\d+(?:st|nd|rd|th)\s+)?(?:[A-Za-z]+\s+)?(?:{_TAG_WORDS})(?:\s+\d+)?"
_WIRE_TAG = re.compile(_TAG, re.IGNORECASE)
_TITLE_TAGS = re.compile(rf"^(?:\(\s*(?i:{_TAG})\s*\)\s*|(?:{_TAG_WORDS})(?:\s+\d+)?-(?=\S))+")
_ACRONYM = re.compile(r"[A-Z]{2,}(?![a-z])")
# Lower-case words allowed inside a place name ("Dar es Salaam", "Ministry of ...").
_PLACE_PARTICLES = frozenset({"of", "de", "del", "la", "le", "es", "el", "al", "da", "do", "du"})

_ISO_PREFIX = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 30
# A dateline may follow a headline and a deck; further down, "(X)" is prose. One that names
# its day may also follow a photo caption.
_DATELINE_SEARCH = 4
# Time stamps and bylines ("World Desk | Published: March 3, 2023 08:10", "08:10 KST, March 3,
# 2023", "- Modified Date: 10:02 | 03 March 2023") are read in the head of a page: its first
# paragraphs, before the body has run for a few long paragraphs.
_STAMP_SEARCH = 12
_STAMP_LONG_PARAGRAPHS = 3
_LONG_PARAGRAPH = 200
_STAMP_MAX_CHARS = 160
# Beside its dates, times and labels a stamp holds at most a few names (a desk, an agency, a
# zone), never a sentence: short words aside ("at", "by"), no lower-case word.
_STAMP_MAX_WORDS = 4
_BYLINE_MAX_WORDS = 3
_STAMP_EDGE = " \t-–—|•·*,.:;()[]"
_STAMP_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")

# Hard-wrapped text: lines broken at a fixed width between 40 and 100 characters.
_MIN_WRAP_WIDTH = 40
_MAX_WRAP_WIDTH = 100
_SENTENCE_END = re.compile(r"""[.!?:;"”’')\]]$""")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Header:
    date_lines: tuple[str, ...]
    title: str | None
    paragraphs: list[str]


def build_document(raw: RawArticle, knowledge: Knowledge) -> Document:
    patterns = date_patterns(knowledge.time_words)
    paragraphs, removed = _strip_boilerplate(split_paragraphs(raw.text), knowledge)
    header = _read_header(paragraphs, raw.title, patterns)
    title, dateline, body = _open_body(header.paragraphs, raw.title or header.title, patterns)
    text = "\n\n".join(body)
    return Document(
        id=document_id(text),
        origins=(raw.url or raw.origin,),
        text=text,
        title=title,
        outlet=recognise_outlet(raw, dateline, removed, knowledge),
        url=raw.url,
        dateline=dateline,
        header_lines=header.date_lines,
        raw=raw,
    )


def document_id(text: str) -> str:
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


# --- paragraphs -------------------------------------------------------------------------------


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: one per line, except that lines of hard-wrapped text are joined up again.

    Blank lines always end a paragraph. In hard-wrapped text a line continues into the next one
    when the next line's first word would not have fitted on it (that is why the wrapper broke).
    """
    text = text.translate(_INVISIBLE).replace("\u2029", "\n\n")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    width = _wrap_width(lines)
    paragraphs: list[str] = []
    current = ""
    for line, following in zip(lines, [*lines[1:], ""], strict=False):
        if line:
            current = _rejoin(current, line)
        if current and not (line and following and width and _wrapped(line, following, width)):
            paragraphs.append(current)
            current = ""
    return paragraphs


def _wrap_width(lines: list[str]) -> int | None:
    """The wrap width if the text is hard-wrapped, else None.

    The width is the 90th-percentile line length (robust to a long URL line). Wrapping shows as
    several full lines that stop mid-sentence; short lines that each end a sentence do not count.
    """
    filled = sorted(len(line) for line in lines if line)
    if len(filled) < 4:
        return None
    width = filled[(len(filled) - 1) * 9 // 10]
    if not _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH:
        return None
    pairs = [(a, b) for a, b in pairwise(lines) if a and b]
    cut = sum(1 for a, b in pairs if not _SENTENCE_END.search(a) and _wrapped(a, b, width))
    return width if cut >= 2 and cut * 4 >= len(pairs) else None


def _wrapped(line: str, following: str, width: int) -> bool:
    return len(line) + 1 + len(following.split()[0]) > width


def _rejoin(current: str, line: str) -> str:
    if not current:
        return line
    # "inter-" + "Korean": a wrap after a hyphen joins without a space.
    if re.search(r"\w-$", current) and line[0].isalpha():
        return current + line
    return f"{current} {line}"


# --- dateline -----------------------------------------------------------------------------------


def split_dateline(paragraph: str, patterns: DatePatterns) -> tuple[Dateline | None, str]:
    """The wire dateline opening a paragraph ("SEOUL, Jan. 21 (Yonhap) --"), and the rest."""
    match = patterns.dateline.match(paragraph)
    if not match or not _plausible_dateline(match):
        return None, paragraph
    month_name = match["month"] or match["dmonth"] or match["amonth"]
    day = match["day"] or match["dday"] or match["aday"]
    year = match["year"] or match["ayear"]
    dateline = Dateline(
        place=_display_place(match["place"], match["region"]),
        month=_month_number(month_name, patterns) if month_name else None,
        day=int(day) if day else None,
        outlet=match["outlet"].strip(),
        raw=paragraph[: match.end()].strip(),
        year=int(year) if year else None,
    )
    return dateline, paragraph[match.end() :].lstrip()


def _month_number(name: str, patterns: DatePatterns) -> int:
    return patterns.months[name.lower().rstrip(".")]


def _plausible_dateline(match: re.Match[str]) -> bool:
    """An agency credit, not an aside: "(For now)", "(MOU)" after a name, "(LEAD)" are prose."""
    credit = match["outlet"].strip()
    words = credit.split()
    if len(words) > 4 or _WIRE_TAG.fullmatch(credit) or not all(_capitalised(w) for w in words):
        return False
    day = match["day"] or match["dday"] or match["aday"]
    if day and not 1 <= int(day) <= 31:
        return False
    has_dash = match["dash"] is not None
    place = " ".join(filter(None, (match["place"], match["region"])))
    if not place:
        # A bare "(X)" opening the text is a credit in agency form: "(MENAFN)", "(Reuters) -".
        return has_dash or _ACRONYM.match(credit) is not None
    place_words = re.split(r"[ /]", place)
    if not all(_capitalised(w) or w in _PLACE_PARTICLES for w in place_words):
        return False
    # "Lee Jae Myung (Democratic Party) said": after a place, a credit needs a date or a dash.
    return has_dash or day is not None


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word == "&"


def _display_place(place: str | None, region: str | None) -> str | None:
    """ "SEOUL, South Korea" -> "Seoul, South Korea"; capitals are a house style, not a name."""
    parts = [_unshout(p) if p.isupper() else p for p in (place, region) if p]
    return ", ".join(parts) or None


def _unshout(text: str) -> str:
    return re.sub(r"[^\W\d_]+(?:['’][^\W\d_]+)?", lambda m: m[0].capitalize(), text)


def _open_body(
    paragraphs: list[str], title: str | None, patterns: DatePatterns
) -> tuple[str | None, Dateline | None, list[str]]:
    """The dateline opens the body; short lines before it (a headline with a full stop, a deck)
    are header, the first of them the title if there is none yet."""
    for index, paragraph in enumerate(paragraphs[:_DATELINE_SEARCH]):
        header = all(_headline_sized(p) for p in paragraphs[:index])
        dateline, rest = split_dateline(paragraph, patterns)
        if dateline is None or not (header or dateline.day is not None):
            continue
        body = ([rest] if rest else []) + paragraphs[index + 1 :]
        if not header:
            # A photo caption before the dateline stays in the text, where it was.
            return title, dateline, paragraphs[:index] + body
        if title is None and index:
            title = _strip_wire_tags(paragraphs[0])
        return title, dateline, body
    return title, None, paragraphs


# --- boilerplate --------------------------------------------------------------------------------


def _strip_boilerplate(paragraphs: list[str], knowledge: Knowledge) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    removed: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        rule = next((r for r in knowledge.boilerplate if r.pattern.fullmatch(paragraph)), None)
        if rule is None:
            kept.append(paragraph)
        elif rule.action == "cut_rest" and index >= len(paragraphs) // 2:
            # A trailer block ends the article; in the first half it is a note on it, not a trailer.
            removed.extend(paragraphs[index:])
            break
        else:
            removed.append(paragraph)
    return kept, removed


# --- header: date lines and headline ------------------------------------------------------------


def _read_header(paragraphs: list[str], raw_title: str | None, patterns: DatePatterns) -> _Header:
    """Leading date lines, time stamps and the headline, separated from the body."""
    date_lines, rest = _take_date_lines(paragraphs, patterns)
    stamps, rest = _take_stamps(rest, patterns)
    date_lines += stamps
    title = None
    if raw_title is not None:
        # Extractors often repeat the page title as the first line of the text.
        if rest and _squash(rest[0]) == _squash(raw_title):
            rest.pop(0)
    elif len(rest) > 1 and _looks_like_headline(rest[0], patterns):
        title = _strip_wire_tags(rest.pop(0))
    more, rest = _take_date_lines(rest, patterns)
    return _Header(tuple(date_lines + more), title, rest)


def _take_date_lines(paragraphs: list[str], patterns: DatePatterns) -> tuple[list[str], list[str]]:
    date_lines: list[str] = []
    rest = list(paragraphs)
    while rest:
        first = rest[0]
        if patterns.date_only_line.match(patterns.date_label.sub("", first)):
            date_lines.append(rest.pop(0))
            continue
        label = patterns.date_label.match(first)
        iso = _ISO_PREFIX.match(first[label.end() :]) if label else None
        if not (label and iso):
            break
        # "date 2026-01-21 President Lee ...": a date label glued to the first paragraph.
        date_lines.append(first[: label.end() + iso.end()].strip())
        rest[0] = first[label.end() + iso.end() :].strip()
        if not rest[0]:
            rest.pop(0)
    return date_lines, rest


def _take_stamps(paragraphs: list[str], patterns: DatePatterns) -> tuple[list[str], list[str]]:
    """Time stamps and bylines with a date in the head of the page, and the other paragraphs."""
    stamps: list[str] = []
    kept: list[str] = []
    long_seen = 0
    for index, paragraph in enumerate(paragraphs):
        in_head = index < _STAMP_SEARCH and long_seen < _STAMP_LONG_PARAGRAPHS
        (stamps if in_head and is_stamp(paragraph, patterns) else kept).append(paragraph)
        long_seen += len(paragraph) > _LONG_PARAGRAPH
    return stamps, kept


def is_stamp(line: str, patterns: DatePatterns) -> bool:
    """A time stamp or byline: a date with its year and at most a few names beside it. With a
    label or a clock time ("World Desk | Published: March 3, 2023 08:10:02", "입력 2023-03-03
    08:10", "08:10 KST, March 3, 2023"), or a date closing or opening a line of one to
    three names ("By Jane Doe - January 5, 2025")."""
    if len(line) > _STAMP_MAX_CHARS:
        return False
    dates = list(patterns.stamp_date.finditer(line))
    if not dates:
        return False
    if patterns.date_only_line.match(patterns.date_label.sub("", line)):
        return True
    rest = patterns.stamp_date.sub(" ", line)
    marked = (
        any(m["time"] for m in dates)
        or patterns.any_label.search(rest) is not None
        or patterns.clock.search(rest) is not None
    )
    rest = patterns.clock.sub(" ", patterns.any_label.sub(" ", rest))
    words = [
        w
        for w in _STAMP_WORD.findall(rest)
        if len(w) > 2 and w.lower().rstrip(".") not in patterns.stamp_words
    ]
    if any(w[0].islower() for w in words):
        return False
    if marked:
        return len(words) <= _STAMP_MAX_WORDS
    edges = line.strip(_STAMP_EDGE)
    at_edge = edges.startswith(dates[0]["date"]) or edges.endswith(dates[-1]["date"])
    return at_edge and 0 < len(words) <= _BYLINE_MAX_WORDS


def _looks_like_headline(paragraph: str, patterns: DatePatterns) -> bool:
    if not _headline_sized(paragraph) or split_dateline(paragraph, patterns)[0] is not None:
        return False
    # Closing quotes do not end a sentence: 'Kim warns of "overwhelming" response' is a headline.
    ending = paragraph.rstrip().rstrip("\"'”’»)")
    return not ending.endswith((".", ",", ";", ":")) or paragraph.isupper()


def _headline_sized(paragraph: str) -> bool:
    return len(paragraph) <= _TITLE_MAX_CHARS and len(paragraph.split()) <= _TITLE_MAX_WORDS


def _strip_wire_tags(title: str) -> str:
    return _TITLE_TAGS.sub("", title).strip() or title


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


# --- outlet -------------------------------------------------------------------------------------


def recognise_outlet(
    raw: RawArticle, dateline: Dateline | None, removed: list[str], knowledge: Knowledge
) -> str | None:
    """The outlet's id, from the strongest evidence that names a known outlet.

    The dateline credits the copy's author, even on another outlet's site; a publisher id line,
    the URL's domain and the source's site name say where it ran; credit lines the article shed
    ("--IANS", "© 2025 AFP", "xxx@yna.co.kr") come last. Unrecognised, the source's own name.
    """
    found = (
        (_outlet_named(dateline.outlet, knowledge) if dateline and dateline.outlet else None)
        or _outlet_by_publisher_id(removed, knowledge)
        or _outlet_by_host(urlparse(raw.url).hostname if raw.url else None, knowledge)
        or (_outlet_named(raw.outlet, knowledge) if raw.outlet else None)
        or next(filter(None, (_outlet_mentioned(line, knowledge) for line in removed)), None)
    )
    return found or raw.outlet


def _outlet_named(name: str, knowledge: Knowledge) -> str | None:
    key = _name_key(name)
    for outlet in knowledge.outlets:
        if key in {_name_key(n) for n in (outlet.id, outlet.name, *outlet.aliases)}:
            return outlet.id
    return _outlet_mentioned(name, knowledge)


def _name_key(name: str) -> str:
    words = re.sub(r"[^\w&]+", " ", name.casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _outlet_mentioned(line: str, knowledge: Knowledge) -> str | None:
    """The outlet named earliest in the line, by a whole-word alias or a web/e-mail domain."""
    hits: list[tuple[int, str]] = []
    for outlet in knowledge.outlets:
        for alias in (outlet.name, *outlet.aliases):
            match = re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", line)
            if match:
                hits.append((match.start(), outlet.id))
    for domain in _DOMAIN.finditer(line):
        found = _outlet_by_host(domain.group(0), knowledge)
        if found:
            hits.append((domain.start(), found))
    return min(hits)[1] if hits else None


def _outlet_by_publisher_id(lines: list[str], knowledge: Knowledge) -> str | None:
    for line in lines:
        for outlet in knowledge.outlets:
            if outlet.id_pattern is not None and outlet.id_pattern.search(line):
                return outlet.id
    return None


def _outlet_by_host(host: str | None, knowledge: Knowledge) -> str | None:
    host = (host or "").lower()
    if not host:
        return None
    for outlet in knowledge.outlets:
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet.id
    return None
