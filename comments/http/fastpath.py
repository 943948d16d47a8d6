"""Cached reads of thread pages and counts, answered before routing.

A hot thread is read thousands of times a minute by people who are not logged in; their
answer is the same bytes for everyone, already in this process's copy of the cache. This
layer sits innermost (request id, security headers and CORS still wrap it) and answers
such a read with no parsing beyond the query string, no database and no Redis. A
logged-in read is answered here too when the process remembers the reader's session and
keeps their block beside the page, in the request's language (blocks are kept per
language): one Redis call then checks the thread's versions and the reader's sessions
version together (a logout moves it before answering). Anything it does not recognise
exactly, and every miss, goes on to the router unchanged, which computes the page and
fills the cache: a hit can only exist for a request the router already accepted, so this
layer never decides what is valid.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from comments.http.answers import cache_control, etag_matches, takes_gzip, vary
from comments.messages import negotiate
from comments.service import Answer, PageQuery, Service

_PAGE = re.compile(r"/api/v1/sites/([a-z0-9][a-z0-9_-]{0,63})/(comments|counts)")
_SORTS = frozenset({"oldest", "newest", "top"})
_LIMIT = re.compile(r"[1-9][0-9]?|100")
MAX_QUERY = 4096


def page_query(query: bytes) -> PageQuery | None:
    """The page a thread read asks for, when it is one this layer may answer."""
    if len(query) > MAX_QUERY:
        return None
    fields: dict[str, str] = {}
    # Parsed exactly as the router parses it, so a key means the same thread to both.
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name in fields or name not in ("thread", "sort", "limit", "cursor"):
            return None
        fields[name] = value
    thread = fields.get("thread")
    sort = fields.get("sort", "oldest")
    limit = fields.get("limit", "20")
    if not thread or sort not in _SORTS or not _LIMIT.fullmatch(limit):
        return None
    cursor = fields.get("cursor") or None
    return PageQuery(thread=thread, sort=sort, limit=int(limit), cursor=cursor)  # type: ignore[arg-type]


def count_keys(query: bytes) -> list[str] | None:
    """The threads a counts read names, when this layer may answer it."""
    if len(query) > MAX_QUERY:
        return None
    keys: list[str] = []
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name != "thread" or not value:
            return None
        keys.append(value)
    return keys if 0 < len(keys) <= 100 else None


class CachedReads:
    """Answers cached anonymous GETs of thread pages and counts; passes on everything else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            answer = await self._cached(scope)
            if answer is not None:
                await _send(scope, send, answer)
                return
        await self.app(scope, receive, send)

    async def _cached(self, scope: Scope) -> Answer | None:
        match = _PAGE.fullmatch(scope["path"])
        if match is None:
            return None
        authorization: bytes | None = None
        accept_language: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"accept-language" and accept_language is None:
                accept_language = value  # the first, as the router's `headers.get` reads it
        context = getattr(scope["app"].state, "context", None)
        if context is None:
            return None
        service: Service = context.service
        site, what = match.group(1), match.group(2)
        if authorization is not None:
            scheme, _, token = authorization.decode("latin-1").partition(" ")
            query = page_query(scope["query_string"]) if what == "comments" else None
            if query is None or scheme.lower() != "bearer" or not token.strip():
                return None
            language = negotiate(accept_language.decode("latin-1") if accept_language else None)
            return await service.reading.cached_for(site, query, token.strip(), language)
        if what == "comments":
            query = page_query(scope["query_string"])
            return None if query is None else service.reading.cached(site, query)
        keys = count_keys(scope["query_string"])
        return None if keys is None else service.reading.cached_counts(site, keys)


async def _send(scope: Scope, send: Send, answer: Answer) -> None:
    gzip_ok = False
    match: str | None = None
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            gzip_ok = takes_gzip(value.decode("latin-1"))
        elif name == b"if-none-match":
            match = value.decode("latin-1")
    headers: list[tuple[bytes, bytes]] = [
        (b"etag", answer.etag.encode()),
        (b"cache-control", cache_control(answer).encode()),
        (b"vary", vary(answer).encode()),
    ]
    if match is not None and etag_matches(match, answer.etag):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = answer.plain
    if gzip_ok and answer.gz is not None:
        body = answer.gz
        headers.append((b"content-encoding", b"gzip"))
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 200, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
