"""Train the event-type model (`src/peninsula/data/event_types.json` and `_lexical.json`).

Data (read in place, never copied):
  (a) the PLOVER gold set, `../shared/benchmarks/plover_gsr/PLOVER_GSR_CAMEO.json` (CC BY-SA 4.0):
      its *training* half only (`benchmarks/event_types.py:heldout_ids`: per event type, every
      other record by sha256 of the id; the other half's ids are written to
      `data/training/plover_gsr_heldout.json` and only scored). Its PLOVER 0.5 names become 0.8
      categories (DEMAND -> REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT); it
      trains the category head only (it has no modality and no CAMEO code).
  (b) `data/training/events.jsonl`, the project's training sentences: `train` split to train,
      `dev` split to choose.

Model: features are the all-MiniLM-L6-v2 sentence embedding (L2-normalised) next to a TF-IDF bag
of words and word pairs (`peninsula.nlp.event_types.analyze`, sublinear tf, terms in >= 2
training texts) times a scale; three multinomial logistic regressions (scikit-learn, lbfgs,
balanced class weights): the PLOVER category (NONE included), the modality (over (b)'s events),
and the CAMEO code (over (b)'s coded events, embedding only; the code is read within the
predicted category and given when P(category) x its share there reaches a floor). `--lexical`
trains the words-only fallback (no code head).

Choices, on (b)'s dev split unless said: the category head's C and word scale by dev macro-F1;
the weight of (a)'s sentences by 4-fold cross-validation inside (a)'s training half (PLOVER 0.8
accuracy); the modality head's C by dev accuracy over events; the code head's C by dev code
accuracy within the gold category; the written model's code floor as the lowest at which its
dev codes are right (category and code) CODE_PRECISION of the time. `--chosen '{...}'` skips the
grids and uses the settings given (a model card's "chosen"); the floor is chosen again.
Deterministic (lbfgs; fixed folds, seed 0).

Prints the grid, the figures of the written model on (b) dev and the PLOVER held-out half
(as `benchmarks/event_types.py` scores them), and each source's contribution (trained on (a)
only, (b) only, both). The last stdout line is one JSON object.

    HF_HUB_OFFLINE=1 PYTHONPATH=src .venv/bin/python tools/train_event_types.py \
        [--lexical] [--cache DIR] [--out FILE] [--chosen JSON]

`--cache DIR` keeps the sentence embeddings between runs (an .npz keyed by text hash).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the embedder is bundled: never reach the network

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import event_types as bench  # noqa: E402  (benchmarks/event_types.py: split and scoring)
from common import emit, gold_dir, skip  # noqa: E402
from peninsula.knowledge.models import (  # noqa: E402
    ANALYZER,
    FORMAT,
    MODALITIES,
    parse_event_type_weights,
)
from peninsula.nlp.event_types import EventTypeModel, analyze  # noqa: E402

DATA = REPO / "src" / "peninsula" / "data"
SEED = 0
MIN_DF = 2
STEP = 0.001  # weights are stored as integers times this
CATEGORY_C = (0.5, 1.0, 2.0, 4.0, 8.0)
WORD_SCALES = (1.0, 2.0, 4.0)
PLOVER_WEIGHTS = (1.0, 2.0, 4.0)
MODALITY_C = (1.0, 4.0, 16.0)
CODE_C = (4.0, 16.0, 64.0)
CODE_PRECISION = 0.8
TEMPERATURES = tuple(round(0.1 * k, 1) for k in range(2, 21))
FOLDS = 4


@dataclass
class Item:
    text: str
    category: str
    modality: str | None  # None: not annotated (PLOVER gold)
    cameo: str
    plover: bool  # from the PLOVER gold set (a)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexical", action="store_true", help="words only, no embedder")
    parser.add_argument("--cache", type=Path, help="folder to keep sentence embeddings in")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--chosen", help="JSON settings to use instead of choosing them")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        from sklearn import __version__ as sklearn_version
    except ImportError:
        skip("scikit-learn is needed to train the event-type model")
    out: Path = args.out or DATA / (
        "event_types_lexical.json" if args.lexical else "event_types.json"
    )

    rows = [json.loads(line) for line in bench.TRAINING.open(encoding="utf-8") if line.strip()]
    records = bench.plover_records()
    held = set(bench.heldout_ids(records))
    write_heldout(sorted(held), records)
    b_train = [_item(r) for r in rows if r["split"] == "train"]
    b_dev = [_item(r) for r in rows if r["split"] == "dev"]
    a_train = [_plover_item(r) for r in records if r["id"] not in held]
    a_held = [r for r in records if r["id"] in held]
    log(
        f"(a) PLOVER: {len(a_train)} training, {len(a_held)} held out; "
        f"(b) training sentences: {len(b_train)} train, {len(b_dev)} dev"
    )

    vectors = None
    if not args.lexical:
        vectors = Embeddings(args.cache)
        vectors.add([i.text for i in b_train + b_dev + a_train] + [r["text"] for r in a_held])
    trainer = Trainer(vectors)

    dev_rows = [r for r in rows if r["split"] == "dev"]
    if args.chosen:
        chosen, selection = {**json.loads(args.chosen), "cameo_min_probability": 1.0}, {}
        if args.lexical:
            chosen["cameo_C"] = None
    else:
        chosen, selection = select(trainer, b_train, b_dev, a_train, lexical=args.lexical)
    written = trainer.model_json(b_train, a_train, chosen)
    chosen.update(finish(written, vectors, dev_rows))
    log(f"temperatures {chosen['temperature']}, code floor {chosen['cameo_min_probability']}")
    weights = parse_event_type_weights(written, out)
    model = EventTypeModel(weights)
    figures = evaluate(model, vectors, dev_rows, a_held)
    contributions = {
        "plover_only": trainer.contribution([], a_train, chosen, dev_rows, a_held),
        "training_sentences_only": trainer.contribution(b_train, [], chosen, dev_rows, a_held),
        "both": figures,
    }
    command = "HF_HUB_OFFLINE=1 PYTHONPATH=src .venv/bin/python " + shlex.join(sys.argv)
    written["card"] = {
        "model": "words only (TF-IDF), no code head"
        if args.lexical
        else f"{bench.EMBEDDER} sentence embedding + TF-IDF words and word pairs",
        "trained_on": {
            "plover_gsr": f"PLOVER_GSR_CAMEO.json training half ({len(a_train)} sentences; the "
            f"held-out {len(a_held)} ids in data/training/plover_gsr_heldout.json), category "
            "head only, PLOVER 0.5 names mapped to 0.8",
            "training_sentences": f"data/training/events.jsonl split=train ({len(b_train)} "
            f"sentences); choices on split=dev ({len(b_dev)})",
        },
        "data_sha256": {
            "events.jsonl": sha256(bench.TRAINING),
            "PLOVER_GSR_CAMEO.json": sha256(gold_dir("plover_gsr") / bench.GOLD_FILE),
            "plover_gsr_heldout.json": sha256(bench.HELDOUT),
        },
        "learner": f"scikit-learn {sklearn_version} LogisticRegression(lbfgs, "
        "class_weight='balanced'), one per head",
        "chosen": chosen,
        "selection": selection or "settings given with --chosen",
        "figures": figures,
        "contributions": contributions,
        "seed": SEED,
        "date": date.today().isoformat(),
        "command": command,
    }
    out.write_text(json.dumps(written, separators=(",", ":")) + "\n", encoding="utf-8")
    log(json.dumps(written["card"], indent=1))
    seconds = round(time.perf_counter() - started, 1)
    emit({"out": str(out), "bytes": out.stat().st_size, "seconds": seconds, **written["card"]})


def select(
    trainer: Trainer,
    b_train: Sequence[Item],
    b_dev: Sequence[Item],
    a_train: Sequence[Item],
    *,
    lexical: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settings chosen (see the module's doc) and the figures they were chosen by."""
    # Category head: C and word scale on (b) dev, then the weight of (a) by CV inside (a).
    grid: dict[str, float] = {}
    for c in CATEGORY_C:
        for scale in WORD_SCALES:
            fitted = trainer.category(b_train + a_train, c, scale, 1.0)
            grid[f"C={c} scale={scale}"] = bench.macro_f1(
                [i.category for i in b_dev], fitted.predict([i.text for i in b_dev])
            )
            log(f"category C={c} scale={scale}: dev macro-F1 {grid[f'C={c} scale={scale}']}")
    best = max(grid, key=lambda k: grid[k])  # the first best in grid order
    c_category = float(best.split()[0][2:])
    scale = float(best.split()[1][6:])
    cv: dict[str, float] = {}
    for weight in PLOVER_WEIGHTS:
        cv[str(weight)] = trainer.cross_validate(b_train, a_train, c_category, scale, weight)
        log(f"PLOVER weight {weight}: (a) {FOLDS}-fold accuracy {cv[str(weight)]}")
    plover_weight = float(max(cv, key=lambda k: cv[k]))

    # Modality head and CAMEO code head: on (b) only.
    b_events = [i for i in b_train if i.category != "NONE"]
    dev_events = [i for i in b_dev if i.category != "NONE"]
    modality_grid = {}
    for c in MODALITY_C:
        fitted = trainer.head(b_events, [i.modality or "" for i in b_events], c, scale)
        modality_grid[str(c)] = bench.accuracy(
            [i.modality or "" for i in dev_events], fitted.predict([i.text for i in dev_events])
        )
        log(f"modality C={c}: dev accuracy {modality_grid[str(c)]}")
    c_modality = float(max(modality_grid, key=lambda k: modality_grid[k]))
    code_grid: dict[str, float] = {}
    c_code = None
    if not lexical:
        coded = [i for i in b_train if i.cameo]
        dev_coded = [i for i in b_dev if i.cameo]
        category_of = {i.cameo: i.category for i in coded}
        for c in CODE_C:
            fitted = trainer.head(coded, [i.cameo for i in coded], c, scale, words=False)
            picks = fitted.within(dev_coded, category_of)
            code_grid[str(c)] = bench.accuracy([i.cameo for i in dev_coded], picks)
            log(f"cameo C={c}: dev code accuracy within the gold category {code_grid[str(c)]}")
        c_code = float(max(code_grid, key=lambda k: code_grid[k]))

    chosen = {
        "category_C": c_category,
        "word_scale": scale,
        "plover_weight": plover_weight,
        "modality_C": c_modality,
        "cameo_C": c_code,
        "cameo_min_probability": 1.0,  # chosen on the written model
    }
    selection = {
        "category_dev_macro_f1": grid,
        "plover_weight_cv_accuracy": cv,
        "modality_dev_accuracy": modality_grid,
        "cameo_dev_accuracy": code_grid,
    }
    return chosen, selection


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _item(row: dict[str, Any]) -> Item:
    return Item(row["text"], row["event"], row["modality"], row["cameo"], False)


def _plover_item(r: dict[str, Any]) -> Item:
    return Item(r["text"], bench.TO_PLOVER08.get(r["event"], r["event"]), None, "", True)


def write_heldout(ids: list[str], records: Sequence[dict[str, Any]]) -> None:
    content = {
        "about": "Held-out half of the PLOVER gold set (plover_gsr/PLOVER_GSR_CAMEO.json): ids "
        "only. Per gold event type, records sorted by sha256 of their id, every other one from "
        "the first (benchmarks/event_types.py:heldout_ids). The event-type model never trains "
        "on them; written by tools/train_event_types.py.",
        "gold_sha256": sha256(gold_dir("plover_gsr") / bench.GOLD_FILE),
        "records": len(records),
        "held_out": ids,
    }
    bench.HELDOUT.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")


class Embeddings:
    """Sentence embeddings by text, computed once (and kept in `cache` when given)."""

    def __init__(self, cache: Path | None) -> None:
        self.file = cache / "event_types_embeddings.npz" if cache else None
        self.vectors: dict[str, Any] = {}
        if self.file and self.file.exists():
            stored = np.load(self.file)
            self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def add(self, texts: Sequence[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if self.key(t) not in self.vectors))
        if not missing:
            return
        encode = bench.embedder()
        if encode is None:
            skip("the embeddings extra is not installed (or train the fallback with --lexical)")
        log(f"embedding {len(missing)} sentences")
        for text, vector in zip(missing, encode(missing), strict=True):
            self.vectors[self.key(text)] = vector
        if self.file:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            np.savez(
                self.file,
                keys=np.array(list(self.vectors)),
                vectors=np.stack(list(self.vectors.values())),
            )

    def matrix(self, texts: Sequence[str]) -> Any:
        return np.stack([self.vectors[self.key(t)] for t in texts]).astype(np.float64)


class Fitted:
    """One trained head with the features it was trained on."""

    def __init__(
        self, trainer: Trainer, classifier: Any, vectorizer: Any, scale: float, words: bool
    ) -> None:
        self.trainer, self.classifier, self.vectorizer = trainer, classifier, vectorizer
        self.scale, self.words = scale, words

    def features(self, texts: Sequence[str]) -> Any:
        return self.trainer.features(texts, self.vectorizer, self.scale, words=self.words)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(label) for label in self.classifier.predict(self.features(texts))]

    def within(self, items: Sequence[Item], category_of: dict[str, str]) -> list[str]:
        """Per item, the likeliest code of its gold category."""
        probabilities = self.classifier.predict_proba(self.features([i.text for i in items]))
        classes = [str(c) for c in self.classifier.classes_]
        picks = []
        for item, row in zip(items, probabilities, strict=True):
            mask = np.array([category_of[c] == item.category for c in classes])
            picks.append(classes[int(np.where(mask, row, -1.0).argmax())] if mask.any() else "")
        return picks


class Trainer:
    def __init__(self, vectors: Embeddings | None) -> None:
        self.vectors = vectors

    def vectorizer(self, texts: Sequence[str]) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer=analyze, min_df=MIN_DF, sublinear_tf=True).fit(texts)

    def features(
        self, texts: Sequence[str], vectorizer: Any, scale: float, *, words: bool = True
    ) -> Any:
        blocks = []
        if self.vectors is not None:
            blocks.append(sp.csr_matrix(self.vectors.matrix(texts)))
        if words or self.vectors is None:
            blocks.append(vectorizer.transform(texts) * scale)
        return sp.hstack(blocks).tocsr()

    def head(
        self,
        items: Sequence[Item],
        labels: Sequence[str],
        c: float,
        scale: float,
        *,
        vocabulary_from: Sequence[Item] | None = None,
        sample_weight: Any = None,
        words: bool = True,
    ) -> Fitted:
        from sklearn.linear_model import LogisticRegression

        vectorizer = self.vectorizer([i.text for i in vocabulary_from or items])
        classifier = LogisticRegression(
            C=c, max_iter=5000, class_weight="balanced", random_state=SEED
        )
        features = self.features([i.text for i in items], vectorizer, scale, words=words)
        classifier.fit(features, list(labels), sample_weight=sample_weight)
        return Fitted(self, classifier, vectorizer, scale, words)

    def category(self, items: Sequence[Item], c: float, scale: float, weight: float) -> Fitted:
        sample_weight = np.array([weight if i.plover else 1.0 for i in items])
        return self.head(items, [i.category for i in items], c, scale, sample_weight=sample_weight)

    def cross_validate(
        self,
        b_train: Sequence[Item],
        a_train: Sequence[Item],
        c: float,
        scale: float,
        weight: float,
    ) -> float:
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
        labels = [i.category for i in a_train]
        correct = 0
        with warnings.catch_warnings():  # a type with fewer records than folds is fine here
            warnings.simplefilter("ignore", UserWarning)
            splits = list(folds.split(np.zeros(len(a_train)), labels))
        for train, test in splits:
            fitted = self.category([*b_train, *(a_train[k] for k in train)], c, scale, weight)
            predicted = fitted.predict([a_train[k].text for k in test])
            correct += sum(p == labels[k] for p, k in zip(predicted, test, strict=True))
        return round(correct / len(a_train), 4)

    def model_json(
        self, b_train: Sequence[Item], a_train: Sequence[Item], chosen: dict[str, Any]
    ) -> dict[str, Any]:
        """The JSON of the model trained on `b_train` + `a_train` with the `chosen` settings."""
        items = [*b_train, *a_train]
        scale = chosen["word_scale"]
        category = self.category(items, chosen["category_C"], scale, chosen["plover_weight"])
        vectorizer = category.vectorizer
        events = [i for i in b_train if i.category != "NONE"]
        modality = (
            self.head(
                events,
                [i.modality or "" for i in events],
                chosen["modality_C"],
                scale,
                vocabulary_from=items,
            )
            if events
            else None
        )
        cameo = None
        coded = [i for i in b_train if i.cameo]
        if chosen["cameo_C"] is not None and coded:
            cameo = self.head(
                coded,
                [i.cameo for i in coded],
                chosen["cameo_C"],
                scale,
                vocabulary_from=items,
                words=False,
            )
        terms = sorted(vectorizer.vocabulary_, key=lambda t: vectorizer.vocabulary_[t])
        heads: dict[str, Any] = {
            "category": with_none(self.head_json(category)),
            "modality": self.head_json(modality) if modality else uniform_modality(len(terms)),
            "cameo": None,
        }
        if cameo is not None:
            heads["cameo"] = self.head_json(cameo)
            heads["cameo"]["category_of"] = {i.cameo: i.category for i in coded}
            heads["cameo"]["min_probability"] = chosen["cameo_min_probability"]
        dim = 0 if self.vectors is None else len(next(iter(self.vectors.vectors.values())))
        return {
            "format": FORMAT,
            "card": {},
            "embedder": {"name": bench.EMBEDDER, "dim": dim} if dim else None,
            "lexical": {
                "analyzer": ANALYZER,
                "vocabulary": terms,
                "idf": [round(float(v), 6) for v in vectorizer.idf_],
                "scale": scale,
            },
            "heads": heads,
        }

    def head_json(self, fitted: Fitted) -> dict[str, Any]:
        coef = np.asarray(fitted.classifier.coef_)
        dim = 0 if self.vectors is None else len(next(iter(self.vectors.vectors.values())))
        blocks = {
            "embedding": coef[:, :dim] if dim else None,
            "lexical": coef[:, dim:] if fitted.words or not dim else None,
        }
        return {
            "classes": [str(c) for c in fitted.classifier.classes_],
            "intercept": [round(float(v), 6) for v in fitted.classifier.intercept_],
            "step": STEP,
            **{
                name: None if block is None else np.rint(block / STEP).astype(int).tolist()
                for name, block in blocks.items()
            },
        }

    def contribution(
        self,
        b_train: Sequence[Item],
        a_train: Sequence[Item],
        chosen: dict[str, Any],
        dev_rows: Sequence[dict[str, Any]],
        a_held: Sequence[dict[str, Any]],
    ) -> dict[str, Any]:
        """Figures of the model trained on only one source (the other heads as they can be)."""
        written = self.model_json(b_train, a_train, chosen)
        finish(written, self.vectors, dev_rows)
        model = EventTypeModel(parse_event_type_weights(written, Path("<contribution>")))
        figures = evaluate(model, self.vectors, dev_rows, a_held)
        if not b_train:  # no modality or code was learned: say so instead of scoring chance
            figures["training_dev"]["modality_accuracy"] = None
            figures["training_dev"]["cameo_accuracy"] = None
        return figures


def with_none(head: dict[str, Any]) -> dict[str, Any]:
    """The category head with a NONE class that never wins when its data had no non-event."""
    if "NONE" not in head["classes"]:
        head["classes"].append("NONE")
        head["intercept"].append(-50.0)
        for block in ("embedding", "lexical"):
            if head[block] is not None:
                head[block].append([0] * len(head[block][0]))
    return head


def uniform_modality(terms: int) -> dict[str, Any]:
    """A modality head that knows nothing (for a model trained without modality labels)."""
    return {
        "classes": list(MODALITIES),
        "intercept": [0.0] * len(MODALITIES),
        "step": STEP,
        "embedding": None,
        "lexical": [[0] * terms for _ in MODALITIES],
    }


def finish(
    written: dict[str, Any], vectors: Embeddings | None, dev_rows: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Calibrate the written model's heads and set its code floor, both on the dev split."""
    temperature = calibrate(written, vectors, dev_rows)
    floor = 1.0
    if written["heads"]["cameo"] is not None:
        floor = written["heads"]["cameo"]["min_probability"] = code_floor(
            written, vectors, dev_rows
        )
    return {"temperature": temperature, "cameo_min_probability": floor}


def calibrate(
    written: dict[str, Any], vectors: Embeddings | None, dev_rows: Sequence[dict[str, Any]]
) -> dict[str, float]:
    """Temperature scaling (Guo et al. 2017) of the category and modality heads on the dev
    split: the T in TEMPERATURES of least log loss; the head's weights are divided by it."""
    model = EventTypeModel(parse_event_type_weights(written, Path("<calibration>")))
    texts = [r["text"] for r in dev_rows]
    predictions = model.predict(texts, vectors.matrix(texts) if vectors else None)
    events = [i for i, r in enumerate(dev_rows) if r["event"] != "NONE"]
    chosen = {}
    for name, rows, gold, read in (
        ("category", range(len(dev_rows)), "event", lambda p: p.categories),
        ("modality", events, "modality", lambda p: p.modalities),
    ):
        head = written["heads"][name]
        logs = np.log([[read(predictions[i])[c] for c in head["classes"]] for i in rows])
        truth = np.array([head["classes"].index(dev_rows[i][gold]) for i in rows])

        def loss(t: float, logs: Any = logs, truth: Any = truth) -> float:
            scaled = logs / t
            scaled -= scaled.max(axis=1, keepdims=True)
            norm = np.log(np.exp(scaled).sum(axis=1))
            return float((norm - scaled[np.arange(len(truth)), truth]).mean())

        chosen[name] = min(TEMPERATURES, key=loss)
        head["step"] /= chosen[name]
        head["intercept"] = [v / chosen[name] for v in head["intercept"]]
    return chosen


def code_floor(
    written: dict[str, Any], vectors: Embeddings | None, dev_rows: Sequence[dict[str, Any]]
) -> float:
    """The lowest floor on `cameo_probability` at which the codes the model gives to the dev
    sentences with a gold code are right (category and code) at least CODE_PRECISION of the time."""
    model = EventTypeModel(parse_event_type_weights(written, Path("<floor>")))
    coded = [r for r in dev_rows if r["cameo"]]
    texts = [r["text"] for r in coded]
    predictions = model.predict(texts, vectors.matrix(texts) if vectors else None)
    for floor in [round(0.05 * k, 2) for k in range(20)]:
        given = [
            (p.best_cameo, r["cameo"])
            for p, r in zip(predictions, coded, strict=True)
            if p.best_cameo and p.cameo_probability >= floor
        ]
        if given and sum(p == g for p, g in given) / len(given) >= CODE_PRECISION:
            return floor
    return 0.95


def evaluate(
    model: EventTypeModel,
    vectors: Embeddings | None,
    dev_rows: Sequence[dict[str, Any]],
    a_held: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The model's figures, as `benchmarks/event_types.py` computes them."""
    texts = [r["text"] for r in a_held] + [r["text"] for r in dev_rows]
    predictions = model.predict(texts, vectors.matrix(texts) if vectors is not None else None)
    return {
        "training_dev": bench.dev_figures(dev_rows, predictions[len(a_held) :]),
        "plover_heldout": bench.plover_figures(a_held, predictions[: len(a_held)]),
    }


if __name__ == "__main__":
    main()
