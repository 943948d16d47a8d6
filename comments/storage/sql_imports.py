"""Imported threads, a batch of them in one transaction, each thread whole.

Every insert ignores what is there already (the thread by its key, a user by id, a
comment by id or by its source id), so importing the same file again adds nothing, a
newer export adds only its new comments, and an interrupted import simply runs again.
On PostgreSQL the rows of a batch go in with `COPY` into a temporary table and one
`INSERT … SELECT … ON CONFLICT DO NOTHING` a table (a multi-row statement per comment
costs the server a parse and a plan each, which was most of an import's time); SQLite,
in-process, takes them as one prepared statement run many times.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from comments.models import Comment
from comments.storage import Effects, ImportedThread
from comments.storage.schema import comments, threads, users, votes
from comments.storage.sql_base import SqlBase, new_thread_values, reason_codes, text_hash

CHUNK = 500  # keys a statement: well under both engines' bound-parameter limits

USER_COLUMNS = ("id", "name", "avatar_url", "email", "created_at")
COMMENT_COLUMNS = (
    "id", "site", "thread_id", "parent_id", "root_id", "depth", "author_id", "body", "html",
    "status", "reasons", "score", "report_count", "created_at", "edited_at", "reason_codes",
    "shadowed", "body_hash", "featured_at", "featured_by", "source_id",
)  # fmt: skip
VOTE_COLUMNS = ("comment_id", "user_id", "value", "created_at")


def _comment_row(c: Comment, thread_id: str, reasons: Any) -> tuple[object, ...]:
    return (
        c.id, c.site, thread_id, c.parent_id, c.root_id, c.depth, c.author_id, c.body, c.html,
        c.status, reasons, c.score, 0, c.created_at, c.edited_at, reason_codes(c.reasons),
        False, text_hash(c.body), c.featured_at, c.featured_by, c.source_id,
    )  # fmt: skip


class ImportQueries(SqlBase):
    """The import aggregate."""

    @property
    def import_writers(self) -> int:
        # Two: while one batch's rows are checked and indexed by the server, the next
        # is sent. SQLite writes one transaction at a time.
        return 2 if self._dialect == "postgresql" else 1

    async def import_threads(self, writes: list[ImportedThread]) -> list[int]:
        """Write the threads in one transaction (each whole); answers each one's count of
        comments that were new."""
        if not writes:
            return []
        postgres = self._dialect == "postgresql"
        async with self._engine.begin() as conn:
            await self._effects(
                conn, Effects(outbox=tuple(o for w in writes for o in w.effects.outbox))
            )
            stored = await self._threads(conn, writes)
            people: dict[str, tuple[object, ...]] = {}
            for write in writes:
                for u in write.users:
                    people.setdefault(u.id, (u.id, u.name, u.avatar_url, u.email, u.created_at))
            # By id: two batches at once then take new users' keys in one order.
            await self._bulk(conn, users, USER_COLUMNS, [people[k] for k in sorted(people)])
            rows = [
                _comment_row(
                    c,
                    stored[write.thread.key],
                    (json.dumps(list(c.reasons)) if c.reasons else "[]")
                    if postgres
                    else list(c.reasons),
                )
                for write in writes
                for c in write.comments
            ]
            added = await self._bulk(conn, comments, COMMENT_COLUMNS, rows, returning="id")
            vote_rows = [
                (cid, uid, value, write.thread.created_at)
                for write in writes
                for cid, uid, value in write.votes
                if cid in added
            ]
            await self._bulk(conn, votes, VOTE_COLUMNS, vote_rows)
        return [sum(1 for c in write.comments if c.id in added) for write in writes]

    async def _threads(self, conn: AsyncConnection, writes: list[ImportedThread]) -> dict[str, str]:
        """Each thread created unless its key is there; answers key → the stored thread's id."""
        site = writes[0].thread.site
        fresh: dict[str, dict[str, object]] = {}
        for write in writes:
            fresh.setdefault(write.thread.key, new_thread_values(write.thread))
        await conn.execute(self._ignore(threads), list(fresh.values()))
        keys = list(fresh)
        stored: dict[str, str] = {}
        for start in range(0, len(keys), CHUNK):
            where = and_(threads.c.site == site, threads.c.key.in_(keys[start : start + CHUNK]))
            found = await conn.execute(select(threads.c.key, threads.c.id).where(where))
            stored.update({str(key): str(tid) for key, tid in found})
        return stored

    def _ignore(self, table: Any) -> Any:
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).on_conflict_do_nothing()

    async def _bulk(
        self,
        conn: AsyncConnection,
        table: Any,
        columns: Sequence[str],
        rows: Sequence[tuple[object, ...]],
        returning: str | None = None,
    ) -> set[str]:
        """Insert the rows unless there; answers the `returning` column of those added."""
        if not rows:
            return set()
        if self._dialect != "postgresql":
            if returning is not None:  # what is there already: ids, or (the rare) source id
                col = table.c[returning]
                there: set[str] = set()
                values = [row[columns.index(returning)] for row in rows]
                for start in range(0, len(values), CHUNK):
                    found = await conn.execute(
                        select(col).where(col.in_(values[start : start + CHUNK]))
                    )
                    there.update(found.scalars())
            await conn.execute(
                self._ignore(table), [dict(zip(columns, row, strict=True)) for row in rows]
            )
            if returning is None:
                return set()
            return {str(v) for v in values if v not in there}
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        # Table and column names are the schema's own constants, never input.
        staging = f"import_{table.name}"
        names = ", ".join(columns)
        await raw.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        await raw.copy_records_to_table(staging, records=rows, columns=list(columns))
        into = f"INSERT INTO {table.name} ({names})"
        sql = f"{into} SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"  # noqa: S608
        if returning is None:
            await raw.execute(sql)
            return set()
        return {str(r[0]) for r in await raw.fetch(f"{sql} RETURNING {returning}")}

    async def existing_comment_ids(self, ids: list[str]) -> set[str]:
        """Which of these comment ids are stored already (a dry run's count)."""
        found: set[str] = set()
        async with self._engine.connect() as conn:
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                rows = await conn.execute(select(comments.c.id).where(comments.c.id.in_(part)))
                found.update(rows.scalars())
        return found
