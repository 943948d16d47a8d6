"""The moderators' side of storage: queues, decisions, bans, per-thread switches, the audit log."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select, update
from sqlalchemy.sql import ColumnElement

from comments.models import AuditEntry, AuthorStats, Ban, Comment, CommentRow, Thread
from comments.storage import NO_EFFECTS, BanWrite, Effects, QueueQuery, ThreadChange
from comments.storage.schema import audit, bans, comments, reports, sessions, threads, users
from comments.storage.sql_base import SqlBase, joined_comments, row_of, thread_of_row


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def in_queue(queue: str, report_threshold: int) -> ColumnElement[bool]:
    """Which comments a queue holds; `reported` is published ones with unreviewed reports."""
    if queue == "reported":
        return and_(
            comments.c.status == "approved",
            comments.c.report_count > comments.c.reviewed_reports,
            comments.c.report_count >= report_threshold,
        )
    return comments.c.status == queue


def _ban(row: Any) -> Ban:
    return Ban(
        site=row["site"],
        user_id=row["user_id"],
        until=row["until"],
        shadow=bool(row["shadow"]),
        reason=row["reason"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


class ModerationQueries(SqlBase):
    """Queue reads and guarded writes for moderators."""

    async def queue(self, query: QueueQuery) -> tuple[list[CommentRow], str | None]:
        """One page of a queue, oldest first; answers the rows and the next cursor id."""
        stmt = joined_comments(literal(0)).where(
            comments.c.site == query.site, in_queue(query.queue, query.report_threshold)
        )
        if query.thread_key is not None:
            stmt = stmt.where(threads.c.key == query.thread_key)
        if query.author_id is not None:
            stmt = stmt.where(comments.c.author_id == query.author_id)
        if query.reason_code is not None:
            stmt = stmt.where(comments.c.reason_codes.like(_like(f",{query.reason_code},")))
        if query.text:
            stmt = stmt.where(comments.c.body.like(_like(query.text), escape="\\"))
        if query.cursor_id is not None:
            stmt = stmt.where(comments.c.id > query.cursor_id)
        stmt = stmt.order_by(comments.c.id.asc()).limit(query.limit + 1)
        async with self._engine.connect() as conn:
            rows = [row_of(r) for r in (await conn.execute(stmt)).mappings()]
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        return rows, rows[-1].comment.id if more and rows else None

    async def queue_counts(self, site: str, report_threshold: int) -> dict[str, int]:
        """How many comments wait in each queue (by status on the index, then reports)."""
        by_status = (
            select(comments.c.status, func.count())
            .where(comments.c.site == site)
            .group_by(comments.c.status)
        )
        reported = select(func.count()).where(
            comments.c.site == site, in_queue("reported", report_threshold)
        )
        async with self._engine.connect() as conn:
            counts = {status: int(n) for status, n in (await conn.execute(by_status)).all()}
            flagged = int((await conn.execute(reported)).scalar_one())
        found = {name: counts.get(name, 0) for name in ("pending", "rejected", "approved")}
        return {
            "pending": found["pending"],
            "reported": flagged,
            "rejected": found["rejected"],
            "approved": found["approved"],
        }

    async def oldest_pending(self, site: str) -> datetime | None:
        """When the comment waiting longest was written."""
        # Ids sort by time: the first pending id on the index is the oldest.
        stmt = (
            select(comments.c.created_at)
            .where(comments.c.site == site, comments.c.status == "pending")
            .order_by(comments.c.id)
            .limit(1)
        )
        async with self._engine.connect() as conn:
            value = (await conn.execute(stmt)).scalar()
        return value if isinstance(value, datetime) else None

    async def author_stats(self, site: str, author_ids: list[str]) -> dict[str, AuthorStats]:
        """Approved and rejected counts and first comment, per author on the site."""
        if not author_ids:
            return {}
        stmt = (
            select(
                comments.c.author_id,
                func.sum(case((comments.c.status == "approved", 1), else_=0)),
                func.sum(case((comments.c.status == "rejected", 1), else_=0)),
                func.min(comments.c.created_at),
            )
            .where(comments.c.site == site, comments.c.author_id.in_(set(author_ids)))
            .group_by(comments.c.author_id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return {
            author: AuthorStats(int(ok or 0), int(bad or 0), first)
            for author, ok, bad, first in rows
        }

    async def reports_of(self, comment_ids: list[str]) -> dict[str, list[tuple[str, str | None]]]:
        """Every report's reason and note, per comment."""
        found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        if not comment_ids:
            return found
        stmt = (
            select(reports.c.comment_id, reports.c.reason, reports.c.note)
            .where(reports.c.comment_id.in_(set(comment_ids)))
            .order_by(reports.c.created_at)
        )
        async with self._engine.connect() as conn:
            for comment_id, reason, note in (await conn.execute(stmt)).all():
                found[comment_id].append((reason, note))
        return found

    async def comment_rows(self, comment_ids: list[str]) -> dict[str, CommentRow]:
        """Comments with their authors, by id, whatever their status."""
        if not comment_ids:
            return {}
        stmt = joined_comments(literal(0)).where(comments.c.id.in_(set(comment_ids)))
        async with self._engine.connect() as conn:
            return {r["id"]: row_of(r) for r in (await conn.execute(stmt)).mappings()}

    async def decide(
        self,
        comment_id: str,
        *,
        to_status: str,
        from_status: str,
        unreviewed_reports: bool,
        actor_id: str,
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> Comment | None:
        """Move a comment from the status the moderator saw; None when it moved already
        (and then nothing, not even the effects, is written)."""
        guard = [comments.c.id == comment_id, comments.c.status == from_status]
        if unreviewed_reports:
            guard.append(comments.c.report_count > comments.c.reviewed_reports)
        unpinned = {} if to_status == "approved" else {"featured_at": None, "featured_by": None}
        stmt = (
            update(comments)
            .where(*guard)
            .values(
                status=to_status,
                decided_by=actor_id,
                decided_at=now,
                reviewed_reports=comments.c.report_count,
                **unpinned,  # a rejected or requeued comment is no longer featured
            )
        )
        async with self._engine.begin() as conn:
            if (await conn.execute(stmt)).rowcount != 1:
                return None
            await self._effects(conn, effects)
            return await self._get_comment(conn, comment_id)

    async def pending_ids_of(self, site: str, author_id: str) -> list[str]:
        """The ids of everything the author has waiting on the site."""
        stmt = select(comments.c.id).where(
            comments.c.site == site,
            comments.c.author_id == author_id,
            comments.c.status == "pending",
        )
        async with self._engine.connect() as conn:
            return list((await conn.execute(stmt)).scalars())

    async def ban(self, write: BanWrite) -> list[str]:
        """Put a ban, end sessions, reject what was waiting; answers the rejected ids."""
        ban = write.ban
        async with self._engine.begin() as conn:
            await self._effects(conn, write.effects)
            await conn.execute(
                delete(bans).where(bans.c.site == ban.site, bans.c.user_id == ban.user_id)
            )
            await conn.execute(
                insert(bans).values(
                    site=ban.site,
                    user_id=ban.user_id,
                    until=ban.until,
                    shadow=ban.shadow,
                    reason=ban.reason,
                    created_by=ban.created_by,
                    created_at=ban.created_at,
                )
            )
            if write.revoke_sessions:
                await conn.execute(
                    update(sessions)
                    .where(
                        sessions.c.user_id == ban.user_id,
                        sessions.c.site == ban.site,
                        sessions.c.revoked_at.is_(None),
                    )
                    .values(revoked_at=ban.created_at)
                )
            # A shadow ban hides what the user already wrote here too; any other ban (or
            # lifting one) shows it again.
            await conn.execute(
                update(comments)
                .where(comments.c.site == ban.site, comments.c.author_id == ban.user_id,
                       comments.c.shadowed.is_not(ban.shadow))
                .values(shadowed=ban.shadow)
            )  # fmt: skip
            rejected: list[str] = []
            if write.reject_ids:
                done = await conn.execute(
                    update(comments)
                    .where(comments.c.id.in_(write.reject_ids), comments.c.status == "pending")
                    .values(status="rejected", decided_by=ban.created_by, decided_at=ban.created_at)
                    .returning(comments.c.id)
                )
                moved = set(done.scalars())  # a comment decided meanwhile stays as it is
                rejected = [comment_id for comment_id in write.reject_ids if comment_id in moved]
        return rejected

    async def get_ban(self, site: str, user_id: str) -> Ban | None:
        """The user's ban on the site, active or lapsed."""
        stmt = select(bans).where(bans.c.site == site, bans.c.user_id == user_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return _ban(row) if row else None

    async def bans_of(self, site: str, user_ids: list[str]) -> dict[str, Ban]:
        """The bans of these users on the site, active or lapsed."""
        if not user_ids:
            return {}
        stmt = select(bans).where(bans.c.site == site, bans.c.user_id.in_(set(user_ids)))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return {row["user_id"]: _ban(row) for row in rows}

    async def list_bans(self, site: str) -> list[tuple[Ban, str | None]]:
        """The site's bans, newest first, with each user's name."""
        stmt = (
            select(bans, users.c.name.label("user_name"))
            .select_from(bans.outerjoin(users, users.c.id == bans.c.user_id))
            .where(bans.c.site == site)
            .order_by(bans.c.created_at.desc())
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [(_ban(row), row["user_name"]) for row in rows]

    async def delete_ban(self, site: str, user_id: str, effects: Effects = NO_EFFECTS) -> bool:
        """Lift a ban; False when there was none (and then nothing is written)."""
        stmt = delete(bans).where(bans.c.site == site, bans.c.user_id == user_id)
        async with self._engine.begin() as conn:
            if not (await conn.execute(stmt)).rowcount:
                return False
            await conn.execute(
                update(comments)
                .where(comments.c.site == site, comments.c.author_id == user_id,
                       comments.c.shadowed.is_(True))
                .values(shadowed=False)
            )  # fmt: skip
            await self._effects(conn, effects)
            return True

    async def record(self, effects: Effects) -> None:
        """Commit effects with no write beside them (the audit row of a refused attempt)."""
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)

    async def list_audit(
        self, site: str, before_id: str | None, limit: int
    ) -> list[tuple[AuditEntry, str | None]]:
        """Newest entries first, with the actor's name."""
        stmt = (
            select(audit, users.c.name.label("actor_name"))
            .select_from(audit.outerjoin(users, users.c.id == audit.c.actor_id))
            .where(audit.c.site == site)
            .order_by(audit.c.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            stmt = stmt.where(audit.c.id < before_id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [
            (
                AuditEntry(
                    id=row["id"],
                    site=row["site"],
                    actor_id=row["actor_id"],
                    action=row["action"],
                    created_at=row["created_at"],
                    comment_id=row["comment_id"],
                    user_id=row["user_id"],
                    reason=row["reason"],
                    details=row["details"],
                ),
                row["actor_name"],
            )
            for row in rows
        ]

    async def change_thread(
        self, site: str, key: str, change: ThreadChange, effects: Effects = NO_EFFECTS
    ) -> Thread | None:
        """Set a thread's switches; None when nobody commented on it yet (nothing written)."""
        where = [threads.c.site == site, threads.c.key == key]
        async with self._engine.begin() as conn:
            if change.values():
                await conn.execute(update(threads).where(*where).values(**change.values()))
            row = (await conn.execute(select(threads).where(*where))).mappings().first()
            if row is None:
                return None
            await self._effects(conn, effects)
        return thread_of_row(row)
