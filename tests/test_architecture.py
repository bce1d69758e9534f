"""Data flows one way; only settings reads the environment; only the store has SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import peninsula

PACKAGE = Path(peninsula.__file__).resolve().parent

# Each layer may import only from its own layer and the layers listed before it.
LAYERS = [
    {"errors", "records", "settings", "outputs"},
    {"knowledge"},
    {"sources"},
    {"documents"},
    {"dating"},
    {"nlp"},
    {"merge"},
    {"store"},
    {"pipeline"},
    {"ray_engine"},
    {"actor_names"},
    {"query", "filters", "eventdata", "dyad_sides"},
    {"report", "web"},
    {"api"},
    {"cli", "cli_output", "__init__", "__main__"},
]


def _layer(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if module in names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("peninsula.")
        ):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith("peninsula.")
            )
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).parts[0].removesuffix(".py"), p) for p in PACKAGE.rglob("*.py")]


def test_imports_flow_one_way() -> None:
    for module, path in _modules():
        for imported in _imports(path):
            if imported == module:
                continue
            assert _layer(imported) <= _layer(module), f"{path.name} imports {imported}"


def test_only_settings_reads_the_environment() -> None:
    for module, path in _modules():
        if module != "settings":
            assert not re.search(r"os\.environ|getenv", path.read_text()), path


def test_only_the_store_writes_sql() -> None:
    sql = re.compile(r"\b(INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")
    for module, path in _modules():
        if module != "store":
            assert not sql.search(path.read_text()), path


def test_public_names_are_pinned() -> None:
    assert sorted(peninsula.__all__) == sorted(
        ["BuildReport", "DataFileError", "DateDecision", "Document", "Knowledge",
         "KnowledgeBase", "NotFound", "PeninsulaError", "RawArticle", "SettingsError", "Settings",
         "Skipped", "SourceError", "Store", "StoreError", "build", "default_knowledge",
         "load_knowledge", "open", "prepare"]
    )  # fmt: skip


@pytest.mark.parametrize(
    "module",
    ["peninsula", "peninsula.cli", "peninsula.store", "peninsula.query", "peninsula.api"],
)
def test_the_read_side_loads_neither_spacy_nor_torch(module: str) -> None:
    """Queries, exports and `--help` start fast: the language models load with the build."""
    heavy = ("spacy", "torch", "sentence_transformers", "transformers")
    code = f"import sys, {module}; print([m for m in {heavy!r} if m in sys.modules])"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]", found


def test_python_dash_m_runs_the_cli() -> None:
    found = subprocess.run(
        [sys.executable, "-m", "peninsula", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "build" in found


def test_import_peninsula_and_open_load_neither_spacy_nor_torch(tmp_path: Path) -> None:
    """`import peninsula` and `peninsula.open` (on an empty store) stay on the read side."""
    heavy = ("spacy", "torch", "sentence_transformers", "transformers")
    db = tmp_path / "kb.duckdb"
    code = (
        "import sys, peninsula\n"
        f"peninsula.Store(peninsula.Settings().db_path.__class__({str(db)!r})).close()\n"
        f"kb = peninsula.open({str(db)!r})\n"
        "assert kb.actors().empty and kb.events().empty\n"
        f"print([m for m in {heavy!r} if m in sys.modules], peninsula.__version__)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found[0] == "[]", found


def test_no_module_is_over_600_lines() -> None:
    for _, path in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 600, f"{path.relative_to(PACKAGE)} has {lines} lines"
