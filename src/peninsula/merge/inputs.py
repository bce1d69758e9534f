"""What merging compares: one input per event, statement and document commitment, made the
same way from a new document's analysis and from what the store holds, so that an item is the
same input whichever build it arrives in.

The canonical order (`canonical`) is a function of content only, (publication date, document,
offset, id): clusters are formed in it, and a merged record is named after its first member.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from peninsula.records import (
    Analysis,
    Commitment,
    Document,
    DocumentHead,
    Event,
    Modality,
    Precision,
    Statement,
    document_context,
)

__all__ = [
    "CommitmentInput",
    "EventInput",
    "StatementInput",
    "canonical",
    "commitment_input",
    "event_input",
    "head_of",
    "inputs_of",
    "said_span",
    "statement_input",
]


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event report as merging sees it. `code`/`root`/`category` may be None (unknown);
    `lemma` is the trigger's lemma (default: a stem of its first word); `context` the document's
    headline and lead; `position` its offset in the document (for the canonical order); `report`
    the extracted event, when there is one, for what the merged record shows."""

    id: str
    document_id: str
    sentence: str
    trigger: str
    code: str | None = None
    root: str | None = None
    category: str | None = None
    source: str | None = None
    target: str | None = None
    modality: Modality = "actual"
    date: str | None = None
    date_precision: Precision | None = None
    published: str | None = None
    lemma: str | None = None
    context: str | None = None
    position: int = 0
    report: Event | None = None
    outlet: str | None = None
    url: str | None = None

    @property
    def code_root(self) -> str | None:
        return self.root or (self.code[:2] if self.code else None)


@dataclass(frozen=True, slots=True)
class StatementInput:
    """One statement as merging sees it; `said` is the whole attribution's text (speaker and cue
    included), the evidence a merged statement shows."""

    id: str
    document_id: str
    text: str
    speaker: str | None = None
    date: str | None = None
    published: str | None = None
    position: int = 0
    report: Statement | None = None
    said: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CommitmentInput:
    """One document's commitment as merging sees it: every wording of it in that document, the
    date it was first stated, and the code and target of the pledged event behind it."""

    id: str
    document_id: str
    wordings: tuple[str, ...]
    actor: str | None = None
    target: str | None = None
    date: str | None = None
    published: str | None = None
    code: str | None = None
    root: str | None = None
    category: str | None = None
    position: int = 0
    report: Commitment | None = None
    outlet: str | None = None

    @property
    def stated(self) -> str | None:
        return self.date or self.published

    @property
    def code_root(self) -> str | None:
        return self.root or (self.code[:2] if self.code else None)


Item = EventInput | StatementInput | CommitmentInput


def canonical(item: Item) -> tuple[str, str, int, str]:
    """The canonical order: by publication date (undated last), document, offset, id."""
    return (item.published or "9999", item.document_id, item.position, item.id)


def head_of(document: Document) -> DocumentHead:
    return DocumentHead(
        document.id,
        document.date.published,
        document.outlet,
        document.url,
        document_context(document.title, document.text),
    )


def event_input(event: Event, head: DocumentHead) -> EventInput:
    return EventInput(
        id=event.id,
        document_id=event.document_id,
        sentence=event.sentence.strip(),
        trigger=event.trigger,
        code=event.code,
        root=event.root,
        category=event.category,
        source=event.source,
        target=event.target,
        modality=event.modality,
        date=event.date,
        date_precision=event.date_precision,
        published=head.published,
        context=head.context,
        position=event.trigger_start,
        report=event,
        outlet=head.outlet,
        url=head.url,
    )


def said_span(statement: Statement) -> tuple[int, int]:
    """The whole attribution, speaker and cue included, when their offsets are known."""
    spans = [statement.content, statement.source, statement.cue_span]
    return min(s.start for s in spans if s), max(s.end for s in spans if s)


def statement_input(statement: Statement, head: DocumentHead, said: str) -> StatementInput:
    return StatementInput(
        id=statement.id,
        document_id=statement.document_id,
        text=statement.text,
        speaker=statement.speaker,
        date=statement.date,
        published=head.published,
        position=statement.content.start,
        report=statement,
        said=said,
        outlet=head.outlet,
        url=head.url,
    )


def commitment_input(
    commitment: Commitment, head: DocumentHead, events: Mapping[str, Event]
) -> CommitmentInput:
    """The code and target are those of the first pledged event among its mentions."""
    first = next(
        (events[m.event_id] for m in commitment.mentions if m.event_id and m.event_id in events),
        None,
    )
    return CommitmentInput(
        id=commitment.id,
        document_id=commitment.mentions[0].document_id,
        wordings=tuple(m.text for m in commitment.mentions),
        actor=commitment.actor,
        target=first.target if first else None,
        date=commitment.first_stated,
        published=head.published,
        code=first.code if first else None,
        root=first.root if first else None,
        category=first.category if first else None,
        position=commitment.mentions[0].char_start,
        report=commitment,
        outlet=head.outlet,
    )


@dataclass(slots=True)
class Inputs:
    events: list[EventInput]
    statements: list[StatementInput]
    commitments: list[CommitmentInput]


def inputs_of(batch: Iterable[tuple[Document, Analysis]]) -> Inputs:
    """The merge inputs of new documents (the first of two rows with one id wins, as stored)."""
    found = Inputs([], [], [])
    for document, analysis in batch:
        head = head_of(document)
        events = _first_by_id(analysis.events)
        found.events += [event_input(e, head) for e in events.values()]
        found.statements += [
            statement_input(s, head, _said(document.text, s))
            for s in _first_by_id(analysis.statements).values()
        ]
        found.commitments += [
            commitment_input(c, head, events) for c in _first_by_id(analysis.commitments).values()
        ]
    return found


_Identified = TypeVar("_Identified", Event, Statement, Commitment)


def _first_by_id(items: Iterable[_Identified]) -> dict[str, _Identified]:
    found: dict[str, _Identified] = {}
    for item in items:
        found.setdefault(item.id, item)
    return found


def _said(text: str, statement: Statement) -> str:
    start, end = said_span(statement)
    return text[start:end] if 0 <= start < end <= len(text) else statement.text
