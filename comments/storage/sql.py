"""`Storage` on SQLAlchemy Core: SQLite (aiosqlite) embedded, PostgreSQL (asyncpg) in production.

Each method runs in one transaction, so a failing request leaves nothing half-written.
The only dialect-specific parts are the insert-or-ignore statements and SQLite pragmas.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, case, delete, exists, func, insert, or_, select, update
from sqlalchemy.sql import Select

from comments.models import (
    Comment,
    CommentRow,
    Role,
    Session,
    Site,
    Thread,
    User,
)
from comments.storage import CommentChange, CommentQuery, Cursor, Page, VoteValue
from comments.storage.schema import comments, reports, roles, sessions, sites, threads, users, votes
from comments.storage.sql_base import (
    joined_comments,
    make_engine,
    reason_codes,
    row_of,
    site_of_row,
    text_hash,
    thread_of_row,
    user_of_row,
    visible,
)
from comments.storage.sql_moderation import ModerationQueries


class SqlStorage(ModerationQueries):
    """The one storage implementation, for both database engines."""

    @classmethod
    def from_url(cls, url: str) -> SqlStorage:
        """Storage over a new engine for `url`."""
        return cls(make_engine(url))

    async def close(self) -> None:
        """Release connections."""
        await self._engine.dispose()

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        async with self._engine.connect() as conn:
            await conn.execute(select(1))

    # sites

    async def get_site(self, name: str) -> Site | None:
        """The site called `name`."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(sites).where(sites.c.name == name))).mappings().first()
        return site_of_row(row) if row else None

    async def list_sites(self) -> list[Site]:
        """Every site, by name."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(sites).order_by(sites.c.name))).mappings().all()
        return [site_of_row(row) for row in rows]

    async def create_site(self, site: Site) -> bool:
        """Add a site; False when the name is taken."""
        values = {
            "name": site.name,
            "origins": list(site.origins),
            "policy": site.policy.model_dump(),
            "sso_secret": site.sso_secret,
            "created_at": site.created_at,
        }
        async with self._engine.begin() as conn:
            result = await conn.execute(self._insert_ignore(sites, values))
        return bool(result.rowcount)

    async def update_site(self, site: Site) -> None:
        """Replace a site's origins, policy and secret."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(sites)
                .where(sites.c.name == site.name)
                .values(
                    origins=list(site.origins),
                    policy=site.policy.model_dump(),
                    sso_secret=site.sso_secret,
                )
            )

    # users and roles

    async def upsert_user(self, user: User) -> User:
        """Create the user or refresh its name and avatar; answers the stored user."""
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(
                    users,
                    {
                        "id": user.id,
                        "name": user.name,
                        "avatar_url": user.avatar_url,
                        "email": user.email,
                        "created_at": user.created_at,
                    },
                )
            )
            await conn.execute(
                update(users)
                .where(users.c.id == user.id)
                .values(name=user.name, avatar_url=user.avatar_url, email=user.email)
            )
            row = (await conn.execute(select(users).where(users.c.id == user.id))).mappings().one()
        return user_of_row(row)

    async def get_user(self, user_id: str) -> User | None:
        """The user with this id."""
        async with self._engine.connect() as conn:
            row = (
                (await conn.execute(select(users).where(users.c.id == user_id))).mappings().first()
            )
        return user_of_row(row) if row else None

    async def roles(self, site: str, user_id: str) -> set[Role]:
        """The user's roles on the site."""
        query = select(roles.c.role).where(roles.c.site == site, roles.c.user_id == user_id)
        async with self._engine.connect() as conn:
            return {cast(Role, role) for role in (await conn.execute(query)).scalars()}

    async def grant_role(self, site: str, user_id: str, role: Role, now: datetime) -> None:
        """Give a role (idempotent)."""
        values = {"site": site, "user_id": user_id, "role": role, "created_at": now}
        async with self._engine.begin() as conn:
            await conn.execute(self._insert_ignore(roles, values))

    # sessions

    async def create_session(self, session: Session, name: str | None = None) -> None:
        """Store a new session by its token hash."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(sessions).values(
                    token_hash=session.token_hash,
                    user_id=session.user_id,
                    site=session.site,
                    kind=session.kind,
                    role=session.role,
                    name=name,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                )
            )

    async def get_session(self, token_hash: str) -> Session | None:
        """The session for a token hash, revoked or not."""
        query = select(sessions).where(sessions.c.token_hash == token_hash)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return Session(
            token_hash=row["token_hash"],
            user_id=row["user_id"],
            site=row["site"],
            kind=row["kind"],
            role=row["role"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            revoked=row["revoked_at"] is not None,
        )

    async def extend_session(self, token_hash: str, expires_at: datetime) -> None:
        """Slide a session's expiry forward."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
                .values(expires_at=expires_at)
            )

    async def revoke_sessions(
        self,
        now: datetime,
        *,
        token_hash: str | None = None,
        user_id: str | None = None,
        site: str | None = None,
    ) -> int:
        """Revoke one session, or all of a user's (on one site); answers how many."""
        if token_hash is None and user_id is None:
            raise ValueError("name a token or a user")
        query = update(sessions).where(sessions.c.revoked_at.is_(None)).values(revoked_at=now)
        if token_hash is not None:
            query = query.where(sessions.c.token_hash == token_hash)
        if user_id is not None:
            query = query.where(sessions.c.user_id == user_id)
        if site is not None:
            query = query.where(sessions.c.site == site)
        async with self._engine.begin() as conn:
            return (await conn.execute(query)).rowcount

    # threads and comments

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

    async def add_comment(self, comment: Comment, thread: Thread) -> Thread:
        """Insert the comment, creating its thread first when new; answers the thread."""
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(
                    threads,
                    {
                        "id": thread.id,
                        "site": thread.site,
                        "key": thread.key,
                        "url": thread.url,
                        "title": thread.title,
                        "closed": thread.closed,
                        "created_at": thread.created_at,
                    },
                )
            )
            row = (
                (
                    await conn.execute(
                        select(threads).where(
                            threads.c.site == thread.site, threads.c.key == thread.key
                        )
                    )
                )
                .mappings()
                .one()
            )
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
                )
            )
        return stored

    async def get_comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, whatever its status."""
        async with self._engine.connect() as conn:
            return await self._get_comment(conn, comment_id)

    async def change_comment(self, comment_id: str, change: CommentChange) -> Comment:
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
        cursor = query.cursor
        if query.sort == "oldest":
            if cursor:
                stmt = stmt.where(comments.c.id > cursor.id)
            stmt = stmt.order_by(comments.c.id.asc())
        elif query.sort == "newest":
            if cursor:
                stmt = stmt.where(comments.c.id < cursor.id)
            stmt = stmt.order_by(comments.c.id.desc())
        else:
            if cursor:
                stmt = stmt.where(
                    or_(
                        comments.c.score < cursor.score,
                        and_(comments.c.score == cursor.score, comments.c.id < cursor.id),
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

    async def has_replies(self, comment_id: str) -> bool:
        """Whether any reply (of any status) hangs under the comment."""
        query = select(exists().where(comments.c.parent_id == comment_id))
        async with self._engine.connect() as conn:
            return bool((await conn.execute(query)).scalar())

    async def set_vote(self, comment_id: str, user_id: str, value: VoteValue, now: datetime) -> int:
        """Record (or with 0 withdraw) a user's vote; answers the comment's new score."""
        async with self._engine.begin() as conn:
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
        self, comment_id: str, user_id: str, reason: str, note: str | None, now: datetime
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
                await conn.execute(
                    update(comments)
                    .where(comments.c.id == comment_id)
                    .values(report_count=comments.c.report_count + 1)
                )
        return bool(added)

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

    async def duplicates(
        self, site: str, body: str, author_id: str, since: datetime
    ) -> tuple[int, int]:
        """Comments with this text since `since`: by this author, and by others."""
        digest = text_hash(body)
        if not digest:
            return 0, 0
        mine_expr = case((comments.c.author_id == author_id, 1), else_=0)
        stmt = select(func.coalesce(func.sum(mine_expr), 0), func.count()).where(
            comments.c.site == site,
            comments.c.body_hash == digest,
            comments.c.created_at >= since,
        )
        async with self._engine.connect() as conn:
            mine, total = (await conn.execute(stmt)).one()
        mine, others = int(mine), int(total) - int(mine)
        return mine, others

    async def export_user(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every comment and vote of the user, for the user to take away."""
        own = (
            select(
                comments.c.id,
                comments.c.site,
                threads.c.key,
                comments.c.parent_id,
                comments.c.body,
                comments.c.status,
                comments.c.created_at,
                comments.c.edited_at,
            )
            .select_from(comments.join(threads, threads.c.id == comments.c.thread_id))
            .where(comments.c.author_id == user_id)
            .order_by(comments.c.id)
        )
        cast_votes = (
            select(votes.c.comment_id, votes.c.value, votes.c.created_at)
            .where(votes.c.user_id == user_id)
            .order_by(votes.c.created_at)
        )
        async with self._engine.connect() as conn:
            found = [dict(row) for row in (await conn.execute(own)).mappings()]
            voted = [dict(row) for row in (await conn.execute(cast_votes)).mappings()]
        return {"comments": found, "votes": voted}

    async def erase_user(self, user_id: str) -> None:
        """Forget a user: comments become tombstones, votes and reports go, the profile too."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(comments)
                .where(comments.c.author_id == user_id)
                .values(status="deleted", body="", html="", body_hash="", reasons=[])
            )
            voted = list(
                (
                    await conn.execute(select(votes.c.comment_id).where(votes.c.user_id == user_id))
                ).scalars()
            )
            await conn.execute(delete(votes).where(votes.c.user_id == user_id))
            await conn.execute(delete(reports).where(reports.c.user_id == user_id))
            for comment_id in voted:
                total = select(func.coalesce(func.sum(votes.c.value), 0)).where(
                    votes.c.comment_id == comment_id
                )
                score = int((await conn.execute(total)).scalar_one())
                await conn.execute(
                    update(comments).where(comments.c.id == comment_id).values(score=score)
                )
            await conn.execute(delete(users).where(users.c.id == user_id))
