"""Which rows each table of a filtered export keeps, on hand-made records."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from peninsula.errors import NotFound, SettingsError
from peninsula.eventdata import select_events
from peninsula.filters import EventFilter
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.records import Actor, MergedCommitment, Role, Span, Statement, Wording
from peninsula.selection import TABLE_RULES, select_tables
from peninsula.store import StoredMention
from tests.test_eventdata import merged
from tests.test_query import FakeStore, document


class TableStore(FakeStore):
    """The fake read side, with the per-document rows a filtered export reads too."""

    def __init__(
        self,
        statements: list[Statement],
        events: list[Any],
        mentions: list[StoredMention],
        merged_events: list[Any],
        **kw: Any,
    ) -> None:
        super().__init__(events=merged_events, **kw)
        self._found_statements = statements
        self._found_events = events
        self._mentions = mentions

    def statements(self, document_id: str | None = None) -> list[Statement]:
        return self._found_statements

    def events(self, document_id: str | None = None) -> list[Any]:
        return self._found_events

    def mentions(self, document_id: str | None = None) -> list[StoredMention]:
        return self._mentions


def said(doc: str, speaker: str, when: str | None, end: int) -> Statement:
    return Statement(
        document_id=doc, kind="quote", content=Span(0, end), text="Invented words.",
        speaker=speaker, speaker_text=None, source=None, cue="said", cue_span=None, date=when,
    )  # fmt: skip


def pledge(
    id: str, actor: str, target: str | None, code: str, category: str, first: str, last: str,
    statement: str,
) -> MergedCommitment:  # fmt: skip
    doc = statement.split(":")[0]
    wording = Wording(id, doc, "Invented pledge.", first, 0, 10, statement_id=statement)
    return MergedCommitment(
        id=id, actor=actor, actor_text=None, target=target, text="to meet", code=code,
        root=code[:2], category=category, status="open", status_evidence=None,
        first_stated=first, last_stated=last, count=1, sources=1, members=(), mentions=(wording,),
    )  # fmt: skip


def mention(doc: str, actor: str, start: int, end: int) -> StoredMention:
    return StoredMention(f"{doc}:m{start}", doc, actor, "name", start, end, "invented")


@pytest.fixture
def world() -> Knowledge:
    """Two states, a minister of the first (a dated role) and an envoy of the second."""
    base = default_knowledge()
    actors = (
        Actor("AAA", "Avaland", "state", country="AAA"),
        Actor("BBB", "Borduria", "state", country="BBB"),
        Actor("mina_ro", "Mina Ro", "person"),
        Actor("kip_tal", "Kip Tal", "person", country="BBB"),
    )
    role = Role("mina_ro", "Foreign Minister", "AAA", date(2025, 1, 1), date(2025, 6, 30), "src")
    return Knowledge(
        actors=actors,
        roles=(role,),
        events=base.events,
        _by_id={a.id: a for a in actors},
        _roles_by_actor={"mina_ro": (role,)},
    )


@pytest.fixture
def store() -> TableStore:
    """Three merged events (d1-d3), four statements, two pledges; d5 backs nothing."""
    s1 = said("d1", "mina_ro", "2025-03-02", 40)  # names Borduria
    s3 = said("d3", "mina_ro", None, 30)
    s4 = said("d4", "kip_tal", "2025-09-01", 50)  # names Avaland
    return TableStore(
        statements=[s1, said("d2", "BBB", "2025-08-05", 30), s3, s4],
        events=[
            SimpleNamespace(id="e1-d1", statement_id=s1.id),
            SimpleNamespace(id="e2-d2", statement_id=None),
            SimpleNamespace(id="e3-d3", statement_id=s3.id),
        ],
        mentions=[
            mention("d1", "BBB", 10, 18),
            mention("d2", "AAA", 35, 42),  # outside the statement's words
            mention("d4", "AAA", 5, 12),
        ],
        merged_events=[
            merged("e1", "mina_ro", "BBB", "2025-03", docs=("d1",)),
            merged("e2", "BBB", "AAA", "2025-08-05", code="130", category="THREATEN", docs=("d2",)),
            merged("e3", "mina_ro", "BBB", "2025", modality="pledged", docs=("d3",)),
        ],
        commitments=[
            pledge("c1", "mina_ro", "BBB", "036", "AGREE", "2025-03-02", "2025-08-10", s1.id),
            pledge("c2", "BBB", None, "130", "THREATEN", "2025-10-01", "2025-10-01", s4.id),
        ],
        documents=[document(d, "x") for d in ("d1", "d2", "d3", "d4", "d5")],
    )


S1, S2, S3, S4 = "d1:s0-40", "d2:s0-30", "d3:s0-30", "d4:s0-50"


def kept(store: TableStore, world: Knowledge, **kw: Any) -> dict[str, set[str]]:
    found = select_tables(store, world, EventFilter(**kw))  # type: ignore[arg-type]
    assert set(found) == set(TABLE_RULES)
    return {table: set(ids) for table, ids in found.items()}


def test_events_are_those_the_event_exports_select(store: TableStore, world: Knowledge) -> None:
    filters: list[dict[str, Any]] = [
        {"since": "2025-06"}, {"actor": "Mina Ro"}, {"code": "13"}, {"pair": ("AAA", "BBB")},
        {"modality": "pledged", "until": "2025-12"},
    ]  # fmt: skip
    for kw in filters:
        events = {e.id for e in select_events(store, world, EventFilter(**kw))}  # type: ignore[arg-type]
        assert kept(store, world, **kw)["events"] == events


def test_date_bounds(store: TableStore, world: Knowledge) -> None:
    late = kept(store, world, since="2025-06")
    assert late["events"] == {"e2", "e3"}  # a year-dated event overlaps June
    assert late["statements"] == {S2, S4}  # by their own date; the undated one is left out
    assert late["commitments"] == {"c1", "c2"}  # c1 was still being stated in August
    assert late["documents"] == {"d1", "d2", "d3", "d4"}  # c1 was worded in d1; d5 backs nothing
    early = kept(store, world, until="2025-03-31")
    assert (early["events"], early["statements"], early["commitments"]) == (
        {"e1", "e3"}, {S1}, {"c1"},
    )  # fmt: skip
    assert early["documents"] == {"d1", "d3"}


def test_actor_is_a_side_a_speaker_or_a_pledger(store: TableStore, world: Knowledge) -> None:
    state = kept(store, world, actor="Avaland")  # with its minister, on the day
    assert state["events"] == {"e1", "e2", "e3"}
    assert state["statements"] == {S1, S3}
    assert state["commitments"] == {"c1"}
    person = kept(store, world, actor="Kip Tal")
    assert (person["events"], person["statements"], person["commitments"]) == (set(), {S4}, set())
    assert person["actors"] == {"kip_tal", "BBB"}  # the person and the state it belongs to
    assert person["documents"] == {"d4"}


def test_pair_statements_name_the_other_side(store: TableStore, world: Knowledge) -> None:
    two = kept(store, world, pair=("Borduria", "Avaland"))
    assert two["events"] == {"e1", "e2", "e3"}
    assert two["statements"] == {S1, S4}  # d2's speaker names Avaland outside its words
    assert two["commitments"] == {"c1"}  # c2 has no target
    assert kept(store, world, pair=("AAA", "AAA"))["commitments"] == set()


def test_event_only_filters_keep_the_statements_behind_the_rows(
    store: TableStore, world: Knowledge
) -> None:
    threats = kept(store, world, code="13")
    assert (threats["events"], threats["commitments"]) == ({"e2"}, {"c2"})
    assert threats["statements"] == {S4}  # e2 came from no statement; c2 was worded in S4
    assert threats["actors"] == {"AAA", "BBB", "kip_tal"}
    agreed = kept(store, world, category="agree")
    assert (agreed["events"], agreed["commitments"]) == ({"e1", "e3"}, {"c1"})
    assert agreed["statements"] == {S1, S3}
    pledged = kept(store, world, modality="pledged")
    assert pledged["events"] == {"e3"}
    assert pledged["commitments"] == {"c1", "c2"}  # a commitment is a pledge
    assert pledged["statements"] == {S1, S3, S4}
    negated = kept(store, world, modality="negated")
    assert all(not negated[t] for t in ("events", "statements", "commitments", "documents"))


def test_filters_combine(store: TableStore, world: Knowledge) -> None:
    both = kept(store, world, since="2025-06", actor="Borduria", code="13")
    assert (both["events"], both["statements"], both["commitments"]) == ({"e2"}, {S4}, {"c2"})


def test_bad_filters_are_refused(store: TableStore, world: Knowledge) -> None:
    with pytest.raises(NotFound, match="Nobody"):
        kept(store, world, actor="Nobody Here")
    with pytest.raises(SettingsError, match="--code"):
        kept(store, world, code="x1")
    with pytest.raises(SettingsError, match="--until"):
        kept(store, world, since="2026", until="2025")
    with pytest.raises(SettingsError, match="--modality"):
        kept(store, world, modality="maybe")
