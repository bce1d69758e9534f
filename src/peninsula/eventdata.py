"""The merged events as event-data researchers read them: a flat table like ICEWS or GDELT, and
PLOVER-style records. No SQL here: the store's merged events and the knowledge base.

Each side's country is its state on the event's date (a person's or body's state through the
knowledge base's roles and parents); its sector is the role it held then ("President of KOR"),
or its kind (state, organization, ...) when it holds none. The quad class comes from the CAMEO
root (`data/quad_classes.csv`). Dates: `event_date` is YYYYMMDD of the first day the event may
be on; `date_start`/`date_end` are the first and last such days, `date_precision` says which.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from peninsula.actor_names import Names, resolve_name
from peninsula.errors import SettingsError
from peninsula.filters import EventFilter, compare_on_prefix
from peninsula.knowledge import Knowledge
from peninsula.outputs import EVENT_FORMATS, neutralise_cell, open_output
from peninsula.records import MergedEvent, PartialDate
from peninsula.store import Store, Where

__all__ = [
    "DYAD_COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_FORMATS",
    "PLOVER_KEYS",
    "dyad_rows",
    "event_rows",
    "export_events",
    "plays",
    "plover_records",
    "resolve_filter",
    "select_events",
    "selected_events",
    "write_dyads_tsv",
    "write_events_tsv",
    "write_plover",
]

EVENT_COLUMNS = (
    "event_id", "event_date", "date_start", "date_end", "date_precision",
    "source_id", "source_name", "source_country", "source_sector",
    "target_id", "target_name", "target_country", "target_sector",
    "cameo_code", "cameo_root", "quad_class", "goldstein", "plover_event_type", "plover_mode",
    "modality", "num_sources", "num_articles", "first_reported", "source_urls", "evidence",
    "mirror_id",
)  # fmt: skip
PLOVER_KEYS = (
    "id", "event_type", "mode", "context", "actor", "actor_name", "actor_country", "recipient",
    "recipient_name", "recipient_country", "date", "date_precision", "modality", "cameo_code",
    "num_sources", "num_articles", "source_urls", "evidence",
)  # fmt: skip


def select_events(
    store: Store, knowledge: Knowledge, where: EventFilter | None = None
) -> list[MergedEvent]:
    """The merged events `where` keeps, in date order (undated last)."""
    where = (where or EventFilter()).checked()
    return selected_events(store, where, Names(store.actors(), knowledge))


def selected_events(store: Store, where: EventFilter, names: Names) -> list[MergedEvent]:
    """`select_events` with `where` already checked and the names at hand."""
    wanted, pair = resolve_filter(where, names)
    kept = []
    # The store narrows by date in the database; every bound is checked again below.
    for event in store.merged_events(Where(since=where.since, until=where.until)):
        if where.modality is not None and event.modality != where.modality:
            continue
        if where.code is not None and not (event.code or "").startswith(where.code):
            continue
        if where.category is not None and (event.category or "").upper() != where.category:
            continue
        if where.since is not None and (
            event.date is None or compare_on_prefix(event.date, where.since) < 0
        ):
            continue
        if where.until is not None and (
            event.date is None or compare_on_prefix(event.date, where.until) > 0
        ):
            continue
        if wanted is not None and not any(
            plays(side, wanted, event.date, names) for side in (event.source, event.target)
        ):
            continue
        if pair is not None and not _between(event, pair[0], pair[1], names):
            continue
        kept.append(event)
    return sorted(kept, key=lambda e: (e.date is None, e.date or "", e.id))


def resolve_filter(where: EventFilter, names: Names) -> tuple[str | None, tuple[str, str] | None]:
    """The actor ids `where.actor` and `where.pair` name (NotFound, with suggestions, if not)."""
    wanted = resolve_name(where.actor, names) if where.actor is not None else None
    if where.pair is None:
        return wanted, None
    return wanted, (resolve_name(where.pair[0], names), resolve_name(where.pair[1], names))


def plays(side: str | None, wanted: str, when: str | None, names: Names) -> bool:
    """`side` is `wanted`, or one of its people or bodies on `when` when `wanted` is a state."""
    if not side:
        return False
    return side == wanted or (names.kind(wanted) == "state" and names.state(side, when) == wanted)


def _between(event: MergedEvent, a: str, b: str, names: Names) -> bool:
    src, tgt, when = event.source, event.target, event.date
    return (plays(src, a, when, names) and plays(tgt, b, when, names)) or (
        plays(src, b, when, names) and plays(tgt, a, when, names)
    )


def event_rows(
    store: Store, knowledge: Knowledge, where: EventFilter | None = None
) -> list[dict[str, Any]]:
    """One dict per merged event, keys `EVENT_COLUMNS` (lists for `source_urls`, `evidence`)."""
    names = Names(store.actors(), knowledge)
    urls = _document_urls(store)
    out = []
    for e in select_events(store, knowledge, where):
        day = PartialDate.parse(e.date, e.date_precision)
        source, target = (
            _side(e.source, e.source_text, e, names),
            _side(e.target, e.target_text, e, names),
        )
        out.append(
            {
                "event_id": e.id,
                "event_date": day.first_day().strftime("%Y%m%d") if day else None,
                "date_start": day.first_day().isoformat() if day else None,
                "date_end": day.last_day().isoformat() if day else None,
                "date_precision": day.precision if day else None,
                **{f"source_{k}": v for k, v in source.items()},
                **{f"target_{k}": v for k, v in target.items()},
                "cameo_code": e.code,
                "cameo_root": e.root or (e.code[:2] if e.code else None),
                "quad_class": knowledge.events.quad_class(e.code),
                "goldstein": e.goldstein,
                "plover_event_type": e.category,
                "plover_mode": e.mode,
                "modality": e.modality,
                "num_sources": e.sources,
                "num_articles": len({x.document_id for x in e.evidence}),
                "first_reported": e.first_reported,
                "source_urls": _urls(e, urls),
                "evidence": [x.sentence.strip() for x in e.evidence],
                "mirror_id": e.mirror,
            }
        )
    return out


def plover_records(
    store: Store, knowledge: Knowledge, where: EventFilter | None = None
) -> list[dict[str, Any]]:
    """PLOVER-style records (keys `PLOVER_KEYS`); `context` is empty: contexts are not coded."""
    return [
        {
            "id": row["event_id"],
            "event_type": row["plover_event_type"],
            "mode": row["plover_mode"],
            "context": [],
            "actor": row["source_id"],
            "actor_name": row["source_name"],
            "actor_country": row["source_country"],
            "recipient": row["target_id"],
            "recipient_name": row["target_name"],
            "recipient_country": row["target_country"],
            "date": row["date_start"],
            "date_precision": row["date_precision"],
            "modality": row["modality"],
            "cameo_code": row["cameo_code"],
            "num_sources": row["num_sources"],
            "num_articles": row["num_articles"],
            "source_urls": row["source_urls"],
            "evidence": row["evidence"],
        }
        for row in event_rows(store, knowledge, where)
    ]


DYAD_COLUMNS = (
    "a", "b", "directed", "period", "events", "quad_1", "quad_2", "quad_3", "quad_4",
    "goldstein_sum", "goldstein_mean", "pledged", "hypothetical", "negated", "event_ids",
)  # fmt: skip


def dyad_rows(
    store: Store,
    knowledge: Knowledge,
    where: EventFilter | None = None,
    *,
    directed: bool = False,
    by: str = "month",
) -> list[dict[str, Any]]:
    """Pairs of states per month or year, from the events `where` keeps (keys `DYAD_COLUMNS`).

    Sides roll up to their state on the event's date; events with a side of no state, or both
    in one state, are passed over, as are undated ones (and year-dated ones by month). Directed:
    `a` is the source's state; else `a` < `b`. Quad-class counts, the Goldstein sum and mean are
    over actual events; pledged, hypothetical and negated ones are counted apart. Roll-up
    duplicates of one happening (same code and modality, same sentence, same pair) count once.
    """
    if by not in ("month", "year"):
        raise SettingsError(f"--by must be month or year, got {by!r}")
    names = Names(store.actors(), knowledge)
    size = 7 if by == "month" else 4
    buckets: dict[tuple[str, str, str], dict[tuple[Any, ...], MergedEvent]] = {}
    for event in select_events(store, knowledge, where):
        if not event.date or len(event.date) < size or not event.source or not event.target:
            continue
        a, b = names.state(event.source, event.date), names.state(event.target, event.date)
        if a is None or b is None or a == b:
            continue
        if not directed:
            a, b = sorted((a, b))
        spot = min(((x.document_id, x.char_start) for x in event.evidence), default=event.id)
        bucket = buckets.setdefault((a, b, event.date[:size]), {})
        bucket.setdefault((event.code, event.modality, spot), event)
    out = []
    for (a, b, period), happenings in sorted(buckets.items()):
        actual = [e for e in happenings.values() if e.modality == "actual"]
        scores = [e.goldstein for e in actual if e.goldstein is not None]
        quads = [knowledge.events.quad_class(e.code) for e in actual]
        out.append(
            {
                "a": a,
                "b": b,
                "directed": directed,
                "period": period,
                "events": len(actual),
                **{f"quad_{q}": quads.count(q) for q in (1, 2, 3, 4)},
                "goldstein_sum": round(sum(scores), 3) if scores else None,
                "goldstein_mean": round(sum(scores) / len(scores), 3) if scores else None,
                **{
                    m: sum(e.modality == m for e in happenings.values())
                    for m in ("pledged", "hypothetical", "negated")
                },
                "event_ids": [e.id for e in happenings.values()],
            }
        )
    return out


def export_events(
    store: Store,
    knowledge: Knowledge,
    out_dir: Path,
    fmt: str,
    where: EventFilter | None = None,
    *,
    directed: bool = False,
    by: str = "month",
    on_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Write one `EVENT_FORMATS` file into `out_dir` (made when missing; never through a
    symbolic link, `outputs.open_output`); its path. `on_replace` hears of a file replaced."""
    if fmt not in EVENT_FORMATS:
        raise SettingsError(f"unknown event format {fmt!r}: use {', '.join(EVENT_FORMATS)}")
    if fmt == "plover":
        records = plover_records(store, knowledge, where)
    elif fmt == "dyads-tsv":
        records = dyad_rows(store, knowledge, where, directed=directed, by=by)
    else:
        records = event_rows(store, knowledge, where)
    with open_output(out_dir, EVENT_FORMATS[fmt], newline="") as (handle, replaced):
        if fmt == "plover":
            _plover_lines(records, handle)
        else:
            _tsv_lines(records, DYAD_COLUMNS if fmt == "dyads-tsv" else EVENT_COLUMNS, handle)
    target = out_dir / EVENT_FORMATS[fmt]
    if replaced and on_replace is not None:
        on_replace(target)
    return target


def write_dyads_tsv(rows: Iterable[dict[str, Any]], path: Path) -> Path:
    return _write_tsv(rows, DYAD_COLUMNS, path)


def write_events_tsv(rows: Iterable[dict[str, Any]], path: Path) -> Path:
    """Tab-separated, one event per line; lists joined by " | "; tabs and newlines in text become
    spaces; a cell a spreadsheet would run as a formula gets a leading "'". Read CAMEO codes as
    text: `pandas.read_csv(path, sep="\\t", dtype=str)`."""
    return _write_tsv(rows, EVENT_COLUMNS, path)


def write_plover(records: Iterable[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        _plover_lines(records, handle)
    return path


def _write_tsv(rows: Iterable[dict[str, Any]], columns: Sequence[str], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        _tsv_lines(rows, columns, handle)
    return path


def _tsv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[str], handle: IO[str]) -> None:
    writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise_cell(_cell(row[c])) for c in columns])


def _plover_lines(records: Iterable[dict[str, Any]], handle: IO[str]) -> None:
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _side(actor: str | None, text: str | None, event: MergedEvent, names: Names) -> dict[str, Any]:
    if not actor:
        return {"id": None, "name": text, "country": None, "sector": None}
    return {
        "id": actor,
        "name": names.name(actor, text),
        "country": names.state(actor, event.date),
        "sector": _sector(actor, event.date, names),
    }


def _sector(actor: str, when: str | None, names: Names) -> str | None:
    """The role `actor` held on `when` ("President of KOR"), else its kind."""
    day = PartialDate.parse(when)
    days: Sequence[date] = (day.first_day(), day.last_day()) if day else ()
    held = [
        f"{r.title} of {r.of}"
        for r in names.knowledge.roles_of(actor)
        if any(r.holds_on(d) for d in days)
    ]
    return "; ".join(dict.fromkeys(held)) or names.kind(actor)


def _document_urls(store: Store) -> dict[str, str]:
    return {d.id: d.url for d in store.documents() if d.url}


def _urls(event: MergedEvent, by_document: dict[str, str]) -> list[str]:
    found = [x.url or by_document.get(x.document_id) for x in event.evidence]
    return list(dict.fromkeys(u for u in found if u))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
