"""The Python API in a notebook's order: build (once), open, ask; every answer a DataFrame.

Run after `peninsula build examples --db peninsula.duckdb` (or `make demo`):

    python examples/api_tour.py peninsula.duckdb
"""

from __future__ import annotations

import sys

import peninsula


def main(db: str) -> None:
    print("peninsula", peninsula.__version__)
    kb = peninsula.open(db)  # a str or a Path; the store is opened read-only per call

    events = kb.events(since="2025", modality="actual")
    print(f"{len(events)} actual events since 2025")
    print(events[["event_date", "source_name", "target_name", "cameo_code", "quad_class"]].head())

    # Events by quad class and month (1 verbal coop., 2 material coop., 3 verbal conflict, ...).
    dated = events.dropna(subset=["date_start"])
    by_month = dated.groupby([dated["date_start"].str[:7], "quad_class"]).size()
    print(by_month.tail())

    # Everything one actor said, did or promised, in date order.
    timeline = kb.timeline(actor="North Korea", kinds=("event", "statement"))
    print(timeline[["date", "kind", "summary"]].head())

    print(kb.commitments()[["date", "summary", "status"]].head())
    print(kb.dyads()[["a", "b", "month", "mean_goldstein", "actual"]].head())
    actors = kb.actors()
    print(f"{len(actors)} actors, {int(actors['verified'].sum())} from the knowledge base")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "peninsula.duckdb")
