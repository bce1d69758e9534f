"""The worker pool: a build with two workers stores exactly what a build in one process does."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import peninsula.pipeline as pipeline
from peninsula.knowledge import Knowledge
from peninsula.records import RawArticle
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import TODAY

_PLACES = ("Ruritania", "Freedonia", "Latveria", "Genovia", "Elbonia")
_SENTENCES = (
    "The foreign minister of {a} said on Tuesday that talks with {b} would resume in May.",
    "{a} condemned the rocket test by {b} and asked for an urgent meeting of the council.",
    '"We will send food to the border towns," the envoy of {a} told reporters in Seoul.',
    "Officials from {b} met their counterparts from {a} in Geneva on Monday.",
    "{a} promised to lift the tariffs on {b} if the inspections go ahead.",
)


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        a, b = _PLACES[i % len(_PLACES)], _PLACES[(i + 2) % len(_PLACES)]
        body = " ".join(_SENTENCES[(i + j) % len(_SENTENCES)].format(a=a, b=b) for j in range(3))
        (folder / f"{i:03d}.txt").write_text(
            f"SEOUL, April {1 + i % 27}, 2025 -- Report {i}. {body}\n", encoding="utf-8"
        )
    (folder / "copy.txt").write_text((folder / "000.txt").read_text(), encoding="utf-8")
    return folder


def _bag_of_words(texts: Sequence[str]) -> NDArray[Any]:
    """A deterministic stand-in for the sentence embedding model (inherited by the workers)."""
    rows = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            rows[i, zlib.crc32(word.encode()) % 64] += 1.0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


def _exported(db: Path, out: Path) -> dict[str, list[str]]:
    with Store(db, read_only=True) as store:
        files = store.export(out, "jsonl")
    return {f.name: sorted(f.read_text(encoding="utf-8").splitlines()) for f in files}


@pytest.mark.parametrize("embeddings", [False, True])
def test_two_workers_store_what_one_process_stores(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch, embeddings: bool
) -> None:
    monkeypatch.setattr(pipeline, "default_embedder", lambda: _bag_of_words)
    corpus = _corpus(tmp_path / "in", 20)
    reports = []
    for workers in (1, 2):
        db = tmp_path / f"kb{workers}.duckdb"
        settings = Settings(db_path=db, workers=workers, batch_size=12, embeddings=embeddings)
        with Store(db) as store:
            reports.append(pipeline.build([str(corpus)], store, knowledge, settings, TODAY))
    assert [(r.read, r.added, r.merged, r.skipped) for r in reports] == [(21, 20, 1, [])] * 2
    one = _exported(tmp_path / "kb1.duckdb", tmp_path / "out1")
    two = _exported(tmp_path / "kb2.duckdb", tmp_path / "out2")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    assert any(one[name] for name in one if name.startswith("events"))
    # CPU time per stage comes back from the workers, with what starting them took.
    cpu = reports[1].cpu
    assert {"date", "parse", "extract", "worker start", "build's process, all"} <= cpu.keys()
    assert cpu["parse"] > 0 and cpu["analyse (worker)"] >= cpu["parse"] + cpu["extract"]


def test_an_unchanged_rebuild_loads_no_model(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "in", 3)
    db = tmp_path / "kb.duckdb"
    settings = Settings(db_path=db, workers=2, batch_size=8, embeddings=False)
    with Store(db) as store:
        pipeline.build([str(corpus)], store, knowledge, settings, TODAY)

        def no_analysis(*_: Any, **__: Any) -> Any:
            raise AssertionError("an unchanged text was analysed")

        monkeypatch.setattr(pipeline, "analyse_batch", no_analysis)
        monkeypatch.setattr(pipeline, "_linker", no_analysis)
        report = pipeline.build([str(corpus)], store, knowledge, settings, TODAY)
    assert (report.read, report.added, report.unchanged) == (4, 0, 3)


class _ThreadEngine:
    """An engine of another kind (as a cluster's would be): `analyse_batch` on a thread."""

    workers = 1

    def __init__(self, knowledge: Knowledge, settings: Settings, today: Any, embedded: Any):
        self.arguments = (knowledge, settings, today)
        self.embedded = set(embedded)
        self.executor = ThreadPoolExecutor(1)
        self.batches = 0

    def submit(self, documents: Sequence[Any]) -> Future[list[pipeline.Analysed]]:
        self.batches += 1
        return self.executor.submit(
            pipeline.analyse_batch, list(documents), *self.arguments, embedded=self.embedded
        )

    def close(self, *, failed: bool = False) -> None:
        self.executor.shutdown(wait=not failed, cancel_futures=failed)


def test_a_build_through_another_engine_stores_the_same(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    corpus = _corpus(tmp_path / "in", 6)
    engines: list[_ThreadEngine] = []

    def engine(*arguments: Any) -> _ThreadEngine:
        engines.append(_ThreadEngine(*arguments))
        return engines[-1]

    for name, make in (("local", None), ("engine", engine)):
        db = tmp_path / f"{name}.duckdb"
        settings = Settings(db_path=db, workers=1, batch_size=4, embeddings=False)
        with Store(db) as store:
            pipeline.build([str(corpus)], store, knowledge, settings, TODAY, engine=make)
    assert len(engines) == 1 and engines[0].batches == 2
    local = _exported(tmp_path / "local.duckdb", tmp_path / "out1")
    other = _exported(tmp_path / "engine.duckdb", tmp_path / "out2")
    assert local == other


def test_a_batch_embeds_each_new_text_once_in_one_call(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def embed(texts: Sequence[str]) -> NDArray[Any]:
        calls.append(list(texts))
        return _bag_of_words(texts)

    monkeypatch.setattr(pipeline, "default_embedder", lambda: embed)
    corpus = _corpus(tmp_path / "in", 6)
    settings = Settings(workers=1, embeddings=True)
    articles = [
        pipeline.prepare(RawArticle(origin=str(p), text=p.read_text()), knowledge, TODAY)
        for p in sorted(corpus.glob("*.txt"))
    ]
    found = pipeline.analyse_batch(articles, knowledge, settings, TODAY)
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0]))
    vectors = {k: v for a in found for k, v in a.vectors.items()}
    assert len(vectors) == len(calls[0])
    assert sum(len(a.vectors) for a in found) == len(vectors)  # each vector sent once
    assert all("embed" in a.seconds for a in found if a.vectors)


class _TwoWorkers(_ThreadEngine):
    workers = 2

    def __init__(self, *arguments: Any) -> None:
        super().__init__(*arguments)
        self.sizes: list[int] = []

    def submit(self, documents: Sequence[Any]) -> Future[list[pipeline.Analysed]]:
        self.sizes.append(len(documents))
        return super().submit(documents)


def _counted(write: Any, sizes: list[int]) -> Any:
    def counted(rows: Sequence[Any], links: Any = None) -> Any:
        sizes.append(len(rows))
        return write(rows, links)

    return counted


def test_the_last_batch_goes_out_in_small_pieces_each_written_alone(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "in", 11)  # and a copy of the first: 12 inputs, batches of 8
    engines: list[_TwoWorkers] = []
    writes: list[int] = []
    monkeypatch.setattr(pipeline, "TAIL_BATCH", 2)

    def engine(*arguments: Any) -> _TwoWorkers:
        engines.append(_TwoWorkers(*arguments))
        return engines[-1]

    reports = []
    for name, make in (("local", None), ("engine", engine)):
        db = tmp_path / f"{name}.duckdb"
        settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
        with Store(db) as store:
            if make is not None:
                monkeypatch.setattr(store, "write_batch", _counted(store.write_batch, writes))
            reports.append(
                pipeline.build([str(corpus)], store, knowledge, settings, TODAY, engine=make)
            )
    # The first batch in halves; the last (3 new texts and the copy) in pieces of 2 at most,
    # each written alone, the copy's new origin with the first.
    assert engines[0].sizes == [4, 4, 2, 1]
    assert writes == [8, 3, 1]
    assert [(r.added, r.merged) for r in reports] == [(11, 1)] * 2
    assert _exported(tmp_path / "local.duckdb", tmp_path / "o1") == _exported(
        tmp_path / "engine.duckdb", tmp_path / "o2"
    )
