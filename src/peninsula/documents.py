"""RawArticle to Document: paragraphs, header date lines, headline, dateline, boilerplate, outlet.

The rules are general wire-copy conventions (AP, Reuters, AFP, Yonhap, KCNA, IANS, MENAFN...),
with the boilerplate patterns and outlets kept as data in `data/`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlparse

from peninsula.knowledge import Knowledge
from peninsula.records import Dateline, Document, RawArticle

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DASH = r"(?:--|—|–|-|:)"

# "Seoul, Jan 1 (IANS)", "SEOUL, Jan. 21 (Yonhap) --", "PYONGYANG, January 21 (KCNA) --",
# "SEOUL, South Korea (AP) —", "Seoul (AFP) -", "(MENAFN)", "UNITED NATIONS, Sept 24 (Reuters) -"
DATELINE = re.compile(
    rf"""^\s*
    (?:(?P<place>[A-Z][A-Za-z.'’\-]+(?:[ ][A-Z][A-Za-z.'’\-]+){{0,3}}
        (?:,[ ](?P<region>[A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+){{0,2}}))?)
       (?:,?[ ](?P<month>{_MONTH_RE})\.?[ ](?P<day>\d{{1,2}})(?:,[ ]\d{{4}})?)?
       [ ]?)?
    \((?P<outlet>[A-Za-z][A-Za-z .&\-]{{1,40}})\)
    (?:[ ]?{_DASH})?[ ]*""",
    re.IGNORECASE | re.VERBOSE,
)
_LEADING_DATE_LABEL = re.compile(
    r"^\s*(?:date|dated|published|posted|updated|last updated)\s*:?\s+", re.IGNORECASE
)
_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?")
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
# A line that is nothing but a date (and maybe a weekday, a time and a zone).
DATE_ONLY_LINE = re.compile(
    rf"""^\s*(?:{_WEEKDAY},?\s+)?
    (?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_RE})\.?,?\s+\d{{4}}
      |(?:{_MONTH_RE})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
      |\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{4}}/\d{{1,2}}/\d{{1,2}})
    (?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?)?
    (?:\s*\(?(?:GMT|UTC|KST|EST|EDT|PST|PDT|CET|CEST|BST|JST|IST|[A-Z]{{2,4}})(?:\s*[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?)?
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 30


@dataclass(frozen=True, slots=True)
class _Header:
    date_lines: tuple[str, ...]
    title: str | None
    paragraphs: list[str]


def build_document(raw: RawArticle, knowledge: Knowledge) -> Document:
    paragraphs, removed = _strip_boilerplate(split_paragraphs(raw.text), knowledge)
    header = _read_header(paragraphs, has_title=raw.title is not None)
    paragraphs = header.paragraphs
    dateline = None
    if paragraphs:
        dateline, rest = split_dateline(paragraphs[0])
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    text = "\n\n".join(paragraphs)
    return Document(
        id=document_id(text),
        origins=(raw.url or raw.origin,),
        text=text,
        title=raw.title or header.title,
        outlet=recognise_outlet(raw, dateline, removed, knowledge),
        url=raw.url,
        dateline=dateline,
        header_lines=header.date_lines,
        raw=raw,
    )


def document_id(text: str) -> str:
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: blank-line separated (single newlines are wraps), else one per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [line.strip() for line in text.split("\n")]
    if any(not line for line in lines[1:-1]) and _has_wrapped_lines(lines):
        blocks = re.split(r"\n\s*\n", "\n".join(lines))
        return [" ".join(b.split()) for b in blocks if b.strip()]
    return [" ".join(line.split()) for line in lines if line]


def _has_wrapped_lines(lines: list[str]) -> bool:
    """True when some paragraph spans several lines (a line not ending a sentence is followed by text)."""
    return any(
        line and nxt and not re.search(r"[.!?:\"”’)]$", line) and len(line) > 40
        for line, nxt in zip(lines, lines[1:], strict=False)
    )


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    match = DATELINE.match(paragraph)
    if not match or not _plausible_dateline(match):
        return None, paragraph
    month = MONTHS.get((match.group("month") or "").lower().rstrip("."))
    day = int(match.group("day")) if match.group("day") else None
    place = match.group("place")
    if place and match.group("region"):
        place = f"{place}, {match.group('region')}"
    rest = paragraph[match.end() :].lstrip()
    dateline = Dateline(
        place=place.title() if place and place.isupper() else place,
        month=month,
        day=day,
        outlet=match.group("outlet").strip(),
        raw=paragraph[: match.end()].strip(),
    )
    return dateline, rest


def _plausible_dateline(match: re.Match[str]) -> bool:
    outlet = match.group("outlet").strip()
    # A parenthesis that opens a sentence is an agency credit only if it is short and
    # mostly capitalised ("AP", "Yonhap", "KCNA"), not an aside such as "(for now)".
    words = outlet.split()
    return len(words) <= 4 and all(w[0].isupper() or w in {"&", "-"} for w in words)


def _strip_boilerplate(paragraphs: list[str], knowledge: Knowledge) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    removed: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        rule = next((r for r in knowledge.boilerplate if r.pattern.fullmatch(paragraph)), None)
        if rule is None:
            kept.append(paragraph)
        elif rule.action == "cut_rest":
            removed.extend(paragraphs[index:])
            break
        else:
            removed.append(paragraph)
    return kept, removed


def _read_header(paragraphs: list[str], has_title: bool) -> _Header:
    """Leading date lines and the headline, separated from the body."""
    date_lines: list[str] = []
    rest = list(paragraphs)
    title = None
    while rest:
        first = rest[0]
        if DATE_ONLY_LINE.match(_LEADING_DATE_LABEL.sub("", first)):
            date_lines.append(first)
            rest.pop(0)
            continue
        label = _LEADING_DATE_LABEL.match(first)
        iso = _ISO_PREFIX.match(first[label.end() :]) if label else None
        if label and iso:
            # "date 2026-01-21 President Lee ...": a date label glued to the first paragraph.
            date_lines.append(first[: label.end() + iso.end()].strip())
            rest[0] = first[label.end() + iso.end() :].strip()
            continue
        break
    if not has_title and len(rest) > 1 and _looks_like_headline(rest[0]):
        title = rest.pop(0)
        while rest and DATE_ONLY_LINE.match(_LEADING_DATE_LABEL.sub("", rest[0])):
            date_lines.append(rest.pop(0))
    return _Header(tuple(date_lines), title, [p for p in rest if p])


def _looks_like_headline(paragraph: str) -> bool:
    if len(paragraph) > _TITLE_MAX_CHARS or len(paragraph.split()) > _TITLE_MAX_WORDS:
        return False
    if DATELINE.match(paragraph):
        return False
    return not paragraph.rstrip().endswith((".", ",", ";", ":", "”", '"')) or paragraph.isupper()


def recognise_outlet(
    raw: RawArticle, dateline: Dateline | None, removed: list[str], knowledge: Knowledge
) -> str | None:
    """The outlet's id from the dateline, a credit or id line, the URL domain, or the source."""
    candidates = []
    if dateline and dateline.outlet:
        candidates.append(dateline.outlet)
    candidates.extend(removed)
    for candidate in candidates:
        for outlet in knowledge.outlets:
            if outlet.id_pattern is not None and outlet.id_pattern.search(candidate):
                return outlet.id
            if any(_names(alias, candidate) for alias in (*outlet.aliases, outlet.id)):
                return outlet.id
    if raw.url:
        host = (urlparse(raw.url).hostname or "").lower()
        for outlet in knowledge.outlets:
            if any(host == d or host.endswith("." + d) for d in outlet.domains):
                return outlet.id
    return raw.outlet


def _names(alias: str, line: str) -> bool:
    stripped = line.strip(" -—–()").strip()
    if stripped.lower() == alias.lower():
        return True
    return re.search(rf"(?<![A-Za-z]){re.escape(alias)}(?![A-Za-z])", line) is not None and len(line) < 60
