"""The page cache's own rules, against a real Redis: versions heard across instances, one
bump per token, distrust while the subscription is down, and nothing from before an outage."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from comments.pages import Entry, LocalCopies, MemoryPages, RedisPages, Versions, entry_key
from tests.faults.cluster import RedisServer

MB = 1 << 20


async def until(check: object, within: float = 3.0) -> None:
    """Wait for `check()` to be true (a few milliseconds, normally)."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the time allowed")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def listening(url: str) -> AsyncIterator[RedisPages]:
    pages = RedisPages.from_url(url, 8 * MB)
    task = asyncio.create_task(pages.run())
    try:
        await until(lambda: pages.trusted)
        yield pages
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pages.close()


def test_local_copies_stay_under_their_byte_cap() -> None:
    copies = LocalCopies(100_000)
    for n in range(100):
        copies.put(f"k{n}", Entry.of(b"x" * 5000))
    assert copies.bytes <= 100_000
    assert copies.get("k99") is not None and copies.get("k0") is None
    copies.put("huge", Entry.of(bytes(range(256)) * 400))  # over a quarter of the cap
    assert copies.get("huge") is None


def test_a_version_read_before_a_bump_was_heard_does_not_undo_it() -> None:
    versions = Versions()
    asked_at = versions.heard
    versions.hear("t", "new")  # announced while the read was on its way
    versions.learn("t", "old", asked_at)
    assert versions.get("t") == "new"


def test_an_entry_compresses_once_and_its_etag_follows_its_bytes() -> None:
    one, same, other = Entry.of(b'{"a":1}' * 100), Entry.of(b'{"a":1}' * 100), Entry.of(b"{}")
    assert one.etag == same.etag != other.etag
    import gzip

    assert gzip.decompress(one.gz) == one.plain and len(one.gz) < len(one.plain)


async def test_without_redis_a_bump_moves_the_stamp_once_per_token() -> None:
    pages = MemoryPages(MB)
    before = await pages.stamp("news", ["union"], fresh=False)
    assert await pages.bump("news", "union", "token-1")
    after = await pages.stamp("news", ["union"], fresh=False)
    assert after != before
    assert not await pages.bump("news", "union", "token-1")  # the outbox's retry
    assert await pages.stamp("news", ["union"], fresh=False) == after
    assert await pages.stamp("news", ["other"], fresh=False) == await pages.stamp(
        "news", ["other"], fresh=False
    )


async def test_a_bump_on_one_instance_is_heard_by_the_other(redis_clean_url: str) -> None:
    async with listening(redis_clean_url) as a, listening(redis_clean_url) as b:
        first = await b.stamp("news", ["union"], fresh=False)
        assert b.known_stamp("news", ["union"]) == first  # remembered: no round trip next
        assert await a.stamp("news", ["union"], fresh=False) == first
        assert await a.bump("news", "union", "t1")
        assert a.known_stamp("news", ["union"]) not in (None, first)  # the writer's, at once
        await until(lambda: b.known_stamp("news", ["union"]) != first)
        assert b.known_stamp("news", ["union"]) == a.known_stamp("news", ["union"])
        assert b.known_stamp("news", ["union"]) == await b.stamp("news", ["union"], fresh=True)
        # A site-wide change moves every thread's stamp.
        one = b.known_stamp("news", ["union"])
        assert await a.bump("news", None, "t2")
        await until(lambda: b.known_stamp("news", ["union"]) not in (None, one))
        assert not await a.bump("news", None, "t2")  # applied once


async def test_shared_copies_are_found_by_another_instance(redis_clean_url: str) -> None:
    async with listening(redis_clean_url) as a, listening(redis_clean_url) as b:
        stamp = await a.stamp("news", ["union"], fresh=True)
        key = entry_key("news", "union", stamp, "oldest|20||")
        await a.store(key, Entry.of(b'{"comments":[]}', b"meta", cdn=5))
        found = await b.fetch(key)
        assert found is not None and found.plain == b'{"comments":[]}'
        assert found.meta == b"meta" and found.cdn == 5
        assert b.local.get(key) == found  # kept locally after the first fetch
        assert await b.flush("news", "union") >= 1
        await until(lambda: a.known_stamp("news", ["union"]) not in (None, stamp))
        moved = await a.stamp("news", ["union"], fresh=True)
        assert await a.fetch(entry_key("news", "union", moved, "oldest|20||")) is None


@pytest.mark.faults
async def test_after_redis_comes_back_nothing_cached_before_is_used(tmp_path: object) -> None:
    from pathlib import Path

    server = RedisServer(Path(str(tmp_path)) / "redis")
    server.start()
    try:
        async with listening(server.url) as pages:
            stamp = await pages.stamp("news", ["union"], fresh=False)
            key = entry_key("news", "union", stamp, "v")
            await pages.store(key, Entry.of(b"old"))
            server.kill()
            await until(lambda: not pages.trusted)
            assert pages.known_stamp("news", ["union"]) is None  # nothing trusted meanwhile
            server.restart()
            await until(lambda: pages.trusted, within=10)
            again = await pages.stamp("news", ["union"], fresh=False)
            assert again != stamp  # a new epoch: the old key cannot be asked for again
            assert pages.local.get(key) is None
    finally:
        server.close()
