"""The outbox and the idempotency records on SQL.

Rows are leased, not locked: a dispatcher sets `lease_until` on the rows it takes, in
one UPDATE whose WHERE re-checks the lease, so two dispatchers (two instances) never
both take a row, and a row taken by an instance that died is taken again once its
lease runs out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, delete, func, or_, select, update

from comments.storage import Backlog, DueOutbox, OutboxItem, Remembered, SiteBacklog
from comments.storage.schema import comments, idempotency, outbox
from comments.storage.sql_base import SqlBase


class OutboxQueries(SqlBase):
    """Delivery bookkeeping."""

    async def remembered(self, user_id: str, key: str) -> Remembered | None:
        """The first answer given to this user's request with this key."""
        stmt = select(idempotency).where(idempotency.c.user_id == user_id, idempotency.c.key == key)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        if row is None:
            return None
        return Remembered(
            user_id=row["user_id"],
            key=row["key"],
            scope=row["scope"],
            fingerprint=row["fingerprint"],
            result=dict(row["result"]),
            created_at=row["created_at"],
        )

    async def lease_outbox(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueOutbox]:
        """Take due, undelivered rows for one dispatcher until `lease_until`.

        On PostgreSQL the SELECT locks the rows it picks and skips rows another
        dispatcher's lease transaction holds (`FOR UPDATE SKIP LOCKED`), so concurrent
        workers take disjoint rows without queueing behind each other; SQLite, with one
        writer at a time, compiles the clause away. The UPDATE still re-checks the lease.
        """
        free = and_(
            outbox.c.delivered_at.is_(None),
            outbox.c.failed_at.is_(None),
            outbox.c.next_at <= now,
            or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
        )
        due = (
            select(outbox.c.id)
            .where(free)
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._engine.begin() as conn:
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(ids), free)
                .values(lease_until=lease_until, attempts=outbox.c.attempts + 1)
            )
            taken = (
                await conn.execute(
                    select(outbox)
                    .where(outbox.c.id.in_(ids), outbox.c.lease_until == lease_until)
                    .order_by(outbox.c.id)
                )
            ).mappings()
            return [
                DueOutbox(
                    item=OutboxItem(
                        id=row["id"],
                        site=row["site"],
                        kind=row["kind"],
                        payload=dict(row["payload"]),
                        created_at=row["created_at"],
                    ),
                    attempts=int(row["attempts"]),
                )
                for row in taken
            ]

    async def outbox_done(self, ids: list[str], now: datetime) -> None:
        """Mark rows delivered."""
        if not ids:
            return
        async with self._engine.begin() as conn:
            await conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(ids))
                .values(delivered_at=now, lease_until=None, last_error=None)
            )

    async def outbox_retry(
        self, item_id: str, next_at: datetime | None, error: str, now: datetime
    ) -> None:
        """Try a row again at `next_at`; None gives up on it (kept, marked failed)."""
        values: dict[str, object] = {"lease_until": None, "last_error": error[:500]}
        if next_at is None:
            values["failed_at"] = now
        else:
            values["next_at"] = next_at
        async with self._engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    async def prune(self, delivered_before: datetime, keys_before: datetime) -> tuple[int, int]:
        """Drop delivered rows and idempotency records older than these; answers how many."""
        async with self._engine.begin() as conn:
            rows = await conn.execute(
                delete(outbox).where(
                    outbox.c.delivered_at.is_not(None), outbox.c.delivered_at < delivered_before
                )
            )
            keys = await conn.execute(
                delete(idempotency).where(idempotency.c.created_at < keys_before)
            )
        return rows.rowcount, keys.rowcount

    async def outbox_pending(self) -> int:
        """How many rows wait for delivery (for health and tests)."""
        stmt = select(func.count()).where(
            outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None)
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def backlog(self, now: datetime) -> Backlog:
        """Outbox rows waiting and the oldest one due; the pending queue of each site.

        One grouped query over the (site, status) index: only sites with something
        pending have a row, so the answer stays as small as the backlog.
        """
        waiting = and_(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))
        due = select(
            func.count(),
            func.min(case((outbox.c.next_at <= now, outbox.c.next_at), else_=None)),
        ).where(waiting)
        queues = (
            select(comments.c.site, func.count(), func.min(comments.c.created_at))
            .where(comments.c.status == "pending")
            .group_by(comments.c.site)
        )
        async with self._engine.connect() as conn:
            count, oldest = (await conn.execute(due)).one()
            rows = (await conn.execute(queues)).all()
        return Backlog(
            outbox_pending=int(count),
            outbox_oldest_due=oldest,
            queues=tuple(SiteBacklog(site, int(n), first) for site, n, first in rows),
        )
