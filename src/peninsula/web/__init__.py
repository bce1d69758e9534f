"""`peninsula serve`: the knowledge base as web pages and a JSON API (FastAPI, Jinja2)."""

from __future__ import annotations

from peninsula.web.app import create_app

__all__ = ["create_app"]
