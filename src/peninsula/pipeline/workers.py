"""A pool of worker processes started once per build, each doing the whole per-document job.

The workers are forked from the build's process before it loads spaCy or the embedding model,
so they inherit the knowledge base, the settings and the keys of the texts already embedded
without copying them; each then loads spaCy and the embedding model once (`_start`), and runs
`analysis.analyse_batch` over the batches it is sent. A worker dies with the build, even one
killed by SIGKILL (PR_SET_PDEATHSIG, set at fork by `nlp`), and leaves Ctrl-C to the build.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
from collections.abc import MutableSet, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from peninsula import nlp
from peninsula.knowledge import Knowledge
from peninsula.pipeline.analysis import Analysed, analyse_batch
from peninsula.records import Document
from peninsula.settings import Settings

__all__ = ["WorkerPool"]


@dataclass(frozen=True, slots=True)
class _Job:
    knowledge: Knowledge
    settings: Settings
    today: date
    embedded: MutableSet[str]


# What a forked worker inherits: set by the build just before the pool forks.
_JOB: _Job | None = None


class WorkerPool:
    """`workers` forked processes; `submit` sends one batch of documents, in the background."""

    def __init__(
        self,
        workers: int,
        knowledge: Knowledge,
        settings: Settings,
        today: date,
        embedded: MutableSet[str],
    ) -> None:
        global _JOB
        nlp.workers_die_with_parent()
        _JOB = _Job(knowledge, settings, today, set(embedded))
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
        )
        self.workers = workers

    def submit(self, documents: Sequence[Document]) -> Future[list[Analysed]]:
        return self._executor.submit(_analyse, list(documents))

    def close(self, *, failed: bool = False) -> None:
        """Wait for the workers to end; after a failure (Ctrl-C included) end them first."""
        if failed:
            # Workers busy with batches nobody will read: end them, or the wait never ends.
            for worker in multiprocessing.active_children():
                with contextlib.suppress(Exception):
                    worker.terminate()
            self._executor.shutdown(wait=False, cancel_futures=True)
            return
        self._executor.shutdown(wait=True)


def _start() -> None:
    """Load the models once per worker, one thread each: the processes share the cores."""
    assert _JOB is not None
    nlp.load_pipeline(_JOB.settings.spacy_model)
    if _JOB.settings.embeddings:
        import peninsula.pipeline as package

        if package.default_embedder() is not None:
            with contextlib.suppress(Exception):
                importlib.import_module("torch").set_num_threads(1)


def _analyse(documents: list[Document]) -> list[Analysed]:
    assert _JOB is not None
    job = _JOB
    return analyse_batch(documents, job.knowledge, job.settings, job.today, embedded=job.embedded)
