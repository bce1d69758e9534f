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


def test_actors_check_names_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "mine.csv"
    good.write_text("id,name,kind,country\nyeon_seo_ah,Yeon Seo-ah,person,KOR\n")
    result = runner.invoke(app, ["actors", "check", str(good)])
    assert result.exit_code == 0
    assert "ok (1 actors, 0 roles)" in result.output
    bad = tmp_path / "roles.csv"
    bad.write_text("actor,title,of,start,end,source\nyeon_seo_ah,Spokesperson,KOR,2025-13-01,,x\n")
    result = runner.invoke(app, ["actors", "check", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {bad}:2: start '2025-13-01' is not a YYYY-MM-DD date"


def test_build_with_an_extra_actor_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.jsonl"
    extra.write_text('{"id": "yeon_seo_ah", "name": "Yeon Seo-ah", "kind": "person"}\n')
    article = tmp_path / "a.txt"
    article.write_text("Yeon Seo-ah told reporters on Monday that talks would resume.")
    db = str(tmp_path / "kb.duckdb")
    result = runner.invoke(app, ["build", str(article), "--db", db, "--actors", str(extra)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["actors", "list", "--db", db])
    assert "yeon_seo_ah" in listed.output
