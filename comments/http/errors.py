"""Every failure leaves as the contract's JSON error: never a stack trace, never HTML.

A database or Redis that does not answer is an outage, not a bug: 503 `unavailable`
with `Retry-After` and one log line. Anything else unexpected is a bug: 500 `internal`
with the request's id, and one traceback in the log under that id. The outage classes
get handlers of their own (`exception_handlers()`), which Starlette's
`ExceptionMiddleware` runs, so the keep-alive connection survives; whatever escapes
them reaches `comments.http.request_id`, which answers the same way.
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ExceptionHandler

from comments.errors import ApiError

log = logging.getLogger(__name__)

RETRY_AFTER = 5
UNAVAILABLE_MESSAGE = "The service is briefly unavailable. Please try again in a few seconds."
INTERNAL_MESSAGE = "Something went wrong on our side. It has been logged; please try again."

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
    500: "internal",
    503: "unavailable",
}

# A database, a Redis or a socket that is gone, restarting or overloaded. OSError covers
# ConnectionRefusedError and TimeoutError from a driver that is still connecting.
OUTAGES: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection came free in time
    sqlalchemy.exc.DisconnectionError,
    redis.exceptions.ConnectionError,  # BusyLoadingError too
    redis.exceptions.TimeoutError,
    OSError,
)
# asyncpg's own, met raw or as the cause inside SQLAlchemy's wrapping (no types to import).
_ASYNCPG_OUTAGES = frozenset(
    {"PostgresConnectionError", "CannotConnectNowError", "TooManyConnectionsError"}
)
# SQLSTATEs of a server that is gone, shutting down, starting up or full.
_PG_OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` says a dependency is unreachable (503), not that the code is wrong."""
    if isinstance(exc, BaseExceptionGroup):
        return all(is_outage(inner) for inner in exc.exceptions)
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        # Plain DBAPIError wraps whatever the driver raised ("the database system is
        # not yet accepting connections"): judge by the driver's error and its causes.
        if exc.connection_invalidated or isinstance(exc, OUTAGES):
            return True
        return any(_driver_outage(e) for e in _causes(exc.orig))
    return isinstance(exc, OUTAGES) or _driver_outage(exc)


def _causes(exc: BaseException | None, depth: int = 5) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and len(found) < depth:
        found.append(exc)
        exc = exc.__cause__  # the driver's own error, under the adapter's
    return found


def _driver_outage(exc: BaseException) -> bool:
    if isinstance(exc, OUTAGES):
        return True
    state = str(getattr(exc, "sqlstate", None) or "")
    if state.startswith("08") or state in _PG_OUTAGE_STATES:
        return True
    return any(
        cls.__module__.startswith("asyncpg") and cls.__name__ in _ASYNCPG_OUTAGES
        for cls in type(exc).__mro__
    )


def request_id(request: Request) -> str:
    """The id `comments.http.request_id` gave this request ("-" outside it)."""
    return str(request.scope.get("state", {}).get("request_id", "-"))


def one_line(exc: BaseException) -> str:
    """The exception's class and the first line of its message (no SQL, no traceback)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300] if lines else type(cause).__name__}"


def error_response(error: ApiError) -> JSONResponse:
    """The JSON response for an `ApiError`."""
    headers = {"Cache-Control": "no-store"}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error.to_json(), status_code=error.status, headers=headers)


def unavailable_response() -> JSONResponse:
    """503 `unavailable`: a dependency is down; the client may retry shortly."""
    return JSONResponse(
        {"error": {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
    )


def internal_response(rid: str) -> JSONResponse:
    """500 `internal`, naming the request id the log line carries."""
    return JSONResponse(
        {"error": {"code": "internal", "message": INTERNAL_MESSAGE, "request_id": rid}},
        status_code=500,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def failure(request: Request, exc: BaseException) -> Response:
    """Log an unexpected exception once (a line for an outage, a traceback for a bug)
    and answer it."""
    rid = request_id(request)
    where = f"{request.method} {request.url.path}"
    if is_outage(exc):
        log.warning("503 on %s (request %s): %s", where, rid, one_line(exc))
        return unavailable_response()
    log.error("500 on %s (request %s)", where, rid, exc_info=exc)
    return internal_response(rid)


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


async def dependency_error(request: Request, exc: Exception) -> Response:
    """Handler for database and Redis errors: 503 for an outage, else 500."""
    return failure(request, exc)


def exception_handlers() -> dict[Any, ExceptionHandler]:
    """The handlers by class for `Starlette(exception_handlers=...)`.

    None for `Exception`: Starlette would hand that to its `ServerErrorMiddleware`,
    which closes the connection; `comments.http.request_id.RequestId` catches it instead.
    """
    handlers: dict[Any, ExceptionHandler] = {ApiError: api_error, HTTPException: http_error}
    # DBAPIError itself: IntegrityError and friends are bugs unless the connection died.
    for cls in (*OUTAGES, sqlalchemy.exc.DBAPIError):
        handlers[cls] = dependency_error
    return handlers
