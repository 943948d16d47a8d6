"""Threads and comments on SQL: pages, replies, votes, reports, counts, screening facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.sql import ColumnElement, Select

from comments.models import Ban, Comment, CommentRow, Thread
from comments.storage import (
    NO_EFFECTS,
    CommentChange,
    CommentQuery,
    Cursor,
    Effects,
    FactsQuery,
    FeatureOutcome,
    FeatureWrite,
    NewCommentWrite,
    Page,
    StoredFacts,
    VoteValue,
)
from comments.storage.schema import bans, comments, reports, threads, votes
from comments.storage.sql_base import (
    SqlBase,
    joined_comments,
    new_thread_values,
    reason_codes,
    row_of,
    text_hash,
    thread_of_row,
    visible,
)


def _count(*where: ColumnElement[bool]) -> Any:
    return select(func.count()).select_from(comments).where(*where).scalar_subquery()


def pinned(table: Any) -> ColumnElement[bool]:
    """Featured as readers see it: a comment that left `approved` is no longer pinned."""
    return and_(table.c.featured_at.is_not(None), table.c.status == "approved")


class CommentQueries(SqlBase):
    """Reading and writing threads and comments."""

    async def get_thread(self, site: str, key: str) -> Thread | None:
        """The thread keyed `key` on the site."""
        query = select(threads).where(threads.c.site == site, threads.c.key == key)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return thread_of_row(row) if row else None

    async def get_thread_by_id(self, thread_id: str) -> Thread | None:
        """The thread with this id."""
        async with self._engine.connect() as conn:
            row = (
                (await conn.execute(select(threads).where(threads.c.id == thread_id)))
                .mappings()
                .first()
            )
        return thread_of_row(row) if row else None

    async def screening_facts(self, query: FactsQuery) -> StoredFacts:
        """The thread, the author's ban and record, duplicates and the thread's pace.

        One statement: a one-row table outer-joined to the thread and the ban, with the
        counts as scalar subqueries, so screening a post costs one round trip.
        """
        one = select(literal(1).label("one")).subquery()
        if query.thread_id is not None:
            match = threads.c.id == query.thread_id
        else:
            match = and_(threads.c.site == query.site, threads.c.key == (query.thread_key or ""))
        ban_match = and_(bans.c.site == query.site, bans.c.user_id == query.author_id)
        digest = text_hash(query.body) if query.duplicates_since is not None else ""
        zero = literal(0)
        same = [comments.c.site == query.site, comments.c.body_hash == digest]
        if query.duplicates_since is not None:
            same.append(comments.c.created_at >= query.duplicates_since)
        stmt = select(
            threads,
            bans.c.user_id.label("ban_user_id"),
            bans.c.until.label("ban_until"),
            bans.c.shadow.label("ban_shadow"),
            bans.c.reason.label("ban_reason"),
            bans.c.created_by.label("ban_created_by"),
            bans.c.created_at.label("ban_created_at"),
            _count(
                comments.c.site == query.site,
                comments.c.author_id == query.author_id,
                comments.c.status == "approved",
            ).label("approved"),
            (_count(*same, comments.c.author_id == query.author_id) if digest else zero).label(
                "dup_mine"
            ),
            (_count(*same) if digest else zero).label("dup_all"),
            (
                _count(
                    comments.c.thread_id == threads.c.id,
                    comments.c.created_at >= query.recent_since,
                )
                if query.recent_since is not None
                else zero
            ).label("recent"),
        ).select_from(one.outerjoin(threads, match).outerjoin(bans, ban_match))
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().one()
        thread = thread_of_row(row) if row["id"] is not None else None
        ban = None
        if row["ban_user_id"] is not None:
            ban = Ban(
                site=query.site,
                user_id=row["ban_user_id"],
                until=row["ban_until"],
                shadow=bool(row["ban_shadow"]),
                reason=row["ban_reason"],
                created_by=row["ban_created_by"],
                created_at=row["ban_created_at"],
            )
        mine, total = int(row["dup_mine"] or 0), int(row["dup_all"] or 0)
        return StoredFacts(
            thread=thread,
            ban=ban,
            author_approved=int(row["approved"] or 0),
            same_text_by_author=mine,
            same_text_by_others=total - mine,
            recent_in_thread=int(row["recent"] or 0),
        )

    async def add_comment(self, write: NewCommentWrite) -> Thread:
        """Insert the comment, creating its thread first when new; answers the thread."""
        thread, comment = write.thread, write.comment
        async with self._engine.begin() as conn:
            await self._effects(conn, write.effects)
            stored = thread
            if write.new_thread:
                await conn.execute(self._insert_ignore(threads, new_thread_values(thread)))
                where = and_(threads.c.site == thread.site, threads.c.key == thread.key)
                row = (await conn.execute(select(threads).where(where))).mappings().one()
                stored = thread_of_row(row)
            await conn.execute(
                insert(comments).values(
                    id=comment.id,
                    site=comment.site,
                    thread_id=stored.id,
                    parent_id=comment.parent_id,
                    root_id=comment.root_id,
                    depth=comment.depth,
                    author_id=comment.author_id,
                    body=comment.body,
                    html=comment.html,
                    status=comment.status,
                    reasons=list(comment.reasons),
                    score=comment.score,
                    report_count=comment.report_count,
                    created_at=comment.created_at,
                    edited_at=comment.edited_at,
                    reason_codes=reason_codes(comment.reasons),
                    shadowed=comment.shadowed,
                    body_hash=text_hash(comment.body),
                    notify=comment.notify,
                )
            )
            if write.thread_change is not None and write.thread_change.values():
                await conn.execute(
                    update(threads)
                    .where(threads.c.id == stored.id)
                    .values(**write.thread_change.values())
                )
        return stored

    async def get_comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, whatever its status."""
        async with self._engine.connect() as conn:
            return await self._get_comment(conn, comment_id)

    async def change_comment(
        self, comment_id: str, change: CommentChange, effects: Effects = NO_EFFECTS
    ) -> Comment:
        """Apply a change and answer the updated comment."""
        values: dict[str, object] = {
            name: getattr(change, name)
            for name in ("body", "html", "status", "edited_at")
            if getattr(change, name) is not None
        }
        if change.body is not None:
            values["body_hash"] = text_hash(change.body)
        if change.reasons is not None:
            values["reasons"] = list(change.reasons)
            values["reason_codes"] = reason_codes(change.reasons)
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)
            if change.status is not None and change.status != "approved":
                values |= {"featured_at": None, "featured_by": None}  # nothing hidden stays pinned
            if values:
                await conn.execute(
                    update(comments).where(comments.c.id == comment_id).values(**values)
                )
            updated = await self._get_comment(conn, comment_id)
            if updated is None:
                raise LookupError(comment_id)
        return updated

    def _rows(self, viewer_id: str | None, hide_after_reports: int = 0) -> Select[Any]:
        """Comments joined with author and thread key, and the viewer's vote."""
        vote = (
            select(votes.c.value)
            .where(votes.c.comment_id == comments.c.id, votes.c.user_id == (viewer_id or ""))
            .scalar_subquery()
        )
        return joined_comments(vote).where(
            visible(comments, viewer_id, hide_after_reports=hide_after_reports)
        )

    async def list_comments(self, query: CommentQuery) -> Page:
        """One page of visible comments (approved, tombstones, the viewer's own pending)."""
        stmt = self._rows(query.viewer_id, query.hide_after_reports).where(
            comments.c.thread_id == query.thread_id
        )
        if query.parent_id is None:
            stmt = stmt.where(comments.c.parent_id.is_(None))
        else:
            stmt = stmt.where(comments.c.parent_id == query.parent_id)
        # A tombstone is shown only where something visible still hangs under it: exactly
        # for top-level comments (any visible reply shares their root); for replies, a
        # visible or tombstoned child, and the service prunes what is left empty.
        below = comments.alias("below")
        if query.parent_id is None:
            hanging = exists().where(
                below.c.root_id == comments.c.id,
                below.c.depth > 0,
                visible(below, query.viewer_id, tombstones=False),
            )
        else:
            hanging = exists().where(
                below.c.parent_id == comments.c.id, visible(below, query.viewer_id)
            )
        stmt = stmt.where(or_(comments.c.status != "deleted", hanging))
        if query.featured == "only":
            stmt = stmt.where(pinned(comments)).order_by(
                comments.c.featured_at.desc(), comments.c.id.desc()
            )
            async with self._engine.connect() as conn:
                found = (await conn.execute(stmt.limit(query.limit))).mappings()
                return Page(rows=[row_of(r) for r in found], next_cursor=None)
        if query.featured == "exclude":
            stmt = stmt.where(~pinned(comments))
        cursor = query.cursor or query.start_at
        at = query.cursor is None and query.start_at is not None  # the cursor's own row too
        if query.sort == "oldest":
            if cursor:
                stmt = stmt.where(comments.c.id >= cursor.id if at else comments.c.id > cursor.id)
            stmt = stmt.order_by(comments.c.id.asc())
        elif query.sort == "newest":
            if cursor:
                stmt = stmt.where(comments.c.id <= cursor.id if at else comments.c.id < cursor.id)
            stmt = stmt.order_by(comments.c.id.desc())
        else:
            if cursor:
                same = comments.c.id <= cursor.id if at else comments.c.id < cursor.id
                stmt = stmt.where(
                    or_(
                        comments.c.score < cursor.score,
                        and_(comments.c.score == cursor.score, same),
                    )
                )
            stmt = stmt.order_by(comments.c.score.desc(), comments.c.id.desc())
        stmt = stmt.limit(query.limit + 1)
        async with self._engine.connect() as conn:
            rows = [row_of(r) for r in (await conn.execute(stmt)).mappings()]
        next_cursor = None
        if len(rows) > query.limit:
            rows = rows[: query.limit]
            last = rows[-1].comment
            next_cursor = Cursor(id=last.id, score=last.score)
        return Page(rows=rows, next_cursor=next_cursor)

    async def list_descendants(
        self, root_ids: list[str], viewer_id: str | None, limit: int, hide_after_reports: int = 0
    ) -> list[CommentRow]:
        """Visible replies under these top-level comments, oldest first, at most `limit`."""
        if not root_ids:
            return []
        stmt = (
            self._rows(viewer_id, hide_after_reports)
            .where(comments.c.root_id.in_(root_ids), comments.c.depth > 0)
            .order_by(comments.c.id.asc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [row_of(r) for r in (await conn.execute(stmt)).mappings()]

    async def votes_of(self, user_id: str, comment_ids: list[str]) -> dict[str, int]:
        """The user's votes among these comments (comments without one are absent)."""
        if not comment_ids:
            return {}
        query = select(votes.c.comment_id, votes.c.value).where(
            votes.c.user_id == user_id, votes.c.comment_id.in_(comment_ids)
        )
        async with self._engine.connect() as conn:
            return {str(r.comment_id): int(r.value) for r in await conn.execute(query)}

    async def own_unlisted(
        self, thread_id: str, author_id: str, hide_after_reports: int, limit: int
    ) -> list[CommentRow]:
        """The author's comments in a thread that others do not see (oldest first)."""
        stmt = (
            joined_comments(literal(0))
            .where(
                comments.c.thread_id == thread_id,
                comments.c.author_id == author_id,
                comments.c.status.in_(("pending", "rejected", "approved")),
                ~visible(comments, None, hide_after_reports=hide_after_reports),
            )
            .order_by(comments.c.id.asc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [row_of(r) for r in (await conn.execute(stmt)).mappings()]

    async def has_replies(self, comment_id: str) -> bool:
        """Whether any reply (of any status) hangs under the comment."""
        query = select(exists().where(comments.c.parent_id == comment_id))
        async with self._engine.connect() as conn:
            return bool((await conn.execute(query)).scalar())

    async def set_vote(
        self,
        comment_id: str,
        user_id: str,
        value: VoteValue,
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> int:
        """Record (or with 0 withdraw) a user's vote; answers the comment's new score."""
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)
            await conn.execute(
                delete(votes).where(votes.c.comment_id == comment_id, votes.c.user_id == user_id)
            )
            if value:
                await conn.execute(
                    insert(votes).values(
                        comment_id=comment_id, user_id=user_id, value=value, created_at=now
                    )
                )
            total = select(func.coalesce(func.sum(votes.c.value), 0)).where(
                votes.c.comment_id == comment_id
            )
            score = int((await conn.execute(total)).scalar_one())
            await conn.execute(
                update(comments).where(comments.c.id == comment_id).values(score=score)
            )
        return score

    async def add_report(
        self,
        comment_id: str,
        user_id: str,
        reason: str,
        note: str | None,
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> bool:
        """Record a report; False when this user already reported this comment."""
        values = {
            "comment_id": comment_id,
            "user_id": user_id,
            "reason": reason,
            "note": note,
            "created_at": now,
        }
        async with self._engine.begin() as conn:
            added = (await conn.execute(self._insert_ignore(reports, values))).rowcount
            if added:
                await self._effects(conn, effects)
                await conn.execute(
                    update(comments)
                    .where(comments.c.id == comment_id)
                    .values(report_count=comments.c.report_count + 1)
                )
        return bool(added)

    async def feature_comment(self, write: FeatureWrite) -> tuple[FeatureOutcome, Comment | None]:
        """Feature or unfeature in one guarded statement; the effects commit only with a change.

        The guard is the UPDATE's WHERE, so two staff featuring at once never pass the
        thread's limit: SQLite runs writes one at a time, and on PostgreSQL a feature
        first locks the thread's row (the count alone would not see the other's update).
        """
        target = comments.c.id == write.comment_id
        if write.featured:
            others = comments.alias("others")
            room = (
                select(func.count())
                .select_from(others)
                .where(others.c.thread_id == comments.c.thread_id, pinned(others))
                .scalar_subquery()
            )
            guard = [
                comments.c.status == "approved",
                comments.c.parent_id.is_(None),
                comments.c.shadowed.is_(False),
                comments.c.featured_at.is_(None),
                room < write.most,
            ]
            values: dict[str, object] = {"featured_at": write.now, "featured_by": write.actor_id}
        else:
            guard = [pinned(comments)]
            values = {"featured_at": None, "featured_by": None}
        async with self._engine.begin() as conn:
            if write.featured and self._dialect == "postgresql":
                thread_of = select(comments.c.thread_id).where(target).scalar_subquery()
                await conn.execute(
                    select(threads.c.id).where(threads.c.id == thread_of).with_for_update()
                )
            stmt = update(comments).where(target, *guard).values(**values)
            if (await conn.execute(stmt)).rowcount:
                await self._effects(conn, write.effects)
                return "changed", await self._get_comment(conn, write.comment_id)
            current = await self._get_comment(conn, write.comment_id)
        if current is not None and current.featured == write.featured:
            return "unchanged", current
        if (
            current is None
            or current.status != "approved"
            or current.parent_id is not None
            or current.shadowed
        ):
            return "ineligible", current
        return "full", current

    async def count_comments(self, site: str, keys: list[str]) -> dict[str, int]:
        """Published comments per thread key (keys with none are absent)."""
        if not keys:
            return {}
        query = (
            select(threads.c.key, func.count(comments.c.id))
            .select_from(threads.join(comments, comments.c.thread_id == threads.c.id))
            .where(
                threads.c.site == site,
                threads.c.key.in_(keys),
                comments.c.status == "approved",
                comments.c.shadowed.is_(False),
            )
            .group_by(threads.c.key)
        )
        async with self._engine.connect() as conn:
            return {key: int(count) for key, count in (await conn.execute(query)).all()}

    async def count_approved_by(self, site: str, author_id: str) -> int:
        """How many of the author's comments on the site are published."""
        query = select(func.count()).where(
            comments.c.site == site,
            comments.c.author_id == author_id,
            comments.c.status == "approved",
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
