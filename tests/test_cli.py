"""The CLI: thin commands, one clear line and a non-zero exit on error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
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
    lake = tmp_path / "lake"
    args = ["export", "--db", db, "--out", str(lake), "--format", "parquet", "--partition", "month"]
    assert runner.invoke(app, args).exit_code == 0
    assert list((lake / "events").glob("year=*/month=*/*.parquet"))
    assert runner.invoke(app, [*args[:-3], "csv", "--partition", "month"]).exit_code != 0


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


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "kb.duckdb")
    result = runner.invoke(app, ["build", "--db", db])
    assert result.exit_code == 0, result.output
    return db


def test_timeline_json_for_an_actor_in_date_order(example_db: str) -> None:
    result = runner.invoke(
        app, ["timeline", "--db", example_db, "--actor", "Lee Jae Myung", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all({"date", "kind", "summary", "sources"} <= set(r) for r in rows)
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates) and len(dates) > 10
    assert all(any(a["id"] == "lee_jae_myung" for a in r["actors"]) for r in rows)
    assert {r["kind"] for r in rows} == {"event", "statement", "commitment"}
    same = runner.invoke(
        app, ["timeline", "--db", example_db, "--actor", "lee_jae_myung", "--format", "json"]
    )
    assert json.loads(same.stdout) == rows


def test_timeline_dyad_kind_and_since_as_csv(example_db: str) -> None:
    result = runner.invoke(
        app,
        ["timeline", "--db", example_db, "--dyad", "KOR", "PRK", "--since", "2025-09",
         "--kind", "event", "--format", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"date", "kind", "summary", "sources", "actors"} <= set(rows[0])
    assert {r["kind"] for r in rows} == {"event"}
    assert all(r["date"][:7] >= "2025-09" or len(r["date"]) == 4 for r in rows)
    assert any("lee_jae_myung" in r["actor_ids"] and "PRK" in r["actor_ids"] for r in rows)


def test_timeline_table_and_kinds(example_db: str) -> None:
    result = runner.invoke(
        app, ["timeline", "--db", example_db, "--kind", "commitment", "--kind", "statement"]
    )
    assert result.exit_code == 0, result.output
    assert "timeline (" in result.output and "commitment" in result.output
    assert "│ event " not in result.output and "│ commitment " in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "Nobody Known"], "error: no actor named 'Nobody Known'"),
        (["--kind", "events"], "error: unknown kind 'events'"),
        (["--since", "last week"], "error: --since must be YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--format", "xml"], "error: --format must be table, json or csv, got 'xml'"),
    ],
)
def test_timeline_errors_are_one_line(example_db: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["timeline", "--db", example_db, *args])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_report_prints_the_index_path(example_db: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--db", example_db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "index.html")
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert any((out / "documents").iterdir()) and any((out / "actors").iterdir())


def test_report_without_a_database_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no database at")
    assert not (tmp_path / "r").exists()


def test_new_commands_have_help() -> None:
    for command in ("timeline", "report"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_timeline_table_prints_brackets_as_text(example_db: str) -> None:
    result = runner.invoke(app, ["timeline", "--db", example_db, "--kind", "event"])
    assert result.exit_code == 0, result.output
    assert "[pledged]" in result.output  # part of the summary, not Rich markup


def test_dyads_table_json_csv_and_pair(example_db: str) -> None:
    result = runner.invoke(app, ["dyads", "--db", example_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    months = json.loads(result.stdout)
    assert months and all(m["a"] < m["b"] for m in months)
    korea = [m for m in months if (m["a"], m["b"]) == ("KOR", "PRK")]
    assert korea and all(m["actual"] == len(m["event_ids"]) for m in korea)
    pledged = sum(m["pledged"] for m in korea)
    assert pledged >= 1  # pledges are counted, never scored
    result = runner.invoke(
        app,
        ["dyads", "--db", example_db, "--pair", "Lee Jae Myung", "North Korea", "--format", "csv",
         "--since", "2025-09", "--until", "2026"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {(r["a"], r["b"]) for r in rows} == {("KOR", "PRK")}
    assert all("2025-09" <= r["month"] <= "2026-12" for r in rows)
    table = runner.invoke(app, ["dyads", "--db", example_db])
    assert table.exit_code == 0 and "KOR" in table.stdout and "PRK" in table.stdout
    bad = runner.invoke(app, ["dyads", "--db", example_db, "--since", "last week"])
    assert bad.exit_code != 0 and "--since must be" in bad.output


def test_dyads_of_one_state_is_an_error(example_db: str) -> None:
    result = runner.invoke(app, ["dyads", "--db", example_db, "--pair", "lee_jae_myung", "KOR"])
    assert result.exit_code != 0 and "a dyad is two states" in result.output
