"""Shared helpers for benchmark scripts: where the gold sets live, their hash, skipping, the final
JSON line."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
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


def gold_files(patterns: Sequence[str], root: Path = SHARED) -> list[Path]:
    """The files that glob `patterns` name under `root`, a folder standing for every file in it
    (hidden ones aside). FileNotFoundError names the first pattern that matches no file."""
    found: set[Path] = set()
    for pattern in patterns:
        matched = set()
        for path in root.glob(pattern):
            candidates = path.rglob("*") if path.is_dir() else [path]
            matched |= {
                p
                for p in candidates
                if p.is_file() and not any(s.startswith(".") for s in p.relative_to(root).parts)
            }
        if not matched:
            raise FileNotFoundError(f"{pattern!r} matches no file under {root}")
        found |= matched
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def gold_hash(patterns: Sequence[str], root: Path = SHARED) -> str:
    """sha256 over the sorted relative paths and the bytes of the files `patterns` name."""
    digest = hashlib.sha256()
    for path in gold_files(patterns, root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.stat().st_size.to_bytes(8, "big"))
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def skip(reason: str) -> NoReturn:
    print(f"skipped: {reason}", file=sys.stderr)
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


def emit(figures: dict[str, Any]) -> None:
    """The figures as ONE JSON object on the last line of stdout."""
    print(json.dumps(figures, sort_keys=False))


def event_mode_arguments(parser: argparse.ArgumentParser) -> None:
    """--embeddings / --no-embeddings / --both: which event model the coder runs (default: the
    product's, `PENINSULA_EVENT_CLASSIFIER`)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--embeddings", action="store_true", help="the embedding event model")
    mode.add_argument("--no-embeddings", action="store_true", help="the words-only event model")
    parser.add_argument("--both", action="store_true", help="also score the other mode")


def event_mode(args: argparse.Namespace) -> bool:
    """True when the embedding event model is to run: the flag given, else the product default."""
    from peninsula.settings import Settings

    if args.embeddings or args.no_embeddings:
        return bool(args.embeddings)
    return Settings.from_env().event_classifier
