"""A thread page through the whole app (HTTP, auth, service, nesting, JSON) vs the bare query.

Runs on a temporary SQLite file, or on the database named by BENCH_DATABASE_URL
(an empty, migrated PostgreSQL database, for instance).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time

import httpx2 as httpx

from comments.app import create_app
from comments.models import SitePolicy
from comments.settings import Settings
from comments.storage import CommentQuery
from comments.storage.migrate import upgrade

ORIGIN = "https://news.example"
COMMENTS = 200
ROUNDS = 200
# Seeding posts 200 comments a second as one reader: every rate limit and the surge off.
UNLIMITED = SitePolicy(rate_per_minute=0, rate_per_hour=0, ip_rate_per_hour=0, surge_per_minute=0)


async def run(url: str) -> None:
    app = create_app(Settings(database_url=url, public_url="http://bench"))
    async with app.router.lifespan_context(app):
        service = app.state.context.service
        await service.sites.create("news", [ORIGIN], UNLIMITED)
        await service.sites.ensure_user("dev:bench")
        token = await service.sessions.issue("dev:bench", "news")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            parent = None
            for n in range(COMMENTS):
                body = {"thread": "t", "body": f"Comment {n} " * 20, "thread_url": f"{ORIGIN}/t"}
                if parent and n % 3:
                    body["parent_id"] = parent
                r = await client.post("/api/v1/sites/news/comments", json=body, headers=headers)
                r.raise_for_status()
                if n % 3 == 0:
                    parent = r.json()["id"]
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

            timings = {}
            for name, fn in (("storage query", bare), ("whole app", full)):
                samples = []
                for _ in range(ROUNDS):
                    start = time.perf_counter_ns()
                    await fn()
                    samples.append((time.perf_counter_ns() - start) / 1e6)
                timings[name] = statistics.median(samples)
    base = timings["storage query"]
    print(f"database: {url.split(':', 1)[0]}; a page of 20 top-level comments with replies")
    for name, ms in timings.items():
        print(f"{name:>14}: {ms:7.2f} ms median  ratio {ms / base:5.2f}")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
