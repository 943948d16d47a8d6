"""Request ids on every response, and the last resort for errors nothing else caught.

Every request gets an id: the client's own `X-Request-Id` when it is 1 to 64 of
`[A-Za-z0-9._-]`, else a fresh one. Handlers and log lines find it in
`request.state.request_id`; every response carries it back in `X-Request-Id`.

This middleware sits directly inside Starlette's `ServerErrorMiddleware`, which answers
an escaped exception but then re-raises it: the server logs a second traceback and
closes the keep-alive connection. Here an escaped exception is answered (503 for an
outage, 500 with the id for a bug, logged once by `comments.http.errors.failure`) and
not re-raised. When the response has started already there is nothing left to answer:
the error is logged once and the body ended where the protocol allows.
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from comments.http.errors import failure, is_outage, one_line, request_id
from comments.http.log_format import CURRENT_REQUEST_ID

log = logging.getLogger(__name__)

HEADER = "X-Request-Id"
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HANDLED_LATE = "Caught handled exception, but response already started."


def choose_id(given: str | None) -> str:
    """The client's id when it is safe to log and echo, else a fresh one."""
    if given is not None and _CLIENT_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestId:
    """Stamps the request id on the request and its response; answers escaped errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = choose_id(Headers(scope=scope).get(HEADER))
        scope.setdefault("state", {})["request_id"] = rid
        CURRENT_REQUEST_ID.set(rid)  # for log lines (the request's own task and context)
        started = finished = False

        async def send_with_id(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[HEADER] = rid
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            request = Request(scope, receive)
            if not started:
                await failure(request, exc)(scope, receive, send_with_id)
                return
            self._log_late(request, exc)
            if not finished:
                await self._end_body(send)

    @staticmethod
    def _log_late(request: Request, exc: Exception) -> None:
        """An error after the response started: one line for an outage or a gone client."""
        cause = exc.__cause__ if str(exc) == _HANDLED_LATE and exc.__cause__ else exc
        where = f"{request.method} {request.url.path} (request {request_id(request)})"
        if is_outage(cause):
            log.warning("response cut short on %s: %s", where, one_line(cause))
        else:
            log.error("error after the response started on %s", where, exc_info=cause)

    @staticmethod
    async def _end_body(send: Send) -> None:
        """Close a streamed body cleanly; a body shorter than announced cannot be."""
        try:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception:  # the server refuses: it will close the connection itself
            log.debug("could not end the response body", exc_info=True)
