"""The whole per-document job, in whichever process runs it: clean, date, parse, extract, embed.

`analyse_batch` is the one public per-document analysis function: a local build calls it in its
worker processes (`workers`) or in its own process, and other engines (Ray) call it in theirs.
Each item comes back as an `Analysed`, picklable, in input order; a document that fails a stage
is a `skipped` line and costs nothing else.
"""

from __future__ import annotations

import time
from collections.abc import MutableSet, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peninsula import nlp
from peninsula.dating import resolve
from peninsula.documents import build_document
from peninsula.errors import DataFileError, SettingsError, StoreError
from peninsula.knowledge import Knowledge
from peninsula.merge import text_key
from peninsula.merge.inputs import inputs_of
from peninsula.merge.link_model import texts_of
from peninsula.records import Analysis, Document, RawArticle, Skipped
from peninsula.settings import Settings

__all__ = ["Analysed", "Clock", "analyse_batch", "clean", "failed", "merge_texts", "prepare"]

# What stops a run: a bad setting or knowledge file, a store that cannot be written.
STOPS = (SettingsError, DataFileError, StoreError)
_PARSE_BATCH = 32


@dataclass(frozen=True, slots=True)
class Clock:
    """When a stage started, in wall and in this process's CPU time."""

    wall: float = field(default_factory=time.perf_counter)
    cpu: float = field(default_factory=time.process_time)


@dataclass(frozen=True, slots=True)
class Analysed:
    """One input after the per-document stages.

    `document` is None when it could not be cleaned; `analysis` is None when a stage failed
    (then `skipped` says which); `vectors` are the sentence embeddings merging will ask for, by
    `merge.text_key`, of the texts not embedded before; `seconds` is the wall time per stage,
    `cpu` the CPU time per stage of the process that analysed it (a stage run once for a batch,
    such as the embeddings, is counted on the batch's first document).
    """

    origin: str
    document: Document | None
    analysis: Analysis | None
    skipped: Skipped | None = None
    vectors: dict[str, NDArray[np.float32]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def clean(raw: RawArticle, knowledge: Knowledge) -> Document:
    """One article cleaned, not dated yet: its id is the hash of the cleaned text."""
    return build_document(raw, knowledge)


def prepare(raw: RawArticle, knowledge: Knowledge, today: date) -> Document:
    """One article cleaned and dated: the stages before the language model."""
    document = build_document(raw, knowledge)
    return replace(document, date=resolve(document, knowledge, today))


def analyse_batch(
    items: Sequence[RawArticle | Document],
    knowledge: Knowledge,
    settings: Settings,
    today: date,
    *,
    embedded: MutableSet[str] | None = None,
) -> list[Analysed]:
    """Each item (a raw article, or a document already cleaned) cleaned, dated, parsed, run
    through every extraction stage and, when `settings.embeddings`, the merge texts embedded.

    `embedded`: the `text_key`s already embedded (in the store, or earlier in this process),
    skipped and updated with the new ones. Failures are `skipped` lines; a bad setting or
    knowledge file raises.
    """
    out: list[Analysed | None] = [None] * len(items)
    dated: list[tuple[int, Document]] = []
    for index, item in enumerate(items):
        started, cpu = time.perf_counter(), time.process_time()
        origin = item.origin if isinstance(item, RawArticle) else item.origins[0]
        try:
            document = clean(item, knowledge) if isinstance(item, RawArticle) else item
            document = replace(document, date=resolve(document, knowledge, today))
        except STOPS:
            raise
        except Exception as exc:  # one document's failure must not cost the batch
            out[index] = Analysed(origin, None, None, Skipped(origin, failed("clean or date", exc)))
            continue
        dated.append((index, document))
        out[index] = Analysed(
            origin,
            document,
            None,
            seconds={"date": _since(started)},
            cpu={"date": time.process_time() - cpu},
        )
    for index, found in _parse_and_extract([d for _, d in dated], knowledge, settings):
        at = dated[index][0]
        previous = out[at]
        if previous is not None:
            found.seconds.update(previous.seconds)
            found.cpu.update(previous.cpu)
        out[at] = found
    if settings.embeddings:
        cpu = time.process_time()
        _embed(out, embedded if embedded is not None else set())
        first = next((a for a in out if a is not None and a.analysis is not None), None)
        if first is not None:
            first.cpu["embed"] = first.cpu.get("embed", 0.0) + time.process_time() - cpu
    return [a for a in out if a is not None]


def _parse_and_extract(
    documents: Sequence[Document], knowledge: Knowledge, settings: Settings
) -> list[tuple[int, Analysed]]:
    """Each document's analysis by position; a document whose parse or extraction fails is a
    skipped line and the rest go on."""
    found: list[tuple[int, Analysed]] = []
    if not documents:
        return found
    model = nlp.load_pipeline(settings.spacy_model)
    start = 0
    while start < len(documents):
        rest = documents[start:]
        pipe = model.pipe((d.text for d in rest), batch_size=_PARSE_BATCH)
        done = 0
        try:
            while done < len(rest):
                began, cpu = time.perf_counter(), time.process_time()
                doc = next(pipe)
                parsed, parsed_cpu = time.perf_counter(), time.process_time()
                document = rest[done]
                found.append((start + done, _extract(doc, document, knowledge, settings, parsed)))
                found[-1][1].seconds["parse"] = parsed - began
                found[-1][1].cpu["parse"] = parsed_cpu - cpu
                done += 1
        except STOPS:
            raise
        except Exception as exc:  # the parser failed on this document: go on after it
            bad = rest[done]
            reason = failed("analyse", exc)
            found.append((start + done, Analysed(bad.origins[0], bad, None, _skip(bad, reason))))
            start += done + 1
            continue
        break
    return found


def _extract(
    doc: Any, document: Document, knowledge: Knowledge, settings: Settings, started: float
) -> Analysed:
    origin = document.origins[0]
    cpu = time.process_time()
    try:
        analysis = nlp.analyse_doc(
            doc, document, knowledge, event_classifier=settings.event_classifier
        )
    except STOPS:
        raise
    except Exception as exc:
        return Analysed(origin, document, None, _skip(document, failed("analyse", exc)))
    seconds, spent = {"extract": _since(started)}, {"extract": time.process_time() - cpu}
    return Analysed(origin, document, analysis, seconds=seconds, cpu=spent)


def merge_texts(document: Document, analysis: Analysis) -> list[str]:
    """The texts cross-document merging embeds for one new document's items: each event's
    sentence, lemma, phrase and context, and each commitment's wordings."""
    found = inputs_of([(document, analysis)])
    texts = texts_of(found.events)
    texts += [w for c in found.commitments for w in c.wordings]
    return list(dict.fromkeys(texts))


def _embed(out: Sequence[Analysed | None], embedded: MutableSet[str]) -> None:
    """Embed the batch's new merge texts in one call (each text once: the model costs far less
    per text in one call than in one call per document); each vector goes to the first document
    that asked for it, and the call's time to the documents in proportion to their new texts."""
    import peninsula.pipeline as package  # tests replace its `default_embedder`

    wanted: dict[str, tuple[str, Analysed]] = {}  # text key -> (text, the document first asking)
    for item in out:
        if item is None or item.analysis is None or item.document is None:
            continue
        for text in merge_texts(item.document, item.analysis):
            key = text_key(text)
            if key not in embedded and key not in wanted:
                wanted[key] = (text, item)
    if not wanted:
        return
    started = time.perf_counter()
    embedder = package.default_embedder()
    if embedder is None:
        return  # the extra is missing: merging falls back to words
    matrix = np.asarray(embedder([text for text, _ in wanted.values()]), dtype=np.float32)
    share = _since(started) / len(wanted)
    for (key, (_, item)), row in zip(wanted.items(), matrix, strict=True):
        item.vectors[key] = row
        item.seconds["embed"] = item.seconds.get("embed", 0.0) + share
        embedded.add(key)


def _skip(document: Document, reason: str) -> Skipped:
    return Skipped(document.origins[0], reason)


def failed(stage: str, exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = f": {lines[0][:80]}" if lines else ""
    return f"cannot {stage} it ({type(exc).__name__}{message})"


def _since(started: float) -> float:
    return time.perf_counter() - started
