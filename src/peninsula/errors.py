"""The exception hierarchy. Every error peninsula raises on purpose is a PeninsulaError.

PeninsulaError
├── SettingsError        a bad environment variable or settings value
├── SourceError          an input that cannot become an article (binary, empty, undecodable, ...)
├── DataFileError        a knowledge file is invalid; names the file and line
├── StoreError           the database cannot be opened or written
│   └── StoreOutdated    a store built by an older peninsula, opened read-only
└── NotFound             an id or name that is not in the store
"""

from __future__ import annotations

from pathlib import Path


class PeninsulaError(Exception):
    """Base of every error peninsula raises on purpose."""


class SettingsError(PeninsulaError):
    """A setting (environment variable or option) has an invalid value."""


class SourceError(PeninsulaError):
    """An input could not be turned into an article; the message is the reason."""


class DataFileError(PeninsulaError):
    """A knowledge file is invalid. The message starts with `file:line:`."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class StoreError(PeninsulaError):
    """The store could not be opened, read or written."""


class StoreOutdated(StoreError):
    """A store of an older schema was opened read-only: it must be opened for writing once
    (migrated, its merged records computed) before it can be read."""


class NotFound(PeninsulaError):
    """A requested document, actor or other record does not exist."""
