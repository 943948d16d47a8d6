"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the app, and a harness.

The throwaway Redis and PostgreSQL servers live in `fixtures_services`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.auth.providers import fake_github, fake_google, oidc_mock, strict_oidc
from tests.faults.cluster import RedisServer
from tests.fixtures_services import (
    PostgresServer,
    pg_server,
    pg_url,
    redis_clean_url,
    redis_proc,
    redis_url,
)
from tests.harness import Harness
from tests.live import serve_app

__all__ = [
    "fake_github",
    "fake_google",
    "oidc_mock",
    "pg_server",
    "pg_url",
    "redis_clean_url",
    "redis_proc",
    "redis_url",
    "serve_app",
    "strict_oidc",
]

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it."""
    from comments.storage.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "comments.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A PostgreSQL database migrated once; each test clones it."""
    from comments.storage.migrate import upgrade

    name = pg_server.create_database("comments_template")
    upgrade(pg_server.url(name))
    return name


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "comments.db"
        shutil.copy(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = server.create_database(template=request.getfixturevalue("pg_template"))
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database, for tests that are not about storage."""
    target = tmp_path / "comments.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def restartable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private `redis-server` this test alone uses, and may kill and start again."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def harness(database_url: str) -> Iterator[Harness]:
    """The app on a fresh database (SQLite, then PostgreSQL), with a site `news`."""
    with Harness.start(database_url) as h:
        yield h


@pytest.fixture
def quick(sqlite_url: str) -> Iterator[Harness]:
    """The app on SQLite only, for tests of transport behaviour."""
    with Harness.start(sqlite_url) as h:
        yield h


@pytest.fixture(scope="session", autouse=True)
def widget_bundle() -> None:
    """The widget's bundle built afresh from the sources as they are, once per session, so
    the apps the tests start serve it (WidgetFiles takes it only when it matches). Where
    node or the widget's esbuild is not installed they serve the modules."""
    import subprocess

    from comments.app import widget_dir

    node = shutil.which("node")
    if node is None or not (widget_dir() / "node_modules" / "esbuild").is_dir():
        return
    for _ in range(3):  # sources edited while it built: the build refuses, and is tried again
        done = subprocess.run(
            [node, str(widget_dir() / "build.mjs"), "--quiet"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode == 0:
            return
    pytest.fail(f"the widget's bundle did not build:\n{done.stderr}", pytrace=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the
    main thread until the session ends, which async tests after it could not share."""
    items.sort(
        key=lambda item: (
            "/browser/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("tests/browser")
        )
    )
