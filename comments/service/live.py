"""The readers' live stream of a thread: what changed, as an anonymous reader may see it.

`deliver` turns a `thread.changed` outbox payload into one event in the thread's event
log, built from the comment as it is stored now (not as the write saw it), so an event
delivered late or twice never shows what has since been hidden: a comment that is not
visible to anonymous readers (pending, rejected, shadowed, hidden by reports) goes out
as `comment.removed`, whatever the write called it.

`watch` opens a stream: `ready`, then (when resuming from a `Last-Event-ID`) every event
after it that is still kept, or `reset` when some are not, then live events. It listens
before it reads the log, so an event appended in between is read twice rather than
lost; the repeat is skipped by id.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from typing import Any

from comments.errors import NotFound
from comments.models import CommentRow, Site
from comments.realtime import Logged, LogUnavailable, parse_id
from comments.service.context import Deps
from comments.service.effects import thread_channel
from comments.service.public import comment_json
from comments.service.reading import thread_closed
from comments.service.sites import Sites
from comments.service.views import CommentView

log = logging.getLogger(__name__)

# (id, event, data as JSON text); `id` None: the event does not move the reader's position.
LiveEvent = tuple[str | None, str, str]

COMMENT_EVENTS = frozenset({"comment.created", "comment.updated"})
EVENTS = COMMENT_EVENTS | {"comment.removed", "comment.voted", "thread.updated"}


def channel(site: str, thread: str) -> str:
    """The live channel of one thread (site names hold no colon)."""
    return thread_channel(site, thread)


def visible_to_anyone(row: CommentRow, site: Site) -> bool:
    """Whether an anonymous reader sees the comment (as the storage's listing decides)."""
    comment = row.comment
    if comment.status != "approved" or comment.shadowed:
        return False
    hide = site.policy.hide_after_reports
    return hide <= 0 or comment.report_count - comment.reviewed_reports < hide


def public_comment(row: CommentRow) -> dict[str, Any]:
    """The comment as the shared (anonymous) page shows it, without its replies."""
    # No reader's own vote, exactly as in the shared page (`my_vote` keeps its value 0).
    anonymous = replace(row, my_vote=0)
    view = CommentView(row=anonymous, can_edit=False, can_delete=False, own=False, replies=[])
    return comment_json(view, "en")  # no reasons: only a comment's author sees those


class Live:
    """Delivers thread changes to the event log, and opens readers' streams."""

    def __init__(self, deps: Deps, sites: Sites) -> None:
        self._deps = deps
        self._sites = sites

    async def deliver(self, site: str, payload: dict[str, Any]) -> None:
        """Log one `thread.changed` payload's live event (nothing for site-wide changes).

        The payload names the thread by its key (`thread`) or its id (`thread_id`).
        Raises `LogUnavailable` when the log cannot be written, so the outbox retries;
        with a `token` in the payload, a retry logs nothing twice.
        """
        event = payload.get("event")
        if payload.get("site_wide") or not isinstance(event, str):
            return
        if event not in EVENTS:
            log.warning("live: no such event %r; not delivered", event)
            return
        try:
            found = await self._sites.get(site)
        except NotFound:
            return  # the site is gone: nobody can be listening
        row: CommentRow | None = None
        comment_id = payload.get("comment_id")
        if event != "thread.updated":
            if not isinstance(comment_id, str):
                log.warning("live: %s without a comment id; not delivered", event)
                return
            row = (await self._deps.storage.comment_rows([comment_id])).get(comment_id)
        thread = await self._thread_key(found, payload, row)
        if thread is None:
            return  # no such thread: nobody can be listening
        if row is not None and (row.comment.site != found.name or row.thread_key != thread):
            row = None  # another thread's comment: say nothing about it here
        built = await self._event(found, thread, event, comment_id, row)
        if built is None:
            return
        name, data = built
        token = payload.get("token")
        once = f"{token}:{name}:{comment_id or ''}" if token else None
        await self._deps.event_log.append(channel(site, thread), name, data, once=once)

    async def _thread_key(
        self, site: Site, payload: dict[str, Any], row: CommentRow | None
    ) -> str | None:
        """The key of the thread a payload names (the comment's row knows it, else a look-up)."""
        key, thread_id = payload.get("thread"), payload.get("thread_id")
        if isinstance(key, str):
            return key
        if not isinstance(thread_id, str):
            return None
        if row is not None and row.comment.thread_id == thread_id:
            return row.thread_key
        stored = await self._deps.storage.get_thread_by_id(thread_id)
        return stored.key if stored is not None and stored.site == site.name else None

    async def _event(
        self, site: Site, thread: str, event: str, comment_id: Any, row: CommentRow | None
    ) -> tuple[str, dict[str, Any]] | None:
        """The event's name and data from what is stored now; None when there is nothing
        an anonymous reader may be told."""
        if event == "thread.updated":
            stored = await self._deps.storage.get_thread(site.name, thread)
            return event, {"closed": thread_closed(stored, site, self._deps)}
        shown = row is not None and visible_to_anyone(row, site)
        if event == "comment.voted":
            if row is None or not shown:
                return None  # a score of a comment nobody sees would tell it exists
            return event, {"id": comment_id, "score": row.comment.score}
        if event in COMMENT_EVENTS and row is not None and shown:
            return event, public_comment(row)
        return "comment.removed", {"id": comment_id}

    async def watch(
        self, site: str, thread: str, last_event_id: str | None
    ) -> AbstractAsyncContextManager[AsyncIterator[LiveEvent]]:
        """A thread's live events from `last_event_id` (or from now); 404 now for an
        unknown site. The stream ends when the reader falls too far behind or the
        connection to Redis drops: the reader reconnects and resumes."""
        found = await self._sites.get(site)
        return self._stream(channel(found.name, thread), thread, last_event_id)

    @asynccontextmanager
    async def _stream(
        self, name: str, thread: str, last_event_id: str | None
    ) -> AsyncIterator[AsyncIterator[LiveEvent]]:
        async with contextlib.AsyncExitStack() as stack:
            try:
                received = await stack.enter_async_context(self._deps.event_log.listen(name))
            except LogUnavailable as exc:
                log.warning("live: cannot listen (%s); the stream ends at once", exc)
                yield _nothing()
                return
            events = self._events(name, thread, last_event_id, received)
            async with contextlib.aclosing(events):
                yield events

    async def _events(
        self,
        name: str,
        thread: str,
        last_event_id: str | None,
        received: AsyncIterator[Logged],
    ) -> AsyncGenerator[LiveEvent, None]:
        events_log = self._deps.event_log
        ready = json.dumps({"thread": thread}, separators=(",", ":"), ensure_ascii=False)
        try:
            if last_event_id is None:
                head = await events_log.head(name)
                yield head, "ready", ready
                after = None  # fresh: everything heard from now on is new to the reader
            else:
                missed = await events_log.since(name, last_event_id)
                if missed is None:
                    # Until the reset arrives, the reader keeps its old id: a reconnect
                    # before then is told to reset again.
                    yield None, "ready", ready
                    yield await events_log.head(name), "reset", "{}"
                    after = None
                else:
                    yield last_event_id, "ready", ready
                    for item in missed:
                        yield item
                    after = parse_id(missed[-1][0] if missed else last_event_id)
        except LogUnavailable as exc:
            log.warning("live: cannot read the log (%s); the stream ends", exc)
            return
        async for item in received:
            if after is not None:
                position = parse_id(item[0])
                if position is not None and position <= after:
                    continue  # already sent from the log
            yield item


async def _nothing() -> AsyncGenerator[LiveEvent, None]:
    """A stream that ends at once (the reader's EventSource comes back later)."""
    nothing: tuple[LiveEvent, ...] = ()
    for item in nothing:
        yield item
