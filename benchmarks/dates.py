"""Publication-date accuracy on HTML pages: peninsula's date resolver next to htmldate alone.

Gold sets (read in place from ../shared/benchmarks, see their PROVENANCE.md):

- htmldate_eval: eval_default.json + eval_mediacloud_2020.json, 1,000 entries (999 files) in
  htmldate_pages.tar.xz. Also reported for its English subset: pages whose `<html lang>`
  starts with "en".
- trafilatura_eval: the 728 entries of evaldata.json with a non-empty `date`, pages in
  trafilatura_pages.tar.xz.

Scoring follows upstream htmldate tests/evaluation.py: every page is read from its HTML only,
with no URL; the output is compared with the gold date as a `%Y-%m-%d` string. Correct → TP,
wrong date → FP, no output → FN; accuracy = TP/(TP+FP+FN), precision = TP/(TP+FP),
recall = TP/(TP+FN). Five mediacloud entries have no gold date (NaN): as upstream, any output
for them is an FP and no output an FN. Gold dates are normalised first: zero-padded
("2022-11-1"), any separator ("2022-01.26"), and day and month swapped when the month is
impossible ("2022-29-11" → 2022-11-29); two trafilatura entries need this.

Peninsula runs the pipeline's own path: `sources.html.read_html(bytes, origin)` then
`pipeline.prepare(raw, default_knowledge(), today)`, reading `document.date.published`.
`read_html` is called with `require_text=False`: a page where trafilatura finds no article
text (the pipeline skips it) still has its date signals read and resolved by the same code.
Only a day-precision decision is an answer. A month or year decision is an FP when it
disagrees with the gold date's month or year and an FN when it agrees (it is not wrong, but it
does not name the day). A page the pipeline cannot read at all (SourceError) or that raises is
no output (FN); raising pages are counted in `errors` and printed to stderr.

htmldate alone is `htmldate.find_date(html, extensive_search=True, original_date=True)` on the
page decoded as upstream does (`htmldate.utils.decode_file`), on the same pages in the same run.

Pages are deduplicated by content (the two sets share about 560 files) and processed by two
worker processes. Progress goes to stderr; the last stdout line is one JSON object.

Usage: python benchmarks/dates.py [--limit N]   (N pages per set, for a quick look)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import re
import sys
import tarfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from common import emit, gold_dir

WORKERS = 2
CHUNK = 32
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z_-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    dataset: str
    key: str
    file: str
    gold: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What each extractor said about one page."""

    peninsula: str | None
    precision: str | None
    htmldate: str | None
    lang: str
    error: str | None = None


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    coarse: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, output: str | None, gold: str | None, precision: str | None = "day") -> None:
        if output is None:
            self.fn += 1
        elif precision not in (None, "day"):
            self.coarse += 1
            if gold is not None and gold.startswith(output):
                self.fn += 1
            else:
                self.fp += 1
        elif output == gold:
            self.tp += 1
        else:
            self.fp += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn

    def accuracy(self) -> float:
        return round(self.tp / self.n, 4) if self.n else 0.0

    def precision(self) -> float:
        return round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        return round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="pages per set (0: all)")
    args = parser.parse_args()
    started = time.monotonic()

    htmldate_dir = gold_dir("htmldate_eval")
    trafilatura_dir = gold_dir("trafilatura_eval")
    htmldate_entries = _htmldate_entries(htmldate_dir)
    trafilatura_entries = _trafilatura_entries(trafilatura_dir)
    if args.limit:
        htmldate_entries = htmldate_entries[: args.limit]
        trafilatura_entries = trafilatura_entries[: args.limit]

    # Read every needed page once, keyed by content, then run each distinct page once.
    pages: dict[str, bytes] = {}
    page_of: dict[tuple[str, str], str] = {}
    for dataset, folder, archive, entries in (
        ("htmldate", htmldate_dir, "htmldate_pages.tar.xz", htmldate_entries),
        ("trafilatura", trafilatura_dir, "trafilatura_pages.tar.xz", trafilatura_entries),
    ):
        for name, data in _read_pages(folder / archive, {e.file for e in entries}):
            digest = hashlib.sha1(data).hexdigest()
            pages.setdefault(digest, data)
            page_of[(dataset, name)] = digest
    missing = [
        e for e in htmldate_entries + trafilatura_entries if (e.dataset, e.file) not in page_of
    ]
    if missing:
        print(f"{len(missing)} gold pages are missing from the archives", file=sys.stderr)
    print(
        f"{len(pages)} distinct pages for {len(htmldate_entries)} + {len(trafilatura_entries)}"
        f" gold entries, read in {time.monotonic() - started:.0f}s",
        file=sys.stderr,
    )

    outcomes = _run(pages)
    scores = _score(htmldate_entries + trafilatura_entries, page_of, outcomes)
    errors = sum(1 for o in outcomes.values() if o.error)
    seconds = round(time.monotonic() - started, 1)
    _report(scores, errors, seconds)

    main_set, en_set, traf_set = scores["all"], scores["en"], scores["trafilatura"]
    emit(
        {
            "accuracy": main_set[0].accuracy(),
            "htmldate_accuracy": main_set[1].accuracy(),
            "n": main_set[0].n,
            "en_accuracy": en_set[0].accuracy(),
            "en_htmldate_accuracy": en_set[1].accuracy(),
            "en_n": en_set[0].n,
            "trafilatura_accuracy": traf_set[0].accuracy(),
            "trafilatura_htmldate_accuracy": traf_set[1].accuracy(),
            "trafilatura_n": traf_set[0].n,
            "precision": main_set[0].precision(),
            "recall": main_set[0].recall(),
            "htmldate_precision": main_set[1].precision(),
            "htmldate_recall": main_set[1].recall(),
            "coarse_outputs": main_set[0].coarse,
            "errors": errors,
            "seconds": seconds,
        }
    )


def _htmldate_entries(folder: Path) -> list[Entry]:
    entries = []
    for name in ("eval_default.json", "eval_mediacloud_2020.json"):
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        for key, value in data.items():
            entries.append(Entry("htmldate", key, value["file"], normalise_gold(value.get("date"))))
    return entries


def _trafilatura_entries(folder: Path) -> list[Entry]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    return [
        Entry("trafilatura", key, value["file"], normalise_gold(value["date"]))
        for key, value in data.items()
        if isinstance(value.get("date"), str) and value["date"].strip()
    ]


def normalise_gold(value: Any) -> str | None:
    """The gold date as `%Y-%m-%d`, or None when there is none (NaN in the JSON)."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(\d{4})\D(\d{1,2})\D(\d{1,2})\s*", value)
    if match is None:
        return value.strip()
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if month > 12 >= day:
        month, day = day, month
    return f"{year:04d}-{month:02d}-{day:02d}"


def _read_pages(archive: Path, wanted: set[str]) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(archive, "r|xz") as tar:
        for member in tar:
            name = member.name.removeprefix("pages/")
            if member.isfile() and name in wanted:
                stream = tar.extractfile(member)
                if stream is not None:
                    yield name, stream.read()


def _run(pages: dict[str, bytes]) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    items = list(pages.items())
    started = time.monotonic()
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with context.Pool(WORKERS, initializer=_init_worker) as pool:
        for done, (digest, outcome) in enumerate(
            pool.imap_unordered(_work, items, chunksize=CHUNK // 4), start=1
        ):
            outcomes[digest] = outcome
            if outcome.error:
                print(f"error on page {digest[:12]}: {outcome.error}", file=sys.stderr)
            if done % 100 == 0 or done == len(items):
                elapsed = time.monotonic() - started
                print(f"{done}/{len(items)} pages, {elapsed:.0f}s", file=sys.stderr, flush=True)
    return outcomes


_STATE: dict[str, Any] = {}


def _init_worker() -> None:
    import logging

    from peninsula.knowledge import default_knowledge

    logging.disable(logging.CRITICAL)  # trafilatura and htmldate log every odd page
    _STATE["knowledge"] = default_knowledge()
    _STATE["today"] = date.today()


def _work(item: tuple[str, bytes]) -> tuple[str, Outcome]:
    from htmldate import find_date
    from htmldate.utils import decode_file

    from peninsula.errors import SourceError
    from peninsula.pipeline import prepare
    from peninsula.sources.html import read_html

    digest, data = item
    match = _LANG.search(data[:20000])
    lang = match.group(1).decode("ascii", "replace").lower() if match else ""
    try:
        baseline = find_date(decode_file(data), extensive_search=True, original_date=True)
    except Exception:  # htmldate alone is scored as it behaves
        baseline = None
    published = precision = error = None
    try:
        raw = read_html(data, f"benchmark:{digest[:12]}", require_text=False)
        decision = prepare(raw, _STATE["knowledge"], _STATE["today"]).date
        published, precision = decision.published, decision.precision
    except SourceError:
        pass
    except Exception as exc:  # reported, counted; the run goes on
        error = f"{type(exc).__name__}: {exc} | {traceback.format_exc(limit=-2).splitlines()[-3]}"
    return digest, Outcome(published, precision, str(baseline) if baseline else None, lang, error)


def _score(
    entries: list[Entry], page_of: dict[tuple[str, str], str], outcomes: dict[str, Outcome]
) -> dict[str, tuple[Score, Score]]:
    scores = {name: (Score(), Score()) for name in ("all", "en", "trafilatura")}
    for entry in entries:
        digest = page_of.get((entry.dataset, entry.file))
        outcome = outcomes.get(digest) if digest else None
        if outcome is None:
            outcome = Outcome(None, None, None, "")
        names = ["trafilatura"] if entry.dataset == "trafilatura" else ["all"]
        if entry.dataset == "htmldate" and outcome.lang.startswith("en"):
            names.append("en")
        for name in names:
            ours, theirs = scores[name]
            ours.add(outcome.peninsula, entry.gold, outcome.precision)
            theirs.add(outcome.htmldate, entry.gold)
    return scores


def _report(scores: dict[str, tuple[Score, Score]], errors: int, seconds: float) -> None:
    labels = {
        "all": "htmldate_eval",
        "en": "htmldate_eval, lang=en",
        "trafilatura": "trafilatura_eval",
    }
    for name, (ours, theirs) in scores.items():
        print(f"{labels[name]} (n={ours.n})")
        for who, score in (("peninsula", ours), ("htmldate ", theirs)):
            print(
                f"  {who}  accuracy {score.accuracy():.4f}  precision {score.precision():.4f}"
                f"  recall {score.recall():.4f}  (TP {score.tp} FP {score.fp} FN {score.fn})"
            )
    print(f"errors {errors}, {seconds:.0f}s")


if __name__ == "__main__":
    main()
