"""Page versions bumped right after a write commits, so its answer never races its readers.

A write that changes what readers see commits a `thread.changed` outbox row; right after
the commit, `after()` bumps the page version that row names (the row's id is the token,
so the bump applies once however often it is retried). If Redis does not answer, the
write still succeeds: the dispatcher delivers the row later and bumps then (and this
instance, having lost Redis, reads from the database meanwhile). A writer always sees
its own write: logged-in reads check the versions in Redis (comments/service/reading.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from comments.cache import UNAVAILABLE, Outage
from comments.service.context import Deps
from comments.storage import Effects, OutboxItem

log = logging.getLogger(__name__)
KIND = "thread.changed"


class Freshness:
    """Bumps the page versions a committed write names."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._keys: dict[str, str] = {}  # thread id -> key (a thread's key never changes)
        self._outage = Outage("page versions", "the outbox bumps them once it answers", log)

    async def after(self, effects: Effects | Iterable[OutboxItem]) -> None:
        """Bump every version these committed rows name; never fails the write."""
        items = effects.outbox if isinstance(effects, Effects) else effects
        for item in items:
            if item.kind != KIND:
                continue
            try:
                await self.bump(item.site, item.payload, item.id)
            except UNAVAILABLE as exc:
                self._outage.failed(exc)
            else:
                self._outage.answered()
        self._deps.wakeup.set()

    async def thread_key(self, payload: dict[str, Any]) -> str | None:
        """The thread key a row names, looked up once when it names the thread's id."""
        if payload.get("thread") is not None:
            return str(payload["thread"])
        thread_id = payload.get("thread_id")
        if thread_id is None:
            return None
        key = self._keys.get(thread_id)
        if key is None:
            thread = await self._deps.storage.get_thread_by_id(str(thread_id))
            if thread is None:
                return None
            if len(self._keys) > 50_000:
                self._keys.clear()
            key = self._keys[thread_id] = thread.key
        return key

    async def bump(self, site: str, payload: dict[str, Any], token: str) -> bool:
        """The version of the thread (or site) a row names; raises when Redis is away."""
        if payload.get("site_wide"):
            return await self._deps.pages.bump(site, None, token)
        key = await self.thread_key(payload)
        if key is None:
            return False
        return await self._deps.pages.bump(site, key, token)
