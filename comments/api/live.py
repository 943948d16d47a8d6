"""The readers' live stream of a thread (Server-Sent Events), public like the thread itself.

Every event carries an `id:`; a browser's EventSource sends the last one back as
`Last-Event-ID` when it reconnects, and the stream resumes after it (or says `reset`
when it cannot). Polyfills that cannot set the header pass `last_event_id` instead.
Not in the OpenAPI document (a stream, not a JSON answer), like the moderators' stream.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sse_starlette.event import ServerSentEvent
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import Response

from comments.api.comments import ReadKey
from comments.http.context import context_of
from comments.http.routing import Endpoint
from comments.models import Site

MAX_EVENT_ID = 64  # ids are `EPOCH-N`, two numbers; anything longer is not one of ours
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
RETRY_MS = (1000, 5000)  # the reconnection delay each stream asks its EventSource for


class EventsQuery(BaseModel):
    """Which thread, and (for EventSource polyfills) where to resume."""

    model_config = ConfigDict(extra="forbid")

    thread: ReadKey
    last_event_id: str | None = Field(None, max_length=MAX_EVENT_ID)


async def thread_events(request: Request, site: Site, query: EventsQuery) -> Response:
    """New, edited and removed comments, votes and thread changes, as they happen."""
    header = request.headers.get("last-event-id")
    last = header[:MAX_EVENT_ID] if header else query.last_event_id or None
    # A made-up id still opens a stream: it answers `reset`, as an id too old does.
    watch = await context_of(request).service.live.watch(site.name, query.thread, last)

    async def stream() -> Any:
        async with watch as events:
            async for event_id, name, data in events:
                # When Redis drops, every stream of the instance ends at once: readers
                # come back over a few seconds rather than all in the same instant.
                retry = random.randint(*RETRY_MS) if name == "ready" else None
                yield ServerSentEvent(data=data, event=name, id=event_id, retry=retry)

    return EventSourceResponse(stream(), ping=15, headers=HEADERS)


SITE = "/api/v1/sites/{site}"
STREAMS = [
    Endpoint("GET", SITE + "/events", thread_events, "Live thread events (SSE)", "comments",
             query=EventsQuery, site="path"),
]  # fmt: skip
