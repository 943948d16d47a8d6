"""Rate limits: sliding windows per reader and per address, shared through the cache.

With Redis every worker counts in the same windows (an atomic script); without it,
one process counts alone. A refused request answers 429 with `Retry-After`.
"""

from __future__ import annotations

import math

from comments.errors import RateLimited
from comments.models import Site, Thread
from comments.service.context import Deps


class RateLimits:
    """Checks a write against the site's limits before anything is stored."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

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
            wait_ms = await self._deps.cache.hit(key, seconds * 1000, limit)
            if wait_ms:
                wait = math.ceil(wait_ms / 1000)
                raise RateLimited(
                    f"You are commenting faster than this site allows. Try again in {wait} s.",
                    retry_after=wait,
                )

    async def slow_mode(self, site: Site, thread: Thread, user_id: str, seconds: int) -> None:
        """One comment per reader every `seconds` in this thread, or 429."""
        key = f"slow:{site.name}:{thread.id}:{user_id}"
        wait_ms = await self._deps.cache.hit(key, seconds * 1000, 1)
        if wait_ms:
            wait = math.ceil(wait_ms / 1000)
            raise RateLimited(
                f"This discussion is in slow mode: one comment every {seconds} s. "
                f"Try again in {wait} s.",
                retry_after=wait,
            )
