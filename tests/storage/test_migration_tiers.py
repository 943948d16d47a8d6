"""Migration 0006: a site's one action for the built-in list becomes its action per tier."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from comments.storage.migrate import _config, upgrade
from comments.storage.sql import SqlStorage
from comments.storage.sql_base import make_engine
from tests.fixtures_services import PostgresServer

OLD_POLICIES = {
    "holds": {"premoderation": "off", "profanity_action": "hold"},
    "rejects": {"profanity_action": "reject", "banned_words": ["spam"]},
    "masks": {"profanity_action": "mask"},
    "silent": {},  # written before the field existed: its default was hold
}


@pytest.fixture(params=["sqlite", "postgres"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at revision 0005, the schema before tiers."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        command.upgrade(_config(url), "0005")
        yield url
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = server.create_database()
    url = server.url(name)
    command.upgrade(_config(url), "0005")
    try:
        yield url
    finally:
        server.drop_database(name)


async def _insert_old_sites(url: str) -> None:
    engine = make_engine(url)
    sites = sa.table(
        "sites",
        sa.column("name"),
        sa.column("origins", sa.JSON),
        sa.column("policy", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    async with engine.begin() as conn:
        for name, policy in OLD_POLICIES.items():
            await conn.execute(
                sites.insert().values(
                    name=name,
                    origins=["https://news.example"],
                    policy=policy,
                    created_at=sa.func.now(),
                )
            )
    await engine.dispose()


def test_each_site_keeps_its_action_for_every_tier(old_database: str) -> None:
    asyncio.run(_insert_old_sites(old_database))
    upgrade(old_database)

    async def read() -> dict[str, tuple[str, str, str]]:
        store = SqlStorage.from_url(old_database)
        try:
            found = {}
            for name in OLD_POLICIES:
                site = await store.get_site(name)
                assert site is not None
                policy = site.policy
                tiers = (policy.profanity_mild, policy.profanity_strong, policy.profanity_slur)
                found[name] = tiers
            rejects = await store.get_site("rejects")
            assert rejects is not None and rejects.policy.banned_words == ("spam",)
            return found
        finally:
            await store.close()

    assert asyncio.run(read()) == {
        "holds": ("hold", "hold", "hold"),
        "rejects": ("reject", "reject", "reject"),
        "masks": ("mask", "mask", "mask"),
        "silent": ("hold", "hold", "hold"),
    }
