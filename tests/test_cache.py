"""The cache's single-use records, on a real Redis and in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from comments.cache import Cache, MemoryCache, RedisCache


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
