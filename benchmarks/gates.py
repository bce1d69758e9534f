"""The benchmark gates: run each benchmark, fail when a figure drops below its recorded minimum.

Minimums live in gates.json (`min`), with maximums for figures where less is better (`max`,
e.g. a latency). A floor is only ever lowered (a ceiling raised) on purpose, in a commit that
says why.
A gate cannot pass by accident: each names the gold files its script reads (`gold`, glob patterns
under the gold sets' folder, a folder meaning every file in it) with their `sha256`
(`common.gold_hash`), and fails when they are missing or their hash differs, when the benchmark
prints `skipped`, or when a figure is absent. After changing a gold set on purpose, `--rehash`
rewrites the hashes (and runs nothing). `--quick` passes `--quick` to the scripts whose gate says
`"quick": true`. Per-gate `args` are passed as they are.

    .venv/bin/python benchmarks/gates.py [NAME ...] [--quick] [--rehash]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import SHARED, gold_hash

HERE = Path(__file__).resolve().parent


def gold_problem(gate: dict[str, Any], root: Path) -> str | None:
    """Why the gate's gold set cannot be trusted, or None. A gate whose script makes its own
    inputs (`"generated": true`, e.g. the fuzzer) has no gold set to check."""
    if gate.get("generated") is True:
        return None
    if not gate.get("gold") or not gate.get("sha256"):
        return "no gold files or sha256 recorded in gates.json (add `gold`, then --rehash)"
    try:
        found = gold_hash(gate["gold"], root)
    except FileNotFoundError as exc:
        return f"gold set missing: {exc}"
    if found != gate["sha256"]:
        return f"gold set changed: sha256 {found}, recorded {gate['sha256']}"
    return None


def run_gate(
    name: str, gate: dict[str, Any], folder: Path, root: Path, quick: bool
) -> tuple[int, int]:
    """Run one gate, printing what it finds: (figures passed, failures)."""
    problem = gold_problem(gate, root)
    if problem is not None:
        print(f"FAIL {name}: {problem}")
        return 0, 1
    started = time.monotonic()
    extra = ["--quick"] if quick and gate.get("quick") else []
    command = [sys.executable, str(folder / gate["script"]), *gate.get("args", []), *extra]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    try:
        figures = json.loads(lines[-1]) if run.returncode == 0 and lines else None
    except json.JSONDecodeError:
        figures = None
    if not isinstance(figures, dict):
        print(f"FAIL {name}: exit {run.returncode}, no JSON figures\n{run.stderr[-2000:]}")
        return 0, 1
    if "skipped" in figures:
        print(f"FAIL {name}: the benchmark skipped: {figures['skipped']}")
        return 0, 1
    failures = checked = 0
    for bound, label in (("min", "minimum"), ("max", "maximum")):
        for figure, limit in gate.get(bound, {}).items():
            value = figures.get(figure)
            ok = isinstance(value, int | float) and (
                value >= limit if bound == "min" else value <= limit
            )
            checked += 1
            failures += not ok
            print(f"{'pass' if ok else 'FAIL'} {name}.{figure} = {value} ({label} {limit})")
    print(f"     {name} took {time.monotonic() - started:.0f}s: {json.dumps(figures)}")
    return checked - failures, failures


def main(argv: list[str] | None = None, gates_file: Path | None = None, root: Path = SHARED) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these gates (default: all)")
    parser.add_argument("--quick", action="store_true", help="quick runs where a gate allows")
    parser.add_argument("--rehash", action="store_true", help="record the gold sets' hashes")
    args = parser.parse_args(argv)
    gates_file = gates_file or HERE / "gates.json"
    gates: dict[str, dict[str, Any]] = json.loads(gates_file.read_text(encoding="utf-8"))
    unknown = [n for n in args.names if n not in gates]
    if unknown:
        parser.error(f"no gate named {', '.join(unknown)}; gates: {', '.join(gates)}")
    chosen = {n: g for n, g in gates.items() if not args.names or n in args.names}
    if args.rehash:
        return rehash(chosen, gates, gates_file, root)
    passed = failures = 0
    for name, gate in chosen.items():
        ok, failed = run_gate(name, gate, gates_file.parent, root, args.quick)
        passed, failures = passed + ok, failures + failed
    print(f"gates: {passed} passed, {failures} failed")
    return 1 if failures else 0


def rehash(
    chosen: dict[str, dict[str, Any]], gates: dict[str, Any], gates_file: Path, root: Path
) -> int:
    """Record each chosen gate's gold hash; a gate without `gold` or with a missing set fails."""
    failed = 0
    for name, gate in chosen.items():
        if gate.get("generated") is True:
            print(f"same {name}: generated inputs, no gold set")
            continue
        try:
            if not gate.get("gold"):
                raise FileNotFoundError(f"no `gold` files listed in {gates_file.name}")
            found = gold_hash(gate["gold"], root)
        except FileNotFoundError as exc:
            print(f"FAIL {name}: {exc}")
            failed += 1
            continue
        print(f"{'same' if found == gate.get('sha256') else 'new '} {name}: {found}")
        gate["sha256"] = found
    gates_file.write_text(json.dumps(gates, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
