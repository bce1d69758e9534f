"""Pagination for the pages and the API: an opaque cursor, and the filters of the CLI.

A cursor is a URL-safe token the client hands back unchanged (`next_cursor`, `prev_cursor`). It
carries an offset into the list and, for the timeline, the key of the last row shown
(`query.cursor`): the next page is then read from just after that row (`timeline(after=...)`),
so a deep page costs what the first does and stays put while rows are added before it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peninsula.errors import SettingsError
from peninsula.filters import MODALITIES, date_range
from peninsula.query import KINDS

__all__ = ["Filters", "Window", "decode_cursor", "decode_key", "encode_cursor", "window"]


@dataclass(frozen=True, slots=True)
class Filters:
    """The CLI's filters: actor, pair (two actors), since, until, kinds, and the event filters
    code (a CAMEO code or prefix), category (a PLOVER type, any case) and modality. With any
    of those three, only events are kept (they are what those filters describe)."""

    actor: str | None = None
    pair: tuple[str, str] | None = None
    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = KINDS
    category: str | None = None
    modality: str | None = None
    code: str | None = None

    @classmethod
    def parse(
        cls,
        actor: str | None = None,
        pair: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kinds: Sequence[str] = (),
        category: str | None = None,
        modality: str | None = None,
        code: str | None = None,
    ) -> Filters:
        """Filters from query parameters (empty values mean no filter); SettingsError names a
        bad one."""
        both: tuple[str, str] | None = None
        if pair and pair.strip():
            sides = [p.strip() for p in pair.split(",") if p.strip()]
            if len(sides) != 2:
                raise SettingsError(f"pair must be two actors separated by a comma, got {pair!r}")
            both = (sides[0], sides[1])
        unknown = [k for k in kinds if k and k not in KINDS]
        if unknown:
            raise SettingsError(f"unknown kind {unknown[0]!r}: use one of {', '.join(KINDS)}")
        modality = (modality or "").strip() or None
        if modality is not None and modality not in MODALITIES:
            raise SettingsError(
                f"modality must be one of {', '.join(MODALITIES)}, got {modality!r}"
            )
        code = (code or "").strip() or None
        if code is not None and not re.fullmatch(r"\d{2,4}", code):
            raise SettingsError(f"code must be a CAMEO code of 2 to 4 digits, got {code!r}")
        low, high = date_range((since or "").strip() or None, (until or "").strip() or None)
        return cls(
            actor=(actor or "").strip() or None,
            pair=both,
            since=low,
            until=high,
            kinds=tuple(k for k in kinds if k) or KINDS,
            category=(category or "").strip().upper() or None,
            modality=modality,
            code=code,
        )

    @property
    def events_only(self) -> bool:
        return self.category is not None or self.modality is not None or self.code is not None


@dataclass(frozen=True, slots=True)
class Window:
    """Where a page starts and how long it is; `key` (a timeline row's `query.cursor`) when the
    page starts just after that row."""

    offset: int
    limit: int
    key: str | None = None


def encode_cursor(offset: int, key: str | None = None) -> str:
    values: dict[str, Any] = {"o": offset} if key is None else {"o": offset, "k": key}
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(cursor: str) -> str | None:
    """The row key in a cursor made by `encode_cursor`, None when it carries only an offset."""
    decode_cursor(cursor)  # refuses what this server did not give
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    key = json.loads(raw).get("k")
    if key is not None and not isinstance(key, str):
        raise SettingsError("cursor is not one this server gave")
    return key


def decode_cursor(cursor: str) -> int:
    """The offset in a cursor made by `encode_cursor`; SettingsError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise SettingsError("cursor is not one this server gave") from None
    if not isinstance(offset, int) or offset < 0:
        raise SettingsError("cursor is not one this server gave")
    return offset


def window(cursor: str | None, offset: int, limit: int) -> Window:
    """The page a request asks for: its cursor, else its offset."""
    if not cursor:
        return Window(offset, limit)
    return Window(decode_cursor(cursor), limit, decode_key(cursor))


def page(
    items: Sequence[Any],
    at: Window,
    total: int | None,
    more: bool | None = None,
    next_key: str | None = None,
) -> dict[str, Any]:
    """The JSON shape of every list: items, offset, limit, total (None when it would cost a
    full read), and the cursors of the next and previous pages (None at either end)."""
    if more is None:
        more = total is not None and at.offset + len(items) < total
    return {
        "items": list(items),
        "total": total,
        "offset": at.offset,
        "limit": at.limit,
        "next_cursor": encode_cursor(at.offset + at.limit, next_key) if more else None,
        "prev_cursor": encode_cursor(max(at.offset - at.limit, 0)) if at.offset > 0 else None,
    }
