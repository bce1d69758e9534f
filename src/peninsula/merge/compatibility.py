"""The hard cues two items must pass to be one: dates, participants, codes.

Dates are compatible given their precision: "2025" fits "2025-08", "2025-08" does not fit
"2025-09" (`PartialDate.compatible`). Participants are compatible when equal, unknown on a side,
or one is a state and the other belongs to it on the day (`Knowledge.state_of`: lee_jae_myung on
2025-08-25 is KOR), or one is the other's parent organisation; two people of one state are not.
Codes are compatible with the same CAMEO root (first two digits) or the same PLOVER category.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import cache

from peninsula.knowledge import Knowledge
from peninsula.records import PartialDate, Precision

__all__ = [
    "actors_compatible",
    "codes_compatible",
    "dates_compatible",
    "day_of",
    "finer",
    "most_specific",
    "state_key",
]


def dates_compatible(
    a: str | None,
    b: str | None,
    a_precision: Precision | None = None,
    b_precision: Precision | None = None,
) -> bool:
    """True when the dates may name the same day: "2025" fits "2025-08", not "2024-08"; an
    unknown date fits anything."""
    first = parsed(a, a_precision)
    return first is None or first.compatible(parsed(b, b_precision))


@cache
def parsed(value: str | None, precision: Precision | None = None) -> PartialDate | None:
    """`PartialDate.parse`, once per value: merging compares the same dates many times."""
    return PartialDate.parse(value, precision)


def finer(
    a: tuple[str | None, Precision | None], b: tuple[str | None, Precision | None]
) -> tuple[str | None, Precision | None]:
    """The more precise of two compatible dates (the first on a tie)."""
    return b if _parts(*b) > _parts(*a) else a


def _parts(value: str | None, precision: Precision | None) -> int:
    found = parsed(value, precision)
    return len(found.parts) if found is not None else 0


@cache
def day_of(value: str | None, precision: Precision | None = None) -> date | None:
    """The first day a date may name, for role look-ups."""
    found = parsed(value, precision)
    return found.first_day() if found is not None else None


def actors_compatible(
    a: str | None, b: str | None, knowledge: Knowledge | None = None, day: date | None = None
) -> bool:
    """True when `a` and `b` may be the same participant: equal, unknown on a side, one the
    state the other belongs to on `day`, or one the other's parent organisation."""
    if a is None or b is None or a == b:
        return True
    if knowledge is None:
        return False
    return _covers(a, b, knowledge, day) or _covers(b, a, knowledge, day)


def _covers(whole: str, part: str, knowledge: Knowledge, day: date | None) -> bool:
    """`whole` stands for `part`: it is part's state, or an ancestor organisation of it."""
    actor = knowledge.actor(whole)
    if actor is not None and actor.kind == "state" and knowledge.state_of(part, day) == whole:
        return True
    seen: set[str] = set()
    current = knowledge.actor(part)
    while current is not None and current.parent and current.parent not in seen:
        if current.parent == whole:
            return True
        seen.add(current.parent)
        current = knowledge.actor(current.parent)
    return False


def codes_compatible(
    a_root: str | None, a_category: str | None, b_root: str | None, b_category: str | None
) -> bool:
    """Same CAMEO root, or same PLOVER category; an unknown code is not compatible here (the
    merge then compares triggers instead)."""
    if a_root and b_root and a_root == b_root:
        return True
    return bool(a_category and b_category and a_category == b_category)


def state_key(actor: str | None, knowledge: Knowledge | None, day: date | None) -> str | None:
    """The block an actor falls in: its state on `day`, else itself (None: unknown)."""
    if actor is None or knowledge is None:
        return actor
    return knowledge.state_of(actor, day) or actor


def most_specific(actors: Sequence[str | None], knowledge: Knowledge | None) -> str | None:
    """The participant to show: a person or body over the state it belongs to, then the most
    often named, then the first named."""
    named = [a for a in actors if a]
    if not named:
        return None
    counts = Counter(named)

    def rank(actor: str) -> tuple[bool, int, int]:
        found = knowledge.actor(actor) if knowledge is not None else None
        specific = found is None or found.kind != "state"
        return (specific, counts[actor], -named.index(actor))

    return max(counts, key=rank)
