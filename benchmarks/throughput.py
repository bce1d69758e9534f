"""Throughput: end-to-end build articles/second and peak RSS, next to raw spaCy on the same texts.

The texts are the ECB+ news documents (982 of them), rebuilt from the corpus's tokens: tokens are
joined with simple English detokenisation rules, each sentence becomes its own paragraph (blank line
between sentences), and the source URL that `*ecbplus.xml` files keep in sentence 0 is dropped.
They are written as `.txt` files to a temporary folder, which is what a user would point
`peninsula build` at. The gold set is read in place and nothing is copied into the project.

Two measurements run one after the other, each in its own child interpreter (`subprocess`), both
with every core (`--workers`, default `os.cpu_count()`):

- **build**: `peninsula.pipeline.build` over the folder into a fresh temporary DuckDB file,
  through the library API with `Settings(workers=cores)`, the path `peninsula build` takes. The
  clock covers the `build()` call: reading, cleaning, dating, loading the spaCy model, starting
  spaCy's worker processes, extraction and the DuckDB writes. Opening the store and loading the
  knowledge files are timed separately and reported on stderr.
- **raw spaCy**: `spacy.load(model).pipe(texts, n_process=cores, batch_size=...)` over the same
  texts, the model being the one the build uses. The clock covers `spacy.load` and the whole pipe,
  so both figures pay for the model load once.

Peak RSS is sampled from the parent with psutil every 50 ms: the child's resident set plus that of
every descendant alive at that instant (spaCy's `n_process` workers included), and the highest sum
is the peak. Summing RSS counts pages shared between a forked parent and its workers once per
process, so it is an upper bound on physical memory; the peak PSS (shared pages split between the
processes that share them) is sampled alongside and printed to stderr. `resource.getrusage
(RUSAGE_CHILDREN).ru_maxrss` is not used: it is the largest single descendant, not the sum.

The same sampling adds up the CPU time (user + system) of every process in the tree over the
child's whole life, interpreter start and imports included. Articles/second depends on what else
the machine is doing; CPU-seconds per article mostly does not, so both are reported, and stderr
warns when other processes kept the cores busy during a measurement (from /proc/stat via psutil).

A cheap time breakdown of the build (wall seconds inside the spaCy stage, `peninsula.nlp.analyse`,
of which the extraction callbacks, versus cleaning/dating and store writes) goes to stderr. It
wraps those functions with timers; each wrapper costs microseconds per call. `--profile FILE` also
writes a cProfile of the build's main process (not of spaCy's workers), which slows it down.

    .venv/bin/python benchmarks/throughput.py [--limit N] [--workers N] [--profile FILE]

The last stdout line is one JSON object:
`{"articles", "articles_per_s", "spacy_articles_per_s", "ratio_to_spacy", "peak_rss_mb",
"spacy_peak_rss_mb", "cpu_s_per_article", "spacy_cpu_s_per_article", "cores", "events",
"merge_s_per_1000_events", "add_one_article_s"}`: `merge_s_per_1000_events` is the wall time of
cross-document merging (`merge.Linker.link`, sentence embeddings included) per 1,000 extracted
events; `add_one_article_s` is the wall time of a second `build()` in the same process that adds
one bundled example article to the finished store, as a later incremental build would (reading
the stored merge state included, the models already loaded; its share for that is on stderr).
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, emit, gold_dir, skip

MIN_ARTICLES = 500
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


STAGES = (
    "spaCy stage (nlp.analyse)",
    "  of which inside nlp.pipe (waits included)",
    "clean + date (pipeline.prepare)",
    "store.new_document_ids",
    "store.write_batch",
    "cross-document merging (merge.Linker.link)",
)
EXTRACTION = "  of which extraction (the rest of analyse)"


class Timers:
    """Wall seconds per stage, collected by wrappers around the build's functions.

    A stage that calls itself (spaCy's `pipe(as_tuples=True)` calls `self.pipe`) is counted once.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._active: set[str] = set()

    def _call(self, name: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if name in self._active:
            return function(*args, **kwargs)
        self._active.add(name)
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.seconds[name] += time.perf_counter() - started
            self._active.discard(name)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, function, *args, **kwargs)

        return timed

    def wrap_generator(self, name: str, function: Callable[..., Iterator[Any]]) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = self._call(name, function, *args, **kwargs)
            done = object()
            while (item := self._call(name, next, iterator, done)) is not done:
                yield item

        return timed


def _instrument(timers: Timers, store: Any) -> None:
    """Timers around the build's stages, where the modules still have the names this expects."""
    import peninsula.merge
    import peninsula.nlp
    import peninsula.pipeline

    def timed_pipeline(load: Callable[..., Any]) -> Callable[..., Any]:
        def load_and_time(*args: Any, **kwargs: Any) -> Any:
            nlp = load(*args, **kwargs)  # cached by peninsula: one object per model
            if not getattr(nlp, "_throughput_timed", False):
                nlp.pipe = timers.wrap_generator(STAGES[1], nlp.pipe)
                nlp._throughput_timed = True
            return nlp

        return load_and_time

    targets = (
        (peninsula.pipeline, "analyse", STAGES[0], timers.wrap_generator),
        (peninsula.nlp, "load_pipeline", STAGES[1], lambda _, f: timed_pipeline(f)),
        (peninsula.pipeline, "prepare", STAGES[2], timers.wrap),
        (store, "new_document_ids", STAGES[3], timers.wrap),
        (store, "write_batch", STAGES[4], timers.wrap),
        (peninsula.merge.Linker, "link", STAGES[5], timers.wrap),
    )
    for owner, attribute, stage, wrap in targets:
        if hasattr(owner, attribute):
            timers.seconds[stage] = 0.0  # listed on stderr in this order
            setattr(owner, attribute, wrap(stage, getattr(owner, attribute)))


# The article added after the build: one of the bundled examples, unlike any ECB+ text.
ONE_MORE = REPO / "src/peninsula/examples/000_ians_2026-01-01_lee_new_year.txt"


def child_build(folder: Path, workers: int, profile: str | None) -> dict[str, Any]:
    from datetime import date

    from peninsula.knowledge import load_knowledge
    from peninsula.pipeline import build
    from peninsula.settings import Settings
    from peninsula.store import Store

    started = time.perf_counter()
    db = folder.parent / "throughput.duckdb"
    settings = Settings(db_path=db, workers=workers)
    knowledge = load_knowledge(settings.actors_files)
    timers = Timers()
    with Store(settings.db_path) as store:
        _instrument(timers, store)
        setup = time.perf_counter() - started
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        report = build([str(folder)], store, knowledge, settings, date.today())
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        events = store.counts()["events"]
        stages = _with_extraction(dict(timers.seconds))
        # Then one more article into the same store, as a later `peninsula build` would add
        # it: the cost of an incremental build (reading the stored merge state included).
        import peninsula.pipeline

        regroup = Timers()
        original = peninsula.pipeline.linker_for
        peninsula.pipeline.linker_for = regroup.wrap("regroup", original)
        started = time.perf_counter()
        build([str(ONE_MORE)], store, knowledge, settings, date.today())
        add_seconds = time.perf_counter() - started
        peninsula.pipeline.linker_for = original
    return {
        "events": events,
        "add_one_seconds": add_seconds,
        "regroup_seconds": regroup.seconds.get("regroup", 0.0),
        "seconds": seconds,
        "setup_seconds": setup,
        "read": report.read,
        "added": report.added,
        "skipped": len(report.skipped),
        "stages": stages,
    }


def _with_extraction(stages: dict[str, float]) -> dict[str, float]:
    if STAGES[0] in stages and STAGES[1] in stages:
        stages[EXTRACTION] = stages[STAGES[0]] - stages[STAGES[1]]
        order = [*STAGES[:2], EXTRACTION, *STAGES[2:]]
        stages = {name: stages[name] for name in order if name in stages}
    return stages


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
    cpu_seconds: float  # user + system of the tree, each process as last sampled
    other_cpu_seconds: float  # busy CPU time of the machine outside the tree, over the same span


def run_child(arguments: list[str]) -> tuple[dict[str, Any], TreeUsage]:
    """Run this script as a child; its result and what its process tree used."""
    import psutil

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, __file__, *arguments, "--result", str(result_path)]
    machine_before = _machine_busy(psutil)
    child = subprocess.Popen(command, stdout=sys.stderr)
    root = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
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
                pss += getattr(memory, "pss", memory.rss)
                cpu[key] = times.user + times.system
            peak_rss = max(peak_rss, rss)
            peak_pss = max(peak_pss, pss)
            time.sleep(SAMPLE_SECONDS)
        if child.wait() != 0:
            raise SystemExit(f"child {' '.join(arguments)} failed with exit {child.returncode}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        if child.poll() is None:
            child.kill()
        result_path.unlink(missing_ok=True)
    tree_cpu = sum(cpu.values())
    usage = TreeUsage(
        peak_rss_mb=peak_rss / 1_048_576,
        peak_pss_mb=peak_pss / 1_048_576,
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
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cores to use")
    parser.add_argument("--spacy-batch-size", type=int, default=SPACY_BATCH_SIZE)
    parser.add_argument("--profile", default=None, help="write a cProfile of the build here")
    parser.add_argument("--child", choices=("build", "spacy"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "build":
            result = child_build(args.folder, args.workers, args.profile)
        else:
            result = child_spacy(args.folder, args.workers, args.spacy_batch_size)
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return

    if args.limit is not None and args.limit < MIN_ARTICLES:
        parser.error(f"--limit must be at least {MIN_ARTICLES}")
    corpus = gold_dir("ecbplus")
    cores = args.workers
    with tempfile.TemporaryDirectory(prefix="peninsula-throughput-") as tmp:
        folder = Path(tmp) / "texts"
        folder.mkdir()
        texts = write_texts(corpus, folder, args.limit)
        if len(texts) < MIN_ARTICLES:
            skip(f"only {len(texts)} ECB+ documents found under {corpus}; need {MIN_ARTICLES}")
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} ECB+ texts, {words} words, {cores} cores", file=sys.stderr)

        common = ["--folder", str(folder), "--workers", str(cores)]
        raw, raw_use = run_child(
            ["--child", "spacy", *common, "--spacy-batch-size", str(args.spacy_batch_size)]
        )
        profile = ["--profile", args.profile] if args.profile else []
        built, build_use = run_child(["--child", "build", *common, *profile])

    n = len(texts)
    if built["read"] != n or raw["docs"] != n:
        raise SystemExit(f"expected {n} articles, build {built}, spaCy {raw}")
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
    stages = built["stages"]
    measured = sum(v for k, v in stages.items() if not k.startswith(" "))
    for name, seconds in stages.items():
        print(f"  {name:<42} {seconds:7.1f}s", file=log)
    rest = built["seconds"] - measured
    print(f"  {'rest (reading, bookkeeping)':<42} {rest:7.1f}s", file=log)
    print(
        f"then one more article into that store: {built['add_one_seconds']:.1f}s, of which"
        f" {built['regroup_seconds']:.1f}s reading the stored merge state (pipeline.linker_for,"
        " embedding model already loaded)",
        file=log,
    )
    merging = stages.get(STAGES[5], 0.0)
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
            "spacy_peak_rss_mb": round(raw_use.peak_rss_mb, 1),
            "cpu_s_per_article": round(build_use.cpu_seconds / n, 4),
            "spacy_cpu_s_per_article": round(raw_use.cpu_seconds / n, 4),
            "cores": cores,
            "events": built["events"],
            "merge_s_per_1000_events": round(per_thousand, 2),
            "add_one_article_s": round(built["add_one_seconds"], 2),
        }
    )


def _usage(use: TreeUsage, articles: int) -> str:
    return (
        f"peak RSS {use.peak_rss_mb:.0f} MB, peak PSS {use.peak_pss_mb:.0f} MB,"
        f" CPU {use.cpu_seconds:.1f}s ({use.cpu_seconds / articles * 1000:.0f} ms/article),"
        f" other processes {use.other_cpu_seconds:.1f} CPU-s"
    )


if __name__ == "__main__":
    main()
