"""The FastAPI application: the API under ``/api``, its docs, and the web UI at ``/``.

>>> app = create_app(Path("frontwatch.duckdb"), settings=load_settings())  # doctest: +SKIP

The app shares the store with other processes (docs/store.md): it reads it into an index when
it is created and keeps the index in step while it runs (:mod:`.backend`). Review writes are off
unless ``review`` is set, and then need ``review_token`` (:mod:`.review`). Static files come
only from fixed folders of the installed package (the web UI, the Swagger UI bundle): no route
takes a file path from a user.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from ..about import __version__
from ..gazetteer.labels import PlaceLabels
from ..settings import Settings
from ..situation import cluster_events
from ..store import Store
from . import review as review_routes
from .backend import Backend, ExtractFn
from .errors import ApiCode, ApiError, install_handlers
from .exports import ExportFlights
from .headers import SECURITY_HEADERS, content_security_policy, parse_proxies
from .limits import ApiLimits, RateLimiter, Slots
from .reference import PlaceService
from .reference import router as reference_router
from .routes import router, writes
from .schemas import IngestRequest

logger = logging.getLogger(__name__)

WEB_STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MIN_TOKEN_LENGTH = 16


class ServeError(Exception):
    """The server cannot start: bad options, or the database cannot be written."""


def _swagger_assets() -> Path | None:
    try:
        import swagger_ui_bundle  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return None
    folder = Path(swagger_ui_bundle.swagger_ui_path)
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def open_store(path: Path, settings: Settings) -> Store:
    """The store at ``path``, shared with other processes (clusters by the situation's
    ``cluster_events``)."""
    return Store.open(path, clusterer=cluster_events, wait=settings.store_wait)


def create_app(
    store_path: Path,
    *,
    settings: Settings,
    allow_ingest: bool = False,
    token: str | None = None,
    static_dir: Path | None = None,
    tiles_url: str | None = None,
    limits: ApiLimits | None = None,
    store: Store | None = None,
    extract: ExtractFn | None = None,
    drain_interval: float | None = 1.0,
    review: bool = False,
    review_token: str | None = None,
    hosts: Collection[str] | None = None,
    gazetteer: Path | PlaceLabels | None = None,
) -> FastAPI:
    """The app over the store at ``store_path`` (or over ``store``, opened by the caller).

    ``allow_ingest`` enables ``POST /api/documents``, which then needs ``token`` (at least
    16 characters) as a bearer token. ``review`` enables the review writes, which need
    ``review_token`` (at least 16 characters) and, when ``hosts`` is given, a ``Host`` header
    among them (``host:port`` values, compared without case). ``static_dir`` replaces the
    packaged web UI (tests); ``extract`` replaces the extractor of POSTed documents (default:
    ``Extractor(settings)``, loaded on the first POST). Every ``drain_interval`` seconds
    (``None``: never, tests) the server looks for changes to the store, stores the spool
    and refreshes its index. ``gazetteer`` is the index that place labels and place search
    read (default: the default index; tests give a small one).
    """
    if allow_ingest and (token is None or len(token) < MIN_TOKEN_LENGTH):
        raise ServeError(f"--allow-ingest needs a token of at least {MIN_TOKEN_LENGTH} characters")
    if review and (review_token is None or len(review_token) < MIN_TOKEN_LENGTH):
        raise ServeError(f"--review needs a token of at least {MIN_TOKEN_LENGTH} characters")
    lim = limits or ApiLimits()
    backend_ref = Backend(
        store if store is not None else open_store(Path(store_path), settings),
        extract=extract,
        settings=settings,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if drain_interval is not None:
            backend_ref.start(drain_interval)
        try:
            yield
        finally:
            backend_ref.close()
            app.state.places.close()

    app = FastAPI(
        title="frontwatch",
        version=__version__,
        description="Events extracted from conflict news, with the evidence of every value.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.backend = backend_ref
    app.state.limits = lim
    app.state.settings = settings
    app.state.allow_ingest = allow_ingest
    app.state.token = token
    app.state.review = review
    app.state.review_token = review_token
    app.state.review_hosts = None if hosts is None else frozenset(h.lower() for h in hosts)
    app.state.tiles_url = tiles_url
    app.state.places = PlaceService(gazetteer)
    app.state.proxies = parse_proxies(settings.trusted_proxies)
    app.state.read_limiter = RateLimiter(lim.read_rate) if lim.read_rate else None
    app.state.write_limiter = RateLimiter(lim.write_rate) if lim.write_rate else None
    app.state.export_slots = Slots(lim.max_exports, lim.max_exports_per_client)
    app.state.export_flights = ExportFlights(app.state.export_slots)
    install_handlers(app)
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(tiles_url)}

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.include_router(router)
    app.include_router(reference_router)
    app.include_router(writes)
    app.include_router(review_routes.reads)
    app.include_router(review_routes.writes)
    _install_docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    @app.api_route(
        "/api/{rest:path}",
        methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def unknown_api(request: Request, rest: str) -> Response:
        allowed = sorted(
            {
                method
                for route in (
                    *router.routes,
                    *reference_router.routes,
                    *writes.routes,
                    *review_routes.reads.routes,
                    *review_routes.writes.routes,
                )
                if isinstance(route, APIRoute) and route.path_regex.match(request.url.path)
                for method in route.methods or ()
            }
        )
        if allowed:
            raise ApiError(
                405,
                ApiCode.METHOD_NOT_ALLOWED,
                f"{request.method} is not allowed here; use {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        raise ApiError(404, ApiCode.NOT_FOUND, "no such API route")

    folder = static_dir if static_dir is not None else WEB_STATIC
    if folder.is_dir():
        app.mount("/", StaticFiles(directory=folder, html=True), name="web")
    else:
        logger.warning("no web UI at %s: serving the API only", folder)
    return app


def _install_docs(app: FastAPI) -> None:
    assets = _swagger_assets()
    if assets is not None:
        app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(
                "<!doctype html><title>frontwatch API</title>"
                '<p>The API is described by <a href="/openapi.json">/openapi.json</a>; '
                "install swagger-ui-bundle-v2 for an interactive page.</p>"
            )
        return HTMLResponse(_DOCS_PAGE)

    @app.get("/api/docs/start.js", include_in_schema=False)
    async def docs_script() -> PlainTextResponse:
        # Swagger UI's start-up as a file: the Content-Security-Policy refuses inline scripts
        return PlainTextResponse(_DOCS_SCRIPT, media_type="text/javascript")


_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>frontwatch API</title>
<link rel="stylesheet" href="/api/docs-assets/swagger-ui.css">
<link rel="icon" href="/api/docs-assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs-assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script>
</body>
</html>
"""

# the parameters FastAPI's own docs page gives Swagger UI
_DOCS_SCRIPT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated document, plus the ingest body (read by hand to check its size first)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    body = IngestRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(body.pop("$defs", {}))
    components["IngestRequest"] = body
    schema.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer"}
    }
    for path in (
        "/api/documents",
        "/api/events/{event_id}/review",
        "/api/review/merge",
        "/api/review/split",
    ):
        schema["paths"][path]["post"]["security"] = [{"bearer": []}]
    app.openapi_schema = schema
    return schema
