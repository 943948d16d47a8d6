"""Rate limits: sliding windows per reader, per address and per site, shared through the cache.

Posting counts per reader and per address on each site, and so do previews (in their own
windows: a preview is not a post). Login starts and publisher
sign-on exchanges, which need no login and cost the service a provider round trip or a
session, count per address (across all sites) and per site.

With Redis every worker counts in the same windows (an atomic script); without it,
one process counts alone. When Redis stops answering, each process counts in its own
windows of the same algorithm (so a limit still holds per process, a little looser
across several) and the post goes on: a warning once per outage, one line when Redis
is back, and `fallbacks` counts the checks made without it. A refused request answers
429 with `Retry-After`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from comments.cache import UNAVAILABLE, MemoryCache, Outage
from comments.errors import RateLimited
from comments.models import Site, Thread
from comments.service.context import Deps

log = logging.getLogger(__name__)

LOGINS_PER_ADDRESS = 30  # a minute, login starts or sign-on exchanges from one address
LOGINS_PER_SITE = 600  # a minute, for one site from every address
PREVIEWS_PER_MINUTE = 60  # from one reader on one site
PREVIEWS_PER_ADDRESS = 300  # a minute, from one address (readers behind one NAT share it)

CONFIRMATIONS_PER_HOUR = 3  # mails to a not yet confirmed address, per reader


class RateLimits:
    """Checks a write against the site's limits before anything is stored."""

    def __init__(
        self,
        deps: Deps,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        logins_per_address: int = LOGINS_PER_ADDRESS,
        logins_per_site: int = LOGINS_PER_SITE,
    ) -> None:
        self._deps = deps
        self._logins_per_address = logins_per_address
        self._logins_per_site = logins_per_site
        self._local = MemoryCache(monotonic=monotonic)
        self.outage = Outage(
            "rate limits", "each process counts in its own windows", log, monotonic=monotonic
        )

    @property
    def fallbacks(self) -> int:
        """How many checks this process counted alone because Redis did not answer."""
        return self.outage.fallbacks

    async def posting(self, site: Site, user_id: str, address: str | None) -> None:
        """Count one comment by `user_id` from `address`, or refuse with 429."""
        policy = site.policy
        windows = [
            (f"rate:user:{site.name}:{user_id}:m", 60, policy.rate_per_minute),
            (f"rate:user:{site.name}:{user_id}:h", 3600, policy.rate_per_hour),
        ]
        if address:
            windows.append((f"rate:ip:{site.name}:{address}:h", 3600, policy.ip_rate_per_hour))
        for key, seconds, limit in windows:
            if limit <= 0:
                continue
            wait_ms = await self._hit(key, seconds * 1000, limit)
            if wait_ms:
                wait = math.ceil(wait_ms / 1000)
                raise RateLimited(
                    f"You are commenting faster than this site allows. Try again in {wait} s.",
                    retry_after=wait,
                )

    async def preview(self, site: Site, user_id: str, address: str | None) -> None:
        """Count one preview by `user_id` from `address`, or refuse with 429: rendering costs
        the service while storing nothing, so nothing else would slow a script down."""
        windows = [(f"rate:preview:user:{site.name}:{user_id}:m", PREVIEWS_PER_MINUTE)]
        if address:
            windows.append((f"rate:preview:ip:{site.name}:{address}:m", PREVIEWS_PER_ADDRESS))
        for key, limit in windows:
            wait_ms = await self._hit(key, 60_000, limit)
            if wait_ms:
                wait = math.ceil(wait_ms / 1000)
                raise RateLimited(
                    f"Previews are coming faster than this site allows. Try again in {wait} s.",
                    retry_after=wait,
                )

    async def confirmations(self, user_id: str) -> None:
        """Count one address-confirmation mail for `user_id`, or refuse with 429: each one
        mails an address nobody has confirmed yet."""
        wait_ms = await self._hit(f"rate:confirm:{user_id}:h", 3_600_000, CONFIRMATIONS_PER_HOUR)
        if wait_ms:
            wait = math.ceil(wait_ms / 1000)
            raise RateLimited(
                f"Too many confirmation mails were asked for. Try again in {wait} s.",
                retry_after=wait,
            )

    async def slow_mode(self, site: Site, thread: Thread, user_id: str, seconds: int) -> None:
        """One comment per reader every `seconds` in this thread, or 429."""
        key = f"slow:{site.name}:{thread.id}:{user_id}"
        wait_ms = await self._hit(key, seconds * 1000, 1)
        if wait_ms:
            wait = math.ceil(wait_ms / 1000)
            raise RateLimited(
                f"This discussion is in slow mode: one comment every {seconds} s. "
                f"Try again in {wait} s.",
                retry_after=wait,
            )

    async def login_start(self, site: str | None, address: str | None) -> None:
        """Count one login start (`site` None: the dashboard's), or refuse with 429."""
        await self._logins("login", site, address, "Too many logins were started")

    async def sso_exchange(self, site: str, address: str | None) -> None:
        """Count one publisher sign-on exchange, or refuse with 429."""
        await self._logins("sso", site, address, "Too many sign-ons were asked for")

    async def _logins(self, kind: str, site: str | None, address: str | None, what: str) -> None:
        windows: list[tuple[str, int, str]] = []
        if address:
            windows.append(
                (f"rate:{kind}:ip:{address}:m", self._logins_per_address, "from your address")
            )
        if site:
            windows.append((f"rate:{kind}:site:{site}:m", self._logins_per_site, "on this site"))
        for key, limit, where in windows:
            if limit <= 0:
                continue
            wait_ms = await self._hit(key, 60_000, limit)
            if wait_ms:
                wait = math.ceil(wait_ms / 1000)
                raise RateLimited(
                    f"{what} {where} in the last minute. Try again in {wait} s.",
                    retry_after=wait,
                )

    async def _hit(self, key: str, window_ms: int, limit: int) -> int:
        """The shared window when the cache answers, else this process's own."""
        if not self.outage.probing():
            self.outage.skipped()
            return await self._local.hit(key, window_ms, limit)
        try:
            wait_ms = await self._deps.cache.hit(key, window_ms, limit)
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            return await self._local.hit(key, window_ms, limit)
        self.outage.answered()
        return wait_ms
