"""The cache's single-use records, on a real Redis and in process; a Redis restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from comments.cache import UNAVAILABLE, Cache, MemoryCache, RedisCache
from comments.realtime import RedisBroker
from tests.faults.cluster import RedisServer, free_port


@pytest.fixture(params=["redis", "memory"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "redis":
        made: Cache = RedisCache.from_url(request.getfixturevalue("redis_clean_url"))
    else:
        made = MemoryCache()
    yield made
    await made.close()


async def test_take_hands_a_record_to_exactly_one_of_many_racers(cache: Cache) -> None:
    await cache.put("login:abc", "record", 60)
    results = await asyncio.gather(*(cache.take("login:abc") for _ in range(20)))
    assert results.count("record") == 1
    assert await cache.get("login:abc") is None


async def test_records_expire(cache: Cache) -> None:
    if isinstance(cache, MemoryCache):
        clock = [0.0]
        cache = MemoryCache(monotonic=lambda: clock[0])
        await cache.put("k", "v", 10)
        clock[0] = 11.0
    else:
        await cache.put("k", "v", 1)
        await asyncio.sleep(1.1)
    assert await cache.take("k") is None


async def test_redis_keys_carry_the_prefix(redis_clean_url: str) -> None:
    import redis.asyncio as aioredis

    cache = RedisCache.from_url(redis_clean_url)
    await cache.put("login:x", "1", 60)
    raw = aioredis.Redis.from_url(redis_clean_url)
    try:
        assert await raw.exists("comments:login:x") == 1
    finally:
        await raw.aclose()
        await cache.close()


# ------------------------------------------------------------- a Redis that restarts


CALLS: dict[str, Callable[[RedisCache, int], Awaitable[object]]] = {
    "get": lambda cache, n: cache.get(f"k{n}"),
    "put": lambda cache, n: cache.put(f"k{n}", "v", 60),
    "hit": lambda cache, n: cache.hit(f"w{n}", 60_000, 5),
}


@pytest.mark.parametrize("call", sorted(CALLS))
async def test_the_first_calls_after_a_redis_restart_succeed(
    restartable_redis: RedisServer, call: str
) -> None:
    cache = RedisCache.from_url(restartable_redis.url)
    try:
        # Several pooled connections, all idle when the server goes away.
        await asyncio.gather(*(cache.put(f"k{n}", "before", 60) for n in range(4)))
        restartable_redis.kill()
        restartable_redis.restart()  # returns once the new server answers PING
        await asyncio.gather(*(CALLS[call](cache, n) for n in range(4)))
        assert await cache.hit("after", 60_000, 1) == 0
        assert await cache.hit("after", 60_000, 1) > 0
    finally:
        await cache.close()


async def test_the_first_publish_after_a_redis_restart_succeeds(
    restartable_redis: RedisServer,
) -> None:
    broker = RedisBroker.from_url(restartable_redis.url)
    try:
        await broker.publish("news:union", "comment.created", {"id": "c1"})
        restartable_redis.kill()
        restartable_redis.restart()
        await broker.publish("news:union", "comment.created", {"id": "c2"})
    finally:
        await broker.close()


async def test_a_dead_redis_raises_what_callers_catch_as_unavailable() -> None:
    cache = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with pytest.raises(UNAVAILABLE):
            await cache.get("k")
    finally:
        await cache.close()
