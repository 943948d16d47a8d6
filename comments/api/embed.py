"""The embed fragment: a thread's first page as HTML, for a publisher's server to include.

A publisher's nginx (SSI), CDN (ESI) or template fetches it while building the article,
so the comments are in the page before any script runs; the widget takes it over. It is
a public read like the JSON pages: the same ETag, compression and cache headers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from comments.errors import NotFound
from comments.http.answers import send
from comments.http.context import context_of
from comments.http.routing import Endpoint
from comments.models import MAX_THREAD_KEY, Site
from comments.service.embed import embed_language

LANGUAGE_TAG = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$"


class EmbedQuery(BaseModel):
    """The fragment's order and language."""

    model_config = ConfigDict(extra="forbid")

    sort: Literal["oldest", "newest", "top"] = "oldest"
    lang: str | None = Field(
        None,
        max_length=35,
        pattern=LANGUAGE_TAG,
        description="The fragment's words: en, ru, uk or be (others read as English)",
    )


FRAGMENT_SCHEMA = {"type": "string", "description": "An HTML fragment (a <section>)"}


async def embed_fragment(request: Request, site: Site, thread: str, query: EmbedQuery) -> Response:
    """The thread's first page as sanitised HTML with the page JSON inside."""
    if len(thread) > MAX_THREAD_KEY:
        raise NotFound("There is no such thread.")
    embeds = context_of(request).service.embeds
    answer = await embeds.answer(site, thread, query.sort, embed_language(query.lang))
    return send(request.headers, answer, media_type="text/html")


ENDPOINTS = [
    Endpoint("GET", "/embed/{site}/{thread:path}.html", embed_fragment,
             "A thread's first page as HTML", "comments", query=EmbedQuery, site="path",
             ok_schema=FRAGMENT_SCHEMA, ok_media="text/html", errors=(404, 422)),
]  # fmt: skip
