"""The date a sentence gives a statement or event: its own time expression, else publication."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from peninsula.records import PartialDate, Precision, Timex

Dated = tuple[str | None, Precision | None]


def sentence_date(
    doc: Doc,
    trigger_char: int,
    timexes: Sequence[Timex],
    fallback: Dated,
    outside: tuple[int, int] | None = None,
) -> Dated:
    """The calendar date of the time expression attached to the trigger's clause, else the
    nearest one in the trigger's sentence, else `fallback` (the publication date).

    `outside` leaves out expressions within those offsets: a statement is dated by its reporting
    clause, not by the dates inside what was said."""
    token = _token_at(doc, trigger_char)
    if token is None:
        return fallback
    sentence = token.sent
    candidates = [
        (t, day)
        for t in timexes
        if t.type in ("DATE", "TIME")
        and sentence.start_char <= t.char_start < sentence.end_char
        and (day := _calendar_date(t)) is not None
        and not (outside and outside[0] <= t.char_start < outside[1])
    ]
    if not candidates:
        return fallback
    attached = [c for c in candidates if _governed_by(doc, c[0], token)]
    _, best = min(attached or candidates, key=lambda c: abs(c[0].char_start - trigger_char))
    return best.iso, best.precision


def _calendar_date(timex: Timex) -> PartialDate | None:
    """The calendar date a value names: "2025", "2025-08", "2026-01-21" (a time keeps its day).
    Durations, sets, weeks, seasons and references like PRESENT_REF do not date a happening."""
    head = timex.value[:10]
    found = PartialDate.parse(head)
    return found if found is not None and found.iso == head else None


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _governed_by(doc: Doc, timex: Timex, trigger: Token) -> bool:
    span = doc.char_span(timex.char_start, timex.char_end, alignment_mode="expand")
    if span is None:
        return False
    return trigger in list(span.root.ancestors)
