"""One document failing in a stage costs that document only: a skipped line, the rest stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import peninsula.nlp as nlp
import peninsula.pipeline as pipeline
import peninsula.pipeline.analysis as analysis
from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.records import RawArticle
from peninsula.settings import Settings
from peninsula.store import Store
from tests.conftest import TODAY

_TEXTS = {
    "a.txt": "SEOUL, March 3, 2025 -- The envoy of Ruritania met officials in Seoul on Monday.",
    "b.txt": "SEOUL, March 4, 2025 -- A poisoned marker sentence about a harbour opening.",
    "c.txt": "SEOUL, March 5, 2025 -- Officials in Pyongyang said talks would resume in April.",
}


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in _TEXTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def _build(folder: Path, settings: Settings, knowledge: Knowledge) -> pipeline.BuildReport:
    with Store(settings.db_path) as store:
        return pipeline.build([str(folder)], store, knowledge, settings, TODAY)


def _stored(settings: Settings) -> list[str]:
    with Store(settings.db_path, read_only=True) as store:
        return sorted(Path(d.path).name for d in store.documents())


def test_a_failing_analysis_skips_one_document(
    tmp_path: Path, settings: Settings, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = nlp.analyse_doc

    def flaky(doc: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        if "poisoned" in document.text:
            raise ValueError("boom\nsecond line")
        return real(doc, document, *args, **kwargs)

    monkeypatch.setattr(nlp, "analyse_doc", flaky)
    report = _build(_corpus(tmp_path), replace(settings, batch_size=10), knowledge)
    assert [(Path(s.origin).name, s.reason) for s in report.skipped] == [
        ("b.txt", "cannot analyse it (ValueError: boom)")
    ]
    assert (report.read, report.added) == (3, 2)
    assert _stored(settings) == ["a.txt", "c.txt"]


def test_a_failing_cleaning_skips_one_document(
    tmp_path: Path, settings: Settings, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.clean

    def flaky(raw: RawArticle, knowledge: Knowledge) -> Any:
        if "poisoned" in raw.text:
            raise RecursionError("too deep")
        return real(raw, knowledge)

    monkeypatch.setattr(pipeline, "clean", flaky)
    report = _build(_corpus(tmp_path), settings, knowledge)
    assert [(Path(s.origin).name, s.reason) for s in report.skipped] == [
        ("b.txt", "cannot clean or date it (RecursionError: too deep)")
    ]
    assert _stored(settings) == ["a.txt", "c.txt"]


def test_a_failing_dating_skips_one_document(
    tmp_path: Path, settings: Settings, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = analysis.resolve

    def flaky(document: Any, knowledge: Knowledge, today: date) -> Any:
        if "poisoned" in document.text:
            raise RecursionError("too deep")
        return real(document, knowledge, today)

    monkeypatch.setattr(analysis, "resolve", flaky)
    report = _build(_corpus(tmp_path), settings, knowledge)
    assert [(Path(s.origin).name, s.reason) for s in report.skipped] == [
        ("b.txt", "cannot clean or date it (RecursionError: too deep)")
    ]
    assert _stored(settings) == ["a.txt", "c.txt"]


def test_a_settings_error_still_stops_the_run(
    tmp_path: Path, settings: Settings, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise SettingsError("no model")

    monkeypatch.setattr(nlp, "analyse_doc", broken)
    with pytest.raises(SettingsError):
        _build(_corpus(tmp_path), settings, knowledge)
