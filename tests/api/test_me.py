"""`GET /me`: who the reader is on a site, whether and how long they are banned, and the
language the account remembers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from tests.harness import ARTICLE, Harness

ME = "/api/v1/me"


def me(h: Harness, token: str, site: str = "news", **headers: str) -> Any:
    r = h.client.get(ME, params={"site": site}, headers=h.auth(token) | headers)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def ban(h: Harness, user_id: str, reason: str, site: str = "news", **extra: Any) -> None:
    mod = h.moderator(site=site)
    r = h.client.post(
        f"/api/v1/sites/{site}/bans",
        json={"user_id": user_id, "reason": reason} | extra,
        headers=h.auth(mod),
    )
    assert r.status_code == 201, r.text


def user_writes(h: Harness, send: Callable[[], Any]) -> list[str]:
    """The UPDATE statements on `users` the database sees while `send` runs."""
    engine = h.service.deps.storage._engine.sync_engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_me_keeps_its_fields_and_carries_no_ban_when_there_is_none(harness: Harness) -> None:
    user = me(harness, harness.token("dev:alice", name="Alice"))
    assert user == {
        "id": "dev:alice", "name": "Alice", "avatar_url": None, "roles": [], "banned": False,
        "language": None,
    }  # fmt: skip


def test_a_suspended_reader_learns_until_when_and_why(harness: Harness) -> None:
    harness.token("dev:hothead")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    ban(harness, "dev:hothead", "Cool off", until=until.isoformat())
    user = me(harness, harness.token("dev:hothead"))
    assert user["banned"] is True
    assert user["ban"] == {"until": until.isoformat().replace("+00:00", "Z"), "reason": "Cool off"}
    assert user["id"] == "dev:hothead" and user["roles"] == []


def test_a_permanent_ban_has_no_end(harness: Harness) -> None:
    harness.token("dev:troll")
    ban(harness, "dev:troll", "Abuse of other readers")
    user = me(harness, harness.token("dev:troll"))
    assert user["ban"] == {"until": None, "reason": "Abuse of other readers"}


def test_a_shadow_ban_is_not_revealed(harness: Harness) -> None:
    token = harness.token("dev:shadow")
    ban(harness, "dev:shadow", "Brigading", shadow=True)
    user = me(harness, token)
    assert user["banned"] is False and "ban" not in user
    assert (
        "Brigading"
        not in harness.client.get(ME, params={"site": "news"}, headers=harness.auth(token)).text
    )


def test_a_lapsed_ban_and_a_ban_elsewhere_do_not_show(harness: Harness) -> None:
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    harness.token("dev:roamer")
    ban(harness, "dev:roamer", "Not here", site="other")
    user = me(harness, harness.token("dev:roamer"))
    assert user["banned"] is False and "ban" not in user

    async def lapse(s: Any) -> None:
        from dataclasses import replace

        from comments.storage import BanWrite

        ban_ = await s.deps.storage.get_ban("other", "dev:roamer")
        lapsed = replace(ban_, until=datetime.now(UTC) - timedelta(seconds=1))
        await s.deps.storage.ban(BanWrite(ban=lapsed, revoke_sessions=False))

    harness.run(lapse)
    assert "ban" not in me(harness, harness.token("dev:roamer", site="other"), site="other")


def test_the_language_a_reader_posts_in_is_remembered_on_the_account(harness: Harness) -> None:
    token = harness.token("dev:olga")
    posted = harness.client.post(
        "/api/v1/sites/news/comments",
        json={"thread": "union", "body": "Добрый вечер.", "thread_url": ARTICLE},
        headers=harness.auth(token) | {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"},
    )
    assert posted.status_code == 201, posted.text
    assert me(harness, token)["language"] == "ru"
    stored = harness.run(lambda s: s.deps.storage.get_user("dev:olga"))
    assert stored is not None and stored.language == "ru"
    # A request that names no language leaves it as it is.
    harness.post(token, "Without a header.")
    assert me(harness, token)["language"] == "ru"
    assert harness.run(lambda s: s.deps.storage.get_user("dev:olga")).language == "ru"


def test_me_remembers_the_language_it_is_read_in(harness: Harness) -> None:
    token = harness.token("dev:taras")
    assert me(harness, token, **{"Accept-Language": "uk"})["language"] == "uk"
    assert me(harness, token)["language"] == "uk"
    assert me(harness, token, **{"Accept-Language": "be, en;q=0.1"})["language"] == "be"
    assert harness.run(lambda s: s.deps.storage.get_user("dev:taras")).language == "be"
    # A language we do not serve is answered in English, and so remembered as English.
    assert me(harness, token, **{"Accept-Language": "de-DE"})["language"] == "en"


def test_an_unchanged_language_costs_no_write(harness: Harness) -> None:
    token = harness.token("dev:ivan")
    russian = {"Accept-Language": "ru"}
    for _ in range(2):  # the session is now remembered, with no language yet
        me(harness, token)
    assert len(user_writes(harness, lambda: me(harness, token, **russian))) == 1
    # The remembered session learns the new language too: no process writes it again.
    again = user_writes(harness, lambda: [me(harness, token, **russian) for _ in range(3)])
    payload = {"thread": "union", "body": "Всё по-русски.", "thread_url": ARTICLE}
    posted = user_writes(
        harness,
        lambda: harness.client.post(
            "/api/v1/sites/news/comments", json=payload, headers=harness.auth(token) | russian
        ),
    )
    assert again == [] and posted == []


def test_another_users_language_is_left_alone(harness: Harness) -> None:
    olga, ivan = harness.token("dev:olga"), harness.token("dev:ivan")
    me(harness, olga, **{"Accept-Language": "ru"})
    me(harness, ivan, **{"Accept-Language": "uk"})
    assert me(harness, olga)["language"] == "ru" and me(harness, ivan)["language"] == "uk"
