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
    year: int | None = None  # "New York, Sept 24, 2025 (Yonhap)"; most datelines have none


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
    date_precision: Precision | None = None

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


Modality = Literal["actual", "pledged", "hypothetical", "negated"]
DecidedBy = Literal["pattern", "embedding"]


@dataclass(frozen=True, slots=True)
class Event:
    """One coded interaction, with the sentence that evidences it.

    `source`/`target` are actor ids (None when the participant is unknown or absent; the text
    is then in `source_text`/`target_text`). `char_start`/`char_end` are the sentence's offsets.
    """

    document_id: str
    source: str | None
    target: str | None
    code: str
    root: str
    category: str | None
    modality: Modality
    goldstein: float
    summary: str
    sentence: str
    char_start: int
    char_end: int
    trigger: str
    trigger_start: int
    decided_by: DecidedBy
    statement_id: str | None = None
    date: str | None = None
    mode: str | None = None
    reported_by: str | None = None
    source_text: str | None = None
    target_text: str | None = None
    date_precision: Precision | None = None

    @property
    def id(self) -> str:
        parties = f"{self.source or ''}>{self.target or ''}"
        return f"{self.document_id}:e{self.trigger_start}:{self.code}:{parties}"


@dataclass(frozen=True, slots=True)
class CommitmentMention:
    """One place a commitment was stated."""

    document_id: str
    date: str | None
    statement_id: str | None
    event_id: str | None
    text: str
    char_start: int
    char_end: int


CommitmentStatus = Literal["open", "fulfilled", "contradicted"]


@dataclass(frozen=True, slots=True)
class Commitment:
    """A promise an actor made, with every place it was stated (first and last by date)."""

    actor: str | None
    actor_text: str | None
    text: str
    key: str
    mentions: tuple[CommitmentMention, ...]
    status: CommitmentStatus = "open"

    @property
    def id(self) -> str:
        first = self.mentions[0]
        return f"{first.document_id}:c{first.char_start}:{self.actor or ''}"

    @property
    def first_stated(self) -> str | None:
        dates = [m.date for m in self.mentions if m.date]
        return min(dates) if dates else None

    @property
    def last_stated(self) -> str | None:
        dates = [m.date for m in self.mentions if m.date]
        return max(dates) if dates else None
