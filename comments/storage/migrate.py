"""Schema migrations through Alembic, driven from code with the app's database URL."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from comments.storage.sql_base import make_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str) -> None:
    """Bring the schema at `url` up to date; blocks, and works inside a running event loop."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(_config(url), "head")
        return
    # Alembic's async env starts its own loop, which needs a thread without one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(command.upgrade, _config(url), "head").result()


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(_config("")).get_current_head()


async def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at (None when never migrated)."""

    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_read)
    finally:
        await engine.dispose()
