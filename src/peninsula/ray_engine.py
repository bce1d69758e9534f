"""Scale-out on Ray Data: `peninsula build PATH... --engine ray [--address ADDR] [--workers N]`.

The inputs become a Ray Dataset: files and folders (every format a local build reads) as a list
of files, each read by peninsula's own readers in a Ray task; a Parquet lake written by
`peninsula export --format parquet --partition month` (its `documents` table) through
`ray.data.read_parquet`, each row read as a JSON Lines record with the same fields is. An actor
pool (`map_batches` with a callable class, `concurrency=N`) loads spaCy, the knowledge and the
models once per actor and runs the per-document analysis of a local build over each batch:
clean, date, parse and every extraction stage. The results stream back in input order
(`iter_rows`, `preserve_order`) to this process, the driver, which merges and writes them batch
by batch exactly as a local build does, so both give the same store.

Ray is the optional `ray` extra and is imported only here, when a build asks for it. Without
`--address` a local Ray instance is started on this machine (no dashboard, nothing on the
network) and stopped at the end; with it, the build joins that cluster, whose nodes must have
peninsula installed and read the input paths at the same place.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peninsula.errors import PeninsulaError, SettingsError
from peninsula.records import (
    Analysis,
    Document,
    PartialDate,
    Precision,
    RawArticle,
    Skipped,
)
from peninsula.settings import Settings
from peninsula.sources import input_files, iter_articles, read_records

if TYPE_CHECKING:
    from peninsula.knowledge import Knowledge
    from peninsula.pipeline import BuildReport, Progress, Run
    from peninsula.store import Store

# The reading tasks import this module: the language model and the pipeline load in the actors
# and the driver only, inside the functions that need them.
EXTRA_MISSING = "--engine ray needs Ray: pip install 'peninsula[ray]' (or make demo)"
_LAKE_TABLE = "documents"
_BLOCK_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the actor pool made of one item of the input stream, in input order: a Skipped
    from reading (`read` False), or an article, cleaned and dated into `document` (else
    `skipped` says why not) and analysed (`analysis`; None when its id was stored before the
    build, `failure` when an extraction stage failed)."""

    origin: str
    read: bool
    skipped: Skipped | None = None
    document: Document | None = None
    analysis: Analysis | None = None
    failure: Skipped | None = None
    # Sentence embeddings of the texts merging compares, by `merge.text_key`.
    vectors: dict[str, Any] = field(default_factory=dict)


# --- the per-document analysis, in each actor ----------------------------------------------------


def analyse_items(
    items: Sequence[RawArticle | Skipped],
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    known: frozenset[str] = frozenset(),
) -> list[Outcome]:
    """The analysis a local build runs on each article (`pipeline.prepare` then
    `pipeline.analyse_batch`, one process): the one place to switch to the pipeline's public
    per-document function. Documents whose id is in `known` are not parsed."""
    from peninsula.pipeline import analyse_batch, prepare
    from peninsula.pipeline.analysis import STOPS as _STOPS
    from peninsula.pipeline.analysis import failed as _failed

    outcomes: list[Outcome] = []
    for item in items:
        if isinstance(item, Skipped):
            outcomes.append(Outcome(item.origin, read=False, skipped=item))
            continue
        try:
            document = prepare(item, knowledge, today)
        except _STOPS:
            raise
        except Exception as exc:  # one document's failure must not cost the batch
            skipped = Skipped(item.origin, _failed("clean or date", exc))
            outcomes.append(Outcome(item.origin, read=True, skipped=skipped))
            continue
        outcomes.append(Outcome(item.origin, read=True, document=document))
    # Equal texts are analysed once per variant (outlet, date...), as the first of them would be.
    variants: dict[bytes, list[int]] = {}
    for index, outcome in enumerate(outcomes):
        if outcome.document is not None and outcome.document.id not in known:
            key = pickle.dumps(replace(outcome.document, origins=()))
            variants.setdefault(key, []).append(index)
    firsts = [outcomes[places[0]].document for places in variants.values()]
    one_process = replace(settings, workers=1)
    found = analyse_batch([d for d in firsts if d is not None], knowledge, one_process, today)
    for places, analysed in zip(variants.values(), found, strict=True):
        for index in places:
            outcome = outcomes[index]
            assert outcome.document is not None
            failure = None
            if analysed.analysis is None:
                reason = analysed.skipped.reason if analysed.skipped else "cannot analyse it"
                failure = Skipped(outcome.document.origins[0], reason)
            outcomes[index] = replace(
                outcome, analysis=analysed.analysis, failure=failure, vectors=analysed.vectors
            )
    return outcomes


class Analyser:
    """One actor of the pool: the language model, knowledge and models loaded once."""

    def __init__(
        self, knowledge: Knowledge, settings: Settings, today: date, known: frozenset[str]
    ) -> None:
        self.knowledge = knowledge
        self.settings = settings
        self.today = today
        self.known = known
        from peninsula.nlp import load_pipeline

        load_pipeline(settings.spacy_model)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        items = [pickle.loads(raw) for raw in batch["item"]]
        outcomes = analyse_items(items, self.knowledge, self.settings, self.today, self.known)
        return {"outcome": np.array([pickle.dumps(o) for o in outcomes], dtype=object)}


def read_file(row: dict[str, Any], max_bytes: int) -> list[dict[str, Any]]:
    """One input file's articles (or reasons it has none), by the readers a local build uses."""
    return [{"item": pickle.dumps(item)} for item in iter_articles([row["path"]], max_bytes)]


def read_lake_rows(batch: Any, lake: str) -> dict[str, Any]:
    """Rows of a lake's `documents` table (a pyarrow Table) as articles, the origin of each its
    document's first path. The publication date, a DATE column holding the first day of its
    period, becomes the partial date it was ("2025-08" for a month) again."""
    import numpy as np

    records = []
    for row in batch.to_pylist():
        published, precision = row.get("published"), row.get("date_precision")
        if isinstance(published, date):
            coarse: Precision = "year" if precision == "year" else "day"
            coarse = "month" if precision == "month" else coarse
            row["published"] = PartialDate.of(published, coarse).iso
        records.append((str(row.get("path") or f"{lake}#{row.get('id')}"), row))
    items = [pickle.dumps(item) for item in read_records(records)]
    return {"item": np.array(items, dtype=object)}


# --- the driver ----------------------------------------------------------------------------------


def build_on_ray(
    paths: Iterable[str],
    store: Store,
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    *,
    address: str | None = None,
    workers: int | None = None,
    on_progress: Progress | None = None,
) -> BuildReport:
    """`pipeline.build` with the per-document analysis in a Ray actor pool of `workers` actors
    (default: `settings.workers`, or every CPU of the cluster at `address`)."""
    ray = _import_ray()
    paths = list(paths)
    if "-" in paths:
        raise SettingsError("--engine ray reads files, folders and lakes, not stdin (-)")
    started = not ray.is_initialized()
    if started:
        if address is None:
            ray.init(
                num_cpus=workers or settings.workers,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                _node_ip_address="127.0.0.1",
            )
        else:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    try:
        actors = workers or (
            settings.workers if address is None else int(ray.cluster_resources().get("CPU", 1))
        )
        return _build(ray, paths, store, knowledge, settings, today, max(1, actors), on_progress)
    finally:
        if started:
            ray.shutdown()


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise SettingsError(EXTRA_MISSING) from None
    return ray


def _build(
    ray: Any,
    paths: list[str],
    store: Store,
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    actors: int,
    on_progress: Progress | None,
) -> BuildReport:
    from peninsula.pipeline import Run

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # the driver merges in input order
    context.enable_progress_bars = False
    # Small blocks, so that the records of one big JSON Lines file spread over the actors.
    context.target_max_block_size = _BLOCK_BYTES
    # A local build's merging and writing (`pipeline.Run`): the actors do the analysis.
    run = Run(store, knowledge, settings, today, None)
    report = run.report
    run.begin()
    own_files = (store.path, store.path.with_name(store.path.name + ".wal"))
    segments = [
        (lake, list(group))
        for lake, group in groupby(paths, key=lambda p: lake_folder(Path(p)) is not None)
    ]
    inputs: list[tuple[bool, list[str]]] = []
    for lake, group in segments:
        inputs.append((lake, group if lake else list(input_files(group, exclude=own_files))))
    report.inputs = sum(len(files) for _, files in inputs)
    # The actors get what a local build's analysis reads: no API token goes to the cluster.
    shipped = replace(settings, api_token=None, workers=1)
    constructor = {
        "knowledge": knowledge,
        "settings": shipped,
        "today": today,
        "known": store.document_ids(),
    }
    seen_inputs: set[str] = set()
    done_before = 0
    for lake, files in inputs:
        if not files:
            continue
        items = _lake_dataset(ray, files) if lake else _file_dataset(ray, files, settings, actors)
        analysed = items.map_batches(
            Analyser,
            batch_size=settings.batch_size,
            batch_format="numpy",
            fn_constructor_kwargs=constructor,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        outcomes = _unwrapped(pickle.loads(row["outcome"]) for row in analysed.iter_rows())
        for chunk in _chunks(outcomes, settings.batch_size):
            _store_chunk(chunk, run, seen_inputs)
            if not lake:
                report.inputs_done = done_before + max(0, len(seen_inputs) - 1)
            if on_progress is not None:
                on_progress(report)
        done_before += len(files)
        seen_inputs.clear()
        report.inputs_done = done_before
    return run.end(on_progress)


def _unwrapped(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    """`outcomes`, an error of peninsula's raised in an actor (a missing language model, a bad
    knowledge file) raised as itself, not wrapped in Ray's task and actor errors."""
    try:
        yield from outcomes
    except Exception as exc:
        cause = peninsula_cause(exc)
        if cause is None:
            raise
        raise cause from None


def peninsula_cause(exc: BaseException) -> PeninsulaError | None:
    """The first PeninsulaError in the chain of causes of `exc` (Ray keeps a task's exception
    as `cause`), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, PeninsulaError):
            return current
        seen.add(id(current))
        ray_cause = getattr(current, "cause", None)
        current = ray_cause if isinstance(ray_cause, BaseException) else current.__cause__
    return None


def lake_folder(path: Path) -> Path | None:
    """The `documents` table of a Parquet lake at `path` (the export folder or the table's own
    folder), or None when `path` is not one."""
    folder = path if path.name == _LAKE_TABLE else path / _LAKE_TABLE
    if folder.is_dir() and next(folder.rglob("*.parquet"), None) is not None:
        return folder
    return None


def _file_dataset(ray: Any, files: list[str], settings: Settings, actors: int) -> Any:
    listing = ray.data.from_items([{"path": f} for f in files], override_num_blocks=len(files))
    # Reading costs a few milliseconds an article next to the analysis's hundred or more: no
    # CPU is reserved for it, so the actors (one CPU each) can take every CPU there is, and a
    # few reading tasks at a time keep them fed.
    return listing.flat_map(
        read_file,
        fn_kwargs={"max_bytes": settings.max_input_bytes},
        num_cpus=0,
        compute=ray.data.TaskPoolStrategy(size=max(1, min(len(files), actors // 8 + 1))),
    )


def _lake_dataset(ray: Any, lakes: list[str]) -> Any:
    datasets = []
    for lake in lakes:
        folder = lake_folder(Path(lake))
        assert folder is not None
        rows = ray.data.read_parquet(str(folder))  # Hive-style partitions by default
        datasets.append(
            rows.map_batches(
                read_lake_rows, fn_kwargs={"lake": lake}, batch_format="pyarrow", num_cpus=0
            )
        )
    first, *rest = datasets
    return first.union(*rest) if rest else first


def _store_chunk(chunk: list[Outcome], run: Run, seen_inputs: set[str]) -> None:
    """One batch of analysed outcomes merged and written by `pipeline.Run.finish`, as a local
    build's batch is."""
    from peninsula.pipeline import Analysed, Batch, analyse_batch, merge_duplicates

    report = run.report
    documents: list[Document] = []
    first: dict[str, Outcome] = {}
    for outcome in chunk:
        seen_inputs.add(outcome.origin.split("#", 1)[0])
        if not outcome.read or outcome.document is None:
            assert outcome.skipped is not None
            report.read += outcome.read
            report.skipped.append(outcome.skipped)
            continue
        report.read += 1
        documents.append(outcome.document)
        first.setdefault(outcome.document.id, outcome)
    merged = merge_duplicates(documents)
    new_ids = run.store.new_document_ids([d.id for d in merged])
    fresh = [d for d in merged if d.id in new_ids]
    analysed: list[Analysed] = []
    for document in fresh:
        outcome = first[document.id]
        if outcome.analysis is None and outcome.failure is None:
            # Stored when the build started, gone since: analysed here.
            analysed += analyse_batch([document], run.knowledge, run.settings, date.today())
            continue
        analysed.append(
            Analysed(
                outcome.origin,
                document,
                outcome.analysis,
                outcome.failure,
                vectors=outcome.vectors if outcome.failure is None else {},
            )
        )
    run.finish(Batch(merged, fresh, report.inputs_done, analysed=analysed))


def _chunks(items: Iterator[Outcome], size: int) -> Iterator[list[Outcome]]:
    while chunk := list(islice(items, size)):
        yield chunk
