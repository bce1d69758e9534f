"""The words that refer to actors without naming them: `references.csv`.

Columns: `phrase` (lower-case words), `kind` (one of REFERENCE_KINDS), `gender` (`male`,
`female` or empty), `number` (1 for one, 2 or more for several; for a `number` word, the count it
states), `member` (`yes` for a `person` noun whose unnamed bearer speaks for a body: "a ministry
official", "a South Korean diplomat"; not "an analyst", "South Korean activists") and a free
`note`. The entity resolver (`nlp.entities`) reads them:

- `pronoun`: he/she (a person of that gender), it (a body), they (a group);
- `self`: I, we (a quotation with one is in its speaker's own words: the others it names are
  not who "he" after it is);
- `honorific`: Mr., Ms. (the gender of the name after it);
- `person`: nouns for a person left unnamed or named before ("the official", "a spokeswoman",
  "the three ministers");
- `body`: nouns for a body named before ("the ministry", "the military");
- `media`: nouns for an outlet ("state media", "news agency"); they also make an unknown
  organisation an outlet ("... News Agency");
- `outlet`: words of outlet names that refer to nothing by themselves ("... Times", "... TV");
- `statement`: nouns for a text its authors issue ("the joint statement": "It said" after one
  is its authors);
- `state`: nouns for states ("both sides", "the two countries");
- `number`: count words ("both", "three");
- `thing`: the last word of a name that is no actor ("... Agreement", "... Shield", "... Summit",
  a time zone): the parser's person or organisation with such a name is none.

Each problem is a DataFileError naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from peninsula.errors import DataFileError
from peninsula.knowledge.files import read_rows

REFERENCE_KINDS = frozenset(
    {
        "pronoun",
        "self",
        "honorific",
        "person",
        "body",
        "media",
        "outlet",
        "statement",
        "state",
        "number",
        "thing",
    }
)
_GENDERS = frozenset({"male", "female"})
_PHRASE = re.compile(r"[^\sA-Z]+(?: [^\sA-Z]+)*")


@dataclass(frozen=True, slots=True)
class Reference:
    """What a referring word means: its kind, the gender it implies, how many it names."""

    phrase: str
    kind: str
    gender: str | None
    number: int
    member: bool = False


@dataclass(frozen=True, slots=True)
class References:
    """The referring words by their last word (the head of the noun phrase), longest first."""

    by_last_word: Mapping[str, tuple[Reference, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    by_kind: Mapping[tuple[str, str], Reference] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def of(self, words: list[str]) -> Reference | None:
        """The longest entry that the lower-case `words` end with."""
        if not words:
            return None
        for reference in self.by_last_word.get(words[-1], ()):
            size = len(reference.phrase.split())
            if words[-size:] == reference.phrase.split():
                return reference
        return None

    def word(self, word: str, kind: str) -> Reference | None:
        """The entry `word` of `kind`."""
        return self.by_kind.get((word, kind))


def load_references(path: Path) -> References:
    """The referring words in `path`, checked line by line."""
    found: dict[str, list[Reference]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in read_rows(path, ("phrase", "kind", "number")):
        phrase = " ".join(row["phrase"].split())
        if not _PHRASE.fullmatch(phrase):
            raise DataFileError(path, line, f"phrase {phrase!r} must be lower-case words")
        kind = row["kind"]
        if kind not in REFERENCE_KINDS:
            raise DataFileError(path, line, f"kind {kind!r} not one of {sorted(REFERENCE_KINDS)}")
        gender = row.get("gender") or None
        if gender is not None and gender not in _GENDERS:
            raise DataFileError(path, line, f"gender {gender!r} not one of {sorted(_GENDERS)}")
        if not row["number"].isdigit() or int(row["number"]) < 1:
            raise DataFileError(path, line, f"number {row['number']!r} is not a count")
        if (phrase, kind) in seen:
            raise DataFileError(
                path, line, f"duplicate {kind} {phrase!r} (line {seen[phrase, kind]})"
            )
        member = row.get("member") or ""
        if member not in ("", "yes") or (member and kind != "person"):
            raise DataFileError(path, line, f"member {member!r}: 'yes' on a person noun, or empty")
        seen[phrase, kind] = line
        reference = Reference(phrase, kind, gender, int(row["number"]), member == "yes")
        found.setdefault(phrase.split()[-1], []).append(reference)
    return References(
        MappingProxyType(
            {k: tuple(sorted(v, key=lambda r: -len(r.phrase.split()))) for k, v in found.items()}
        ),
        MappingProxyType({(r.phrase, r.kind): r for v in found.values() for r in v}),
    )
