"""Site settings hold on every instance at once, and cost no SQL statement per request.

Two `Sites` (or two whole apps) on one database and one Redis stand for two instances.
A change through one holds on the other's very next request; with Redis down, within
`FALLBACK_SECONDS` (an injected clock moves the seconds).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis.exceptions
from starlette.testclient import TestClient

from comments.app import create_app
from comments.cache import Cache, MemoryCache, RedisCache
from comments.errors import NotFound
from comments.models import SitePolicy
from comments.service import Deps, ServiceConfig
from comments.service.sites import FALLBACK_SECONDS, MAX_AGE_SECONDS, Sites
from comments.settings import Settings
from comments.storage.sql import SqlStorage
from tests.faults.cluster import RedisServer
from tests.harness import ORIGIN, PUBLIC, Harness

OTHER = "https://other.example"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingStorage:
    """The real storage, counting the site reads that reach the database."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self.reads: Counter[str] = Counter()

    async def get_site(self, name: str) -> Any:
        self.reads["get_site"] += 1
        return await self._storage.get_site(name)

    async def list_sites(self) -> Any:
        self.reads["list_sites"] += 1
        return await self._storage.list_sites()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)


class FlakyCache(MemoryCache):
    """One in-process cache shared by both instances (a Redis), switched off at will."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise redis.exceptions.ConnectionError("Error 111 connecting. Connection refused.")

    async def get(self, key: str) -> str | None:
        self._check()
        return await super().get(key)

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        self._check()
        await super().put(key, value, ttl_seconds)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        self._check()
        return await super().add(key, value, ttl_seconds)


Instance = Callable[..., tuple[Sites, CountingStorage]]


@pytest.fixture
async def instances(sqlite_url: str) -> AsyncIterator[Instance]:
    """Make an instance (its own storage engine and copies) on one shared database."""
    made: list[Any] = []

    def make(cache: Cache, clock: Clock | None = None) -> tuple[Sites, CountingStorage]:
        raw = SqlStorage.from_url(sqlite_url)
        made.append(raw)
        storage = CountingStorage(raw)
        config = ServiceConfig(public_url=PUBLIC)
        deps = Deps(storage=storage, cache=cache, config=config)  # type: ignore[arg-type]
        return Sites(deps, monotonic=clock or Clock()), storage

    yield make
    for storage in made:
        await storage.close()


async def test_a_request_costs_no_sql_statement_for_its_site(
    instances: Instance, redis_clean_url: str
) -> None:
    cache = RedisCache.from_url(redis_clean_url)
    sites, storage = instances(cache)
    try:
        await sites.create("news", [ORIGIN])
        for _ in range(5):
            assert (await sites.get("news")).origins == (ORIGIN,)
            assert await sites.allowed_origins("news") == {ORIGIN}
            assert await sites.allowed_origins(None) == {ORIGIN}
            with pytest.raises(NotFound):
                await sites.get("nowhere")
        assert storage.reads == {"get_site": 2, "list_sites": 1}
    finally:
        await cache.close()


async def test_a_change_holds_on_the_other_instance_at_its_next_call(
    instances: Instance, redis_clean_url: str
) -> None:
    cache_a, cache_b = RedisCache.from_url(redis_clean_url), RedisCache.from_url(redis_clean_url)
    a, _ = instances(cache_a)
    b, _ = instances(cache_b)
    try:
        await a.create("news", [ORIGIN, OTHER])
        assert await b.allowed_origins("news") == {ORIGIN, OTHER}
        assert await b.allowed_origins(None) == {ORIGIN, OTHER}
        assert (await b.get("news")).policy.premoderation == "off"

        await a.update("news", origins=[ORIGIN], policy=SitePolicy(premoderation="all"))
        assert await b.allowed_origins("news") == {ORIGIN}
        assert await b.allowed_origins(None) == {ORIGIN}
        assert (await b.get("news")).policy.premoderation == "all"

        await a.create("sport", [OTHER])
        assert await b.allowed_origins(None) == {ORIGIN, OTHER}
        assert (await b.get("sport")).origins == (OTHER,)
    finally:
        await cache_a.close()
        await cache_b.close()


async def test_without_redis_the_one_process_sees_its_own_change(instances: Instance) -> None:
    sites, _ = instances(MemoryCache())
    await sites.create("news", [ORIGIN, OTHER])
    assert await sites.allowed_origins("news") == {ORIGIN, OTHER}
    await sites.update("news", origins=[ORIGIN])
    assert await sites.allowed_origins("news") == {ORIGIN}
    assert await sites.allowed_origins(None) == {ORIGIN}


async def test_with_redis_down_the_other_instance_sees_a_change_within_the_fallback(
    instances: Instance, restartable_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    cache_a, cache_b = (
        RedisCache.from_url(restartable_redis.url),
        RedisCache.from_url(restartable_redis.url),
    )
    a, _ = instances(cache_a, clock)
    b, b_storage = instances(cache_b, clock)
    try:
        await a.create("news", [ORIGIN, OTHER])
        assert await b.allowed_origins("news") == {ORIGIN, OTHER}
        restartable_redis.kill()

        await a.update("news", origins=[ORIGIN])  # committed; the version cannot be sent
        assert await a.allowed_origins("news") == {ORIGIN}  # the writer never sees it late
        reads = b_storage.reads["get_site"]
        for _ in range(4):  # reads at most every FALLBACK_SECONDS, whatever the traffic
            clock.now += 1
            await b.get("news")
        assert b_storage.reads["get_site"] - reads <= 1
        clock.now += FALLBACK_SECONDS
        assert await b.allowed_origins("news") == {ORIGIN}
    finally:
        await cache_a.close()
        await cache_b.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("Redis unreachable for site settings" in w for w in warnings) == 2, warnings


async def test_a_version_that_could_not_be_sent_is_sent_when_redis_answers(
    instances: Instance,
) -> None:
    shared = FlakyCache()
    clock = Clock()
    a, _ = instances(shared, clock)
    b, _ = instances(shared, clock)
    await a.create("news", [ORIGIN, OTHER])
    assert await b.allowed_origins("news") == {ORIGIN, OTHER}
    shared.down = True
    await a.update("news", origins=[ORIGIN])
    shared.down = False  # back, with the old version still in it
    clock.now += 2
    await a.allowed_origins("sport")  # a's next call sends what it owes
    assert await b.allowed_origins("news") == {ORIGIN}


async def test_no_copy_outlives_its_maximum_age(instances: Instance) -> None:
    shared = FlakyCache()
    clock = Clock()
    a, _ = instances(shared, clock)
    b, _ = instances(shared, clock)
    await a.create("news", [ORIGIN, OTHER])
    assert await b.allowed_origins("news") == {ORIGIN, OTHER}
    shared.down = True
    await a.update("news", origins=[ORIGIN])  # a then goes away owing the version
    shared.down = False
    clock.now += MAX_AGE_SECONDS
    assert await b.allowed_origins("news") == {ORIGIN}


# ------------------------------------------------------------ two whole apps


@contextmanager
def another_instance(database_url: str, redis_url: str) -> Iterator[Harness]:
    """A second app on the same database and Redis (the site exists already)."""
    settings = Settings(
        database_url=database_url,
        public_url=PUBLIC,
        secret_key="s" * 32,
        dev_login=True,
        redis_url=redis_url,
    )
    with TestClient(create_app(settings), base_url=PUBLIC) as client:
        yield Harness(client)


def _preflight(h: Harness, origin: str, path: str = "/api/v1/sites/news/comments") -> int:
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    return h.client.options(path, headers=headers).status_code


def test_settings_put_on_one_app_hold_on_the_other_at_once(
    sqlite_url: str, redis_clean_url: str
) -> None:
    with (
        Harness.start(sqlite_url, redis_url=redis_clean_url) as one,
        another_instance(sqlite_url, redis_clean_url) as two,
    ):
        admin = one.moderator("dev:boss", role="admin")
        url = "/api/v1/sites/news/settings"
        current = one.client.get(url, headers=one.auth(admin)).json()
        added = one.client.put(url, json={"origins": [ORIGIN, OTHER]}, headers=one.auth(admin))
        assert added.status_code == 200, added.text
        assert _preflight(two, OTHER) == 204
        assert _preflight(two, OTHER, "/api/v1/comments/some-id") == 204

        change = {"origins": [ORIGIN], "policy": current["policy"] | {"premoderation": "all"}}
        assert one.client.put(url, json=change, headers=one.auth(admin)).status_code == 200
        assert _preflight(two, OTHER) == 403
        assert _preflight(two, OTHER, "/api/v1/comments/some-id") == 403
        assert _preflight(two, ORIGIN) == 204
        login = two.client.get(
            "/auth/dev/login", params={"site": "news", "origin": OTHER}, follow_redirects=False
        )
        assert login.status_code == 400
        seen = two.client.get(url, headers=two.auth(admin)).json()
        assert seen["policy"]["premoderation"] == "all" and seen["origins"] == [ORIGIN]
