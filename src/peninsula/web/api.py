"""The JSON twins of the pages under `/api`, and the one write: `POST /api/articles`."""

from __future__ import annotations

import asyncio
import hmac
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam

from peninsula.errors import SettingsError
from peninsula.store.pages import SEARCH_METHOD
from peninsula.web import views
from peninsula.web.app import MAX_BODY_BYTES, WebState
from peninsula.web.paging import Filters, Window, window

__all__ = ["MAX_WAIT", "filters", "ingest", "paging", "router", "state"]

router = APIRouter(prefix="/api", tags=["api"])
ARTICLE_FIELDS = ("text", "title", "url", "published", "outlet")
MAX_WAIT = 120.0


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


def filters(
    actor: Annotated[str | None, Query(description="Actor id, name or alias")] = None,
    pair: Annotated[str | None, Query(description="Two actors, comma separated: A,B")] = None,
    since: Annotated[str | None, Query(description="YYYY, YYYY-MM, YYYY-MM-DD or words")] = None,
    until: Annotated[str | None, Query(description="Up to this date, inclusive")] = None,
    kind: Annotated[list[str] | None, Query(description="event, statement, commitment")] = None,
    category: Annotated[
        str | None, Query(description="PLOVER event type, e.g. AGREE (events only)")
    ] = None,
    modality: Annotated[
        str | None, Query(description="actual, pledged, hypothetical or negated (events only)")
    ] = None,
    code: Annotated[
        str | None, Query(description="CAMEO code or prefix: 03 keeps 030 to 039 (events only)")
    ] = None,
) -> Filters:
    return Filters.parse(actor, pair, since, until, kind or (), category, modality, code)


def paging(
    cursor: Annotated[
        str | None, Query(description="next_cursor or prev_cursor of a previous page")
    ] = None,
    offset: Annotated[int, Query(ge=0, description="Rows to skip (without a cursor)")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Window:
    """Pagination: a cursor from a previous answer, else an offset; `limit` 1 to 500."""
    return window(cursor, offset, limit)


Web = Annotated[WebState, Depends(state)]
Paging = Annotated[Window, Depends(paging)]
Filtering = Annotated[Filters, Depends(filters)]
Month = Annotated[str, PathParam(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


@router.get("/health")
def health(web: Web) -> dict[str, Any]:
    with web.reading() as store:
        counts = store.counts()
    return {"status": "ok", "documents": counts.get("documents", 0), "search": SEARCH_METHOD}


@router.get("/overview")
def overview(web: Web) -> dict[str, Any]:
    with web.reading() as store:
        return views.overview(store, web.knowledge, web.memo)


@router.get("/actors")
def actors(web: Web, at: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.actors_page(store, at)


@router.get("/actors/{actor_id}")
def actor(web: Web, actor_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.actor_page(store, web.knowledge, actor_id, web.memo)


@router.get("/events/{event_id}")
def event(web: Web, event_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.event_page(store, event_id)


@router.get("/documents")
def documents(web: Web, at: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.documents_page(store, at)


@router.get("/documents/{document_id}")
def document(web: Web, document_id: str) -> dict[str, Any]:
    with web.reading() as store:
        return views.document_page(store, document_id)


@router.get("/timeline")
def timeline(web: Web, at: Paging, where: Filtering) -> dict[str, Any]:
    """Events, statements and commitments in date order. `total` is null: pages are read up
    to their end only; follow `next_cursor`."""
    with web.reading() as store:
        return views.timeline_page(store, web.knowledge, where, at)


@router.get("/relations")
def relations(web: Web, at: Paging, where: Filtering) -> dict[str, Any]:
    with web.reading() as store:
        return views.relations_page(store, web.knowledge, where, at, web.memo)


@router.get("/relations/{a}/{b}/{month}")
def relation_point(
    web: Web, a: str, b: str, month: Month, where: Filtering, at: Paging
) -> dict[str, Any]:
    """One point of a relations chart: a pair of states in a month and the events behind it."""
    with web.reading() as store:
        return views.point_page(store, web.knowledge, a, b, month, where, at, web.memo)


@router.get("/commitments")
def commitments(web: Web, at: Paging) -> dict[str, Any]:
    with web.reading() as store:
        return views.commitments_page(store, at)


SearchKind = Literal["documents", "statements", "events", "actors"]


@router.get("/search")
def search(
    web: Web,
    at: Paging,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[SearchKind | None, Query(description="Page through one kind")] = None,
) -> dict[str, Any]:
    """Case-insensitive substring search (`method`: ilike; DuckDB's fts is not available)."""
    with web.reading() as store:
        return views.search(store, q, kind, at)


@router.get("/jobs/{job_id}")
def job(web: Web, job_id: str) -> dict[str, Any]:
    """An ingest job queued by `POST /api/articles`: queued, running, done or failed."""
    return web.jobs.get(job_id).as_dict()


@router.post("/articles", status_code=202)
async def add_articles(
    web: Web,
    request: Request,
    response: Response,
    wait: Annotated[
        float, Query(ge=0, le=MAX_WAIT, description="Seconds to wait for the job to finish")
    ] = 0,
) -> dict[str, Any]:
    """Queue one article (a JSON object), a list of them or JSON Lines for ingestion through the
    build pipeline; answers 202 with the job (`GET /api/jobs/{id}`), or with `wait`, 201 with
    the new document ids when the job finishes in time.

    Fields: text (required), title, url, published, outlet. URLs are kept as metadata and never
    fetched. Needs `Authorization: Bearer <PENINSULA_API_TOKEN>`.
    """
    _authorize(web, request)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"at most {MAX_BODY_BYTES} bytes")
    job = web.jobs.submit(_articles(bytes(body)))
    if wait and await asyncio.to_thread(web.jobs.wait, job, wait):
        response.status_code = 201 if job.status == "done" else 500
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return job.as_dict()


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


def ingest(web: WebState, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the build pipeline over `articles` (the writer thread's job): the new document ids,
    the articles read and the reasons any were skipped."""
    from peninsula.pipeline import build  # spaCy loads with the first write only

    with tempfile.TemporaryDirectory(prefix="peninsula-post-") as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        with web.writing() as store:
            mark = store.documents_mark()
            report = build([str(path)], store, web.knowledge, web.settings, date.today())
            after = store.documents_since(mark)
        web.warm()
    return {
        "documents": after,
        "read": report.read,
        "skipped": [s.reason for s in report.skipped],
    }
