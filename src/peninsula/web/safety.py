"""Keeping hostile text inert: the Content-Security-Policy and which URLs may become links."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["CSP", "DOCS_CSP", "http_url"]

# No scripts at all; styles only from our own stylesheet; no frames, no plugins, no foreign forms.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# FastAPI's interactive docs load Swagger UI from its CDN with one inline script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def http_url(value: object) -> str | None:
    """`value` when it is an http(s) URL with a host, else None (never a javascript: link)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value.strip()
