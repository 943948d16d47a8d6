"""Live streams that carry more than public data, and the guard that ends them.

A moderation stream carries comment bodies and author ids, so it lasts only while its
caller may read them. The guard checks the caller again (the session looked up afresh,
the role on the site, a visible ban there) every `RECHECK_SECONDS`, and at once when the
user's control channel announces a revocation (a logout, on any instance). It also
holds every event it receives until a check that began after the event arrived has
passed, so nothing received before a revocation goes out after it; events that arrive
together share one check. A failed check, or a check that cannot be made (the database
is away), ends the stream: it fails closed, and the client reconnects through the
ordinary checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from comments.errors import ApiError, Banned
from comments.models import Site
from comments.realtime import Event
from comments.service.context import Deps
from comments.service.effects import channel
from comments.service.sessions import REVOKED, Sessions, Viewer, sessions_channel
from comments.service.staff import Staff

log = logging.getLogger(__name__)

RECHECK_SECONDS = 2.0  # half the promise: a stream ends within 5 s of losing its rights
INBOX = 256


async def guarded(
    source: AsyncIterator[Event], allowed: Callable[[], Awaitable[bool]], every: float
) -> AsyncGenerator[Event, None]:
    """`source`'s events, each sent only after a check that began after it arrived.

    Ends when a check fails. `REVOKED` events only prompt a check and are not passed on.
    """
    inbox: asyncio.Queue[Event] = asyncio.Queue(INBOX)

    async def pump() -> None:
        async for event in source:
            await inbox.put(event)

    pumping = asyncio.create_task(pump())
    getting: asyncio.Task[Event] | None = None
    checked = time.monotonic()
    try:
        while True:
            getting = getting or asyncio.create_task(inbox.get())
            timeout = max(0.0, checked + every - time.monotonic())
            done, _ = await asyncio.wait(
                {getting, pumping}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            batch: list[Event] = []
            if getting in done:
                batch.append(getting.result())
                getting = None
                while not inbox.empty():
                    batch.append(inbox.get_nowait())
            elif pumping in done:
                pumping.result()  # the source failed: raise it
                return  # the source ended
            started = time.monotonic()
            if not await allowed():
                return
            checked = started
            for event in batch:
                if event[0] != REVOKED:
                    yield event
    finally:
        waiting = [task for task in (getting, pumping) if task is not None]
        for task in waiting:
            task.cancel()
        for task in waiting:
            with contextlib.suppress(BaseException):
                await task


class Streams:
    """Opens the streams staff listen to, each guarded by its caller's standing."""

    def __init__(
        self, deps: Deps, sessions: Sessions, staff: Staff, every: float = RECHECK_SECONDS
    ) -> None:
        self._deps = deps
        self._sessions = sessions
        self._staff = staff
        self._every = every

    async def moderation(
        self, viewer: Viewer, site_name: str
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """A site's moderation events while the viewer may moderate it; 403 now if not."""
        site = await self._allowed(viewer, site_name)
        return self._listen(viewer, site)

    @asynccontextmanager
    async def _listen(self, viewer: Viewer, site: Site) -> AsyncIterator[AsyncIterator[Event]]:
        channels = (channel(site.name), sessions_channel(viewer.user.id))

        async def allowed() -> bool:
            return await self._still_allowed(viewer, site.name)

        async with self._deps.broker.subscribe(*channels) as received:
            events = guarded(received, allowed, self._every)
            async with contextlib.aclosing(events):
                yield events

    async def _allowed(self, viewer: Viewer, site_name: str) -> Site:
        site = await self._staff.require(viewer, site_name)
        ban = await self._deps.storage.get_ban(site.name, viewer.user.id)
        if ban is not None and not ban.shadow and ban.active(self._deps.clock()):
            raise Banned("You are banned from this site.")
        return site

    async def _still_allowed(self, viewer: Viewer, site_name: str) -> bool:
        try:
            await self._allowed(await self._sessions.recheck(viewer), site_name)
        except ApiError:
            return False
        except Exception:
            log.warning("could not check a stream's caller; ending the stream", exc_info=True)
            return False
        return True
