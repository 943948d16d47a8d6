"""A site's rows, out and back in: the full export and its exact restore.

The export streams each table's rows of the site (rows are read as they go, never all
held); the restore writes them back with their own ids, in one transaction, into a
site that has no threads yet. Secrets stay behind: the site's SSO secret, webhook
endpoints (their signing secrets), sessions and tokens; e-mail addresses only when asked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from comments.storage import RestoreRefused
from comments.storage.schema import (
    UtcDateTime,
    audit,
    bans,
    comments,
    reports,
    roles,
    sites,
    threads,
    users,
    votes,
)
from comments.storage.sql_base import SqlBase

# In the order a restore writes them: each after what it refers to.
TABLES: tuple[Table, ...] = (sites, users, threads, comments, votes, reports, roles, bans, audit)
CHUNK = 500


def _encode(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _decode(table: Table, row: Mapping[str, Any], site: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if isinstance(column.type, UtcDateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        out[column.name] = value
    if "site" in out and table is not users:
        out["site"] = site
    if table is sites:
        out["name"] = site
    return out


class ExportQueries(SqlBase):
    """The export and restore aggregate."""

    def _people(self, site: str) -> Any:
        """Everyone the site's rows name."""
        of_site = select(comments.c.id).where(comments.c.site == site)
        picks: list[Any] = [
            select(comments.c.author_id.label("id")).where(comments.c.site == site),
            select(comments.c.decided_by.label("id")).where(comments.c.site == site),
            select(votes.c.user_id.label("id")).where(votes.c.comment_id.in_(of_site)),
            select(reports.c.user_id.label("id")).where(reports.c.comment_id.in_(of_site)),
            select(roles.c.user_id.label("id")).where(roles.c.site == site),
            select(bans.c.user_id.label("id")).where(bans.c.site == site),
            select(bans.c.created_by.label("id")).where(bans.c.site == site),
            select(audit.c.actor_id.label("id")).where(audit.c.site == site),
            select(audit.c.user_id.label("id")).where(audit.c.site == site),
        ]
        return union(*picks).subquery()

    def _where(self, table: Table, site: str) -> ColumnElement[bool]:
        if table is sites:
            return sites.c.name == site
        if table is users:
            people = self._people(site)
            return users.c.id.in_(select(people.c.id))
        if table in (votes, reports):
            return table.c.comment_id.in_(select(comments.c.id).where(comments.c.site == site))
        return table.c.site == site

    async def export_rows(
        self, site: str, *, with_emails: bool
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Every row of the site, table by table, as JSON-ready dicts."""
        async with self._engine.connect() as conn:
            for table in TABLES:
                order = list(table.primary_key.columns)
                stmt = select(table).where(self._where(table, site)).order_by(*order)
                result = await conn.stream(stmt.execution_options(yield_per=CHUNK))
                async for row in result.mappings():
                    data = _encode(table, dict(row))
                    if table is sites:
                        data["sso_secret"] = None
                    if table is users and not with_emails:
                        data["email"] = None
                    yield table.name, data

    async def restore_rows(
        self, site: str, rows: AsyncIterator[tuple[str, dict[str, Any]]]
    ) -> dict[str, int]:
        """Write exported rows into `site`, in one transaction; answers rows per table.

        Raises RestoreRefused when the site has threads or a row clashes with one
        stored, KeyError on an unknown table."""
        try:
            return await self._restore(site, rows)
        except IntegrityError as exc:
            raise RestoreRefused(f"a row clashes with one stored ({exc.orig})") from None

    async def _restore(
        self, site: str, rows: AsyncIterator[tuple[str, dict[str, Any]]]
    ) -> dict[str, int]:
        by_name = {t.name: t for t in TABLES}
        counts: dict[str, int] = {}
        async with self._engine.begin() as conn:
            taken = await conn.execute(
                select(func.count()).select_from(threads).where(threads.c.site == site)
            )
            if taken.scalar_one():
                raise RestoreRefused(f"site {site} has threads already: restore into an empty site")
            batch: list[dict[str, Any]] = []
            current: Table | None = None

            async def flush() -> None:
                if current is None or not batch:
                    return
                if current is users:
                    for row in batch:  # a user may be there already, from another site
                        await conn.execute(self._insert_ignore(current, row))
                elif current is sites:
                    for row in batch:  # the site may be there already, empty: take its settings
                        await conn.execute(self._insert_ignore(current, row))
                        settings = {"origins": row["origins"], "policy": row["policy"]}
                        await conn.execute(
                            sites.update().where(sites.c.name == site).values(**settings)
                        )
                else:
                    await conn.execute(current.insert(), batch)
                counts[current.name] = counts.get(current.name, 0) + len(batch)
                batch.clear()

            async for name, row in rows:
                table = by_name[name]
                if table is not current:
                    await flush()
                    current = table
                batch.append(_decode(table, row, site))
                if len(batch) >= CHUNK:
                    await flush()
            await flush()
        return counts
