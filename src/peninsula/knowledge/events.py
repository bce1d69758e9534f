"""The event coder's data files: CAMEO codes, verb and noun patterns, and cue words.

All three are validated as they load; every problem is a DataFileError naming the file and line.

- `cameo.csv`: code, name, Goldstein score, PLOVER event type and mode, `intent`, the CAMEO
  code for *expressing the intent* to do it (a pledge to meet is 036, not 04x), and `paired`,
  the code the target gets the other way round (a visit is hosted: 042 → 043; talks are mutual).
- `event_patterns.jsonl`: one pattern per line. `verbs` or `nouns` (lemmas) trigger it; `objects`
  (lemmas or lemma phrases, any one) must appear in the trigger's complement, and so must one of
  `also` when given; `subjects` (lemmas) constrain the subject's head word ("tanks hit" is
  military force, not assault); `preps` (any one) must hang off the trigger. `governs:
  "intent"` lets an embedded action refine the code ("agreed to hold talks" → 036), `modality:
  "pledged"` marks pledge verbs, `target_required` keeps a noun trigger only when it names a
  target. `examples` are hand-written sentences that label the embedding classifier.
- `event_cues.csv`: speech verbs, modality cues, words for "the speaker's own government", agent
  nouns that may stand for a participant the knowledge base does not know, and the words the
  commitment finder reads (verbs of promising, nouns for the speaker's own side), and the PLOVER
  categories (lower case, cue `pledged_keeps_category`) whose pledged events keep their own code
  instead of CAMEO's intent code: a scheduled meeting stays CONSULT + pledged, an announced
  coercive measure SANCTION + pledged. A PLOVER category (lower case) with cue `refusal` and a
  CAMEO code in the `sector` column: its event declared not to happen ("will not attend", "will
  never give up") is a refusal coded so (REJECT, actual); a verb with cue `attendance` ("attend",
  "join") not done is one in any tense ("did not attend the ceremony": a boycott).
- `quad_classes.csv`: the quad class (1 verbal cooperation, 2 material cooperation, 3 verbal
  conflict, 4 material conflict) of each CAMEO root, as event-data exports carry it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from peninsula.errors import DataFileError
from peninsula.knowledge.files import read_rows

# PLOVER event types (draft 0.8). CAMEO 01 has none: PLOVER dropped public statements.
PLOVER_TYPES = frozenset(
    [
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "COOPERATE",
        "AID",
        "CONCEDE",
        "RETREAT",
        "ACCUSE",
        "REQUEST",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "MOBILIZE",
        "SANCTION",
        "COERCE",
        "ASSAULT",
    ]
)
# speech: a reporting verb; pledged, hypothetical, negated: modality cues; own_government: words
# for the speaker's own government; agent: a noun that may stand for an unknown participant (with
# its sector); promise: a verb of promising (what it cues or governs is a commitment); own_side:
# a noun for the speaker's own side as the subject of a promise ("her office will"); denial: a
# verb denying what it governs ("denied that ..."): the denied deed is contested, not done;
# allege: a speech word claiming a deed of others ("claimed that drones flew"): an accusation;
# refusal: a category whose declared non-occurrence is a rejection (its code in `sector`);
# attendance: a verb of taking part whose non-occurrence is a refusal in any tense; obligation:
# a modal of duty ("must"): "we must ..." in a speaker's mouth is a pledge, not a demand;
# scheduled: a verb whose passive ("is expected to visit") announces a plan: pledged; group: a
# noun for several actors named before ("the two leaders"; `sector`: person, state or any);
# count: a word giving how many ("two", "both"; `sector`: the number); accusatory: a CAMEO code
# (as the word) whose deed, said of others, is the speaker's accusation ("said X violated ...");
# pledge_keeps_category: a PLOVER category (lower case) that a pledge verb governing it keeps
# ("vowed to seal the border": SANCTION + pledged, not a threat).
EVENT_CUE_KINDS = frozenset(
    {"speech", "pledged", "hypothetical", "negated", "own_government", "agent", "promise",
     "own_side", "denial", "allege", "pledged_keeps_category", "refusal", "attendance",
     "obligation", "scheduled", "group", "count",
     "accusatory", "pledge_keeps_category"}
)  # fmt: skip
_PATTERN_KEYS = frozenset(
    {"code", "verbs", "nouns", "objects", "also", "preps", "subjects", "governs", "modality",
     "target_required", "examples", "note"}
)  # fmt: skip
_CODE = re.compile(r"\d{2,4}")


@dataclass(frozen=True, slots=True)
class Cameo:
    code: str
    name: str
    goldstein: float
    plover: str | None
    mode: str | None
    intent: str | None
    paired: str | None = None

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass(frozen=True, slots=True)
class Pattern:
    code: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    objects: tuple[str, ...]
    also: tuple[str, ...]
    subjects: frozenset[str]
    preps: frozenset[str]
    governs_intent: bool
    pledge: bool
    target_required: bool
    examples: tuple[str, ...]
    line: int

    @property
    def specificity(self) -> int:
        """Patterns with more constraints win over bare verbs."""
        constraints = 2 * bool(self.objects) + 2 * bool(self.also) + 2 * bool(self.subjects)
        return 1 + constraints + bool(self.preps)


@dataclass(frozen=True, slots=True)
class EventCues:
    words: Mapping[str, frozenset[str]] = field(default_factory=dict)  # word -> cue kinds
    sectors: Mapping[str, str] = field(default_factory=dict)  # agent noun -> sector code
    refusals: Mapping[str, str] = field(default_factory=dict)  # category -> REJECT code
    groups: Mapping[str, str] = field(default_factory=dict)  # group noun -> person/state/any
    counts: Mapping[str, int] = field(default_factory=dict)  # "two" -> 2

    def has(self, word: str, kind: str) -> bool:
        return kind in self.words.get(word, frozenset())


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity, for caches
class EventData:
    """What the event coder reads: CAMEO codes, trigger patterns and cue words."""

    cameo: Mapping[str, Cameo] = field(default_factory=dict)
    patterns: tuple[Pattern, ...] = ()
    cues: EventCues = field(default_factory=EventCues)
    # word -> the patterns it may trigger, in file order: a token looks at a handful, not all
    by_verb: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    by_noun: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    quad_classes: Mapping[str, int] = field(default_factory=dict)  # CAMEO root -> 1..4

    def quad_class(self, code: str | None) -> int | None:
        """The quad class of a CAMEO code (from its root); None for no or an unknown code."""
        return self.quad_classes.get(code[:2]) if code else None


def load_event_data(
    cameo_path: Path, patterns_path: Path, cues_path: Path, quad_path: Path | None = None
) -> EventData:
    cameo = load_cameo(cameo_path)
    patterns = load_patterns(patterns_path, cameo)
    cues = load_event_cues(cues_path)
    for category, code in cues.refusals.items():
        if code not in cameo or cameo[code].plover != "REJECT":
            raise DataFileError(cues_path, None, f"refusal of {category}: {code} is no REJECT code")
    return EventData(
        cameo,
        patterns,
        cues,
        by_verb=_index(patterns, lambda p: p.verbs),
        by_noun=_index(patterns, lambda p: p.nouns),
        quad_classes=load_quad_classes(quad_path, cameo) if quad_path else MappingProxyType({}),
    )


def load_quad_classes(path: Path, cameo: Mapping[str, Cameo]) -> Mapping[str, int]:
    """Root -> quad class (1-4); every root of `cameo` has exactly one."""
    found: dict[str, int] = {}
    for line, row in read_rows(path, ("root", "quad_class")):
        root, value = row["root"], row["quad_class"]
        if root not in cameo or len(root) != 2:
            raise DataFileError(path, line, f"root {root!r} is not a CAMEO root in cameo.csv")
        if root in found:
            raise DataFileError(path, line, f"duplicate root {root!r}")
        if value not in ("1", "2", "3", "4"):
            raise DataFileError(path, line, f"quad_class must be 1, 2, 3 or 4, got {value!r}")
        found[root] = int(value)
    missing = sorted(c for c in cameo if len(c) == 2 and c not in found)
    if missing:
        raise DataFileError(path, None, f"no quad class for root(s) {', '.join(missing)}")
    return MappingProxyType(found)


def _index(
    patterns: tuple[Pattern, ...], words: Callable[[Pattern], frozenset[str]]
) -> Mapping[str, tuple[Pattern, ...]]:
    found: dict[str, list[Pattern]] = {}
    for pattern in patterns:
        for word in words(pattern):
            found.setdefault(word.lower(), []).append(pattern)
    return MappingProxyType({k: tuple(v) for k, v in found.items()})


def load_cameo(path: Path) -> Mapping[str, Cameo]:
    codes: dict[str, Cameo] = {}
    references: list[tuple[int, str, str]] = []
    for line, row in read_rows(path, ("code", "name", "goldstein")):
        code = row["code"]
        if not _CODE.fullmatch(code):
            raise DataFileError(path, line, f"code {code!r} is not 2 to 4 digits")
        if code in codes:
            raise DataFileError(path, line, f"duplicate code {code!r}")
        if len(code) > 2 and code[:2] not in codes:
            raise DataFileError(path, line, f"code {code!r} comes before its root {code[:2]!r}")
        codes[code] = Cameo(
            code=code,
            name=row["name"],
            goldstein=_goldstein(row["goldstein"], path, line),
            plover=_plover(row.get("plover", ""), path, line),
            mode=row.get("mode") or None,
            intent=row.get("intent") or None,
            paired=row.get("paired") or None,
        )
        references += [(line, c, row[c]) for c in ("intent", "paired") if row.get(c)]
    for line, column, code in references:
        if code not in codes:
            raise DataFileError(path, line, f"{column} {code!r} is not a known code")
    return MappingProxyType(codes)


def _goldstein(value: str, path: Path, line: int) -> float:
    try:
        score = float(value)
    except ValueError:
        raise DataFileError(path, line, f"goldstein {value!r} is not a number") from None
    if not -10.0 <= score <= 10.0:
        raise DataFileError(path, line, f"goldstein {score} is outside -10..10")
    return score


def _plover(value: str, path: Path, line: int) -> str | None:
    if value and value not in PLOVER_TYPES:
        raise DataFileError(path, line, f"plover {value!r} not one of {sorted(PLOVER_TYPES)}")
    return value or None


def load_patterns(path: Path, cameo: Mapping[str, Cameo]) -> tuple[Pattern, ...]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read ({exc})") from None
    patterns = []
    for number, text in enumerate(lines, start=1):
        if text.strip() and not text.lstrip().startswith("#"):
            patterns.append(_pattern(_json_object(text, path, number), cameo, path, number))
    if not patterns:
        raise DataFileError(path, None, "no patterns")
    return tuple(patterns)


def _json_object(text: str, path: Path, line: int) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise DataFileError(path, line, f"malformed JSON ({exc})") from None
    if not isinstance(record, dict):
        raise DataFileError(path, line, "each line must be a JSON object")
    unknown = sorted(set(record) - _PATTERN_KEYS)
    if unknown:
        raise DataFileError(path, line, f"unknown field(s): {', '.join(unknown)}")
    return record


def _pattern(record: dict[str, Any], cameo: Mapping[str, Cameo], path: Path, line: int) -> Pattern:
    code = record.get("code")
    if not isinstance(code, str) or code not in cameo:
        raise DataFileError(path, line, f"code {code!r} is not in cameo.csv")
    verbs = _words(record, "verbs", path, line)
    nouns = _words(record, "nouns", path, line)
    if bool(verbs) == bool(nouns):
        raise DataFileError(path, line, "give exactly one of 'verbs' and 'nouns'")
    if record.get("also") and not record.get("objects"):
        raise DataFileError(path, line, "'also' needs 'objects'")
    governs = record.get("governs")
    if governs not in (None, "intent"):
        raise DataFileError(path, line, f"governs {governs!r} must be 'intent'")
    modality = record.get("modality")
    if modality not in (None, "pledged"):
        raise DataFileError(path, line, f"modality {modality!r} must be 'pledged'")
    required = record.get("target_required", False)
    if not isinstance(required, bool):
        raise DataFileError(path, line, "target_required must be true or false")
    return Pattern(
        code=code,
        verbs=frozenset(verbs),
        nouns=frozenset(nouns),
        objects=tuple(w.lower() for w in _words(record, "objects", path, line)),
        also=tuple(w.lower() for w in _words(record, "also", path, line)),
        subjects=frozenset(w.lower() for w in _words(record, "subjects", path, line)),
        preps=frozenset(_words(record, "preps", path, line)),
        governs_intent=governs == "intent",
        pledge=modality == "pledged",
        target_required=required,
        examples=tuple(_words(record, "examples", path, line)),
        line=line,
    )


def _words(record: dict[str, Any], key: str, path: Path, line: int) -> list[str]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(path, line, f"{key!r} must be a list of non-empty strings")
    return [v.strip() for v in value]


def load_event_cues(path: Path) -> EventCues:
    words: dict[str, set[str]] = {}
    sectors: dict[str, str] = {}
    refusals: dict[str, str] = {}
    groups: dict[str, str] = {}
    counts: dict[str, int] = {}
    for line, row in read_rows(path, ("word", "cue")):
        if row["cue"] not in EVENT_CUE_KINDS:
            raise DataFileError(
                path, line, f"cue {row['cue']!r} not one of {sorted(EVENT_CUE_KINDS)}"
            )
        words.setdefault(row["word"].lower(), set()).add(row["cue"])
        if row["cue"] == "agent":
            if not row.get("sector"):
                raise DataFileError(path, line, "an agent needs a sector")
            sectors[row["word"].lower()] = row["sector"]
        if row["cue"] == "refusal":
            if not _CODE.fullmatch(row.get("sector") or ""):
                raise DataFileError(path, line, "a refusal needs its CAMEO code in 'sector'")
            refusals[row["word"].upper()] = row["sector"]
        if row["cue"] == "group":
            if row.get("sector") not in ("person", "state", "any"):
                raise DataFileError(path, line, "a group noun needs person, state or any")
            groups[row["word"].lower()] = row["sector"]
        if row["cue"] == "count":
            if not (row.get("sector") or "").isdigit():
                raise DataFileError(path, line, "a count word needs its number in 'sector'")
            counts[row["word"].lower()] = int(row["sector"])
    frozen = {k: frozenset(v) for k, v in words.items()}
    return EventCues(
        MappingProxyType(frozen),
        MappingProxyType(sectors),
        MappingProxyType(refusals),
        MappingProxyType(groups),
        MappingProxyType(counts),
    )
