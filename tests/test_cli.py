"""The CLI: thin commands, one clear line and a non-zero exit on error."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peninsula.cli import app

runner = CliRunner()


def test_build_show_export_on_the_example_corpus(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.duckdb")
    result = runner.invoke(app, ["build", "--db", db])
    assert result.exit_code == 0, result.output
    assert "documents" in result.output and "skipped inputs" in result.output
    again = runner.invoke(app, ["build", "--db", db])
    assert "3 unchanged" in again.output
    shown = runner.invoke(app, ["show", "e888", "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["published"] == "2025-09-24"
    assert record["date_conflicts"][0]["value"] == "2024-01-02"
    out = tmp_path / "out"
    exported = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    assert sorted(p.name for p in out.iterdir()) == [
        "actors.csv", "commitments.csv", "documents.csv", "events.csv", "statements.csv",
    ]  # fmt: skip


def test_build_reports_skipped_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["build", str(tmp_path), "--db", str(tmp_path / "kb.duckdb")])
    assert result.exit_code == 0
    assert "empty.txt: empty input" in result.output


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "abc", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: no database at {tmp_path / 'none.duckdb'}; run 'peninsula build' first"
    ]


def test_bad_setting_is_one_line(tmp_path: Path, monkeypatch: object) -> None:
    result = runner.invoke(
        app, ["build", "--db", str(tmp_path / "kb.duckdb")], env={"PENINSULA_WORKERS": "many"}
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: PENINSULA_WORKERS must be a whole number, got 'many'"


def test_every_command_has_help() -> None:
    for command in ("build", "export", "show"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output
