"""The typed records the store returns for what has no record type upstream (documents as
stored, actors with their roles, mentions, time expressions), and the mapping between database
rows and records (JSON columns decoded)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from peninsula.records import (
    Commitment,
    CommitmentMention,
    DateConflict,
    DateEvidence,
    Dateline,
    Event,
    EventEvidence,
    MergedCommitment,
    MergedEvent,
    MergedStatement,
    Span,
    Statement,
    StatementEvidence,
    Wording,
)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as stored: its text, its origins and how its publication date was decided."""

    id: str
    path: str
    origins: tuple[str, ...]
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    date_precision: str | None
    date_confidence: float
    date_evidence: tuple[DateEvidence, ...]
    date_conflicts: tuple[DateConflict, ...]
    dateline: Dateline | None
    header_lines: tuple[str, ...]
    source_kind: str
    text: str


@dataclass(frozen=True, slots=True)
class StoredRole:
    title: str
    of: str | None
    start: str | None
    end: str | None
    # Where the role is documented (roles.csv's source); None for titles found in articles.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class StoredActor:
    """An actor as stored: verified ones with their dated roles, others with the titles the
    articles gave them (as roles without `of` and dates)."""

    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    roles: tuple[StoredRole, ...]
    verified: bool


@dataclass(frozen=True, slots=True)
class StoredMention:
    id: str
    document_id: str
    actor_id: str | None
    text: str
    char_start: int
    char_end: int
    method: str


@dataclass(frozen=True, slots=True)
class StoredTimex:
    id: str
    document_id: str
    text: str
    type: str
    value: str | None
    mod: str | None
    char_start: int
    char_end: int
    anchored: bool | None


@dataclass(frozen=True, slots=True)
class DyadEvent:
    """What the dyad scores read of a merged event: its sides, kind, date and score, and where
    it was first reported (the least document id and offset of its evidence; None without)."""

    id: str
    source: str | None
    target: str | None
    code: str | None
    modality: str
    goldstein: float | None
    date: str | None
    anchor: tuple[str, int] | None


def document(row: Mapping[str, Any]) -> StoredDocument:
    line = _json(row["dateline"])
    return StoredDocument(
        id=row["id"],
        path=row["path"],
        origins=tuple(_json(row["origins"])),
        url=row["url"],
        outlet=row["outlet"],
        title=row["title"],
        published=row["published"],
        date_precision=row["date_precision"],
        date_confidence=float(row["date_confidence"]),
        date_evidence=tuple(DateEvidence(**e) for e in _json(row["date_evidence"])),
        date_conflicts=tuple(DateConflict(**c) for c in _json(row["date_conflicts"])),
        dateline=Dateline(**line) if line else None,
        header_lines=tuple(_json(row["header_lines"])),
        source_kind=row["source_kind"],
        text=row["text"],
    )


def actor(row: Mapping[str, Any]) -> StoredActor:
    return StoredActor(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        country=row["country"],
        aliases=tuple(_json(row["aliases"])),
        roles=tuple(StoredRole(**r) for r in _json(row["roles"])),
        verified=bool(row["verified"]),
    )


_R = TypeVar("_R")


def plain(cls: type[_R], row: Mapping[str, Any]) -> _R:
    """A record whose fields are columns of the row."""
    return cls(**{f.name: row[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def event(row: Mapping[str, Any]) -> Event:
    where = (_json(row["evidence"]) or [{}])[0]
    return Event(
        document_id=row["document_id"],
        source=row["source"],
        target=row["target"],
        code=row["code"],
        root=row["root"] or row["code"][:2],
        category=row["category"],
        modality=row["modality"],
        goldstein=row["goldstein"],
        summary=row["summary"] or "",
        sentence=where.get("sentence") or "",
        char_start=int(where.get("char_start") or 0),
        char_end=int(where.get("char_end") or 0),
        trigger=row["trigger"] or "",
        trigger_start=int(row["trigger_start"] or 0),
        decided_by=row["decided_by"] or "pattern",
        statement_id=row["statement_id"],
        date=row["date"],
        mode=row["mode"],
        reported_by=row["reported_by"],
        source_text=row["source_text"],
        target_text=row["target_text"],
        date_precision=row["date_precision"],
    )


def statement(row: Mapping[str, Any]) -> Statement:
    return Statement(
        document_id=row["document_id"],
        kind=row["kind"],
        content=Span(row["char_start"], row["char_end"]),
        text=row["text"],
        speaker=row["speaker"],
        speaker_text=row["speaker_text"],
        source=_span(row["source_start"], row["source_end"]),
        cue=row["cue"],
        cue_span=_span(row["cue_start"], row["cue_end"]),
        date=row["date"],
        date_precision=row["date_precision"],
    )


def commitment(row: Mapping[str, Any]) -> Commitment:
    return Commitment(
        actor=row["actor"],
        actor_text=row["actor_text"],
        text=row["text"],
        key=row["key"] or "",
        mentions=tuple(CommitmentMention(**m) for m in _json(row["mentions"])),
        status=row["status"],
    )


def merged_event(row: Mapping[str, Any]) -> MergedEvent:
    values = {f.name: row[f.name] for f in fields(MergedEvent) if f.name != "evidence"}
    evidence = tuple(EventEvidence(**e) for e in _json(row["evidence"]))
    return MergedEvent(**values, evidence=evidence)


def merged_statement(row: Mapping[str, Any]) -> MergedStatement:
    values = {f.name: row[f.name] for f in fields(MergedStatement) if f.name != "evidence"}
    evidence = tuple(StatementEvidence(**e) for e in _json(row["evidence"]))
    return MergedStatement(**values, evidence=evidence)


def merged_commitment(row: Mapping[str, Any]) -> MergedCommitment:
    skip = ("members", "mentions")
    values = {f.name: row[f.name] for f in fields(MergedCommitment) if f.name not in skip}
    return MergedCommitment(
        **values,
        members=tuple(_json(row["members"])),
        mentions=tuple(Wording(**w) for w in _json(row["mentions"])),
    )


MERGED_COLUMNS: dict[str, tuple[str, ...]] = {
    "merged_events": tuple(f.name for f in fields(MergedEvent)),
    "merged_statements": tuple(f.name for f in fields(MergedStatement)),
    "merged_commitments": tuple(f.name for f in fields(MergedCommitment)),
}


def merged_row(record: MergedEvent | MergedStatement | MergedCommitment) -> list[Any]:
    """The values of a merged record in its table's column order, nested ones as JSON."""
    return [
        json.dumps(value, ensure_ascii=False) if isinstance(value, list | tuple) else value
        for value in asdict(record).values()
    ]


def _span(start: int | None, end: int | None) -> Span | None:
    return Span(start, end) if start is not None and end is not None else None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def as_dict(records: Sequence[Any]) -> list[dict[str, Any]]:
    return [asdict(r) for r in records]
