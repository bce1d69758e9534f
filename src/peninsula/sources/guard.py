"""The readers' safety net: an unexpected error in one input or one record becomes one Skipped.

Known kinds of bad input are handled where they arise, each with its own reason. The net is for
the rest: a parser failing in a way nobody foresaw must cost one input (or one record of a
streamed file), never the run. With `strict=True` the net is off and the error propagates, so
tests and the fuzz benchmark see every failure the readers did not handle on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from peninsula.errors import SourceError
from peninsula.records import RawArticle, Skipped

Item = RawArticle | Skipped
_T = TypeVar("_T")


def shielded(items: Iterator[Item], where: str, strict: bool) -> Iterator[Item]:
    """`items` until the first unexpected error, which ends them with one Skipped."""
    try:
        yield from items
    except SourceError as exc:
        yield Skipped(where, str(exc))
    except Exception as exc:
        if strict:
            raise
        yield Skipped(where, unexpected(exc))


def one(where: str, strict: bool, make: Callable[..., _T], *args: Any) -> _T | Skipped:
    """`make(*args)`, or a Skipped for `where` when it raises SourceError or an unexpected error."""
    try:
        return make(*args)
    except SourceError as exc:
        return Skipped(where, str(exc))
    except Exception as exc:
        if strict:
            raise
        return Skipped(where, unexpected(exc))


def unexpected(exc: BaseException) -> str:
    return f"unreadable ({type(exc).__name__}: {first_line(exc)})"


def first_line(exc: BaseException, width: int = 80) -> str:
    """The first non-blank line of an error message, at most `width` characters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:width] if lines else type(exc).__name__
