"""The use cases, and the only user of storage, cache and moderation.

`Service` bundles the parts; transport calls `service.posting.post(...)` and so on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from comments.realtime import Event
from comments.service.account import Account
from comments.service.context import Deps, ServiceConfig
from comments.service.dispatch import Dispatcher
from comments.service.limits import RateLimits
from comments.service.login import Logins
from comments.service.moderation import Moderation
from comments.service.posting import NewComment, Posting
from comments.service.reading import Reading
from comments.service.screening import Screening
from comments.service.sessions import Sessions, Viewer
from comments.service.sites import Sites
from comments.service.sso import SingleSignOn
from comments.service.streams import Streams
from comments.storage import ThreadChange


class Service:
    """Every use case, sharing one set of engines."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.sites = Sites(deps)
        self.sessions = Sessions(deps)
        self.account = Account(deps)
        self.reading = Reading(deps)
        limits = RateLimits(deps)
        self.screening = Screening(deps, limits)
        self.moderation = Moderation(deps, self.sites, self.sessions, self.screening)
        self.posting = Posting(deps, self.sites, self.reading, self.screening)
        self.dispatcher = Dispatcher(deps, self.sites, self.moderation.queues)
        self.logins = Logins(deps, self.sites, self.sessions, limits)
        self.sso = SingleSignOn(deps, self.sites, self.sessions, limits)
        self.streams = Streams(deps, self.sessions, self.moderation.staff)

    async def close(self) -> None:
        """Stop delivering, then close the engines."""
        await self.dispatcher.stop()
        await self.deps.storage.close()
        await self.deps.cache.close()
        await self.deps.broker.close()
        await self.deps.classifier.close()

    async def moderation_events(
        self, viewer: Viewer, site: str
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """A site's queues live, 403 now if not staff; ends soon after logout, role loss or ban."""
        return await self.streams.moderation(viewer, site)

    async def check_health(self) -> dict[str, str]:
        """Whether the database and the cache answer."""
        status = {}
        for name, ping in (("database", self.deps.storage.ping), ("cache", self.deps.cache.ping)):
            try:
                await ping()
                status[name] = "ok"
            except Exception:
                status[name] = "unavailable"
        return status


__all__ = ["Deps", "NewComment", "Service", "ServiceConfig", "ThreadChange", "Viewer"]
