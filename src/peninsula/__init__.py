"""peninsula: news articles to a sourced, time-resolved knowledge base of a diplomatic situation.

The library is the product; the CLI is a thin layer over these names.
"""

from typing import TYPE_CHECKING, Any

from peninsula.errors import (
    DataFileError,
    NotFound,
    PeninsulaError,
    SettingsError,
    SourceError,
    StoreError,
)
from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
from peninsula.records import DateDecision, Document, RawArticle, Skipped
from peninsula.settings import Settings
from peninsula.store import Store

if TYPE_CHECKING:
    from peninsula.pipeline import BuildReport, build, prepare

_LAZY = frozenset({"BuildReport", "build", "prepare"})  # the build loads spaCy: on first use


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from peninsula import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'peninsula' has no attribute {name!r}")


__all__ = [
    "BuildReport",
    "DataFileError",
    "DateDecision",
    "Document",
    "Knowledge",
    "NotFound",
    "PeninsulaError",
    "RawArticle",
    "Settings",
    "SettingsError",
    "Skipped",
    "SourceError",
    "Store",
    "StoreError",
    "build",
    "default_knowledge",
    "load_knowledge",
    "prepare",
]
