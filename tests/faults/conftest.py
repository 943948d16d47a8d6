"""Fixtures of the fault tests: their own PostgreSQL, Redis and app processes.

The package runs a PostgreSQL cluster of its own (the tests stop and start it; the
session's shared one is never touched), a migrated template database cloned for
each test, a `redis-server` per test, and a `Fleet` of app processes killed after
each test. Every test here carries the `faults` marker (`-m "not faults"` skips them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.apps import Fleet, run_migrate
from tests.faults.cluster import FaultDatabase, PostgresCluster, RedisServer
from tests.faults.records import Ledger
from tests.fixtures_services import _postgres_bindir

HERE = Path(__file__).resolve().parent
TEMPLATE = "faults_template"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this package `faults`."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="package")
def fault_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for this package alone, with a migrated template database."""
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found (install the `postgresql` package)")
    cluster = PostgresCluster(bindir)
    try:
        cluster.init()
        cluster.start()
        cluster.server.create_database(TEMPLATE)
        run_migrate(cluster.server.url(TEMPLATE), tmp_path_factory.mktemp("migrate"))
        yield cluster
    finally:
        cluster.stop("immediate")
        cluster.remove()


@pytest.fixture
def fault_db(fault_pg: PostgresCluster) -> Iterator[FaultDatabase]:
    """A clone of the template; the cluster is started first if a test left it stopped."""
    if not fault_pg.running:
        fault_pg.start()
    name = fault_pg.server.create_database(template=TEMPLATE)
    try:
        yield FaultDatabase(fault_pg.server.url(name), fault_pg.server.dsn(name))
    finally:
        if not fault_pg.running:
            fault_pg.start()
        fault_pg.server.drop_database(name)


@pytest.fixture
def fleet(
    tmp_path: Path,
    fault_db: FaultDatabase,
    restartable_redis: RedisServer,
    fault_pg: PostgresCluster,
) -> Iterator[Fleet]:
    """App processes on this test's database and Redis; all killed after the test."""
    fleet = Fleet(tmp_path, fault_db.url, restartable_redis.url)
    fleet.attach("redis", restartable_redis.log)
    fleet.attach("postgres", fault_pg.log)
    try:
        yield fleet
    finally:
        fleet.close()


@pytest.fixture
def ledger(fault_db: FaultDatabase) -> Ledger:
    """Reads this test's database directly."""
    return Ledger(fault_db.dsn)
