"""The routes under ``/api`` (docs/api.md lists every one, its parameters and its errors)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import math
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ValidationError
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from ..about import EXTRACTOR_VERSION, __version__
from ..dates import parse_iso_date
from ..filters import EventFilter, parse_modalities
from ..filters import parse_bbox as bbox_numbers
from ..pipeline import as_document
from ..records import MODALITIES, Document, Event
from ..situation import SituationReport, build_situation
from .backend import Backend
from .errors import ApiCode, ApiError
from .exports import ExportFile, ExportFlights
from .headers import client_address
from .highlights import event_highlights
from .index import CursorError, EventIndex
from .limits import ApiLimits, RateLimiter
from .schemas import (
    ActorPage,
    DocumentView,
    ErrorResponse,
    EventDetail,
    EventPage,
    Health,
    Highlight,
    IngestError,
    IngestRequest,
    IngestResponse,
    PlacePage,
    ReviewedEvent,
)

logger = logging.getLogger(__name__)


class Tag(StrEnum):
    """The groups of operations of the OpenAPI document."""

    META = "meta"
    EVENTS = "events"
    DOCUMENTS = "documents"
    ENTITIES = "entities"
    SITUATION = "situation"
    REVIEW = "review"


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EXPORTS: dict[str, tuple[str, str]] = {  # format -> (media type, file extension)
    "geojson": ("application/geo+json", "geojson"),
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "plover-json": ("application/json", "json"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
ExportFormat = Literal["geojson", "acled-csv", "plover-json", "parquet"]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "page too large or cursor not valid",
        422: "a parameter failed validation",
        429: "rate limit reached (Retry-After header)",
    }.items()
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "unknown id"}
}


# -- dependencies ----------------------------------------------------------------------------


def backend(request: Request) -> Backend:
    value: Backend = request.app.state.backend
    return value


def limits(request: Request) -> ApiLimits:
    value: ApiLimits = request.app.state.limits
    return value


def _client(request: Request) -> str:
    return client_address(request, getattr(request.app.state, "proxies", ()))


def _take(limiter: RateLimiter | None, request: Request) -> None:
    if limiter is None:
        return
    wait = limiter.take(_client(request))
    if wait > 0:
        raise ApiError(
            429,
            ApiCode.RATE_LIMITED,
            "too many requests; retry later",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


def read_limit(request: Request) -> None:
    _take(request.app.state.read_limiter, request)


def _invalid(message: str) -> ApiError:
    return ApiError(422, ApiCode.INVALID_PARAMETER, message)


def parse_date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    if not _DATE.fullmatch(value):
        raise _invalid(f"{name}: {value[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        return parse_iso_date(value)
    except ValueError as err:
        raise _invalid(f"{name}: {value!r} is not a valid date ({err})") from err


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        return bbox_numbers(value)
    except ValueError:
        raise _invalid("bbox: expected four numbers min_lon,min_lat,max_lon,max_lat") from None


def parse_modality(value: str | None) -> frozenset[str] | None:
    """None (not given): the factual modalities; ``all``: any; else a comma-separated list."""
    message = f"modality: expected all or a comma-separated list of {', '.join(MODALITIES)}"
    if value is not None and not value.strip():
        raise _invalid(message)
    try:
        return parse_modalities(value)
    except ValueError:
        raise _invalid(message) from None


def event_filter(
    start: Annotated[str | None, Query(description="YYYY-MM-DD: events ending on or after")] = None,
    end: Annotated[
        str | None, Query(description="YYYY-MM-DD: events starting on or before")
    ] = None,
    bbox: Annotated[
        str | None, Query(description="min_lon,min_lat,max_lon,max_lat (degrees)", max_length=200)
    ] = None,
    country: Annotated[
        str | None, Query(description="ISO 3166-1 alpha-2", pattern=r"^[A-Za-z]{2}$")
    ] = None,
    actor: Annotated[
        str | None,
        Query(description="substring of an actor's name or text", min_length=1, max_length=200),
    ] = None,
    type: Annotated[
        str | None,
        Query(
            description="ACLED type or sub-type, PLOVER type or category",
            min_length=1,
            max_length=100,
        ),
    ] = None,
    modality: Annotated[
        str | None,
        Query(
            description="comma-separated modalities, or all (default: asserted,reported)",
            max_length=200,
        ),
    ] = None,
    background: Annotated[
        bool,
        Query(description="also background events: historical ones and aggregates"),
    ] = False,
    min_sources: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> EventFilter:
    try:
        return EventFilter(
            start=parse_date(start, "start"),
            end=parse_date(end, "end"),
            bbox=parse_bbox(bbox),
            country=country,
            actor=actor,
            event_type=type,
            modality=parse_modality(modality),
            background=background,
            min_sources=min_sources,
        )
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "filter"
        raise _invalid(f"{where}: {first.get('msg', 'invalid')}") from err


def page_limit(request: Request, limit: int | None) -> int:
    lim = limits(request)
    if limit is None:
        return lim.default_page
    if limit > lim.max_page:
        raise ApiError(
            400,
            ApiCode.PAGE_TOO_LARGE,
            f"limit {limit} is over the maximum page size {lim.max_page}",
        )
    return limit


Limit = Annotated[int | None, Query(ge=1, description="page size (default 100, max 500)")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Filter = Annotated[EventFilter, Depends(event_filter)]
IncludeRejected = Annotated[
    bool, Query(description="keep the events an analyst rejected (left out by default)")
]
BackendDep = Annotated[Backend, Depends(backend)]

router = APIRouter(prefix="/api", dependencies=[Depends(read_limit)])


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


# -- reads -----------------------------------------------------------------------------------


@router.get("/health", response_model=Health, tags=[Tag.META])
async def health(request: Request, store: BackendDep) -> Response:
    lim = limits(request)
    index = store.index
    return _json(
        Health(
            version=__version__,
            extractor_version=EXTRACTOR_VERSION,
            documents=len(index.documents),
            events=len(index),
            ingest=bool(request.app.state.allow_ingest),
            review=bool(request.app.state.review),
            tiles_url=request.app.state.tiles_url,
            max_page=lim.max_page,
            max_body_bytes=lim.max_body_bytes,
        )
    )


@router.get("/events", response_model=EventPage, responses=ERRORS, tags=[Tag.EVENTS])
async def list_events(
    request: Request,
    store: BackendDep,
    flt: Filter,
    limit: Limit = None,
    offset: Offset = 0,
    cursor: Annotated[
        str | None, Query(description="the 'next' of the previous page", max_length=400)
    ] = None,
    include_rejected: IncludeRejected = False,
) -> Response:
    """Events passing every filter, ordered by date (undated last) then id; paginated.

    Events are as reviewed (corrected values, a ``review`` object); rejected events are left
    out unless ``include_rejected=true``."""
    size = page_limit(request, limit)
    if cursor is not None and offset:
        raise _invalid("give either offset or cursor, not both")
    index = store.index
    try:
        page = index.page(
            flt, limit=size, offset=offset, cursor=cursor, include_rejected=include_rejected
        )
    except CursorError as err:
        raise ApiError(400, ApiCode.INVALID_CURSOR, "cursor is not valid") from err
    head = (
        f'{{"total":{page.total},"limit":{size},'
        f'"offset":{json.dumps(None if cursor is not None else offset)},'
        f'"next":{json.dumps(page.next)},"items":'
    ).encode()
    body = head + index.summaries_json(page.positions) + b"}"
    return Response(body, media_type="application/json")


@router.get(
    "/events/{event_id}",
    response_model=EventDetail,
    responses={**ERRORS, **NOT_FOUND},
    tags=[Tag.EVENTS],
)
async def get_event(
    store: BackendDep, event_id: Annotated[str, PathParam(max_length=400)]
) -> Response:
    """One event with all its mentions and evidence spans, and the reports of the same event."""
    index = store.index
    event = index.event(event_id)
    if event is None:
        raise ApiError(404, ApiCode.NOT_FOUND, "no event with this id")
    return _json(detail(index, event))


def detail(index: EventIndex, event: Event, review: Any = ...) -> EventDetail:
    """The detail of ``event``: its sources, cluster and document from ``index``, and its
    review (default: the index's)."""
    sources, cluster = index.sources_of(event.id) if event.id in index.ids else (1, None)
    state = index.review_of(event.id) if review is ... else review
    return EventDetail(
        event=ReviewedEvent(**dict(event), review=state),
        sources=sources,
        cluster=cluster,
        document=index.documents.get(event.doc_id),
    )


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentView,
    responses={**ERRORS, **NOT_FOUND},
    tags=[Tag.DOCUMENTS],
)
def get_document(store: BackendDep, doc_id: Annotated[str, PathParam(max_length=400)]) -> Response:
    """A document's text and the span of every extracted field, for highlighting.

    The text is returned as stored (not HTML): a client must escape it before inserting marks.
    """
    document = store.document(doc_id)
    if document is None:
        raise ApiError(404, ApiCode.NOT_FOUND, "no document with this id")
    index = store.index
    positions = index.doc_events.get(doc_id, [])
    events = list(index.events(positions))
    highlights: list[Highlight] = list(index.doc_highlights.get(doc_id, ()))
    for event in events:
        highlights.extend(event_highlights(event))
    size = len(document.text)
    highlights = [h for h in highlights if 0 <= h.start < h.end <= size]
    highlights.sort(key=lambda h: (h.start, -h.end, h.field, h.event_id or ""))
    return _json(
        DocumentView(
            id=document.id,
            title=document.title,
            url=document.url,
            outlet=document.outlet,
            published=document.published,
            text=document.text,
            event_ids=[e.id for e in events],
            highlights=highlights,
        )
    )


@router.get("/actors", response_model=ActorPage, responses=ERRORS, tags=[Tag.ENTITIES])
async def list_actors(
    request: Request,
    store: BackendDep,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="substring of the name")
    ] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Actors of the stored events with their event counts, most active first."""
    size = page_limit(request, limit)
    items = store.index.actors
    if q is not None:
        needle = q.casefold()
        items = [a for a in items if needle in a.name.casefold()]
    return _json(
        ActorPage(items=items[offset : offset + size], total=len(items), limit=size, offset=offset)
    )


@router.get("/places", response_model=PlacePage, responses=ERRORS, tags=[Tag.ENTITIES])
async def list_places(
    request: Request,
    store: BackendDep,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="substring of the name")
    ] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Event locations with their event counts, most active first."""
    size = page_limit(request, limit)
    items = store.index.places
    if q is not None:
        needle = q.casefold()
        items = [p for p in items if needle in p.name.casefold()]
    if country is not None:
        items = [p for p in items if p.country == country.upper()]
    return _json(
        PlacePage(items=items[offset : offset + size], total=len(items), limit=size, offset=offset)
    )


@router.get("/situation", response_model=SituationReport, responses=ERRORS, tags=[Tag.SITUATION])
async def situation(
    store: BackendDep,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD (default: everything)")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    include_rejected: IncludeRejected = False,
) -> Response:
    """Control of places, materiel, displacement, casualties and sources as of a date, from the
    events as reviewed (rejected events left out unless ``include_rejected=true``)."""
    date = parse_date(as_of, "as_of")
    clusters = await run_in_threadpool(store.situation_clusters, include_rejected=include_rejected)
    report = build_situation(clusters, as_of=date, country=country)
    return _json(report)


@router.get(
    "/export",
    responses={
        **ERRORS,
        200: {
            "description": "the export file",
            "content": {media: {} for media, _ in EXPORTS.values()},
        },
        503: {"model": ErrorResponse},
    },
    response_class=Response,
    tags=[Tag.EVENTS],
)
async def export(
    request: Request,
    store: BackendDep,
    flt: Filter,
    format: Annotated[ExportFormat, Query(description="file format")],
    include_rejected: IncludeRejected = False,
) -> ExportFile:
    """Every event passing the filters, as reviewed, as a file download (no paging); the
    ``reviewed`` column says which were reviewed.

    The same export asked for again while it is written or sent is written once
    (:mod:`frontwatch.api.exports`); a review or new events make a new one. At most
    ``max_exports`` distinct exports are written at once, ``max_exports_per_client`` of them
    for one client: past that the answer is 429 with ``Retry-After``. Events are read from the
    index and written one at a time."""
    try:
        from ..export import write_export  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise ApiError(503, ApiCode.UNAVAILABLE, "the export module is not available") from err
    flights: ExportFlights = request.app.state.export_flights
    index = store.index
    key = (format, flt.model_dump_json(), include_rejected)
    media, suffix = EXPORTS[format]
    flight = flights.join(key, index)
    if flight is None:

        def write(path: Path) -> None:
            events = index.export_events(index.select(flt, include_rejected=include_rejected))
            write_export(
                format,
                events,
                path,
                clusters=index.clusters,
                documents=_Outlets(index),
                reviews=index.reviews(),
            )

        name = f"frontwatch-events.{suffix}"
        flight = flights.start(key, index, _client(request), name, write)
        if flight is None:
            raise ApiError(
                429,
                ApiCode.RATE_LIMITED,
                "too many exports are being written; retry later",
                headers={"Retry-After": str(limits(request).export_retry_after)},
            )
    await flights.wait(flight)
    return ExportFile(
        flight.path,
        media_type=media,
        filename=flight.path.name,
        background=BackgroundTask(flights.sent, flight),
    )


class _Outlets(Mapping[str, Document]):
    """Document id -> a Document with the outlet and date only, made when the exporter asks
    (it reads only the outlet of an event's document)."""

    def __init__(self, index: EventIndex) -> None:
        self._documents = index.documents
        self._made: dict[str, Document] = {}  # for this export: a document has several events

    def __getitem__(self, doc_id: str) -> Document:
        made = self._made.get(doc_id)
        if made is None:
            meta = self._documents[doc_id]
            made = Document(id=meta.id, text="", outlet=meta.outlet, published=meta.published)
            self._made[doc_id] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


# -- writes ----------------------------------------------------------------------------------

INGEST_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        401: "no bearer token",
        403: "wrong token, or ingest disabled (server started without --allow-ingest)",
        413: "body over the size limit",
        422: "body is not a valid ingest request, or no document could be extracted",
        429: "rate limit reached (Retry-After header)",
    }.items()
}


def authorize(request: Request) -> None:
    """Ingest enabled, bearer token right, client under its write rate."""
    state = request.app.state
    if not state.allow_ingest:
        raise ApiError(
            403,
            ApiCode.INGEST_DISABLED,
            "ingest is disabled; start the server with --allow-ingest and a token",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(
            401,
            ApiCode.UNAUTHORIZED,
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(given.strip().encode(), str(state.token).encode()):
        raise ApiError(403, ApiCode.FORBIDDEN, "the token is not valid")
    _take(state.write_limiter, request)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > limit
        except ValueError as err:
            raise ApiError(400, ApiCode.INVALID_PARAMETER, "bad Content-Length") from err
        if too_big:
            raise ApiError(
                413, ApiCode.PAYLOAD_TOO_LARGE, f"the body is over the limit of {limit} bytes"
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(
                413, ApiCode.PAYLOAD_TOO_LARGE, f"the body is over the limit of {limit} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


writes = APIRouter(prefix="/api")


@writes.post(
    "/documents",
    response_model=IngestResponse,
    responses=INGEST_ERRORS,
    status_code=201,
    tags=[Tag.DOCUMENTS],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/IngestRequest"}}
            },
        }
    },
    dependencies=[Depends(authorize)],
)
async def post_documents(request: Request, store: BackendDep) -> Response:
    """Extract events from documents and store them (needs --allow-ingest and the token)."""
    lim = limits(request)
    body = await read_body(request, lim.max_body_bytes)
    try:
        payload = IngestRequest.model_validate_json(body)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ApiError(422, ApiCode.INVALID_DOCUMENT, f"{where}: {first.get('msg')}") from err
    if len(payload.documents) > lim.max_documents:
        raise ApiError(
            413,
            ApiCode.PAYLOAD_TOO_LARGE,
            f"{len(payload.documents)} documents; at most {lim.max_documents} a request",
        )
    documents: list[Document] = []
    for item in payload.documents:
        document = as_document(item.text, published=item.published, doc_id=item.id)
        documents.append(
            document.model_copy(
                update={"title": item.title, "url": item.url, "outlet": item.outlet}
            )
        )
    outcome = await run_in_threadpool(store.ingest, documents)
    skipped = [
        IngestError(index=i, id=ident, code=err.code, message=str(err))
        for i, ident, err in outcome.skipped
    ]
    if not outcome.stored:
        first_error = skipped[0]
        raise ApiError(422, first_error.code, first_error.message)
    indexed = await run_in_threadpool(store.wait_indexed, lim.index_wait)
    response = IngestResponse(
        stored=outcome.stored, events=outcome.events, skipped=skipped, indexed=indexed
    )
    return Response(response.model_dump_json(), status_code=201, media_type="application/json")
