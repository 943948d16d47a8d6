"""Short-lived shared state: login records, one-time codes, rate windows, site versions.

Two implementations of one small interface: Redis when `COMMENTS_REDIS_URL` is set
(shared by every worker), and an in-process dictionary for the embedded demo. `take`
is atomic in both, so a single-use record can be used once only.

Redis is an accelerator, not a store of record: its client retries a command once the
connection drops (a restart), and callers that can do without it catch `UNAVAILABLE`
and use an `Outage` to fall back, log once per outage and count the fallbacks.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis

from comments.redis_options import UNAVAILABLE, redis_client

__all__ = ["UNAVAILABLE", "Cache", "MemoryCache", "Outage", "RedisCache", "make_cache"]


class Cache(Protocol):
    """Keys with expiry; values are strings."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store `value` under `key` for `ttl_seconds`."""

    async def get(self, key: str) -> str | None:
        """The value, or None when absent or expired."""

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Store only when `key` is absent (atomic); False when it was there."""

    async def take(self, key: str) -> str | None:
        """Get and delete in one step: of two concurrent takes, one gets None."""

    async def delete(self, key: str) -> None:
        """Forget `key`."""

    async def hit(self, key: str, window_ms: int, limit: int) -> int:
        """Count one event in a sliding window unless `limit` are in it already.

        Answers 0 when counted, else the milliseconds until the oldest event leaves.
        """

    async def ping(self) -> None:
        """Raise if the cache does not answer."""

    async def close(self) -> None:
        """Release connections."""


# Sliding window on a sorted set, atomically: trim, count, maybe add.
_HIT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""


class MemoryCache:
    """The embedded cache for a single process (the demo, `serve` without Redis)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[float, str]] = {}
        self._windows: dict[str, deque[float]] = {}
        self._monotonic = monotonic

    def _sweep(self) -> None:
        now = self._monotonic()
        for key in [k for k, (expires, _) in self._items.items() if expires <= now]:
            del self._items[key]

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store `value` under `key` for `ttl_seconds`."""
        self._sweep()
        self._items[key] = (self._monotonic() + ttl_seconds, value)

    async def get(self, key: str) -> str | None:
        """The value, or None when absent or expired."""
        item = self._items.get(key)
        if item is None or item[0] <= self._monotonic():
            return None
        return item[1]

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Store only when `key` is absent."""
        if await self.get(key) is not None:
            return False
        await self.put(key, value, ttl_seconds)
        return True

    async def take(self, key: str) -> str | None:
        """Get and delete in one step."""
        item = self._items.pop(key, None)
        if item is None or item[0] <= self._monotonic():
            return None
        return item[1]

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        self._items.pop(key, None)

    async def hit(self, key: str, window_ms: int, limit: int) -> int:
        """Count one event in a sliding window unless `limit` are in it already."""
        now = self._monotonic() * 1000
        events = self._windows.setdefault(key, deque())
        while events and events[0] <= now - window_ms:
            events.popleft()
        if len(events) >= limit:
            return max(1, int(events[0] + window_ms - now))
        events.append(now)
        if len(self._windows) > 100_000:
            self._windows = {k: v for k, v in self._windows.items() if v and v[-1] > now - 3600_000}
        return 0

    async def ping(self) -> None:
        """Always answers."""

    async def close(self) -> None:
        """Nothing to release."""
        self._items.clear()


class RedisCache:
    """The shared cache on Redis; every key carries the configured prefix."""

    def __init__(self, client: Redis, prefix: str = "comments:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> RedisCache:
        """A cache over a new client for `url`."""
        return cls(redis_client(url, decode_responses=True))

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store `value` under `key` for `ttl_seconds`."""
        await self._redis.set(self._prefix + key, value, ex=ttl_seconds)

    async def get(self, key: str) -> str | None:
        """The value, or None when absent or expired."""
        value = await self._redis.get(self._prefix + key)
        return None if value is None else str(value)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """SET NX: atomic on the server."""
        return bool(await self._redis.set(self._prefix + key, value, ex=ttl_seconds, nx=True))

    async def take(self, key: str) -> str | None:
        """GETDEL: atomic on the server."""
        value = await self._redis.getdel(self._prefix + key)
        return None if value is None else str(value)

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._redis.delete(self._prefix + key)

    async def hit(self, key: str, window_ms: int, limit: int) -> int:
        """Count one event in a sliding window (a Lua script: atomic across workers)."""
        now = int(time.time() * 1000)
        member = f"{now}:{secrets.token_hex(4)}"
        result = await self._redis.eval(_HIT, 1, self._prefix + key, now, window_ms, limit, member)
        return int(result)

    async def ping(self) -> None:
        """Raise if Redis does not answer."""
        await self._redis.ping()

    async def close(self) -> None:
        """Release connections."""
        await self._redis.aclose()


class Outage:
    """Whether the shared cache answers, for callers that fall back while it does not.

    While it is down, `probing()` lets one call through per `probe_seconds` so that a
    request does not pay the client's retries each time; the first failure logs one
    warning, the first success after it logs one line, and `fallbacks` counts the
    calls answered without the cache (for the metrics).
    """

    def __init__(
        self,
        what: str,
        meanwhile: str,
        logger: logging.Logger,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        probe_seconds: float = 1.0,
    ) -> None:
        self.what = what
        self.meanwhile = meanwhile
        self.fallbacks = 0
        self._log = logger
        self._monotonic = monotonic
        self._probe_seconds = probe_seconds
        self._down_since: float | None = None
        self._next_probe = 0.0

    @property
    def down(self) -> bool:
        """Whether the last call found the cache unreachable."""
        return self._down_since is not None

    def probing(self) -> bool:
        """Whether to try the cache now (always, unless it is down and was tried just now)."""
        return self._down_since is None or self._monotonic() >= self._next_probe

    def failed(self, error: Exception) -> None:
        """The cache did not answer: count a fallback, warn once per outage."""
        now = self._monotonic()
        self.fallbacks += 1
        self._next_probe = now + self._probe_seconds
        if self._down_since is None:
            self._down_since = now
            self._log.warning(
                "Redis unreachable for %s (%s); meanwhile %s",
                self.what,
                _one_line(error),
                self.meanwhile,
            )

    def skipped(self) -> None:
        """A call went to the fallback without trying the cache."""
        self.fallbacks += 1

    def answered(self) -> bool:
        """The cache answered; True when that ends an outage (logged in one line)."""
        if self._down_since is None:
            return False
        seconds = self._monotonic() - self._down_since
        self._down_since = None
        self._log.warning("Redis answers again for %s after %.0f s", self.what, seconds)
        return True


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def make_cache(redis_url: str | None) -> Cache:
    """Redis when configured, else the in-process cache."""
    return RedisCache.from_url(redis_url) if redis_url else MemoryCache()
