"""Alembic's entry point: the URL comes from the app's settings, never from alembic.ini."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from comments.storage.schema import metadata
from comments.storage.sql_base import make_engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_main(context.config.attributes["database_url"]))
