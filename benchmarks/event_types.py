"""The event-type model alone: PLOVER held-out part and the training sentences' dev split.

Scores `peninsula.nlp.event_types.EventTypeModel` with the shipped weights
(`data/event_types.json`, or `data/event_types_lexical.json` with `--lexical`) on

- the *held-out* part of the PLOVER gold set (`plover_gsr/PLOVER_GSR_CAMEO.json`, read in place;
  the ids in `data/training/plover_gsr_heldout.json`, a stratified half chosen by a hash of the
  record id, see `heldout_ids`; the model never saw these sentences): category accuracy and
  macro-F1 in the gold's PLOVER 0.5 vocabulary (`gold_vocabulary`) and in PLOVER 0.8 names;
- the `dev` split of `data/training/events.jsonl`: category accuracy and macro-F1 (NONE counts
  as a category), modality accuracy over its events, CAMEO code accuracy over its coded events.

The gold set codes intent as CAMEO does (an intent to cooperate is AGREE, to coerce THREATEN, a
refusal REJECT) while the model follows the project's conventions (a planned deed keeps its
category and is pledged), so the model's (category, modality, code) is translated before it is
compared: pledged cooperation -> AGREE, pledged sanction/mobilisation/coercion/assault ->
THREATEN, negated cooperation -> REJECT, REQUEST -> DEMAND, ACCUSE -> INVESTIGATE for CAMEO 09
else DISAPPROVE, ASSAULT -> FIGHT for CAMEO 19 and 20 (and 192), as `plover.py` does for the
product. A NONE answer is a miss.

`--product` also runs the product's event coder (`find_events` with the model wired in as
`nlp.events` does, over embeddings unless `--lexical`; the main event per sentence as `plover.py`
picks it) on the same held-out and dev sentences, and the patterns alone for comparison.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/event_types.py [--lexical] [--product]

Last stdout line: {"plover_heldout": {...}, "training_dev": {...}, "ms_per_sentence": ...,
"product": {...} with --product}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the embedder is bundled: never reach the network

import numpy as np

from common import REPO, emit, gold_dir, skip
from peninsula.knowledge import data_path
from peninsula.knowledge.models import load_event_type_weights
from peninsula.nlp.event_types import EventTypeModel, EventTypePrediction

TRAINING = data_path("training/events.jsonl")
HELDOUT = data_path("training/plover_gsr_heldout.json")
GOLD_FILE = "PLOVER_GSR_CAMEO.json"
# PLOVER 0.5 names of the gold set -> the PLOVER 0.8 categories the model predicts.
TO_PLOVER08 = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
# PLOVER's cooperative categories (verbal and material cooperation quads) and the conflictual
# deeds whose announced intent CAMEO codes as a threat (13).
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
COERCIVE = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
EMBEDDER = "all-MiniLM-L6-v2"


def plover_records() -> list[dict[str, Any]]:
    """The 322 event records of the PLOVER gold set (the DOCUMENT header skipped)."""
    path = gold_dir("plover_gsr") / GOLD_FILE
    return [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]


def heldout_ids(records: Iterable[dict[str, Any]]) -> list[str]:
    """The held-out half: per gold event type, the records sorted by sha256 of their id, every
    other one from the first (so an odd-sized type gives the extra record to the held-out part)."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_type[record["event"]].append(record["id"])
    held = []
    for ids in by_type.values():
        ids.sort(key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
        held += ids[0::2]
    return sorted(held)


def read_heldout() -> set[str]:
    return set(json.loads(HELDOUT.read_text(encoding="utf-8"))["held_out"])


def training_sentences(split: str) -> list[dict[str, Any]]:
    with TRAINING.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [r for r in rows if r["split"] == split]


def gold_vocabulary(category: str, modality: str | None, code: str | None) -> str:
    """A prediction in the PLOVER 0.5 names of the gold set, with CAMEO's reading of intent."""
    if modality == "pledged" and category in COOPERATIVE:
        return "AGREE"
    if modality == "pledged" and category in COERCIVE:
        return "THREATEN"
    if modality == "negated" and category in COOPERATIVE:
        return "REJECT"
    root = (code or "")[:2]
    if category == "REQUEST":
        return "DEMAND"
    if category == "ACCUSE":
        return "INVESTIGATE" if root == "09" else "DISAPPROVE"
    if (category == "ASSAULT" and root in ("19", "20")) or code == "192":
        return "FIGHT"
    return category


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the gold labels (a label never in the gold adds no term)."""
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return round(sum(scores) / len(scores), 4)


def plover_figures(
    records: Sequence[dict[str, Any]], predictions: Sequence[EventTypePrediction]
) -> dict[str, Any]:
    gold = [r["event"] for r in records]
    ours = [gold_vocabulary(p.category, p.modality, p.best_cameo) for p in predictions]
    gold08 = [TO_PLOVER08.get(g, g) for g in gold]
    ours08 = [p.category for p in predictions]
    return {
        "accuracy": accuracy(gold, ours),
        "macro_f1": macro_f1(gold, ours),
        "accuracy_plover08": accuracy(gold08, ours08),
        "macro_f1_plover08": macro_f1(gold08, ours08),
        "n": len(gold),
    }


def dev_figures(
    rows: Sequence[dict[str, Any]], predictions: Sequence[EventTypePrediction]
) -> dict[str, Any]:
    gold = [r["event"] for r in rows]
    ours = [p.category for p in predictions]
    events = [(r, p) for r, p in zip(rows, predictions, strict=True) if r["event"] != "NONE"]
    coded = [(r, p) for r, p in events if r["cameo"]]
    emitted = [(r, p) for r, p in coded if p.cameo]
    has_codes = any(p.best_cameo for p in predictions)
    return {
        "category_accuracy": accuracy(gold, ours),
        "category_macro_f1": macro_f1(gold, ours),
        "modality_accuracy": accuracy(
            [r["modality"] for r, _ in events], [p.modality for _, p in events]
        ),
        # over the coded events: the best code (within the predicted category), and the codes
        # given (sure enough): their share and precision; None for a model without a code head
        "cameo_accuracy": accuracy(
            [r["cameo"] for r, _ in coded], [p.best_cameo or "" for _, p in coded]
        )
        if has_codes
        else None,
        "cameo_given": round(len(emitted) / len(coded), 4) if has_codes else None,
        "cameo_given_precision": accuracy(
            [r["cameo"] for r, _ in emitted], [p.cameo or "" for _, p in emitted]
        )
        if emitted
        else None,
        "n": len(gold),
        "n_events": len(events),
    }


def embedder() -> Callable[[Sequence[str]], Any] | None:
    from peninsula.nlp.events_embed import load_model

    model = load_model()
    if model is None:
        return None

    def encode(texts: Sequence[str]) -> Any:
        return model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    return encode


def product_events(texts: Sequence[str], *, model: bool, embeddings: bool) -> list[Any]:
    """The product's event coder on each text: its main event (`plover.py`), or None. Without
    `model`, the patterns alone (the knowledge's event-type model removed)."""
    import tempfile
    from dataclasses import replace

    from peninsula.knowledge import EventTypeModels, default_knowledge, load_knowledge
    from peninsula.nlp import load_pipeline
    from peninsula.nlp.actors import find_actors
    from peninsula.nlp.events import find_events
    from plover import MODEL, main_event, world_actor_file

    with tempfile.TemporaryDirectory() as folder:
        knowledge = load_knowledge((world_actor_file(Path(folder), default_knowledge()),))
    if not model:
        knowledge = replace(knowledge, event_types=EventTypeModels())
    nlp = load_pipeline(MODEL)
    found = []
    for index, doc in enumerate(nlp.pipe(texts)):
        mentions = find_actors(doc, f"s{index}", None, knowledge).mentions
        events = find_events(doc, f"s{index}", mentions, knowledge, None, embeddings=embeddings)
        found.append(main_event(doc, events))
    return found


def product_figures(
    records: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], *, embeddings: bool
) -> dict[str, Any]:
    """The product's event coder (`find_events`, main event per sentence as `plover.py` picks
    it) with the event-type model wired in, and with the patterns alone, on the same sentences.
    A sentence without an event is NONE; modality is scored over the dev events."""
    from plover import gsr_type

    figures: dict[str, Any] = {}
    texts = [r["text"] for r in records] + [r["text"] for r in rows]
    with_event = [i for i, r in enumerate(rows) if r["event"] != "NONE"]
    for name, model in (("with_model", True), ("patterns_only", False)):
        started = time.perf_counter()
        events = product_events(texts, model=model, embeddings=embeddings)
        held, dev = events[: len(records)], events[len(records) :]
        labels = {
            "held": [gsr_type(e) if e else "NONE" for e in held],
            "held08": [(e.category or "NONE") if e else "NONE" for e in held],
            "dev": [(e.category or "NONE") if e else "NONE" for e in dev],
            "modality": [dev[i].modality if dev[i] else "" for i in with_event],
        }
        figures[name] = scores(records, rows, labels)
        figures[name]["training_dev"]["event_found"] = round(
            sum(dev[i] is not None for i in with_event) / len(with_event), 4
        )
        figures[name]["seconds"] = round(time.perf_counter() - started, 1)
    figures["embeddings"] = embeddings
    return figures


def scores(
    records: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], labels: dict[str, list[str]]
) -> dict[str, Any]:
    gold = [r["event"] for r in records]
    gold08 = [TO_PLOVER08.get(g, g) for g in gold]
    dev_gold = [r["event"] for r in rows]
    dev_modality = [r["modality"] for r in rows if r["event"] != "NONE"]
    return {
        "plover_heldout": {
            "accuracy": accuracy(gold, labels["held"]),
            "macro_f1": macro_f1(gold, labels["held"]),
            "accuracy_plover08": accuracy(gold08, labels["held08"]),
            "macro_f1_plover08": macro_f1(gold08, labels["held08"]),
        },
        "training_dev": {
            "category_accuracy": accuracy(dev_gold, labels["dev"]),
            "category_macro_f1": macro_f1(dev_gold, labels["dev"]),
            "modality_accuracy": accuracy(dev_modality, labels["modality"]),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lexical", action="store_true", help="the words-only model")
    parser.add_argument("--product", action="store_true", help="also the product's patterns")
    parser.add_argument("--model", type=Path, help="another model file to score")
    args = parser.parse_args()
    name = "event_types_lexical.json" if args.lexical else "event_types.json"
    weights = load_event_type_weights(args.model or data_path(name))
    encode = embedder() if weights.embedder else None
    if weights.embedder and encode is None:
        skip("the embeddings extra is not installed (or score the words-only model: --lexical)")
    model = EventTypeModel(weights)
    held = read_heldout()
    records = [r for r in plover_records() if r["id"] in held]
    rows = training_sentences("dev")
    texts = [r["text"] for r in records] + [r["text"] for r in rows]
    started = time.perf_counter()
    vectors = np.asarray(encode(texts)) if encode else None
    embedding_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predictions = model.predict(texts, vectors)
    seconds = time.perf_counter() - started
    figures: dict[str, Any] = {
        "model": str((args.model or data_path(name)).relative_to(REPO))
        if (args.model or data_path(name)).is_relative_to(REPO)
        else str(args.model),
        "plover_heldout": plover_figures(records, predictions[: len(records)]),
        "training_dev": dev_figures(rows, predictions[len(records) :]),
        "ms_per_sentence": round(1000 * seconds / len(texts), 3),
        "embedding_ms_per_sentence": round(1000 * embedding_seconds / len(texts), 2)
        if encode
        else None,
    }
    if args.product:
        figures["product"] = product_figures(records, rows, embeddings=encode is not None)
    print(f"{len(texts)} sentences", file=sys.stderr)
    emit(figures)


if __name__ == "__main__":
    main()
