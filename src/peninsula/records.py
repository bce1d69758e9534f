"""Typed records that cross stage boundaries. All frozen: a stage returns new records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One article as a source read it, before cleaning.

    `metadata_dates` holds dates the container states explicitly (HTML meta, JSON-LD, a feed's
    `published`, a CSV column), as (signal name, raw value) pairs; `html_date` is htmldate's guess.
    """

    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    metadata_dates: tuple[tuple[str, str], ...] = ()
    html_date: str | None = None
    source_kind: str = "text"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that produced no article, with a one-line reason."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Dateline:
    """A wire dateline such as "Seoul, Jan 1 (IANS)"."""

    place: str | None
    month: int | None
    day: int | None
    outlet: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class DateEvidence:
    signal: str
    value: str
    weight: float


@dataclass(frozen=True, slots=True)
class DateConflict:
    signal: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class DateDecision:
    published: str | None
    precision: Precision | None
    confidence: float
    evidence: tuple[DateEvidence, ...] = ()
    conflicts: tuple[DateConflict, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned article. `id` is a hash of `text`, so equal texts are one document."""

    id: str
    origins: tuple[str, ...]
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    dateline: Dateline | None
    header_lines: tuple[str, ...]
    raw: RawArticle
    date: DateDecision = field(
        default_factory=lambda: DateDecision(published=None, precision=None, confidence=0.0)
    )


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of a document's text that names an actor; `actor_id` is None until resolved."""

    document_id: str
    char_start: int
    char_end: int
    text: str
    label: str
    actor_id: str | None
    method: str

    @property
    def id(self) -> str:
        return f"{self.document_id}:{self.char_start}-{self.char_end}:{self.actor_id or ''}"


StatementKind = Literal["direct", "indirect", "mixed"]


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets into a document's text, end exclusive."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Statement:
    """Something an actor said, with the exact content span and how it was attributed.

    `speaker` is an actor id, or None when the speaker could not be resolved (the text of the
    source is still in `speaker_text`). `date` is the date the sentence gives, else the
    publication date.
    """

    document_id: str
    kind: StatementKind
    content: Span
    text: str
    speaker: str | None
    speaker_text: str | None
    source: Span | None
    cue: str | None
    cue_span: Span | None
    date: str | None = None

    @property
    def id(self) -> str:
        return f"{self.document_id}:s{self.content.start}-{self.content.end}"


TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression. `anchored` is True when the value was computed from the anchor (the
    publication date) or from a date mentioned earlier, so it is only as right as that date."""

    char_start: int
    char_end: int
    text: str
    type: TimexType
    value: str
    mod: str | None = None
    anchored: bool = False
