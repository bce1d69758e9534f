from __future__ import annotations

from pathlib import Path

import pytest

from peninsula.errors import SettingsError
from peninsula.settings import Settings


def test_defaults_and_overrides() -> None:
    assert Settings.from_env({}).db_path == Path("peninsula.duckdb")
    settings = Settings.from_env(
        {"PENINSULA_DB": "x.duckdb", "PENINSULA_MAX_INPUT_MB": "2", "PENINSULA_WORKERS": "3"}
    )
    assert (settings.db_path, settings.max_input_bytes, settings.workers) == (
        Path("x.duckdb"),
        2 * 1024 * 1024,
        3,
    )


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_numbers_are_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="PENINSULA_WORKERS"):
        Settings.from_env({"PENINSULA_WORKERS": value})


@pytest.mark.parametrize(("raw", "on"), [("off", False), ("0", False), ("ON", True), ("1", True)])
def test_embeddings_switch(raw: str, on: bool) -> None:
    assert Settings.from_env({}).embeddings is True
    assert Settings.from_env({"PENINSULA_EMBEDDINGS": raw}).embeddings is on


def test_bad_embeddings_switch_is_refused() -> None:
    with pytest.raises(SettingsError, match="PENINSULA_EMBEDDINGS"):
        Settings.from_env({"PENINSULA_EMBEDDINGS": "maybe"})


def test_event_classifier_is_off_unless_asked() -> None:
    assert Settings.from_env({}).event_classifier is False
    assert Settings.from_env({"PENINSULA_EVENT_CLASSIFIER": "on"}).event_classifier is True


def test_every_environment_variable_is_described_and_shown_in_help() -> None:
    import re
    from pathlib import Path

    from typer.testing import CliRunner

    import peninsula.settings as module
    from peninsula.cli import app

    read = set(re.findall(r'"(PENINSULA_[A-Z_]+)"', Path(module.__file__).read_text()))
    assert read == set(module.ENVIRONMENT)
    shown = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    assert all(name in shown for name in module.ENVIRONMENT)


def test_the_settings_model_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PENINSULA_BATCH_SIZE", "5")
    monkeypatch.setenv("PENINSULA_API_TOKEN", "")  # empty: as if unset
    settings = Settings.from_env()
    assert (settings.batch_size, settings.api_token) == (5, None)
    assert Settings.from_env({}).batch_size == 64  # a given mapping alone, not the process's


def test_the_model_has_one_field_per_described_variable() -> None:
    import peninsula.settings as module

    fields = module._model().model_fields.values()
    assert {f.validation_alias for f in fields} == set(module.ENVIRONMENT)
    assert all(f.description == module.ENVIRONMENT[f.validation_alias] for f in fields)


def test_importing_settings_leaves_pydantic_unloaded() -> None:
    import subprocess
    import sys

    code = "import sys, peninsula.settings; print('pydantic' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
