"""The build: sources → documents → dating → nlp → merge → store, batch by batch.

The build's process reads and cleans each article, skips a text the store already holds (by the
hash of its cleaned text, before anything costly), and hands the new documents to the
per-document job (`analysis.analyse_batch`: date, parse, extract, embed), run in a pool of worker
processes started once per build (`workers`) or, for a few documents or one worker, in its own
process. It keeps a bounded number of batches in flight ahead of the one it merges and writes,
so analysis and writing overlap and memory stays flat. Nothing loads spaCy or the embedding
model unless a document is new.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.merge import Embedder, Linker, text_key
from peninsula.nlp import EMPTY
from peninsula.pipeline.analysis import (
    STOPS,
    Analysed,
    Clock,
    analyse_batch,
    clean,
    failed,
    merge_texts,
    prepare,
)
from peninsula.pipeline.embedder import default_embedder, embeddings_installed
from peninsula.pipeline.workers import WorkerPool
from peninsula.records import Analysis, Document, RawArticle, Skipped
from peninsula.settings import Settings
from peninsula.sources import input_files, iter_articles
from peninsula.store import Store

__all__ = [
    "Analysed",
    "Batch",
    "BuildReport",
    "Engine",
    "EngineFactory",
    "Run",
    "analyse_batch",
    "build",
    "clean",
    "default_embedder",
    "finish",
    "forget_warm",
    "linker_for",
    "local_pool",
    "merge_duplicates",
    "merge_pending",
    "merge_texts",
    "prepare",
    "update",
]

# Fewer new documents than this in the first batch: analysed in the build's own process.
POOL_MIN_DOCUMENTS = 8
# Documents per batch sent to a worker: small enough to spread a batch over every worker.
WORKER_BATCH = 8
# Documents per piece of the build's last batch sent to a worker: smaller pieces at the end
# keep both workers busy to the end and leave the build's process a small last piece to merge.
TAIL_BATCH = 4
# Batches read ahead of the one being written, per worker.
AHEAD_PER_WORKER = 2


@dataclass(slots=True)
class BuildReport:
    inputs: int = 0
    inputs_done: int = 0
    read: int = 0
    added: int = 0
    unchanged: int = 0
    merged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # Wall seconds per stage: in the build's process (clean, wait, merge, write) and summed over
    # the documents wherever they were analysed (date, parse, extract, embed).
    seconds: dict[str, float] = field(default_factory=dict)
    # CPU seconds per stage, the same stages: of the build's process, and of the processes that
    # analysed the documents ("worker start": loading the models in each worker).
    cpu: dict[str, float] = field(default_factory=dict)

    def add_seconds(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def add_cpu(self, stage: str, seconds: float) -> None:
        self.cpu[stage] = self.cpu.get(stage, 0.0) + seconds

    def add_since(self, stage: str, clock: Clock) -> None:
        """The wall and CPU time of this process since `clock` was started, to `stage`."""
        self.add_seconds(stage, time.perf_counter() - clock.wall)
        self.add_cpu(stage, time.process_time() - clock.cpu)


Progress = Callable[[BuildReport], None]


class Engine(Protocol):
    """Where new documents are analysed: `submit` runs `analyse_batch` over one batch somewhere
    (a local worker pool, a cluster) and returns its future; `close` ends it (`failed`: end the
    work in flight too)."""

    workers: int

    def submit(self, documents: Sequence[Document]) -> Future[list[Analysed]]: ...

    def close(self, *, failed: bool = False) -> None: ...


# Makes the engine of a build, once its first new documents arrive: (knowledge, settings, today,
# the text keys already embedded).
EngineFactory = Callable[[Knowledge, Settings, date, set[str]], Engine]


def local_pool(knowledge: Knowledge, settings: Settings, today: date, embedded: set[str]) -> Engine:
    """The default engine: `settings.workers` forked processes on this machine."""
    return WorkerPool(settings.workers, knowledge, settings, today, embedded)


@dataclass(slots=True)
class Batch:
    """One batch read: its documents (duplicates joined), which are new, their analysis (done,
    or `running` on an engine)."""

    documents: list[Document]
    fresh: list[Document]
    inputs_done: int
    running: list[Future[list[Analysed]]] = field(default_factory=list)
    analysed: list[Analysed] = field(default_factory=list)


@dataclass(slots=True)
class _Warm:
    """The merge state a build left in memory, for the next build of this process on the same
    store: valid while the store's `generation` is the one this build left (no other writer
    since), with the knowledge and embedding setting it was made with."""

    path: Path
    knowledge: Knowledge
    embeddings: bool
    generation: tuple[Any, ...]
    linker: Linker
    lookup: _Lookup
    stored: set[str]


_warm: _Warm | None = None
_warm_lock = threading.Lock()


def _take_warm(store: Store, knowledge: Knowledge, embeddings: bool) -> _Warm | None:
    """The merge state the last build of this process left for `store`, if still valid (one
    cheap query); taken, so a failed build leaves none behind."""
    global _warm
    with _warm_lock:
        warm, _warm = _warm, None
    if (
        warm is None
        or warm.path != store.path.resolve()
        or warm.knowledge is not knowledge
        or warm.embeddings != embeddings
        or warm.generation != store.generation()
    ):
        return None
    warm.lookup.store = store
    return warm


def forget_warm() -> None:
    """Drop the merge state kept in memory (tests; a process done with its store)."""
    global _warm
    with _warm_lock:
        _warm = None


class Run:
    """The state of one build, whatever analyses its documents (`start`: this process or an
    engine; Ray's driver hands its own batches to `finish`): the store, the merge state and
    the analysis engine, each made when first needed (the merge state kept in memory from this
    process's last build on the same store when still valid)."""

    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        settings: Settings,
        today: date,
        engine: EngineFactory | None,
    ) -> None:
        self.store, self.knowledge, self.settings, self.today = store, knowledge, settings, today
        self.engine = engine
        self.report = BuildReport()
        self.stored: set[str] | None = None  # keys of the stored embeddings
        self.embedded: set[str] = set()  # and of those embedded since
        self.linker: Linker | None = None
        self.lookup = _Lookup(store)
        self.pool: Engine | None = None
        self.in_flight: set[str] = set()  # ids of new documents not written yet
        started = Clock()
        self.warm = _take_warm(store, knowledge, self._embeddings)
        self.report.add_since("check kept merge state", started)
        if self.warm is not None:
            self.linker, self.lookup = self.warm.linker, self.warm.lookup
            self.stored = self.warm.stored
            self.embedded = set(self.stored)
            self.lookup.stored = self.stored

    def _stored_keys(self) -> set[str]:
        """The keys of the stored embeddings: read once, the vectors only when merging asks."""
        if self.stored is None:
            self.stored = set(self.store.text_vector_keys() if self._embeddings else ())
            self.embedded = set(self.stored)
            self.lookup.stored = self.stored
        return self.stored

    def keep_warm(self) -> None:
        """After a build: its merge state stays in memory for the next build of this process
        on the same store (`_take_warm`)."""
        global _warm
        if self.linker is None:
            return
        warm = _Warm(
            self.store.path.resolve(),
            self.knowledge,
            self._embeddings,
            self.store.generation(),
            self.linker,
            self.lookup,
            self._stored_keys(),
        )
        with _warm_lock:
            _warm = warm

    @property
    def _embeddings(self) -> bool:
        return self.settings.embeddings and embeddings_installed()

    def begin(self) -> None:
        """The first writes of any build: the knowledge's actors, then rows an older store
        left unmerged."""
        self.store.write_actors(self.knowledge)
        self.merge_older_rows()

    def end(self, on_progress: Progress | None) -> BuildReport:
        """The last of any build: the run recorded, the merge state kept for the next build."""
        finish(self.store, self.report, on_progress)
        started = Clock()
        self.keep_warm()
        self.report.add_since("keep merge state", started)
        return self.report

    def merge_older_rows(self) -> None:
        """Rows an older store left without a merged id: merged before anything new (none
        when the merge state was kept from this process's last build)."""
        if self.warm is None and self.store.unmerged():
            merge_pending(self.store, self.get_linker())

    def get_linker(self) -> Linker:
        if self.linker is None:
            started = Clock()
            self._stored_keys()
            embedder = self.lookup if self._embeddings else None
            self.linker = _linker(self.store, self.knowledge, embedder, {})
            self.report.add_since("read merge state", started)
        return self.linker

    def start(
        self, documents: list[Document], inputs_done: int, *, last: bool = False
    ) -> list[Batch]:
        """Find the new documents of a batch and start their analysis: the batch, or for the
        build's `last` batch on an engine, one batch per piece sent to a worker, each written
        when back (the documents that were not new go with the first)."""
        batch = self._start(documents, inputs_done, last=last)
        if not last or len(batch.running) < 2:
            return [batch]
        pieces = [Batch([], [], inputs_done, [running]) for running in batch.running]
        fresh = {d.id for d in batch.fresh}
        pieces[0].documents = [d for d in batch.documents if d.id not in fresh]
        for piece, part in zip(pieces, self._parts(batch.fresh, last=True), strict=True):
            piece.fresh = part
            piece.documents += part
        return pieces

    def _parts(self, fresh: list[Document], *, last: bool) -> list[list[Document]]:
        """`fresh` cut into the pieces sent to the workers."""
        workers = self.pool.workers if self.pool is not None else 1
        size = max(1, min(TAIL_BATCH if last else WORKER_BATCH, -(-len(fresh) // workers)))
        return [fresh[at : at + size] for at in range(0, len(fresh), size)]

    def _start(self, documents: list[Document], inputs_done: int, *, last: bool) -> Batch:
        report = self.report
        started = Clock()
        ids = [d.id for d in documents]
        new = self.store.new_document_ids(ids) - self.in_flight
        fresh = [d for d in documents if d.id in new]
        report.add_since("find new (store)", started)
        batch = Batch(documents, fresh, inputs_done)
        if not fresh:
            return batch
        self._stored_keys()
        if self.pool is None and (
            self.engine is not None
            or (self.settings.workers > 1 and len(fresh) >= POOL_MIN_DOCUMENTS)
        ):
            make = self.engine or local_pool
            self.pool = make(self.knowledge, self.settings, self.today, self.embedded)
        self.in_flight.update(new)
        if self.pool is None:
            batch.analysed = analyse_batch(
                fresh, self.knowledge, self.settings, self.today, embedded=self.embedded
            )
        else:
            for part in self._parts(fresh, last=last):
                batch.running.append(self.pool.submit(part))
        return batch

    @property
    def ahead(self) -> int:
        return AHEAD_PER_WORKER * self.pool.workers if self.pool is not None else 0

    def finish(self, batch: Batch) -> None:
        """Wait for a batch's analysis, merge it and write it in one transaction."""
        report = self.report
        started = Clock()
        found = list(batch.analysed)
        for running in batch.running:
            found += running.result()
        report.add_since("wait for analysis", started)
        analysed: dict[str, tuple[Document, Analysis]] = {}
        for item in found:
            for stage, seconds in item.seconds.items():
                report.add_seconds(stage, seconds)
            for stage, seconds in item.cpu.items():
                report.add_cpu(stage, seconds)
            if item.skipped is not None:
                report.skipped.append(item.skipped)
            elif item.document is not None and item.analysis is not None:
                analysed[item.document.id] = (item.document, item.analysis)
                self.lookup.add(item.vectors)
        failed_ids = {d.id for d in batch.fresh if d.id not in analysed}
        rows = [analysed.get(d.id, (d, EMPTY)) for d in batch.documents if d.id not in failed_ids]
        new = [analysed[d.id] for d in batch.fresh if d.id in analysed]
        linker = self.get_linker() if new else None
        started = Clock()
        links = linker.link(new) if linker is not None else None
        if links is not None and links.vectors:  # those read from the store are there already
            kept = {k: v for k, v in links.vectors.items() if k not in self._stored_keys()}
            links = replace(links, vectors=kept)
        self.lookup.clear()
        report.add_since("merge", started)
        started = Clock()
        result = self.store.write_batch(rows, links)
        if links is not None:
            self._stored_keys().update(links.vectors)
        report.add_since("write", started)
        self.in_flight.difference_update(d.id for d in batch.fresh)
        report.added += result.added
        report.unchanged += result.unchanged
        report.merged += result.merged
        report.inputs_done = batch.inputs_done

    def close(self, *, failed: bool) -> None:
        if self.pool is not None:
            self.pool.close(failed=failed)
            self.pool = None


def build(
    paths: Iterable[str],
    store: Store,
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    on_progress: Progress | None = None,
    *,
    engine: EngineFactory | None = None,
) -> BuildReport:
    """Ingest every path into `store`. Bad inputs are reported in `skipped`, never raised.

    New documents are analysed by `engine` when given (e.g. a cluster), else by a local worker
    pool when `settings.workers` > 1 and there are enough of them, else in this process."""
    whole = Clock()
    run = Run(store, knowledge, settings, today, engine)
    report = run.report
    run.begin()
    own_files = (store.path, store.path.with_name(store.path.name + ".wal"))
    inputs = list(input_files(paths, exclude=own_files))
    report.inputs = len(inputs)
    articles = iter_articles(inputs, settings.max_input_bytes)
    seen_inputs: set[str] = set()
    waiting: deque[Batch] = deque()
    ok = False
    try:
        for chunk, last in _marked(_chunks(articles, settings.batch_size)):
            started = Clock()
            documents = []
            for item in chunk:
                seen_inputs.add(item.origin.split("#", 1)[0])
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    continue
                report.read += 1
                try:
                    documents.append(clean(item, knowledge))
                except STOPS:
                    raise
                except Exception as exc:  # one document's failure must not cost the batch
                    report.skipped.append(Skipped(item.origin, failed("clean or date", exc)))
            report.add_since("read + clean", started)
            # The last input of a chunk may still have records to come: counted when the next
            # chunk starts.
            done = max(0, len(seen_inputs) - 1)
            waiting.extend(run.start(merge_duplicates(documents), done, last=last))
            while len(waiting) > run.ahead:
                run.finish(waiting.popleft())
                if on_progress is not None:
                    on_progress(report)
        while waiting:
            run.finish(waiting.popleft())
            if on_progress is not None and waiting:
                on_progress(report)
        ok = True
    finally:
        run.close(failed=not ok)
    report.add_cpu("build's process, all", time.process_time() - whole.cpu)
    return run.end(on_progress)


def finish(
    store: Store, report: BuildReport, on_progress: Callable[[BuildReport], None] | None
) -> BuildReport:
    """The end of a build, whatever its engine: the last progress call and the run recorded."""
    report.inputs_done = report.inputs
    if on_progress is not None:
        on_progress(report)
    store.record_run(
        report.added,
        report.unchanged,
        report.merged,
        [{"origin": s.origin, "reason": s.reason} for s in report.skipped],
    )
    return report


def update(store: Store, knowledge: Knowledge, settings: Settings) -> int:
    """Merge the rows an older store left without a merged record (migration 7 dropped the
    merged views): the merged tables a fresh build of the same documents would have. Returns
    the number of rows merged; a store without such rows is left as it is."""
    return merge_pending(store, linker_for(store, knowledge, settings.embeddings))


def merge_pending(store: Store, linker: Linker) -> int:
    """Merge and write the rows `store` holds without a merged id (any engine's build starts
    with it); returns their number."""
    if not linker.has_pending:
        return 0
    pending = linker.pending
    count = len(pending.events) + len(pending.statements) + len(pending.commitments)
    store.write_links(linker.link([]))  # rows of an older store, merged again
    return count


def linker_for(store: Store, knowledge: Knowledge, embeddings: bool) -> Linker:
    """Merging over what `store` holds, with sentence embeddings when asked and installed."""
    embedder = default_embedder() if embeddings else None
    vectors = store.text_vectors() if embedder is not None else None
    return _linker(store, knowledge, embedder, vectors)


def _linker(
    store: Store,
    knowledge: Knowledge,
    embedder: Embedder | None,
    vectors: Mapping[str, Sequence[float]] | None,
) -> Linker:
    return Linker.from_state(
        store.merge_state(),
        knowledge,
        embedder,
        intents={code: entry.intent for code, entry in knowledge.events.cameo.items()},
        vectors=vectors,
    )


class _Lookup:
    """Merging's embedder in the build's process: a stored text's vector from the store, a new
    one's from the analysis that brought it, and the model (loaded on first need) for any other
    text."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stored: Set[str] = frozenset()
        self._vectors: dict[str, NDArray[np.float32]] = {}

    def add(self, vectors: Mapping[str, NDArray[np.float32]]) -> None:
        self._vectors.update(vectors)

    def clear(self) -> None:
        self._vectors.clear()

    def __call__(self, texts: Sequence[str]) -> NDArray[Any]:
        keys = [text_key(t) for t in texts]
        found: dict[str, NDArray[np.float32]] = {}
        stored = [k for k in keys if k in self.stored]
        for key, vector in self.store.text_vectors(stored).items():
            found[key] = np.asarray(vector, dtype=np.float32)
        missing = []
        for text, key in zip(texts, keys, strict=True):
            if key not in found:
                if key in self._vectors:
                    found[key] = self._vectors[key]
                else:
                    missing.append(text)
        if missing:
            embedder = default_embedder()
            if embedder is None:
                raise SettingsError("the sentence embedding model did not load")
            for text, row in zip(missing, np.asarray(embedder(missing)), strict=True):
                found[text_key(text)] = np.asarray(row, dtype=np.float32)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])


def merge_duplicates(documents: list[Document]) -> list[Document]:
    """Equal texts within a batch become one document with every origin (any engine's build
    does it before finding which are new)."""
    by_id: dict[str, Document] = {}
    for document in documents:
        known = by_id.get(document.id)
        if known is None:
            by_id[document.id] = document
        else:
            origins = known.origins + tuple(o for o in document.origins if o not in known.origins)
            by_id[document.id] = replace(known, origins=origins)
    return list(by_id.values())


def _chunks(
    items: Iterator[RawArticle | Skipped], size: int
) -> Iterator[list[RawArticle | Skipped]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _marked(
    chunks: Iterator[list[RawArticle | Skipped]],
) -> Iterator[tuple[list[RawArticle | Skipped], bool]]:
    """Each chunk, and whether it is the last (the next one is read before it is handed on)."""
    ahead = next(chunks, None)
    while ahead is not None:
        chunk, ahead = ahead, next(chunks, None)
        yield chunk, ahead is None
