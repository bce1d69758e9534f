"""The build end to end on the example corpus: dates, idempotence, atomic batches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import peninsula.pipeline as pipeline
from peninsula.knowledge import Knowledge
from peninsula.settings import Settings
from peninsula.store import Store, StoredRole
from tests.conftest import TODAY


def run(paths: list[Path], settings: Settings, knowledge: Knowledge) -> pipeline.BuildReport:
    with Store(settings.db_path) as store:
        return pipeline.build([str(p) for p in paths], store, knowledge, settings, TODAY)


def test_examples_get_their_publication_dates(
    examples: Path, settings: Settings, knowledge: Knowledge
) -> None:
    report = run([examples], settings, knowledge)
    assert (report.read, report.added, report.skipped) == (3, 3, [])
    with Store(settings.db_path, read_only=True) as store:
        docs = {Path(d.path).name[:3]: d for d in store.documents()}
        counts = store.counts()
    assert {k: d.published for k, d in docs.items()} == {
        "000": "2026-01-01",
        "001": "2026-01-21",
        "003": "2025-09-24",
    }
    assert all(d.date_precision == "day" for d in docs.values())
    conflict = docs["003"].date_conflicts[0]
    assert (conflict.signal, conflict.value) == ("date-line", "2024-01-02")
    assert "2025-06-04" in conflict.reason
    assert counts["mentions"] > 0


def test_examples_resolve_their_actors(
    examples: Path, settings: Settings, knowledge: Knowledge
) -> None:
    run([examples], settings, knowledge)
    with Store(settings.db_path, read_only=True) as store:
        mentions = store.mentions()
        actors = {a.id: a for a in store.actors()}
    resolved = {(m.text, m.actor_id) for m in mentions}
    for text, actor in [
        ("Pyongyang", "prk_gov"),
        ("Seoul", "kor_gov"),
        ("Washington", "usa_gov"),
        ("Moscow", "rus_gov"),
        ("The UN leader", "antonio_guterres"),
        ("his office", "kor_presidential_office"),
        ("Lee Jae Myung", "lee_jae_myung"),
        ("Kim Jong-un", "kim_jong_un"),
    ]:
        assert (text, actor) in resolved, text
    for actor_id in ("lee_jae_myung", "donald_trump", "kim_jong_un", "antonio_guterres"):
        assert actor_id in actors
    for state in ("KOR", "PRK", "USA", "RUS", "CHN"):
        assert actors[state].kind == "state"
    lee_roles = actors["lee_jae_myung"].roles
    undocumented = [replace(r, source=None) for r in lee_roles]
    assert StoredRole("President", "KOR", "2025-06-04", None) in undocumented
    assert all(r.source for r in lee_roles)


def test_rebuilding_adds_nothing(examples: Path, settings: Settings, knowledge: Knowledge) -> None:
    run([examples], settings, knowledge)
    report = run([examples], settings, knowledge)
    assert (report.added, report.unchanged, report.merged) == (0, 3, 0)
    with Store(settings.db_path, read_only=True) as store:
        assert store.counts()["documents"] == 3


def test_same_text_from_two_places_is_one_document_with_both_origins(
    tmp_path: Path, settings: Settings, knowledge: Knowledge
) -> None:
    text = "Seoul, Jan 1 (IANS) South Korean President Lee Jae Myung said on Thursday: talk."
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text + "\n\n")
    report = run([tmp_path / "a.txt"], settings, knowledge)
    report = run([tmp_path / "b.txt"], settings, knowledge)
    assert (report.added, report.merged) == (0, 1)
    with Store(settings.db_path, read_only=True) as store:
        [doc] = store.documents()
    assert [Path(o).name for o in doc.origins] == ["a.txt", "b.txt"]


def test_bad_inputs_are_skipped_and_good_ones_kept(
    tmp_path: Path, examples: Path, settings: Settings, knowledge: Knowledge
) -> None:
    run([examples], settings, knowledge)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x7fELF" + bytes(range(256)))
    (bad / "broken.jsonl").write_text('{"text": \n')
    report = run([bad], settings, knowledge)
    assert sorted(s.reason.split(" (")[0] for s in report.skipped) == [
        "binary content, not text",
        "empty input",
        "malformed JSON line",
    ]
    with Store(settings.db_path, read_only=True) as store:
        assert store.counts()["documents"] == 3


def test_interrupted_build_keeps_finished_batches_and_no_partial_one(
    tmp_path: Path, settings: Settings, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(
            f"Article number {n} says Seoul and Pyongyang met on Monday."
        )
    real_analyse = pipeline.analyse_batch
    calls = 0

    def interrupted(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real_analyse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyse_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run([tmp_path], settings, knowledge)
    with Store(settings.db_path, read_only=True) as store:
        assert store.counts()["documents"] == settings.batch_size
    monkeypatch.setattr(pipeline, "analyse_batch", real_analyse)
    report = run([tmp_path], settings, knowledge)
    assert (report.added, report.unchanged) == (3, 2)
