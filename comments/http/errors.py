"""Every failure leaves as the contract's JSON error: never a stack trace, never HTML."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.errors import ApiError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


def error_response(error: ApiError) -> JSONResponse:
    """The JSON response for an `ApiError`."""
    headers = {"Cache-Control": "no-store"}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error.to_json(), status_code=error.status, headers=headers)


async def api_error(request: Request, exc: Exception) -> Response:
    """Handler for `ApiError`."""
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 and friends, in the contract's shape."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "bad_request")
    message = {404: "There is nothing here.", 405: "This method is not allowed here."}.get(
        exc.status_code, str(exc.detail)
    )
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


async def server_error(request: Request, exc: Exception) -> Response:
    """The last resort: log the trace, answer 503 without it."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        {"error": {"code": "unavailable", "message": "Something went wrong; try again soon."}},
        status_code=503,
    )
