"""The lookup tables (`store.keys`) answer as a straightforward read does: the timeline and the
dyad scores of a real store (pages read from `timeline_keys` and `dyad_keys`) equal those of
the same records read whole and filtered in Python, on invented records whose people change
state over time; keyset pages put together give the whole list; the merge write path keeps
the lookups in step."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge, load_knowledge
from peninsula.query import KINDS, cursor, dyads, first_of_each, timeline
from peninsula.records import (
    Links,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    StatementEvidence,
    Wording,
)
from peninsula.store import Store, reads
from peninsula.store.rows import MERGED_COLUMNS, merged_row
from tests.test_query import FakeStore, event

ACTORS = ("KOR", "PRK", "USA", "JPN", "envoy_tae", "minister_ko", "unknown_person")
DATES = ("2024", "2024-05", "2024-05-03", "2024-11-20", "2025-02", "2025-02-14", "2025-06-30",
         "2025-07-01", "2025-07", "2025-12-31", None)  # fmt: skip


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    """Two invented people: an envoy of KOR who serves JPN from 2025-07, a minister of PRK."""
    extra = tmp_path_factory.mktemp("actors") / "mine.jsonl"
    extra.write_text(
        '{"id": "envoy_tae", "name": "Envoy Tae", "kind": "person", "roles": ['
        '{"title": "Envoy", "of": "KOR", "start": "2024-01-01", "end": "2025-06-30"},'
        ' {"title": "Envoy", "of": "JPN", "start": "2025-07-01"}]}\n'
        '{"id": "minister_ko", "name": "Minister Ko", "kind": "person",'
        ' "roles": [{"title": "Minister", "of": "PRK", "start": "2024-03-01"}]}\n'
    )
    return load_knowledge((extra,))


def _records(
    seed: int, count: int
) -> tuple[list[MergedEvent], list[MergedStatement], list[MergedCommitment]]:
    rng = random.Random(seed)
    events = []
    for i in range(count):
        source, target = rng.choice(ACTORS), rng.choice((*ACTORS, None))
        events.append(
            event(
                f"e{seed}-{i:03d}", source, target, rng.choice(DATES),
                modality=rng.choice(("actual", "actual", "pledged", "negated")),
                goldstein=rng.choice((-4.0, 1.0, 3.5)), code=rng.choice(("040", "111", "057")),
                doc=f"d{rng.randrange(5)}", at=rng.randrange(50),
                reported_by=rng.choice((None, None, rng.choice(ACTORS))),
            )
        )  # fmt: skip
    statements = []
    for i in range(count // 2):
        when = rng.choice(DATES)
        speaker = rng.choice((*ACTORS, None))
        quote = StatementEvidence(f"s{seed}-{i}", "d1", f"words {i}", 0, 9, when)
        statements.append(
            MergedStatement(
                id=f"s{seed}-{i:03d}", speaker=speaker, speaker_text=speaker, kind="direct",
                cue="said", text=f"words {i}", date=when, date_precision=None,
                first_reported=when, sources=1, reports=1, evidence=(quote,),
            )
        )  # fmt: skip
    commitments = []
    for i in range(count // 5):
        first, last = sorted(rng.sample([d for d in DATES if d], 2))
        pledge = Wording(f"c{seed}-{i}", "d2", f"pledge {i}", first, 0, 9)
        commitments.append(
            MergedCommitment(
                id=f"c{seed}-{i:03d}", actor=rng.choice(ACTORS), actor_text=None, target=None,
                text=f"pledge {i}", code="057", root="05", category=None, status="open",
                status_evidence=None, first_stated=first,
                last_stated=rng.choice((last, None)), count=1, sources=1,
                members=(f"c{seed}-{i}",), mentions=(pledge,),
            )
        )  # fmt: skip
    return events, statements, commitments


def _table(name: str, records: Sequence[Any]) -> pa.Table:
    columns = MERGED_COLUMNS[name]
    values = [merged_row(r) for r in records]
    return pa.table({c: [v[i] for v in values] for i, c in enumerate(columns)})


def _by_date(records: Sequence[Any], first: str = "date") -> list[Any]:
    """In the order of the store's unfiltered reads: date, undated last, then id."""
    return sorted(records, key=lambda r: (getattr(r, first) is None, getattr(r, first) or "", r.id))


def _reference(events: Any, statements: Any, commitments: Any, actors: Any) -> FakeStore:
    return FakeStore(
        events=_by_date(events),
        statements=_by_date(statements),
        commitments=_by_date(commitments, "first_stated"),
        actors=actors,
    )


@pytest.fixture(scope="module")
def stores(
    knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, FakeStore]]:
    events, statements, commitments = _records(1, 160)
    db = tmp_path_factory.mktemp("keys") / "kb.duckdb"
    with Store(db) as store:
        store.write_actors(knowledge)
        half = len(events) // 2
        store.load_merged("event", _table("merged_events", events[:half]))
        store.load_merged("event", _table("merged_events", events[half:]))
        store.load_merged("statement", _table("merged_statements", statements))
        store.load_merged("commitment", _table("merged_commitments", commitments))
        store.sort_lookups()
        actors = store.actors()
    with Store(db, read_only=True) as read_only:
        yield read_only, _reference(events, statements, commitments, actors)


QUESTIONS: list[dict[str, Any]] = [
    {},
    {"actor": "KOR"},
    {"actor": "envoy_tae"},
    {"actor": "USA", "since": "2025"},
    {"dyad": ("KOR", "PRK")},
    {"dyad": ("JPN", "PRK"), "since": "2025-02"},
    {"dyad": ("envoy_tae", "PRK")},
    {"dyad": ("KOR", "minister_ko")},
    {"dyad": ("KOR", "KOR")},
    {"since": "2025-02", "until": "2025-07"},
    {"until": "2024-05-03", "kinds": ("commitment", "statement")},
    {"actor": "PRK", "kinds": ("event",), "since": "2024-06"},
]


@pytest.mark.parametrize("question", QUESTIONS, ids=str)
@pytest.mark.parametrize("limit", [None, 1, 7, 40])
def test_timeline_pages_equal_the_whole_read(
    stores: tuple[Store, FakeStore], knowledge: Knowledge, question: dict[str, Any], limit: Any
) -> None:
    store, reference = stores
    expected = timeline(reference, knowledge, **question)  # type: ignore[arg-type]
    expected = expected if limit is None else expected[:limit]
    assert timeline(store, knowledge, limit=limit, **question) == expected


@pytest.mark.parametrize("question", QUESTIONS, ids=str)
def test_keyset_pages_put_together_give_the_whole_timeline(
    stores: tuple[Store, FakeStore], knowledge: Knowledge, question: dict[str, Any]
) -> None:
    store, _ = stores
    whole = timeline(store, knowledge, **question)
    pages: list[Any] = []
    after = None
    while True:
        page = timeline(store, knowledge, limit=6, after=after, **question)
        pages += page
        if len(page) < 6:
            break
        after = cursor(page[-1])
    assert [r.id for r in pages] == [r.id for r in whole]


@pytest.mark.parametrize(
    "question",
    [{}, {"pair": ("KOR", "PRK")}, {"pair": ("JPN", "PRK"), "since": "2025"},
     {"pair": ("envoy_tae", "PRK"), "until": "2025-06"}, {"pair": ("USA", "KOR")}],
    ids=str,
)  # fmt: skip
def test_dyads_equal_the_whole_read(
    stores: tuple[Store, FakeStore], knowledge: Knowledge, question: dict[str, Any]
) -> None:
    store, reference = stores
    expected = dyads(reference, knowledge, **question)  # type: ignore[arg-type]
    assert expected or not question
    assert dyads(store, knowledge, **question) == expected
    first, rest = dyads(store, knowledge, limit=1, **question), expected[1:]
    if first:
        assert dyads(store, knowledge, after=cursor(first[0]), **question) == rest


@pytest.mark.parametrize("actor", ACTORS[:-1])
def test_the_first_rows_of_each_kind_equal_one_timeline_per_kind(
    stores: tuple[Store, FakeStore], knowledge: Knowledge, actor: str
) -> None:
    store, reference = stores
    for limit in (0, 1, 4, 30, 500):
        lists = first_of_each(store, knowledge, actor, limit)
        for kind in KINDS:
            expected = timeline(reference, knowledge, actor=actor, kinds=(kind,), limit=limit)
            assert lists[kind] == expected, (kind, limit)


def test_pages_are_read_from_the_lookups(
    stores: tuple[Store, FakeStore], knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = stores
    used: list[str] = []
    for name in ("kinds_of_page", "keyed", "paired"):
        real = getattr(reads, name)
        monkeypatch.setattr(
            reads, name, lambda *a, _n=name, _f=real, **k: used.append(_n) or _f(*a, **k)
        )
    timeline(store, knowledge, actor="envoy_tae", limit=3)
    assert used == ["kinds_of_page"]  # the ids of the page in one read, then its rows by id
    used.clear()
    timeline(store, knowledge, dyad=("KOR", "PRK"), limit=3)
    dyads(store, knowledge, pair=("JPN", "PRK"))
    assert used == ["paired", "paired"]


def test_a_bad_cursor_is_a_settings_error(
    stores: tuple[Store, FakeStore], knowledge: Knowledge
) -> None:
    store, _ = stores
    with pytest.raises(SettingsError, match="cursor"):
        timeline(store, knowledge, after="not-a-cursor")
    (month, *_) = dyads(store, knowledge)
    with pytest.raises(SettingsError, match="cursor"):
        timeline(store, knowledge, after=cursor(month))


def test_the_merge_write_path_keeps_the_lookups_in_step(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    events, statements, commitments = _records(2, 60)
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_actors(knowledge)
        store.write_links(
            Links(events=tuple(events), statements=tuple(statements),
                  commitments=tuple(commitments))
        )  # fmt: skip
        # A later batch moves some events to other sides and dates, and removes others.
        moved = [
            replace(e, source="envoy_tae", target="PRK", date="2025-07-02") for e in events[:9]
        ]
        gone = {"event": frozenset(e.id for e in events[9:15]),
                "statement": frozenset({statements[0].id})}  # fmt: skip
        store.write_links(Links(events=tuple(moved), removed=gone))
        kept = moved + events[15:]
        reference = _reference(kept, statements[1:], commitments, store.actors())
        for question in QUESTIONS:
            assert timeline(store, knowledge, limit=5, **question) == timeline(
                reference,  # type: ignore[arg-type]
                knowledge,
                limit=5,
                **question,
            )
        assert dyads(store, knowledge, pair=("JPN", "PRK")) == dyads(
            reference,  # type: ignore[arg-type]
            knowledge,
            pair=("JPN", "PRK"),
        )


def test_migration_8_fills_the_lookups_of_a_store_made_before(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    events, statements, commitments = _records(3, 40)
    db = tmp_path / "kb.duckdb"
    with Store(db) as store:
        store.write_actors(knowledge)
        store.load_merged("event", _table("merged_events", events))
        store.load_merged("statement", _table("merged_statements", statements))
        store.load_merged("commitment", _table("merged_commitments", commitments))
        expected = timeline(store, knowledge, actor="KOR", limit=8)
    assert expected
    with duckdb.connect(str(db)) as con:  # as schema 7 left it: no lookup tables
        con.execute("DROP TABLE timeline_keys; DROP TABLE dyad_keys; DROP TABLE actor_states")
        con.execute("DELETE FROM schema_migrations WHERE version = 8")
    with Store(db) as store:
        assert timeline(store, knowledge, actor="KOR", limit=8) == expected
