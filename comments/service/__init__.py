"""The use cases, and the only user of storage, cache and moderation.

`Service` bundles the parts; transport calls `service.posting.post(...)` and so on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from comments.realtime import Event, RedisEventLog
from comments.service.account import Account
from comments.service.context import Deps, ServiceConfig
from comments.service.dispatch import Dispatcher
from comments.service.embed import Embeds
from comments.service.failures import Failures
from comments.service.limits import RateLimits
from comments.service.live import Live
from comments.service.login import Logins
from comments.service.mail import MailConfig
from comments.service.moderation import Moderation
from comments.service.notifications import Choices, Notifications
from comments.service.people import People, Person
from comments.service.posting import NewComment, Posting
from comments.service.preview import Preview
from comments.service.profile import Profile, Profiles
from comments.service.reading import Answer, PageQuery, Reading
from comments.service.screening import Screening
from comments.service.sessions import Sessions, Viewer
from comments.service.sites import Sites
from comments.service.sso import SingleSignOn
from comments.service.streams import Streams
from comments.service.telemetry import Telemetry
from comments.storage import ThreadChange

log = logging.getLogger(__name__)

METRICS_WAIT_SECONDS = 2.0  # a scrape waits this long for the database's count, no more


CLOSE_SECONDS = 5.0


async def _ended(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task


@dataclass(frozen=True)
class QueueReading:
    """One site's moderation queue at a scrape."""

    site: str
    pending: int
    oldest_seconds: float


@dataclass(frozen=True)
class Readings:
    """What a scrape shows: numbers read now, the queues with something pending, and the
    traffic series kept since the process started."""

    values: dict[str, float]
    queues: tuple[QueueReading, ...]
    telemetry: Telemetry


class Service:
    """Every use case, sharing one set of engines."""

    def __init__(self, deps: Deps, mail: MailConfig | None = None) -> None:
        self.deps = deps
        self._listening: asyncio.Task[None] | None = None
        self.sites = Sites(deps)
        self.sessions = Sessions(deps)
        self.account = Account(deps)
        self.reading = Reading(deps, self.sessions)
        self.embeds = Embeds(deps, self.sites, self.reading)
        limits = RateLimits(deps)
        self.screening = Screening(deps, limits)
        self.moderation = Moderation(deps, self.sites, self.sessions, self.screening)
        self.posting = Posting(deps, self.sites, self.reading, self.screening)
        self.preview = Preview(deps, self.sites, limits)
        self.profiles = Profiles(deps)
        self.people = People(deps, self.moderation.staff, self.sessions)
        self.dispatcher = Dispatcher(deps, self.sites, self.moderation.queues)
        self.logins = Logins(deps, self.sites, self.sessions, limits)
        self.sso = SingleSignOn(deps, self.sites, self.sessions, limits)
        self.streams = Streams(deps, self.sessions, self.moderation.staff)
        self.live = Live(deps, self.sites)
        self.notifications = Notifications(deps, self.sites, limits, mail or MailConfig())
        self.failures = Failures(deps, self.moderation.staff)
        self.dispatcher.live = self.live.deliver  # `thread.changed` rows reach live readers

    def listen(self) -> None:
        """Hear other instances' page-cache bumps, in the background of this process."""
        if self._listening is None:
            self._listening = asyncio.get_running_loop().create_task(
                self.deps.pages.run(), name="page-cache-listener"
            )

    async def flush_cache(self, site: str | None, thread: str | None) -> int:
        """`comments cache flush`: drop cached pages (all, a site's, a thread's)."""
        return await self.deps.pages.flush(site, thread)

    async def close(self) -> None:
        """Stop delivering and listening, then close the engines.

        Each step gets a few seconds: a shutdown must end even if an engine hangs (it
        is named in the log).
        """
        task, self._listening = self._listening, None
        if task is not None:
            task.cancel()
        steps = [
            ("dispatcher", self.dispatcher.stop()),
            ("page-cache listener", _ended(task)),
            ("page cache", self.deps.pages.close()),
            ("storage", self.deps.storage.close()),
            ("cache", self.deps.cache.close()),
            ("broker", self.deps.broker.close()),
            ("event log", self.deps.event_log.close()),
            ("classifier", self.deps.classifier.close()),
        ]
        for name, step in steps:
            try:
                await asyncio.wait_for(step, CLOSE_SECONDS)
            except TimeoutError:
                log.error("closing the %s took over %.0f s; going on", name, CLOSE_SECONDS)

    async def moderation_events(
        self, viewer: Viewer, site: str
    ) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """A site's queues live, 403 now if not staff; ends soon after logout, role loss or ban."""
        return await self.streams.moderation(viewer, site)

    async def metrics(self) -> Readings:
        """This process's numbers, read now, for `GET /metrics` (counters since it started).

        What waits (outbox, queues) is left out when the database does not answer soon:
        a scrape during an outage still shows the rest; `live_listeners` only with Redis.
        """
        pages, reading, dispatcher = self.deps.pages, self.reading, self.dispatcher
        found: dict[str, float] = {
            "reads_cached": reading.hits,
            "pages_computed": reading.computed,
            "reads_bypassed": reading.bypassed,
            "cache_bytes": pages.local.bytes,
            "cache_entries": len(pages.local),
            "cache_max_bytes": pages.local.max_bytes,
            "cache_trusted": 1 if pages.trusted else 0,
            "outbox_delivered": dispatcher.delivered,
            "outbox_failed": dispatcher.failed,
        }
        if isinstance(self.deps.event_log, RedisEventLog):
            found["live_listeners"] = self.deps.event_log.subscriber.listening[1]
        queues: tuple[QueueReading, ...] = ()
        now = self.deps.clock()
        try:
            async with asyncio.timeout(METRICS_WAIT_SECONDS):
                backlog = await self.deps.storage.backlog(now)
        except Exception as exc:  # the database is away: say so once per scrape, go on
            log.warning("metrics: the backlog is unknown (%s)", type(exc).__name__)
        else:
            found["outbox_pending"] = backlog.outbox_pending
            due = backlog.outbox_oldest_due
            found["outbox_lag_seconds"] = max(0.0, (now - due).total_seconds()) if due else 0.0
            queues = tuple(
                QueueReading(q.site, q.pending, max(0.0, (now - q.oldest).total_seconds()))
                for q in backlog.queues
            )
        return Readings(found, queues, self.deps.telemetry)

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


__all__ = [
    "Answer",
    "Choices",
    "Deps",
    "NewComment",
    "PageQuery",
    "Person",
    "Profile",
    "QueueReading",
    "Readings",
    "Service",
    "ServiceConfig",
    "ThreadChange",
    "Viewer",
]
