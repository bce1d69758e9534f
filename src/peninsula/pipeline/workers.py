"""A pool of worker processes started once per build, each doing the whole per-document job.

The build's process loads spaCy and runs the extraction once over a short invented article
(`_warm_up`: the spaCy model, the gazetteer, the time-expression rules, the date parser's
tables and the models are built on first use) just before the workers are forked, so that every
worker inherits them, with the knowledge base, the settings and the keys of the texts already
embedded, instead of building them again; the build's process also imports the embedding
library, and each worker then loads the embedding model once (`_start`: no model has run in
the build's process before the fork, so torch's thread pool is not inherited half made), and runs
`analysis.analyse_batch` over the batches it is sent. A worker dies with the build, even one
killed by SIGKILL (PR_SET_PDEATHSIG, set at fork by `nlp`), and leaves Ctrl-C to the build.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import time
from collections.abc import MutableSet, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from peninsula import nlp
from peninsula.knowledge import Knowledge
from peninsula.pipeline.analysis import Analysed, analyse_batch
from peninsula.records import Document, RawArticle
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
# Whether this worker has reported what its start cost.
_started = False


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
        _warm_up(knowledge, settings, today)
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


# What the embedding model is loaded with (`nlp.events_embed.load_model`).
_EMBEDDING_LIBRARY = "sentence_transformers"

# Invented: a dateline, a quotation with its speaker, a weekday, a meeting.
_WARM_UP_TEXT = (
    'SEOUL, March 3, 2025 -- "We will meet again next week," the foreign minister said on '
    "Monday after talks with his counterpart in Geneva.\n"
)


def _warm_up(knowledge: Knowledge, settings: Settings, today: date) -> None:
    """Build, in this process, what every worker would otherwise build for its first document:
    the spaCy pipeline and the lazily built tables; and import the sentence embedding library
    (about 7 of the 8 CPU-seconds a worker took to load the embedding model, paid once here
    instead of once per worker; importing runs no model, so forking after it is safe)."""
    article = RawArticle("<warm-up>", _WARM_UP_TEXT)
    analyse_batch([article], knowledge, replace(settings, embeddings=False), today)
    if settings.embeddings:
        with contextlib.suppress(Exception):  # the extra is missing: the workers find out
            importlib.import_module(_EMBEDDING_LIBRARY)


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
    global _started
    assert _JOB is not None
    job = _JOB
    cpu = time.process_time()
    found = analyse_batch(documents, job.knowledge, job.settings, job.today, embedded=job.embedded)
    if found:
        found[0].cpu["analyse (worker)"] = time.process_time() - cpu
        if not _started:  # a forked process's CPU time starts at 0: what it took to start
            found[0].cpu["worker start"] = cpu
            _started = True
    return found
