"""Webhook endpoints and their delivery log on SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from comments.storage import NO_EFFECTS, Effects, OutboxItem, Webhook, WebhookDelivery
from comments.storage.schema import outbox, webhook_deliveries, webhooks
from comments.storage.sql_base import SqlBase


def _hook(row: RowMapping) -> Webhook:
    return Webhook(
        id=row["id"],
        site=row["site"],
        url=row["url"],
        events=tuple(row["events"]),
        secret=row["secret"],
        previous_secret=row["previous_secret"],
        previous_until=row["previous_until"],
        enabled=bool(row["enabled"]),
        failures=int(row["failures"]),
        created_at=row["created_at"],
    )


def _delivery(row: RowMapping) -> WebhookDelivery:
    return WebhookDelivery(
        id=row["id"],
        webhook_id=row["webhook_id"],
        message_id=row["message_id"],
        event=row["event"],
        payload=dict(row["payload"]),
        status="delivered" if row["status"] == "delivered" else "failed",
        response_code=row["response_code"],
        latency_ms=row["latency_ms"],
        attempt=int(row["attempt"]),
        error=row["error"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
    )


class WebhookQueries(SqlBase):
    """Endpoints, their secrets, and what was sent to them."""

    async def add_webhook(self, hook: Webhook, limit: int, effects: Effects = NO_EFFECTS) -> bool:
        """Add it (with its audit row) unless the site has `limit` endpoints already."""
        count = select(func.count()).where(webhooks.c.site == hook.site)
        async with self._engine.begin() as conn:
            if int((await conn.execute(count)).scalar_one()) >= limit:
                return False
            await conn.execute(
                insert(webhooks).values(
                    id=hook.id,
                    site=hook.site,
                    url=hook.url,
                    events=list(hook.events),
                    secret=hook.secret,
                    previous_secret=None,
                    previous_until=None,
                    enabled=hook.enabled,
                    failures=0,
                    created_at=hook.created_at,
                )
            )
            await self._effects(conn, effects)
        return True

    async def webhooks(self, site: str) -> list[Webhook]:
        """The site's endpoints, oldest first."""
        stmt = select(webhooks).where(webhooks.c.site == site).order_by(webhooks.c.id)
        async with self._engine.connect() as conn:
            return [_hook(row) for row in (await conn.execute(stmt)).mappings()]

    async def get_webhook(self, webhook_id: str) -> Webhook | None:
        """One endpoint."""
        stmt = select(webhooks).where(webhooks.c.id == webhook_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return _hook(row) if row is not None else None

    async def delete_webhook(
        self, site: str, webhook_id: str, effects: Effects = NO_EFFECTS
    ) -> bool:
        """Remove it and its log; False when the site has no such endpoint."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(webhook_deliveries).where(webhook_deliveries.c.webhook_id == webhook_id)
            )
            done = await conn.execute(
                delete(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.site == site)
            )
            if done.rowcount:
                await self._effects(conn, effects)
        return bool(done.rowcount)

    async def rotate_webhook(
        self,
        webhook_id: str,
        secret: str,
        previous: str,
        previous_until: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> None:
        """Sign with a new secret, and with the old one until `previous_until`."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(webhooks)
                .where(webhooks.c.id == webhook_id)
                .values(secret=secret, previous_secret=previous, previous_until=previous_until)
            )
            await self._effects(conn, effects)

    async def enable_webhook(self, webhook_id: str, effects: Effects = NO_EFFECTS) -> None:
        """Switch it back on with no failures counted."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(webhooks).where(webhooks.c.id == webhook_id).values(enabled=True, failures=0)
            )
            await self._effects(conn, effects)

    async def log_delivery(
        self, delivery: WebhookDelivery, disable_after: int, on_disable: Effects = NO_EFFECTS
    ) -> bool:
        """Record an attempt and count failures in a row (disabling the endpoint after
        `disable_after`, with `on_disable` in that same commit); answers whether the
        endpoint is still enabled."""
        ok = delivery.status == "delivered"
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(webhook_deliveries).values(
                    id=delivery.id,
                    webhook_id=delivery.webhook_id,
                    message_id=delivery.message_id,
                    event=delivery.event,
                    payload=delivery.payload,
                    status=delivery.status,
                    response_code=delivery.response_code,
                    latency_ms=delivery.latency_ms,
                    attempt=delivery.attempt,
                    error=(delivery.error or "")[:500] or None,
                    created_at=delivery.created_at,
                    delivered_at=delivery.delivered_at,
                )
            )
            where = webhooks.c.id == delivery.webhook_id
            if ok:
                await conn.execute(update(webhooks).where(where).values(failures=0))
            else:
                await conn.execute(
                    update(webhooks).where(where).values(failures=webhooks.c.failures + 1)
                )
                disabled = await conn.execute(
                    update(webhooks)
                    .where(where, webhooks.c.enabled, webhooks.c.failures >= disable_after)
                    .values(enabled=False)
                )
                if disabled.rowcount:  # this attempt switched it off: said once, with it
                    await self._effects(conn, on_disable)
            enabled = (
                await conn.execute(select(webhooks.c.enabled).where(where))
            ).scalar_one_or_none()
        return bool(enabled)

    async def deliveries(
        self, webhook_id: str, before_id: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """The endpoint's attempts, newest first."""
        stmt = select(webhook_deliveries).where(webhook_deliveries.c.webhook_id == webhook_id)
        if before_id is not None:
            stmt = stmt.where(webhook_deliveries.c.id < before_id)
        stmt = stmt.order_by(webhook_deliveries.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            return [_delivery(row) for row in (await conn.execute(stmt)).mappings()]

    async def get_delivery(self, delivery_id: str) -> WebhookDelivery | None:
        """One attempt."""
        stmt = select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return _delivery(row) if row is not None else None

    async def enqueue(self, items: list[OutboxItem]) -> None:
        """Commit outbox rows on their own, ignoring ids already there (a repeated fan-out)."""
        if not items:
            return
        async with self._engine.begin() as conn:
            for item in items:
                await conn.execute(
                    self._insert_ignore(
                        outbox,
                        {
                            "id": item.id,
                            "site": item.site,
                            "kind": item.kind,
                            "payload": item.payload,
                            "created_at": item.created_at,
                            "next_at": item.created_at,
                        },
                    )
                )

    async def prune_deliveries(self, before: datetime) -> int:
        """Forget delivery attempts older than this; answers how many."""
        async with self._engine.begin() as conn:
            done = await conn.execute(
                delete(webhook_deliveries).where(webhook_deliveries.c.created_at < before)
            )
        return int(done.rowcount)
