"""Query latency at scale: a store of synthetic merged records, then p50/p95 of the queries.

The store is filled directly through `Store.load_merged` (not through the parser) with merged
events, statements (one per two events) and commitments (one per twenty events) shaped like real
ones: actors drawn from the shipped actor table (a few frequent, most rare), dates over ten years
(mostly days, some months, years and undated rows), CAMEO codes with their Goldstein scores,
modalities, and evidence lists of one to three reports with sentences and offsets. Each query
is run `--repeat` times with random arguments, one page (`--limit`) as the CLI and the report
read it:

- `timeline_actor`: `timeline(actor=...)`;
- `timeline_dyad`: `timeline(dyad=(state, state))`, people rolled up to their state;
- `timeline_range`: `timeline(since=month, until=month)`;
- `dyads_pair_year`: `dyads(pair=..., since=year, until=year)`;
- `dyads_all` (one run, its seconds): `dyads()` over every pair and month.

Prints fill time (loading, lookup rows included, and sorting the lookups apart), database
size, p50/p95 in milliseconds (and the p95 of the CPU time each query took, DuckDB's threads
included) as one JSON line, with `p95_under_50ms_share` (the share of the four paged queries
whose wall-clock p95 is under 50 ms).

    python benchmarks/query_latency.py            # 1,000,000 events
    python benchmarks/query_latency.py --quick    # 50,000 events, for the gates
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from common import emit
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.query import dyads, timeline
from peninsula.store import Store
from peninsula.store.rows import MERGED_COLUMNS

FIRST_DAY = date(2016, 1, 1)
DAYS = 3653  # ten years
MODALITIES = ("actual",) * 16 + ("pledged",) * 2 + ("hypothetical", "negated")
STATUSES = ("open",) * 6 + ("kept", "broken", "withdrawn")
CHUNK = 100_000
OUTLETS = ("Yonhap", "KCNA", "Reuters", "AP", "NK News", "Korea Herald", "Xinhua", "Kyodo")
WORDS = [
    "talks",
    "summit",
    "sanctions",
    "missile",
    "launch",
    "envoy",
    "ministry",
    "statement",
    "dialogue",
    "denuclearization",
    "visit",
    "meeting",
    "agreement",
    "security",
    "alliance",
    "exercise",
    "border",
    "trade",
    "aid",
    "delegation",
]


class Shapes:
    """Random but realistic field values, from the shipped knowledge."""

    def __init__(self, knowledge: Knowledge, rng: random.Random) -> None:
        self.rng = rng
        self.actors = [a.id for a in knowledge.actors]
        # A few actors are in most news: weights fall with the rank in the table (states first).
        self.weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.actors))]
        cameo = [c for c in knowledge.events.cameo.values() if len(c.code) == 3]
        self.codes = [(c.code, c.root, c.goldstein) for c in cameo]
        self.states = [a.id for a in knowledge.actors if a.kind == "state"][:12]

    def actor(self) -> str:
        return self.rng.choices(self.actors, self.weights)[0]

    def date(self) -> tuple[str | None, str | None]:
        day = FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))
        roll = self.rng.random()
        if roll < 0.80:
            return day.isoformat(), "day"
        if roll < 0.95:
            return day.isoformat()[:7], "month"
        if roll < 0.98:
            return day.isoformat()[:4], "year"
        return None, None

    def sentence(self) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randrange(12, 30))).capitalize() + "."

    def reports(self, member: str, when: str | None) -> list[dict[str, Any]]:
        out = []
        for n in range(self.rng.choice((1, 1, 1, 2, 3))):
            start = self.rng.randrange(0, 4000)
            text = self.sentence()
            out.append(
                {
                    "member": f"{member}-{n}",
                    "document_id": f"doc{self.rng.randrange(10**9):09d}",
                    "text": text,
                    "char_start": start,
                    "char_end": start + len(text),
                    "outlet": self.rng.choice(OUTLETS),
                    "published": when,
                }
            )
        return out


def events(shapes: Shapes, start: int, count: int) -> pa.Table:
    rng = shapes.rng
    cols: dict[str, list[Any]] = {name: [] for name in MERGED_COLUMNS["merged_events"]}
    for i in range(start, start + count):
        source, target = shapes.actor(), shapes.actor()
        code, root, goldstein = rng.choice(shapes.codes)
        when, precision = shapes.date()
        ident = f"ev{i:08d}"
        reports = shapes.reports(ident, when)
        evidence = [
            {
                "event_id": r["member"],
                "document_id": r["document_id"],
                "sentence": r["text"],
                "char_start": r["char_start"],
                "char_end": r["char_end"],
                "trigger": "met",
                "trigger_start": r["char_start"] + 4,
                "outlet": r["outlet"],
                "url": None,
                "published": r["published"],
            }
            for r in reports
        ]
        values = (
            ident, source, target, code, root, None, None, rng.choice(MODALITIES), goldstein,
            when, precision, when, len({r["document_id"] for r in reports}), len(reports),
            f"{source} → {target}: {code}", rng.choice((None, None, None, shapes.actor())),
            source, target, None, json.dumps(evidence),
        )  # fmt: skip
        for name, value in zip(MERGED_COLUMNS["merged_events"], values, strict=True):
            cols[name].append(value)
    return pa.table(cols)


def statements(shapes: Shapes, start: int, count: int) -> pa.Table:
    rng = shapes.rng
    cols: dict[str, list[Any]] = {name: [] for name in MERGED_COLUMNS["merged_statements"]}
    for i in range(start, start + count):
        when, precision = shapes.date()
        ident = f"st{i:08d}"
        reports = shapes.reports(ident, when)
        evidence = [
            {
                "statement_id": r["member"],
                "document_id": r["document_id"],
                "text": r["text"],
                "char_start": r["char_start"],
                "char_end": r["char_end"],
                "date": when,
                "outlet": r["outlet"],
                "published": r["published"],
            }
            for r in reports
        ]
        speaker = shapes.actor()
        values = (
            ident, speaker, speaker, rng.choice(("direct", "indirect")), "said",
            reports[0]["text"], when, precision, when,
            len({r["document_id"] for r in reports}), len(reports), json.dumps(evidence),
        )  # fmt: skip
        for name, value in zip(MERGED_COLUMNS["merged_statements"], values, strict=True):
            cols[name].append(value)
    return pa.table(cols)


def commitments(shapes: Shapes, start: int, count: int) -> pa.Table:
    rng = shapes.rng
    cols: dict[str, list[Any]] = {name: [] for name in MERGED_COLUMNS["merged_commitments"]}
    for i in range(start, start + count):
        first, _ = shapes.date()
        later, _ = shapes.date()
        dated = sorted(d for d in (first, later) if d is not None)
        ident = f"cm{i:08d}"
        reports = shapes.reports(ident, dated[0] if dated else None)
        mentions = [
            {
                "commitment_id": r["member"],
                "document_id": r["document_id"],
                "text": r["text"],
                "date": dated[min(n, len(dated) - 1)] if dated else None,
                "char_start": r["char_start"],
                "char_end": r["char_end"],
                "outlet": r["outlet"],
                "published": r["published"],
            }
            for n, r in enumerate(reports)
        ]
        code, root, _ = rng.choice(shapes.codes)
        actor = shapes.actor()
        values = (
            ident, actor, actor, shapes.actor(), reports[0]["text"], code, root, None,
            rng.choice(STATUSES), None, dated[0] if dated else None,
            dated[-1] if dated else None, len(reports),
            len({r["document_id"] for r in reports}),
            json.dumps([r["member"] for r in reports]), json.dumps(mentions),
        )  # fmt: skip
        for name, value in zip(MERGED_COLUMNS["merged_commitments"], values, strict=True):
            cols[name].append(value)
    return pa.table(cols)


def fill(db: Path, n_events: int, knowledge: Knowledge, seed: int) -> dict[str, float]:
    """Write the synthetic records (with their lookup rows), then sort the lookups; the seconds
    spent making the records, loading them and sorting."""
    shapes = Shapes(knowledge, random.Random(seed))
    making = loading = 0.0
    with Store(db) as store:
        store.write_actors(knowledge)
        for kind, make, total in (
            ("event", events, n_events),
            ("statement", statements, n_events // 2),
            ("commitment", commitments, n_events // 20),
        ):
            for start in range(0, total, CHUNK):
                began = time.perf_counter()
                table = make(shapes, start, min(CHUNK, total - start))
                made = time.perf_counter()
                store.load_merged(kind, table)
                making += made - began
                loading += time.perf_counter() - made
        began = time.perf_counter()
        store.sort_lookups()
        sorting = time.perf_counter() - began
    return {"make_s": making, "load_s": loading, "sort_s": sorting}


def measure(call: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds per call: wall clock, and CPU of this process (DuckDB's threads included),
    which a loaded machine inflates less."""
    call()  # warm up: the first read of a column pays for loading it
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return wall, cpu


def queries(db: Path, knowledge: Knowledge, repeat: int, limit: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    shapes = Shapes(knowledge, rng)
    out: dict[str, Any] = {}

    def month() -> str:
        return (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()[:7]

    def pair() -> tuple[str, str]:
        a, b = rng.sample(shapes.states[:6], 2)
        return a, b

    with Store(db, read_only=True) as store:
        cases: dict[str, Callable[[], object]] = {
            "timeline_actor": lambda: timeline(store, knowledge, actor=shapes.actor(), limit=limit),
            "timeline_dyad": lambda: timeline(store, knowledge, dyad=pair(), limit=limit),
            "timeline_range": lambda: timeline(
                store, knowledge, since=(m := month()), until=m, limit=limit
            ),
            "dyads_pair_year": lambda: dyads(
                store, knowledge, pair=pair(), since=(y := month()[:4]), until=y
            ),
        }
        for name, call in cases.items():
            times, cpu = measure(call, repeat)
            out[f"{name}_p50_ms"] = round(statistics.median(times), 1)
            out[f"{name}_p95_ms"] = round(statistics.quantiles(times, n=20)[-1], 1)
            out[f"{name}_cpu_p95_ms"] = round(statistics.quantiles(cpu, n=20)[-1], 1)
        under = [out[f"{name}_p95_ms"] < 50 for name in cases]
        out["p95_under_50ms_share"] = round(sum(under) / len(under), 3)
        began = time.perf_counter()
        months = dyads(store, knowledge)
        out["dyads_all_s"] = round(time.perf_counter() - began, 2)
        out["dyads_all_months"] = len(months)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 events, for the gates")
    parser.add_argument("--events", type=int, help="merged events (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=50, help="runs of each query")
    parser.add_argument("--limit", type=int, default=100, help="rows per timeline page")
    parser.add_argument(
        "--db",
        type=Path,
        help="keep the store here, or query the one kept there (default: a temp dir)",
    )
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    n_events = args.events or (50_000 if args.quick else 1_000_000)
    knowledge = default_knowledge()
    with tempfile.TemporaryDirectory(prefix="query-latency-") as tmp:
        db = args.db or Path(tmp) / "kb.duckdb"
        figures: dict[str, Any] = {
            "events": n_events,
            "statements": n_events // 2,
            "commitments": n_events // 20,
        }
        if db.exists():  # a store kept by an earlier run (--db): measure the queries only
            print(f"{db} exists: its records are queried as they are", file=sys.stderr)
        else:
            began = time.perf_counter()
            timing = fill(db, n_events, knowledge, args.seed)
            figures["fill_s"] = round(time.perf_counter() - began, 1)
            figures["fill_load_s"] = round(timing["load_s"], 1)
            figures["fill_sort_s"] = round(timing["sort_s"], 1)
        figures["db_mb"] = round(db.stat().st_size / 2**20, 1)
        figures.update(queries(db, knowledge, args.repeat, args.limit, args.seed))
        figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    emit(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
