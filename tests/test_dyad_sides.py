"""The spans of `dyad_sides` give `Names.state` for every actor on every kind of date."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from peninsula.actor_names import Names
from peninsula.dyad_sides import Side, sides, state_on
from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
from peninsula.store import StoredActor


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    """An invented envoy who changes sides mid-month, and one whose role ends mid-month."""
    extra = tmp_path_factory.mktemp("actors") / "mine.jsonl"
    extra.write_text(
        '{"id": "envoy_a", "name": "Envoy A", "kind": "person", "roles": ['
        '{"title": "Envoy", "of": "KOR", "start": "2024-01-01", "end": "2025-06-14"},'
        ' {"title": "Envoy", "of": "JPN", "start": "2025-06-15"}]}\n'
        '{"id": "envoy_b", "name": "Envoy B", "kind": "person",'
        ' "roles": [{"title": "Envoy", "of": "PRK", "start": "2024-03-10", "end": "2024-09-20"}]}\n'
    )
    return load_knowledge((extra,))


def _stored(actor_id: str, kind: str, country: str | None) -> StoredActor:
    return StoredActor(
        id=actor_id, name=actor_id, kind=kind, country=country, aliases=(), roles=(), verified=False
    )


def _dates(knowledge: Knowledge, actor: str) -> list[str | None]:
    """The first and last day of each of the actor's roles and those around them, their
    months and years, and dates no calendar has."""
    days: set[date] = {date(2016, 1, 1), date(2025, 12, 31)}
    for role in knowledge.roles_of(actor):
        for day in (role.start, role.end):
            if day is not None:
                days.update(day + timedelta(days=n) for n in (-1, 0, 1))
    out: list[str | None] = [None, "", "2025-02-30", "2025-13", "not a date"]
    for day in sorted(days):
        out += [day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]
    return out


@pytest.mark.parametrize("which", ["invented", "shipped"])
def test_the_spans_give_the_state_of_names(knowledge: Knowledge, which: str) -> None:
    known = knowledge if which == "invented" else default_knowledge()
    rows = [
        _stored("a_state", "state", None),
        _stored("a_body", "organization", "KOR"),
        _stored("envoy_b", "person", "CHN"),  # the store's country when no role holds
    ]
    names = Names(rows, known)
    spans: dict[str, list[Side]] = {}
    for side in sides(names):
        spans.setdefault(side.actor, []).append(side)
    assert {"a_state", "a_body", *(a.id for a in known.actors)} <= set(spans)
    for actor, own in spans.items():
        for when in _dates(known, actor):
            assert state_on(own, when) == names.state(actor, when), (actor, when)
    assert state_on([], "2025-01-01") is None  # an actor neither knows


def test_spans_cover_all_time_without_overlap(knowledge: Knowledge) -> None:
    found = [s for s in sides(Names([], knowledge)) if s.actor == "envoy_a"]
    assert found[0].start == date.min and found[-1].end == date.max
    assert all(a.end == b.start for a, b in pairwise(found))
    assert [s.state for s in found] == [None, "KOR", "JPN"]
