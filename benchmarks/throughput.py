"""Throughput: end-to-end build articles/second and peak RSS, next to raw spaCy on the same texts.

The texts are the ECB+ news documents (982 of them), rebuilt from the corpus's tokens: tokens are
joined with simple English detokenisation rules, each sentence becomes its own paragraph (blank line
between sentences), and the source URL that `*ecbplus.xml` files keep in sentence 0 is dropped.
They are written as `.txt` files to a temporary folder, which is what a user would point
`peninsula build` at. The gold set is read in place and nothing is copied into the project.

Four measurements run one after the other, each in its own child interpreter (`subprocess`), all
with every core (`--workers`, default `os.cpu_count()`):

- **raw spaCy**: `spacy.load(model).pipe(texts, n_process=cores, batch_size=...)` over the
  texts, the model being the one the build uses. The clock covers `spacy.load` and the pipe.
- **build**: `peninsula.pipeline.build` over the folder into a fresh temporary DuckDB file,
  through the library API with `Settings(workers=cores)`, the path `peninsula build` takes. The
  clock covers the `build()` call: reading, cleaning, dating, starting the worker pool (each
  worker loads spaCy and the embedding model), extraction, embeddings, merging and the DuckDB
  writes. Opening the store and loading the knowledge files are timed separately (stderr).
- **unchanged rebuild**: the same `build()` over the same folder into the finished store, in a
  new process; `unchanged_rebuild_speedup` is the first build's seconds over this one's.
- **one more article, cold**: `build()` of one bundled example article into the finished store,
  in a new process as `peninsula build` runs it: `add_one_process_s` is the whole process
  (interpreter start, imports, loading spaCy and the embedding model, reading the merge state);
  `add_one_cold_build_s` its `build()` call.
- **one more article, warm**: the path of a long-lived process that has its models loaded (the
  `peninsula serve` writer behind `POST /api/articles` calls `build()` per article): a new
  process adds one bundled example untimed (loading the models and reading the merge state,
  which the process then keeps), then `add_one_seconds` is the `build()` call adding another
  one: checking that no other writer changed the store (one query), analysing, merging into the
  stored clusters and writing.

Where the time goes comes from `BuildReport.seconds`: wall seconds in the build's process
(reading and cleaning, finding new texts, waiting for the workers, reading the merge state,
merging, writing) and, summed over every document wherever it was analysed, dating, parsing,
extraction and embedding. It is on stderr and in the JSON line (`stage_s`), with the CPU seconds
of the same stages (`stage_cpu_s`, from `BuildReport.cpu`: wall time under load counts the waits
for a core, CPU time does not), each worker's start ("worker start": loading the models), each
worker's batches as a whole ("analyse (worker)") and the build's whole process ("build's
process, all": its background threads included, such as the one that unpickles the results).

Peak RSS is sampled from the parent with psutil every 50 ms: the child's resident set plus that of
every descendant alive at that instant (the workers included), and the highest sum is the peak;
`peak_rss_mb_per_worker` is the largest resident set of one worker process. Summing RSS counts
pages shared between a forked parent and its workers once per process, so it is an upper bound on
physical memory; the peak PSS (shared pages split between the processes that share them) is
printed to stderr. The same sampling adds up the CPU time (user + system) of every process in the
tree over the child's whole life, interpreter start and imports included. Articles/second depends
on what else the machine is doing; CPU-seconds per article mostly does not, so both are reported,
and stderr warns when other processes kept the cores busy (`other_cores_busy`). `--profile FILE`
writes a cProfile of the build's main process (not of its workers).

    .venv/bin/python benchmarks/throughput.py [--quick | --limit N] [--workers N] [--profile FILE]

`--quick` uses the first 500 documents (the gates). The last stdout line is one JSON object:
`{"articles", "articles_per_s", "spacy_articles_per_s", "ratio_to_spacy", "peak_rss_mb",
"peak_rss_mb_per_worker", "peak_rss_mb_main", "spacy_peak_rss_mb",
"spacy_peak_rss_mb_per_worker", "cpu_s_per_article", "spacy_cpu_s_per_article", "cores",
"events", "merge_s_per_1000_events", "build_s", "rebuild_s", "unchanged_rebuild_speedup",
"add_one_seconds", "add_one_process_s", "add_one_cold_build_s", "add_one_stage_s", "stage_s",
"stage_cpu_s", "other_cores_busy"}`; `merge_s_per_1000_events`
is the wall time of cross-document merging (`merge.Linker.link`) per 1,000 extracted events.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, emit, gold_dir, skip

MIN_ARTICLES = 500
QUICK = 500  # --quick: the first 500 documents
SAMPLE_SECONDS = 0.05
SPACY_BATCH_SIZE = 32  # the batch size peninsula.nlp.analyse passes to nlp.pipe

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "''", "'", "’", "”"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#", "“"}
_APOSTROPHE_TAILS = {"s", "S", "t", "re", "ve", "ll", "d", "m"}
_CLITIC = re.compile(r"^(?:'s|'S|'re|'ve|'ll|'d|'m|n't|N'T|’s|’re|’ve|’ll|’d|’m|n’t)$")


# --- the texts ---------------------------------------------------------------------------------


def detokenize(tokens: list[str]) -> str:
    """One sentence's tokens back to running text, with the usual English spacing rules."""
    out: list[str] = []
    quote_open = False
    glue_next = False
    for index, token in enumerate(tokens):
        glue = glue_next or not out
        glue_next = False
        previous = tokens[index - 1] if index else ""
        if token in _NO_SPACE_BEFORE or _CLITIC.match(token):
            glue = True
        elif previous in ("'", "’") and token in _APOSTROPHE_TAILS:
            glue = True  # "Lohan ’ s" -> "Lohan’s"
        elif previous == ":" and token.isdigit() and index > 1 and tokens[index - 2].isdigit():
            glue = True  # "4 : 59" -> "4:59"
        elif token == '"':
            if quote_open:
                glue = True
            else:
                glue_next = True
            quote_open = not quote_open
        if token in _NO_SPACE_AFTER:
            glue_next = True
        if token in ("``", "''"):
            token = '"'
        out.append(token if glue else " " + token)
    return "".join(out).strip()


def document_text(path: Path) -> str:
    """A document's plain text: one paragraph per sentence, without the ecbplus source URL."""
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in ET.parse(path).getroot().iter("token"):
        sentences[int(token.get("sentence", "0"))].append(token.text or "")
    if path.name.endswith("ecbplus.xml"):
        sentences.pop(0, None)  # sentence 0 is the URL the text was collected from
    paragraphs = (detokenize(sentences[number]) for number in sorted(sentences))
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def write_texts(corpus: Path, folder: Path, limit: int | None) -> list[str]:
    """Write the documents as .txt files in `folder`, in the order a folder walk reads them."""
    files = sorted(corpus.rglob("*.xml"), key=lambda p: p.name)
    if limit is not None:
        files = files[:limit]
    texts = []
    for xml_path in files:
        text = document_text(xml_path)
        if not text.strip():
            continue
        (folder / (xml_path.stem + ".txt")).write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


# --- the child processes ------------------------------------------------------------------------


# The article added after the build: one of the bundled examples, unlike any ECB+ text.
ONE_MORE = REPO / "src/peninsula/examples/000_ians_2026-01-01_lee_new_year.txt"
# The warm path: one example loads the models, untimed; the next is the one timed.
WARM_UP = REPO / "src/peninsula/examples/001_2026-01-21_lee_press_conference.txt"
WARM_ONE = REPO / "src/peninsula/examples/003_menafn_2025-09-24_lee_guterres.txt"


def child_build(
    paths: list[str], db: Path, workers: int, profile: str | None, warm: str | None = None
) -> dict[str, Any]:
    """One `build()` call over `paths` into the store at `db`, as `peninsula build` makes it;
    `warm`: a path built first, untimed, so that the models are loaded."""
    from datetime import date

    from peninsula.knowledge import load_knowledge
    from peninsula.pipeline import build
    from peninsula.settings import Settings
    from peninsula.store import Store

    started = time.perf_counter()
    settings = Settings(db_path=db, workers=workers)
    knowledge = load_knowledge(settings.actors_files)
    with Store(settings.db_path) as store:
        setup = time.perf_counter() - started
        if warm:
            build([warm], store, knowledge, settings, date.today())
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        report = build(paths, store, knowledge, settings, date.today())
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        events = store.counts()["events"]
    return {
        "events": events,
        "seconds": seconds,
        "setup_seconds": setup,
        "read": report.read,
        "added": report.added,
        "unchanged": report.unchanged,
        "skipped": len(report.skipped),
        "stages": report.seconds,
        "stage_cpu": report.cpu,
    }


def child_spacy(folder: Path, workers: int, batch_size: int) -> dict[str, Any]:
    import spacy

    from peninsula.settings import Settings

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    started = time.perf_counter()
    nlp = spacy.load(Settings().spacy_model)
    loaded = time.perf_counter()
    count = sum(1 for _ in nlp.pipe(texts, n_process=workers, batch_size=batch_size))
    finished = time.perf_counter()
    return {"seconds": finished - started, "load_seconds": loaded - started, "docs": count}


# --- the parent ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeUsage:
    """What a child's process tree used, sampled from outside."""

    peak_rss_mb: float
    peak_pss_mb: float
    peak_rss_mb_per_worker: float  # the largest resident set of one process other than the child
    peak_rss_mb_main: float  # the child's own
    wall_seconds: float  # from start to exit: interpreter start and imports included
    cpu_seconds: float  # user + system of the tree, each process as last sampled
    other_cpu_seconds: float  # busy CPU time of the machine outside the tree, over the same span


def run_child(arguments: list[str]) -> tuple[dict[str, Any], TreeUsage]:
    """Run this script as a child; its result and what its process tree used."""
    import psutil

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, __file__, *arguments, "--result", str(result_path)]
    machine_before = _machine_busy(psutil)
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=sys.stderr)
    root = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
    each: dict[int, int] = {}
    cpu: dict[tuple[int, float], float] = {}
    try:
        while child.poll() is None:
            rss = pss = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for process in processes:
                try:
                    with process.oneshot():
                        memory = process.memory_full_info()
                        times = process.cpu_times()
                        key = (process.pid, process.create_time())
                except psutil.Error:
                    continue
                rss += memory.rss
                each[process.pid] = max(each.get(process.pid, 0), memory.rss)
                pss += getattr(memory, "pss", memory.rss)
                cpu[key] = times.user + times.system
            peak_rss = max(peak_rss, rss)
            peak_pss = max(peak_pss, pss)
            time.sleep(SAMPLE_SECONDS)
        if child.wait() != 0:
            raise SystemExit(f"child {' '.join(arguments)} failed with exit {child.returncode}")
        wall = time.perf_counter() - began
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        if child.poll() is None:
            child.kill()
        result_path.unlink(missing_ok=True)
    tree_cpu = sum(cpu.values())
    usage = TreeUsage(
        peak_rss_mb=peak_rss / 1_048_576,
        peak_pss_mb=peak_pss / 1_048_576,
        peak_rss_mb_per_worker=max((v for k, v in each.items() if k != child.pid), default=0)
        / 1_048_576,
        peak_rss_mb_main=each.get(child.pid, 0) / 1_048_576,
        wall_seconds=wall,
        cpu_seconds=tree_cpu,
        other_cpu_seconds=max(0.0, _machine_busy(psutil) - machine_before - tree_cpu),
    )
    return result, usage


def _machine_busy(psutil: Any) -> float:
    """CPU-seconds all cores have spent busy since boot (not idle, not waiting for I/O)."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return (
        float(sum(times)) - idle - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents to use (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} documents, for the gates")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cores to use")
    parser.add_argument("--spacy-batch-size", type=int, default=SPACY_BATCH_SIZE)
    parser.add_argument("--profile", default=None, help="write a cProfile of the build here")
    parser.add_argument("--child", choices=("build", "spacy"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--path", action="append", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "build":
            result = child_build(args.path, args.db, args.workers, args.profile, args.warm)
        else:
            result = child_spacy(args.folder, args.workers, args.spacy_batch_size)
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return

    limit = QUICK if args.quick and args.limit is None else args.limit
    if limit is not None and limit < MIN_ARTICLES:
        parser.error(f"--limit must be at least {MIN_ARTICLES}")
    corpus = gold_dir("ecbplus")
    cores = args.workers
    with tempfile.TemporaryDirectory(prefix="peninsula-throughput-") as tmp:
        folder = Path(tmp) / "texts"
        folder.mkdir()
        texts = write_texts(corpus, folder, limit)
        if len(texts) < MIN_ARTICLES:
            skip(f"only {len(texts)} ECB+ documents found under {corpus}; need {MIN_ARTICLES}")
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} ECB+ texts, {words} words, {cores} cores", file=sys.stderr)

        workers = ["--workers", str(cores)]
        batch = ["--spacy-batch-size", str(args.spacy_batch_size)]
        raw, raw_use = run_child(["--child", "spacy", "--folder", str(folder), *workers, *batch])
        db = ["--db", str(Path(tmp) / "throughput.duckdb")]
        profile = ["--profile", args.profile] if args.profile else []
        build = ["--child", "build", *db, *workers]
        built, build_use = run_child([*build, "--path", str(folder), *profile])
        again, again_use = run_child([*build, "--path", str(folder)])
        added, added_use = run_child([*build, "--path", str(ONE_MORE)])
        warm, _ = run_child([*build, "--warm", str(WARM_UP), "--path", str(WARM_ONE)])

    n = len(texts)
    if built["read"] != n or raw["docs"] != n or again["read"] != n:
        raise SystemExit(f"expected {n} articles, build {built}, again {again}, spaCy {raw}")
    if again["added"] or added["added"] != 1 or warm["added"] != 1:
        raise SystemExit(f"the rebuild added {again['added']}, the new article {added['added']}")
    articles_per_s = n / built["seconds"]
    spacy_per_s = n / raw["seconds"]

    log = sys.stderr
    print(
        f"raw spaCy: {raw['seconds']:.1f}s (load {raw['load_seconds']:.1f}s, batch_size "
        f"{args.spacy_batch_size}); {_usage(raw_use, n)}",
        file=log,
    )
    print(
        f"build: {built['seconds']:.1f}s (+ {built['setup_seconds']:.1f}s store/knowledge setup),"
        f" added {built['added']}, skipped {built['skipped']}; {_usage(build_use, n)}",
        file=log,
    )
    _stages(built, "where the build's time goes")
    print(
        f"unchanged rebuild: {again['seconds']:.2f}s in build() ({again_use.wall_seconds:.1f}s"
        " for the whole process, interpreter and imports included)",
        file=log,
    )
    _stages(again, "where the rebuild's time goes")
    print(
        f"one more article into the finished store: {added['seconds']:.2f}s in build()"
        f" (+ {added['setup_seconds']:.2f}s store/knowledge setup; {added_use.wall_seconds:.1f}s"
        f" for the whole process, interpreter and imports included; peak RSS"
        f" {added_use.peak_rss_mb:.0f} MB)",
        file=log,
    )
    _stages(added, "where the added article's time goes")
    print(
        f"one more article in a warm process (models loaded): {warm['seconds']:.3f}s in build()",
        file=log,
    )
    _stages(warm, "where the warm added article's time goes")
    merging = built["stages"].get("merge", 0.0)
    per_thousand = merging / built["events"] * 1000 if built["events"] else 0.0
    busy = max(
        raw_use.other_cpu_seconds / raw["seconds"], build_use.other_cpu_seconds / built["seconds"]
    )
    if busy > 0.2:
        print(
            f"warning: other processes kept {busy:.1f} cores busy during a measurement; the rates"
            " are understated, the CPU-seconds per article are not",
            file=log,
        )

    emit(
        {
            "articles": n,
            "articles_per_s": round(articles_per_s, 2),
            "spacy_articles_per_s": round(spacy_per_s, 2),
            "ratio_to_spacy": round(articles_per_s / spacy_per_s, 3),
            "peak_rss_mb": round(build_use.peak_rss_mb, 1),
            "peak_rss_mb_per_worker": round(build_use.peak_rss_mb_per_worker, 1),
            "peak_rss_mb_main": round(build_use.peak_rss_mb_main, 1),
            "spacy_peak_rss_mb": round(raw_use.peak_rss_mb, 1),
            "spacy_peak_rss_mb_per_worker": round(raw_use.peak_rss_mb_per_worker, 1),
            "cpu_s_per_article": round(build_use.cpu_seconds / n, 4),
            "spacy_cpu_s_per_article": round(raw_use.cpu_seconds / n, 4),
            "cores": cores,
            "events": built["events"],
            "merge_s_per_1000_events": round(per_thousand, 2),
            "build_s": round(built["seconds"], 2),
            "rebuild_s": round(again["seconds"], 3),
            "unchanged_rebuild_speedup": round(built["seconds"] / again["seconds"], 1),
            "add_one_seconds": round(warm["seconds"], 3),
            "add_one_process_s": round(added_use.wall_seconds, 2),
            "add_one_cold_build_s": round(added["seconds"], 3),
            "add_one_stage_s": {k: round(v, 3) for k, v in warm["stages"].items()},
            "stage_s": {k: round(v, 2) for k, v in built["stages"].items()},
            "stage_cpu_s": {k: round(v, 2) for k, v in built["stage_cpu"].items()},
            "other_cores_busy": round(busy, 2),
        }
    )


def _stages(result: dict[str, Any], title: str) -> None:
    stages = result["stages"]
    print(f"  {title} (build's process wall s; per-document stages summed over workers):",
          file=sys.stderr)  # fmt: skip
    for name, seconds in stages.items():
        print(f"    {name:<28} {seconds:8.2f}s", file=sys.stderr)
    print("  CPU seconds (build's process; per-document stages summed over workers):",
          file=sys.stderr)  # fmt: skip
    for name, seconds in result.get("stage_cpu", {}).items():
        print(f"    {name:<28} {seconds:8.2f}s", file=sys.stderr)


def _usage(use: TreeUsage, articles: int) -> str:
    return (
        f"peak RSS {use.peak_rss_mb:.0f} MB, peak PSS {use.peak_pss_mb:.0f} MB,"
        f" CPU {use.cpu_seconds:.1f}s ({use.cpu_seconds / articles * 1000:.0f} ms/article),"
        f" other processes {use.other_cpu_seconds:.1f} CPU-s"
    )


if __name__ == "__main__":
    main()
