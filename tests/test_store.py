"""The store: atomic batches, exports with the contract's columns, clear errors."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from peninsula.errors import NotFound, StoreError
from peninsula.knowledge import Knowledge
from peninsula.nlp import EMPTY
from peninsula.pipeline import prepare
from peninsula.records import Document, Mention, RawArticle
from peninsula.store import EXPORT_COLUMNS, Store
from peninsula.store.writes import Writer


def doc(text: str, knowledge: Knowledge) -> Document:
    return prepare(
        RawArticle(origin=f"/in/{len(text)}.txt", text=text), knowledge, date(2026, 11, 22)
    )


def test_a_failing_batch_is_rolled_back_whole(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = doc("Seoul said on Monday it would talk.", knowledge)
    second = doc("Pyongyang said on Tuesday it would not.", knowledge)
    third = doc("Tokyo said on Friday it would watch.", knowledge)
    mention = Mention(second.id, 0, 9, "Pyongyang", "GPE", None, "ner")
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_batch([(first, EMPTY)])
        original = Writer.insert_mentions

        def crash(self: Writer, mentions: object) -> None:
            if mentions:
                raise KeyboardInterrupt
            original(self, mentions)  # type: ignore[arg-type]

        monkeypatch.setattr(Writer, "insert_mentions", crash)
        with pytest.raises(KeyboardInterrupt):
            store.write_batch([(third, EMPTY), (second, replace(EMPTY, mentions=[mention]))])
        assert store.counts() == {**store.counts(), "documents": 1, "mentions": 0}


def test_export_writes_every_contract_file_in_every_format(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    document = doc(
        "Seoul, Jan 1 (IANS) South Korean President Lee Jae Myung said on Thursday.", knowledge
    )
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_batch([(document, EMPTY)])
        for fmt in ("jsonl", "csv", "parquet"):
            written = store.export(tmp_path / fmt, fmt)  # type: ignore[arg-type]
            assert [p.name for p in written] == [f"{t}.{fmt}" for t in EXPORT_COLUMNS]
    [row] = [
        json.loads(line)
        for line in (tmp_path / "jsonl" / "documents.jsonl").read_text().splitlines()
    ]
    assert list(row) == list(EXPORT_COLUMNS["documents"])
    assert row["published"] == "2026-01-01"
    assert row["date_evidence"][0]["signal"] == "dateline"
    with (tmp_path / "csv" / "documents.csv").open() as handle:
        [csv_row] = list(csv.DictReader(handle))
    assert json.loads(csv_row["date_evidence"]) == row["date_evidence"]
    with (tmp_path / "csv" / "events.csv").open() as handle:
        assert next(csv.reader(handle)) == list(EXPORT_COLUMNS["events"])


def test_reading_a_missing_database_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="run 'peninsula build' first"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("just text")
    with pytest.raises(StoreError, match="is a text file, not a DuckDB database"):
        Store(path)


def test_document_by_prefix(tmp_path: Path, knowledge: Knowledge) -> None:
    document = doc("Seoul said on Monday it would talk.", knowledge)
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_batch([(document, EMPTY)])
        assert store.document(document.id[:6]).id == document.id
        with pytest.raises(NotFound):
            store.document("zzzz")


def test_connections_never_fetch_nor_load_extensions(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.duckdb") as store:
        settings = store._con.execute(
            "SELECT current_setting('autoinstall_known_extensions'),"
            " current_setting('autoload_known_extensions')"
        ).fetchone()
    assert settings == (False, False)


def test_csv_export_cells_are_inert_and_links_are_refused(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    document = doc(
        '=HYPERLINK("http://invented.example/x","open")\n+cmd|\' /C calc\'!A0 is what it said.'
        "\n@SUM(1+1) was typed in Seoul on Monday.",
        knowledge,
    )
    out = tmp_path / "out"
    replaced: list[Path] = []
    with Store(tmp_path / "kb.duckdb") as store:
        store.write_batch([(document, EMPTY)])
        store.export(out, "csv", on_replace=replaced.append)
        assert replaced == []
        store.export(out, "csv", on_replace=replaced.append)
        assert replaced == [out / f"{t}.csv" for t in EXPORT_COLUMNS]
        victim = tmp_path / "victim.txt"
        victim.write_text("keep")
        (out / "actors.csv").unlink()
        (out / "actors.csv").symlink_to(victim)
        with pytest.raises(StoreError, match="symbolic link"):
            store.export(out, "csv")
    assert victim.read_text() == "keep"
    with (out / "documents.csv").open(newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["title"].startswith("'=HYPERLINK(")
    assert row["text"].startswith("'+cmd|")
    for cells in _csv_cells(out):
        assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for c in cells)


def _csv_cells(folder: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    for path in folder.glob("*.csv"):
        with path.open(newline="") as handle:
            rows.extend(csv.reader(handle))
    return rows
