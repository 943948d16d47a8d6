"""The reader's language on the account, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from comments.models import Session, Site, SitePolicy, User
from comments.storage.schema import users
from comments.storage.sql import SqlStorage

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    store = SqlStorage.from_url(database_url)
    await store.create_site(Site("news", ("https://news.example",), SitePolicy(), None, NOW))
    await store.upsert_user(User("dev:olga", "Olga", None, NOW))
    yield store
    await store.close()


async def test_a_new_user_has_no_language_until_one_is_set(storage: SqlStorage) -> None:
    found = await storage.get_user("dev:olga")
    assert found is not None and found.language is None


async def test_setting_the_language_writes_only_a_change(storage: SqlStorage) -> None:
    assert await storage.set_language("dev:olga", "ru") is True
    assert await storage.set_language("dev:olga", "ru") is False
    assert await storage.set_language("dev:olga", "uk") is True
    assert await storage.set_language("dev:nobody", "ru") is False
    found = await storage.get_user("dev:olga")
    assert found is not None and found.language == "uk"


async def test_the_session_lookup_and_a_login_refresh_carry_the_language(
    storage: SqlStorage,
) -> None:
    await storage.set_language("dev:olga", "be")
    session = Session("h" * 64, "dev:olga", "news", "reader", None, NOW, NOW + timedelta(days=1))
    await storage.create_session(session)
    found = await storage.session_with_user("h" * 64)
    assert found is not None and found[1] is not None and found[1].language == "be"
    refreshed = await storage.upsert_user(User("dev:olga", "Olga K.", None, NOW))
    assert refreshed.language == "be" and refreshed.name == "Olga K."


async def test_a_language_no_longer_served_reads_as_unknown(storage: SqlStorage) -> None:
    engine = storage._engine  # type: ignore[attr-defined]
    async with engine.begin() as conn:
        await conn.execute(update(users).where(users.c.id == "dev:olga").values(language="xx"))
    found = await storage.get_user("dev:olga")
    assert found is not None and found.language is None
    assert await storage.set_language("dev:olga", "en") is True
