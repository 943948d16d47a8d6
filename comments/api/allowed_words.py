"""Allowing a matched word from the queue: the dashboard's "this word is fine here"."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.routing import Endpoint
from comments.service import Viewer


class AllowWordBody(BaseModel):
    """A word (or phrase) to stop matching, and the comment it was found in."""

    model_config = ConfigDict(extra="forbid")

    # Two characters at least: the lists refuse a single letter (it would match too much).
    word: str = Field(
        min_length=2, max_length=200, description="2 to 64 characters once trimmed, one line"
    )
    comment_id: str | None = Field(None, min_length=26, max_length=26)


ALLOWED_SCHEMA = {
    "type": "object",
    "required": ["allowed_words", "added"],
    "properties": {
        "allowed_words": {"type": "array", "items": {"type": "string"}},
        "added": {"type": "boolean", "description": "False: the list had it already"},
    },
}


async def allow_word(request: Request, site: str, body: AllowWordBody, viewer: Viewer) -> Response:
    """Add the word to the site's allowed words (admins); the next check of it allows it."""
    words, added = await context_of(request).service.moderation.allow_word(
        viewer, site, body.word, body.comment_id
    )
    return JSONResponse({"allowed_words": words, "added": added})


ENDPOINTS = [
    Endpoint("POST", "/api/v1/sites/{site}/moderation/allowed-words", allow_word,
             "Allow a matched word", "moderation", body=AllowWordBody, ok_schema=ALLOWED_SCHEMA,
             auth="moderator", errors=(403, 404, 422)),
]  # fmt: skip
