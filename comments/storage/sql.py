"""`Storage` on SQLAlchemy Core: SQLite (aiosqlite) embedded, PostgreSQL (asyncpg) in production.

Each method runs in one transaction, so a failing request leaves nothing half-written;
a write's audit rows, outbox rows and idempotency record commit in that same
transaction. The aggregates live in their own modules; this class only joins them
over one engine. The only dialect-specific parts are the insert-or-ignore statements
and SQLite pragmas.
"""

from __future__ import annotations

from sqlalchemy import select

from comments.storage.sql_accounts import AccountQueries
from comments.storage.sql_base import make_engine
from comments.storage.sql_comments import CommentQueries
from comments.storage.sql_exports import ExportQueries
from comments.storage.sql_imports import ImportQueries
from comments.storage.sql_linking import LinkingQueries
from comments.storage.sql_moderation import ModerationQueries
from comments.storage.sql_notices import NoticeQueries
from comments.storage.sql_outbox import OutboxQueries
from comments.storage.sql_people import PeopleQueries
from comments.storage.sql_stats import StatsQueries
from comments.storage.sql_webhooks import WebhookQueries


class SqlStorage(
    AccountQueries,
    PeopleQueries,
    CommentQueries,
    ModerationQueries,
    StatsQueries,
    OutboxQueries,
    WebhookQueries,
    NoticeQueries,
    ImportQueries,
    LinkingQueries,
    ExportQueries,
):
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
