"""The JSON twins of the pages under `/api`, and the one write: `POST /api/articles`."""

from __future__ import annotations

import hmac
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from peninsula.errors import SettingsError
from peninsula.query import KINDS
from peninsula.web import views
from peninsula.web.app import MAX_BODY_BYTES, WebState

__all__ = ["Page", "filters", "router", "state"]

router = APIRouter(prefix="/api", tags=["api"])
ARTICLE_FIELDS = ("text", "title", "url", "published", "outlet")


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


def filters(
    actor: Annotated[str | None, Query(description="Actor id, name or alias")] = None,
    pair: Annotated[str | None, Query(description="Two actors, comma separated: A,B")] = None,
    since: Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    kind: Annotated[list[str] | None, Query(description="event, statement, commitment")] = None,
) -> views.Filters:
    both: tuple[str, str] | None = None
    if pair:
        sides = [p.strip() for p in pair.split(",") if p.strip()]
        if len(sides) != 2:
            raise SettingsError(f"pair must be two actors separated by a comma, got {pair!r}")
        both = (sides[0], sides[1])
    kinds = tuple(k for k in (kind or []) if k) or KINDS
    return views.Filters(
        actor=actor or None, pair=both, since=since or None, until=until or None, kinds=kinds
    )


class Page:
    """Offset pagination: `offset` from 0, `limit` 1 to 500."""

    def __init__(
        self,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> None:
        self.offset = offset
        self.limit = limit


Web = Annotated[WebState, Depends(state)]
Paging = Annotated[Page, Depends(Page)]
Filtering = Annotated[views.Filters, Depends(filters)]


@router.get("/health")
def health(web: Web) -> dict[str, Any]:
    with web.reading() as store:
        counts = store.counts()
    return {"status": "ok", "documents": counts.get("documents", 0)}


@router.get("/overview")
def overview(web: Web) -> dict[str, Any]:
    with web.reading() as store:
        return views.overview(store, web.knowledge)


@router.get("/actors")
def actors(web: Web, paging: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.actors_page(store, paging.offset, paging.limit)


@router.get("/actors/{actor_id}")
def actor(web: Web, actor_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.actor_page(store, web.knowledge, actor_id)


@router.get("/events/{event_id}")
def event(web: Web, event_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.event_page(store, event_id)


@router.get("/documents")
def documents(web: Web, paging: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.documents_page(store, paging.offset, paging.limit)


@router.get("/documents/{document_id}")
def document(web: Web, document_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.document_page(store, document_id)


@router.get("/timeline")
def timeline(web: Web, paging: Paging, where: Filtering) -> dict[str, Any]:
    with web.reading() as store:
        return views.timeline_page(store, web.knowledge, where, paging.offset, paging.limit)


@router.get("/relations")
def relations(web: Web, paging: Paging, where: Filtering) -> dict[str, Any]:
    with web.reading() as store:
        return views.relations_page(store, web.knowledge, where, paging.offset, paging.limit)


@router.get("/commitments")
def commitments(web: Web, paging: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.commitments_page(store, paging.offset, paging.limit)


@router.get("/search")
def search(web: Web, q: Annotated[str, Query(max_length=200)] = "") -> dict[str, Any]:
    with web.reading() as store:
        return views.search(store, q)


@router.post("/articles", status_code=201)
async def add_articles(web: Web, request: Request) -> dict[str, Any]:
    """Ingest one article (a JSON object) or JSON Lines of them through the build pipeline.

    Fields: text (required), title, url, published, outlet. URLs are kept as metadata and never
    fetched. Needs `Authorization: Bearer <PENINSULA_API_TOKEN>`.
    """
    _authorize(web, request)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"at most {MAX_BODY_BYTES} bytes")
    articles = _articles(bytes(body))
    return _ingest(web, articles)


def _authorize(web: WebState, request: Request) -> None:
    token = web.settings.api_token
    if not token:
        raise HTTPException(403, "writes are closed: set PENINSULA_API_TOKEN to open them")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer "):
        raise HTTPException(401, "send Authorization: Bearer <token>")
    if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        raise HTTPException(403, "wrong token")


def _articles(body: bytes) -> list[dict[str, Any]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsError("the body must be UTF-8 JSON or JSON Lines") from None
    try:
        parsed = json.loads(text)
        items = parsed if isinstance(parsed, list) else [parsed]
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SettingsError(f"not JSON or JSON Lines: {exc.msg}") from None
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise SettingsError(f"article {i}: an object with a text field is needed")
        if not item["text"].strip():
            raise SettingsError(f"article {i}: the text is empty")
        extra = {k: item[k] for k in ARTICLE_FIELDS if item.get(k) is not None}
        if not all(isinstance(v, str) for v in extra.values()):
            raise SettingsError(f"article {i}: {', '.join(ARTICLE_FIELDS)} must be strings")
        out.append(extra)
    if not out:
        raise SettingsError("no articles in the body")
    return out


def _ingest(web: WebState, articles: list[dict[str, Any]]) -> dict[str, Any]:
    from peninsula.pipeline import build  # spaCy loads with the first write only

    with tempfile.TemporaryDirectory(prefix="peninsula-post-") as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        with web.writing() as store:
            before = {d.id for d in store.documents()}
            report = build([str(path)], store, web.knowledge, web.settings, date.today())
            after = [d.id for d in store.documents() if d.id not in before]
    return {
        "documents": after,
        "read": report.read,
        "skipped": [s.reason for s in report.skipped],
    }
