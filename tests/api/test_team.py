"""The team page's data: the site's own staff, and the admins the service's settings name,
marked so the page shows them as managed elsewhere (and a change to them says why not)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comments.service import Service
from tests.harness import Harness

ROLES = "/api/v1/sites/news/roles"


@pytest.fixture
def rooted(database_url: str) -> Iterator[Harness]:
    """The app with `dev:root` an admin of every site through the settings alone."""
    with Harness.start(database_url, admins="dev:root,dev:absent") as h:
        yield h


def test_settings_admins_are_listed_as_from_the_environment(rooted: Harness) -> None:
    h = rooted
    admin = h.moderator("dev:boss", role="admin")
    h.moderator("dev:mod")
    h.run(lambda s: s.sites.ensure_user("dev:root", "Root"))
    rows = h.client.get(ROLES, headers=h.auth(admin)).json()["roles"]
    assert rows == [
        {"user_id": "dev:boss", "user_name": "boss", "roles": ["admin"], "source": "site"},
        {"user_id": "dev:mod", "user_name": "mod", "roles": ["moderator"], "source": "site"},
        {"user_id": "dev:absent", "user_name": None, "roles": ["admin"],
         "source": "environment"},
        {"user_id": "dev:root", "user_name": "Root", "roles": ["admin"],
         "source": "environment"},
    ]  # fmt: skip


def test_a_role_the_settings_admin_also_holds_here_shows_once(rooted: Harness) -> None:
    h = rooted
    admin = h.moderator("dev:boss", role="admin")

    async def grant(s: Service) -> None:
        await s.sites.ensure_user("dev:root")
        await s.sites.grant("news", "dev:root", "moderator")

    h.run(grant)
    rows = h.client.get(ROLES, headers=h.auth(admin)).json()["roles"]
    root = [row for row in rows if row["user_id"] == "dev:root"]
    assert root == [{"user_id": "dev:root", "user_name": "root",
                     "roles": ["admin", "moderator"], "source": "environment"}]  # fmt: skip


def test_changing_a_settings_admin_here_answers_why_not(rooted: Harness) -> None:
    h = rooted
    admin = h.moderator("dev:boss", role="admin")
    r = h.client.put(f"{ROLES}/dev:root", json={"roles": ["admin", "moderator"]},
                     headers=h.auth(admin))  # fmt: skip
    assert r.status_code == 409
    assert r.json()["error"] == {
        "code": "conflict",
        "message": "dev:root is an admin of every site, named in the service's settings "
        "(COMMENTS_ADMINS): their roles are changed there, not here.",
    }
