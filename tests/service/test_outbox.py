"""The outbox: a write's consequences commit with it, are delivered after it, and are retried.

The app here runs with `worker="external"`, so nothing is delivered behind the test's
back; each test drives the dispatcher itself, with the clock injected.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from comments.models import SitePolicy
from comments.realtime import RedisBroker
from comments.service import Service
from tests.harness import Harness

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, clock: Clock) -> Iterator[Harness]:
    with Harness.start(database_url, clock=clock, worker="external") as h:
        policy = SitePolicy(premoderation="all", rate_per_minute=0, rate_per_hour=0)
        h.run(lambda s: s.sites.update("news", policy=policy))
        h.run(lambda s: s.dispatcher.deliver_due())  # the settings' own page-version row
        yield h


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _deliver_and_listen(service: Service, expected: int) -> tuple[int, list[Any]]:
    """Run one delivery round while listening to the moderators' channel."""
    async with service.deps.broker.subscribe("moderation:news") as events:
        delivered = await service.dispatcher.deliver_due()
        heard = [await asyncio.wait_for(anext(events), 5) for _ in range(expected)]
    return delivered, heard


def test_a_held_post_reaches_the_moderators_from_its_outbox_row(app: Harness) -> None:
    posted = app.post(app.token())
    assert posted.status_code == 201 and posted.json()["status"] == "pending"
    # The queue item, the counts, and the thread's page version (and live event, if any).
    assert app.run(lambda s: s.deps.storage.outbox_pending()) == 3
    delivered, heard = app.run(lambda s: _deliver_and_listen(s, 2))
    assert delivered == 3
    assert [event for event, _ in heard] == ["queue.added", "counts"]
    assert heard[0][1]["item"]["comment"]["id"] == posted.json()["id"]
    assert heard[1][1]["counts"]["pending"] == 1
    assert app.run(lambda s: s.deps.storage.outbox_pending()) == 0


def test_a_delivery_that_fails_never_fails_the_write_and_is_retried(
    app: Harness, clock: Clock
) -> None:
    def break_broker(s: Service) -> Any:
        working = s.deps.broker
        s.deps.broker = RedisBroker.from_url(f"redis://127.0.0.1:{_closed_port()}/0")
        return working

    working = app.run(lambda s: asyncio.sleep(0, break_broker(s)))
    posted = app.post(app.token())
    assert posted.status_code == 201  # committed, so answered, whatever happens next
    # Only the page version (which needs no broker) goes; the moderators' rows wait.
    assert app.run(lambda s: s.dispatcher.deliver_due()) == 1
    assert app.run(lambda s: s.deps.storage.outbox_pending()) == 2

    async def mend(s: Service) -> None:
        await s.deps.broker.close()
        s.deps.broker = working

    app.run(mend)
    assert app.run(lambda s: s.dispatcher.deliver_due()) == 0  # not due again yet
    clock.now += timedelta(seconds=5)
    delivered, heard = app.run(lambda s: _deliver_and_listen(s, 2))
    assert delivered == 2 and heard[0][0] == "queue.added"


def test_two_dispatchers_never_take_the_same_row(app: Harness, clock: Clock) -> None:
    app.post(app.token())

    async def race(s: Service) -> tuple[int, int]:
        storage = s.deps.storage
        lease = clock.now + timedelta(seconds=30)
        first, second = await asyncio.gather(
            storage.lease_outbox(clock.now, lease, 100),
            storage.lease_outbox(clock.now, lease + timedelta(microseconds=1), 100),
        )
        return len(first), len(second)

    first, second = app.run(race)
    assert first + second == 3 and 0 in (first, second)
    # A dispatcher that died with its lease leaves the rows to the next one.
    clock.now += timedelta(seconds=31)
    assert app.run(lambda s: s.dispatcher.deliver_due()) == 3


def test_delivered_rows_and_old_idempotency_keys_are_pruned_after_a_day(
    app: Harness, clock: Clock
) -> None:
    token = app.token()
    headers = app.auth(token) | {"Idempotency-Key": "prune-me"}
    body = {"thread": "union", "body": "Kept a day.", "thread_url": "https://news.example/a"}
    first = app.client.post("/api/v1/sites/news/comments", json=body, headers=headers)
    assert first.status_code == 201
    app.run(lambda s: s.dispatcher.deliver_due())
    clock.now += timedelta(hours=25)
    app.run(lambda s: s.dispatcher.prune())
    assert app.run(lambda s: s.deps.storage.remembered("dev:alice", "prune-me")) is None
    again = app.client.post("/api/v1/sites/news/comments", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
