"""Whether the page a widget runs on may embed the site's comments.

A browser hides a refused CORS answer from the page, so a widget on a page the site does
not allow could only say "check your connection". This one answer is readable from any
origin (`Access-Control-Allow-Origin: *`, set by comments/http/cors.py, no credentials):
the widget asks it when its first read fails and tells the publisher what to fix.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.routing import Endpoint
from comments.models import Site

ORIGIN_SCHEMA = {
    "type": "object",
    "required": ["origin", "allowed"],
    "properties": {
        "origin": {"type": ["string", "null"], "description": "The request's Origin header"},
        "allowed": {"type": "boolean", "description": "Whether the site allows that origin"},
    },
}


async def origin_check(request: Request, site: Site) -> Response:
    """The request's origin and whether the site lets pages there embed its comments."""
    origin = request.headers.get("origin")
    allowed = context_of(request).service.sites.allows_origin(site, origin)
    return JSONResponse(
        {"origin": origin, "allowed": allowed}, headers={"Cache-Control": "no-store"}
    )


ENDPOINTS = [
    Endpoint("GET", "/api/v1/sites/{site}/origin-check", origin_check,
             "Whether this page's origin may embed the site", "comments", site="path",
             ok_schema=ORIGIN_SCHEMA, errors=(404,)),
]  # fmt: skip
