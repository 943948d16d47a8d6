"""Redis killed and started again under a write load: posts and reads go on, nothing lost.

The site's rate limits stay on (set far above what the load posts) so that every
post consults them: with Redis gone they must fall back to per-process counting,
not refuse the post.
"""

from __future__ import annotations

import asyncio

import httpx2 as httpx

from tests.faults.apps import Fleet
from tests.faults.cluster import FaultDatabase, RedisServer
from tests.faults.load import SITE, THREAD, Load, load_policy, prepare
from tests.faults.records import Ledger, lost_or_doubled


async def test_posts_go_on_while_redis_is_down_and_none_is_lost(
    fleet: Fleet, fault_db: FaultDatabase, restartable_redis: RedisServer, ledger: Ledger
) -> None:
    generous = load_policy(
        rate_per_minute=1000,
        rate_per_hour=10_000,
        ip_rate_per_hour=100_000,
        surge_per_minute=10_000,
    )
    setup = await prepare(fault_db.url, restartable_redis.url, generous)
    app = fleet.serve("app")
    async with Load([app.url], setup.readers, max_seconds=25, explain=fleet.explain) as load:
        await load.warm_up()
        load.start()
        await load.until(lambda: load.acked_in("before") >= 16, "16 posts before the fault")

        await asyncio.to_thread(restartable_redis.kill)
        load.set_phase("redis down")
        await load.until(lambda: load.answered_in("redis down") >= 24, "24 posts with Redis down")
        async with httpx.AsyncClient(timeout=4) as client:
            page = await client.get(
                f"{app.url}/api/v1/sites/{SITE}/comments", params={"thread": THREAD}
            )
        assert page.status_code == 200, fleet.explain(f"a read with Redis down: {page.text}")
        assert page.json()["comments"], fleet.explain("the thread reads empty with Redis down")

        load.set_phase("restarting")
        await asyncio.to_thread(restartable_redis.restart)
        await app.until_healthy()
        load.set_phase("after")
        await load.until(lambda: load.answered_in("after") >= 24, "24 posts after the restart")

    refused = [a for a in load.in_phase("redis down") if a.status != 201]
    assert not refused, fleet.explain(f"posts refused while Redis was down:\n{load.summary()}")
    errors = [a for a in load.attempts if a.status != 201]
    assert not errors, fleet.explain(f"requests that did not succeed:\n{load.summary()}")
    assert not load.abandoned, fleet.explain(f"keys never acknowledged:\n{load.summary()}")
    problems = lost_or_doubled(load.acks, await ledger.comments(), THREAD)
    assert not problems, fleet.explain("\n".join(problems[:20]))
