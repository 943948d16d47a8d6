"""Imported threads, written in one transaction each.

Every insert ignores what is there already (the thread by its key, a user by id, a
comment by id or by its source id), so importing the same file again adds nothing, a
newer export adds only its new comments, and an interrupted import simply runs again.
Rows go in with one multi-row statement per table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from comments.storage import ImportedThread
from comments.storage.schema import comments, threads, users, votes
from comments.storage.sql_base import (
    SqlBase,
    new_thread_values,
    reason_codes,
    text_hash,
    thread_of_row,
)

CHUNK = 500  # rows a statement: well under both engines' bound-parameter limits


class ImportQueries(SqlBase):
    """The import aggregate."""

    def _ignore_many(self, table: Any) -> Any:
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).on_conflict_do_nothing()

    async def import_threads(self, writes: list[ImportedThread]) -> list[int]:
        """Write the threads in one transaction (each whole); answers each one's count of
        comments that were new."""
        async with self._engine.begin() as conn:
            return [await self._thread(conn, write) for write in writes]

    async def _thread(self, conn: AsyncConnection, write: ImportedThread) -> int:
        thread = write.thread
        ids = [c.id for c in write.comments]
        await self._effects(conn, write.effects)
        await conn.execute(self._insert_ignore(threads, new_thread_values(thread)))
        where = and_(threads.c.site == thread.site, threads.c.key == thread.key)
        stored = thread_of_row((await conn.execute(select(threads).where(where))).mappings().one())
        user_rows = [
            {
                "id": u.id,
                "name": u.name,
                "avatar_url": u.avatar_url,
                "email": None,
                "created_at": u.created_at,
            }
            for u in write.users
        ]
        for start in range(0, len(user_rows), CHUNK):
            await conn.execute(self._ignore_many(users), user_rows[start : start + CHUNK])
        before: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            found = await conn.execute(select(comments.c.id).where(comments.c.id.in_(part)))
            before.update(found.scalars())
        rows = [
            {
                "id": c.id,
                "site": c.site,
                "thread_id": stored.id,
                "parent_id": c.parent_id,
                "root_id": c.root_id,
                "depth": c.depth,
                "author_id": c.author_id,
                "body": c.body,
                "html": c.html,
                "status": c.status,
                "reasons": list(c.reasons),
                "score": c.score,
                "report_count": 0,
                "created_at": c.created_at,
                "edited_at": c.edited_at,
                "reason_codes": reason_codes(c.reasons),
                "shadowed": False,
                "body_hash": text_hash(c.body),
                "featured_at": c.featured_at,
                "featured_by": c.featured_by,
                "source_id": c.source_id,
            }
            for c in write.comments
            if c.id not in before
        ]
        for start in range(0, len(rows), CHUNK):
            await conn.execute(self._ignore_many(comments), rows[start : start + CHUNK])
        vote_rows = [
            {"comment_id": cid, "user_id": uid, "value": value, "created_at": thread.created_at}
            for cid, uid, value in write.votes
            if cid not in before
        ]
        for start in range(0, len(vote_rows), CHUNK):
            await conn.execute(self._ignore_many(votes), vote_rows[start : start + CHUNK])
        return len(rows)

    async def existing_comment_ids(self, ids: list[str]) -> set[str]:
        """Which of these comment ids are stored already (a dry run's count)."""
        found: set[str] = set()
        async with self._engine.connect() as conn:
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                rows = await conn.execute(select(comments.c.id).where(comments.c.id.in_(part)))
                found.update(rows.scalars())
        return found
