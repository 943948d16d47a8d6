"""E-mail choices, confirmed addresses, notices waiting to be mailed, and failed outbox rows.

A batch of notices is sealed in one transaction with the outbox row that mails it: the
UPDATE re-checks `mailed_at IS NULL`, so of two workers sealing the same batch one
writes everything and the other nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, select, update

from comments.storage import Channel, Effects, FailedItem, Notice, NotificationPrefs
from comments.storage.schema import comments, mail_notices, notification_prefs, outbox, roles
from comments.storage.schema import users as users_table
from comments.storage.sql_base import SqlBase


class _Sealed(Exception):
    """Another worker sealed part of the batch: roll back."""


class NoticeQueries(SqlBase):
    """The notifications aggregate."""

    async def notification_prefs(self, user_id: str, site: str) -> NotificationPrefs | None:
        """The stored choices, None when the person never chose."""
        stmt = select(notification_prefs).where(
            notification_prefs.c.user_id == user_id, notification_prefs.c.site == site
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        if row is None:
            return None
        return NotificationPrefs(
            user_id=row["user_id"],
            site=row["site"],
            replies=bool(row["replies"]),
            decisions=bool(row["decisions"]),
            alerts=bool(row["alerts"]),
        )

    async def set_notification_prefs(
        self, prefs: NotificationPrefs, now: datetime, *, clear_asks: bool = False
    ) -> None:
        """Store the choices; `clear_asks` also withdraws every per-comment ask for replies."""
        values = {"replies": prefs.replies, "decisions": prefs.decisions, "alerts": prefs.alerts}
        key = and_(
            notification_prefs.c.user_id == prefs.user_id, notification_prefs.c.site == prefs.site
        )
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(
                    notification_prefs,
                    {"user_id": prefs.user_id, "site": prefs.site, "updated_at": now} | values,
                )
            )
            await conn.execute(
                update(notification_prefs).where(key).values(updated_at=now, **values)
            )
            if clear_asks:
                await conn.execute(
                    update(comments)
                    .where(
                        comments.c.author_id == prefs.user_id,
                        comments.c.site == prefs.site,
                        comments.c.notify.is_(True),
                    )
                    .values(notify=False)
                )

    async def set_email(self, user_id: str, email: str) -> None:
        """Record a confirmed address on the account."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(users_table).where(users_table.c.id == user_id).values(email=email)
            )

    async def add_notices(self, notices: list[Notice]) -> None:
        """Store notices, ignoring ids already there (a repeated fan-out)."""
        if not notices:
            return
        async with self._engine.begin() as conn:
            for notice in notices:
                await conn.execute(
                    self._insert_ignore(
                        mail_notices,
                        {
                            "id": notice.id,
                            "recipient": notice.recipient,
                            "site": notice.site,
                            "channel": notice.channel,
                            "kind": notice.kind,
                            "comment_id": notice.comment_id,
                            "note": notice.note,
                            "created_at": notice.created_at,
                        },
                    )
                )

    async def due_batches(self, since: datetime, limit: int) -> list[tuple[str, str, Channel]]:
        """(recipient, site, channel) with notices waiting and none mailed after `since`."""
        group = (mail_notices.c.recipient, mail_notices.c.site, mail_notices.c.channel)
        waiting = (
            select(*group).where(mail_notices.c.mailed_at.is_(None)).group_by(*group).limit(limit)
        )
        async with self._engine.connect() as conn:
            found = [(r, s, c) for r, s, c in (await conn.execute(waiting)).all()]
            if not found:
                return []
            recipients = {r for r, _, _ in found}
            recent = select(*group).where(
                mail_notices.c.mailed_at > since, mail_notices.c.recipient.in_(recipients)
            )
            busy = {(r, s, c) for r, s, c in (await conn.execute(recent.distinct())).all()}
        return [batch for batch in found if batch not in busy]

    async def waiting_notices(self, recipient: str, site: str, channel: Channel) -> list[Notice]:
        """The batch: notices not mailed yet, oldest first."""
        stmt = (
            select(mail_notices)
            .where(
                mail_notices.c.recipient == recipient,
                mail_notices.c.site == site,
                mail_notices.c.channel == channel,
                mail_notices.c.mailed_at.is_(None),
            )
            .order_by(mail_notices.c.id)
            .limit(500)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [
            Notice(
                id=row["id"],
                recipient=row["recipient"],
                site=row["site"],
                channel=row["channel"],
                kind=row["kind"],
                comment_id=row["comment_id"],
                created_at=row["created_at"],
                note=row["note"],
            )
            for row in rows
        ]

    async def seal_batch(
        self, notice_ids: list[str], mail_id: str, now: datetime, effects: Effects
    ) -> bool:
        """Mark the notices mailed as `mail_id` and commit the outbox rows that send it,
        together; False (nothing written) when another worker sealed one of them first."""
        try:
            async with self._engine.begin() as conn:
                done = await conn.execute(
                    update(mail_notices)
                    .where(mail_notices.c.id.in_(notice_ids), mail_notices.c.mailed_at.is_(None))
                    .values(mailed_at=now, mail_id=mail_id)
                )
                if done.rowcount != len(notice_ids):
                    raise _Sealed
                await self._effects(conn, effects)
        except _Sealed:
            return False
        return True

    async def staff_ids(self, site: str) -> list[str]:
        """Everyone with a role on the site."""
        stmt = select(roles.c.user_id).where(roles.c.site == site).distinct()
        async with self._engine.connect() as conn:
            return sorted(str(r) for r in (await conn.execute(stmt)).scalars())

    async def failed_items(self, site: str, limit: int) -> list[FailedItem]:
        """The site's outbox rows given up on, newest first."""
        stmt = (
            select(outbox)
            .where(outbox.c.site == site, outbox.c.failed_at.is_not(None))
            .order_by(outbox.c.failed_at.desc(), outbox.c.id.desc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [
            FailedItem(
                id=row["id"],
                site=row["site"],
                kind=row["kind"],
                attempts=int(row["attempts"]),
                last_error=row["last_error"],
                created_at=row["created_at"],
                failed_at=row["failed_at"],
                payload=dict(row["payload"]),
            )
            for row in rows
        ]

    async def retry_failed(self, site: str, item_id: str, now: datetime) -> bool:
        """Put a failed row back in line with fresh attempts; False when there is none."""
        async with self._engine.begin() as conn:
            done = await conn.execute(
                update(outbox)
                .where(
                    outbox.c.id == item_id, outbox.c.site == site, outbox.c.failed_at.is_not(None)
                )
                .values(failed_at=None, attempts=0, next_at=now, lease_until=None)
            )
        return bool(done.rowcount)

    async def prune_notices(self, before: datetime) -> int:
        """Forget notices mailed before this; answers how many."""
        async with self._engine.begin() as conn:
            done = await conn.execute(
                delete(mail_notices).where(
                    mail_notices.c.mailed_at.is_not(None), mail_notices.c.mailed_at < before
                )
            )
        return done.rowcount
