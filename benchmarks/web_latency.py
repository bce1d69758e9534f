"""Latency of `peninsula serve`: p50 and p95 per page and API route, over HTTP on this machine.

    python benchmarks/web_latency.py --db FILE [--requests 50]

Starts the server in this process (Uvicorn on a free local port), asks each route `--requests`
times one after another with httpx, and prints the figures as one JSON line. The timeline and
actor pages use the first actor with events; the target of issue 17 is p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn

from common import emit, skip
from peninsula.settings import Settings
from peninsula.web import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if not args.db.exists():
        skip(f"no database at {args.db}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(args.db, settings=Settings.from_env())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, Any] = {"db": str(args.db), "requests": args.requests}
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            rows = client.get("/api/timeline", params={"kind": "event", "limit": 1}).json()
            actor = rows["items"][0]["actors"][0]["id"] if rows["items"] else None
            routes = ["/", "/timeline", "/api/timeline", "/relations", "/api/relations"]
            if actor is not None:
                routes += [f"/actors/{quote(actor)}", f"/api/actors/{quote(actor)}"]
            for route in routes:
                figures[route] = _time(client, route, args.requests)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    emit(figures)


def _time(client: httpx.Client, route: str, n: int) -> dict[str, float]:
    took = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(route)
        took.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    took.sort()
    p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
    return {"p50_ms": round(statistics.median(took), 1), "p95_ms": round(p95, 1)}


if __name__ == "__main__":
    main()
