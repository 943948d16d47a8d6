"""The live event log, on a real Redis and in process: ids, resuming, gaps, slow readers.

A reader that reconnects with the last id it saw gets exactly what it missed, or is told
(None) that some of it is gone; a reader that stops reading is cut off instead of
queueing without end; on Redis, one pub/sub connection serves every listener of a
process, and a Redis that goes away ends the listeners rather than leaving them deaf.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from comments.realtime import (
    KEEP_EVENTS,
    NO_EVENTS,
    EventLog,
    Logged,
    LogUnavailable,
    MemoryEventLog,
    RedisEventLog,
)
from tests.faults.cluster import RedisServer

CHANNEL = "news:union"


@pytest.fixture(params=["redis", "memory"])
async def events(request: pytest.FixtureRequest) -> AsyncIterator[EventLog]:
    if request.param == "redis":
        made: EventLog = RedisEventLog(request.getfixturevalue("redis_clean_url"), inbox=8)
    else:
        made = MemoryEventLog(inbox=8)
    yield made
    await made.close()


async def append(log: EventLog, count: int, channel: str = CHANNEL) -> list[str]:
    """`count` events numbered from 0; their ids."""
    ids = []
    for n in range(count):
        found = await log.append(channel, "comment.voted", {"n": n})
        assert found is not None
        ids.append(found)
    return ids


async def take(source: AsyncIterator[Logged], count: int) -> list[Logged]:
    """The next `count` events (fails after 10 s)."""
    async with asyncio.timeout(10):
        return [await anext(source) for _ in range(count)]


async def test_resuming_gives_exactly_the_missed_events(events: EventLog) -> None:
    start = await events.head(CHANNEL)
    ids = await append(events, 5)
    assert len(set(ids)) == 5
    missed = await events.since(CHANNEL, ids[1])
    assert missed is not None
    assert [item[0] for item in missed] == ids[2:]
    assert [item[1:] for item in missed] == [("comment.voted", f'{{"n":{n}}}') for n in (2, 3, 4)]
    assert await events.since(CHANNEL, ids[-1]) == []
    from_start = await events.since(CHANNEL, start)
    assert from_start is not None and [item[0] for item in from_start] == ids
    assert await events.head(CHANNEL) == ids[-1]


async def test_asking_about_a_quiet_channel_stores_nothing(
    events: EventLog, request: pytest.FixtureRequest
) -> None:
    """Streams opened on thread keys nobody writes to (made up, say) cost the log nothing."""
    assert await events.head("news:never") == NO_EVENTS
    assert await events.since("news:never", NO_EVENTS) == []
    async with events.listen("news:never"):
        pass
    if isinstance(events, RedisEventLog):
        raw = aioredis.Redis.from_url(request.getfixturevalue("redis_clean_url"))
        try:
            assert await raw.keys("comments:live:*") == []
        finally:
            await raw.aclose()
    ids = await append(events, 2, "news:never")
    missed = await events.since("news:never", NO_EVENTS)
    assert missed is not None and [item[0] for item in missed] == ids


async def test_an_id_older_than_the_log_keeps_is_a_gap(events: EventLog) -> None:
    first = (await append(events, 1))[0]
    await append(events, KEEP_EVENTS * 2)
    assert await events.since(CHANNEL, first) is None
    recent = await events.head(CHANNEL)
    assert await events.since(CHANNEL, recent) == []


@pytest.mark.parametrize("made_up", ["", "nonsense", "1-1", "99999999999999-0", "-1", "1-2-3"])
async def test_an_id_the_log_never_gave_is_a_gap(events: EventLog, made_up: str) -> None:
    await append(events, 3)
    assert await events.since(CHANNEL, made_up) is None


async def test_channels_count_apart(events: EventLog) -> None:
    """Each thread's ids count its own events, so its resumes see no holes from others."""
    here = await append(events, 2)
    there = await append(events, 1, "news:other")
    assert [i.split("-")[1] for i in here] == ["1", "2"] and there[0].endswith("-1")
    assert await events.since("news:other", there[0]) == []
    missed = await events.since(CHANNEL, here[0])
    assert missed is not None and [item[0] for item in missed] == here[1:]


async def test_a_repeated_delivery_is_logged_once(events: EventLog) -> None:
    async with events.listen(CHANNEL) as received:
        first = await events.append(CHANNEL, "comment.created", {"id": "a"}, once="t1")
        again = await events.append(CHANNEL, "comment.created", {"id": "a"}, once="t1")
        other = await events.append(CHANNEL, "comment.created", {"id": "b"}, once="t2")
        assert first is not None and again is None and other is not None
        got = await take(received, 2)
    assert [item[0] for item in got] == [first, other]


async def test_listeners_hear_their_channel_in_order(events: EventLog) -> None:
    async with events.listen(CHANNEL) as one, events.listen(CHANNEL) as two:
        async with events.listen("news:other") as elsewhere:
            ids = await append(events, 3)
            marker = await append(events, 1, "news:other")
            assert [item[0] for item in await take(one, 3)] == ids
            assert [item[0] for item in await take(two, 3)] == ids
            assert [item[0] for item in await take(elsewhere, 1)] == marker


async def test_a_reader_that_stops_reading_is_cut_off(events: EventLog) -> None:
    """Its inbox holds 8 events here; the 9th ends it and frees what it held."""
    async with events.listen(CHANNEL) as slow, events.listen(CHANNEL) as keeping_up:
        for n in range(30):
            await events.append(CHANNEL, "comment.voted", {"n": n})
            assert (await take(keeping_up, 1))[0][2] == f'{{"n":{n}}}'
        async with asyncio.timeout(10):
            leftover = [item async for item in slow]
        assert leftover == []  # ended, and nothing kept for it
        more = await append(events, 1)
        assert [item[0] for item in await take(keeping_up, 1)] == more
    if isinstance(events, RedisEventLog):
        assert events.subscriber.listening == (0, 0)  # and the channel is let go


async def test_a_listener_hears_everything_appended_after_listen_returns(
    request: pytest.FixtureRequest,
) -> None:
    """Many streams joining and leaving the same few channels at once, each hearing its own
    event: a subscription is in place (Redis confirmed it) before `listen` hands it over."""
    url = request.getfixturevalue("redis_clean_url")
    events = RedisEventLog(url)

    async def one(n: int) -> None:
        channel = f"news:c{n % 7}"
        async with events.listen(channel) as received:
            mine = (await append(events, 1, channel))[0]
            async with asyncio.timeout(10):
                async for item in received:
                    if item[0] == mine:
                        return
            raise AssertionError(f"{channel} ended before {mine}")

    try:
        for _ in range(3):
            await asyncio.gather(*(one(n) for n in range(100)))
        assert events.subscriber.listening == (0, 0)
    finally:
        await events.close()


async def test_memory_log_expires_like_a_redis_key() -> None:
    """After a quiet spell the events go, the counter stays: a reader who saw the last
    event resumes with nothing missed; one who missed an event is told of the gap."""
    clock = [0.0]
    events = MemoryEventLog(ttl=600, monotonic=lambda: clock[0])
    before = await events.head(CHANNEL)
    last = (await append(events, 1))[0]
    clock[0] = 601.0
    assert await events.since(CHANNEL, last) == []
    assert await events.since(CHANNEL, before) is None
    clock[0] = 601.0 + 86_401
    assert await events.since(CHANNEL, last) is None  # the counter, too, was forgotten
    assert (await append(events, 1))[0].split("-")[0] != last.split("-")[0]


async def test_redis_log_expires_but_its_counter_stays(redis_clean_url: str) -> None:
    events = RedisEventLog(redis_clean_url)
    raw = aioredis.Redis.from_url(redis_clean_url, decode_responses=True)
    try:
        before = await events.head(CHANNEL)
        last = (await append(events, 1))[0]
        keys = await raw.keys("comments:live:*")
        stream = next(key for key in keys if key.endswith(":log"))
        assert 0 < await raw.pttl(stream) <= 600_000
        await raw.delete(stream)  # as its TTL would
        assert await events.since(CHANNEL, last) == []
        assert await events.since(CHANNEL, before) is None
        after = (await append(events, 1))[0]
        assert await events.since(CHANNEL, last) == [(after, "comment.voted", '{"n":0}')]
    finally:
        await raw.aclose()
        await events.close()


async def test_redis_log_is_capped(redis_clean_url: str) -> None:
    events = RedisEventLog(redis_clean_url)
    raw = aioredis.Redis.from_url(redis_clean_url, decode_responses=True)
    try:
        ids = await append(events, KEEP_EVENTS * 3)
        stream = next(key for key in await raw.keys("comments:live:*") if key.endswith(":log"))
        kept = await raw.xlen(stream)
        assert KEEP_EVENTS <= kept < KEEP_EVENTS * 2
        missed = await events.since(CHANNEL, ids[-KEEP_EVENTS - 1])
        assert missed is not None and [item[0] for item in missed] == ids[-KEEP_EVENTS:]
    finally:
        await raw.aclose()
        await events.close()


async def pubsub_clients(raw: aioredis.Redis) -> int:
    found: list[Any] = await raw.client_list(_type="pubsub")
    return len(found)


async def test_one_redis_subscription_serves_every_listener(redis_clean_url: str) -> None:
    events = RedisEventLog(redis_clean_url)
    raw = aioredis.Redis.from_url(redis_clean_url, decode_responses=True)
    try:
        before = await pubsub_clients(raw)
        async with contextlib.AsyncExitStack() as stack:
            listeners = [
                await stack.enter_async_context(events.listen(f"news:t{n % 10}")) for n in range(50)
            ]
            assert await pubsub_clients(raw) == before + 1
            ids = await append(events, 1, "news:t3")
            for n, listener in enumerate(listeners):
                if n % 10 == 3:
                    assert (await take(listener, 1))[0][0] == ids[0]
        # Channels nobody listens to any more are unsubscribed.
        channel = "comments:live:{news:t3}"
        assert await raw.pubsub_numsub(channel) == [(channel, 0)]
    finally:
        await raw.aclose()
        await events.close()


async def test_listeners_end_when_redis_goes_and_listen_again_when_it_is_back(
    restartable_redis: RedisServer,
) -> None:
    events = RedisEventLog(restartable_redis.url)
    try:
        async with events.listen(CHANNEL) as received:
            ids = await append(events, 1)
            assert (await take(received, 1))[0][0] == ids[0]
            restartable_redis.kill()
            async with asyncio.timeout(30):
                assert [item async for item in received] == []  # ended, not deaf
        with pytest.raises(LogUnavailable):
            await events.head(CHANNEL)
        restartable_redis.restart()
        async with asyncio.timeout(30):
            while True:
                try:
                    async with events.listen(CHANNEL) as received:
                        ids = await append(events, 1)
                        assert (await take(received, 1))[0][0] == ids[0]
                        break
                except LogUnavailable:
                    await asyncio.sleep(0.1)
        # Redis lost the log with its memory: an old id is a gap, not an empty resume.
        assert await events.since(CHANNEL, "1-1") is None
    finally:
        await events.close()
