"""A cold page under a crowd is computed once: the other readers wait for that one result."""

from __future__ import annotations

import asyncio
import json

import httpx2 as httpx

from comments.service import Service
from tests.cache.across import OPEN, Two, ids, service_of

CROWD = 50


async def crowd(url: str, thread: str) -> list[httpx.Response]:
    """`CROWD` anonymous reads of one page, all sent at once."""
    limits = httpx.Limits(max_connections=CROWD, max_keepalive_connections=CROWD)
    async with httpx.AsyncClient(timeout=20, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.get(f"{url}/api/v1/sites/{OPEN}/comments", params={"thread": thread})
                for _ in range(CROWD)
            )
        )


def test_a_cold_miss_under_fifty_concurrent_reads_is_computed_once(two: Two) -> None:
    thread = two.thread("crowd")
    _, author = two.reader()
    posted = [two.post(author, thread)["id"] for _ in range(5)]

    async def cold(s: Service) -> int:
        return await s.flush_cache(OPEN, thread)

    two.pair.run(cold)  # whatever the posts left in Redis is gone: the first read misses
    reading = service_of(two.b).reading
    before = reading.computed
    answers = asyncio.run(crowd(two.b.url, thread))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert ids(json.loads(answers[0].content)) == posted
    assert reading.computed - before == 1, "the page was computed more than once"
