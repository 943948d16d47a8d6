"""Where a post's time goes, beside a bare Starlette endpoint doing one INSERT of the row.

Posts ~500-character markdown comments through the whole app in process (HTTP over an
ASGI transport, auth, service, screening, rendering, storage), first on SQLite with the
in-process cache, then on a throwaway PostgreSQL with a throwaway Redis, and splits the
server-side time of a post into buckets, each exclusive of the others nested in it:

- rendering: code in `comments.render`;
- screening: code in `comments.moderation` and `comments.service.screening`;
- storage code: code in `comments.storage` and SQLAlchemy around the statements;
- SQL: between SQLAlchemy's `before_cursor_execute` and `after_cursor_execute`, i.e. the
  driver and the database, with the number of statements; and the drivers' commits and
  rollbacks (the pool's reset on return included), counted as "ends";
- cache and Redis: code in `comments.cache` and `comments.realtime`, and Redis commands
  (round trips counted);
- the rest: HTTP, routing, auth, the service's own logic, JSON.

Buckets are found by wrapping the functions and methods those modules define (and the
references other `comments` modules hold to them), so the split follows the code as it
is. The wrappers cost about a microsecond a call, which the buckets absorb. Only time
inside a request counts: work the app does in background tasks started elsewhere is left
out. The baseline runs in the same process on the same database: parse the JSON body,
INSERT a copy of a row the app wrote (new id, the posted body) through the app's own
engine setup, answer 201; the ratio is app / baseline.

    .venv/bin/python bench/bench_post.py [--posts N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import inspect
import pkgutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2 as httpx
import throwaway
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
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
    "cache and Redis": ("comments.cache", "comments.realtime"),
}
ORDER = ["rendering", "screening", "storage code", "SQL", "cache and Redis", "the rest"]
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
class Frame:
    """One open bucket in one request: when it opened and what nested buckets took."""

    bucket: str
    start: int
    nested: int = 0


class Profile:
    """Exclusive nanoseconds per bucket, summed over requests, with call counters."""

    def __init__(self) -> None:
        self.stack: ContextVar[tuple[Frame, ...]] = ContextVar("bench_stack", default=())
        self.reset()

    def reset(self) -> None:
        """Forget everything measured so far (after the warm-up)."""
        self.ns: defaultdict[str, int] = defaultdict(int)
        self.counts: Counter[str] = Counter()
        self.requests: list[int] = []

    def enter(self, bucket: str) -> tuple[Token[tuple[Frame, ...]], Frame] | None:
        """Open `bucket`; outside a request (no root frame) nothing is measured."""
        stack = self.stack.get()
        if not stack and bucket != "the rest":
            return None
        frame = Frame(bucket, time.perf_counter_ns())
        return self.stack.set((*stack, frame)), frame

    def leave(self, opened: tuple[Token[tuple[Frame, ...]], Frame] | None) -> None:
        """Close what `enter` opened and charge its exclusive time."""
        if opened is None:
            return
        token, frame = opened
        spent = time.perf_counter_ns() - frame.start
        self.ns[frame.bucket] += spent - frame.nested
        self.stack.reset(token)
        parent = self.stack.get()
        if parent:
            parent[-1].nested += spent
        else:
            self.requests.append(spent)

    def wrap(self, fn: Callable[..., Any], bucket: str) -> Callable[..., Any]:
        """`fn`, charging its time to `bucket`."""
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                opened = self.enter(bucket)
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self.leave(opened)

            return timed_async

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            opened = self.enter(bucket)
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave(opened)

        return timed

    def asgi(self, app: Any) -> Any:
        """The app with each request as the root frame ("the rest")."""

        async def measured(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            opened = self.enter("the rest")
            try:
                await app(scope, receive, send)
            finally:
                self.leave(opened)

        return measured


def _modules(prefixes: tuple[str, ...]) -> Iterator[ModuleType]:
    for prefix in prefixes:
        module = importlib.import_module(prefix)
        yield module
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix + "."):
            if ".migrations" not in info.name:
                yield importlib.import_module(info.name)


def _wrappable(value: Any) -> bool:
    return inspect.isfunction(value) and not (
        inspect.isgeneratorfunction(value) or inspect.isasyncgenfunction(value)
    )


def instrument(profile: Profile) -> None:
    """Wrap every function and method the bucket modules define, and the SQL and Redis calls."""
    wrapped: dict[int, Any] = {}
    for bucket, prefixes in BUCKETS.items():
        for module in _modules(prefixes):
            for name, value in list(vars(module).items()):
                if getattr(value, "__module__", None) != module.__name__:
                    continue
                if _wrappable(value):
                    wrapped[id(value)] = profile.wrap(value, bucket)
                    setattr(module, name, wrapped[id(value)])
                elif inspect.isclass(value) and not issubclass(value, BaseException):
                    if any(base.__module__.startswith("pydantic") for base in value.__mro__):
                        continue
                    for attr, member in list(vars(value).items()):
                        dunder = attr.startswith("__") and attr != "__call__"
                        if _wrappable(member) and not dunder:
                            setattr(value, attr, profile.wrap(member, bucket))
    for name, module in list(sys.modules.items()):  # `from x import f` copies
        if name.startswith("comments.") and module is not None:
            for attr, value in list(vars(module).items()):
                if id(value) in wrapped and wrapped[id(value)] is not value:
                    setattr(module, attr, wrapped[id(value)])

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: Any, params: Any, ctx: Any, many: Any) -> None:
        profile.counts["SQL"] += profile.stack.get() != ()
        conn.info.setdefault("bench", []).append(profile.enter("SQL"))

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: Any, params: Any, ctx: Any, many: Any) -> None:
        profile.leave(conn.info["bench"].pop())

    from redis.asyncio.client import Pipeline, Redis

    def redis_call(fn: Callable[..., Any]) -> Callable[..., Any]:
        timed = profile.wrap(fn, "cache and Redis")

        async def counted(*args: Any, **kwargs: Any) -> Any:
            profile.counts["cache and Redis"] += profile.stack.get() != ()
            return await timed(*args, **kwargs)

        return counted

    Redis.execute_command = redis_call(Redis.execute_command)  # type: ignore[method-assign]
    Pipeline.execute = redis_call(Pipeline.execute)  # type: ignore[method-assign]

    # Commits and rollbacks (the pool's reset included) happen outside the cursor events.
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
    from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection

    def transaction_end(fn: Callable[..., Any]) -> Callable[..., Any]:
        timed = profile.wrap(fn, "SQL")

        def counted(*args: Any, **kwargs: Any) -> Any:
            profile.counts["commits and rollbacks"] += profile.stack.get() != ()
            return timed(*args, **kwargs)

        return counted

    for adapter in (AsyncAdapt_asyncpg_connection, AsyncAdapt_aiosqlite_connection):
        for verb in ("commit", "rollback"):
            setattr(adapter, verb, transaction_end(getattr(adapter, verb)))


@dataclass
class Result:
    """One configuration's figures, in µs per request."""

    label: str
    posts: int
    buckets: dict[str, float]
    counts: dict[str, float]
    mean: float
    median: float
    statuses: Counter[str]
    baseline_mean: float
    baseline_sql: float


def _per_request(profile: Profile) -> tuple[dict[str, float], dict[str, float], float, float]:
    n = len(profile.requests)
    buckets = {name: profile.ns[name] / n / 1000 for name in ORDER}
    counts = {name: profile.counts[name] / n for name in profile.counts}
    return (
        buckets,
        counts,
        sum(profile.requests) / n / 1000,
        statistics.median(profile.requests) / 1000,
    )


def baseline_app(url: str, template: dict[str, Any]) -> tuple[Starlette, Any]:
    """A bare endpoint: parse the JSON, INSERT one comment row, answer 201."""
    engine = make_engine(url)
    ids = IdFactory()

    async def post(request: Request) -> JSONResponse:
        data = await request.json()
        row = template | {"id": ids.new(), "body": data["body"]}
        async with engine.begin() as conn:
            await conn.execute(insert(schema.comments).values(**row))
        return JSONResponse({"id": row["id"], "status": row["status"]}, status_code=201)

    return Starlette(routes=[Route("/comments", post, methods=["POST"])]), engine


async def measure(
    profile: Profile, label: str, url: str, redis_url: str | None, posts: int, warmup: int
) -> Result:
    """Post `warmup` then `posts` comments through the app, then the same through the baseline."""
    profile.reset()
    settings = Settings(
        database_url=url, redis_url=redis_url, public_url="http://bench", secret_key="b" * 32
    )
    app = create_app(settings)
    statuses: Counter[str] = Counter()
    async with app.router.lifespan_context(app):
        service = app.state.context.service
        await service.sites.create("news", [ORIGIN], POLICY)
        tokens = []
        for n in range(READERS):
            await service.sites.ensure_user(f"dev:reader{n}")
            tokens.append(await service.sessions.issue(f"dev:reader{n}", "news"))
        transport = httpx.ASGITransport(app=profile.asgi(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in range(warmup + posts):
                if n == warmup:
                    profile.reset()
                    statuses.clear()
                answer = await client.post(
                    "/api/v1/sites/news/comments",
                    json={"thread": "t", "body": body(n), "thread_url": f"{ORIGIN}/t"},
                    headers={"Authorization": f"Bearer {tokens[n % READERS]}"},
                )
                if answer.status_code != 201:
                    raise SystemExit(f"post {n}: {answer.status_code} {answer.text}")
                statuses[answer.json()["status"]] += 1
    buckets, counts, mean, median = _per_request(profile)

    template_engine = make_engine(url)
    async with template_engine.connect() as conn:
        template = dict((await conn.execute(select(schema.comments).limit(1))).mappings().one())
    await template_engine.dispose()
    bare, engine = baseline_app(url, template)
    profile.reset()
    try:
        transport = httpx.ASGITransport(app=profile.asgi(bare))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in range(warmup + posts):
                if n == warmup:
                    profile.reset()
                answer = await client.post("/comments", json={"body": body(n)})
                assert answer.status_code == 201, answer.text
    finally:
        await engine.dispose()
    base_buckets, _, base_mean, _ = _per_request(profile)
    return Result(
        label, posts, buckets, counts, mean, median, statuses, base_mean, base_buckets["SQL"]
    )


def report(result: Result) -> None:
    """The table: µs per post and share of the whole, then the baseline and the ratio."""
    share = {name: us / result.mean for name, us in result.buckets.items()}
    mix = ", ".join(f"{n} {s}" for s, n in sorted(result.statuses.items()))
    print(f"\n{result.label}: {result.posts} posts of ~{len(body(0))} characters ({mix})")
    print(f"{'':<34}{'µs/post':>9}{'share':>8}")
    for name in ORDER:
        detail = ""
        if name == "SQL":
            ends = result.counts.get("commits and rollbacks", 0)
            detail = f" ({result.counts.get('SQL', 0):.1f} statements, {ends:.1f} ends)"
        elif name == "cache and Redis" and result.counts.get(name):
            detail = f" ({result.counts[name]:.1f} Redis calls)"
        print(f"{name + detail:<34}{result.buckets[name]:>9.0f}{share[name]:>8.1%}")
    print(f"{'a whole post (mean)':<34}{result.mean:>9.0f}{1:>8.0%}")
    print(f"{'a whole post (median)':<34}{result.median:>9.0f}")
    print(
        f"{'bare INSERT endpoint':<34}{result.baseline_mean:>9.0f}"
        f"   (SQL {result.baseline_sql:.0f} µs)   ratio {result.mean / result.baseline_mean:.1f}"
    )


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
    args = parser.parse_args()
    posts = 30 if args.quick else args.posts
    warmup = max(10, posts // 10)
    profile = Profile()
    instrument(profile)
    with sqlite_url() as url:  # BENCHDEBUG
        import faulthandler, os; faulthandler.dump_traceback_later(40) if os.environ.get("BD") else None
        sqlite = measure(profile, "SQLite, in-process cache", url, None, posts, warmup)
        report(asyncio.run(sqlite))
    with throwaway.postgres() as pg, throwaway.redis() as redis_url:
        upgrade(pg)
        postgres = measure(profile, "PostgreSQL and Redis", pg, redis_url, posts, warmup)
        report(asyncio.run(postgres))


if __name__ == "__main__":
    main()
