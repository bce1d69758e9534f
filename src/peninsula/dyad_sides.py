"""The state each actor stands for in a dyad, as date spans the store can join on.

`Names.state(actor, when)` rolls an actor up to its state on a date: the knowledge base's
answer (its own state, its country's or its parent's, else the state of a role it holds that
day) on the date's first day, then on its last, else the store's row (a state, or its
country). Only roles tie an actor to a state for a time, so the answer changes only where a
role starts or ends. `sides` cuts each actor's time at those days into spans of one answer,
so that the dyad scores are computed in the database for every event at once and give what
`Names.state` gives for each (`state_on` reads the spans the same way, in Python).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from peninsula.actor_names import Names, days_of
from peninsula.knowledge import Knowledge
from peninsula.store import StoredActor

__all__ = ["Side", "sides", "state_on"]


@dataclass(frozen=True, slots=True)
class Side:
    """From `start` (included) to `end` (excluded), the knowledge base places `actor` in
    `state` (None: in no state). `undated` is its answer for a date it cannot read, and
    `fallback` the store row's, the same every day."""

    actor: str
    start: date
    end: date
    state: str | None
    undated: str | None
    fallback: str | None


def sides(names: Names) -> tuple[Side, ...]:
    """The spans of every actor of the knowledge base and of the store (kept for the last
    few pairs of knowledge base and stored actors: they change only with a write)."""
    return _sides(names.knowledge, tuple(names.rows.values()))


@lru_cache(maxsize=4)
def _sides(knowledge: Knowledge, rows: tuple[StoredActor, ...]) -> tuple[Side, ...]:
    names = Names(rows, knowledge)
    out: list[Side] = []
    for actor in dict.fromkeys([*(a.id for a in knowledge.actors), *names.rows]):
        cuts: set[date] = set()
        for role in knowledge.roles_of(actor):
            for day in (role.start, role.end):
                if day is not None:
                    cuts.add(day)
                    if day < date.max:
                        cuts.add(day + timedelta(days=1))
        starts = [date.min, *sorted(cuts - {date.min})]
        undated = knowledge.state_of(actor, None)
        row = names.rows.get(actor)
        fallback = None if row is None else actor if row.kind == "state" else row.country or None
        spans: list[Side] = []
        for start, end in zip(starts, [*starts[1:], date.max], strict=True):
            state = knowledge.state_of(actor, start)
            if spans and spans[-1].state == state:
                last = spans.pop()
                start = last.start
            spans.append(Side(actor, start, end, state, undated, fallback))
        out += spans
    return tuple(out)


def state_on(spans: Sequence[Side], when: str | None) -> str | None:
    """An actor's state on `when` from its spans (those of one actor), as `Names.state`."""
    if not spans:
        return None
    days = days_of(when)
    if not days:
        return spans[0].undated or spans[0].fallback
    for day in days:
        for span in spans:
            if span.start <= day < span.end and span.state is not None:
                return span.state
    return spans[0].fallback
