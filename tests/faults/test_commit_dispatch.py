"""An instance killed after its writes committed but before their consequences went out.

With `COMMENTS_WORKER=external` the web process writes outbox rows and never
dispatches them, which is exactly the state a crash between commit and dispatch
leaves behind. Whoever dispatches next (`comments worker`, or a normal instance)
must deliver every one: each held comment reaches the moderators' live channel.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2 as httpx
import pytest
import redis.asyncio

from tests.faults.apps import Fleet
from tests.faults.cluster import FaultDatabase, RedisServer
from tests.faults.load import SITE, THREAD, THREAD_URL, load_policy, prepare
from tests.faults.records import Ledger, OutboxRow

CHANNEL = f"comments:events:moderation:{SITE}"
HELD = 6


@asynccontextmanager
async def moderation_channel(url: str) -> AsyncIterator[list[dict[str, object]]]:
    """Every message on the site's moderation channel, collected from before the dispatch."""
    client = redis.asyncio.Redis.from_url(url, decode_responses=True)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    messages: list[dict[str, object]] = []
    await pubsub.subscribe(CHANNEL)
    confirmed = await client.pubsub_numsub(CHANNEL)
    assert confirmed == [(CHANNEL, 1)], confirmed

    async def collect() -> None:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                messages.append(json.loads(message["data"]))

    task = asyncio.create_task(collect())
    try:
        yield messages
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


def rows_for(outbox: list[OutboxRow], ids: list[str]) -> dict[str, list[OutboxRow]]:
    """The outbox rows whose payload names each comment."""
    return {cid: [row for row in outbox if cid in row.payload] for cid in ids}


async def post_held(url: str, token: str) -> list[str]:
    """Post held comments (the site premoderates all) and answer their ids."""
    ids = []
    async with httpx.AsyncClient(timeout=5) as client:
        for number in range(HELD):
            response = await client.post(
                f"{url}/api/v1/sites/{SITE}/comments",
                json={
                    "thread": THREAD,
                    "body": f"Held for review {number}.",
                    "thread_url": THREAD_URL,
                },
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )
            assert response.status_code == 201, response.text
            assert response.json()["status"] == "pending", response.text
            ids.append(response.json()["id"])
    return ids


@pytest.mark.parametrize("dispatcher", ["worker", "instance"])
async def test_outbox_left_by_a_killed_instance_is_delivered_by_the_next_dispatcher(
    dispatcher: str,
    fleet: Fleet,
    fault_db: FaultDatabase,
    restartable_redis: RedisServer,
    ledger: Ledger,
) -> None:
    setup = await prepare(fault_db.url, restartable_redis.url, load_policy(premoderation="all"))
    writer = fleet.serve("app-a", COMMENTS_WORKER="external")
    ids = await post_held(writer.url, setup.readers[0].token)
    await asyncio.to_thread(writer.kill)

    waiting = rows_for(await ledger.outbox(), ids)
    missing = [cid for cid, rows in waiting.items() if not rows]
    assert not missing, fleet.explain(f"comments committed without an outbox row: {missing}")
    delivered = [row.id for rows in waiting.values() for row in rows if row.delivered_at]
    assert not delivered, fleet.explain(f"dispatched by an external-worker instance: {delivered}")

    async with moderation_channel(restartable_redis.url) as messages:
        if dispatcher == "worker":
            fleet.worker("worker")
        else:
            fleet.serve("app-b")

        def announced() -> set[str]:
            seen: set[str] = set()
            for message in messages:
                if message.get("event") == "queue.added":
                    text = json.dumps(message.get("data"))
                    seen.update(cid for cid in ids if cid in text)
            return seen

        deadline = time.monotonic() + 15
        while True:
            outbox = await ledger.outbox()
            undelivered = [row for row in outbox if row.delivered_at is None]
            if not undelivered and announced() == set(ids):
                break
            assert time.monotonic() < deadline, fleet.explain(
                f"after 15 s: {len(undelivered)} of {len(outbox)} outbox rows undelivered"
                f" ({sorted({r.kind for r in undelivered})}); announced"
                f" {len(announced())} of {len(ids)} held comments; {len(messages)} messages"
            )
            await asyncio.sleep(0.05)
