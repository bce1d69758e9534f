"""Safe outputs: inert CSV cells, no write through a link, what a database file is."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peninsula.errors import StoreError
from peninsula.outputs import database_problem, neutralise_cell, open_output, output_folder


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://invented.example/x","click")',
            '\'=HYPERLINK("http://invented.example/x","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-4.5", "-4.5"),
        ("+7", "+7"),
        ("-1e3", "-1e3"),
        ("Seoul said on Monday", "Seoul said on Monday"),
        ("a = b", "a = b"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_formula_cells_get_a_leading_quote(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(text: str) -> None:
    cell = neutralise_cell(text)
    if cell and cell[0] in "=+-@\t\r":
        assert cell[0] in "+-" and float(cell) == float(cell)
    assert cell in (text, "'" + text)


def test_open_output_creates_then_replaces(tmp_path: Path) -> None:
    with open_output(tmp_path / "out", "a.csv") as (stream, replaced):
        stream.write("first and longer\n")
    assert not replaced
    with open_output(tmp_path / "out", "a.csv") as (stream, replaced):
        stream.write("second\n")
    assert replaced
    assert (tmp_path / "out" / "a.csv").read_text() == "second\n"


def test_open_output_refuses_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"), open_output(out, "a.csv"):
        pass
    (out / "dangling.csv").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(StoreError, match="symbolic link"), open_output(out, "dangling.csv"):
        pass
    assert victim.read_text() == "keep me"
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_linked_output_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    with pytest.raises(StoreError, match="symbolic link"):
        output_folder(tmp_path / "linked")
    with pytest.raises(StoreError, match="symbolic link"), open_output(tmp_path / "linked", "x"):
        pass
    assert not any(real.iterdir())


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        output_folder(tmp_path / "plain")
    with pytest.raises(StoreError, match="cannot create"):
        output_folder(tmp_path / "plain" / "below")


def test_database_problem_names_what_a_file_is(tmp_path: Path) -> None:
    lite = tmp_path / "kb.sqlite"
    with sqlite3.connect(lite) as con:
        con.execute("CREATE TABLE t (a)")
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n")
    good = tmp_path / "good.duckdb"
    duckdb.connect(str(good)).close()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(good.read_bytes()[:5000])
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.duckdb"
    noise.write_bytes(bytes(range(256)) * 4)
    link = tmp_path / "broken.duckdb"
    link.symlink_to(tmp_path / "missing")
    assert database_problem(lite) == f"{lite} is a SQLite database, not a DuckDB database"
    assert database_problem(text) == f"{text} is a text file, not a DuckDB database"
    assert database_problem(cut) == f"{cut} is a truncated DuckDB database (5000 bytes)"
    assert database_problem(tmp_path) == f"{tmp_path} is a folder, not a database file"
    assert database_problem(noise) == f"{noise} is not a DuckDB database"
    assert database_problem(link) == f"{link} is a broken symbolic link"
    assert database_problem(good) is None
    assert database_problem(empty) is None
    assert database_problem(tmp_path / "new.duckdb") is None
    assert os.path.exists(good)


def test_a_hard_link_to_an_output_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    other = tmp_path / "other.txt"
    other.write_text("keep")
    os.link(other, out / "a.csv")
    with open_output(out, "a.csv") as (stream, replaced):
        stream.write("new")
    assert replaced and other.read_text() == "keep"
    assert (out / "a.csv").read_text() == "new"


def test_a_folder_in_place_of_an_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.csv").mkdir()
    with pytest.raises(StoreError, match="not a regular file"), open_output(tmp_path, "a.csv"):
        pass
