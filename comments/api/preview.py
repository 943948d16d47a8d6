"""The comment preview: a text as readers would see it once posted, with nothing kept."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.client import client_address
from comments.http.context import context_of
from comments.http.inputs import free_text
from comments.http.routing import Endpoint
from comments.models import MAX_BODY, Site
from comments.service import Viewer


class PreviewBody(BaseModel):
    """The text to preview, under the same limits as a post's body."""

    model_config = ConfigDict(extra="forbid")

    body: str = free_text(max_length=MAX_BODY, description="Markdown source")


HTML_SCHEMA = {
    "type": "object",
    "required": ["html"],
    "properties": {"html": {"type": "string", "description": "Sanitised HTML"}},
}


async def preview(request: Request, site: Site, body: PreviewBody, viewer: Viewer) -> Response:
    """The HTML a post of this text would publish; nothing is stored or announced."""
    context = context_of(request)
    address = client_address(request, context.trusted_networks)
    html = await context.service.preview.html(site.name, viewer, body.body, address)
    return JSONResponse({"html": html}, headers={"Cache-Control": "no-store"})


ENDPOINTS = [
    Endpoint("POST", "/api/v1/sites/{site}/preview", preview, "Preview a comment", "comments",
             body=PreviewBody, ok_schema=HTML_SCHEMA, auth="reader", site="path",
             errors=(404, 422, 429)),
]  # fmt: skip
