"""The test servers are private ones, started for the session, not the machine's."""

from urllib.parse import urlsplit

import asyncpg
import redis.asyncio

from tests.fixtures_services import PostgresServer


async def test_private_redis_sets_and_gets(redis_clean_url: str) -> None:
    parts = urlsplit(redis_clean_url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port not in (None, 6379)
    client = redis.asyncio.Redis.from_url(redis_clean_url)
    try:
        assert await client.dbsize() == 0
        await client.set("greeting", "hello", ex=60)
        assert await client.get("greeting") == b"hello"
    finally:
        await client.aclose()


async def test_private_postgres_answers(pg_server: PostgresServer, pg_url: str) -> None:
    assert pg_server.port != 5432
    parts = urlsplit(pg_url)
    assert parts.scheme == "postgresql+asyncpg"
    assert (parts.hostname, parts.port, parts.username) == ("127.0.0.1", pg_server.port, "postgres")
    database = parts.path.lstrip("/")
    conn = await asyncpg.connect(pg_server.dsn(database))
    try:
        assert await conn.fetchval("select 1") == 1
        assert await conn.fetchval("select current_database()") == database
        tables = await conn.fetchval(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        )
        assert tables == 0
    finally:
        await conn.close()
