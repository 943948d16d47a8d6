"""Where a post's time goes, beside a bare Starlette endpoint doing one INSERT of the row.

Posts ~500-character markdown comments as ten readers through the whole app in process
(HTTP over an ASGI transport, auth, service, screening, rendering, storage), first on
SQLite with the in-process cache, then on a throwaway PostgreSQL with a throwaway Redis,
and splits the server-side time of a post into buckets, each exclusive of the buckets
nested in it (`profiling.py` does the measuring):

- rendering: code in `comments.render`;
- screening: code in `comments.moderation` and `comments.service.screening`;
- storage code: code in `comments.storage`, and SQLAlchemy around the statements;
- SQL: between SQLAlchemy's `before_cursor_execute` and `after_cursor_execute` (the
  driver and the database), with the number of statements;
- other driver waits: the waits on the driver outside statements (opening and closing
  cursors, BEGIN, commits, rollbacks, the pool's reset);
- cache and Redis: code in `comments.cache` and `comments.realtime`, and Redis commands;
- the rest: HTTP, routing, auth, the service's own logic, JSON.

The profiled run has `COMMENTS_WORKER=external`, so the delivery of a post's outbox
items does not land in the next post's time; a second run with the worker in process
gives the column beside it (what the first run left in the outbox is delivered before
the second starts), and under the table the dispatcher's own figures per post: outbox
rows delivered, and the wall time of its delivery rounds, which overlaps the requests'
time rather than adding to it. The wrappers cost about a microsecond a call, which the
buckets absorb. The baseline runs in the same process on the same database: parse the
JSON body, INSERT a copy of a row the app wrote (a new id, the posted body) over an
engine made as the app makes its own, answer 201; the ratio is app / baseline.

    .venv/bin/python bench/bench_post.py [--posts N] [--quick] [--detail N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import throwaway
from profiling import DRIVER, REDIS, ROOT, SQL, Profile, instrument
from sqlalchemy import insert, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from comments.app import create_app
from comments.ids import IdFactory
from comments.models import SitePolicy
from comments.settings import Settings
from comments.storage import schema
from comments.storage.migrate import upgrade
from comments.storage.sql_base import make_engine

ORIGIN = "https://news.example"
READERS = 10
# Every rate limit and the surge off, links allowed from anyone: the posts measure the
# write path of an established reader, not the refusals.
POLICY = SitePolicy(
    rate_per_minute=0,
    rate_per_hour=0,
    ip_rate_per_hour=0,
    surge_per_minute=0,
    link_min_approved=0,
)
BUCKETS = {
    "rendering": ("comments.render",),
    "screening": ("comments.moderation", "comments.service.screening"),
    "storage code": ("comments.storage",),
    REDIS: ("comments.cache", "comments.realtime"),
}
ORDER = ["rendering", "screening", "storage code", SQL, DRIVER, REDIS, ROOT]
WORDS = ["minsk", "moscow", "treaty", "border", "customs", "rouble", "pipeline", "summit"]


def body(n: int) -> str:
    """A ~500-character comment with the usual markdown: emphasis, a quote, a list, a link."""
    word = WORDS[n % len(WORDS)]
    return (
        f"> The {word} agreement changes little, says the article (comment {n}).\n\n"
        f"I disagree. The **{word}** clause matters more than the piece admits: it moves "
        "the decision from the ministries to a joint council that meets twice a year, "
        "and nobody outside it reads the minutes. Three things to watch:\n\n"
        f"- who chairs the council in {2026 + n % 5},\n"
        "- whether the customs rules are published before they apply,\n"
        "- and what happens to the *existing* bilateral deals.\n\n"
        f"The full text is at https://news.example/docs/{word}-{n} for anyone curious."
    )


@dataclass
class Figures:
    """One run's means per request, in µs."""

    buckets: dict[str, float]
    counts: dict[str, float]
    mean: float
    median: float
    statuses: Counter[str]
    places: dict[tuple[str, str], float]
    # The in-process dispatcher per post: outbox rows delivered, µs inside its rounds.
    dispatch_rows: float = 0.0
    dispatch_us: float = 0.0

    @classmethod
    def of(cls, profile: Profile, statuses: Counter[str], dispatch: Counter[str]) -> Figures:
        """What `profile` measured since its last reset, and the dispatcher's rounds."""
        n = len(profile.requests)
        return cls(
            buckets={name: profile.ns[name] / n / 1000 for name in ORDER},
            counts={name: count / n for name, count in profile.counts.items()},
            mean=sum(profile.requests) / n / 1000,
            median=statistics.median(profile.requests) / 1000,
            statuses=statuses,
            places={place: ns / n / 1000 for place, ns in profile.places.items()},
            dispatch_rows=dispatch["rows"] / n,
            dispatch_us=dispatch["ns"] / n / 1000,
        )


async def post_through_app(
    profile: Profile, settings: Settings, site: str, posts: int, warmup: int
) -> Figures:
    """Post `warmup` then `posts` comments as ten readers; figures for the last `posts`."""
    app = create_app(settings)
    statuses: Counter[str] = Counter()
    dispatch: Counter[str] = Counter()
    async with app.router.lifespan_context(app):
        service = app.state.context.service
        timed_rounds(service.dispatcher, dispatch)
        if settings.worker == "inprocess":  # what the run before left, out of this one's way
            deadline = time.monotonic() + 60  # rows failing again and again wait no longer
            while await service.deps.storage.outbox_pending() and time.monotonic() < deadline:
                await service.dispatcher.deliver_due()
                await asyncio.sleep(0.05)
        await service.sites.create(site, [ORIGIN], POLICY)
        tokens = []
        for n in range(READERS):
            await service.sites.ensure_user(f"dev:reader{n}")
            tokens.append(await service.sessions.issue(f"dev:reader{n}", site))
        transport = httpx.ASGITransport(app=profile.asgi(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in range(warmup + posts):
                if n == warmup:
                    profile.reset()
                    statuses.clear()
                    dispatch.clear()
                answer = await client.post(
                    f"/api/v1/sites/{site}/comments",
                    json={"thread": "t", "body": body(n), "thread_url": f"{ORIGIN}/t"},
                    headers={"Authorization": f"Bearer {tokens[n % READERS]}"},
                )
                if answer.status_code != 201:
                    raise SystemExit(f"post {n}: {answer.status_code} {answer.text}")
                statuses[answer.json()["status"]] += 1
            await asyncio.sleep(0.1)  # the last post's delivery, so every post has its own
        return Figures.of(profile, statuses, dispatch)


def timed_rounds(dispatcher: Any, into: Counter[str]) -> None:
    """Count the rows and the wall time of each of `dispatcher`'s delivery rounds."""
    original = dispatcher.deliver_due

    async def deliver_due() -> int:
        start = time.perf_counter_ns()
        delivered: int = await original()
        if delivered:
            into["rows"] += delivered
            into["ns"] += time.perf_counter_ns() - start
        return delivered

    dispatcher.deliver_due = deliver_due


async def post_through_baseline(profile: Profile, url: str, posts: int, warmup: int) -> Figures:
    """The same bodies through a bare Starlette endpoint doing one INSERT of the row."""
    engine = make_engine(url)
    async with engine.connect() as conn:
        template = dict((await conn.execute(select(schema.comments).limit(1))).mappings().one())
    ids = IdFactory()

    async def post(request: Request) -> JSONResponse:
        data = await request.json()
        row = template | {"id": ids.new(), "body": data["body"]}
        async with engine.begin() as conn:
            await conn.execute(insert(schema.comments).values(**row))
        return JSONResponse({"id": row["id"], "status": row["status"]}, status_code=201)

    bare = Starlette(routes=[Route("/comments", post, methods=["POST"])])
    try:
        transport = httpx.ASGITransport(app=profile.asgi(bare))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in range(warmup + posts):
                if n == warmup:
                    profile.reset()
                answer = await client.post("/comments", json={"body": body(n)})
                assert answer.status_code == 201, answer.text
        return Figures.of(profile, Counter(), Counter())
    finally:
        await engine.dispose()


async def measure(
    profile: Profile, url: str, redis_url: str | None, posts: int, warmup: int
) -> tuple[Figures, Figures, Figures]:
    """The app with delivery elsewhere (profiled), with delivery in process, the baseline."""
    settings = Settings(
        database_url=url,
        redis_url=redis_url,
        public_url="http://bench",
        secret_key="b" * 32,
        worker="external",
    )
    alone = await post_through_app(profile, settings, "news", posts, warmup)
    inprocess = settings.model_copy(update={"worker": "inprocess"})
    with_worker = await post_through_app(profile, inprocess, "live", posts, warmup)
    baseline = await post_through_baseline(profile, url, posts, warmup)
    return alone, with_worker, baseline


def report(label: str, posts: int, figures: tuple[Figures, Figures, Figures], top: int) -> None:
    """The table: µs per post and share of the whole, then the baseline and the ratio."""
    app, live, baseline = figures
    mix = ", ".join(f"{n} {s}" for s, n in sorted(app.statuses.items()))
    print(f"\n{label}: {posts} posts of {len(body(0))} characters ({mix})")
    print(f"{'µs per post':<40}{'delivery elsewhere':>20}{'in process':>12}")
    for name in ORDER:
        detail = ""
        if name == SQL:
            fresh = app.counts.get("compiled", 0)
            detail = f" ({app.counts.get(SQL, 0):.1f}, {fresh:.1f} compiled anew)"
        elif name == DRIVER:
            detail = f" ({app.counts.get(DRIVER, 0):.1f} waits)"
        elif name == REDIS and app.counts.get(name):
            detail = f" ({app.counts[name]:.1f} Redis calls)"
        us, share = app.buckets[name], app.buckets[name] / app.mean
        print(f"{name + detail:<40}{us:>12.0f} {share:>6.1%}{live.buckets[name]:>12.0f}")
    print(f"{'a whole post, mean':<40}{app.mean:>12.0f} {1:>6.0%}{live.mean:>12.0f}")
    print(f"{'a whole post, median':<40}{app.median:>12.0f}{'':>8}{live.median:>12.0f}")
    print(
        f"{'bare INSERT endpoint, mean':<40}{baseline.mean:>12.0f}"
        f"   (median {baseline.median:.0f}; SQL {baseline.buckets[SQL]:.0f},"
        f" driver {baseline.buckets[DRIVER]:.0f})"
    )
    print(f"ratio, a post to the bare INSERT: {app.mean / baseline.mean:.1f}")
    print(
        f"the dispatcher in process: {live.dispatch_rows:.1f} outbox rows a post, "
        f"{live.dispatch_us:.0f} µs a post in its delivery rounds"
    )
    if top:
        print(f"\nthe {top} costliest functions of each bucket, µs per post (delivery elsewhere)")
        for name in ORDER:
            places = sorted(
                ((us, where) for (bucket, where), us in app.places.items() if bucket == name),
                reverse=True,
            )
            for us, where in places[:top]:
                print(f"  {name:<20}{where:<58}{us:>8.0f}")


@contextmanager
def sqlite_url() -> Iterator[str]:
    """A migrated SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=300, help="measured posts per database")
    parser.add_argument("--quick", action="store_true", help="30 posts: does it still run?")
    parser.add_argument(
        "--detail", type=int, default=0, metavar="N", help="also the N costliest functions"
    )
    args = parser.parse_args()
    posts = 30 if args.quick else args.posts
    warmup = max(10, posts // 10)
    profile = Profile()
    instrument(profile, BUCKETS)
    with sqlite_url() as url:
        sqlite = asyncio.run(measure(profile, url, None, posts, warmup))
    report("SQLite, in-process cache", posts, sqlite, args.detail)
    with throwaway.postgres() as pg, throwaway.redis() as redis_url:
        upgrade(pg)
        postgres = asyncio.run(measure(profile, pg, redis_url, posts, warmup))
    report("PostgreSQL and Redis", posts, postgres, args.detail)


if __name__ == "__main__":
    main()
