"""A build killed from outside: no worker outlives it, and a rebuild loses nothing.

Each test runs a build in a subprocess (the spaCy model loads once there) over small invented
articles, then kills it with SIGKILL at a point the subprocess announces on stdout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest

import peninsula
from peninsula.knowledge import Knowledge
from peninsula.pipeline import build
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import TODAY

SRC = Path(peninsula.__file__).resolve().parent.parent
_PLACES = ("Ruritania", "Freedonia", "Latveria", "Genovia", "Elbonia", "Borduria")
_SENTENCES = (
    "The foreign minister of {a} said on Tuesday that talks with {b} would resume in May.",
    "{a} condemned the missile launch by {b} and called for a meeting of the council.",
    '"We will send aid to the border towns," the envoy of {a} told reporters in Seoul.',
    "Officials from {b} met their counterparts from {a} in Geneva on Monday.",
    "{a} promised to lift the sanctions on {b} if the inspections go ahead.",
)

# Run inside the subprocess: announce a point of the build on stdout, then wait to be killed.
_SCRIPT = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with it ignored
import peninsula.nlp as nlp
import peninsula.store as store
from peninsula.cli import app

point = sys.argv.pop(1)
if point == "workers":
    real_doc = nlp.analyse_doc
    build_process = os.getpid()
    def slow_doc(*args, **kwargs):
        if os.getpid() == build_process:  # the build warms up before it forks its workers
            return real_doc(*args, **kwargs)
        print("analysing", flush=True)
        time.sleep(0.3)
        return real_doc(*args, **kwargs)
    nlp.analyse_doc = slow_doc
elif point == "failing":
    real_doc = nlp.analyse_doc
    def failing_doc(doc, document, *args, **kwargs):
        if "Item 3." in document.text:
            raise ValueError("invented failure")
        return real_doc(doc, document, *args, **kwargs)
    nlp.analyse_doc = failing_doc
else:
    from peninsula.store import writes
    real_batch, real_analysis = store.Store.write_batch, writes.Writer.insert_analyses
    batches = []
    def counted_batch(self, *args, **kwargs):
        batches.append(1)
        return real_batch(self, *args, **kwargs)
    def stalled_analysis(self, *args, **kwargs):
        real_analysis(self, *args, **kwargs)
        if len(batches) == 3:
            print("inside", flush=True)
            time.sleep(60)
    store.Store.write_batch = counted_batch
    writes.Writer.insert_analyses = stalled_analysis
sys.argv[0] = "peninsula"
app()
"""


def _corpus(folder: Path, count: int, sentences: int) -> Path:
    folder.mkdir()
    for i in range(count):
        a, b = _PLACES[i % len(_PLACES)], _PLACES[(i + 1 + i // 6) % len(_PLACES)]
        body = " ".join(
            _SENTENCES[(i + j) % len(_SENTENCES)].format(a=a, b=b) for j in range(sentences)
        )
        (folder / f"{i:03d}.txt").write_text(
            f"SEOUL, March {1 + i % 28}, 2025 -- Item {i}. {body}\n", encoding="utf-8"
        )
    return folder


def _start(
    point: str, corpus: Path, db: Path, stderr: Any = subprocess.DEVNULL, **env: str
) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC), "PENINSULA_EMBEDDINGS": "off", **env}
    return subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, point, "build", str(corpus), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=environment,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _wait_for(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdout is not None
    for seen in process.stdout:
        if seen.strip() == line:
            return
    raise AssertionError(f"the build ended (status {process.wait()}) before {line!r}")


def _end(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_worker_outlives_a_killed_build(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in", 40, 4)
    process = _start(
        "workers", corpus, tmp_path / "kb.duckdb", PENINSULA_WORKERS="2", PENINSULA_BATCH_SIZE="40"
    )
    try:
        _wait_for(process, "analysing")
        workers = [p.pid for p in psutil.Process(process.pid).children(recursive=True)]
        assert len(workers) >= 2
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(workers) == []
    finally:
        _end(process)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_ctrl_c_ends_the_build_and_its_workers_with_one_line(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in", 40, 4)
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        process = _start(
            "workers", corpus, tmp_path / "kb.duckdb", stderr, PENINSULA_WORKERS="2",
            PENINSULA_BATCH_SIZE="40",
        )  # fmt: skip
        try:
            _wait_for(process, "analysing")
            workers = [p.pid for p in psutil.Process(process.pid).children(recursive=True)]
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
            assert process.wait(timeout=30) == 130
            deadline = time.monotonic() + 5
            while _alive(workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _alive(workers) == []
        finally:
            _end(process)
    assert log.read_text().strip().splitlines()[-1:] == [
        "interrupted: the batch in progress was rolled back"
    ]
    assert "Traceback" not in log.read_text()


def test_a_document_failing_with_two_workers_costs_that_document_only(tmp_path: Path) -> None:
    """spaCy's pool, left early by an error, must not wait forever on its workers."""
    corpus = _corpus(tmp_path / "in", 40, 4)
    process = _start(
        "failing", corpus, tmp_path / "kb.duckdb", PENINSULA_WORKERS="2", PENINSULA_BATCH_SIZE="40"
    )
    try:
        out, _ = process.communicate(timeout=120)
    finally:
        _end(process)
    assert process.returncode == 0
    skipped = [line for line in out.splitlines() if line.startswith("skipped:")]
    assert skipped == [
        f"skipped: {corpus / '003.txt'}: cannot analyse it (ValueError: invented failure)"
    ]
    with Store(tmp_path / "kb.duckdb", read_only=True) as store:
        assert store.counts()["documents"] == 39


def test_a_build_killed_mid_batch_loses_nothing_on_rebuild(
    tmp_path: Path, settings: Settings, knowledge: Knowledge
) -> None:
    corpus = _corpus(tmp_path / "in", 10, 3)
    killed_db = tmp_path / "killed.duckdb"
    process = _start("batch", corpus, killed_db, PENINSULA_WORKERS="1", PENINSULA_BATCH_SIZE="2")
    try:
        _wait_for(process, "inside")
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        _end(process)
    with Store(killed_db, read_only=True) as store:
        assert store.counts()["documents"] == 4  # the two batches committed before the kill
    config = replace(settings, batch_size=2)
    clean_db = tmp_path / "clean.duckdb"
    for db in (killed_db, clean_db):
        with Store(db) as store:
            build([str(corpus)], store, knowledge, config, TODAY)
    counts = []
    for db in (killed_db, clean_db):
        with Store(db, read_only=True) as store:
            found = store.counts()
        counts.append({k: found[k] for k in ("documents", "events", "statements", "mentions")})
    assert counts[0] == counts[1]
    assert counts[0]["documents"] == 10 and counts[0]["events"] > 0
