"""benchmarks/gates.py: gold sets checked by hash, skips fail, minimums, --quick and --rehash.

Each test runs a tiny fake benchmark script from tmp_path, never a real benchmark.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def gates(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("gates")


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    root = tmp_path / "gold"
    (root / "toy" / "part").mkdir(parents=True)
    (root / "toy" / "a.txt").write_text("alpha\n")
    (root / "toy" / "part" / "b.txt").write_text("beta\n")
    return root


def _script(folder: Path, body: str) -> str:
    """A fake benchmark: imports sys, runs `body`, which prints the figures."""
    (folder / "bench.py").write_text(f"import json, sys\n{body}\n")
    return "bench.py"


def _gates_file(folder: Path, gates: ModuleType, root: Path, **gate: Any) -> Path:
    entry = {"script": "bench.py", "gold": ["toy"], "min": {"f1": 0.5}} | gate
    if "sha256" not in gate:
        entry["sha256"] = gates.gold_hash(entry["gold"], root)
    path = folder / "gates.json"
    path.write_text(json.dumps({"toy": entry}))
    return path


def _run(gates: ModuleType, path: Path, root: Path, *argv: str) -> int:
    result: int = gates.main(list(argv), gates_file=path, root=root)
    return result


def test_a_gate_passes_with_its_gold_set_and_figures(
    gates: ModuleType, gold: Path, tmp_path: Path
) -> None:
    _script(tmp_path, 'print(json.dumps({"f1": 0.6}))')
    assert _run(gates, _gates_file(tmp_path, gates, gold), gold) == 0


@pytest.mark.parametrize(
    ("body", "minimum"),
    [
        ('print(json.dumps({"f1": 0.4}))', 0.5),  # below its minimum
        ('print(json.dumps({"recall": 0.9}))', 0.5),  # the figure is absent
        ('print(json.dumps({"skipped": "no data"}))', 0.5),  # a skip is a failure
        ("sys.exit(3)", 0.5),
        ('print("not json")', 0.5),
    ],
)
def test_a_gate_fails(
    gates: ModuleType, gold: Path, tmp_path: Path, body: str, minimum: float
) -> None:
    _script(tmp_path, body)
    path = _gates_file(tmp_path, gates, gold, min={"f1": minimum})
    assert _run(gates, path, gold) == 1


@pytest.mark.parametrize(("latency", "code"), [(40, 0), (50, 0), (60, 1), (None, 1)])
def test_a_maximum_bounds_a_figure_from_above(
    gates: ModuleType, gold: Path, tmp_path: Path, latency: float | None, code: int
) -> None:
    _script(tmp_path, f'print(json.dumps({{"f1": 0.6, "p95_ms": {latency!r}}}))')
    path = _gates_file(tmp_path, gates, gold, max={"p95_ms": 50})
    assert _run(gates, path, gold) == code


def test_a_missing_or_changed_gold_set_fails_without_running(
    gates: ModuleType, gold: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran"
    _script(tmp_path, f'open({str(marker)!r}, "w").close(); print(json.dumps({{"f1": 1}}))')
    path = _gates_file(tmp_path, gates, gold)
    (gold / "toy" / "part" / "b.txt").write_text("beta, edited\n")
    assert _run(gates, path, gold) == 1
    assert "gold set changed" in capsys.readouterr().out
    assert _run(gates, path, tmp_path / "elsewhere") == 1
    assert "gold set missing" in capsys.readouterr().out
    assert not marker.exists()


def test_a_gate_without_a_recorded_hash_fails(
    gates: ModuleType, gold: Path, tmp_path: Path
) -> None:
    _script(tmp_path, 'print(json.dumps({"f1": 1}))')
    assert _run(gates, _gates_file(tmp_path, gates, gold, sha256=""), gold) == 1


def test_a_gate_on_generated_inputs_needs_no_gold_set(
    gates: ModuleType, gold: Path, tmp_path: Path
) -> None:
    _script(tmp_path, 'print(json.dumps({"f1": 1}))')
    path = tmp_path / "gates.json"
    entry = {"script": "bench.py", "generated": True, "min": {"f1": 0.5}}
    path.write_text(json.dumps({"toy": entry}))
    assert _run(gates, path, tmp_path / "elsewhere") == 0
    assert _run(gates, path, tmp_path / "elsewhere", "--rehash") == 0


def test_quick_reaches_only_scripts_that_declare_it_and_args_pass_through(
    gates: ModuleType, gold: Path, tmp_path: Path
) -> None:
    _script(tmp_path, 'print(json.dumps({"f1": float(sys.argv[1:] == ["--x", "--quick"])}))')
    declared = _gates_file(tmp_path, gates, gold, args=["--x"], quick=True)
    assert _run(gates, declared, gold, "--quick") == 0
    assert _run(gates, declared, gold) == 1
    undeclared = _gates_file(tmp_path, gates, gold, args=["--x"])
    assert _run(gates, undeclared, gold, "--quick") == 1


def test_rehash_records_the_hash_and_runs_nothing(
    gates: ModuleType, gold: Path, tmp_path: Path
) -> None:
    _script(tmp_path, "sys.exit(3)")
    path = _gates_file(tmp_path, gates, gold, sha256="stale")
    assert _run(gates, path, gold, "--rehash") == 0
    recorded = json.loads(path.read_text())["toy"]["sha256"]
    assert recorded == gates.gold_hash(["toy"], gold)
    no_gold = _gates_file(tmp_path, gates, gold, gold=[], sha256="")
    assert _run(gates, no_gold, gold, "--rehash") == 1


def test_unknown_gate_names_are_an_error(gates: ModuleType, gold: Path, tmp_path: Path) -> None:
    path = _gates_file(tmp_path, gates, gold)
    with pytest.raises(SystemExit):
        _run(gates, path, gold, "nonesuch")


def test_the_gold_hash_covers_paths_and_bytes_but_not_hidden_files(
    gates: ModuleType, gold: Path
) -> None:
    first = gates.gold_hash(["toy"], gold)
    assert gates.gold_hash(["toy/a.txt", "toy/part"], gold) == first
    (gold / "toy" / ".DS_Store").write_text("noise")
    assert gates.gold_hash(["toy"], gold) == first
    (gold / "toy" / "a.txt").rename(gold / "toy" / "c.txt")
    assert gates.gold_hash(["toy"], gold) != first
    with pytest.raises(FileNotFoundError, match="nothing"):
        gates.gold_hash(["toy", "nothing/*.txt"], gold)
