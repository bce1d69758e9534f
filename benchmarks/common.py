"""Shared helpers for benchmark scripts: where the gold sets live, skipping, the final JSON line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

REPO = Path(__file__).resolve().parent.parent
# The gold sets are read in place, never copied into the project.
SHARED = Path(os.environ.get("PENINSULA_BENCHMARKS", REPO.parent / "shared" / "benchmarks"))


def gold_dir(name: str) -> Path:
    """The gold set folder, or exit 0 with a clear message and a `skipped` JSON line."""
    path = SHARED / name
    if not path.is_dir():
        skip(
            f"gold set {name!r} not found at {path}; set PENINSULA_BENCHMARKS to its parent folder"
        )
    return path


def skip(reason: str) -> NoReturn:
    print(f"skipped: {reason}", file=sys.stderr)
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


def emit(figures: dict[str, Any]) -> None:
    """The figures as ONE JSON object on the last line of stdout."""
    print(json.dumps(figures, sort_keys=False))
