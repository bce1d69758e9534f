"""peninsula: news articles to a sourced, time-resolved knowledge base of a diplomatic situation.

The library is the product; the CLI is a thin layer over these names. In a notebook:

    import peninsula
    peninsula.build(["articles/"], db="kb.duckdb")
    kb = peninsula.open("kb.duckdb")
    kb.events(actor="North Korea", since="June 2025")  # a pandas DataFrame
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from peninsula.errors import (
    DataFileError,
    NotFound,
    PeninsulaError,
    SettingsError,
    SourceError,
    StoreError,
)
from peninsula.records import DateDecision, Document, RawArticle, Skipped
from peninsula.settings import Settings

if TYPE_CHECKING:
    from peninsula.api import KnowledgeBase, build, open
    from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
    from peninsula.pipeline import BuildReport, prepare
    from peninsula.store import Store

try:
    __version__ = version("peninsula")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_FROM_PIPELINE = frozenset({"BuildReport", "prepare"})  # the build loads spaCy: on first use
_FROM_API = frozenset({"KnowledgeBase", "build", "open"})  # pandas loads with the first query
_FROM_KNOWLEDGE = frozenset({"Knowledge", "default_knowledge", "load_knowledge"})


def __getattr__(name: str) -> Any:
    if name in _FROM_PIPELINE:
        from peninsula import pipeline

        return getattr(pipeline, name)
    if name in _FROM_API:
        from peninsula import api

        return getattr(api, name)
    if name in _FROM_KNOWLEDGE:
        from peninsula import knowledge

        return getattr(knowledge, name)
    if name == "Store":  # DuckDB loads with the store, not with `import peninsula`
        from peninsula.store import Store

        return Store
    raise AttributeError(f"module 'peninsula' has no attribute {name!r}")


__all__ = [
    "BuildReport",
    "DataFileError",
    "DateDecision",
    "Document",
    "Knowledge",
    "KnowledgeBase",
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
    "open",
    "prepare",
]
