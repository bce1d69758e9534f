"""The statement finder's vocabulary: `speech_cues.csv`, the words that attribute what was said.

Columns: `lemma` (lower-case words; a verb's particle follows it: "call on", "point out",
"according to"), `kind` (what the speaker does: one of SPEECH_CUE_KINDS), `object` (what the
cue verb's direct object is, one of CUE_OBJECTS) and a free `note`. Each problem is a
DataFileError naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from peninsula.errors import DataFileError
from peninsula.knowledge.files import read_rows

SPEECH_CUE_KINDS = frozenset(
    {
        "say",
        "assert",
        "report",
        "pledge",
        "urge",
        "warn",
        "describe",
        "predict",
        "evaluate",
        "belief",
        "evidence",
        "intention",
        "stance",
    }
)
# What a cue's direct object is: what was said ("announced a plan"), who was spoken to ("told
# reporters"), what was said only with a predicate after it ("called it a 'pacemaker'"), or
# nothing said ("maintained the budget", "found a job": only a clause or quotation counts).
CUE_OBJECTS = frozenset({"content", "addressee", "predicate", "none"})
_LEMMA = re.compile(r"[a-z]+(?:[ -][a-z]+)*")


@dataclass(frozen=True, slots=True)
class Cue:
    """One vocabulary entry: a lemma and the particles it takes ("call", "on"), and its kind."""

    words: tuple[str, ...]
    kind: str
    object: str = "content"


@dataclass(frozen=True, slots=True)
class CueVocabulary:
    """The entries by their first word, the longest first."""

    by_word: Mapping[str, tuple[Cue, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_word.values())


def load_speech_cues(path: Path) -> CueVocabulary:
    """The cue vocabulary in `path`, checked line by line."""
    seen: dict[str, int] = {}
    entries: dict[str, list[Cue]] = {}
    for line, row in read_rows(path, ("lemma", "kind", "object")):
        lemma = " ".join(row["lemma"].split())
        if not _LEMMA.fullmatch(lemma):
            raise DataFileError(path, line, f"lemma {lemma!r} must be lower-case words")
        if row["kind"] not in SPEECH_CUE_KINDS:
            raise DataFileError(
                path, line, f"kind {row['kind']!r} not one of {sorted(SPEECH_CUE_KINDS)}"
            )
        if row["object"] not in CUE_OBJECTS:
            raise DataFileError(
                path, line, f"object {row['object']!r} not one of {sorted(CUE_OBJECTS)}"
            )
        if lemma in seen:
            raise DataFileError(path, line, f"duplicate lemma {lemma!r} (line {seen[lemma]})")
        seen[lemma] = line
        words = tuple(lemma.split())
        entries.setdefault(words[0], []).append(Cue(words, row["kind"], row["object"]))
    if not entries:
        raise DataFileError(path, None, "no cues")
    return CueVocabulary(
        MappingProxyType(
            {k: tuple(sorted(v, key=lambda c: -len(c.words))) for k, v in entries.items()}
        )
    )
