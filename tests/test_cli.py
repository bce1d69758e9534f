"""The CLI: thin commands, one clear line and a non-zero exit on error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peninsula.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_build_show_export_on_the_example_corpus(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.duckdb")
    result = runner.invoke(app, ["build", str(EXAMPLES), "--db", db])
    assert result.exit_code == 0, result.output
    assert "documents" in result.output and "skipped inputs" in result.output
    again = runner.invoke(app, ["build", str(EXAMPLES), "--db", db])
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
        "actors.csv", "commitments.csv", "documents.csv", "events.csv", "manifest.json",
        "statements.csv",
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
    result = runner.invoke(app, ["build", str(EXAMPLES), "--db", db])
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
        (["--since", "last week"], "error: --since must be YYYY, YYYY-MM, YYYY-MM-DD"),
        (["--since", "2025-13"], "error: --since: '2025-13' is not a calendar date"),
        (["--since", "2025-02-30"], "error: --since: '2025-02-30' is not a calendar date"),
        (["--since", "2026", "--until", "2025"], "error: --until 2025 is before --since 2026"),
        (["--actor", "Kim"], "error: actor name 'Kim' is ambiguous: "),
        (["--actor", "Lee Jae Myng"], "error: no actor named 'Lee Jae Myng' (did you mean"),
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


# --- issue 16: the CLI never reports success on a mistake; the event-data exports ---


def test_build_without_a_path_or_with_a_missing_one_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "kb.duckdb"
    result = runner.invoke(app, ["build", "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no input: name files or folders")
    missing = tmp_path / "no" / "such"
    result = runner.invoke(app, ["build", str(missing), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no such file or folder: {missing}"
    assert not db.exists()


def test_version_and_short_help() -> None:
    from peninsula import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"peninsula {__version__}"
    for args in (["-h"], ["export", "-h"], ["actors", "list", "-h"]):
        shown = runner.invoke(app, args)
        assert shown.exit_code == 0 and "Usage" in shown.output, args


def test_dates_in_words_and_hyphen_free_names(example_db: str) -> None:
    words = runner.invoke(
        app, ["timeline", "--db", example_db, "--since", "September 2025", "--format", "json"]
    )
    iso = runner.invoke(
        app, ["timeline", "--db", example_db, "--since", "2025-09", "--format", "json"]
    )
    assert words.exit_code == 0, words.output
    assert json.loads(words.stdout) == json.loads(iso.stdout)
    name = runner.invoke(app, ["timeline", "--db", example_db, "--actor", "leejaemyung"])
    assert name.exit_code == 0, name.output
    bad = runner.invoke(app, ["dyads", "--db", example_db, "--since", "2025-00"])
    assert bad.exit_code == 1 and "not a calendar date" in bad.stderr


def test_actors_list_as_csv_and_json(example_db: str) -> None:
    as_csv = runner.invoke(app, ["actors", "list", "--db", example_db, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {"id", "name", "kind", "country", "aliases", "roles", "verified"} == set(rows[0])
    lee = next(r for r in rows if r["id"] == "lee_jae_myung")
    assert json.loads(lee["roles"])[0]["title"]
    as_json = runner.invoke(app, ["actors", "list", "--db", example_db, "--format", "json"])
    assert {a["id"] for a in json.loads(as_json.stdout)} == {r["id"] for r in rows}
    bad = runner.invoke(app, ["actors", "list", "--db", example_db, "--format", "xml"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: --format must be")


def test_export_events_tsv_keeps_codes_as_text(example_db: str, tmp_path: Path) -> None:
    import pandas as pd

    result = runner.invoke(
        app, ["export", "--db", example_db, "--out", str(tmp_path), "--format", "events-tsv"]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "events.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert {"event_date", "source_country", "cameo_code", "quad_class", "evidence"} <= set(
        frame.columns
    )
    assert len(frame) > 10
    codes = [c for c in frame["cameo_code"] if c]
    assert all(2 <= len(c) <= 4 and c.isdigit() for c in codes)
    assert any(c.startswith("0") for c in codes)  # zeros kept
    assert all(len(d) == 8 for d in frame["event_date"] if d)


def test_export_plover_with_filters(example_db: str, tmp_path: Path) -> None:
    every = runner.invoke(
        app, ["export", "--db", example_db, "--out", str(tmp_path / "a"), "--format", "plover"]
    )
    assert every.exit_code == 0, every.output
    filtered = runner.invoke(
        app,
        ["export", "--db", example_db, "--out", str(tmp_path / "b"), "--format", "plover",
         "--since", "2025-09", "--modality", "actual", "--actor", "South Korea"],
    )  # fmt: skip
    assert filtered.exit_code == 0, filtered.output

    def read(folder: str) -> list[dict[str, object]]:
        text = (tmp_path / folder / "events.plover.jsonl").read_text()
        return [json.loads(line) for line in text.splitlines()]

    everything, some = read("a"), read("b")
    assert 0 < len(some) < len(everything)
    assert all(r["modality"] == "actual" for r in some)
    assert all("KOR" in (r["actor_country"], r["recipient_country"]) for r in some)
    assert {"event_type", "mode", "context", "actor", "recipient", "date"} <= set(some[0])


def test_export_dyads_tsv_directed_by_year(example_db: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["export", "--db", example_db, "--out", str(tmp_path), "--format", "dyads-tsv",
         "--directed", "--by", "year"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (tmp_path / "dyads.tsv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert rows and all(len(r["period"]) == 4 and r["directed"] == "true" for r in rows)
    assert any(r["a"] == "PRK" for r in rows) and any(r["b"] == "PRK" for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "error: --format must be one of jsonl, parquet, csv"),
        (["--format", "csv", "--since", "2025-13"], "error: --since: '2025-13'"),
        (["--format", "jsonl", "--actor", "Nobody Here"], "error: no actor"),
        (["--format", "parquet", "--modality", "maybe"], "error: --modality must be one of"),
        (["--format", "csv", "--since", "2026", "--until", "2025"], "error: --until 2025 is"),
        (["--format", "csv", "--partition", "month"], "error: --partition month goes with"),
        (["--format", "events-tsv", "--directed"], "error: --directed and --by go with"),
        (["--format", "csv", "--by", "year"], "error: --directed and --by go with"),
        (["--format", "plover", "--code", "abc"], "error: --code must be a CAMEO code"),
        (["--format", "plover", "--until", "2025-02-30"], "error: --until: '2025-02-30'"),
    ],
)
def test_export_errors_are_one_line(
    example_db: str, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["export", "--db", example_db, "--out", str(tmp_path), *args])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_event_export_replaces_safely_and_refuses_a_file_as_folder(
    example_db: str, tmp_path: Path
) -> None:
    args = ["export", "--db", example_db, "--format", "events-tsv", "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "replaced:" in again.stderr
    a_file = tmp_path / "events.tsv"
    result = runner.invoke(app, [*args[:-1], str(a_file)])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_event_export_by_pair(example_db: str, tmp_path: Path) -> None:
    import pandas as pd

    base = ["export", "--db", example_db, "--format", "events-tsv"]
    assert runner.invoke(app, [*base, "--out", str(tmp_path / "all")]).exit_code == 0
    result = runner.invoke(app, [*base, "--out", str(tmp_path / "two"), "--pair", "KOR", "PRK"])
    assert result.exit_code == 0, result.output
    every = pd.read_csv(tmp_path / "all" / "events.tsv", sep="\t", dtype=str)
    two = pd.read_csv(tmp_path / "two" / "events.tsv", sep="\t", dtype=str)
    assert 0 < len(two) < len(every)
    assert all(
        {s, t} == {"KOR", "PRK"}
        for s, t in zip(two.source_country, two.target_country, strict=True)
    )


def test_show_finds_each_kind_of_record_and_says_which(example_db: str) -> None:
    from peninsula.store import Store

    with Store(example_db, read_only=True) as store:
        event = store.merged_events()[0]
        statement = store.merged_statements()[0]
        commitment = store.merged_commitments()[0]
    cases = [
        (event.id, "event", event.id),
        (event.evidence[0].event_id, "event", event.id),  # one report: its merged event
        (statement.id, "statement", statement.id),
        (commitment.members[0], "commitment", commitment.id),
        ("lee_jae_myung", "actor", "lee_jae_myung"),
        ("e888", "document", "e888dc4fffde27ed"),
    ]
    for ident, kind, found in cases:
        as_json = runner.invoke(app, ["show", ident, "--db", example_db, "--json"])
        assert as_json.exit_code == 0, as_json.output
        record = json.loads(as_json.stdout)
        assert (record["type"], record["id"]) == (kind, found)
        shown = runner.invoke(app, ["show", ident, "--db", example_db])
        assert shown.exit_code == 0 and f"{kind} {found}" in shown.stdout


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("nobody", "error: no document, event, statement, commitment or actor 'nobody'"),
        ("abc:e1", "error: no event, statement or commitment 'abc:e1'"),
    ],
)
def test_show_of_an_unknown_id_is_one_line(example_db: str, ident: str, message: str) -> None:
    result = runner.invoke(app, ["show", ident, "--db", example_db])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [message]


def test_a_piped_timeline_keeps_every_id_whole_with_its_evidence(example_db: str) -> None:
    rows = json.loads(
        runner.invoke(app, ["timeline", "--db", example_db, "--format", "json"]).stdout
    )
    table = runner.invoke(app, ["timeline", "--db", example_db]).stdout
    assert all(row["id"] in table for row in rows)
    lines = table.splitlines()
    assert len(lines) == len(rows) + 5  # title, borders, header: one line per row
    assert "evidence" in lines[2] and "url" in lines[2]
    firsts = [" ".join(row["evidence"][0]["sentence"].split()) for row in rows if row["evidence"]]
    assert all(sentence[:60] in table for sentence in firsts)


def test_timeline_csv_carries_evidence_and_urls(example_db: str, tmp_path: Path) -> None:
    article = tmp_path / "a.html"
    article.write_text(
        '<html><head><link rel="canonical" href="https://news.example.org/talks">'
        "<title>Talks</title></head><body><p>Seoul, March 3, 2025. President Lee Jae Myung"
        " said on Monday that South Korea would hold talks with North Korea.</p></body></html>"
    )
    db = str(tmp_path / "kb.duckdb")
    assert runner.invoke(app, ["build", str(article), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["timeline", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"evidence", "urls"} <= set(rows[0])
    assert all(r["evidence"] for r in rows)
    assert any(r["urls"] == "https://news.example.org/talks" for r in rows)
    as_json = runner.invoke(app, ["timeline", "--db", db, "--format", "json"])
    reports = [e for row in json.loads(as_json.stdout) for e in row["evidence"]]
    assert reports and {e["url"] for e in reports} == {"https://news.example.org/talks"}


def test_actor_roles_carry_their_source(example_db: str, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["actors", "list", "--db", example_db, "--format", "json"])
    lee = next(a for a in json.loads(listed.stdout) if a["id"] == "lee_jae_myung")
    assert lee["roles"] and all(r["source"].startswith("http") for r in lee["roles"])
    out = tmp_path / "out"
    assert runner.invoke(app, ["export", "--db", example_db, "--out", str(out)]).exit_code == 0
    actors = [json.loads(line) for line in (out / "actors.jsonl").read_text().splitlines()]
    roles = [r for a in actors if a["verified"] for r in a["roles"]]
    assert roles and all(r["source"] for r in roles)


def test_verbose_logs_and_quiet_does_not(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Lee Jae Myung said on Monday that talks with North Korea would resume.")
    db = str(tmp_path / "kb.duckdb")
    env = {"PENINSULA_EMBEDDINGS": "off"}
    loud = runner.invoke(app, ["--verbose", "build", str(article), "--db", db], env=env)
    assert loud.exit_code == 0, loud.output
    assert f"DEBUG building {db}" in loud.stderr and "INFO 1/1 articles, done in" in loud.stderr
    assert "settings: Settings(" in loud.stderr  # a debug line
    plain = runner.invoke(app, ["build", str(article), "--db", db], env=env)
    assert "1/1 articles, done in" in plain.stderr and "settings:" not in plain.stderr
    quiet = runner.invoke(app, ["-q", "build", str(article), "--db", db], env=env)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    both = runner.invoke(app, ["-q", "-v", "build", str(article), "--db", db])
    assert both.exit_code == 1
    assert both.stderr.strip() == "error: --verbose and --quiet exclude each other"


def test_help_loads_no_model_database_or_dataframe_library_and_is_quick() -> None:
    import subprocess
    import sys

    code = (
        "import resource, sys\n"
        "sys.argv = ['peninsula', '--help']\n"
        "from peninsula.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = ('spacy', 'torch', 'sentence_transformers', 'pandas', 'pyarrow', 'pydantic',"
        " 'uvicorn', 'jinja2', 'duckdb', 'numpy', 'dateparser')\n"
        "used = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print([m for m in heavy if m in sys.modules], used.ru_utime + used.ru_stime,"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, seconds = done.stderr.strip().rsplit(" ", 1)
    assert loaded == "[]" and "PENINSULA_DB" in done.stdout
    # Processor time (the machine's load does not count): about 0.5 s on a quiet machine;
    # the bound leaves room for a slow one and still catches an import of spaCy or torch.
    assert float(seconds) < 2.0


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["export", "--out", "x", "--bogus"],
        ["export", "--out", "x", "--format", "csv", "--pair", "KOR"],
        ["timeline", "--kind"],
        ["show"],
        ["no-such-command"],
        ["dyads", "--pair", "KOR"],
        ["serve", "--port", "eighty"],
    ],
)
def test_usage_mistakes_are_one_line_with_status_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["build", "/no/such/path"],
        ["build"],
        ["export", "--out", "{tmp}/o", "--format", "xlsx"],
        ["export", "--out", "{tmp}/o", "--format", "csv", "--since", "2025-02-30"],
        ["export", "--out", "{tmp}/o", "--format", "parquet", "--partition", "day"],
        ["timeline", "--since", "2025-02-30"],
        ["dyads", "--since", "2026", "--until", "2025"],
        ["actors", "list", "--format", "xml"],
        ["actors", "check", "/no/such/file.csv"],
        ["show", "nobody"],
        ["report", "--out", "{tmp}/r", "--db", "{tmp}/none.duckdb"],
        ["serve", "--db", "{tmp}/none.duckdb"],
    ],
)
def test_mistakes_are_one_error_line_with_status_1(
    example_db: str, tmp_path: Path, args: list[str]
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--db" not in args and args[:2] != ["actors", "check"]:
        args += ["--db", example_db]
    result = runner.invoke(app, args, env={"PENINSULA_EMBEDDINGS": "off"})
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def _jsonl(folder: Path, table: str) -> list[dict[str, Any]]:
    text = (folder / f"{table}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize(
    "filters",
    [
        ["--since", "2025-10", "--actor", "South Korea"],
        ["--code", "03"],
        ["--pair", "KOR", "PRK"],
        ["--modality", "pledged", "--until", "2026"],
    ],
)
def test_filtered_tables_agree_with_events_tsv_and_join(
    example_db: str, tmp_path: Path, filters: list[str]
) -> None:
    base = ["export", "--db", example_db, "--out", str(tmp_path)]
    assert runner.invoke(app, [*base, "--format", "events-tsv", *filters]).exit_code == 0
    result = runner.invoke(app, [*base, "--format", "jsonl", *filters])
    assert result.exit_code == 0, result.output
    with (tmp_path / "events.tsv").open(newline="", encoding="utf-8") as stream:
        tsv = {row["event_id"] for row in csv.DictReader(stream, delimiter="\t")}
    tables = {t: _jsonl(tmp_path, t) for t in ("events", "statements", "commitments")}
    tables |= {t: _jsonl(tmp_path, t) for t in ("documents", "actors")}
    assert tsv and {e["id"] for e in tables["events"]} == tsv  # the same selection
    documents = {d["id"] for d in tables["documents"]}
    backing = {x["document_id"] for e in tables["events"] for x in e["evidence"]}
    backing |= {s["document_id"] for s in tables["statements"]}
    backing |= {w["document_id"] for c in tables["commitments"] for w in c["mentions"]}
    assert documents == backing  # the documents behind the rows, every one of them
    actors = {a["id"] for a in tables["actors"]}
    named = {e[k] for e in tables["events"] for k in ("source", "target", "reported_by")}
    named |= {s["speaker"] for s in tables["statements"]}
    named |= {c[k] for c in tables["commitments"] for k in ("actor", "target")}
    assert named - {None} <= actors  # every actor id joins
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == "jsonl"
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == {
        t: len(rows) for t, rows in tables.items()
    }
    if "--since" in filters:
        assert manifest["actor_ids"]["actor"] == "KOR"
        # Compared on the common prefix: a statement dated "2025" may be from October.
        assert all(s["date"] >= "2025-10"[: len(s["date"])] for s in tables["statements"])
        assert all(
            c["last_stated"] >= "2025-10"[: len(c["last_stated"])] for c in tables["commitments"]
        )
    if "--modality" in filters:
        assert all(e["modality"] == "pledged" for e in tables["events"])


def test_every_table_format_and_the_lake_keep_the_same_rows(
    example_db: str, tmp_path: Path
) -> None:
    import pandas as pd

    filters = ["--since", "2025-09", "--until", "2026-01-10", "--category", "agree"]
    base = ["export", "--db", example_db, *filters]
    for fmt in ("jsonl", "csv", "parquet"):
        result = runner.invoke(app, [*base, "--format", fmt, "--out", str(tmp_path / fmt)])
        assert result.exit_code == 0, result.output
    lake = ["--format", "parquet", "--partition", "month", "--out", str(tmp_path / "lake")]
    assert runner.invoke(app, [*base, *lake]).exit_code == 0
    everything = ["export", "--db", example_db, "--format", "jsonl", "--out", str(tmp_path / "a")]
    assert runner.invoke(app, everything).exit_code == 0
    for table in ("documents", "actors", "statements", "events", "commitments"):
        ids = {r["id"] for r in _jsonl(tmp_path / "jsonl", table)}
        every = {r["id"] for r in _jsonl(tmp_path / "a", table)}
        assert ids < every or table == "documents", table  # filtered, never grown
        csv_ids = set(pd.read_csv(tmp_path / "csv" / f"{table}.csv", dtype=str)["id"])
        parquet = set(pd.read_parquet(tmp_path / "parquet" / f"{table}.parquet")["id"])
        folder = tmp_path / "lake" / table
        lake_ids = set(pd.read_parquet(folder if folder.is_dir() else f"{folder}.parquet")["id"])
        assert ids == csv_ids == parquet == lake_ids, table
    events = _jsonl(tmp_path / "jsonl", "events")
    assert events and all(e["category"] == "AGREE" for e in events)
    days = [e["date"][:7] for e in events]  # on the common prefix: "2025" overlaps
    assert all("2025-09"[: len(d)] <= d <= "2026-01"[: len(d)] for d in days)
    unfiltered = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert set(unfiltered["filters"].values()) == {None}
    assert {v["kept"] for v in unfiltered["tables"].values()} == {"every row"}


def test_help_shows_the_db_default_and_what_the_filters_keep() -> None:
    result = runner.invoke(app, ["export", "-h"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "$PENINSULA_DB or ./peninsula.duckdb" in result.output  # not eaten as markup
    assert "manifest.json" in result.output


def test_a_reader_that_stops_early_is_no_error(example_db: str) -> None:
    import subprocess
    import sys

    args = [sys.executable, "-m", "peninsula", "actors", "list", "--format", "csv"]
    with subprocess.Popen(
        [*args, "--db", example_db], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as done:
        assert done.stdout is not None and done.stderr is not None
        done.stdout.close()  # as `| head` does, before anything is written
        assert done.wait(timeout=120) == 141
        assert done.stderr.read() == b""
