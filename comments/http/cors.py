"""CORS for the API: exactly the site's allowed origins, never `*`, always `Vary: Origin`.

The site comes from the path (`/api/v1/sites/{site}/…`, `/embed/{site}/…`) or the `site`
query parameter; routes keyed by comment id accept any site's origin, and the token's
site binding decides the rest. The one exception is the origin check
(`/api/v1/sites/{site}/origin-check`), readable from anywhere (`*`, no credentials): it
tells a widget on a page the site does not allow why it cannot load. Preflights may be
kept two hours, Chromium's cap.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OriginsFor = Callable[[str | None], Awaitable[frozenset[str]]]

_SITE_IN_PATH = re.compile(r"^/(?:api/v1/sites|embed)/([^/]+)/")
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE"
# Accept-Language needs no preflight as the widget sends it; named for clients that do.
ALLOW_HEADERS = "Accept-Language, Authorization, Content-Type, Idempotency-Key, Last-Event-ID"
CORS_PREFIXES = ("/api/", "/auth/providers", "/auth/logout", "/auth/sso", "/embed/")
_OPEN_TO_ALL = re.compile(r"^/api/v1/sites/[^/]+/origin-check$")
PREFLIGHT_SECONDS = 7200


def site_of(scope: Scope) -> str | None:
    """The site a request is about, when its path or query names one."""
    match = _SITE_IN_PATH.match(scope["path"])
    if match:
        return match.group(1)
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    sites = query.get("site")
    return sites[0] if sites else None


def _marked(send: Send, allow: str | None) -> Send:
    """`send`, with every response marked `Vary: Origin` and allowed to `allow` (if any)."""

    async def send_with_cors(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.add_vary_header("Origin")
            if allow:
                headers["Access-Control-Allow-Origin"] = allow
                headers["Access-Control-Expose-Headers"] = "Retry-After"
        await send(message)

    return send_with_cors


class SiteCors:
    """Answers preflights and marks responses for allowed origins only."""

    def __init__(self, app: ASGIApp, origins_for: OriginsFor) -> None:
        self.app = app
        self.origins_for = origins_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(CORS_PREFIXES):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        origin = request_headers.get("origin")
        preflight = (
            scope["method"] == "OPTIONS" and "access-control-request-method" in request_headers
        )
        if _OPEN_TO_ALL.match(path):
            if preflight:
                await self._preflight("*")(scope, receive, send)
                return
            await self.app(scope, receive, _marked(send, "*"))
            return
        allowed = origin is not None and origin in await self.origins_for(site_of(scope))
        if preflight:
            await self._preflight(origin if allowed else None)(scope, receive, send)
            return
        await self.app(scope, receive, _marked(send, origin if allowed else None))

    @staticmethod
    def _preflight(origin: str | None) -> Response:
        if origin is None:
            return JSONResponse(
                {"error": {"code": "forbidden", "message": "This origin may not call the API."}},
                status_code=403,
                headers={"Vary": "Origin"},
            )
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": str(PREFLIGHT_SECONDS),
                "Vary": "Origin",
            },
        )
