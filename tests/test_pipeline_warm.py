"""A long-lived process keeps its merge state between builds on the same store (`peninsula
serve` adds one POSTed article at a time): the next build reads no merge state, gives what a
fresh process gives, and notices a build made by another process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import peninsula.pipeline as pipeline
from peninsula.errors import StoreError
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import TODAY
from tests.test_merge_order import _merged

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "merging"
FIRST = sorted(FIXTURES.glob("0[1-5]_*.txt"))
SECOND = sorted(FIXTURES.glob("0[6-9]_*.txt"))
THIRD = sorted(FIXTURES.glob("1[0-3]_*.txt"))


@pytest.fixture(autouse=True)
def cold() -> Iterator[None]:
    pipeline.forget_warm()
    yield
    pipeline.forget_warm()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The merge-state reads of every build, by store path."""
    seen: list[str] = []
    real = Store.merge_state

    def counted(self: Store) -> Any:
        seen.append(str(self.path))
        return real(self)

    monkeypatch.setattr(Store, "merge_state", counted)
    return seen


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, workers=1, batch_size=3, embeddings=False)


def _build(db: Path, paths: Sequence[Path], *, forget: bool = False) -> None:
    if forget:
        pipeline.forget_warm()
    with Store(db) as store:  # a new connection each time, as the server's writer opens one
        report = pipeline.build(
            [str(p) for p in paths], store, default_knowledge(), _settings(db), TODAY
        )
    assert report.added == len(paths)


def test_the_next_build_keeps_the_merge_state_and_gives_the_same_store(
    tmp_path: Path, reads: list[str]
) -> None:
    warm, cold = tmp_path / "warm.duckdb", tmp_path / "cold.duckdb"
    for paths in (FIRST, SECOND, THIRD):
        _build(warm, paths)
    assert reads.count(str(warm)) == 1  # the first build only
    for paths in (FIRST, SECOND, THIRD):
        _build(cold, paths, forget=True)
    assert reads.count(str(cold)) == 3
    assert _merged(warm) == _merged(cold)


def test_a_build_by_another_process_is_noticed(tmp_path: Path, reads: list[str]) -> None:
    db, cold = tmp_path / "kb.duckdb", tmp_path / "cold.duckdb"
    _build(db, FIRST)
    script = (
        "import sys\n"
        "from peninsula import pipeline\n"
        "from peninsula.knowledge import default_knowledge\n"
        "from peninsula.settings import Settings\n"
        "from peninsula.store import Store\n"
        "from tests.conftest import TODAY\n"
        "db, paths = sys.argv[1], sys.argv[2:]\n"
        "settings = Settings(db_path=db, workers=1, batch_size=3, embeddings=False)\n"
        "with Store(db) as store:\n"
        "    pipeline.build(paths, store, default_knowledge(), settings, TODAY)\n"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script, str(db), *map(str, SECOND)], check=True, cwd=root)
    _build(db, THIRD)
    assert reads.count(str(db)) == 2  # read again after the other process's build
    for paths in (FIRST, SECOND, THIRD):
        _build(cold, paths, forget=True)
    assert _merged(db) == _merged(cold)


def test_a_failed_build_leaves_no_merge_state_behind(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kb.duckdb"
    _build(db, FIRST)

    def broken(self: Store, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(Store, "write_batch", broken)
        with pytest.raises(StoreError), Store(db) as store:
            pipeline.build(
                [str(p) for p in SECOND], store, default_knowledge(), _settings(db), TODAY
            )
    _build(db, SECOND)
    assert reads.count(str(db)) == 2  # the failed build's linker was not kept


def test_another_store_or_knowledge_reads_its_own_state(tmp_path: Path, reads: list[str]) -> None:
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    _build(one, FIRST)
    _build(two, FIRST)
    _build(one, SECOND)
    assert reads == [str(one), str(two), str(one)]
