"""The staff's user search on SQL: case folding every engine agrees on, and batches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from comments.models import Site, SitePolicy, User
from comments.storage import sql_people
from comments.storage.sql import SqlStorage

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    store = SqlStorage.from_url(database_url)
    await store.create_site(Site("news", ("https://news.example",), SitePolicy(), None, NOW))
    yield store
    await store.close()


async def _with_role(storage: SqlStorage, user_id: str, name: str) -> None:
    await storage.upsert_user(User(user_id, name, None, NOW))
    await storage.grant_role("news", user_id, "moderator", NOW)


async def test_names_that_hold_the_letters_out_of_order_are_passed_over_in_batches(
    storage: SqlStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_people, "BATCH", 2)
    for n in range(5):  # every letter of "оля" in some case, never the word
        await _with_role(storage, f"dev:decoy{n}", f"А{n} Ля Ол")
    await _with_role(storage, "dev:olya", "Я Оля")
    await _with_role(storage, "dev:kolya", "Коля")
    found = await storage.search_users("news", "ОЛЯ", 20)
    assert [user.id for user, _ in found] == ["dev:kolya", "dev:olya"]
    assert found[0][1] == frozenset({"moderator"})
    assert [user.id for user, _ in await storage.search_users("news", "оля", 1)] == ["dev:kolya"]


async def test_users_of_no_relation_to_the_site_are_not_searched(storage: SqlStorage) -> None:
    await storage.upsert_user(User("dev:stranger", "Olga", None, NOW))
    assert await storage.search_users("news", "olga", 20) == []
