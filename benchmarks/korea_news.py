"""Real news, end to end: korea_news_dev (40 Korea-diplomacy articles), scored from the exports.

Gold: `<PENINSULA_BENCHMARKS>/korea_news_dev/` (`gold.jsonl`, `texts/`), read in place; nothing
is copied into the project. Its README gives the coding conventions and the suggested scoring
followed here.

Input, as a crawler would give it: one JSON Lines record per article, `{"url", "text"}` and
nothing else from the gold, written to a temporary folder and built with the product's CLI
(`peninsula build FILE --db DB`, then `peninsula export --format jsonl`) in a child interpreter
whose PYTHONPATH starts with this checkout's `src/`. `--order shuffle --seed N` feeds the
articles in a shuffled order; `--split K` feeds them as K files built one after the other into
one database (merging across documents depends on what is already stored).

Scoring reads only the exported files (documents, actors, statements, events, commitments),
every column defensively (a missing file or column counts as nothing given).

- Documents are mapped to gold articles by URL (`url`, `path` or `origins` of the export), else
  by the largest share of word 5-grams of the gold text found in the document's text (>= 0.5).
- `published_exact`: over the articles with a gold date, the system's date cut to the gold's
  granularity equals it. `published_invented`: articles whose gold date is null (the text and
  URL give none) that got a date; `published_invented_rate` over those articles.
- Text comparison: lower-cased letters and digits only (`norm`).
- Several system items may match one gold item (a sentence yielding two events, a quote in two
  statements). Each figure is then right when ANY of them satisfies it, figure by figure: extra
  items are not penalised, and precision is not measured here (`system_*` give the volumes).
- `quote_found`: a statement of that document whose `text` contains the gold fragment.
  `quote_speaker`: one of those has the gold speaker as its `speaker` actor. `quote_date`: one
  of those has a `date` matching the gold's (rules below).
- `event_found`: an event with an `evidence` entry of that document whose `sentence` contains
  the fragment. Then, as the README's "in turn" and the issue's baseline count them, on one and
  the same event: `event_source` (its `source` actor is the gold source), `event_type` (source
  AND PLOVER `category` right), `event_modality` (source AND modality right), `event_date`
  (source AND date right). On its own, without the source: `event_category`,
  `event_modality_alone`, `event_date_alone`. Gold AGREE also accepts SUPPORT when the system
  code is 057 or the gold note says "CAMEO 057", as the README allows. `event_type_lenient` also
  accepts the categories a gold note calls acceptable, defensible, arguable or "also" possible
  ("PROTEST or ASSAULT are defensible"), read from the note's wording, never listed per item.
  `event_source_strict`: no rolling up (below).
- Dates: a gold date matches when the system's date starts with it (prefix at the gold's
  granularity: a day-precise system date is right for a gold month; a coarser one is wrong);
  a gold ISO week (`2024-W25`) matches the same week or any day in it. A null gold date means
  the text gives no date for the item (README: "null when the text gives none"; its audit notes
  say the publication date is not used unless the text ties the item to it), so it is right
  only when the system gives no date either.
- `commitment_actor`: a commitment mentioned in that document (`mentions[].document_id`) whose
  `actor` is the gold actor; several gold commitments of one actor may share it.
  `commitment_actor_strict`: no rolling up.
- Actors: a gold name (a person's canonical full name or an institution, as the README's
  examples) matches an actor whose name or an alias is equal after `norm` (so case, hyphens and
  spaces do not count). A gold ISO3 state (KOR, PRK, ...) matches the state actor with that id
  AND any non-media actor (person, ministry, army, party) whose `country` is that state: people
  and bodies roll up to their state, as the product's own dyads and `--dyad` do ("a state
  includes its people"), and as the gold codes the acts of a ministry, its spokesman or a
  department's spokesperson as the state's. The reverse is wrong: a gold person given as their
  state is a miss. A news agency or outlet (kind `media`) never stands for its state. Gold "UN"
  matches an international organisation whose name or an alias begins with UN, U.N. or United
  Nations (the Security Council, the General Assembly, the IAEA aliased "UN nuclear
  watchdog"). A gold list of states or names ("RUS and PRK", "A B, C D and E F") matches any
  one of its members. A gold description with a parenthesis ("(unnamed)") keeps the part
  before it.
- Denominators: every figure is over ALL gold items of its kind (142 quotes, 204 events, 64
  commitments), so an item not found is wrong for the later figures too. The `*_given_found`
  figures are the same over the found items only.

    .venv/bin/python benchmarks/korea_news.py [--errors] [--order shuffle --seed N] [--split K]
        [--keep DIR] [--exports DIR]

`--errors` prints every miss per figure (article, gold item and note, what the system gave) to
stdout before the JSON line. `--keep DIR` keeps the input, database and exports there;
`--exports DIR` scores exports already written (no build). The last stdout line is one JSON
object.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, emit, gold_dir, skip

EVENT_FIGURES = (
    "event_source", "event_type", "event_modality", "event_date", "event_source_strict",
    "event_type_lenient", "event_category", "event_modality_alone", "event_date_alone",
)  # fmt: skip
ORDER = (
    "published_exact", "published_not_invented", "quote_found", "quote_speaker", "quote_date",
    "event_found", *EVENT_FIGURES, "commitment_actor", "commitment_actor_strict",
)  # fmt: skip
TABLES = ("documents", "actors", "statements", "events", "commitments")
CLI = "import sys; from peninsula.cli import app; sys.exit(app(prog_name='peninsula'))"
_LIST_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_ISO3 = re.compile(r"^[A-Z]{3}$")
# A personal name: two to four capitalised words ("Park Min-ho", "Jane A. Doe").
_NAME = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){1,3}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_PLOVER = re.compile(r"\b[A-Z]{5,9}\b")
_LENIENT = re.compile(r"\b(?:also|defensible|acceptable|arguable|equally)\b", re.IGNORECASE)
_UN_NAME = re.compile(r"^(?:un|u\.n\.|united nations)\b", re.IGNORECASE)


def norm(text: str | None) -> str:
    """Lower-cased letters and digits only (accents dropped)."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


# --- feeding and building ----------------------------------------------------------------------


def feed_order(gold: list[dict[str, Any]], order: str, seed: int) -> list[dict[str, Any]]:
    articles = list(gold)
    if order == "shuffle":
        random.Random(seed).shuffle(articles)
    return articles


def chunks(items: list[Any], k: int) -> list[list[Any]]:
    """K consecutive parts of sizes as equal as possible (none empty)."""
    k = max(1, min(k, len(items)))
    size, extra = divmod(len(items), k)
    parts, start = [], 0
    for i in range(k):
        end = start + size + (i < extra)
        parts.append(items[start:end])
        start = end
    return parts


def run_cli(args: list[str]) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, text=True, env=env, check=False
    )
    if run.returncode != 0:
        sys.exit(f"peninsula {args[0]} failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return time.monotonic() - started


def build_and_export(
    articles: list[dict[str, Any]], texts: Path, work: Path, split: int
) -> tuple[Path, float]:
    db = work / "kb.duckdb"
    if db.exists():
        sys.exit(f"{db} exists: give --keep an empty or new folder")
    seconds = 0.0
    for n, part in enumerate(chunks(articles, split), 1):
        feed = work / f"feed-{n}.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for g in part:
                text = (texts / g["file"]).read_text(encoding="utf-8")
                out.write(json.dumps({"url": g["url"], "text": text}, ensure_ascii=False) + "\n")
        seconds += run_cli(["build", str(feed), "--db", str(db)])
        print(f"built part {n} ({len(part)} articles), {seconds:.0f}s so far", file=sys.stderr)
    exports = work / "exports"
    run_cli(["export", "--db", str(db), "--out", str(exports), "--format", "jsonl"])
    return exports, seconds


def read_exports(folder: Path) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in TABLES:
        path = folder / f"{name}.jsonl"
        rows = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    rows.append(row if isinstance(row, dict) else {})
        else:
            print(f"warning: no {path.name} in the export", file=sys.stderr)
        tables[name] = rows
    return tables


def as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return value if isinstance(value, list) else [] if value is None else [value]


# --- documents to gold articles ----------------------------------------------------------------


def url_key(url: Any) -> str:
    if not isinstance(url, str):
        return ""
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = [w for w in (norm(t) for t in text.split()) if w]
    return {tuple(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


def map_documents(
    documents: list[dict[str, Any]], gold: list[dict[str, Any]], texts: Path
) -> dict[str, dict[str, Any]]:
    """Gold file name -> the exported document it became."""
    by_url = {url_key(g["url"]): g["file"] for g in gold}
    mapped: dict[str, dict[str, Any]] = {}
    unmapped = []
    for doc in documents:
        keys = [doc.get("url"), doc.get("path"), *as_list(doc.get("origins"))]
        hit = next((by_url[url_key(k)] for k in keys if url_key(k) in by_url), None)
        if hit is not None and hit not in mapped:
            mapped[hit] = doc
        else:
            unmapped.append(doc)
    gold_shingles = {g["file"]: shingles((texts / g["file"]).read_text("utf-8")) for g in gold}
    for doc in unmapped:
        doc_sh = shingles(str(doc.get("text") or ""))
        if not doc_sh:
            continue
        score, name = max((len(doc_sh & s) / len(doc_sh), f) for f, s in gold_shingles.items())
        if score >= 0.5 and name not in mapped:
            mapped[name] = doc
    return mapped


# --- actors ------------------------------------------------------------------------------------


class Actors:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = {str(r.get("id")): r for r in rows if r.get("id") is not None}
        self.names: dict[str, set[str]] = {
            key: {norm(r.get("name")), *(norm(a) for a in as_list(r.get("aliases")))} - {""}
            for key, r in self.rows.items()
        }

    def label(self, actor_id: Any) -> str:
        if actor_id is None:
            return "-"
        row = self.rows.get(str(actor_id), {})
        return f"{actor_id} ({row.get('name', '?')})" if row else str(actor_id)

    def matches(self, gold: str | None, actor_id: Any, roll_up: bool = True) -> bool:
        if not gold or actor_id is None:
            return False
        actor_id = str(actor_id)
        row = self.rows.get(actor_id, {})
        names = self.names.get(actor_id, {norm(actor_id)})
        for member in gold_members(gold):
            if _ISO3.match(member):
                if actor_id == member or (
                    roll_up
                    and row.get("country") == member
                    and row.get("kind") not in ("media", "state")
                ):
                    return True
            elif member == "UN":
                labels = [str(row.get("name") or ""), *map(str, as_list(row.get("aliases")))]
                if actor_id == "un" or (roll_up and any(_UN_NAME.match(x) for x in labels)):
                    return True
            elif norm(member) in names:
                return True
        return False


def gold_members(gold: str) -> list[str]:
    """A gold actor as its members: "RUS and PRK", "A B, C D and E F" (names); else itself."""
    gold = gold.split("(")[0].strip()
    parts = [p.strip() for p in _LIST_SPLIT.split(gold) if p.strip()]
    if all(_ISO3.match(p) or p == "UN" for p in parts) or all(map(_NAME.match, parts)):
        return parts
    # "Deputy Director General, North Korean ..." or "... of Japan, the US and South Korea".
    return [gold]


# --- dates and categories ----------------------------------------------------------------------


def date_right(gold: str | None, system: Any) -> bool:
    if gold is None:
        return not _given(system)
    if not _given(system):
        return False
    week = _WEEK.match(gold)
    if week:
        if system == gold:
            return True
        try:
            day = dt.date.fromisoformat(system[:10])
        except ValueError:
            return False
        year, number, _ = day.isocalendar()
        return (year, number) == (int(week.group(1)), int(week.group(2)))
    return str(system).startswith(gold)


def type_right(gold: dict[str, Any], event: dict[str, Any], lenient: bool = False) -> bool:
    category = event.get("category")
    if category == gold["plover"]:
        return True
    note = gold.get("note") or ""
    signing = str(event.get("code") or "").startswith("057") or "CAMEO 057" in note
    if gold["plover"] == "AGREE" and category == "SUPPORT" and signing:
        return True
    return lenient and category in lenient_categories(note)


def lenient_categories(note: str) -> set[str]:
    """PLOVER categories a note's own clause calls acceptable ("MOBILIZE also defensible")."""
    found: set[str] = set()
    for clause in re.split(r"[;.]\s", note):
        if _LENIENT.search(clause) and "recoded" not in clause:
            found.update(_PLOVER.findall(clause))
    return found


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def tally(self, figure: str, ok: bool, miss: str) -> bool:
        self.counts[figure] += ok
        if not ok:
            self.misses[figure].append(miss)
        return ok


def describe(gold: dict[str, Any], keys: Iterable[str]) -> str:
    text = ", ".join(f"{k}={gold.get(k)}" for k in keys)
    note = f"\n      note: {gold['note']}" if gold.get("note") else ""
    what = f"fragment: {gold['fragment']}" if "fragment" in gold else f"text: {gold.get('text')}"
    return f"{text}\n      {what}{note}"


class Scorer:
    """The exports indexed by document, and the tallies."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.actors = Actors(tables["actors"])
        self.statements: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in tables["statements"]:
            self.statements[str(s.get("document_id"))].append(s)
        self.sentences: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for e in tables["events"]:
            for ev in as_list(e.get("evidence")):
                if isinstance(ev, dict):
                    self.sentences[str(ev.get("document_id"))].append((norm(ev.get("sentence")), e))
        self.commitments: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in tables["commitments"]:
            mentions = [m for m in as_list(c.get("mentions")) if isinstance(m, dict)]
            for doc_id in {str(m.get("document_id")) for m in mentions}:
                self.commitments[doc_id].append(c)
        self.f = Figures()
        self.n: dict[str, int] = defaultdict(int)

    def published(self, g: dict[str, Any], where: str, published: Any) -> None:
        if g["published"] is not None:
            self.n["dated"] += 1
            miss = f"{where}: gold {g['published']} ({g['published_evidence']}), system {published}"
            self.f.tally("published_exact", date_right(g["published"], published), miss)
        else:
            self.n["undated"] += 1
            miss = f"{where}: gold none, system {published}"
            self.f.tally("published_not_invented", not _given(published), miss)

    def quote(self, q: dict[str, Any], where: str, doc_id: str) -> None:
        self.n["quotes"] += 1
        frag = norm(q["fragment"])
        found = [s for s in self.statements.get(doc_id, []) if frag in norm(s.get("text"))]
        item = f"{where}: {describe(q, ('speaker', 'date'))}"
        if not self.f.tally("quote_found", bool(found), item):
            return
        gave = "".join(
            f"\n      system speaker {self.actors.label(s.get('speaker'))}, speaker_text"
            f" {s.get('speaker_text')!r}, cue {s.get('cue')!r}, date {s.get('date')}"
            for s in found
        )
        speaker = [self.actors.matches(q["speaker"], s.get("speaker")) for s in found]
        self.f.tally("quote_speaker", any(speaker), item + gave)
        self.f.tally(
            "quote_date", any(date_right(q["date"], s.get("date")) for s in found), item + gave
        )

    def event(self, e: dict[str, Any], where: str, doc_id: str) -> None:
        self.n["events"] += 1
        frag = norm(e["fragment"])
        found = [ev for sent, ev in self.sentences.get(doc_id, []) if frag in sent]
        item = f"{where}: {describe(e, ('source', 'target', 'plover', 'modality', 'date'))}"
        if not self.f.tally("event_found", bool(found), item):
            return
        label = self.actors.label
        gave = item + "".join(
            f"\n      system {label(ev.get('source'))} -> {label(ev.get('target'))}"
            f" {ev.get('category')} {ev.get('code')} {ev.get('modality')} date {ev.get('date')}"
            for ev in found
        )
        rights: dict[str, bool] = defaultdict(bool)
        for ev in found:
            source = self.actors.matches(e["source"], ev.get("source"))
            strict = self.actors.matches(e["source"], ev.get("source"), roll_up=False)
            category = type_right(e, ev)
            modality = ev.get("modality") == e["modality"]
            date = date_right(e["date"], ev.get("date"))
            for figure, ok in (
                ("event_source", source),
                ("event_source_strict", strict),
                ("event_type", source and category),
                ("event_type_lenient", source and type_right(e, ev, lenient=True)),
                ("event_category", category),
                ("event_modality", source and modality),
                ("event_modality_alone", modality),
                ("event_date", source and date),
                ("event_date_alone", date),
            ):
                rights[figure] |= ok
        for figure in EVENT_FIGURES:
            self.f.tally(figure, rights[figure], gave)

    def commitment(self, c: dict[str, Any], where: str, doc_id: str) -> None:
        self.n["commitments"] += 1
        here = self.commitments.get(doc_id, [])
        gave = "; ".join(self.actors.label(x.get("actor")) for x in here) or "none"
        item = f"{where}: {describe(c, ('actor', 'date'))}\n      system actors: {gave}"
        for figure, roll_up in (("commitment_actor", True), ("commitment_actor_strict", False)):
            ok = any(self.actors.matches(c["actor"], x.get("actor"), roll_up) for x in here)
            self.f.tally(figure, ok, item)


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def score(
    gold: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]], texts: Path
) -> tuple[dict[str, Any], Figures]:
    mapped = map_documents(tables["documents"], gold, texts)
    sc = Scorer(tables)
    for g in gold:
        doc = mapped.get(g["file"]) or {}
        doc_id = str(doc.get("id", "(not built)"))
        where = f"{g['file']} doc {doc_id[:8] if doc else 'not built'}"
        sc.published(g, where, doc.get("published"))
        for q in g["quotes"]:
            sc.quote(q, where, doc_id)
        for e in g["events"]:
            sc.event(e, where, doc_id)
        for c in g["commitments"]:
            sc.commitment(c, where, doc_id)
    f, n = sc.f, sc.n

    def rate(figure: str, over: int) -> float:
        return round(f.counts[figure] / over, 3) if over else 0.0

    invented = n["undated"] - f.counts["published_not_invented"]
    figures: dict[str, Any] = {
        "articles": len(gold),
        "documents_mapped": len(mapped),
        "published_exact": rate("published_exact", n["dated"]),
        "published_invented": invented,
        "published_invented_rate": round(invented / n["undated"], 3) if n["undated"] else 0.0,
    }
    for figure in ("quote_found", "quote_speaker", "quote_date"):
        figures[figure] = rate(figure, n["quotes"])
    for figure in ("event_found", *EVENT_FIGURES):
        figures[figure] = rate(figure, n["events"])
    for figure in ("commitment_actor", "commitment_actor_strict"):
        figures[figure] = rate(figure, n["commitments"])
    for figure in ("quote_speaker", "quote_date"):
        figures[f"{figure}_given_found"] = rate(figure, f.counts["quote_found"])
    for figure in EVENT_FIGURES:
        figures[f"{figure}_given_found"] = rate(figure, f.counts["event_found"])
    figures.update(
        gold_dated=n["dated"], gold_undated=n["undated"], gold_quotes=n["quotes"],
        gold_events=n["events"], gold_commitments=n["commitments"],
        system_statements=len(tables["statements"]), system_events=len(tables["events"]),
        system_commitments=len(tables["commitments"]),
    )  # fmt: skip
    return figures, f


def print_errors(f: Figures) -> None:
    for figure in sorted(f.misses, key=lambda x: ORDER.index(x) if x in ORDER else len(ORDER)):
        misses = f.misses[figure]
        print(f"\n=== {figure}: {len(misses)} misses")
        for miss in misses:
            print(f"  - {miss}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print every miss, per figure")
    parser.add_argument("--order", choices=("gold", "shuffle"), default="gold")
    parser.add_argument("--seed", type=int, default=0, help="seed for --order shuffle")
    parser.add_argument("--split", type=int, default=1, help="K builds into one database")
    parser.add_argument("--keep", type=Path, default=None, help="keep the build in this folder")
    parser.add_argument("--exports", type=Path, default=None, help="score these exports only")
    args = parser.parse_args()

    root = gold_dir("korea_news_dev")
    texts = root / "texts"
    gold = [json.loads(line) for line in (root / "gold.jsonl").read_text("utf-8").splitlines()]
    gold = [g for g in gold if (texts / g["file"]).exists()]
    if not gold:
        skip(f"no texts of korea_news_dev under {texts}")
    seconds = None
    with contextlib.ExitStack() as stack:
        if args.exports is not None:
            folder = args.exports
        else:
            work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
            work.mkdir(parents=True, exist_ok=True)
            articles = feed_order(gold, args.order, args.seed)
            folder, seconds = build_and_export(articles, texts, work, args.split)
        tables = read_exports(folder)
    figures, f = score(gold, tables, texts)
    if args.errors:
        print_errors(f)
    figures.update(order=args.order, seed=args.seed if args.order == "shuffle" else None,
                   split=args.split)  # fmt: skip
    if seconds is not None:
        figures["build_s"] = round(seconds, 1)
    emit(figures)


if __name__ == "__main__":
    main()
