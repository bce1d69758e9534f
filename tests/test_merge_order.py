"""Merging is a function of the set of articles: any arrival order, any split into builds.

The three seed articles and twenty-two invented ones (`fixtures/merging`: one meeting reported by
three outlets, one missile launch by two, quotes carried by two outlets, a pledge restated months
later and then kept) are built in three orders and in several builds; the merged events,
statements and commitments must be the same, and the exports, the timeline and the dyads must
show what the merged tables hold. Each document is analysed once (spaCy is not what is tested).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import peninsula.pipeline as pipeline
from peninsula.knowledge import default_knowledge
from peninsula.query import dyads, timeline
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import EXAMPLES, TODAY

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "merging"
ARTICLES = sorted([*EXAMPLES.glob("*.txt"), *FIXTURES.glob("*.txt")])


@pytest.fixture(scope="module")
def analysed() -> Iterator[None]:
    """`pipeline.analyse_batch` remembered per document, for every build of this module."""
    real = pipeline.analyse_batch
    seen: dict[str, Any] = {}

    def once(documents: Sequence[Any], *args: Any, **kwargs: Any) -> list[Any]:
        missing = [d for d in documents if d.id not in seen]
        for found in real(missing, *args, **kwargs):
            seen[found.document.id] = found
        return [seen[d.id] for d in documents]

    patch = pytest.MonkeyPatch()
    patch.setattr(pipeline, "analyse_batch", once)
    yield
    patch.undo()


def _build(db: Path, builds: Sequence[Sequence[Path]], batch_size: int) -> None:
    settings = Settings(db_path=db, workers=1, batch_size=batch_size, embeddings=False)
    with Store(db) as store:
        for paths in builds:
            pipeline.build([str(p) for p in paths], store, default_knowledge(), settings, TODAY)


def _merged(db: Path) -> dict[str, Any]:
    """What merging decided, without ids."""
    with Store(db, read_only=True) as store:
        events = {
            (
                frozenset(e.member_ids),
                e.source,
                e.target,
                e.code,
                e.modality,
                e.date,
                e.date_precision,
                e.goldstein,
                e.sources,
                e.reports,
            )
            for e in store.merged_events()
        }
        statements = {
            (frozenset(s.member_ids), s.speaker, s.text, s.date, s.sources)
            for s in store.merged_statements()
        }
        commitments = {
            (
                frozenset(c.members),
                c.actor,
                c.target,
                c.code,
                c.status,
                c.status_evidence,
                c.first_stated,
                c.last_stated,
                c.count,
            )
            for c in store.merged_commitments()
        }
    return {"events": events, "statements": statements, "commitments": commitments}


@pytest.fixture(scope="module")
def builds(analysed: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("order")
    shuffled = list(ARTICLES)
    random.Random(11).shuffle(shuffled)
    plans: dict[str, tuple[list[list[Path]], int]] = {
        "sorted": ([ARTICLES], 8),
        "shuffled, three builds": ([shuffled[:7], shuffled[7:16], shuffled[16:]], 3),
        "reversed, two builds": ([ARTICLES[::-1][:12], ARTICLES[::-1][12:]], 5),
    }
    found = {}
    for name, (paths, batch_size) in plans.items():
        db = base / f"{len(found)}.duckdb"
        _build(db, paths, batch_size)
        found[name] = db
    return found


def test_any_order_and_any_split_give_the_same_merged_records(builds: dict[str, Path]) -> None:
    merged = {name: _merged(db) for name, db in builds.items()}
    first = merged["sorted"]
    for name, found in merged.items():
        for kind in ("events", "statements", "commitments"):
            assert found[kind] == first[kind], (name, kind)
    # The fixtures hold repeats of one happening, one quote and one pledge: they did merge.
    assert any(len(e[0]) >= 3 for e in first["events"])
    assert sum(len(s[0]) >= 2 for s in first["statements"]) >= 3
    assert any(len(c[0]) >= 3 for c in first["commitments"])


def test_merged_ids_are_the_first_members(builds: dict[str, Path]) -> None:
    ids = []
    for db in builds.values():
        with Store(db, read_only=True) as store:
            ids.append({e.id for e in store.merged_events()})
            for table in ("events", "statements", "commitments"):
                assert None not in store.merged_ids(table).values()
    assert all(found == ids[0] for found in ids)


def test_the_restated_pledge_is_kept_by_the_later_aid(builds: dict[str, Path]) -> None:
    with Store(builds["shuffled, three builds"], read_only=True) as store:
        pledges = [
            c
            for c in store.merged_commitments()
            if any("medical aid" in w.text for w in c.mentions)
        ]
    assert len(pledges) == 1
    pledge = pledges[0]
    assert pledge.first_stated == "2025-10-02" and pledge.last_stated >= "2026-01-20"
    assert pledge.sources >= 3


def test_exports_timeline_and_dyads_show_the_merged_tables(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    knowledge = default_knowledge()
    with Store(builds["shuffled, three builds"], read_only=True) as store:
        events = {e.id: e for e in store.merged_events()}
        statements = {s.id: s for s in store.merged_statements()}
        commitments = {c.id: c for c in store.merged_commitments()}
        store.export(tmp_path, "jsonl")
        rows = timeline(store, knowledge)
        months = dyads(store, knowledge)
        members = store.merged_ids("statements")

    def read(name: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in (tmp_path / f"{name}.jsonl").read_text().splitlines()]

    exported = {r["id"]: r for r in read("events")}
    assert set(exported) == set(events)
    for record_id, row in exported.items():
        record = events[record_id]
        assert (row["source"], row["target"], row["code"], row["date"]) == (
            record.source,
            record.target,
            record.code,
            record.date,
        )
        assert [e["event_id"] for e in row["evidence"]] == list(record.member_ids)
    assert {r["id"]: r["merged_id"] for r in read("statements")} == members
    assert set(members.values()) == set(statements)
    assert {r["id"]: r["status"] for r in read("commitments")} == {
        c.id: c.status for c in commitments.values()
    }
    by_kind = {
        kind: {r.id: r for r in rows if r.kind == kind}
        for kind in ("event", "statement", "commitment")
    }
    assert set(by_kind["event"]) == set(events)
    assert set(by_kind["statement"]) == set(statements)
    assert set(by_kind["commitment"]) == set(commitments)
    for row in by_kind["event"].values():
        record = events[row.id]
        assert (row.code, row.date, row.sources) == (record.code, record.date, record.sources)
        sides = {a.role: a.id for a in row.actors}
        assert (sides.get("source"), sides.get("target")) == (record.source, record.target)
    for month in months:
        for event_id in (*month.event_ids, *month.other_ids):
            assert events[event_id].date is not None and events[event_id].date[:7] == month.month
