"""The use cases, and the only user of storage, cache and moderation.

`Service` bundles the parts; transport calls `service.posting.post(...)` and so on.
"""

from __future__ import annotations

from comments.service.account import Account
from comments.service.context import Deps, ServiceConfig
from comments.service.login import Logins
from comments.service.moderation import Moderation
from comments.service.posting import NewComment, Posting
from comments.service.reading import Reading
from comments.service.sessions import Sessions, Viewer
from comments.service.sites import Sites
from comments.service.sso import SingleSignOn


class Service:
    """Every use case, sharing one set of engines."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.sites = Sites(deps)
        self.sessions = Sessions(deps)
        self.account = Account(deps)
        self.reading = Reading(deps)
        self.moderation = Moderation(deps, self.sites, self.sessions)
        self.posting = Posting(deps, self.sites, self.reading, self.moderation)
        self.logins = Logins(deps, self.sites, self.sessions)
        self.sso = SingleSignOn(deps, self.sites, self.sessions)

    async def close(self) -> None:
        """Close the engines."""
        await self.deps.storage.close()
        await self.deps.cache.close()
        await self.deps.broker.close()
        await self.deps.classifier.close()

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


__all__ = ["Deps", "NewComment", "Service", "ServiceConfig", "Viewer"]
