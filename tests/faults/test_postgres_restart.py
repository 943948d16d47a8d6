"""PostgreSQL stopped (as in a crash) and started again under a write load.

Clients see 201 or 503 with Retry-After, nothing else; retrying each key after the
database is back ends as exactly one comment per key, and nothing is half-written.
"""

from __future__ import annotations

import asyncio

from tests.faults.apps import Fleet
from tests.faults.cluster import FaultDatabase, PostgresCluster, RedisServer
from tests.faults.load import THREAD, Load, load_policy, prepare
from tests.faults.records import Ledger, doubled_bodies, half_written, lost_or_doubled

SUSPECT = "kumquat"  # a suspect word: every third reader's comments are held for review


async def test_database_crash_answers_503_and_every_retried_key_ends_as_one_comment(
    fleet: Fleet,
    fault_db: FaultDatabase,
    restartable_redis: RedisServer,
    fault_pg: PostgresCluster,
    ledger: Ledger,
) -> None:
    policy = load_policy(suspect_words=(SUSPECT,), suspect_action="hold")
    setup = await prepare(fault_db.url, restartable_redis.url, policy, word_every=3, word=SUSPECT)
    app = fleet.serve("app")
    async with Load([app.url], setup.readers, max_seconds=25, explain=fleet.explain) as load:
        await load.warm_up()
        load.start()
        await load.until(lambda: load.acked_in("before") >= 16, "16 posts before the fault")

        load.set_phase("database down")
        await asyncio.to_thread(fault_pg.stop, "immediate")
        await load.until(
            lambda: load.answered_in("database down") >= 16, "16 answers with the database down"
        )
        load.set_phase("restarting")
        await asyncio.to_thread(fault_pg.start)
        await app.until_healthy()
        load.set_phase("after")
        await load.until(lambda: load.acked_in("after") >= 16, "16 posts after the restart")

    wrong = [
        a
        for a in load.attempts
        if not (a.status == 201 or (a.status == 503 and a.code == "unavailable" and a.retry_after))
    ]
    assert not wrong, fleet.explain(
        f"answers other than 201, or 503 with Retry-After:\n{load.summary()}"
    )
    steady = [a for a in load.in_phase("before") if a.within_one_phase and a.status != 201]
    assert not steady, fleet.explain(f"refusals while the database was up:\n{load.summary()}")
    assert any(a.status == 503 for a in load.in_phase("database down")), fleet.explain(
        f"no 503 while the database was down: was it?\n{load.summary()}"
    )
    assert not load.abandoned, fleet.explain(f"keys never acknowledged:\n{load.summary()}")

    stored = await ledger.comments()
    problems = lost_or_doubled(load.acks, stored, THREAD)
    problems += doubled_bodies(load.abandoned.values(), stored)
    problems += half_written(stored, await ledger.outbox(), await ledger.audited_comments())
    assert any(c.status == "pending" for c in stored), "the load held no comment for review"
    assert not problems, fleet.explain("\n".join(problems[:20]))
