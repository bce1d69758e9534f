"""Typed records that cross stage boundaries. All frozen: a stage returns new records."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Precision = Literal["day", "month", "year"]
_PRECISIONS: tuple[Precision, ...] = ("year", "month", "day")
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date known to the year, month or day: "2025", "2025-08", "2025-08-25".

    The one helper for partial ISO dates (TIMEX3 values, publication dates, event dates): parse
    with `PartialDate.parse`, which reads the leading `YYYY[-MM[-DD]]` of a value and can only
    coarsen it to a stated precision. Ordered by (year, month, day), unknown parts first.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str | None, precision: Precision | None = None) -> PartialDate | None:
        """None when `value` is empty, does not start with a year, or names no real day."""
        if not value:
            return None
        match = _PARTIAL.match(value)
        if match is None:
            return None
        parts = [int(p) for p in match.groups() if p]
        if precision is not None:
            parts = parts[: _PRECISIONS.index(precision) + 1]
        found = cls(*parts)
        if found.month is not None and not 1 <= found.month <= 12:
            return None
        last = calendar.monthrange(found.year, found.month)[1] if found.month else 31
        if found.day is not None and not 1 <= found.day <= last:
            return None
        return found

    @classmethod
    def of(cls, day: date, precision: Precision = "day") -> PartialDate:
        parts = (day.year, day.month, day.day)[: _PRECISIONS.index(precision) + 1]
        return cls(*parts)

    @property
    def precision(self) -> Precision:
        return "year" if self.month is None else "month" if self.day is None else "day"

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(p for p in (self.year, self.month, self.day) if p is not None)

    @property
    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def coarsen(self, precision: Precision) -> PartialDate:
        return PartialDate(*self.parts[: _PRECISIONS.index(precision) + 1])

    def compatible(self, other: PartialDate | None) -> bool:
        """May both name the same day? "2025" fits "2025-08"; "2025-08" does not fit "2025-09".
        An unknown date fits anything."""
        if other is None:
            return True
        common = min(len(self.parts), len(other.parts))
        return self.parts[:common] == other.parts[:common]

    def __str__(self) -> str:
        return self.iso


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone or something that acts: a state, a body, a person, a group, an outlet."""

    id: str
    name: str
    kind: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    demonyms: tuple[str, ...] = ()
    verified: bool = True
    # For unverified actors: the titles the articles give them ("presidential spokesperson").
    described_as: tuple[str, ...] = ()
    # States only: the actor that is the state's government ("the government" in a minister's
    # mouth), and whether its people's romanised names put the family name first (Lee Jae Myung).
    government: str | None = None
    family_name_first: bool = False
    # People: "male" or "female" where public (actors.csv), or as the text gives it (Mr., "she").
    gender: str | None = None
    # Unverified people: the body the text places them in ("spokesman of the Defense Ministry").
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Role:
    """A dated role: `actor` held `title` of `of` from `start` to `end` (inclusive; None: open)."""

    actor: str
    title: str
    of: str
    start: date | None
    end: date | None
    source: str

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


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
    """A stretch of a document's text that names an actor; `actor_id` is None until resolved.

    `method` names the resolver's sieve that resolved it (`nlp.actors`). `carrier` is True for
    a news outlet (an actor of kind `media`), which carries others' words, and for the source of
    an "according to": statements and events prefer a person or body named as the one speaking,
    and a carrier takes no part in the events it reports.
    """

    document_id: str
    char_start: int
    char_end: int
    text: str
    label: str
    actor_id: str | None
    method: str
    carrier: bool = False

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


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the extraction stages found in one document."""

    mentions: list[Mention]
    new_actors: list[Actor]
    timexes: list[Timex]
    statements: list[Statement]
    events: list[Event]
    commitments: list[Commitment]


EMPTY_ANALYSIS = Analysis(
    mentions=[], new_actors=[], timexes=[], statements=[], events=[], commitments=[]
)


# --- cross-document merging: its inputs, its records, what a batch writes ----------------------


def document_context(title: str | None, text: str) -> str:
    """A document's headline and lead paragraph: the story a report belongs to."""
    lead = text.strip().split("\n\n", 1)[0]
    return f"{title or ''}\n{lead}".strip()


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """What merging and the merged records need of an item's document."""

    id: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class EventEvidence:
    """One report of a merged event, located in its document."""

    event_id: str
    document_id: str
    sentence: str
    char_start: int
    char_end: int
    trigger: str
    trigger_start: int
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One happening with every report of it. `mirror`: the other direction of a symmetric
    event (CAMEO 04 coded both ways from one trigger), stored as a merged event of its own."""

    id: str
    source: str | None
    target: str | None
    code: str | None
    root: str | None
    category: str | None
    mode: str | None
    modality: Modality
    goldstein: float | None
    date: str | None
    date_precision: Precision | None
    first_reported: str | None
    sources: int
    reports: int
    summary: str | None
    reported_by: str | None
    source_text: str | None
    target_text: str | None
    mirror: str | None
    evidence: tuple[EventEvidence, ...]

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(e.event_id for e in self.evidence)


@dataclass(frozen=True, slots=True)
class StatementEvidence:
    """One report of a merged statement: the whole attribution, located in its document."""

    statement_id: str
    document_id: str
    text: str
    char_start: int
    char_end: int
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class MergedStatement:
    """One quote or paraphrase with every report of it; `text` is its fullest wording."""

    id: str
    speaker: str | None
    speaker_text: str | None
    kind: str
    cue: str | None
    text: str
    date: str | None
    date_precision: Precision | None
    first_reported: str | None
    sources: int
    reports: int
    evidence: tuple[StatementEvidence, ...]

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(e.statement_id for e in self.evidence)


@dataclass(frozen=True, slots=True)
class Wording:
    """One place a merged commitment was stated."""

    commitment_id: str
    document_id: str
    text: str
    date: str | None
    char_start: int
    char_end: int
    statement_id: str | None = None
    event_id: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class MergedCommitment:
    """One pledge with every wording of it; `status_evidence` is the deciding event's id."""

    id: str
    actor: str | None
    actor_text: str | None
    target: str | None
    text: str
    code: str | None
    root: str | None
    category: str | None
    status: CommitmentStatus
    status_evidence: str | None
    first_stated: str | None
    last_stated: str | None
    count: int
    sources: int
    members: tuple[str, ...]
    mentions: tuple[Wording, ...]  # every wording, in order of date

    @property
    def member_ids(self) -> tuple[str, ...]:
        return self.members


LinkKind = Literal["event", "statement", "commitment", "mirror"]


@dataclass(frozen=True, slots=True)
class Edge:
    """Two items that may be one: `score` reaches `floor` (participants named and agreeing on
    both sides) or `floor_unknown`. A `mirror` edge joins the two directions of one symmetric
    event, which never merge but are always re-clustered together."""

    kind: LinkKind
    a: str
    b: str
    score: float
    floor: float
    floor_unknown: float


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the store holds for merging: the items merged so far and their merged ids (None:
    not merged yet, e.g. stored by an older version), the edges between them, and the heads of
    their documents."""

    documents: Mapping[str, DocumentHead]
    events: tuple[Event, ...]
    statements: tuple[tuple[Statement, str], ...]  # with the whole attribution's text
    commitments: tuple[Commitment, ...]
    merged_ids: Mapping[str, str | None]
    edges: tuple[Edge, ...]
    statuses: Mapping[str, tuple[CommitmentStatus, str | None]]  # by merged commitment id


@dataclass(frozen=True, slots=True)
class Links:
    """What merging decided for a batch, written in its transaction: the merged records that are
    new or changed, the merged ids that no longer exist, each row's merged id where it is new or
    changed, the new edges and the new sentence embeddings (by text key)."""

    events: tuple[MergedEvent, ...] = ()
    statements: tuple[MergedStatement, ...] = ()
    commitments: tuple[MergedCommitment, ...] = ()
    removed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    merged_ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    vectors: Mapping[str, list[float]] = field(default_factory=dict)
