"""peninsula: news articles to a sourced, time-resolved knowledge base of a diplomatic situation.

The library is the product; the CLI is a thin layer over these names.
"""

from peninsula.errors import (
    DataFileError,
    NotFound,
    PeninsulaError,
    SettingsError,
    SourceError,
    StoreError,
)
from peninsula.knowledge import Knowledge, default_knowledge, load_knowledge
from peninsula.pipeline import BuildReport, build, prepare
from peninsula.records import DateDecision, Document, RawArticle, Skipped
from peninsula.settings import Settings
from peninsula.store import Store

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
