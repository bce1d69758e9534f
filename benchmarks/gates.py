"""The benchmark gates: run each benchmark, fail when a figure drops below its recorded minimum.

Minimums live in gates.json. A floor is only ever lowered on purpose, in a commit that says why.
A benchmark whose gold set is absent prints `skipped` and passes, saying so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    gates = json.loads((HERE / "gates.json").read_text(encoding="utf-8"))
    failures = 0
    for name, gate in gates.items():
        started = time.monotonic()
        command = [sys.executable, str(HERE / gate["script"]), *gate.get("args", [])]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        lines = [line for line in run.stdout.splitlines() if line.strip()]
        if run.returncode != 0 or not lines:
            print(f"FAIL {name}: exit {run.returncode}\n{run.stderr[-2000:]}")
            failures += 1
            continue
        figures = json.loads(lines[-1])
        if "skipped" in figures:
            print(f"skip {name}: {figures['skipped']}")
            continue
        for figure, minimum in gate["min"].items():
            value = figures.get(figure)
            ok = isinstance(value, int | float) and value >= minimum
            failures += not ok
            print(f"{'pass' if ok else 'FAIL'} {name}.{figure} = {value} (minimum {minimum})")
        print(f"     {name} took {seconds:.0f}s: {json.dumps(figures)}")
    passed = sum(len(g["min"]) for g in gates.values()) - failures
    print(f"gates: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
