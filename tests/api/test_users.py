"""The staff's user search: a site's people by name, with their roles and bans there."""

from __future__ import annotations

from typing import Any

import pytest

from comments.models import SitePolicy
from tests.harness import Harness

USERS = "/api/v1/sites/news/users"


def writer(h: Harness, user_id: str, name: str, site: str = "news") -> None:
    """A reader who has written on the site."""
    token = h.token(user_id, site=site, name=name)
    if site == "news":
        assert h.post(token).status_code == 201
        return
    r = h.client.post(
        f"/api/v1/sites/{site}/comments",
        json={
            "thread": "t",
            "body": f"Hello from {name}",
            "thread_url": f"https://{site}.example/t",
        },
        headers=h.auth(token),
    )
    assert r.status_code == 201, r.text


def search(h: Harness, token: str, q: str) -> Any:
    r = h.client.get(USERS, params={"q": q}, headers=h.auth(token))
    assert r.status_code == 200, r.text
    return r.json()["users"]


def test_staff_find_writers_by_part_of_the_name_in_any_case(harness: Harness) -> None:
    writer(harness, "dev:olga", "Ольга Петрова")
    writer(harness, "dev:oleg", "Oleg Smith")
    writer(harness, "dev:anna", "Anna")
    mod = harness.moderator()
    found = search(harness, mod, "ОЛЬГ")
    assert found == [
        {"id": "dev:olga", "name": "Ольга Петрова", "avatar_url": None, "roles": [],
         "banned": False}
    ]  # fmt: skip
    assert [u["id"] for u in search(harness, mod, "петров")] == ["dev:olga"]
    assert [u["id"] for u in search(harness, mod, "sMiTh")] == ["dev:oleg"]
    assert [u["id"] for u in search(harness, mod, "ol")] == ["dev:oleg"]
    assert search(harness, mod, "a p") == []  # a Latin "a" is not the Cyrillic one
    assert search(harness, mod, "nobody by that name") == []


def test_only_the_sites_own_people_are_found(harness: Harness) -> None:
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    writer(harness, "dev:sam-here", "Sam Here")
    writer(harness, "dev:sam-there", "Sam There", site="other")
    harness.token("dev:sam-lurker", name="Sam Lurker")  # logged in, never wrote
    admin = harness.moderator("dev:sam-admin", role="admin")
    harness.run(lambda s: s.deps.storage.upsert_user(_renamed(s, "dev:sam-admin", "Sam Admin")))
    harness.token("dev:sam-banned", name="Sam Banned")
    r = harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:sam-banned", "reason": "Spam", "shadow": True},
        headers=harness.auth(admin),
    )
    assert r.status_code == 201, r.text
    found = {u["id"]: u for u in search(harness, admin, "sam")}
    assert set(found) == {"dev:sam-here", "dev:sam-admin", "dev:sam-banned"}
    assert found["dev:sam-admin"]["roles"] == ["admin", "moderator"]
    assert found["dev:sam-here"]["banned"] is False and "ban" not in found["dev:sam-here"]
    assert found["dev:sam-banned"]["banned"] is True
    assert found["dev:sam-banned"]["ban"] == {"until": None, "reason": "Spam", "shadow": True}
    assert [u["name"] for u in search(harness, admin, "sam")] == [
        "Sam Admin", "Sam Banned", "Sam Here"
    ]  # fmt: skip


def _renamed(s: Any, user_id: str, name: str) -> Any:
    from datetime import UTC, datetime

    from comments.models import User

    return User(user_id, name, None, datetime.now(UTC))


def test_at_most_twenty_are_answered_by_name(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=0)))
    for n in range(25):
        writer(harness, f"dev:reader{n:02}", f"Reader {n:02}")
    found = search(harness, harness.moderator(), "READER")
    assert [u["name"] for u in found] == [f"Reader {n:02}" for n in range(20)]


def test_like_wildcards_in_the_query_are_plain_characters(harness: Harness) -> None:
    writer(harness, "dev:pct", "100% Real")
    writer(harness, "dev:under", "snake_case")
    writer(harness, "dev:plain", "snakeXcase 100 Real")
    mod = harness.moderator()
    assert [u["id"] for u in search(harness, mod, "0% r")] == ["dev:pct"]
    assert [u["id"] for u in search(harness, mod, "e_c")] == ["dev:under"]
    assert [u["id"] for u in search(harness, mod, "\\")] == []


def test_readers_and_other_sites_staff_are_refused(harness: Harness) -> None:
    writer(harness, "dev:olga", "Olga")
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    for token in (harness.token("dev:reader"), harness.moderator("dev:else", site="other")):
        r = harness.client.get(USERS, params={"q": "olga"}, headers=harness.auth(token))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        assert "Olga" not in r.text
    anonymous = harness.client.get(USERS, params={"q": "olga"})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("q", [None, "", "   ", "x" * 81])
def test_the_query_is_one_to_eighty_characters(harness: Harness, q: str | None) -> None:
    params = {} if q is None else {"q": q}
    r = harness.client.get(USERS, params=params, headers=harness.auth(harness.moderator()))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_an_eighty_character_query_is_taken(harness: Harness) -> None:
    assert search(harness, harness.moderator(), "x" * 80) == []
