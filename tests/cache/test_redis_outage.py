"""Redis goes away under two instances and comes back: reads and writes go on, and no page
cached before the outage is served after it.

Both instances use a `redis-server` of this test's own, killed (as in a crash) and started
again empty on the same port, while the pages they cached stay in their processes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cache.across import STALENESS, Two, counts, ids, read, started_pair, two_of, within
from tests.faults.cluster import RedisServer
from tests.fixtures_services import PostgresServer

pytestmark = pytest.mark.faults


@pytest.fixture
def outage_pair(
    pg_server: PostgresServer, pg_template: str, restartable_redis: RedisServer
) -> Iterator[Two]:
    """Two instances on a fresh database and on the test's own Redis."""
    name = pg_server.create_database(template=pg_template)
    try:
        with started_pair(pg_server.url(name), restartable_redis.url) as pair, two_of(pair) as two:
            yield two
    finally:
        pg_server.drop_database(name)


def test_reads_and_writes_go_on_without_redis_and_no_old_page_survives_it(
    outage_pair: Two, restartable_redis: RedisServer
) -> None:
    two = outage_pair
    thread, fresh = two.thread("outage"), two.thread("untouched")
    _, author = two.reader()
    _, reader = two.reader()
    first = two.post(author, thread)["id"]
    for instance in (two.a, two.b):  # both serve (and cache) the pages and the counts
        for token in (None, reader):
            assert ids(read(instance, thread, token).json) == [first]
            assert ids(read(instance, fresh, token).json) == []  # nobody has commented yet
        assert counts(instance, thread, fresh) == {thread: 1, fresh: 0}

    restartable_redis.kill()
    for instance in (two.a, two.b):
        for token in (None, reader):
            answer = read(instance, thread, token)
            assert answer.status == 200, f"a read with Redis down: {answer.json}"
    during = two.post(author, thread, on=two.a)["id"]  # stored without Redis
    opened = two.post(author, fresh, on=two.a)["id"]
    assert ids(read(two.a, thread).json) == [first, during]
    assert within(STALENESS, lambda: during in ids(read(two.b, thread).json)), (
        "B served its pre-outage copy while Redis was down"
    )
    assert ids(read(two.b, thread, reader).json) == [first, during]

    restartable_redis.restart()
    for instance in (two.a, two.b):
        for key, shown in ((thread, [first, during]), (fresh, [opened])):
            assert within(STALENESS, lambda: ids(read(instance, key).json) == shown), (  # noqa: B023
                f"a page cached before the outage was served after it ({key})"
            )
        assert within(STALENESS, lambda: counts(instance, thread, fresh) == {thread: 2, fresh: 1})  # noqa: B023

    after = two.post(author, thread, on=two.a)["id"]  # the cache works again across instances
    assert ids(read(two.b, thread, reader).json) == [first, during, after]
    assert within(STALENESS, lambda: ids(read(two.b, thread).json) == [first, during, after])


def test_a_page_cached_during_an_outage_does_not_outlive_it(
    outage_pair: Two, restartable_redis: RedisServer
) -> None:
    """B reads during the outage (maybe caching locally), A posts after Redis is back."""
    two = outage_pair
    thread = two.thread("refill")
    _, author = two.reader()
    first = two.post(author, thread)["id"]
    restartable_redis.kill()
    for instance in (two.a, two.b):
        assert ids(read(instance, thread).json) == [first]
    restartable_redis.restart()
    assert within(STALENESS, lambda: ids(read(two.b, thread).json) == [first])
    later = two.post(author, thread, on=two.a)["id"]
    assert within(STALENESS, lambda: ids(read(two.b, thread).json) == [first, later]), (
        "B kept a page from the outage after Redis came back"
    )
