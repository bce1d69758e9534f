"""A document's text cut into pieces at the stored offsets of its statements and events, so a
template can wrap each piece in the marks that cover it (outermost first) and escape the text.

Spans outside the text, empty or reversed are left out (a stored offset never breaks a page).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Span", "segments"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the text to mark: `kind` (statement, event), where it links and its label."""

    start: int
    end: int
    kind: str
    href: str
    label: str


def segments(text: str, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """`text` as consecutive pieces `{"text", "marks"}`; `marks` lists the spans covering the
    piece, longest first, as dicts (kind, href, label)."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out: list[dict[str, Any]] = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted(
            (s for s in valid if s.start <= start and end <= s.end),
            key=lambda s: (-(s.end - s.start), s.start, s.kind),
        )
        out.append(
            {
                "text": text[start:end],
                "marks": [{"kind": s.kind, "href": s.href, "label": s.label} for s in covering],
            }
        )
    return out
