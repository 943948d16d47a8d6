"""Live events: publish on a channel, subscribe from a Server-Sent Events stream.

Redis pub/sub when Redis is configured, so every worker's subscribers hear every
worker's writes; an in-process fan-out otherwise. Events are small JSON objects.
The Redis client retries a publish once its pooled connection turns out dead (after a
Redis restart), with the same options as the cache's client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

Event = tuple[str, dict[str, Any]]
QUEUE_SIZE = 256


class Broker(Protocol):
    """Fan-out of named events to whoever listens on a channel."""

    async def publish(self, channel: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to every current subscriber of `channel`."""

    def subscribe(
        self, channel: str, *more: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Event]]:
        """Listen on `channel` (and `more`, on one connection) for as long as the context lasts."""

    async def close(self) -> None:
        """Release connections."""


class MemoryBroker:
    """In-process fan-out; a slow subscriber loses events rather than blocking writers."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}

    async def publish(self, channel: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to every current subscriber of `channel`."""
        for queue in list(self._subscribers.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((event, data))

    @asynccontextmanager
    async def subscribe(self, channel: str, *more: str) -> AsyncIterator[AsyncIterator[Event]]:
        """Listen on `channel` (and `more`) for as long as the context lasts."""
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        channels = {channel, *more}
        for name in channels:
            self._subscribers.setdefault(name, set()).add(queue)

        async def events() -> AsyncIterator[Event]:
            while True:
                yield await queue.get()

        try:
            yield events()
        finally:
            for name in channels:
                listeners = self._subscribers.get(name)
                if listeners is not None:
                    listeners.discard(queue)
                    if not listeners:
                        del self._subscribers[name]

    async def close(self) -> None:
        """Forget every subscriber."""
        self._subscribers.clear()


class RedisBroker:
    """Redis pub/sub, shared by every worker."""

    def __init__(self, client: Redis, prefix: str = "comments:events:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> RedisBroker:
        """A broker over a new client for `url`."""
        return cls(
            Redis.from_url(
                url,
                decode_responses=True,
                # As in comments.cache (a sibling this module does not import).
                retry=Retry(ExponentialBackoff(cap=0.25, base=0.01), 3),
                retry_on_error=[RedisConnectionError, RedisTimeoutError],
                health_check_interval=10,
                socket_connect_timeout=2,
                socket_timeout=5,  # subscribers' blocking reads wait without it
                socket_keepalive=True,
            )
        )

    async def publish(self, channel: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to every current subscriber of `channel`."""
        payload = json.dumps({"event": event, "data": data}, separators=(",", ":"))
        await self._redis.publish(self._prefix + channel, payload)

    @asynccontextmanager
    async def subscribe(self, channel: str, *more: str) -> AsyncIterator[AsyncIterator[Event]]:
        """Listen on `channel` (and `more`, on one connection) for as long as the context lasts."""
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(*(self._prefix + name for name in (channel, *more)))

        async def events() -> AsyncIterator[Event]:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    decoded = json.loads(message["data"])
                    yield str(decoded["event"]), dict(decoded["data"])
                except (ValueError, KeyError, TypeError):
                    continue

        try:
            yield events()
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        """Release connections."""
        await self._redis.aclose()


def make_broker(redis_url: str | None) -> Broker:
    """Redis when configured, else in process."""
    return RedisBroker.from_url(redis_url) if redis_url else MemoryBroker()
