"""Requests counted and timed per route template, for `GET /metrics`.

Labels are the route's template (`/api/v1/comments/{comment_id}`), never the raw path,
so the number of series stays that of the routes; a path no route knows is `unmatched`.
The template is the route the router chose; a cached read answered before routing asks
the app's routes as the router would, so it is labelled like the read the router
answers. An event stream is counted when its response starts and is not timed: its
duration is the reader's visit, not the service's speed. This sits outermost, so the
500s answered by the request-id layer are counted too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from comments.http.context import AppContext
from comments.service.telemetry import Telemetry

UNMATCHED = "unmatched"
STREAM = b"text/event-stream"


def route_template(routes: list[BaseRoute], scope: Scope) -> str:
    """The template of the route that takes (or would take, but for the method) this path."""
    partial: str | None = None
    for route in routes:
        match, _ = route.matches(scope)
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            continue
        if match is Match.FULL:
            return path or "/"
        if match is Match.PARTIAL and partial is None:
            partial = path
    return partial or UNMATCHED


def app_telemetry(scope: Scope) -> Telemetry | None:
    """The series of the app serving this request, once its lifespan built the context."""
    context = getattr(getattr(scope.get("app"), "state", None), "context", None)
    return context.service.deps.telemetry if isinstance(context, AppContext) else None


class Metered:
    """Counts each answer by route, method and status class; times all but streams."""

    def __init__(
        self, app: ASGIApp, telemetry_of: Callable[[Scope], Telemetry | None] = app_telemetry
    ) -> None:
        self.app = app
        self.telemetry_of = telemetry_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        telemetry = self.telemetry_of(scope) if scope["type"] == "http" else None
        if telemetry is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        streaming = False

        async def counted(message: Message) -> None:
            nonlocal status, streaming
            if message["type"] == "http.response.start":
                status = int(message["status"])
                content_type = dict(message.get("headers", ())).get(b"content-type", b"")
                streaming = content_type.startswith(STREAM)
                if streaming:
                    telemetry.request(self._route(scope), scope["method"], status, None)
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            if not streaming:
                seconds = time.perf_counter() - started
                # No response started: the client left, or the server gave up on it.
                code = status or 499
                telemetry.request(self._route(scope), scope["method"], code, seconds)

    @staticmethod
    def _route(scope: Scope) -> str:
        routed = getattr(scope.get("route"), "path", None)  # the router's own choice
        if isinstance(routed, str):
            return routed or "/"
        routes = getattr(getattr(scope.get("app"), "router", None), "routes", None)
        return route_template(routes, scope) if isinstance(routes, list) else UNMATCHED
