"""What both SQL storage modules share: the engine, row converters, visibility rules."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, event, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql import ColumnElement, Select

from comments.models import (
    LANGUAGES,
    AuthorView,
    Comment,
    CommentRow,
    Language,
    Site,
    SitePolicy,
    Thread,
    User,
)
from comments.storage import Effects, KeyTaken
from comments.storage.schema import audit, comments, idempotency, outbox, threads, users

VISIBLE = ("approved", "deleted")
DELETED_NAME = "[deleted]"


def make_engine(url: str) -> AsyncEngine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # No pre-ping: it cost three round trips per checkout (BEGIN, a ping, ROLLBACK), about
    # 500 µs of a post. A connection a restarted server dropped fails its statement as an
    # outage (503, Retry-After), and SQLAlchemy then renews every older pooled connection
    # at its next checkout; recycling bounds a connection's age under proxies that drop
    # long-lived ones.
    return create_async_engine(url, pool_recycle=300, pool_size=10, max_overflow=10)


def site_of_row(row: RowMapping) -> Site:
    return Site(
        name=row["name"],
        origins=tuple(row["origins"]),
        policy=SitePolicy.model_validate(row["policy"]),
        sso_secret=row["sso_secret"],
        created_at=row["created_at"],
    )


def language_of_row(value: str | None) -> Language | None:
    """A stored language among ours; anything else (a code no longer served) as unknown."""
    for language in LANGUAGES:
        if value == language:
            return language
    return None


def user_of_row(row: RowMapping) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        avatar_url=row["avatar_url"],
        email=row["email"],
        created_at=row["created_at"],
        language=language_of_row(row["language"]),
    )


def thread_of_row(row: RowMapping) -> Thread:
    return Thread(
        id=row["id"],
        site=row["site"],
        key=row["key"],
        url=row["url"],
        title=row["title"],
        closed=bool(row["closed"]),
        created_at=row["created_at"],
        premoderation=row["premoderation"],
        slow_mode_seconds=row["slow_mode_seconds"],
        surge_until=row["surge_until"],
    )


def new_thread_values(thread: Thread) -> dict[str, object]:
    """The columns a new thread is inserted with (its options start unset)."""
    return {
        "id": thread.id,
        "site": thread.site,
        "key": thread.key,
        "url": thread.url,
        "title": thread.title,
        "closed": thread.closed,
        "created_at": thread.created_at,
    }


def comment_of_row(row: RowMapping) -> Comment:
    return Comment(
        id=row["id"],
        site=row["site"],
        thread_id=row["thread_id"],
        parent_id=row["parent_id"],
        root_id=row["root_id"],
        depth=row["depth"],
        author_id=row["author_id"],
        body=row["body"],
        html=row["html"],
        status=row["status"],
        reasons=tuple(row["reasons"]),
        score=row["score"],
        report_count=row["report_count"],
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        shadowed=bool(row["shadowed"]),
        reviewed_reports=row["reviewed_reports"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        featured_at=row["featured_at"],
        featured_by=row["featured_by"],
        notify=bool(row.get("notify", False)),
        source_id=row.get("source_id"),
    )


def row_of(row: RowMapping) -> CommentRow:
    name = row["author_name"]
    author = AuthorView(
        id=row["author_id"],
        name=name if name is not None else DELETED_NAME,
        avatar_url=row["author_avatar"],
    )
    return CommentRow(
        comment=comment_of_row(row),
        author=author,
        thread_key=row["thread_key"],
        my_vote=row["my_vote"] or 0,
    )


def visible(
    table: Any, viewer_id: str | None, *, tombstones: bool = True, hide_after_reports: int = 0
) -> ColumnElement[bool]:
    """Published comments (and tombstones), plus the viewer's own awaiting review or shadowed.

    A comment with `hide_after_reports` unreviewed reports is hidden from everyone else
    until a moderator looks at it.
    """
    shown: ColumnElement[bool] = and_(
        table.c.status.in_(VISIBLE if tombstones else ("approved",)), table.c.shadowed.is_(False)
    )
    if hide_after_reports > 0:
        shown = and_(shown, table.c.report_count - table.c.reviewed_reports < hide_after_reports)
    if viewer_id is not None:
        own = and_(
            table.c.author_id == viewer_id,
            table.c.status.in_(("pending", "approved")),
        )
        shown = or_(shown, own)
    return shown


class SqlBase:
    """The engine and the dialect's insert-or-ignore."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name

    def _insert_ignore(self, table: Any, values: Mapping[str, object]) -> Any:
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).values(**values).on_conflict_do_nothing()

    @staticmethod
    async def _effects(conn: AsyncConnection, effects: Effects) -> None:
        """Write a write's audit rows, outbox rows and idempotency record on its connection.

        The idempotency record goes first: of two requests with one key, the second waits
        on the first's row and then fails here, before it has written anything else.
        """
        record = effects.remember
        if record is not None:
            try:
                await conn.execute(
                    insert(idempotency).values(
                        user_id=record.user_id,
                        key=record.key,
                        scope=record.scope,
                        fingerprint=record.fingerprint,
                        result=record.result,
                        created_at=record.created_at,
                    )
                )
            except IntegrityError:  # the transaction is lost: the caller's block rolls back
                raise KeyTaken(record.key) from None
        if effects.audit:
            await conn.execute(
                insert(audit),
                [
                    {
                        "id": entry.id,
                        "site": entry.site,
                        "actor_id": entry.actor_id,
                        "action": entry.action,
                        "comment_id": entry.comment_id,
                        "user_id": entry.user_id,
                        "reason": entry.reason,
                        "details": entry.details or {},
                        "created_at": entry.created_at,
                    }
                    for entry in effects.audit
                ],
            )
        if effects.outbox:
            await conn.execute(
                insert(outbox),
                [
                    {
                        "id": item.id,
                        "site": item.site,
                        "kind": item.kind,
                        "payload": item.payload,
                        "created_at": item.created_at,
                        "next_at": item.created_at,
                    }
                    for item in effects.outbox
                ],
            )

    @staticmethod
    async def _get_comment(conn: AsyncConnection, comment_id: str) -> Comment | None:
        query = select(comments).where(comments.c.id == comment_id)
        row = (await conn.execute(query)).mappings().first()
        return comment_of_row(row) if row else None


def reason_codes(reasons: tuple[dict[str, object], ...]) -> str:
    """The trail's rule codes as `,A,B,` so a queue can filter by one with LIKE."""
    codes = [str(r.get("code", "")) for r in reasons if r.get("action") != "allow"]
    return ("," + ",".join(codes) + ",")[:300] if codes else ""


def text_hash(body: str) -> str:
    """The same text for duplicate detection: case and spacing do not make it new."""
    if not body:
        return ""
    folded = " ".join(body.casefold().split())
    return hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()


def joined_comments(my_vote: Any) -> Select[Any]:
    """Comments with their author's name and avatar, their thread's key, and a vote column."""
    return select(
        comments,
        users.c.name.label("author_name"),
        users.c.avatar_url.label("author_avatar"),
        threads.c.key.label("thread_key"),
        my_vote.label("my_vote"),
    ).select_from(
        comments.outerjoin(users, users.c.id == comments.c.author_id).join(
            threads, threads.c.id == comments.c.thread_id
        )
    )
