"""One of two app instances killed under load: clients fail over with the same key."""

from __future__ import annotations

import asyncio

from tests.faults.apps import Fleet
from tests.faults.cluster import FaultDatabase, RedisServer
from tests.faults.load import THREAD, Load, load_policy, prepare
from tests.faults.records import Ledger, lost_or_doubled


async def test_killing_one_of_two_instances_loses_and_doubles_nothing(
    fleet: Fleet, fault_db: FaultDatabase, restartable_redis: RedisServer, ledger: Ledger
) -> None:
    setup = await prepare(fault_db.url, restartable_redis.url, load_policy())
    doomed, survivor = fleet.serve("app-a"), fleet.serve("app-b")
    async with Load(
        [doomed.url, survivor.url], setup.readers, max_seconds=25, explain=fleet.explain
    ) as load:
        await load.warm_up()
        load.start()
        await load.until(lambda: load.acked_in("before") >= 16, "16 posts on two instances")
        await asyncio.to_thread(doomed.kill)
        load.set_phase("one killed")
        await load.until(lambda: load.acked_in("one killed") >= 24, "24 posts on the survivor")

    assert survivor.alive, fleet.explain("the survivor died")
    server_errors = [a for a in load.attempts if a.status is not None and a.status >= 500]
    assert not [a for a in server_errors if a.status != 503], fleet.explain(
        f"5xx other than 503:\n{load.summary()}"
    )
    answered = [a for a in load.attempts if a.status is not None]
    assert all(a.status in (201, 503) for a in answered), fleet.explain(load.summary())
    failed_over = [a for a in load.acks if a.phase == "one killed" and a.tries > 1]
    assert failed_over, fleet.explain(f"no client had to fail over:\n{load.summary()}")
    assert not load.abandoned, fleet.explain(f"keys never acknowledged:\n{load.summary()}")
    problems = lost_or_doubled(load.acks, await ledger.comments(), THREAD)
    assert not problems, fleet.explain("\n".join(problems[:20]))
