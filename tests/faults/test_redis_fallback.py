"""Redis gone: rate limits count per process, logins answer a clean 503, nothing raises.

A Redis on a port nobody listens on, or a private one killed under the test, stands
for the outage; the injected monotonic clock stands in for the seconds that pass.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from comments.cache import RedisCache
from comments.errors import RateLimited
from comments.models import Site, SitePolicy, Thread
from comments.service import Deps, ServiceConfig
from comments.service.limits import RateLimits
from tests.faults.cluster import RedisServer, free_port
from tests.harness import ORIGIN, Harness

NOW = datetime(2025, 1, 1, tzinfo=UTC)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _site(**policy: int) -> Site:
    return Site("news", (ORIGIN,), SitePolicy(**policy), None, NOW)


def _limits(cache: RedisCache, clock: Clock) -> RateLimits:
    config = ServiceConfig(public_url="http://testserver")
    deps = Deps(storage=None, cache=cache, config=config)  # type: ignore[arg-type]
    return RateLimits(deps, monotonic=clock)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_posting_limit_holds_per_process_while_redis_is_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0")
    clock = Clock()
    limits = _limits(cache, clock)
    site = _site(rate_per_minute=3)
    try:
        for _ in range(3):
            await limits.posting(site, "dev:alice", "192.0.2.1")
            clock.now += 1.5  # past the probe interval: each check tries Redis again
        with pytest.raises(RateLimited) as refused:
            await limits.posting(site, "dev:alice", "192.0.2.1")
        assert 1 <= (refused.value.retry_after or 0) <= 60
        await limits.posting(site, "dev:bob", "192.0.2.1")  # someone else still may
    finally:
        await cache.close()
    assert limits.fallbacks >= 5
    warnings = _warnings(caplog)
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0], warnings


async def test_slow_mode_holds_while_redis_is_unreachable() -> None:
    cache = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0")
    limits = _limits(cache, Clock())
    thread = Thread("t1", "news", "union", f"{ORIGIN}/union", "Union", False, NOW)
    try:
        await limits.slow_mode(_site(), thread, "dev:alice", 30)
        with pytest.raises(RateLimited, match="slow mode"):
            await limits.slow_mode(_site(), thread, "dev:alice", 30)
    finally:
        await cache.close()


async def test_limits_fall_back_when_redis_dies_and_share_again_when_it_is_back(
    restartable_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    cache = RedisCache.from_url(restartable_redis.url)
    clock = Clock()
    limits = _limits(cache, clock)
    site = _site(rate_per_minute=2, rate_per_hour=100, ip_rate_per_hour=100)
    try:
        await limits.posting(site, "dev:alice", None)  # counted in Redis
        assert limits.fallbacks == 0
        restartable_redis.kill()
        await limits.posting(site, "dev:alice", None)  # counted here alone
        await limits.posting(site, "dev:alice", None)
        with pytest.raises(RateLimited):
            await limits.posting(site, "dev:alice", None)
        assert limits.fallbacks > 0
        restartable_redis.restart()
        clock.now += 2  # the next check tries Redis again
        await limits.posting(site, "dev:carol", None)
        assert not limits.outage.down
    finally:
        await cache.close()
    warnings = _warnings(caplog)
    assert len(warnings) == 2, warnings
    assert "Redis unreachable" in warnings[0] and "answers again" in warnings[1]


def test_login_start_answers_503_while_redis_is_down(
    sqlite_url: str, restartable_redis: RedisServer
) -> None:
    with Harness.start(sqlite_url, redis_url=restartable_redis.url) as h:
        restartable_redis.kill()
        r = h.client.get(
            "/auth/dev/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
        )
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "unavailable"
        assert 1 <= int(r.headers["retry-after"]) <= 10
        assert "Traceback" not in r.text


def test_login_callback_answers_503_while_redis_is_down(
    sqlite_url: str, restartable_redis: RedisServer
) -> None:
    with Harness.start(sqlite_url, redis_url=restartable_redis.url) as h:
        start = h.client.get(
            "/auth/dev/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
        )
        assert start.status_code == 303, start.text
        params = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
        granted = h.client.post(
            "/auth/dev/authorize", data=params | {"name": "Alice"}, follow_redirects=False
        )
        assert granted.status_code == 303, granted.text
        restartable_redis.kill()
        target = urlsplit(granted.headers["location"])
        r = h.client.get(f"{target.path}?{target.query}")
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "unavailable" and "retry-after" in r.headers
        restartable_redis.restart()
        assert h.dev_login("Alice")["message"]["user"]["name"] == "Alice"
