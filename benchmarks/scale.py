"""Scale-out: `build --engine ray` on a local Ray instance with 1 and with 2 workers, same corpus.

The corpus is the ECB+ news documents written as `.txt` files exactly as `throughput.py` writes
them (`throughput.write_texts`; the gold set is read in place). Three builds run one after the
other in this process, each into a fresh DuckDB file with the same settings (embeddings for
merging on, as a user's build has them):

- Ray, 1 worker: `ray.init(num_cpus=1)` (timed apart, `ray_init_s`), then
  `ray_engine.build_on_ray(workers=1)`: one actor loads spaCy and the knowledge, analyses every
  document, and this process (the driver) merges and writes each batch as it streams back.
- Ray, 2 workers: the same with `num_cpus=2` and two actors.
- local: `pipeline.build` with 2 worker processes, for `same_as_local`: the events, statements,
  commitments and documents each Ray build exported (JSON Lines) equal the local build's.

Throughput is articles per second of wall time. `*_articles_per_s` covers the whole
`build_on_ray` call, the actors' start (each loads the model) included; `steady_*` counts from
the first batch stored to the last, the actors running. `driver_cpu_s_per_article` is the CPU
time the driver spends merging and writing per article (the single writer's cost, which bounds
how many actors one driver can keep up with). `ray_efficiency_2_workers` is steady
throughput with 2 workers over twice that with 1 (the target is 0.8 or more);
`ray_efficiency_2_workers_end_to_end` is the same over whole builds. The driver's own time
(merging, sentence embeddings, writes: `ray_engine._store_chunk`) is reported as a share of the
2-worker build, with where else the time went, on stderr. With 2 cores, the driver competes with
the two actors for them.

    .venv/bin/python benchmarks/scale.py            # all 982 documents, batches of 64
    .venv/bin/python benchmarks/scale.py --quick    # 64 documents, batches of 8 (the gate)

The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from common import emit, gold_dir, skip
from throughput import write_texts

QUICK_LIMIT = 64
QUICK_BATCH = 8
TABLES = ("events", "statements", "commitments", "documents")
TODAY = date(2026, 1, 1)


@dataclass
class Clock:
    """Wall seconds the driver spent storing batches, and when the first and last were stored."""

    storing: float = 0.0
    storing_cpu: float = 0.0  # CPU seconds of this process meanwhile (DuckDB's threads included)
    stored: list[tuple[float, int]] = field(default_factory=list)  # (time, articles so far)

    def wrap(self, store_chunk: Callable[..., None]) -> Callable[..., None]:
        def timed(chunk: list[Any], *args: Any, **kwargs: Any) -> None:
            started, cpu = time.perf_counter(), time.process_time()
            store_chunk(chunk, *args, **kwargs)
            finished = time.perf_counter()
            self.storing += finished - started
            self.storing_cpu += time.process_time() - cpu
            done = (self.stored[-1][1] if self.stored else 0) + len(chunk)
            self.stored.append((finished, done))

        return timed


def ray_build(folder: Path, db: Path, workers: int, batch: int) -> dict[str, Any]:
    import ray

    from peninsula import ray_engine
    from peninsula.knowledge import load_knowledge
    from peninsula.pipeline import default_embedder
    from peninsula.settings import Settings
    from peninsula.store import Store

    settings = Settings(db_path=db, workers=workers, batch_size=batch)
    knowledge = load_knowledge(settings.actors_files)
    default_embedder()  # loaded once per process, before either clock
    started = time.perf_counter()
    ray.init(
        num_cpus=workers,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
        _node_ip_address="127.0.0.1",
    )
    init_seconds = time.perf_counter() - started
    clock = Clock()
    original = ray_engine._store_chunk
    ray_engine._store_chunk = clock.wrap(original)  # type: ignore[assignment]
    try:
        with Store(db) as store:
            started = time.perf_counter()
            report = ray_engine.build_on_ray(
                [str(folder)], store, knowledge, settings, TODAY, workers=workers
            )
            seconds = time.perf_counter() - started
    finally:
        ray_engine._store_chunk = original  # type: ignore[assignment]
        ray.shutdown()
    (first_at, first_done), (last_at, last_done) = clock.stored[0], clock.stored[-1]
    steady = (last_done - first_done) / (last_at - first_at) if last_at > first_at else 0.0
    return {
        "read": report.read,
        "seconds": seconds,
        "init_seconds": init_seconds,
        "first_batch_seconds": first_at - started,
        "storing_seconds": clock.storing,
        "storing_cpu_seconds": clock.storing_cpu,
        "steady_per_s": steady,
    }


def local_build(folder: Path, db: Path, workers: int, batch: int) -> float:
    from peninsula.knowledge import load_knowledge
    from peninsula.pipeline import build
    from peninsula.settings import Settings
    from peninsula.store import Store

    settings = Settings(db_path=db, workers=workers, batch_size=batch)
    knowledge = load_knowledge(settings.actors_files)
    with Store(db) as store:
        started = time.perf_counter()
        build([str(folder)], store, knowledge, settings, TODAY)
        return time.perf_counter() - started


def exported(db: Path, out: Path) -> dict[str, str]:
    from peninsula.store import Store

    with Store(db, read_only=True) as store:
        store.export(out, "jsonl")
    return {t: (out / f"{t}.jsonl").read_text(encoding="utf-8") for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LIMIT} documents")
    parser.add_argument("--limit", type=int, default=None, help="documents to use")
    parser.add_argument("--batch-size", type=int, default=None, help="articles per batch")
    args = parser.parse_args()
    limit = args.limit or (QUICK_LIMIT if args.quick else None)
    batch = args.batch_size or (QUICK_BATCH if args.quick else 64)
    try:
        import ray  # noqa: F401
    except ImportError:
        skip("Ray is not installed (pip install '.[ray]')")
    corpus = gold_dir("ecbplus")
    log = sys.stderr
    with tempfile.TemporaryDirectory(prefix="peninsula-scale-") as tmp:
        root = Path(tmp)
        folder = root / "texts"
        folder.mkdir()
        texts = write_texts(corpus, folder, limit)
        n = len(texts)
        print(f"{n} ECB+ texts, batches of {batch}, {os.cpu_count()} cores", file=log)
        runs = {}
        for workers in (1, 2):
            runs[workers] = ray_build(folder, root / f"ray{workers}.duckdb", workers, batch)
            if runs[workers]["read"] != n:
                raise SystemExit(f"expected {n} articles, read {runs[workers]['read']}")
            print(f"ray, {workers} worker(s): {runs[workers]}", file=log)
        local_seconds = local_build(folder, root / "local.duckdb", 2, batch)
        print(f"local build, 2 processes: {local_seconds:.1f}s", file=log)
        expected = exported(root / "local.duckdb", root / "local")
        same = all(exported(root / f"ray{w}.duckdb", root / f"out{w}") == expected for w in (1, 2))
    one, two = runs[1], runs[2]
    per_s = {w: n / runs[w]["seconds"] for w in (1, 2)}
    steady = {w: runs[w]["steady_per_s"] for w in (1, 2)}
    for w in (1, 2):
        run = runs[w]
        print(
            f"{w} worker(s): {run['seconds']:.1f}s, of which first batch stored after"
            f" {run['first_batch_seconds']:.1f}s (actors loading, one batch); the driver storing"
            f" (merge, embeddings, writes) {run['storing_seconds']:.1f}s"
            f" ({run['storing_seconds'] / run['seconds']:.0%})",
            file=log,
        )
    emit(
        {
            "articles": n,
            "batch_size": batch,
            "cores": os.cpu_count(),
            "workers_1_articles_per_s": round(per_s[1], 2),
            "workers_2_articles_per_s": round(per_s[2], 2),
            "steady_workers_1_articles_per_s": round(steady[1], 2),
            "steady_workers_2_articles_per_s": round(steady[2], 2),
            "ray_efficiency_2_workers": round(steady[2] / (2 * steady[1]), 3) if steady[1] else 0,
            "ray_efficiency_2_workers_end_to_end": round(per_s[2] / (2 * per_s[1]), 3),
            "driver_share_2_workers": round(two["storing_seconds"] / two["seconds"], 3),
            "driver_cpu_s_per_article": round(two["storing_cpu_seconds"] / n, 4),
            "ray_init_s": round(max(one["init_seconds"], two["init_seconds"]), 1),
            "local_articles_per_s": round(n / local_seconds, 2),
            "same_as_local": same,
        }
    )


if __name__ == "__main__":
    main()
