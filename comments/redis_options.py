"""How every Redis client of the service connects, and what a Redis that is away raises.

Shared by the engines that talk to Redis (the cache, the page cache, the live events).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a Redis that is gone, restarting or loading raises (BusyLoadingError is a
# ConnectionError); a tuple, so callers can write `except UNAVAILABLE`.
UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


POOL_SIZE = 64  # connections per client and process
POOL_WAIT_SECONDS = 5.0


def redis_options(*, retries: bool = True) -> dict[str, Any]:
    """Client options that survive a Redis restart: the first command on each stale
    pooled connection is retried on a fresh one instead of failing the request.

    `retries=False` is for listeners (pub/sub): redis-py would otherwise reconnect and
    resubscribe quietly, and what was published in between would be lost without notice;
    they check their own connection, so they get no health checks either.
    """
    if not retries:
        return {
            "retry": Retry(NoBackoff(), 0),
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "socket_keepalive": True,
        }
    return {
        "retry": Retry(ExponentialBackoff(cap=0.25, base=0.01), 3),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "health_check_interval": 10,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "socket_keepalive": True,
    }


def redis_client(url: str, *, decode_responses: bool = False, retries: bool = True) -> Redis:
    """A client with `redis_options()` whose pool waits for a free connection: a burst of
    requests queues for a few connections rather than failing (redis-py's default pool
    refuses past its limit) or opening thousands."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_SIZE,
        timeout=POOL_WAIT_SECONDS,
        decode_responses=decode_responses,
        **redis_options(retries=retries),
    )
    return Redis.from_pool(pool)  # closing the client closes its pool
