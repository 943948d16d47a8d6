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
import logging
import random
import re
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from comments.redis_options import redis_client

log = logging.getLogger(__name__)

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
        return cls(redis_client(url, decode_responses=True))

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


# ----------------------------------------------------------------------- event logs
#
# The public live stream of a thread must survive a reconnect: a browser's EventSource
# comes back with the last id it saw and expects what it missed. So each channel keeps
# its recent events in a log, and every event has an id `EPOCH-N`: N counts the
# channel's events one by one, EPOCH is fixed when the channel's counter is created (the
# time, in ms, so a counter created again after expiry starts above every older id).
# Because N has no holes, a gap is plain to see: a resume from `E-k` is whole exactly when
# the log still holds `E-(k+1)`; an unknown epoch, or a first kept event further on, is
# a gap, and the reader is told to reload (`since` answers None). `0-0` is the position
# before a channel's first event (a counter is only made by an event); a reader resuming
# from it gets the current counter's events, so one who stays away for longer than the
# counter lives (a day without events, then new ones) may miss the forgotten ones.
#
# Listening never polls: on Redis, one pub/sub connection per log (per process) carries
# every channel a local stream listens to, subscribed while anyone listens, and each
# message is fanned out to the listeners' bounded inboxes.

Logged = tuple[str, str, str]  # (id, event, data as JSON text: encoded once, not per reader)

KEEP_EVENTS = 200  # at least this many recent events per channel
LOG_TTL_SECONDS = 600  # ... kept until this long after the channel's last event
COUNTER_TTL_SECONDS = 86_400  # the id counter outlives the log, so a quiet reconnect resumes
INBOX_SIZE = 256  # events waiting for one slow reader; beyond it, its stream ends
CONNECT_WAIT_SECONDS = 5.0  # a new listener waits this long for the pub/sub connection
PING_SECONDS = 5.0  # the pub/sub connection is pinged this often ...
SILENT_SECONDS = 15.0  # ... and given up when nothing came back for this long

_ID = re.compile(r"(\d{1,19})-(\d{1,19})")
NO_EVENTS = "0-0"  # the position before a channel's first event


class LogUnavailable(Exception):
    """The event log could not be reached (Redis down): streams end, writes retry."""


def parse_id(value: str) -> tuple[int, int] | None:
    """`EPOCH-N` as numbers, or None for anything else (an id from a client is untrusted)."""
    match = _ID.fullmatch(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _resumed(
    last: tuple[int, int], epoch: int | None, count: int, kept: list[Logged]
) -> list[Logged] | None:
    """The events after `last` if `kept` (the log after it) has them all, else None."""
    if last == (0, 0):  # before the first event: all of the current counter's are new
        if epoch is None:
            return []
        last = (epoch, 0)
    if epoch is None or last[0] != epoch or last[1] > count:
        return None  # the counter was forgotten or started again, or the id is made up
    if last[1] == count:
        return []
    if not kept or parse_id(kept[0][0]) != (epoch, last[1] + 1):
        return None  # the next event was trimmed or expired
    return kept


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class EventLog(Protocol):
    """Per-channel recent events with increasing ids, and live listening."""

    async def append(
        self, channel: str, event: str, data: dict[str, Any], *, once: str | None = None
    ) -> str | None:
        """Log and broadcast one event; its id. With `once`, a repeat of that key within
        the log's lifetime logs nothing and answers None (an outbox row delivered twice)."""

    async def head(self, channel: str) -> str:
        """The id of the channel's latest event (a fresh stream starts after it), or
        `NO_EVENTS` before its first: asking creates nothing, so streams opened on
        made-up thread keys cost the log nothing."""

    async def since(self, channel: str, last_id: str) -> list[Logged] | None:
        """Every event after `last_id`, oldest first; None if some are no longer kept."""

    def listen(self, channel: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Logged]]:
        """The channel's events from now on. The iterator ends when its inbox overflows
        (a slow reader) or the connection to the broker drops: the reader resumes later."""

    async def close(self) -> None:
        """Stop listening and release connections."""


class Inbox:
    """One listener's bounded queue; overflowing ends it rather than growing."""

    __slots__ = ("_items", "_limit", "_wakeup", "ended")

    def __init__(self, limit: int) -> None:
        self._items: deque[Logged] = deque()
        self._limit = limit
        self._wakeup = asyncio.Event()
        self.ended = False

    def push(self, item: Logged) -> bool:
        """Queue an event; False (and the inbox ended, emptied) when it was full."""
        if self.ended:
            return False
        if len(self._items) >= self._limit:
            self.end(drop=True)
            return False
        self._items.append(item)
        self._wakeup.set()
        return True

    def end(self, *, drop: bool) -> None:
        """No more events: the reader gets what is queued (none if `drop`), then the end."""
        self.ended = True
        if drop:
            self._items.clear()
        self._wakeup.set()

    def __aiter__(self) -> Inbox:
        return self

    async def __anext__(self) -> Logged:
        while not self._items:
            if self.ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._items.popleft()


def _fan_out(listeners: set[Inbox], item: Logged) -> None:
    """One event to every listener; a listener whose inbox is full is ended and let go."""
    for inbox in list(listeners):
        if not inbox.push(item):
            log.info("a live reader fell too far behind; ending its stream")
            listeners.discard(inbox)


@dataclass
class _MemoryChannel:
    epoch: int
    count: int = 0
    events: deque[Logged] = field(default_factory=lambda: deque(maxlen=KEEP_EVENTS))
    touched: float = 0.0


class MemoryEventLog:
    """The event log in process (no Redis: the demo, a single process): same rules."""

    def __init__(
        self,
        keep: int = KEEP_EVENTS,
        ttl: float = LOG_TTL_SECONDS,
        counter_ttl: float = COUNTER_TTL_SECONDS,
        inbox: int = INBOX_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keep, self._ttl, self._counter_ttl, self._inbox = keep, ttl, counter_ttl, inbox
        self._now = monotonic
        self._channels: dict[str, _MemoryChannel] = {}
        self._once: dict[str, float] = {}
        self._listeners: dict[str, set[Inbox]] = {}
        self._last_epoch = 0
        self._swept = monotonic()

    def _channel(self, name: str) -> _MemoryChannel:
        now = self._now()
        if now - self._swept > 60:
            self._sweep(now)
        found = self._channels.get(name)
        if found is not None and now - found.touched > self._counter_ttl:
            found = None
        if found is None:
            self._last_epoch = max(int(time.time() * 1000), self._last_epoch + 1)
            found = _MemoryChannel(self._last_epoch, events=deque(maxlen=self._keep))
            self._channels[name] = found
        elif now - found.touched > self._ttl:
            found.events.clear()  # as a Redis key expires: the log goes, the counter stays
        found.touched = now
        return found

    def _sweep(self, now: float) -> None:
        """Forget quiet channels and old `once` keys, so memory follows recent activity."""
        self._swept = now
        for name, channel in list(self._channels.items()):
            if now - channel.touched > self._counter_ttl and name not in self._listeners:
                del self._channels[name]
        self._once = {key: at for key, at in self._once.items() if now - at <= self._ttl}

    async def append(
        self, channel: str, event: str, data: dict[str, Any], *, once: str | None = None
    ) -> str | None:
        """Log and broadcast one event; its id (None for a repeated `once`)."""
        if once is not None:
            key = f"{channel}\n{once}"
            at = self._once.get(key)
            if at is not None and self._now() - at <= self._ttl:
                return None
            self._once[key] = self._now()
        state = self._channel(channel)
        state.count += 1
        item = (f"{state.epoch}-{state.count}", event, _json(data))
        state.events.append(item)
        _fan_out(self._listeners.get(channel, set()), item)
        return item[0]

    async def head(self, channel: str) -> str:
        """The id of the channel's latest event, `0-0` before its first."""
        if channel not in self._channels:
            return NO_EVENTS
        state = self._channel(channel)
        return f"{state.epoch}-{state.count}"

    async def since(self, channel: str, last_id: str) -> list[Logged] | None:
        """Every event after `last_id`; None when some are gone."""
        last = parse_id(last_id)
        if last is None:
            return None
        if channel not in self._channels:
            return _resumed(last, None, 0, [])
        state = self._channel(channel)
        kept = [item for item in state.events if (parse_id(item[0]) or (0, 0)) > last]
        return _resumed(last, state.epoch, state.count, kept)

    @asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[AsyncIterator[Logged]]:
        """The channel's events from now on, into a bounded inbox."""
        inbox = Inbox(self._inbox)
        self._listeners.setdefault(channel, set()).add(inbox)
        try:
            yield inbox
        finally:
            listeners = self._listeners.get(channel)
            if listeners is not None:
                listeners.discard(inbox)
                if not listeners:
                    del self._listeners[channel]

    async def close(self) -> None:
        """End every listener."""
        for listeners in self._listeners.values():
            for inbox in listeners:
                inbox.end(drop=False)
        self._listeners.clear()


# Lua: the counter, the log and the broadcast change together or not at all. KEYS: the
# counter, the stream, the `once` marker; they share one hash tag (`{channel}`), so the
# script also runs on Redis Cluster. A new counter's epoch is the time in ms, above the
# stream's last id should the stream have outlived its counter (evicted, say).
_APPEND = """
if ARGV[7] == '1' and not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[5]) then
  return false
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
  if last then
    local ms = tonumber(string.match(last[1], '^(%d+)'))
    if ms >= now then now = ms + 1 end
  end
  epoch = string.format('%d', now)
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'n', 0)
end
local id = epoch .. '-' .. string.format('%d', redis.call('HINCRBY', KEYS[1], 'n', 1))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], id, 'e', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PUBLISH', ARGV[1], id .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
return id
"""

_REDIS_ERRORS = (RedisError, OSError)


class _Channel:
    """A pub/sub channel some local streams listen to, and when Redis confirmed it."""

    __slots__ = ("listeners", "subscribed")

    def __init__(self, subscribed: asyncio.Future[None]) -> None:
        self.listeners: set[Inbox] = set()
        self.subscribed = subscribed


class _Subscriber:
    """One pub/sub connection, shared by every local stream, reconnected with backoff.

    A channel is subscribed while a local stream listens to it (counted by its inbox
    set). Replies to SUBSCRIBE come back in order, so each channel's confirmations are
    matched first in, first out. When the connection drops, every listener ends (it
    keeps what it had received); the streams resume from their last id elsewhere.
    """

    def __init__(self, connect: Callable[[], Redis], inbox: int) -> None:
        self._connect = connect
        self._inbox = inbox
        self._channels: dict[str, _Channel] = {}
        self._confirmations: dict[str, deque[asyncio.Future[None]]] = {}
        self._pubsub: PubSub | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._control = f"comments:live:subscriber:{uuid.uuid4().hex}"

    @property
    def listening(self) -> tuple[int, int]:
        """Channels subscribed, and local listeners on them (for tests and metrics)."""
        return len(self._channels), sum(len(c.listeners) for c in self._channels.values())

    @asynccontextmanager
    async def listen(self, name: str) -> AsyncIterator[AsyncIterator[Logged]]:
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name="live-subscriber")
        inbox = Inbox(self._inbox)
        try:
            async with asyncio.timeout(CONNECT_WAIT_SECONDS):
                await self._connected.wait()
                await self._join(name, inbox)
        except (TimeoutError, *_REDIS_ERRORS) as exc:
            await self._leave(name, inbox)
            raise LogUnavailable("the live events' connection to Redis is down") from exc
        try:
            yield inbox
        finally:
            await self._leave(name, inbox)

    async def _join(self, name: str, inbox: Inbox) -> None:
        channel = self._channels.get(name)
        if channel is None:
            pubsub = self._pubsub
            if pubsub is None:
                raise RedisConnectionError("not connected")
            channel = _Channel(asyncio.get_running_loop().create_future())
            self._channels[name] = channel
            self._confirmations.setdefault(name, deque()).append(channel.subscribed)
            channel.listeners.add(inbox)
            await pubsub.subscribe(name)
        else:
            channel.listeners.add(inbox)
        await asyncio.shield(channel.subscribed)

    async def _leave(self, name: str, inbox: Inbox) -> None:
        channel = self._channels.get(name)
        if channel is None:
            return
        channel.listeners.discard(inbox)  # gone already if it overflowed
        if channel.listeners:
            return
        del self._channels[name]
        pubsub = self._pubsub
        if pubsub is not None:
            try:
                await pubsub.unsubscribe(name)
            except _REDIS_ERRORS:
                pass  # the connection is going anyway: nothing stays subscribed on it

    def _handle(self, message: dict[str, Any]) -> None:
        kind, name = message.get("type"), message.get("channel")
        if kind == "message" and isinstance(name, str):
            channel = self._channels.get(name)
            if channel is None or not channel.listeners:
                return
            parts = str(message.get("data", "")).split(" ", 2)
            if len(parts) != 3:
                return
            _fan_out(channel.listeners, (parts[0], parts[1], parts[2]))
        elif kind == "subscribe" and isinstance(name, str):
            waiting = self._confirmations.get(name)
            if waiting:
                future = waiting.popleft()
                if not waiting:
                    del self._confirmations[name]
                if not future.done():
                    future.set_result(None)

    async def _run(self) -> None:
        delay = 0.1
        loop = asyncio.get_running_loop()
        while not self._closed:
            client = self._connect()
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self._control)
                heard = pinged = loop.time()
                confirmed = False
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    now = loop.time()
                    if message is not None:
                        heard = now
                        if not confirmed and message.get("channel") == self._control:
                            confirmed = True
                            self._pubsub = pubsub
                            self._connected.set()
                            delay = 0.1
                            log.info("live events: listening on Redis")
                        else:
                            self._handle(message)
                    if now - pinged >= PING_SECONDS:
                        await pubsub.ping()
                        pinged = now
                    if now - heard > SILENT_SECONDS:
                        raise RedisConnectionError("the pub/sub connection went silent")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not self._closed:
                    log.warning("live events: lost the Redis subscription (%s); reconnecting", exc)
            finally:
                self._drop()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
            if self._closed:
                return
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 5.0)

    def _drop(self) -> None:
        """The connection is gone: end every listener and forget its subscriptions."""
        self._connected.clear()
        self._pubsub = None
        for channel in self._channels.values():
            for inbox in channel.listeners:
                inbox.end(drop=False)
            if not channel.subscribed.done():
                channel.subscribed.set_exception(RedisConnectionError("disconnected"))
                channel.subscribed.exception()  # retrieved: nobody else may be waiting
        self._channels.clear()
        self._confirmations.clear()

    async def close(self) -> None:
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        self._drop()


class RedisEventLog:
    """The event log in Redis: a stream per channel, one pub/sub connection per process."""

    def __init__(
        self,
        url: str,
        prefix: str = "comments:live:",
        keep: int = KEEP_EVENTS,
        ttl: float = LOG_TTL_SECONDS,
        counter_ttl: float = COUNTER_TTL_SECONDS,
        inbox: int = INBOX_SIZE,
    ) -> None:
        # The pool waits for a free connection: thousands of streams opening at once
        # queue for a few connections rather than failing or opening thousands.
        self._redis = redis_client(url, decode_responses=True)
        self._prefix = prefix
        self._keep = keep
        self._ttl_ms = int(ttl * 1000)
        self._counter_ttl_ms = int(counter_ttl * 1000)
        self._append = self._redis.register_script(_APPEND)
        # No retries on the subscriber's client: a silent reconnect would lose events
        # unseen; the subscriber notices instead, and its listeners resume.
        self.subscriber = _Subscriber(
            lambda: redis_client(url, decode_responses=True, retries=False), inbox
        )

    def _keys(self, channel: str) -> tuple[str, str, str]:
        """Pub/sub channel, counter hash, stream: one hash tag, one Cluster slot."""
        tagged = f"{self._prefix}{{{channel}}}"
        return tagged, tagged + ":n", tagged + ":log"

    async def append(
        self, channel: str, event: str, data: dict[str, Any], *, once: str | None = None
    ) -> str | None:
        """Log and broadcast one event; its id (None for a repeated `once`)."""
        name, meta, stream = self._keys(channel)
        keys = [meta, stream, f"{name}:once:{once or ''}"]
        args: list[str | int] = [name, event, _json(data), self._keep, self._ttl_ms]
        args += [self._counter_ttl_ms, "1" if once else "0"]
        try:
            found = await self._append(keys=keys, args=args)
        except _REDIS_ERRORS as exc:
            raise LogUnavailable(str(exc)) from exc
        return None if found is None else str(found)

    async def head(self, channel: str) -> str:
        """The id of the channel's latest event, `0-0` before its first."""
        _, meta, _ = self._keys(channel)
        try:
            epoch, count = await self._redis.hmget(meta, ["epoch", "n"])
        except _REDIS_ERRORS as exc:
            raise LogUnavailable(str(exc)) from exc
        return NO_EVENTS if epoch is None else f"{int(epoch)}-{int(count or 0)}"

    async def since(self, channel: str, last_id: str) -> list[Logged] | None:
        """Every event after `last_id`, read with the counter in one transaction."""
        last = parse_id(last_id)
        if last is None:
            return None
        _, meta, stream = self._keys(channel)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hmget(meta, ["epoch", "n"])
                pipe.xrange(stream, min=f"({last[0]}-{last[1]}", max="+")
                (epoch, count), entries = await pipe.execute()
        except _REDIS_ERRORS as exc:
            raise LogUnavailable(str(exc)) from exc
        kept = [(str(id_), fields.get("e", ""), fields.get("d", "{}")) for id_, fields in entries]
        return _resumed(last, int(epoch) if epoch is not None else None, int(count or 0), kept)

    def listen(self, channel: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Logged]]:
        """The channel's events from now on, through the shared subscription."""
        return self.subscriber.listen(self._keys(channel)[0])

    async def close(self) -> None:
        """Stop the subscription and release connections."""
        await self.subscriber.close()
        await self._redis.aclose()


def make_event_log(redis_url: str | None) -> EventLog:
    """Redis when configured, else in process."""
    return RedisEventLog(redis_url) if redis_url else MemoryEventLog()
