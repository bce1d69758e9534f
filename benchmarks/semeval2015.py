"""SemEval-2015 Task 4 TimeLine, Track A, scored over what peninsula itself outputs.

Data (read in place from `semeval2015_task4_timeline/`, see its PROVENANCE.md): three corpora of
30 English Wikinews articles; per target entity of `list_target_entities_corpus_N.txt` a gold
timeline `TimeLines_Gold_Standard/<entity>.txt`. Only the Track A input is read: the tokens with
their sentence numbers, `src_url` and the annotated creation time of `corpus_trackA_CAT/*.xml`.

The product, run as a user would, once per corpus: a JSON Lines file with one record per article
(`title` the headline, sentence 0; `text` sentences 1.. one per line, the first being the dateline
"March 01, 2008"; `date` the creation time as annotated; `url`), then `peninsula build FILE --db
TMP` and `peninsula export --format jsonl`, each in a subprocess. Tokens are joined by a space
but before closing punctuation and clitics and after opening brackets and currency signs, `` and
'' are written ", and the span of every token in `text` is kept.

From the export this relies on: events `source`, `target`, `date`, `date_precision` and
`evidence[]` (`document_id`, `char_start`, `char_end`, `event_id`); actors `id`, `name`,
`aliases`; documents `id`, `path` (the url fed), `text`. Read when present: events'
`source_text`/`target_text`, evidence `trigger_start`.
- An entity's events: the merged events whose source or target is an actor whose name or one of
  whose aliases is the entity's name, case and spacing aside (or whose unresolved participant
  text is, when exported).
- Each evidence item is one event mention: the Track A token at the trigger's offset in the
  stored text, written `DOCID-SENTENCE-token`. The offset is the evidence's `trigger_start`,
  else the one the event id carries (`{document}:e{trigger_start}:...`), else the first verb
  (spaCy tag) of the evidence sentence; stderr counts each. Stored offsets map back to the fed
  text by finding each stored paragraph in it.
- One line per merged event with its mentions, dated by the event's date to its precision
  ("2008-03" -> 2008-03-XX); lines in date order, unknown parts first, the same order number for
  the same date; an undated event at order 0; a mention already on a line is not repeated.
The headline is a title, which the product does not analyse: its events are always missed.

Baseline, same run: in each sentence that writes the entity's full name (case aside), every verb
(spaCy tag) is an event mention dated by the annotated creation time.

Scoring: `timeline_scoring.py`, the official tool and TempEval-3's scorer reimplemented.
`--gold-vs-gold` checks that gold scores 1.0. Best published Track A F1: 0.0785 (Minard et
al. 2015).

    .venv/bin/python benchmarks/semeval2015.py [--out DIR] [--gold-vs-gold]

Progress and per-timeline scores go to stderr; the last stdout line is one JSON object:
micro-averaged f1/precision/recall, n_timelines, the same per corpus and for the baseline.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import emit, gold_dir
from peninsula.records import PartialDate
from peninsula.settings import Settings
from timeline_scoring import (
    Counts,
    Line,
    Timeline,
    evaluate,
    full_date,
    load_gold,
    slug,
    write_timeline,
)

FOLDER = "semeval2015_task4_timeline"
CORPORA = ("corpus_1", "corpus_2", "corpus_3")
BEST_PUBLISHED_F1 = 0.0785
UNKNOWN_DATE = "XXXX-XX-XX"
# `python -m peninsula.cli` runs nothing (no __main__ guard); this is what the console script does.
CLI = "from peninsula.cli import app; app()"
_NO_SPACE_BEFORE = frozenset(
    {",", ".", ";", ":", "!", "?", ")", "]", "%", "''", "'s", "'", "n't", "'re", "'ve", "'ll", "'d"}
)
_NO_SPACE_AFTER = frozenset({"(", "[", "$", "US$", "``"})
_QUOTES = {"``": '"', "''": '"'}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    sentence: int
    text: str  # as in the corpus
    start: int  # span in the fed text; -1 for the headline, which is the title
    end: int


@dataclass
class Article:
    doc_id: str
    url: str
    dct: str  # as annotated: YYYY-MM-DD, once DD-MM-YYYY
    sentences: tuple[tuple[str, ...], ...]
    tokens: list[Token]  # every token, in order
    record: dict[str, str]  # the JSON Lines record fed to the product
    verbs: frozenset[int] = frozenset()  # indices into `tokens` that spaCy tags VERB


def _joined(words: Sequence[str], offset: int, sentence: int) -> tuple[str, list[Token]]:
    text, tokens = "", []
    for i, word in enumerate(words):
        if i and word not in _NO_SPACE_BEFORE and words[i - 1] not in _NO_SPACE_AFTER:
            text += " "
        written = _QUOTES.get(word, word)
        start = offset + len(text) if offset >= 0 else -1
        tokens.append(Token(sentence, word, start, start + len(written) if start >= 0 else -1))
        text += written
    return text, tokens


def load_articles(folder: Path) -> list[Article]:
    articles = []
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        by_sentence: dict[int, list[str]] = defaultdict(list)
        for token in root.iter("token"):
            by_sentence[int(token.get("sentence", "0"))].append(token.text or "")
        sentences = tuple(tuple(by_sentence.get(i, ())) for i in range(max(by_sentence) + 1))
        dct = next(
            (
                t.get("value", "")
                for t in root.iter("TIMEX3")
                if t.get("functionInDocument") == "CREATION_TIME"
            ),
            "",
        )
        title, tokens = _joined(sentences[0], -1, 0)
        lines: list[str] = []
        for number, words in enumerate(sentences[1:], start=1):
            line, more = _joined(words, sum(len(ln) + 1 for ln in lines), number)
            lines.append(line)
            tokens += more
        url = root.get("src_url") or path.name
        record = {"title": title, "text": "\n".join(lines), "date": dct, "url": url}
        doc_id = root.get("doc_id", path.name.split("_")[0])
        articles.append(Article(doc_id, url, dct, sentences, tokens, record))
    return articles


def tag_verbs(articles: Sequence[Article]) -> None:
    """spaCy's tagger over the corpus tokens: which are verbs (baseline, trigger fallback)."""
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(Settings.from_env().spacy_model, exclude=["parser", "ner", "lemmatizer"])
    docs = [Doc(nlp.vocab, words=[t.text for t in a.tokens]) for a in articles]
    for article, doc in zip(articles, nlp.pipe(docs, batch_size=16), strict=True):
        article.verbs = frozenset(t.i for t in doc if t.pos_ == "VERB")


# --- the product's output as timelines ---------------------------------------------------------


def run_product(articles: Sequence[Article], folder: Path) -> dict[str, list[dict[str, Any]]]:
    """`peninsula build` over the articles as JSON Lines, then `peninsula export`."""
    source = folder / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(a.record, ensure_ascii=False) + "\n" for a in articles), "utf-8"
    )
    db, out = folder / "kb.duckdb", folder / "export"
    for args in (
        ["build", str(source), "--db", str(db)],
        ["export", "--db", str(db), "--out", str(out), "--format", "jsonl"],
    ):
        run = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"peninsula {args[0]} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return {
        name: [json.loads(ln) for ln in (out / f"{name}.jsonl").read_text("utf-8").splitlines()]
        for name in ("documents", "actors", "events")
    }


class Located:
    """A stored document mapped back onto its article: each stored paragraph is found in the
    fed text (line breaks read as spaces, since hard-wrapped lines are joined up)."""

    def __init__(self, article: Article, stored: str) -> None:
        self.article = article
        fed = article.record["text"].replace("\n", " ")
        self.pieces: list[tuple[int, int, int]] = []  # (stored start, stored end, fed start)
        at = cursor = 0
        for paragraph in stored.split("\n\n"):
            found = fed.find(paragraph, cursor)
            if found >= 0:
                self.pieces.append((at, at + len(paragraph), found))
                cursor = found + len(paragraph)
            at += len(paragraph) + 2
        self.body = [i for i, t in enumerate(article.tokens) if t.start >= 0]
        self.starts = [article.tokens[i].start for i in self.body]

    def token(self, offset: int) -> int | None:
        """The index of the token at a stored character offset (None where it does not map)."""
        for start, end, fed_start in self.pieces:
            if start <= offset < end:
                k = bisect.bisect_right(self.starts, fed_start + offset - start) - 1
                return self.body[k] if k >= 0 else None
        return None

    def mention(self, index: int) -> str:
        token = self.article.tokens[index]
        return f"{self.article.doc_id}-{token.sentence}-{token.text}"


def _trigger(item: dict[str, Any], located: Located, how: Counter[str]) -> int | None:
    """The token of an evidence item's trigger (see the module docstring for the order)."""
    offset = item.get("trigger_start")
    if isinstance(offset, int):
        how["trigger_start"] += 1
        return located.token(offset)
    event_id = str(item.get("event_id") or "")
    carried = re.match(rf"{re.escape(str(item.get('document_id')))}:e(\d+):", event_id)
    if carried:
        how["event id"] += 1
        return located.token(int(carried[1]))
    start, end = item.get("char_start"), item.get("char_end")
    first = located.token(start) if isinstance(start, int) else None
    last = located.token(end - 1) if isinstance(end, int) else None
    if first is None or last is None:
        return None
    how["first verb"] += 1
    return next((i for i in range(first, last + 1) if i in located.article.verbs), None)


def _norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def product_timeline(
    entity: str,
    export: dict[str, list[dict[str, Any]]],
    located: dict[str, Located],
    how: Counter[str],
) -> Timeline:
    """The merged events an actor named like the entity takes part in, one line each."""
    key = _norm(entity)
    ids = {
        a["id"]
        for a in export["actors"]
        if key in {_norm(n) for n in [a.get("name"), *(a.get("aliases") or [])]}
    }
    groups: list[tuple[str | None, list[str]]] = []
    for event in export["events"]:
        texts = {_norm(event.get("source_text")), _norm(event.get("target_text"))}
        if not ({event.get("source"), event.get("target")} & ids or key in texts):
            continue
        mentions = []
        for item in event.get("evidence") or []:
            where = located.get(str(item.get("document_id")))
            index = _trigger(item, where, how) if where else None
            how["unmapped"] += index is None
            if where and index is not None:
                mentions.append(where.mention(index))
        precision = event.get("date_precision")
        date = PartialDate.parse(
            event.get("date"), precision if precision in ("day", "month", "year") else None
        )
        groups.append((full_date(date.iso) if date else None, mentions))
    return build_timeline(entity, groups)


def build_timeline(entity: str, groups: Iterable[tuple[str | None, list[str]]]) -> Timeline:
    """One line per group of mentions; dates in calendar order with unknown parts first
    ("2007-XX-XX" before "2007-02-28"), the same order number for the same date; undated groups
    at order 0. A mention already placed is not placed again."""
    groups = sorted(groups, key=lambda g: (g[0] is not None, (g[0] or "").replace("X", "0")))
    orders = {d: n for n, d in enumerate(dict.fromkeys(d for d, _ in groups if d), start=1)}
    seen: set[str] = set()
    lines = []
    for date, mentions in groups:
        fresh = tuple(dict.fromkeys(m for m in mentions if m not in seen))
        seen.update(fresh)
        if fresh:
            lines.append(Line(orders[date] if date else 0, date or UNKNOWN_DATE, fresh))
    return Timeline(entity, tuple(lines))


def baseline_timeline(entity: str, articles: Sequence[Article]) -> Timeline:
    """Every verb of a sentence that writes the entity's name, dated by the creation time."""
    name = entity.casefold().split()
    groups: list[tuple[str | None, list[str]]] = []
    for article in articles:
        date = article.dct if _ISO_DAY.match(article.dct) else None
        for number, words in enumerate(article.sentences):
            lowered = [w.casefold() for w in words]
            if not any(lowered[i : i + len(name)] == name for i in range(len(lowered))):
                continue
            first = sum(len(s) for s in article.sentences[:number])
            groups += [
                (date, [f"{article.doc_id}-{number}-{words[i]}"])
                for i in range(len(words))
                if first + i in article.verbs
            ]
    return build_timeline(entity, groups)


def write_timelines(folder: Path, systems: dict[str, dict[str, Timeline]]) -> None:
    for system, timelines in systems.items():
        (folder / system).mkdir(parents=True, exist_ok=True)
        for name, timeline in timelines.items():
            (folder / system / f"{name}.txt").write_text(write_timeline(timeline), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the system timelines here")
    parser.add_argument("--gold-vs-gold", action="store_true", help="check the scorer: gold=1")
    args = parser.parse_args()
    base = gold_dir(FOLDER)
    started = time.time()
    totals = {"product": Counts(), "baseline": Counts()}
    figures: dict[str, Any] = {}
    n_timelines = 0
    how: Counter[str] = Counter()
    for corpus in CORPORA:
        folder = base / corpus
        gold = load_gold(folder / "TimeLines_Gold_Standard")
        systems = {"product": dict(gold), "baseline": dict(gold)}
        if not args.gold_vs_gold:
            names = (folder / f"list_target_entities_{corpus}.txt").read_text("utf-8").split("\n")
            names = [n.strip() for n in names if n.strip()]
            articles = load_articles(folder / "corpus_trackA_CAT")
            tag_verbs(articles)
            print(
                f"{corpus}: peninsula build and export ({len(articles)} articles)", file=sys.stderr
            )
            with tempfile.TemporaryDirectory(prefix="peninsula-semeval-") as tmp:
                export = run_product(articles, Path(tmp))
            by_url = {a.url: a for a in articles}
            located = {
                d["id"]: Located(by_url[d["path"]], d["text"])
                for d in export["documents"]
                if d.get("path") in by_url
            }
            print(f"  {len(located)} of {len(articles)} documents mapped back", file=sys.stderr)
            systems["product"] = {slug(n): product_timeline(n, export, located, how) for n in names}
            systems["baseline"] = {slug(n): baseline_timeline(n, articles) for n in names}
            if args.out:
                write_timelines(args.out / corpus, systems)
        for system, timelines in systems.items():
            counts, events, scored = evaluate(gold, timelines, f"{corpus} {system}")
            totals[system].add(counts)
            label = corpus if system == "product" else f"baseline_{corpus}"
            figures[label] = counts.figures() | {"n_timelines": scored}
            print(
                f"{corpus} {system}: {counts}; mentions (matched, system, gold) {events}",
                file=sys.stderr,
            )
        n_timelines += figures[corpus]["n_timelines"]
    print(f"trigger offsets from: {dict(how)}", file=sys.stderr)
    emit(
        totals["product"].figures()
        | {"n_timelines": n_timelines, "best_published_f1": BEST_PUBLISHED_F1}
        | {"baseline": totals["baseline"].figures()}
        | figures
        | {"seconds": round(time.time() - started)}
    )


if __name__ == "__main__":
    main()
