"""Lines of a byte stream with a cap: a line longer than the cap is passed over, never held."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

# How much of an over-long line is read at a time while passing over it.
_DRAIN_CHUNK = 1 << 20


def capped_lines(stream: IO[bytes], cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line of `stream`; the line is None when it is longer than
    `cap` bytes (not counting its line break), and then the rest of it has been read past."""
    number = 0
    while line := stream.readline(cap + 1):
        number += 1
        if len(line) <= cap or line.endswith(b"\n"):
            yield number, line
            continue
        while (chunk := stream.readline(_DRAIN_CHUNK)) and not chunk.endswith(b"\n"):
            pass
        yield number, None
