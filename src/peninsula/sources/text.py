"""Plain-text wire copy: the whole file is one article."""

from __future__ import annotations

from peninsula.records import RawArticle
from peninsula.sources.decode import decode_bytes


def read_text(data: bytes, origin: str) -> RawArticle:
    return RawArticle(origin=origin, text=decode_bytes(data), source_kind="text")
