"""Coded JSON errors of the HTTP API: ``{"error": {"code": "...", "message": "..."}}``.

Codes are stable strings, documented in docs/api.md. Errors raised by the library keep their
catalogue code (``E001`` ...). No handler ever returns a traceback or an internal path.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import FrontwatchError

logger = logging.getLogger(__name__)


class ApiCode(StrEnum):
    INVALID_PARAMETER = "invalid_parameter"  # 422: a query parameter failed validation
    PAGE_TOO_LARGE = "page_too_large"  # 400: limit above the maximum page size
    INVALID_CURSOR = "invalid_cursor"  # 400: a cursor this server did not issue
    INVALID_DOCUMENT = "invalid_document"  # 422: an ingest body that is not valid
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    UNAUTHORIZED = "unauthorized"  # 401: no bearer token
    FORBIDDEN = "forbidden"  # 403: wrong token
    INGEST_DISABLED = "ingest_disabled"  # 403: the server runs without --allow-ingest
    READ_ONLY = "read_only"  # 403: a review write to a server started without --review
    CROSS_SITE = "cross_site"  # 403: a write from another site, or to a Host not of the server
    INVALID_REVIEW = "invalid_review"  # 422: a review body that is not valid
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # 503: a dependency of the route is missing
    INTERNAL = "internal"  # 500


class ApiError(Exception):
    """An error answered as JSON with ``status`` and a code."""

    def __init__(
        self,
        status: int,
        code: ApiCode | str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = str(code)
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for item in err.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


_STATUS_CODES = {
    400: ApiCode.INVALID_PARAMETER,
    401: ApiCode.UNAUTHORIZED,
    403: ApiCode.FORBIDDEN,
    404: ApiCode.NOT_FOUND,
    405: ApiCode.METHOD_NOT_ALLOWED,
    413: ApiCode.PAYLOAD_TOO_LARGE,
    429: ApiCode.RATE_LIMITED,
}


def install_handlers(app: FastAPI) -> None:
    """Every error leaves as the JSON envelope."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.message, err.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, ApiCode.INVALID_PARAMETER, _validation_message(err))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(err.status_code, ApiCode.INTERNAL)
        message = str(err.detail) if err.status_code != 500 else "internal error"
        return error_response(err.status_code, code, message, getattr(err, "headers", None))

    @app.exception_handler(FrontwatchError)
    async def _library(request: Request, err: FrontwatchError) -> JSONResponse:
        return error_response(422, err.code, str(err))

    @app.exception_handler(Exception)
    async def _internal(request: Request, err: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, ApiCode.INTERNAL, "internal error")
