"""The moderation queue's first page with 100 vs 10,000 comments waiting (ratio ≈ 1 is the goal).

Runs on a temporary SQLite file, or on the empty migrated database in BENCH_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime

from comments.app import build_service
from comments.ids import IdFactory
from comments.models import Comment, SitePolicy, Thread
from comments.service import Service
from comments.settings import Settings
from comments.storage import NewCommentWrite
from comments.storage.migrate import upgrade

ROUNDS = 50


async def fill(service: Service, site: str, count: int) -> None:
    ids = IdFactory()
    now = datetime.now(UTC)
    thread = Thread(ids.new(), site, "t", "https://news.example/t", "T", False, now)
    for n in range(count):
        comment_id = ids.new()
        comment = Comment(
            comment_id,
            site,
            thread.id,
            None,
            comment_id,
            0,
            f"dev:author{n % 500}",  # a realistic queue: many authors
            f"held {n}",
            f"<p>held {n}</p>",
            "pending",
            ({"code": "PREMODERATION", "message": "m", "action": "hold"},),
            0,
            0,
            now,
            None,
        )
        thread = await service.deps.storage.add_comment(
            NewCommentWrite(comment, thread, new_thread=True)
        )


async def first_page_ms(service: Service, site: str) -> float:
    viewer = await service.sessions.viewer(
        await service.sessions.issue("dev:mod", site, kind="api", role="moderator")
    )
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        page = await service.moderation.queue(viewer, site, "pending", limit=50)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        assert len(page.items) == 50
    return statistics.median(samples)


async def run(url: str) -> None:
    service = build_service(Settings(database_url=url))
    try:
        await service.sites.ensure_user("dev:author")
        await service.sites.ensure_user("dev:mod")
        timings = {}
        for site, count in (("small", 100), ("large", 10_000)):
            await service.sites.create(site, ["https://news.example"], SitePolicy())
            await service.sites.grant(site, "dev:mod", "moderator")
            await fill(service, site, count)
            timings[count] = await first_page_ms(service, site)
    finally:
        await service.close()
    print(f"database: {url.split(':', 1)[0]}; first page of 50 from the pending queue")
    for count, ms in timings.items():
        print(f"{count:>7} waiting: {ms:7.2f} ms median  ratio {ms / timings[100]:5.2f}")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
