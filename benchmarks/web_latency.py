"""Latency of `peninsula serve`: p50 and p95 per page and API route, over HTTP on this machine.

    python benchmarks/web_latency.py                  # a store of 1,000,000 synthetic events
    python benchmarks/web_latency.py --quick          # 20,000 events, for the gates
    python benchmarks/web_latency.py --db FILE        # the store there (made there if absent)

The store is made as `query_latency.py` makes its own (synthetic merged records written in
bulk, `--events` of them). The server runs in this process (Uvicorn on a free local port);
each route is asked `--requests` times one after another with httpx (wall-clock time,
and the CPU time of this process per request: the server runs in it) (a route stops early once
it has taken `--budget-s` seconds, and says how many it answered). Routes: the timeline page
and its API twin (the first page, as a browser opens it), the page and API of the actor
in most rows (the timeline's first event's first actor with `--first-actor`), and with `--all`
the overview and the relations, once the server has computed the relations' months it
computes at start (`start_and_warm_s`). Prints one JSON line: per route p50/p95 in milliseconds, and
`<name>_p95_ms` for the gates; the target of issue 17 is p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn

from common import emit
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.web import create_app
from query_latency import fill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the store to serve (made there if absent)")
    parser.add_argument("--events", type=int, help="synthetic events (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 events, for the gates")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--budget-s", type=float, default=60.0, help="most seconds per route")
    parser.add_argument("--all", action="store_true", help="also / and the relations")
    parser.add_argument("--first-actor", action="store_true", help="the timeline's first actor")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    n_events = args.events or (20_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="web-latency-") as tmp:
        db = args.db or Path(tmp) / "kb.duckdb"
        figures: dict[str, Any] = {}
        if db.exists():
            print(f"{db} exists: its records are served as they are", file=sys.stderr)
        else:
            began = time.perf_counter()
            fill(db, n_events, default_knowledge(), args.seed)
            figures["events"] = n_events
            figures["fill_s"] = round(time.perf_counter() - began, 1)
        figures["db_mb"] = round(db.stat().st_size / 2**20, 1)
        figures.update(serve_and_time(db, args))
        figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    emit(figures)
    return 0


def serve_and_time(db: Path, args: argparse.Namespace) -> dict[str, Any]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, settings=Settings.from_env())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    began = time.perf_counter()
    while not server.started:
        time.sleep(0.05)
    # The server computes the relations' months at start, in the background: wait for them
    # (as a user arriving after the start would find them), and say how long they took.
    app.state.web.warmed.wait(timeout=3600)
    figures: dict[str, Any] = {"requests": args.requests}
    figures["start_and_warm_s"] = round(time.perf_counter() - began, 1)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            routes = {"timeline_page": "/timeline", "timeline_api": "/api/timeline"}
            actor = _actor(client, args.first_actor)
            if actor is not None:
                routes["actor_page"] = f"/actors/{quote(actor)}"
                routes["actor_api"] = f"/api/actors/{quote(actor)}"
                figures["actor"] = actor
            if args.all:
                routes |= {"overview": "/", "relations_page": "/relations"}
                routes["relations_api"] = "/api/relations"
            for name, route in routes.items():
                timing = _time(client, route, args.requests, args.budget_s)
                figures[route] = timing
                figures[f"{name}_p95_ms"] = timing["p95_ms"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return figures


def _actor(client: httpx.Client, first: bool) -> str | None:
    """The actor of the first event, or the actor in most rows (the first state of the
    shipped table the synthetic store draws most often)."""
    rows = client.get("/api/timeline", params={"kind": "event", "limit": 1}).json()
    if not rows["items"]:
        return None
    if first:
        return str(rows["items"][0]["actors"][0]["id"])
    return next(a.id for a in default_knowledge().actors)


def _time(client: httpx.Client, route: str, n: int, budget_s: float) -> dict[str, float]:
    """Wall-clock milliseconds per request, and the CPU time this process spent on it (server
    and client threads, DuckDB's included), which a loaded machine inflates less."""
    took: list[float] = []
    cpu: list[float] = []
    began = time.perf_counter()
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(route)
        took.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        response.raise_for_status()
        if time.perf_counter() - began > budget_s:
            break
    first = took[0]
    return {
        "answered": len(took),
        "first_ms": round(first, 1),
        "p50_ms": round(statistics.median(took), 1),
        "p95_ms": round(_p95(took), 1),
        "cpu_p95_ms": round(_p95(cpu), 1),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.exit(main())
