"""The build: sources → documents → dating → nlp → merge → store, batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from itertools import islice
from typing import Any

from numpy.typing import NDArray

from peninsula.dating import resolve
from peninsula.documents import build_document
from peninsula.errors import DataFileError, SettingsError, StoreError
from peninsula.knowledge import Knowledge
from peninsula.merge import Embedder, Linker
from peninsula.nlp import EMPTY, analyse
from peninsula.nlp.events_embed import load_model
from peninsula.records import Analysis, Document, RawArticle, Skipped
from peninsula.settings import Settings
from peninsula.sources import input_files, iter_articles
from peninsula.store import Store


@dataclass(slots=True)
class BuildReport:
    inputs: int = 0
    inputs_done: int = 0
    read: int = 0
    added: int = 0
    unchanged: int = 0
    merged: int = 0
    skipped: list[Skipped] = field(default_factory=list)


Progress = Callable[[BuildReport], None]
# What stops a run: a bad setting or knowledge file, a store that cannot be written.
_STOPS = (SettingsError, DataFileError, StoreError)


def build(
    paths: Iterable[str],
    store: Store,
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Ingest every path into `store`. Bad inputs are reported in `skipped`, never raised."""
    report = BuildReport()
    store.write_actors(knowledge)
    linker = linker_for(store, knowledge, settings.embeddings)
    _merge_pending(store, linker)
    own_files = (store.path, store.path.with_name(store.path.name + ".wal"))
    inputs = list(input_files(paths, exclude=own_files))
    report.inputs = len(inputs)
    articles = iter_articles(inputs, settings.max_input_bytes)
    seen_inputs: set[str] = set()
    for chunk in _chunks(articles, settings.batch_size):
        documents = []
        for item in chunk:
            seen_inputs.add(item.origin.split("#", 1)[0])
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            report.read += 1
            try:
                documents.append(prepare(item, knowledge, today))
            except _STOPS:
                raise
            except Exception as exc:  # one document's failure must not cost the batch
                report.skipped.append(Skipped(item.origin, _failed("clean or date", exc)))
        _store_batch(_merge_duplicates(documents), store, knowledge, settings, linker, report)
        # The last input of a chunk may still have records to come: count it when the next starts.
        report.inputs_done = max(0, len(seen_inputs) - 1)
        if on_progress is not None:
            on_progress(report)
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
    return _merge_pending(store, linker_for(store, knowledge, settings.embeddings))


def _merge_pending(store: Store, linker: Linker) -> int:
    if not linker.has_pending:
        return 0
    pending = linker.pending
    count = len(pending.events) + len(pending.statements) + len(pending.commitments)
    store.write_links(linker.link([]))  # rows of an older store, merged again
    return count


def linker_for(store: Store, knowledge: Knowledge, embeddings: bool) -> Linker:
    """Merging over what `store` holds, with sentence embeddings when asked and installed."""
    embedder = default_embedder() if embeddings else None
    return Linker.from_state(
        store.merge_state(),
        knowledge,
        embedder,
        intents={code: entry.intent for code, entry in knowledge.events.cameo.items()},
        vectors=store.text_vectors() if embedder is not None else None,
    )


@cache
def default_embedder() -> Embedder | None:
    """all-MiniLM-L6-v2 from the optional `embeddings` extra, or None when it cannot load."""
    model = load_model()  # shared with the event coder's classifier: one copy in memory
    if model is None:
        return None

    def embed(texts: Sequence[str]) -> NDArray[Any]:
        encoded: NDArray[Any] = model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return encoded

    return embed


def prepare(raw: RawArticle, knowledge: Knowledge, today: date) -> Document:
    """One article cleaned and dated: the stages before the language model."""
    document = build_document(raw, knowledge)
    return replace(document, date=resolve(document, knowledge, today))


def _store_batch(
    documents: Sequence[Document],
    store: Store,
    knowledge: Knowledge,
    settings: Settings,
    linker: Linker,
    report: BuildReport,
) -> None:
    new_ids = store.new_document_ids([d.id for d in documents])
    fresh = [d for d in documents if d.id in new_ids]
    analysed, failed = _analyse_each(fresh, knowledge, settings, report)
    batch = [(d, analysed.get(d.id, EMPTY)) for d in documents if d.id not in failed]
    links = linker.link([(d, analysed[d.id]) for d in fresh if d.id in analysed])
    result = store.write_batch(batch, links)
    report.added += result.added
    report.unchanged += result.unchanged
    report.merged += result.merged


def _analyse_each(
    documents: Sequence[Document], knowledge: Knowledge, settings: Settings, report: BuildReport
) -> tuple[dict[str, Analysis], set[str]]:
    """The analysis of each document by id, and the ids of those whose analysis failed: each
    failure is one skipped line and the analysis goes on with the next document."""
    analysed: dict[str, Analysis] = {}
    failed: set[str] = set()
    rest = list(documents)
    while rest:
        found = analyse(
            rest,
            knowledge,
            settings.spacy_model,
            settings.workers,
            event_classifier=settings.event_classifier,
        )
        done = 0
        try:
            for document, analysis in found:  # in input order
                analysed[document.id] = analysis
                done += 1
        except _STOPS:
            raise
        except Exception as exc:
            bad = rest[done]
            failed.add(bad.id)
            report.skipped.append(Skipped(bad.origins[0], _failed("analyse", exc)))
            rest = rest[done + 1 :]
            continue
        break
    return analysed, failed


def _failed(stage: str, exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = f": {lines[0][:80]}" if lines else ""
    return f"cannot {stage} it ({type(exc).__name__}{message})"


def _merge_duplicates(documents: list[Document]) -> list[Document]:
    """Equal texts within a batch become one document with every origin."""
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
