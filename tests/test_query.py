"""The timeline and the dyad scores, on the example corpus and on hand-made rows."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

import peninsula.pipeline as pipeline
from peninsula.dyad_sides import Side, state_on
from peninsula.errors import NotFound, SettingsError
from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
from peninsula.query import DyadMonth, dyads, resolve_actor, timeline
from peninsula.records import (
    EventEvidence,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    StatementEvidence,
    Wording,
)
from peninsula.settings import Settings
from peninsula.store import DyadEvent, Store, StoredActor, StoredDocument, Where
from peninsula.store.pages import DyadTally
from tests.conftest import EXAMPLES, TODAY

_R = TypeVar("_R")
MODALITIES = ("pledged", "hypothetical", "negated")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    db = tmp_path_factory.mktemp("query") / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    with Store(db) as writable:
        pipeline.build([str(EXAMPLES)], writable, default_knowledge(), settings, TODAY)
    with Store(db, read_only=True) as read_only:
        yield read_only


class FakeStore:
    """The read side of Store, over hand-made records."""

    def __init__(
        self,
        events: list[MergedEvent] | None = None,
        statements: list[MergedStatement] | None = None,
        commitments: list[MergedCommitment] | None = None,
        documents: list[StoredDocument] | None = None,
        actors: list[StoredActor] | None = None,
    ) -> None:
        self._events = events or []
        self._statements = statements or []
        self._commitments = commitments or []
        self._documents = documents or []
        self._actors = actors or []

    # The store's filters are left to the query's own checks; pages are honoured.
    def merged_events(self, where: Where | None = None) -> list[MergedEvent]:
        return _page(self._events, where)

    def dyad_events(self, where: Where | None = None) -> list[DyadEvent]:
        return [
            DyadEvent(
                e.id, e.source, e.target, e.code, e.modality, e.goldstein, e.date,
                min(((x.document_id, x.char_start) for x in e.evidence), default=None),
            )
            for e in _page(self._events, where)
        ]  # fmt: skip

    def merged_statements(self, where: Where | None = None) -> list[MergedStatement]:
        return _page(self._statements, where)

    def dyad_months(self, where: Where, sides: Sequence[Side]) -> list[DyadTally]:
        """The whole read the store's SQL replaces: every event, one at a time."""
        spans: dict[str, list[Side]] = defaultdict(list)
        for side in sides:
            spans[side.actor].append(side)
        buckets: dict[tuple[str, str, str], dict[tuple[Any, ...], DyadEvent]] = defaultdict(dict)
        for event in self.dyad_events():
            month = re.match(r"^(\d{4}-\d{2})(-\d{2})?$", event.date or "")
            if month is None or not event.source or not event.target:
                continue
            at = month.group(1)
            if (where.since and at[: len(where.since)] < where.since[:7]) or (
                where.until and at[: len(where.until)] > where.until[:7]
            ):
                continue
            a = state_on(spans[event.source], event.date)
            b = state_on(spans[event.target], event.date)
            if a is None or b is None or a == b:
                continue
            low, high = sorted((a, b))
            if where.pair is not None and (low, high) != tuple(sorted(where.pair)):
                continue
            key = (event.code, event.modality, event.anchor or event.id)
            buckets[(low, high, at)].setdefault(key, event)
        out = []
        for (low, high, at), happenings in sorted(buckets.items()):
            actual = [e for e in happenings.values() if e.modality == "actual"]
            others = [e for e in happenings.values() if e.modality != "actual"]
            out.append(
                DyadTally(
                    low, high, at, tuple(e.id for e in actual),
                    tuple(float(e.goldstein) for e in actual if e.goldstein is not None),
                    tuple(e.id for e in others),
                    *(sum(e.modality == m for e in others) for m in MODALITIES),
                )
            )  # fmt: skip
        return out

    def page_ids(
        self, where: Where, kinds: Sequence[str], order: Sequence[str]
    ) -> dict[str, list[str]]:
        # Unfiltered: the query's checks drop what is not asked for, and then page through.
        of: dict[str, Sequence[MergedEvent | MergedStatement | MergedCommitment]] = {
            "event": self._events,
            "statement": self._statements,
            "commitment": self._commitments,
        }
        return {k: [r.id for r in of[k][: where.limit]] for k in kinds}

    def merged_commitments(self, where: Where | None = None) -> list[MergedCommitment]:
        return _page(self._commitments, where)

    def documents(self) -> list[StoredDocument]:
        return self._documents

    def actors(self) -> list[StoredActor]:
        return self._actors


def _page(records: list[_R], where: Where | None) -> list[_R]:
    if where is not None and where.ids is not None:
        return [r for r in records if getattr(r, "id") in where.ids]  # noqa: B009
    if where is None or where.limit is None:
        return records[where.offset if where else 0 :]
    return records[where.offset : where.offset + where.limit]


def event(
    id: str,
    source: str | None,
    target: str | None,
    date: str | None,
    modality: Any = "actual",
    goldstein: float = 1.0,
    code: str = "040",
    doc: str = "d1",
    at: int | None = None,
    reported_by: str | None = None,
    sentence: str | None = None,
    end: int | None = None,
) -> MergedEvent:
    # A fixed offset per id (hash() is salted per run: two ids could share an offset and read
    # as one happening).
    start = at if at is not None else int(hashlib.sha256(id.encode()).hexdigest(), 16) % 10**9
    evidence = EventEvidence(
        event_id=id, document_id=doc, sentence=sentence or f"sentence of {id}", char_start=start,
        char_end=end if end is not None else start + 10, trigger="met", trigger_start=start,
        published="2025-12-01",
    )  # fmt: skip
    return MergedEvent(
        id=id, source=source, target=target, code=code, root=code[:2], category="X", mode=None,
        modality=modality, goldstein=goldstein, date=date, date_precision=None,
        first_reported="2025-12-01", sources=1, reports=1, summary=f"{source} → {target}: {code}",
        reported_by=reported_by, source_text=None, target_text=None, mirror=None,
        evidence=(evidence,),
    )  # fmt: skip


def statement(
    id: str, docs: tuple[str, ...], speaker: str, date: str | None, start: int = 0
) -> MergedStatement:
    evidence = tuple(
        StatementEvidence(f"{d}:s{start}", d, "we will talk", start, start + 12, date, d.upper())
        for d in docs
    )
    return MergedStatement(
        id=id, speaker=speaker, speaker_text=None, kind="direct", cue="said", text="we will talk",
        date=date, date_precision=None, first_reported=None, sources=len(set(docs)),
        reports=len(docs), evidence=evidence,
    )  # fmt: skip


def document(id: str, text: str, **kw: Any) -> StoredDocument:
    values: dict[str, Any] = {
        "path": f"/x/{id}.txt", "origins": (f"/x/{id}.txt",), "url": None, "outlet": None,
        "title": None, "published": "2025-10-02", "date_precision": "day",
        "date_confidence": 0.9, "date_evidence": (), "date_conflicts": (), "dateline": None,
        "header_lines": (), "source_kind": "text",
    }  # fmt: skip
    values.update(kw)
    return StoredDocument(id=id, text=text, **values)


def _dated(rows: list[Any]) -> list[str]:
    return [r.date for r in rows if r.date is not None]


# --- the timeline on the example corpus ---


def test_timeline_is_in_date_order_partial_dates_before_their_days(store: Store) -> None:
    rows = timeline(store, default_knowledge())
    dates = _dated(rows)
    assert dates == sorted(dates)
    assert {"2025", "2025-08", "2025-09-24", "2026-01-01", "2026-01-21"} <= set(dates)
    assert dates.index("2025") < dates.index("2025-08") < dates.index("2025-09-24")
    assert {r.kind for r in rows} == {"event", "statement", "commitment"}
    for row in rows:
        assert row.sources == len({e.document_id for e in row.evidence}) >= 1
        assert row.summary


def test_undated_rows_come_last() -> None:
    fake = FakeStore(
        events=[
            event("late", "KOR", "PRK", None),
            event("day", "KOR", "PRK", "2025-08-05"),
            event("month", "KOR", "PRK", "2025-08"),
            event("year", "KOR", "PRK", "2025"),
            event("before", "KOR", "PRK", "2025-07-31"),
        ]
    )
    rows = timeline(fake, default_knowledge())  # type: ignore[arg-type]
    assert [r.id for r in rows] == ["year", "before", "month", "day", "late"]


@pytest.mark.parametrize(
    "name", ["Lee Jae Myung", "lee_jae_myung", "Lee Jae-myung", "LEE JAE-MYUNG", " lee jae myung "]
)
def test_actor_by_id_name_or_alias(store: Store, name: str) -> None:
    assert resolve_actor(name, store, default_knowledge()) == "lee_jae_myung"


def test_accents_and_case_do_not_matter(store: Store) -> None:
    knowledge = default_knowledge()
    assert resolve_actor("Antonio Guterres", store, knowledge) == "antonio_guterres"
    assert resolve_actor("south korea", store, knowledge) == "KOR"
    assert resolve_actor("kor", store, knowledge) == "KOR"


def test_unknown_actor_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no actor named 'Nobody Known'"):
        timeline(store, default_knowledge(), actor="Nobody Known")


def test_actor_filter_matches_every_part_an_actor_plays(store: Store) -> None:
    rows = timeline(store, default_knowledge(), actor="Lee Jae-myung")
    assert rows
    assert all("lee_jae_myung" in r.actor_ids() for r in rows)
    parts = {(r.kind, a.role) for r in rows for a in r.actors if a.id == "lee_jae_myung"}
    assert {
        ("event", "source"),
        ("event", "reported_by"),
        ("statement", "speaker"),
        ("commitment", "committer"),
    } <= parts
    assert _dated(rows) == sorted(_dated(rows))
    all_lee = {
        r.id for r in timeline(store, default_knowledge()) if "lee_jae_myung" in r.actor_ids()
    }
    assert {r.id for r in rows} == all_lee


def test_dyad_rolls_people_up_to_their_state(store: Store) -> None:
    knowledge = default_knowledge()
    rows = timeline(store, knowledge, dyad=("KOR", "PRK"))
    assert rows and all(r.kind == "event" for r in rows)
    pairs = {tuple(a.id for a in r.actors if a.role in ("source", "target")) for r in rows}
    assert ("lee_jae_myung", "PRK") in pairs  # a person rolled up to South Korea
    assert ("prk_gov", "kor_gov") in pairs  # governments, the other way round
    reverse = timeline(store, knowledge, dyad=("North Korea", "South Korea"))
    assert [r.id for r in reverse] == [r.id for r in rows]
    for r in rows:
        states = {knowledge.state_of(a.id) for a in r.actors if a.role in ("source", "target")}
        assert states == {"KOR", "PRK"}


def test_dyad_of_a_person_is_that_person_only() -> None:
    fake = FakeStore(
        events=[
            event("lee-kim", "lee_jae_myung", "kim_jong_un", "2025-10-01"),
            event("gov-kim", "kor_gov", "kim_jong_un", "2025-10-01"),
        ]
    )
    knowledge = default_knowledge()
    persons = timeline(fake, knowledge, dyad=("Lee Jae Myung", "Kim Jong Un"))  # type: ignore[arg-type]
    assert [r.id for r in persons] == ["lee-kim"]
    states = timeline(fake, knowledge, dyad=("KOR", "PRK"))  # type: ignore[arg-type]
    assert [r.id for r in states] == ["gov-kim", "lee-kim"]


def test_since_and_until_compare_on_the_date_prefix() -> None:
    fake = FakeStore(
        events=[
            event("y2025", "KOR", "PRK", "2025"),
            event("aug", "KOR", "PRK", "2025-08"),
            event("sep", "KOR", "PRK", "2025-09-24"),
            event("jan", "KOR", "PRK", "2026-01-21"),
            event("none", "KOR", "PRK", None),
        ]
    )
    knowledge = default_knowledge()
    since = timeline(fake, knowledge, since="2025-09")  # type: ignore[arg-type]
    assert [r.id for r in since] == ["y2025", "sep", "jan"]
    until = timeline(fake, knowledge, until="2025-08-31")  # type: ignore[arg-type]
    assert [r.id for r in until] == ["y2025", "aug"]
    both = timeline(fake, knowledge, since="2025-09-01", until="2025-12")  # type: ignore[arg-type]
    assert [r.id for r in both] == ["y2025", "sep"]
    with pytest.raises(SettingsError, match="--since must be"):
        timeline(fake, knowledge, since="Sept 2025")  # type: ignore[arg-type]


def test_a_commitment_is_kept_while_it_is_being_stated() -> None:
    wordings = (
        Wording("a:c20:lee", "a", "to talk", "2025-06-01", 20, 27),
        Wording("a:c20:lee", "a", "to talk", "2026-01-01", 0, 7),
    )
    fake = FakeStore(
        commitments=[
            MergedCommitment(
                id="c1", actor="lee_jae_myung", actor_text="Lee", target=None, text="to talk",
                code=None, root=None, category=None, status="open", status_evidence=None,
                first_stated="2025-06-01", last_stated="2026-01-01", count=2, sources=1,
                members=("a:c20:lee",), mentions=wordings,
            )
        ],
    )  # fmt: skip
    knowledge = default_knowledge()
    (row,) = timeline(fake, knowledge, since="2025-12")  # type: ignore[arg-type]
    assert (row.date, row.modality, row.sources) == ("2025-06-01", "pledged", 1)
    assert [e.date for e in row.evidence] == ["2025-06-01", "2026-01-01"]  # wordings in order
    assert row.extra["repeats"] == 2
    assert timeline(fake, knowledge, since="2026-02") == []  # type: ignore[arg-type]
    assert timeline(fake, knowledge, until="2025-05") == []  # type: ignore[arg-type]


def test_kinds_select_and_unknown_kind_fails(store: Store) -> None:
    knowledge = default_knowledge()
    rows = timeline(store, knowledge, kinds=("commitment",))
    assert rows and {r.kind for r in rows} == {"commitment"}
    assert all(r.modality == "pledged" for r in rows)
    with pytest.raises(SettingsError, match="unknown kind 'events'"):
        timeline(store, knowledge, kinds=("events",))


def test_statements_are_one_row_per_merged_statement() -> None:
    fake = FakeStore(
        statements=[
            statement("a:s0", ("a", "b"), "lee_jae_myung", "2025-10-01"),
            statement("c:s9", ("c",), "kim_jong_un", "2025-10-02", start=9),
        ],
    )
    rows = timeline(fake, default_knowledge())  # type: ignore[arg-type]
    assert [(r.id, r.sources) for r in rows] == [("a:s0", 2), ("c:s9", 1)]
    assert [(e.document_id, e.outlet) for e in rows[0].evidence] == [("a", "A"), ("b", "B")]
    assert rows[0].modality == "direct"
    assert rows[0].actors[0].name == "Lee Jae Myung"
    assert rows[0].summary == "Lee Jae Myung said: we will talk"


def test_json_ready_rows(store: Store) -> None:
    rows = timeline(store, default_knowledge(), actor="Lee Jae Myung")
    payload = json.loads(json.dumps([r.as_dict() for r in rows]))
    assert {"date", "kind", "summary", "sources", "actors", "modality", "evidence"} <= set(
        payload[0]
    )
    documents = {d.id: d.text for d in store.documents()}
    for item in payload:
        for e in item["evidence"]:
            assert documents[e["document_id"]][e["char_start"] : e["char_end"]].strip()


def test_event_evidence_is_the_sentence_at_its_offsets(store: Store) -> None:
    documents = {d.id: d.text for d in store.documents()}
    for row in timeline(store, default_knowledge(), kinds=("event", "commitment")):
        for e in row.evidence:
            assert documents[e.document_id][e.char_start : e.char_end].strip() == e.sentence


# --- dyads ---


def test_dyads_on_the_examples(store: Store) -> None:
    months = {(m.a, m.b, m.month): m for m in dyads(store, default_knowledge())}
    assert all(m.a < m.b for m in months.values())
    assert all(len(m.month) == 7 for m in months.values())
    september = months[("KOR", "PRK", "2025-09")]
    assert september.count >= 1
    assert any("lee_jae_myung>PRK" in e for e in september.event_ids)  # Lee counts for KOR
    events = {e.id: e for e in store.merged_events()}
    for m in months.values():
        assert all(events[e].modality == "actual" for e in m.event_ids)
        assert all(events[e].modality != "actual" for e in m.other_ids)
        assert m.pledged + m.hypothetical + m.negated == len(m.other_ids)
        if m.event_ids:
            scores = [events[e].goldstein or 0.0 for e in m.event_ids]
            assert m.mean_goldstein == pytest.approx(sum(scores) / len(scores), abs=1e-3)


def test_pledges_and_negations_stay_out_of_the_mean() -> None:
    fake = FakeStore(
        events=[
            event("e1", "lee_jae_myung", "PRK", "2025-10-03", goldstein=-4.0),
            event("e2", "kim_jong_un", "lee_jae_myung", "2025-10-20", goldstein=2.0),
            event("p", "lee_jae_myung", "kim_jong_un", "2025-10-05", "pledged", 8.0, "030"),
            event("h", "lee_jae_myung", "PRK", "2025-10", "hypothetical", 7.0, "036"),
            event("n", "lee_jae_myung", "PRK", "2025-10-07", "negated", 9.0, "057"),
            event("same", "lee_jae_myung", "kor_gov", "2025-10-01"),  # one state
            event("igo", "lee_jae_myung", "un", "2025-10-01"),  # no state
            event("year", "KOR", "PRK", "2025", goldstein=-10.0),  # year only
            event("nodate", "KOR", "PRK", None, goldstein=-10.0),
        ]
    )
    months = dyads(fake, default_knowledge())  # type: ignore[arg-type]
    assert months == [
        DyadMonth(
            a="KOR",
            b="PRK",
            month="2025-10",
            mean_goldstein=-1.0,
            count=2,
            pledged=1,
            hypothetical=1,
            negated=1,
            event_ids=("e1", "e2"),
            other_ids=("p", "h", "n"),
        )
    ]


def test_mirror_images_of_one_happening_count_once() -> None:
    fake = FakeStore(
        events=[
            event("ab", "KOR", "PRK", "2025-11-02", goldstein=8.0, code="057", at=100),
            event("ba", "PRK", "KOR", "2025-11-02", goldstein=8.0, code="057", at=100),
            event("lee", "lee_jae_myung", "PRK", "2025-11-02", goldstein=8.0, code="057", at=100),
            event("other", "KOR", "PRK", "2025-11-09", goldstein=-2.0, code="110", at=400),
        ]
    )
    (month,) = dyads(fake, default_knowledge())  # type: ignore[arg-type]
    assert (month.count, month.mean_goldstein) == (2, 3.0)


def test_roles_place_a_person_in_a_state_on_the_event_date(tmp_path: Path) -> None:
    extra = tmp_path / "mine.jsonl"
    extra.write_text(
        '{"id": "yeon_seo_ah", "name": "Yeon Seo-ah", "kind": "person",'
        ' "roles": [{"title": "Minister", "of": "KOR", "start": "2025-06-15"}]}\n'
    )
    knowledge: Knowledge = load_knowledge((extra,))
    fake = FakeStore(
        events=[
            event("before", "yeon_seo_ah", "PRK", "2025-05-20"),
            event("during", "yeon_seo_ah", "PRK", "2025-06-20", goldstein=3.0),
        ]
    )
    months = dyads(fake, knowledge)  # type: ignore[arg-type]
    assert [(m.month, m.event_ids) for m in months] == [("2025-06", ("during",))]
    rows = timeline(fake, knowledge, dyad=("KOR", "PRK"))  # type: ignore[arg-type]
    assert [r.id for r in rows] == ["during"]


# --- filters in the database give what filtering every row gives ---


def _filtered_here(rows: list[Any], **kw: Any) -> list[str]:
    """The ids `timeline` keeps, by the documented rules applied to the unfiltered rows."""
    out = []
    for r in rows:
        if kw.get("actor") and kw["actor"] not in r.actor_ids():
            continue
        last = r.extra.get("last_stated") or r.date if r.kind == "commitment" else r.date
        if kw.get("since") and (
            r.date is None or last[: len(kw["since"])] < kw["since"][: len(last)]
        ):
            continue
        if kw.get("until") and (
            r.date is None or r.date[: len(kw["until"])] > kw["until"][: len(r.date)]
        ):
            continue
        out.append(r.id)
    return out  # fmt: skip


@pytest.mark.parametrize(
    "filters",
    [
        {"actor": "lee_jae_myung"},
        {"actor": "KOR"},
        {"since": "2025-09"},
        {"until": "2025-10-15"},
        {"since": "2025", "until": "2025-12"},
        {"actor": "lee_jae_myung", "since": "2025-10"},
    ],
)
def test_database_filters_match_filtering_every_row(store: Store, filters: dict[str, Any]) -> None:
    knowledge = default_knowledge()
    everything = timeline(store, knowledge)
    filtered = timeline(store, knowledge, **filters)
    assert [r.id for r in filtered] == _filtered_here(everything, **filters)
    assert [r.as_dict() for r in filtered] == [
        r.as_dict() for r in everything if r.id in {f.id for f in filtered}
    ]
    for limit in (0, 1, 3):
        assert timeline(store, knowledge, limit=limit, **filters) == filtered[:limit]


def test_dyad_in_the_database_matches_the_dyad_over_every_row(store: Store) -> None:
    knowledge = default_knowledge()
    unfiltered = FakeStore(
        events=store.merged_events(), actors=store.actors()
    )  # the fake filters nothing
    for pair in (("KOR", "PRK"), ("USA", "KOR"), ("Lee Jae Myung", "PRK")):
        expected = timeline(unfiltered, knowledge, dyad=pair)  # type: ignore[arg-type]
        assert timeline(store, knowledge, dyad=pair) == expected
        assert timeline(store, knowledge, dyad=pair, limit=2) == expected[:2]
    assert dyads(store, knowledge) == dyads(unfiltered, knowledge)  # type: ignore[arg-type]
    bounded = {"pair": ("KOR", "PRK"), "since": "2025-09", "until": "2025-12"}
    assert dyads(store, knowledge, **bounded) == dyads(unfiltered, knowledge, **bounded)  # type: ignore[arg-type]


def test_a_limit_pages_past_rows_the_dyad_check_drops() -> None:
    knowledge = default_knowledge()
    events = [event(f"x{i:03}", "KOR", "USA", "2025-01-01") for i in range(300)]
    events += [event("kp", "KOR", "PRK", "2025-02-01")]
    fake = FakeStore(events=events)
    rows = timeline(fake, knowledge, dyad=("KOR", "PRK"), limit=1)  # type: ignore[arg-type]
    assert [r.id for r in rows] == ["kp"]
    with pytest.raises(SettingsError, match="--limit"):
        timeline(fake, knowledge, limit=-1)  # type: ignore[arg-type]
