"""The FastAPI application behind `peninsula serve`: HTML pages, their JSON twins under `/api`.

One process serves one DuckDB file. Reads share one read-only connection, opened on first use
and kept; a write (a job of `POST /api/articles`, run by the one writer thread of `web.jobs`)
closes it and opens the store for writing. Both happen under one lock, so a reader never sees a
write half done (readers wait while a job writes). While the server holds the file, DuckDB's file
lock keeps other processes (a `peninsula build`) from writing to it; they get one clear line.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from peninsula.errors import NotFound, PeninsulaError, SettingsError
from peninsula.knowledge import Knowledge, load_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from peninsula.web import views
from peninsula.web.jobs import Jobs
from peninsula.web.safety import CSP, DOCS_CSP, http_url
from peninsula.web.views import Memo

__all__ = ["MAX_BODY_BYTES", "WebState", "create_app"]

MAX_BODY_BYTES = 2 * 1024 * 1024


@dataclass
class WebState:
    """What every request needs: the store's path, the knowledge, the settings, one lock."""

    db_path: Path
    knowledge: Knowledge
    settings: Settings
    templates: jinja2.Environment
    lock: threading.RLock
    reader: Store | None = None
    queue: Jobs | None = None
    memo: Memo = field(default_factory=dict)  # dyad months by filters, until the next write
    warmed: threading.Event = field(default_factory=threading.Event)
    stopped: bool = False  # the server is shutting down: nothing opens the store again

    @property
    def jobs(self) -> Jobs:
        if self.queue is None:
            raise RuntimeError("the app has no ingest queue")
        return self.queue

    @contextmanager
    def reading(self) -> Iterator[Store]:
        with self.lock:
            if self.reader is None:
                self.reader = Store(self.db_path, read_only=True)
            yield self.reader

    @contextmanager
    def writing(self) -> Iterator[Store]:
        with self.lock:
            self.close()
            try:
                with Store(self.db_path) as store:
                    yield store
            finally:
                self.memo.clear()

    def warm(self) -> None:
        """Compute the dyad months the overview and the relations read (`views.warm`) in a
        thread of their own, so that no request waits for them unless it comes first; at
        start and after each write. `warmed` is set when they are kept."""
        self.warmed.clear()
        threading.Thread(target=self._warm, name="peninsula-warm", daemon=True).start()

    def _warm(self) -> None:
        try:
            with self.lock:
                if not self.stopped:
                    with self.reading() as store:
                        views.warm(store, self.knowledge, self.memo)
        except PeninsulaError:
            pass  # the request that reads them meets the same error and answers it
        finally:
            self.warmed.set()

    def close(self) -> None:
        with self.lock:
            if self.reader is not None:
                self.reader.close()
                self.reader = None

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)


def create_app(
    db_path: Path, token: str | None = None, settings: Settings | None = None
) -> FastAPI:
    """The app over the store at `db_path`; writes open only when `token` is given."""
    from peninsula.web import api, pages  # routers import this module's WebState

    settings = settings or Settings.from_env()
    if token is not None:
        settings = replace(settings, api_token=token)
    if not Path(db_path).exists():
        raise NotFound(f"no database at {db_path} (run 'peninsula build' first)")
    state = WebState(
        db_path=Path(db_path),
        knowledge=load_knowledge(settings.actors_files),
        settings=settings,
        templates=_templates(),
        lock=threading.RLock(),
    )
    state.queue = Jobs(lambda articles: api.ingest(state, articles))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        with state.reading():
            pass  # hold the file from the start: a `peninsula build` elsewhere cannot write
        state.warm()
        yield
        state.jobs.close()  # the jobs already queued finish first
        with state.lock:
            state.stopped = True
            state.close()

    app = FastAPI(
        lifespan=lifespan,
        title="peninsula",
        summary="Korean Peninsula diplomacy: actors, statements, events, commitments, relations",
        version="1",
    )
    app.state.web = state
    app.include_router(api.router)
    app.include_router(pages.router)
    _install_errors(app)

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            response: Response = _error(413, "too_large", f"at most {MAX_BODY_BYTES} bytes")
        else:
            response = await call_next(request)
        docs = request.url.path in ("/docs", "/redoc")
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("peninsula", "templates/web"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["http_url"] = http_url
    return env


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _reply(request: Request, status: int, code: str, message: str) -> Response:
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        return _error(status, code, message)
    state: WebState = request.app.state.web
    return state.render("error.html", status=status, status_code=status, message=message)


def _install_errors(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> Response:
        return _reply(request, 404, "not_found", str(exc))

    async def bad_filter(request: Request, exc: Exception) -> Response:
        return _reply(request, 422, "invalid", str(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        parts = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        return _reply(request, 422, "invalid", "; ".join(parts) or "invalid request")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        code = codes.get(exc.status_code, "http_error")
        return _reply(request, exc.status_code, code, str(exc.detail))

    async def other(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, PeninsulaError) else "internal error"
        return _reply(request, 500, "internal", message)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(SettingsError, bad_filter)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, other)
