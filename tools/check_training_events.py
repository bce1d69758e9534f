#!/usr/bin/env python3
"""Check the training sentences for event typing and modality.

Usage (from the project root):
    python3 tools/check_training_events.py [--file PATH] [--quiet]

Checks every line of src/peninsula/data/training/events.jsonl: JSON fields present and
typed, `event`/`mode`/`modality`/`hard`/`split` in their vocabularies (categories and modes
read from src/peninsula/data/cameo.csv), `cameo` known and mapped to `event`, every span an
exact substring of `text`, ids unique, the split given by the id rule, no duplicate or
near-duplicate texts. Prints counts per category x modality x split and per hard tag.
Exit 1 on any error. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "peninsula" / "data"
DEFAULT_FILE = DATA / "training" / "events.jsonl"
CAMEO_FILE = DATA / "cameo.csv"

MODALITIES = ("actual", "pledged", "hypothetical", "negated")
SPLITS = ("train", "dev")
HARD_TAGS = (
    "said-not-done",
    "plan",
    "denial",
    "claim-about-other",
    "conditional",
    "negated",
    "question",
    "background",
    "carrier",
    "metonymy",
    "passive",
    "nominal",
    "multi-party",
    "commemoration",
    "non-event",
)
# Coding convention of korea_news_dev: signing an agreement is AGREE with CAMEO 057, which the
# CAMEO->PLOVER map files under SUPPORT. These (event, cameo) pairs are accepted as well.
EXTRA_PAIRS = {("AGREE", "057")}
SPANS = ("source", "target", "trigger", "date_text")
NULLABLE = {"source", "target", "source_actor", "target_actor", "trigger", "date_text"}
REQUIRED = (
    "id",
    "text",
    "event",
    "mode",
    "cameo",
    "modality",
    "source",
    "target",
    "source_actor",
    "target_actor",
    "trigger",
    "date_text",
    "hard",
    "split",
)
OPTIONAL = ("tense_note",)
ID_RE = re.compile(r"^t(\d{4,})$")
ACTOR_RE = re.compile(r"^([A-Z]{3}|UN|IAEA|NATO|EU|[A-Z][\w'.-]*( [\w'.-]+)*)$")
WORD_RE = re.compile(r"[a-z0-9]+")
MIN_WORDS, MAX_WORDS = 6, 70
NEAR_DUPLICATE = 0.8  # word-set Jaccard similarity at or above which two texts are near-duplicates


def load_cameo(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, set[str]]]:
    """CAMEO code -> (PLOVER category, mode); category -> its modes."""
    codes: dict[str, tuple[str, str]] = {}
    modes: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            plover, mode = row["plover"].strip(), row["mode"].strip()
            if not plover:
                continue
            codes[row["code"].strip()] = (plover, mode)
            modes.setdefault(plover, set())
            if mode:
                modes[plover].add(mode)
    return codes, modes


def split_for(num: int) -> str:
    """The fixed split rule: ids divisible by 5 are dev, the rest train."""
    return "dev" if num % 5 == 0 else "train"


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def check_actor(value: object) -> bool:
    """A canonical actor, or several joined by ';' for multi-party events."""
    if value is None:
        return True
    if not isinstance(value, str) or not value:
        return False
    return all(ACTOR_RE.match(part) for part in value.split(";"))


def check_item(
    item: dict[str, object],
    codes: dict[str, tuple[str, str]],
    modes: dict[str, set[str]],
) -> list[str]:
    errs: list[str] = []
    for key in REQUIRED:
        if key not in item:
            errs.append(f"missing field {key!r}")
    for key in item:
        if key not in REQUIRED and key not in OPTIONAL:
            errs.append(f"unknown field {key!r}")
    if errs:
        return errs
    for key in REQUIRED:
        value = item[key]
        if value is None and key in NULLABLE:
            continue
        if not isinstance(value, str):
            errs.append(f"{key} must be a string{' or null' if key in NULLABLE else ''}")
    if "tense_note" in item and not isinstance(item["tense_note"], str):
        errs.append("tense_note must be a string")
    if errs:
        return errs
    text = str(item["text"])
    event, mode, cameo = str(item["event"]), str(item["mode"]), str(item["cameo"])
    if not ID_RE.match(str(item["id"])):
        errs.append(f"bad id {item['id']!r} (want t0001)")
    n = len(words(text))
    if not MIN_WORDS <= n <= MAX_WORDS:
        errs.append(f"text has {n} words (want {MIN_WORDS}-{MAX_WORDS})")
    if text != text.strip() or "  " in text:
        errs.append("text has stray spaces")
    if event == "NONE":
        if mode or cameo:
            errs.append("NONE takes no mode or cameo")
    elif event not in modes:
        errs.append(f"unknown event {event!r}")
    else:
        if mode and mode not in modes[event]:
            errs.append(f"mode {mode!r} not a mode of {event} ({sorted(modes[event])})")
        if cameo:
            if cameo not in codes:
                errs.append(f"unknown cameo {cameo!r}")
            else:
                plover, cmode = codes[cameo]
                if plover != event and (event, cameo) not in EXTRA_PAIRS:
                    errs.append(f"cameo {cameo} maps to {plover}, not {event}")
                if plover == event and cmode and mode and cmode != mode:
                    errs.append(f"cameo {cameo} has mode {cmode!r}, not {mode!r}")
        if item["trigger"] is None:
            errs.append("an event needs a trigger")
    if item["modality"] not in MODALITIES:
        errs.append(f"bad modality {item['modality']!r}")
    hard = str(item["hard"])
    if hard and hard not in HARD_TAGS:
        errs.append(f"bad hard tag {hard!r}")
    if item["split"] not in SPLITS:
        errs.append(f"bad split {item['split']!r}")
    else:
        m = ID_RE.match(str(item["id"]))
        if m and item["split"] != split_for(int(m.group(1))):
            errs.append(f"split should be {split_for(int(m.group(1)))} by the id rule")
    for key in SPANS:
        span = item[key]
        if isinstance(span, str) and (not span or span not in text):
            errs.append(f"{key} {span!r} is not a substring of the text")
    for key in ("source_actor", "target_actor"):
        if not check_actor(item[key]):
            errs.append(f"bad {key} {item[key]!r}")
    if item["source"] is None and item["source_actor"] is not None:
        errs.append("source_actor without a source span")
    if item["target"] is None and item["target_actor"] is not None:
        errs.append("target_actor without a target span")
    return errs


def near_duplicates(texts: list[tuple[int, str]]) -> list[str]:
    """Pairs of texts whose word sets overlap at NEAR_DUPLICATE or more (Jaccard)."""
    sets = sorted(
        ((frozenset(words(text)), lineno) for lineno, text in texts), key=lambda s: len(s[0])
    )
    errs = []
    for i, (a, line_a) in enumerate(sets):
        for b, line_b in sets[i + 1 :]:
            if len(a) < NEAR_DUPLICATE * len(b):
                break  # sorted by size: no later set can reach the bound
            if len(a & b) / len(a | b) >= NEAR_DUPLICATE:
                first, second = sorted((line_a, line_b))
                errs.append(f"{second}: near-duplicate of line {first}")
    return errs


def table(items: list[dict[str, object]]) -> str:
    cats = sorted({str(i["event"]) for i in items}, key=lambda c: (c == "NONE", c))
    count = Counter((str(i["event"]), str(i["modality"]), str(i["split"])) for i in items)
    head = "| event | " + " | ".join(m for m in MODALITIES) + " | train | dev | total |"
    lines = [head, "|" + "---|" * (len(MODALITIES) + 4)]
    for cat in [*cats, "all"]:
        sel = [c for c in cats] if cat == "all" else [cat]
        cells = []
        for mod in MODALITIES:
            cells.append(str(sum(count[(c, mod, s)] for c in sel for s in SPLITS)))
        tr = sum(count[(c, m, "train")] for c in sel for m in MODALITIES)
        dv = sum(count[(c, m, "dev")] for c in sel for m in MODALITIES)
        lines.append(f"| {cat} | " + " | ".join(cells) + f" | {tr} | {dv} | {tr + dv} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--quiet", action="store_true", help="print errors only")
    args = ap.parse_args(argv)
    codes, modes = load_cameo(CAMEO_FILE)
    errors: list[str] = []
    items: list[dict[str, object]] = []
    texts: list[tuple[int, str]] = []
    seen_ids: dict[str, int] = {}
    seen_text: dict[str, int] = {}
    seen_start: dict[tuple[str, ...], int] = {}
    with args.file.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            where = f"{args.file.name}:{lineno}"
            if not line.strip():
                errors.append(f"{where}: empty line")
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: bad JSON ({exc})")
                continue
            if not isinstance(item, dict):
                errors.append(f"{where}: not a JSON object")
                continue
            errors.extend(f"{where}: {e}" for e in check_item(item, codes, modes))
            ident = str(item.get("id"))
            if ident in seen_ids:
                errors.append(f"{where}: id {ident} already on line {seen_ids[ident]}")
            seen_ids[ident] = lineno
            w = words(str(item.get("text", "")))
            norm = " ".join(w)
            if norm in seen_text:
                errors.append(f"{where}: same text as line {seen_text[norm]}")
            seen_text.setdefault(norm, lineno)
            start = tuple(w[:8])
            if len(start) == 8 and start in seen_start:
                errors.append(f"{where}: same first 8 words as line {seen_start[start]}")
            seen_start.setdefault(start, lineno)
            items.append(item)
            texts.append((lineno, str(item.get("text", ""))))
    errors.extend(f"{args.file.name}:{e}" for e in near_duplicates(texts))
    for err in errors:
        print(err)
    if not args.quiet:
        print(f"{len(items)} sentences, {len(errors)} errors\n")
        print(table(items))
        hard = Counter(str(i.get("hard")) for i in items if i.get("hard"))
        print(f"\nhard cases: {sum(hard.values())}")
        for tag in HARD_TAGS:
            print(f"  {tag}: {hard[tag]}")
        mc = Counter(
            f"{i.get('event')}.{i.get('mode')}" for i in items if i.get("mode") and i.get("event")
        )
        print("\nmodes: " + ", ".join(f"{k} {v}" for k, v in sorted(mc.items())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
