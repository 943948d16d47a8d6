"""A thread page through the whole app (HTTP, auth, service, nesting, JSON) vs the bare query.

The thread is seeded straight through storage (no rate limit, no screening). The whole
app is read twice over: from its page cache (the same page again), and with the cache
dropped before each read, which is the storage query plus everything around it.

Runs on a temporary SQLite file, or on the database named by BENCH_DATABASE_URL
(an empty, migrated PostgreSQL database, for instance).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import timedelta

import httpx2 as httpx
from seeding import seed_thread

from comments.app import create_app
from comments.models import Thread
from comments.service import Service
from comments.settings import Settings
from comments.storage import CommentQuery
from comments.storage.migrate import upgrade

ORIGIN = "https://news.example"
COMMENTS = 200
ROUNDS = 200


async def seed(service: Service) -> None:
    """COMMENTS comments, every third one top-level and the others replies to it."""
    await service.sites.create("news", [ORIGIN])
    await service.sites.ensure_user("dev:bench")
    deps = service.deps
    start = deps.clock() - timedelta(days=1)
    thread = Thread(deps.ids.new(), "news", "t", f"{ORIGIN}/t", "t", False, start)
    await seed_thread(deps, thread, COMMENTS, lambda n: f"Comment {n} " * 20)


async def run(url: str) -> None:
    app = create_app(Settings(database_url=url, public_url="http://bench"))
    async with app.router.lifespan_context(app):
        service = app.state.context.service
        await seed(service)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            thread = await service.deps.storage.get_thread("news", "t")
            query = CommentQuery(thread_id=thread.id, viewer_id=None, limit=20)

            async def bare() -> None:
                page = await service.deps.storage.list_comments(query)
                await service.deps.storage.list_descendants(
                    [row.comment.id for row in page.rows], None, 2000
                )

            async def full() -> None:
                r = await client.get("/api/v1/sites/news/comments", params={"thread": "t"})
                r.raise_for_status()

            async def drop() -> None:
                await service.flush_cache("news", "t")

            async def nothing() -> None:
                pass

            timings = {}
            for name, before, fn in (
                ("storage query", nothing, bare),
                ("whole app, cached", nothing, full),
                ("whole app, cache dropped", drop, full),
            ):
                samples = []
                for _ in range(ROUNDS):
                    await before()
                    start = time.perf_counter_ns()
                    await fn()
                    samples.append((time.perf_counter_ns() - start) / 1e6)
                timings[name] = statistics.median(samples)
    base = timings["storage query"]
    print(f"database: {url.split(':', 1)[0]}; a page of 20 top-level comments with replies")
    for name, ms in timings.items():
        print(f"{name:>24}: {ms:7.2f} ms median  ratio {ms / base:5.2f}")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
