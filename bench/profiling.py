"""Time spent in a request, split into buckets by the code that spends it, for bench/.

`Profile` keeps a stack of open buckets per request (in a context variable: each
request's task has its own, and SQLAlchemy's greenlets share their caller's) and
charges each bucket its time exclusive of the buckets nested in it. `instrument` wraps
every function and method that the named modules define (and the references other
`comments` modules hold to them), times SQL between SQLAlchemy's
`before_cursor_execute` and `after_cursor_execute` events, every other wait on the
database driver through SQLAlchemy's `await_`, and Redis commands.
Only time inside a request counts (`Profile.asgi` opens its root bucket, "the rest").
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import sqlalchemy.connectors.asyncio as adapters
import sqlalchemy.dialects.postgresql.asyncpg as asyncpg_dialect
import sqlalchemy.dialects.sqlite.aiosqlite as aiosqlite_dialect
from redis.asyncio.client import Pipeline, Redis
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import CacheStats

ROOT = "the rest"
SQL = "SQL"
DRIVER = "other driver waits"
REDIS = "cache and Redis"


@dataclass
class Frame:
    """One open bucket in one request: when it opened and what nested buckets took."""

    bucket: str
    where: str
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
        self.places: Counter[tuple[str, str]] = Counter()
        self.counts: Counter[str] = Counter()
        self.requests: list[int] = []

    def enter(self, bucket: str, where: str = "") -> tuple[Token[tuple[Frame, ...]], Frame] | None:
        """Open `bucket` (at function `where`); outside a request nothing is measured."""
        stack = self.stack.get()
        if not stack and bucket != ROOT:
            return None
        frame = Frame(bucket, where or bucket, time.perf_counter_ns())
        return self.stack.set((*stack, frame)), frame

    def leave(self, opened: tuple[Token[tuple[Frame, ...]], Frame] | None) -> None:
        """Close what `enter` opened and charge its exclusive time."""
        if opened is None:
            return
        token, frame = opened
        spent = time.perf_counter_ns() - frame.start
        self.ns[frame.bucket] += spent - frame.nested
        self.places[frame.bucket, frame.where] += spent - frame.nested
        self.stack.reset(token)
        parent = self.stack.get()
        if parent:
            parent[-1].nested += spent
        else:
            self.requests.append(spent)

    def wrap(self, fn: Callable[..., Any], bucket: str) -> Callable[..., Any]:
        """`fn`, charging its time to `bucket`."""
        where = f"{fn.__module__.removeprefix('comments.')}.{fn.__qualname__}"
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                opened = self.enter(bucket, where)
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self.leave(opened)

            return timed_async

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            opened = self.enter(bucket, where)
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
            opened = self.enter(ROOT)
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


def instrument(profile: Profile, buckets: Mapping[str, tuple[str, ...]]) -> None:
    """Wrap what the bucket modules define; time SQL, other driver waits and Redis calls."""
    wrapped: dict[int, Any] = {}
    for bucket, prefixes in buckets.items():
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
        measured = profile.stack.get() != ()
        profile.counts[SQL] += measured
        # A statement SQLAlchemy compiled afresh, not from its cache, costs far more.
        profile.counts["compiled"] += measured and ctx.cache_hit is not CacheStats.CACHE_HIT
        conn.info.setdefault("bench", []).append(profile.enter(SQL))

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: Any, params: Any, ctx: Any, many: Any) -> None:
        profile.leave(conn.info["bench"].pop())

    # Every wait on the driver goes through SQLAlchemy's `await_`: inside a statement it
    # is SQL; outside (opening and closing cursors, commits, rollbacks, the pool's reset
    # and pre-ping) it is one of the "other driver waits".
    original_await = adapters.await_

    def await_(awaitable: Any) -> Any:
        stack = profile.stack.get()
        if stack and stack[-1].bucket == SQL:
            return original_await(awaitable)
        profile.counts[DRIVER] += stack != ()
        opened = profile.enter(DRIVER, getattr(awaitable, "__qualname__", DRIVER))
        try:
            return original_await(awaitable)
        finally:
            profile.leave(opened)

    for module in (adapters, asyncpg_dialect, aiosqlite_dialect):
        module.await_ = await_  # type: ignore[attr-defined]

    def redis_call(fn: Callable[..., Any]) -> Callable[..., Any]:
        timed = profile.wrap(fn, REDIS)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            profile.counts[REDIS] += profile.stack.get() != ()
            return await timed(*args, **kwargs)

        return counted

    Redis.execute_command = redis_call(Redis.execute_command)  # type: ignore[method-assign]
    Pipeline.execute = redis_call(Pipeline.execute)  # type: ignore[method-assign]
