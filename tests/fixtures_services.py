"""Throwaway Redis and PostgreSQL servers for the tests.

Each test session starts its own servers on free loopback ports, in temporary
directories, and stops them at the end; the tests never touch a Redis or a
PostgreSQL that already runs on the machine. Registered from `conftest.py`.

Fixtures:
- `redis_url` (session): `redis://127.0.0.1:<port>/0` of a private `redis-server`.
- `redis_clean_url` (function): the same URL, with database 0 flushed first.
- `pg_server` (session): a private PostgreSQL cluster (`PostgresServer`: host, port,
  user, and helpers to create and drop databases).
- `pg_url` (function): `postgresql+asyncpg://postgres@127.0.0.1:<port>/<db>` of a
  fresh, empty database, dropped after the test.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest
import redis
from pytest_redis import factories
from pytest_redis.executor import RedisExecutor

T = TypeVar("T")

# --------------------------------------------------------------------------- Redis

# Overrides pytest-redis's own `redis_proc`, so its `redisdb` fixtures share this server.
redis_proc = factories.redis_proc(host="127.0.0.1", port=None)


@pytest.fixture(scope="session")
def redis_url(redis_proc: RedisExecutor) -> str:
    """The URL of a private `redis-server` started for this test session."""
    return f"redis://{redis_proc.host}:{redis_proc.port}/0"


@pytest.fixture
def redis_clean_url(redis_url: str) -> Iterator[str]:
    """`redis_url`, with its database emptied before the test."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()
    yield redis_url


# ---------------------------------------------------------------------- PostgreSQL

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _quote(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return f'"{name}"'


def _run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on a private loop in its own thread.

    Works from sync code and from inside a running event loop alike, and leaves
    the calling thread's event loop (pytest-asyncio's) untouched.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        async def main() -> None:
            result.append(await make())

        try:
            asyncio.run(main())
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target, name="pg-admin")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway PostgreSQL server (trust authentication, loopback only)."""

    host: str
    port: int
    user: str
    bindir: Path
    directory: Path

    def dsn(self, database: str = "postgres") -> str:
        """A libpq/asyncpg URL: `postgresql://user@host:port/database`."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def url(self, database: str = "postgres") -> str:
        """An SQLAlchemy URL: `postgresql+asyncpg://user@host:port/database`."""
        return f"postgresql+asyncpg://{self.user}@{self.host}:{self.port}/{database}"

    async def _execute(self, sql: str) -> None:
        conn = await asyncpg.connect(self.dsn("postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`); returns its name."""
        name = name or f"test_{uuid.uuid4().hex[:16]}"
        sql = f"CREATE DATABASE {_quote(name)}"
        if template:
            sql += f" TEMPLATE {_quote(template)}"
        _run_async(lambda: self._execute(sql))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection still open to it."""
        _run_async(lambda: self._execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)"))


def _postgres_bindir() -> Path | None:
    """Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest Debian one."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(found.stdout.strip())
        if found.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    candidates = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    return max(candidates, key=version, default=None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Cluster:
    """initdb, pg_ctl start and stop, as the `postgres` user when running as root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.directory = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            shutil.chown(self.directory, user="postgres", group="postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        # A clean environment: no PGPORT, PGHOST, PGDATA… from the caller.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env["LC_ALL"] = "C"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args],
            cwd=self.directory,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def _fail(self, what: str, done: subprocess.CompletedProcess[str]) -> RuntimeError:
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        return RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}")

    def init(self) -> None:
        done = self._run(
            str(self.bindir / "initdb"),
            "--pgdata", str(self.data),
            "--username", "postgres",
            "--auth", "trust",
            "--encoding", "UTF8",
            "--no-locale",
            "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise self._fail("initdb", done)

    def start(
        self, port: int, *, synchronous_commit: bool = False
    ) -> subprocess.CompletedProcess[str]:
        options = " ".join(
            [
                f"-c port={port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.directory}",
                "-c fsync=off",
                "-c full_page_writes=off",
                f"-c synchronous_commit={'on' if synchronous_commit else 'off'}",
                "-c max_connections=200",
            ]
        )
        return self._run(
            str(self.bindir / "pg_ctl"),
            "--pgdata", str(self.data),
            "--log", str(self.log),
            "--options", options,
            "--wait",
            "--timeout", "60",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(
                str(self.bindir / "pg_ctl"), "--pgdata", str(self.data), "--mode", "immediate",
                "--wait", "stop",
            )  # fmt: skip

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server for this test session, on a free loopback port."""
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found (install the `postgresql` package)")
    cluster = _Cluster(bindir)
    try:
        cluster.init()
        for _attempt in range(3):  # another process may take the free port first
            port = _free_port()
            done = cluster.start(port)
            if done.returncode == 0:
                break
        else:
            raise cluster._fail("pg_ctl start", done)
        yield PostgresServer(
            host="127.0.0.1", port=port, user="postgres", bindir=bindir, directory=cluster.directory
        )
    finally:
        cluster.stop()
        cluster.remove()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """`postgresql+asyncpg://…` of a fresh empty database, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
