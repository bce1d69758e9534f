"""Questions over a built knowledge base: the timeline and the dyad scores. No SQL here.

Everything reads the store's merged records (`merged_events`, `merged_statements`,
`merged_commitments`: what merging decided, so a happening reported by several documents is one
row with all its evidence) and `Knowledge` (names, aliases, and the state a person or government
belongs to on a given day).

Dates are ISO strings with their precision in their length: "2025", "2025-08", "2025-08-05".
They sort as strings, which puts a partial date before the days it contains and after the days
before it ("2025-07-31" < "2025-08" < "2025-08-01"); undated rows come last.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from peninsula import dyad_sides
from peninsula.actor_names import Names, resolve_actor, resolve_name
from peninsula.errors import NotFound, SettingsError
from peninsula.filters import compare_on_prefix
from peninsula.knowledge import Knowledge
from peninsula.records import MergedCommitment, MergedEvent, MergedStatement
from peninsula.store import Store, Where

__all__ = [
    "KINDS",
    "ActorRef",
    "DyadMonth",
    "Evidence",
    "TimelineRow",
    "cursor",
    "dyads",
    "first_of_each",
    "resolve_actor",
    "timeline",
]

KINDS = ("event", "statement", "commitment")
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}
_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor taking part in a row: its id, display name and part (source, target, ...)."""

    id: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence or span behind a row, located by character offsets in its document."""

    document_id: str
    sentence: str
    char_start: int
    char_end: int
    outlet: str | None = None
    published: str | None = None
    date: str | None = None
    record_id: str | None = None


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One dated fact: a merged event, a merged statement or a commitment of the ledger."""

    id: str
    kind: str
    date: str | None
    date_precision: str | None
    actors: tuple[ActorRef, ...]
    summary: str
    modality: str
    sources: int
    evidence: tuple[Evidence, ...]
    code: str | None = None
    goldstein: float | None = None
    status: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def actor_ids(self) -> set[str]:
        return {a.id for a in self.actors}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `date`, `kind`, `summary` and `sources` always present."""
        return {
            "date": self.date,
            "date_precision": self.date_precision,
            "kind": self.kind,
            "id": self.id,
            "summary": self.summary,
            "modality": self.modality,
            "sources": self.sources,
            "actors": [{"id": a.id, "name": a.name, "role": a.role} for a in self.actors],
            "code": self.code,
            "goldstein": self.goldstein,
            "status": self.status,
            "evidence": [{f: getattr(e, f) for f in _EVIDENCE_FIELDS} for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class DyadMonth:
    """One unordered pair of states in one month (YYYY-MM).

    `mean_goldstein` and `count` are over the actual events only; pledged, hypothetical and
    negated events are counted apart and never enter the mean. `event_ids` are the actual events
    behind the mean, `other_ids` the rest.
    """

    a: str
    b: str
    month: str
    mean_goldstein: float | None
    count: int
    pledged: int
    hypothetical: int
    negated: int
    event_ids: tuple[str, ...]
    other_ids: tuple[str, ...]

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)


def timeline(
    store: Store,
    knowledge: Knowledge,
    actor: str | None = None,
    dyad: tuple[str, str] | None = None,
    since: str | None = None,
    until: str | None = None,
    kinds: Sequence[str] = KINDS,
    limit: int | None = None,
    after: str | None = None,
) -> list[TimelineRow]:
    """Events, statements and commitments in date order, optionally filtered.

    `actor` (id, name or alias) keeps rows where the actor is source, target, reporter, speaker
    or committer. `dyad` keeps events between its two actors in either direction; an actor that
    is a state also matches the people and bodies that belong to it on the event's date. `since`
    and `until` are ISO dates or partial dates, compared on the common prefix, so "2025" is kept
    by `since="2025-09"`; a commitment is kept while it was being stated (first to last); with
    either, undated rows are left out. `limit` keeps the first rows only. `after` (the
    `cursor` of a row read before) starts just after that row: the next page, stable while
    rows are added.

    The store filters (and pages, with `limit`, from its lookup tables) in the database; each
    row is checked again here, where a dyad's people are rolled up to their state on the
    event's date.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SettingsError(f"unknown kind {unknown[0]!r}: use one of {', '.join(KINDS)}")
    if limit is not None and limit < 0:
        raise SettingsError(f"--limit must be 0 or more, got {limit}")
    _check_bounds(since, until)
    start = _decode(after) if after is not None else None
    names = Names(store.actors(), knowledge)
    actor_id = resolve_name(actor, names) if actor is not None else None
    pair = (
        (resolve_name(dyad[0], names), resolve_name(dyad[1], names)) if dyad is not None else None
    )

    def keep(row: TimelineRow) -> bool:
        if actor_id is not None and actor_id not in row.actor_ids():
            return False
        if pair is not None and not _in_dyad(row, pair, names):
            return False
        if since is not None and (row.date is None or compare_on_prefix(_last(row), since) < 0):
            return False
        if start is not None and _row_key(row) <= start:
            return False
        return until is None or (row.date is not None and compare_on_prefix(row.date, until) <= 0)

    where = Where(actor=actor_id, since=since, until=until)

    def of(kind: str) -> Where:
        return where if start is None else replace(where, after=_after(start, kind))

    page_of: dict[str, list[str]] = {}
    if limit is not None and pair is None:
        # A page: the ids of its rows of each kind in one read of the lookup, then those rows.
        asked = [k for k in KINDS if k in kinds]
        mark = None if start is None else (None if start[0] else start[1], start[3])
        page_of = store.page_ids(
            replace(where, limit=limit, after=mark, kind_after=KINDS[start[2]] if start else None),
            asked,
            KINDS,
        )
        kinds = [k for k in asked if page_of.get(k)]
    limit_of = {k: len(page_of[k]) if k in page_of else limit for k in KINDS}

    def read(
        kind: str, fetch: Callable[[Where], list[TimelineRow]], at: Where
    ) -> list[TimelineRow]:
        ids = page_of.get(kind)
        if ids:
            found = [r for r in fetch(Where(ids=tuple(ids))) if keep(r)]
            if len(found) == len(ids):
                return found
        # No lookup, or one the checks disagree with: page through the filtered read.
        return _paged(fetch, at, keep, limit_of[kind])

    rows: list[TimelineRow] = []
    fetch = _fetchers(store, names)
    if "event" in kinds:
        sides = (_members(pair[0], names), _members(pair[1], names)) if pair else None
        on_sides = replace(of("event"), sides=sides, pair=pair)
        if pair is not None and limit is not None:
            page_of["event"] = _dyad_page(store, on_sides, pair, names, limit)
        rows += read("event", fetch["event"], on_sides)
    for kind in ("statement", "commitment"):
        if kind in kinds and pair is None:
            rows += read(kind, fetch[kind], of(kind))
    rows.sort(key=_row_key)
    return rows if limit is None else rows[:limit]


def first_of_each(
    store: Store, knowledge: Knowledge, actor: str, limit: int, kinds: Sequence[str] = KINDS
) -> dict[str, list[TimelineRow]]:
    """The first `limit` rows of each kind of `actor`'s timeline: for each kind what
    `timeline(actor=actor, kinds=(kind,), limit=limit)` gives, its ids read for every kind
    at once."""
    names = Names(store.actors(), knowledge)
    actor_id = resolve_name(actor, names)
    ids = store.page_ids_each(Where(actor=actor_id, limit=limit), kinds, KINDS)
    fetch = _fetchers(store, names)
    out: dict[str, list[TimelineRow]] = {}
    for kind in kinds:
        read = fetch[kind](Where(ids=tuple(ids[kind]))) if ids[kind] else []
        found = [r for r in read if actor_id in r.actor_ids()]
        if len(found) != len(ids[kind]):  # the lookup and the rows disagree: as `timeline`
            found = timeline(store, knowledge, actor=actor_id, kinds=(kind,), limit=limit)
        out[kind] = sorted(found, key=_row_key)
    return out


def _fetchers(store: Store, names: Names) -> dict[str, Callable[[Where], list[TimelineRow]]]:
    """The timeline rows of each kind that a store's read keeps."""
    return {
        "event": lambda w: _event_rows(store.merged_events(w), names),
        "statement": lambda w: _statement_rows(store.merged_statements(w), names),
        "commitment": lambda w: _commitment_rows(store.merged_commitments(w), names),
    }


def cursor(row: TimelineRow | DyadMonth) -> str:
    """An opaque mark of a timeline row's or a dyad month's place in its list:
    `timeline(after=...)` and `dyads(after=...)` start just after it."""
    if isinstance(row, DyadMonth):
        values: list[str | None] = ["dyad", row.a, row.b, row.month]
    else:
        values = [row.kind, row.date, row.id]
    raw = json.dumps(values, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _values(mark: str, what: str) -> list[Any]:
    try:
        found = json.loads(base64.urlsafe_b64decode(mark + "=" * (-len(mark) % 4)))
    except ValueError:  # binascii.Error, JSON and UTF-8 errors are ValueErrors
        found = None
    wanted = 4 if what == "dyad" else 3
    if (
        not isinstance(found, list)
        or len(found) != wanted
        or (found[0] == "dyad") != (what == "dyad")
        or not all(v is None or isinstance(v, str) for v in found)
    ):
        raise SettingsError(f"not a {what} cursor: {mark!r}")
    return found


def _decode(mark: str) -> tuple[bool, str, int, str]:
    """The timeline order key (`_row_key`) of the row a cursor marks."""
    kind, day, ident = _values(mark, "timeline")
    if kind not in KINDS or ident is None:
        raise SettingsError(f"not a timeline cursor: {mark!r}")
    return (day is None, day or "", _KIND_ORDER[kind], ident)


def _decode_dyad(mark: str) -> tuple[str, str, str]:
    _, a, b, month = _values(mark, "dyad")
    if a is None or b is None or month is None:
        raise SettingsError(f"not a dyad cursor: {mark!r}")
    return (a, b, month)


def _after(start: tuple[bool, str, int, str], kind: str) -> tuple[str | None, str]:
    """The store's (date, id) cursor for rows of `kind` after the timeline key `start`: rows of
    the same date come after it when their kind does, or for its own kind by id."""
    undated, day, order, ident = start
    here = _KIND_ORDER[kind]
    # No id sorts before "" nor after U+10FFFF: all or none of the rows of that date.
    mark = ident if here == order else ("" if here > order else "\U0010ffff")
    return (None if undated else day, mark)


def _paged(
    fetch: Callable[[Where], list[TimelineRow]],
    where: Where,
    keep: Callable[[TimelineRow], bool],
    limit: int | None,
) -> list[TimelineRow]:
    """The rows `fetch` reads that `keep` keeps: all, or the first `limit` a page at a time."""
    if limit is None:
        return [r for r in fetch(where) if keep(r)]
    kept: list[TimelineRow] = []
    # One page when the store's filter is exact; a dyad's may hold rows its check drops.
    page = limit + (limit // 4 + 16 if where.sides is not None else 0)
    offset = 0
    while len(kept) < limit:
        batch = fetch(replace(where, limit=page, offset=offset))
        kept += [r for r in batch if keep(r)]
        if len(batch) < page:
            break
        offset += page
        page *= 2
    return kept[:limit]


def _dyad_page(
    store: Store, where: Where, pair: tuple[str, str], names: Names, limit: int
) -> list[str]:
    """The ids of the first `limit` events of a dyad, its sides checked on the narrow columns
    of the store's candidates (as `_in_dyad` checks a row) before any whole row is read."""
    ids: list[str] = []
    page, offset = limit + limit // 4 + 16, 0
    while len(ids) < limit:
        found = store.dyad_events(replace(where, limit=page, offset=offset))
        for e in found:
            ends = [
                ActorRef(e.source or "", "", "source"),
                ActorRef(e.target or "", "", "target"),
            ]
            row = TimelineRow(e.id, "event", e.date, None, tuple(ends), "", "", 0, ())
            if e.source and e.target and _in_dyad(row, pair, names):
                ids.append(e.id)
        if len(found) < page:
            break
        offset += page
        page *= 2
    return ids[:limit]


def _members(wanted: str, names: Names) -> frozenset[str]:
    """Every actor that may stand for `wanted` in a dyad: itself and, for a state, every actor
    that belongs to it on some day (by its country, its parent, a role or the store's row)."""
    if names.kind(wanted) != "state":
        return frozenset({wanted})
    knowledge = names.knowledge
    found = {wanted}
    for actor in knowledge.actors:
        if knowledge.state_of(actor.id) == wanted or any(
            role.of == wanted for role in knowledge.roles_of(actor.id)
        ):
            found.add(actor.id)
    found.update(row.id for row in names.rows.values() if row.country == wanted)
    return frozenset(found)


def dyads(
    store: Store,
    knowledge: Knowledge,
    *,
    pair: tuple[str, str] | None = None,
    since: str | None = None,
    until: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[DyadMonth]:
    """Monthly relations per unordered pair of states, from the merged events.

    `pair` (ids, names or aliases; a person or body counts as its state) keeps that pair only;
    `since` and `until` (YYYY, YYYY-MM or a day) bound the months, both included.

    Sides are rolled up to their state on the event's date; events with a side that has no
    state, or with both sides in one state, are passed over, as are undated and year-only
    events. Mirror images and roll-up duplicates of one happening (the same code and modality,
    reported in the same sentence, landing on the same pair: "Lee held talks with Trump" coded
    both ways) count once.

    In order of pair and month; `after` (the `cursor` of a month read before) starts after
    it, `limit` keeps the first months only.
    """
    _check_bounds(since, until)
    if limit is not None and limit < 0:
        raise SettingsError(f"--limit must be 0 or more, got {limit}")
    start = _decode_dyad(after) if after is not None else None
    names = Names(store.actors(), knowledge)
    wanted = _state_pair(pair, names) if pair is not None else None
    sides = (_members(wanted[0], names), _members(wanted[1], names)) if wanted else None
    only = Where(sides=sides, since=since, until=until, month=True, sided=True, pair=wanted)
    out = []
    for m in store.dyad_months(only, dyad_sides.sides(names)):
        if start is not None and (m.a, m.b, m.month) <= start:
            continue
        out.append(
            DyadMonth(
                a=m.a,
                b=m.b,
                month=m.month,
                mean_goldstein=round(sum(m.scores) / len(m.scores), 3) if m.scores else None,
                count=len(m.event_ids),
                pledged=m.pledged,
                hypothetical=m.hypothetical,
                negated=m.negated,
                event_ids=m.event_ids,
                other_ids=m.other_ids,
            )
        )
    out.sort(key=lambda d: (d.a, d.b, d.month))
    return out if limit is None else out[:limit]


def _check_bounds(since: str | None, until: str | None) -> None:
    for label, value in (("since", since), ("until", until)):
        if value is not None and not _ISO_PREFIX.match(value):
            raise SettingsError(f"--{label} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")


def _state_pair(pair: tuple[str, str], names: Names) -> tuple[str, str]:
    states = []
    for name in pair:
        actor = resolve_name(name, names)
        state = names.state(actor, None)
        if state is None:
            raise NotFound(f"{name!r} belongs to no state, so it is in no dyad")
        states.append(state)
    low, high = sorted(states)
    if low == high:
        raise SettingsError(f"--pair: both sides are {low}; a dyad is two states")
    return (low, high)


def _event_rows(events: Iterable[MergedEvent], names: Names) -> list[TimelineRow]:
    rows = []
    for e in events:
        actors = []
        if e.source:
            actors.append(ActorRef(e.source, names.name(e.source, e.source_text), "source"))
        if e.target:
            actors.append(ActorRef(e.target, names.name(e.target, e.target_text), "target"))
        if e.reported_by and e.reported_by not in (e.source, e.target):
            actors.append(ActorRef(e.reported_by, names.name(e.reported_by), "reported_by"))
        evidence = tuple(
            Evidence(
                document_id=x.document_id,
                sentence=x.sentence.strip(),
                char_start=x.char_start,
                char_end=x.char_end,
                outlet=x.outlet,
                published=x.published,
                date=e.date,
                record_id=x.event_id,
            )
            for x in e.evidence
        )
        rows.append(
            TimelineRow(
                id=e.id,
                kind="event",
                date=e.date,
                date_precision=e.date_precision,
                actors=tuple(actors),
                summary=e.summary or e.code or "",
                modality=e.modality,
                sources=e.sources,
                evidence=evidence,
                code=e.code,
                goldstein=e.goldstein,
                extra={"category": e.category, "root": e.root},
            )
        )
    return rows


def _statement_rows(statements: Iterable[MergedStatement], names: Names) -> list[TimelineRow]:
    rows = []
    for s in statements:
        who = names.name(s.speaker, s.speaker_text) if s.speaker else s.speaker_text
        actors = (ActorRef(s.speaker, who or s.speaker, "speaker"),) if s.speaker else ()
        evidence = tuple(
            Evidence(
                document_id=x.document_id,
                sentence=x.text,
                char_start=x.char_start,
                char_end=x.char_end,
                outlet=x.outlet,
                published=x.published,
                date=x.date,
                record_id=x.statement_id,
            )
            for x in s.evidence
        )
        rows.append(
            TimelineRow(
                id=s.id,
                kind="statement",
                date=s.date,
                date_precision=s.date_precision,
                actors=actors,
                summary=f"{who or 'someone'} {s.cue or 'said'}: {s.text}",
                modality=s.kind,
                sources=s.sources,
                evidence=evidence,
                extra={"cue": s.cue, "text": s.text},
            )
        )
    return rows


def _commitment_rows(commitments: Iterable[MergedCommitment], names: Names) -> list[TimelineRow]:
    rows = []
    for c in commitments:
        who = names.name(c.actor, c.actor_text) if c.actor else c.actor_text
        actors = (ActorRef(c.actor, who or c.actor, "committer"),) if c.actor else ()
        evidence = tuple(
            Evidence(
                document_id=w.document_id,
                sentence=w.text,
                char_start=w.char_start,
                char_end=w.char_end,
                outlet=w.outlet,
                published=w.published,
                date=w.date,
                record_id=w.statement_id or w.event_id,
            )
            for w in c.mentions
        )
        rows.append(
            TimelineRow(
                id=c.id,
                kind="commitment",
                date=c.first_stated,
                date_precision=_precision(c.first_stated),
                actors=actors,
                summary=f"{who or 'someone'} committed: {c.text}",
                modality="pledged",
                sources=c.sources,
                evidence=evidence,
                status=c.status,
                extra={
                    "text": c.text,
                    "first_stated": c.first_stated,
                    "last_stated": c.last_stated,
                    "repeats": c.count,
                    "status_evidence": c.status_evidence,
                },
            )
        )
    return rows


def _in_dyad(row: TimelineRow, pair: tuple[str, str], names: Names) -> bool:
    if row.kind != "event":
        return False
    sides = [a.id for a in row.actors if a.role in ("source", "target")]
    if len(sides) != 2:
        return False

    def matches(side: str, wanted: str) -> bool:
        if side == wanted:
            return True
        return names.kind(wanted) == "state" and names.state(side, row.date) == wanted

    first, second = pair
    return (matches(sides[0], first) and matches(sides[1], second)) or (
        matches(sides[0], second) and matches(sides[1], first)
    )


def _row_key(row: TimelineRow) -> tuple[bool, str, int, str]:
    return (row.date is None, row.date or "", _KIND_ORDER.get(row.kind, 9), row.id)


def _last(row: TimelineRow) -> str:
    """The last date a row covers: a commitment's last statement, else its date."""
    last = row.extra.get("last_stated") if row.kind == "commitment" else None
    return str(last or row.date)


def _precision(value: str | None) -> str | None:
    if not value:
        return None
    return {4: "year", 7: "month", 10: "day"}.get(len(value))
