"""Bad databases and unwritable folders: one line on stderr, a non-zero exit, no network."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import peninsula.store as store_module
from peninsula.cli import app
from peninsula.errors import StoreError
from peninsula.knowledge import default_knowledge
from peninsula.store import Store

runner = CliRunner()
_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
_AS_ROOT = "file permissions do not bind root"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every attempt to open a connection is recorded and refused."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)

    def refuse_address(address: Any, *_: Any, **__: Any) -> None:
        attempts.append(address)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "create_connection", refuse_address)
    return attempts


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return str(lines[0])


def _sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (body TEXT)")
    return path


def _peninsula_db(path: Path) -> Path:
    with Store(path) as store:
        store.write_actors(default_knowledge())
    return path


@pytest.mark.parametrize("command", [["timeline"], ["build", "-"], ["actors", "list"]])
def test_a_sqlite_file_as_db_is_one_line_and_offline(
    tmp_path: Path, no_network: list[Any], command: list[str]
) -> None:
    db = _sqlite(tmp_path / "kb.duckdb")
    result = runner.invoke(app, [*command, "--db", str(db)], input="Seoul said so.\n")
    line = _one_error_line(result)
    assert line == f"error: {db} is a SQLite database, not a DuckDB database"
    assert no_network == []


def test_duckdb_itself_never_fetches_an_extension(
    tmp_path: Path, no_network: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the magic-byte check, DuckDB is still told not to install nor load extensions."""
    monkeypatch.setattr(store_module, "database_problem", lambda _: None)
    with pytest.raises(StoreError, match="cannot open"):
        Store(_sqlite(tmp_path / "kb.sqlite"), read_only=True)
    assert no_network == []


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: p.write_text("hello\n"), "is a text file, not a DuckDB database"),
        (lambda p: p.mkdir(), "is a folder, not a database file"),
        (lambda p: p.write_bytes(b"\x00" * 100), "is not a DuckDB database"),
    ],
)
def test_a_foreign_file_as_db_says_what_it_is(tmp_path: Path, make: Any, what: str) -> None:
    db = tmp_path / "kb.duckdb"
    make(db)
    article = tmp_path / "article.txt"  # an input that exists: a missing one is its own error
    article.write_text("Seoul said so.\n")
    for command in (["timeline"], ["build", str(article)]):
        line = _one_error_line(runner.invoke(app, [*command, "--db", str(db)]))
        assert line == f"error: {db} {what}"


def test_a_truncated_database_says_so(tmp_path: Path) -> None:
    whole = _peninsula_db(tmp_path / "whole.duckdb").read_bytes()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(whole[:6000])
    line = _one_error_line(runner.invoke(app, ["timeline", "--db", str(cut)]))
    assert line == f"error: {cut} is a truncated DuckDB database (6000 bytes)"


def test_another_duckdb_database_is_not_a_knowledge_base(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    line = _one_error_line(runner.invoke(app, ["timeline", "--db", str(db)]))
    assert line == f"error: {db} is a DuckDB database but not a peninsula knowledge base"


def test_timeline_on_corrupt_blocks_is_one_line(tmp_path: Path) -> None:
    db = _peninsula_db(tmp_path / "kb.duckdb")
    data = bytearray(db.read_bytes())
    for block in range(3 * 4096, len(data), 4096):  # every block past the file headers
        data[block + 64 : block + 512] = b"\xa5" * 448
    db.write_bytes(bytes(data))
    for command in (["timeline"], ["dyads"], ["actors", "list"]):
        _one_error_line(runner.invoke(app, [*command, "--db", str(db)]))


def test_export_into_a_file_or_a_linked_folder_is_one_line(tmp_path: Path) -> None:
    db = str(_peninsula_db(tmp_path / "kb.duckdb"))
    (tmp_path / "plain").write_text("x")
    line = _one_error_line(
        runner.invoke(app, ["export", "--db", db, "--out", str(tmp_path / "plain" / "out")])
    )
    assert line.startswith(f"error: cannot create {tmp_path / 'plain' / 'out'}")
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    line = _one_error_line(
        runner.invoke(app, ["export", "--db", db, "--out", str(tmp_path / "linked")])
    )
    assert "symbolic link" in line
    assert not any((tmp_path / "real").iterdir())


def test_export_and_report_say_what_they_replace(tmp_path: Path) -> None:
    db = str(_peninsula_db(tmp_path / "kb.duckdb"))
    out = tmp_path / "out"
    first = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--format", "csv"])
    assert first.exit_code == 0 and "replaced:" not in first.output
    again = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--format", "csv"])
    assert again.exit_code == 0
    assert sorted(again.stderr.splitlines()) == sorted(
        f"replaced: {out / name}" for name in os.listdir(out)
    )
    report = tmp_path / "report"
    assert runner.invoke(app, ["report", "--db", db, "--out", str(report)]).exit_code == 0
    again = runner.invoke(app, ["report", "--db", db, "--out", str(report)])
    assert again.exit_code == 0 and f"replaced: {report / 'index.html'}" in again.stderr


def test_report_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    db = str(_peninsula_db(tmp_path / "kb.duckdb"))
    report = tmp_path / "report"
    report.mkdir()
    victim = tmp_path / "victim.html"
    victim.write_text("keep")
    (report / "index.html").symlink_to(victim)
    line = _one_error_line(runner.invoke(app, ["report", "--db", db, "--out", str(report)]))
    assert line == f"error: refusing to write {report / 'index.html'}: it is a symbolic link"
    assert victim.read_text() == "keep"


@pytest.mark.skipif(_ROOT, reason=_AS_ROOT)
def test_build_in_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = _peninsula_db(folder / "kb.duckdb")
    (tmp_path / "a.txt").write_text("Seoul said on Monday it would talk.\n")
    folder.chmod(0o555)
    try:
        _one_error_line(runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--db", str(db)]))
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(_ROOT, reason=_AS_ROOT)
def test_export_into_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    db = str(_peninsula_db(tmp_path / "kb.duckdb"))
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        _one_error_line(runner.invoke(app, ["export", "--db", db, "--out", str(out)]))
        _one_error_line(runner.invoke(app, ["report", "--db", db, "--out", str(out)]))
    finally:
        out.chmod(0o755)


def test_a_store_that_cannot_write_its_log_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only database folder does to a build, for when tests run as root."""

    def no_log(*_: Any) -> None:
        raise duckdb.IOException('IO Error: Cannot open file "kb.duckdb.wal": Permission denied')

    monkeypatch.setattr(Store, "write_actors", no_log)
    (tmp_path / "a.txt").write_text("Seoul said on Monday it would talk.\n")
    db = tmp_path / "kb.duckdb"
    line = _one_error_line(runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--db", str(db)]))
    assert line.endswith("Permission denied")


def test_an_output_file_that_cannot_be_created_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an unwritable output folder does to export and report, for when tests run as root."""
    db = str(_peninsula_db(tmp_path / "kb.duckdb"))
    real_open = os.open

    def denied(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    out = tmp_path / "out"
    for command in ("export", "report"):
        line = _one_error_line(runner.invoke(app, [command, "--db", db, "--out", str(out)]))
        assert line.endswith("Permission denied")
