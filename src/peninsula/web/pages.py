"""The server-rendered HTML pages (no JavaScript); each has a JSON twin in `web.api`."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from peninsula.web import views
from peninsula.web.api import Filtering, Month, Paging, SearchKind, Web

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/static/web.css")
def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css")


@functools.cache
def _stylesheet() -> str:
    return (resources.files("peninsula") / "templates" / "web" / "web.css").read_text("utf-8")


@router.get("/", response_class=HTMLResponse)
def overview(web: Web) -> HTMLResponse:
    with web.reading() as store:
        data = views.overview(store, web.knowledge, web.memo)
    return web.render("overview.html", title="Overview", data=data)


@router.get("/actors", response_class=HTMLResponse)
def actors(web: Web, at: Paging, request: Request) -> HTMLResponse:
    with web.reading() as store:
        data = views.actors_page(store, at)
    return web.render("actors.html", title="Actors", data=data, url=request.url)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor(web: Web, actor_id: str) -> HTMLResponse:
    with web.reading() as store:
        data = views.actor_page(store, web.knowledge, actor_id, web.memo)
    return web.render("actor.html", title=data["actor"]["name"], data=data)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(web: Web, event_id: str) -> HTMLResponse:
    with web.reading() as store:
        data = views.event_page(store, event_id)
    return web.render("event.html", title=data["summary"] or data["id"], data=data)


@router.get("/documents", response_class=HTMLResponse)
def documents(web: Web, at: Paging, request: Request) -> HTMLResponse:
    with web.reading() as store:
        data = views.documents_page(store, at)
    return web.render("documents.html", title="Documents", data=data, url=request.url)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document(web: Web, document_id: str) -> HTMLResponse:
    with web.reading() as store:
        data = views.document_page(store, document_id)
    return web.render("document.html", title=data["title"] or data["id"], data=data)


@router.get("/timeline", response_class=HTMLResponse)
def timeline(web: Web, at: Paging, where: Filtering, request: Request) -> HTMLResponse:
    with web.reading() as store:
        data = views.timeline_page(store, web.knowledge, where, at)
    return web.render(
        "timeline.html", title="Timeline", data=data, url=request.url, where=request.query_params
    )


@router.get("/relations", response_class=HTMLResponse)
def relations(web: Web, at: Paging, where: Filtering, request: Request) -> HTMLResponse:
    with web.reading() as store:
        data = views.relations_page(store, web.knowledge, where, at, web.memo)
    return web.render(
        "relations.html", title="Relations", data=data, url=request.url, where=request.query_params
    )


@router.get("/relations/{a}/{b}/{month}", response_class=HTMLResponse)
def relation_point(
    web: Web, a: str, b: str, month: Month, where: Filtering, at: Paging, request: Request
) -> HTMLResponse:
    with web.reading() as store:
        data = views.point_page(store, web.knowledge, a, b, month, where, at, web.memo)
    return web.render("point.html", title=f"{a}–{b}, {month}", data=data, url=request.url)


@router.get("/commitments", response_class=HTMLResponse)
def commitments(web: Web, at: Paging, request: Request) -> HTMLResponse:
    with web.reading() as store:
        data = views.commitments_page(store, at)
    return web.render("commitments.html", title="Commitments", data=data, url=request.url)


@router.get("/search", response_class=HTMLResponse)
def search(
    web: Web,
    at: Paging,
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: SearchKind | None = None,
) -> HTMLResponse:
    with web.reading() as store:
        data = views.search(store, q, kind, at)
    return web.render("search.html", title="Search", data=data, url=request.url)
