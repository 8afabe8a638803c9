"""The review routes (docs/api.md, "Review"): the queue, an event's review log, and the writes
that accept, reject, correct, merge and split.

Writes are off unless the server runs with ``--review``. Each write is checked, in this order:
review enabled (else 403 ``read_only``); the ``Host`` header is one the server was bound to
(a DNS-rebinding guard; 403 ``cross_site``); the request does not come from another site
(``Origin`` other than the server's own, or ``Sec-Fetch-Site`` other than ``same-origin`` or
``none``; 403 ``cross_site``); the bearer token (401 ``unauthorized``, missing or wrong); the
client's write rate (429); ``Content-Type: application/json`` and the body (422
``invalid_review``); then the event (404 ``not_found``) and the change (422 ``E306``).
"""

from __future__ import annotations

import hmac
import logging
from enum import Enum
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from ..store import ReviewEntry, StoreError
from .errors import ApiCode, ApiError
from .routes import (
    NOT_FOUND,
    BackendDep,
    Tag,
    _take,
    detail,
    limits,
    page_limit,
    read_body,
    read_limit,
)
from .schemas import (
    ErrorResponse,
    EventDetail,
    MergeRequest,
    ReviewDone,
    ReviewHistory,
    ReviewItem,
    ReviewQueue,
    ReviewRequest,
    SplitRequest,
)

logger = logging.getLogger(__name__)

#: Reviewer name of a write whose body gives none.
DEFAULT_REVIEWER = "api"
SameSite = Literal["same-origin", "none"]  # the Sec-Fetch-Site values of a same-site request
SAME_SITE = frozenset(get_args(SameSite))
OPAQUE_ORIGIN = "null"  # the Origin of a sandboxed page or a file
TAGS: list[str | Enum] = [Tag.REVIEW]

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        401: "no bearer token, or a wrong one",
        403: "the server is read-only (started without --review), or the request is cross-site",
        404: "no such event (E305)",
        413: "body over the size limit",
        422: "body is not JSON of the right shape, or the change cannot be applied (E306)",
        429: "rate limit reached (Retry-After header)",
    }.items()
}


def _cross_site(request: Request) -> str | None:
    """Why the request is refused as cross-site or rebound, or ``None``."""
    hosts = request.app.state.review_hosts
    host = request.headers.get("host", "")
    if hosts is not None and host.lower() not in hosts:
        return f"Host {host[:100]!r} is not an address of this server"
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in SAME_SITE:
        return f"a {site[:40]} request (Sec-Fetch-Site)"
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == OPAQUE_ORIGIN or parts.netloc.lower() != host.lower():
            return f"a request from another origin ({origin[:100]})"
    return None


def authorize_review(request: Request) -> None:
    """Review enabled, same site, bearer token right, client under its write rate."""
    state = request.app.state
    if not state.review:
        raise ApiError(
            403, ApiCode.READ_ONLY, "the server is read-only; start it with --review to review"
        )
    why = _cross_site(request)
    if why is not None:
        raise ApiError(403, ApiCode.CROSS_SITE, f"refused: {why}")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    token = str(state.review_token or "")
    if (
        scheme.lower() != "bearer"
        or not given.strip()
        or not token
        or not hmac.compare_digest(given.strip().encode(), token.encode())
    ):
        raise ApiError(
            401,
            ApiCode.UNAUTHORIZED,
            "the review token is required (Authorization: Bearer TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    _take(state.write_limiter, request)


async def _body(request: Request, model: type[BaseModel]) -> Any:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise ApiError(422, ApiCode.INVALID_REVIEW, "Content-Type must be application/json")
    body = await read_body(request, limits(request).max_body_bytes)
    try:
        return model.model_validate_json(body)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ApiError(422, ApiCode.INVALID_REVIEW, f"{where}: {first.get('msg')}") from err


def _store_error(err: StoreError) -> ApiError:
    if err.code == "E305":
        return ApiError(404, ApiCode.NOT_FOUND, "no event with this id")
    return ApiError(422, err.code, str(err))


def _item(entry: ReviewEntry) -> ReviewItem:
    return ReviewItem(
        id=entry.id,
        at=entry.at,
        by=entry.by,
        action=entry.action,
        before=entry.before,
        after=entry.after,
        note=entry.note,
    )


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


EventId = Annotated[str, PathParam(max_length=400)]

reads = APIRouter(prefix="/api", dependencies=[Depends(read_limit)], tags=TAGS)
writes = APIRouter(prefix="/api", dependencies=[Depends(authorize_review)], tags=TAGS)


@reads.get("/review/queue", response_model=ReviewQueue)
async def review_queue(
    request: Request,
    store: BackendDep,
    limit: Annotated[int, Query(ge=1, description="page size (default 50, max 500)")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Events without a review, least confident first (then by id)."""
    size = page_limit(request, limit)
    index = store.index
    chosen = index.queue[offset : offset + size]
    body = f'{{"total":{len(index.queue)},"events":'.encode() + index.summaries_json(chosen) + b"}"
    return Response(body, media_type="application/json")


@reads.get("/events/{event_id}/reviews", response_model=ReviewHistory, responses=NOT_FOUND)
async def event_reviews(store: BackendDep, event_id: EventId) -> Response:
    """The review log of an event, oldest first (entries made under a former id included)."""
    entries = store.history(event_id)
    if not entries and store.index.event(event_id) is None:
        raise ApiError(404, ApiCode.NOT_FOUND, "no event with this id")
    return _json(ReviewHistory(reviews=[_item(e) for e in entries]))


@writes.post("/events/{event_id}/review", response_model=EventDetail, responses=WRITE_ERRORS)
async def review_event(request: Request, store: BackendDep, event_id: EventId) -> Response:
    """Accept, reject or correct an event; returns it as reviewed (as GET /api/events/{id})."""
    body: ReviewRequest = await _body(request, ReviewRequest)
    try:
        event, state = await run_in_threadpool(
            store.review,
            event_id,
            body.action,
            changes=body.changes,
            note=body.note,
            by=body.by or DEFAULT_REVIEWER,
        )
    except StoreError as err:
        raise _store_error(err) from err
    indexed = await run_in_threadpool(store.wait_indexed, limits(request).index_wait)
    index = store.index
    shown = index.event(event_id) if indexed else None
    if shown is not None:
        return _json(detail(index, shown))
    return _json(detail(index, event, review=state))  # as the store has it; listed soon


@writes.post("/review/merge", response_model=ReviewDone, responses=WRITE_ERRORS)
async def merge_events(request: Request, store: BackendDep) -> Response:
    """Put events in one situation cluster (their clusters are merged)."""
    body: MergeRequest = await _body(request, MergeRequest)
    try:
        entry = await run_in_threadpool(
            store.merge, body.events, note=body.note, by=body.by or DEFAULT_REVIEWER
        )
    except StoreError as err:
        raise _store_error(err) from err
    indexed = await run_in_threadpool(store.wait_indexed, limits(request).index_wait)
    return _json(ReviewDone(review=_item(entry), indexed=indexed))


@writes.post("/review/split", response_model=ReviewDone, responses=WRITE_ERRORS)
async def split_event(request: Request, store: BackendDep) -> Response:
    """Take an event out of its situation cluster."""
    body: SplitRequest = await _body(request, SplitRequest)
    try:
        entry = await run_in_threadpool(
            store.split, body.event, note=body.note, by=body.by or DEFAULT_REVIEWER
        )
    except StoreError as err:
        raise _store_error(err) from err
    indexed = await run_in_threadpool(store.wait_indexed, limits(request).index_wait)
    return _json(ReviewDone(review=_item(entry), indexed=indexed))
