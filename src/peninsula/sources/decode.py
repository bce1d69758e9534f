"""Bytes to text: refuse binary, detect the charset, never guess silently."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from peninsula.errors import SourceError

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"SQLite format 3",
    b"DUCK",
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# What the codecs say when the data ends inside a character.
_CUT_SHORT = ("truncated data", "unexpected end of data")


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data` to text or raise SourceError with a one-line reason.

    Order: BOM, then UTF-8, then the declared charset (HTTP/meta), then detection. Text with
    NUL bytes or a known binary signature is refused rather than decoded into garbage.
    """
    if not data.strip():
        raise SourceError("empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decode_marked(data, encoding))
    if looks_binary(data):
        raise SourceError("binary content, not text")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return _checked(data.decode(declared))
        except (LookupError, ValueError):
            pass
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise SourceError("cannot detect the text encoding")
    try:
        return _checked(data.decode(best.encoding))
    except (LookupError, ValueError):
        raise SourceError(f"undecodable text (detected {best.encoding})") from None


def _decode_marked(data: bytes, encoding: str) -> str:
    """Text that starts with a byte-order mark. A file cut inside its last character loses that
    character; any other invalid sequence means the mark lied, and the input is refused."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end < len(data) or exc.reason not in _CUT_SHORT:
            raise SourceError(f"invalid {exc.encoding} text after its byte-order mark") from None
        return data[: exc.start].decode(encoding)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC):
        return True
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def _checked(text: str) -> str:
    if not text.strip():
        raise SourceError("empty input")
    if "\x00" in text:
        raise SourceError("binary content, not text")
    return text


def describe_size(size: int) -> str:
    """A byte count as people say it: 512 bytes, 40 KB, 500 MB."""
    for unit, scale in (("MB", 1_048_576), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.0f} {unit}"
    return f"{size} bytes"


def too_large(what: str, size: int | None, limit: int) -> str:
    stated = f" ({describe_size(size)} > {describe_size(limit)} limit)" if size else ""
    return f"{what} too large{stated}" if size else f"{what} larger than {describe_size(limit)}"
