"""`build --engine ray`: a build on a local Ray instance gives the store a local build gives."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peninsula.cli import app
from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.pipeline import build
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import TODAY

ray = pytest.importorskip("ray", reason="Ray is the optional `ray` extra (pip install '.[ray]')")
from peninsula.ray_engine import (  # noqa: E402
    EXTRA_MISSING,
    build_on_ray,
    lake_folder,
    peninsula_cause,
)

TEXTS = {
    "a.txt": "SEOUL, March 3 (Yonhap) -- South Korean President Lee Jae Myung said on Monday"
    ' that Seoul would "keep every door open" to talks with Pyongyang.\n\n'
    "North Korea fired two short-range missiles into the sea on Sunday, officials said.",
    "b.txt": "Tokyo (AP) - Japan and South Korea agreed on Friday to hold a summit in May, the"
    " foreign ministry said.\n\nThe two sides will also discuss trade, an official added.",
    "c.txt": "WASHINGTON (Reuters) - The United States will send an envoy to Seoul next week to"
    " discuss sanctions on North Korea, a spokesperson said on Tuesday.",
    "empty.txt": "",
}
RECORDS = [
    {"text": "China urged both Koreas to show restraint, a ministry spokesman said.",
     "date": "2026-04-02", "outlet": "Xinhua"},
    {"title": "no text here"},
    {"text": TEXTS["c.txt"], "outlet": "Another wire"},
    {"text": "Russia and North Korea signed an agreement on border trade on Wednesday.",
     "date": "2026-05-06"},
]  # fmt: skip
TABLES = ("documents", "statements", "events", "commitments", "actors")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local Ray instance for the module (its start costs seconds)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    lines = "\n".join(json.dumps(r) for r in RECORDS) + "\n"
    (folder / "more.jsonl").write_text(lines, encoding="utf-8")
    return folder


def _exported(db: Path, out: Path) -> dict[str, list[str]]:
    with Store(db, read_only=True) as store:
        store.export(out, "jsonl")
    return {t: (out / f"{t}.jsonl").read_text(encoding="utf-8").splitlines() for t in TABLES}


def test_a_ray_build_gives_the_store_a_local_build_gives(
    local_ray: None, corpus: Path, tmp_path: Path, settings: Settings, knowledge: Knowledge
) -> None:
    local_db, ray_db = tmp_path / "local.duckdb", tmp_path / "ray.duckdb"
    with Store(local_db) as store:
        local = build([str(corpus)], store, knowledge, replace(settings, db_path=local_db), TODAY)
    with Store(ray_db) as store:
        seen: list[int] = []
        on_ray = build_on_ray(
            [str(corpus)], store, knowledge, replace(settings, db_path=ray_db), TODAY,
            workers=2, on_progress=lambda r: seen.append(r.inputs_done),
        )  # fmt: skip
    assert (on_ray.read, on_ray.added, on_ray.merged) == (local.read, local.added, local.merged)
    assert on_ray.skipped == local.skipped
    assert seen[-1] == on_ray.inputs == local.inputs
    found, expected = _exported(ray_db, tmp_path / "r"), _exported(local_db, tmp_path / "l")
    assert found["events"] and found["statements"]
    assert found == expected
    # Built again from the command line: every document is known before parsing, and unchanged.
    args = ["build", str(corpus), "--db", str(ray_db), "--engine", "ray", "--workers", "2"]
    env = {"PENINSULA_EMBEDDINGS": "0", "PENINSULA_BATCH_SIZE": "2"}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert _exported(ray_db, tmp_path / "again") == expected
    with Store(ray_db, read_only=True) as store:
        assert store.counts()["documents"] == local.added


def test_a_parquet_lake_builds_on_ray(
    local_ray: None, corpus: Path, tmp_path: Path, settings: Settings, knowledge: Knowledge
) -> None:
    with Store(tmp_path / "local.duckdb") as store:
        build([str(corpus)], store, knowledge, settings, TODAY)
        store.export(tmp_path / "lake", "parquet", partition="month")
    assert lake_folder(tmp_path / "lake") == tmp_path / "lake" / "documents"
    assert lake_folder(corpus) is None
    with Store(tmp_path / "lake.duckdb") as store:
        lake = str(tmp_path / "lake")
        report = build_on_ray([lake], store, knowledge, settings, TODAY, workers=1)
        texts = {(d.text, d.published) for d in store.documents()}
    with Store(tmp_path / "local.duckdb", read_only=True) as store:
        assert texts == {(d.text, d.published) for d in store.documents()}
    assert report.added == len(texts) and not report.skipped


def test_without_ray_the_engine_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings, knowledge: Knowledge
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with Store(tmp_path / "kb.duckdb") as store, pytest.raises(SettingsError) as caught:
        build_on_ray([str(tmp_path)], store, knowledge, settings, TODAY)
    assert str(caught.value) == EXTRA_MISSING
    assert "\n" not in EXTRA_MISSING and "peninsula[ray]" in EXTRA_MISSING


def test_an_error_of_peninsula_in_an_actor_is_raised_as_itself() -> None:
    class Wrapped(Exception):
        def __init__(self, cause: BaseException) -> None:
            super().__init__("task failed")
            self.cause = cause

    missing = SettingsError("spaCy model 'x' is not installed")
    try:
        raise Wrapped(Wrapped(missing)) from ValueError("the actor died")
    except Wrapped as exc:
        assert peninsula_cause(exc) is missing
    assert peninsula_cause(RuntimeError("other")) is None
