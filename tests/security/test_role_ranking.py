"""Roles rank: who may ban whom and take whose roles away, through the HTTP API.

A moderator bans readers; an admin bans moderators and other admins; nobody bans an
admin named in `COMMENTS_ADMINS`; a site never loses its last admin. Every refusal is a
403 `forbidden` with words a person can act on, leaves the target as they were, and is
written to the site's audit log. There is no bulk ban: the one path that acts on many
of a target's comments at once is the ban's own `reject_pending`, checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest

from comments.models import SitePolicy
from comments.service import Service
from tests.harness import Harness

BANS = "/api/v1/sites/news/bans"
LOG = "/api/v1/sites/news/moderation/log"
QUEUE = "/api/v1/sites/news/moderation/queue"
ROOT = "dev:root"  # named in COMMENTS_ADMINS by the `rooted` fixture


@pytest.fixture
def rooted(database_url: str) -> Iterator[Harness]:
    """The app with `dev:root` an admin of every site through the settings alone."""
    with Harness.start(database_url, admins=ROOT) as h:
        yield h


def settings_admin(h: Harness) -> str:
    """An API token for the admin named in the settings (no stored role at all)."""

    async def work(s: Service) -> str:
        await s.sites.ensure_user(ROOT)
        return await s.sessions.issue(ROOT, "news", kind="api", role="admin")

    return h.run(work)


def ban(h: Harness, token: str, user_id: str, **extra: Any) -> httpx.Response:
    """POST a ban as the dashboard's ban dialog does."""
    body = {"user_id": user_id, "reason": "Testing the limits"} | extra
    return h.client.post(BANS, json=body, headers=h.auth(token))


def set_roles(h: Harness, token: str, user_id: str, roles: list[str]) -> httpx.Response:
    """PUT a user's roles on the site."""
    return h.client.put(
        f"/api/v1/sites/news/roles/{user_id}", json={"roles": roles}, headers=h.auth(token)
    )


def banned_ids(h: Harness, token: str) -> list[str]:
    """Who the site's ban list shows."""
    listed = h.client.get(BANS, headers=h.auth(token))
    assert listed.status_code == 200, listed.text
    return [b["user_id"] for b in listed.json()["bans"]]


def roles_of(h: Harness, token: str, user_id: str) -> list[str]:
    """The roles the site's role list shows for a user."""
    rows = h.client.get("/api/v1/sites/news/roles", headers=h.auth(token)).json()["roles"]
    return next((row["roles"] for row in rows if row["user_id"] == user_id), [])


def last_entry(h: Harness, token: str) -> dict[str, Any]:
    """The newest entry of the site's audit log."""
    entries = h.client.get(LOG, headers=h.auth(token)).json()["entries"]
    assert entries, "the audit log is empty"
    entry: dict[str, Any] = entries[0]
    return entry


def assert_refused(response: httpx.Response, message: str) -> None:
    """A 403 `forbidden` carrying exactly this message."""
    assert response.status_code == 403, response.text
    assert response.json()["error"] == {"code": "forbidden", "message": message}


MOD_ON_STAFF = "A moderator cannot ban an admin or another moderator of this site; ask an admin."
ROOT_UNBANNABLE = (
    "root is an admin of every site, named in the service's settings: nobody can ban them."
)


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("ban", {}),
        ("suspension", {"until": (datetime.now(UTC) + timedelta(days=3)).isoformat()}),
        ("shadow ban", {"shadow": True}),
    ],
)
def test_moderator_cannot_ban_suspend_or_shadow_ban_an_admin(
    harness: Harness, kind: str, extra: dict[str, Any]
) -> None:
    """Attack: a moderator bans the site's admin (or suspends, or shadow-bans them) to take
    over the site or silence whoever could take their role away."""
    admin = harness.moderator("dev:boss", role="admin")
    mod = harness.moderator("dev:mod")
    r = ban(harness, mod, "dev:boss", **extra)
    assert_refused(r, MOD_ON_STAFF)
    assert banned_ids(harness, admin) == []
    assert harness.client.get(QUEUE, headers=harness.auth(admin)).status_code == 200, kind
    entry = last_entry(harness, admin)
    assert entry["action"] == "ban_refused"
    assert entry["actor"] == {"id": "dev:mod", "name": "mod"}
    assert entry["user_id"] == "dev:boss" and entry["reason"] == "Testing the limits"
    assert entry["details"]["refused"] == MOD_ON_STAFF
    assert entry["details"]["shadow"] is bool(extra.get("shadow"))
    assert (entry["details"]["until"] is not None) is ("until" in extra)


def test_moderator_cannot_ban_another_moderator(harness: Harness) -> None:
    """Attack: one moderator bans a fellow moderator to silence them."""
    ann, ben = harness.moderator("dev:ann"), harness.moderator("dev:ben")
    assert_refused(ban(harness, ann, "dev:ben"), MOD_ON_STAFF)
    assert banned_ids(harness, ann) == []
    assert harness.client.get(QUEUE, headers=harness.auth(ben)).status_code == 200
    entry = last_entry(harness, ben)
    assert (entry["action"], entry["actor"]["id"], entry["user_id"]) == (
        "ban_refused",
        "dev:ann",
        "dev:ben",
    )


def test_moderator_cannot_reject_an_admins_waiting_comments_through_the_ban_dialog(
    harness: Harness,
) -> None:
    """Attack: a moderator uses the ban's "reject everything pending" to throw away an
    admin's held comments in one go (there is no bulk ban; this is the one many-at-once
    path a ban has)."""
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    held = harness.post(harness.token("dev:boss"), "Written before they ran the site")
    assert held.status_code == 201 and held.json()["status"] == "pending"
    admin = harness.moderator("dev:boss", role="admin")  # staff's own posts are not held
    mod = harness.moderator("dev:mod")
    assert_refused(ban(harness, mod, "dev:boss", reject_pending=True), MOD_ON_STAFF)
    pending = harness.client.get(QUEUE, headers=harness.auth(admin)).json()["items"]
    assert [i["comment"]["id"] for i in pending] == [held.json()["id"]]
    assert last_entry(harness, admin)["details"]["reject_pending"] is True


def test_admins_moderator_scoped_token_ranks_as_a_moderator(harness: Harness) -> None:
    """Attack: a token made with `--role moderator` for an admin's account is used to ban
    another moderator, as if it carried the account's admin rank."""
    harness.moderator("dev:boss", role="admin")
    narrow = harness.run(
        lambda s: s.sessions.issue("dev:boss", "news", kind="api", role="moderator")
    )
    harness.moderator("dev:mod")
    assert_refused(ban(harness, narrow, "dev:mod"), MOD_ON_STAFF)
    assert banned_ids(harness, narrow) == []


def test_nobody_bans_an_admin_named_in_the_settings(rooted: Harness) -> None:
    """Attack: a site's own admin (or moderator) bans the service-wide admin named in
    COMMENTS_ADMINS, visibly or in the shadows."""
    h = rooted
    root = settings_admin(h)
    admin, mod = h.moderator("dev:boss", role="admin"), h.moderator("dev:mod")
    for token, extra in ((admin, {}), (admin, {"shadow": True}), (mod, {})):
        assert_refused(ban(h, token, ROOT, **extra), ROOT_UNBANNABLE)
    assert banned_ids(h, root) == []
    assert h.client.get(QUEUE, headers=h.auth(root)).status_code == 200
    entry = last_entry(h, root)
    assert (entry["action"], entry["actor"]["id"], entry["user_id"]) == (
        "ban_refused",
        "dev:mod",
        ROOT,
    )


def test_admin_named_in_the_settings_cannot_be_demoted_through_the_api(rooted: Harness) -> None:
    """Attack: a site admin sets the settings' admin's roles to nothing, to hide them from
    the role list or to look as if they had no power here."""
    h = rooted
    root = settings_admin(h)
    admin = h.moderator("dev:boss", role="admin")
    message = (
        "root is an admin of every site, named in the service's settings: "
        "their admin role cannot be taken away here."
    )
    assert_refused(set_roles(h, admin, ROOT, ["moderator"]), message)
    assert_refused(set_roles(h, admin, ROOT, []), message)
    entry = last_entry(h, root)
    assert (entry["action"], entry["actor"]["id"], entry["user_id"]) == (
        "roles_refused",
        "dev:boss",
        ROOT,
    )
    assert entry["details"]["roles"] == [] and entry["details"]["refused"] == message


def test_last_admin_cannot_step_down(harness: Harness) -> None:
    """Attack (or slip): the site's only admin demotes themselves, leaving nobody who can
    change its settings or roles."""
    admin = harness.moderator("dev:boss", role="admin")
    r = set_roles(harness, admin, "dev:boss", ["moderator"])
    assert_refused(r, "You are the last admin of this site; make someone else an admin first.")
    assert roles_of(harness, admin, "dev:boss") == ["admin"]
    entry = last_entry(harness, admin)
    assert (entry["action"], entry["user_id"], entry["details"]["roles"]) == (
        "roles_refused",
        "dev:boss",
        ["moderator"],
    )


def test_banned_admin_cannot_ban_or_demote_the_last_admin_standing(harness: Harness) -> None:
    """Attack: an admin who was banned still holds a login that administers, and uses it to
    ban or demote the one admin in good standing, leaving the site to nobody."""
    boss = harness.moderator("dev:boss", role="admin")
    harness.moderator("dev:deputy", role="admin")
    assert ban(harness, boss, "dev:deputy").status_code == 201  # admins may ban admins
    deputy = harness.moderator("dev:deputy", role="admin")  # a login made after the ban
    expected = {
        "code": "banned",
        "message": "You are banned from this site, and cannot moderate it.",
    }
    for attempt in (ban(harness, deputy, "dev:boss"),
                    set_roles(harness, deputy, "dev:boss", ["moderator"])):  # fmt: skip
        assert attempt.status_code == 403 and attempt.json()["error"] == expected
    queue = harness.client.get("/api/v1/sites/news/moderation/queue", headers=harness.auth(deputy))
    assert queue.status_code == 403
    assert banned_ids(harness, boss) == ["dev:deputy"]
    assert roles_of(harness, boss, "dev:boss") == ["admin"]


def test_moderator_cannot_change_roles_and_the_attempt_is_logged(harness: Harness) -> None:
    """Attack: a moderator makes themselves an admin, or strips the admin's role."""
    admin = harness.moderator("dev:boss", role="admin")
    mod = harness.moderator("dev:mod")
    message = "Only an admin of this site can change roles."
    assert_refused(set_roles(harness, mod, "dev:mod", ["admin", "moderator"]), message)
    assert_refused(set_roles(harness, mod, "dev:boss", []), message)
    assert roles_of(harness, admin, "dev:mod") == ["moderator"]
    assert roles_of(harness, admin, "dev:boss") == ["admin"]
    entries = harness.client.get(LOG, headers=harness.auth(admin)).json()["entries"]
    assert [(e["action"], e["actor"]["id"], e["user_id"]) for e in entries[:2]] == [
        ("roles_refused", "dev:mod", "dev:boss"),
        ("roles_refused", "dev:mod", "dev:mod"),
    ]


def test_admin_may_not_take_away_their_own_admin_role_even_with_other_admins(
    harness: Harness,
) -> None:
    """Attack (or slip): an admin demotes themselves by mistake; another admin must do it."""
    admin = harness.moderator("dev:boss", role="admin")
    harness.moderator("dev:deputy", role="admin")
    assert_refused(
        set_roles(harness, admin, "dev:boss", []),
        "You cannot take away your own admin role; ask another admin.",
    )
    assert roles_of(harness, admin, "dev:boss") == ["admin"]


def test_admin_bans_a_moderator_and_the_ban_takes_hold(harness: Harness) -> None:
    """Allowed: an admin outranks a moderator, so the ban goes through and ends their login."""
    admin = harness.moderator("dev:boss", role="admin")
    mod = harness.moderator("dev:mod")
    r = ban(harness, admin, "dev:mod")
    assert r.status_code == 201, r.text
    assert banned_ids(harness, admin) == ["dev:mod"]
    assert harness.client.get(QUEUE, headers=harness.auth(mod)).status_code == 401
    assert last_entry(harness, admin)["action"] == "ban"


def test_admin_demotes_another_admin_while_one_remains(harness: Harness) -> None:
    """Allowed: with an admin left, one admin may take another's admin role away."""
    boss = harness.moderator("dev:boss", role="admin")
    harness.moderator("dev:deputy", role="admin")
    r = set_roles(harness, boss, "dev:deputy", ["moderator"])
    assert r.status_code == 200, r.text
    assert roles_of(harness, boss, "dev:deputy") == ["moderator"]
    assert last_entry(harness, boss)["action"] == "roles"


def test_settings_admin_makes_room_for_demoting_the_only_stored_admin(rooted: Harness) -> None:
    """Allowed: an admin named in the settings counts, so the site keeps an admin."""
    h = rooted
    root = settings_admin(h)
    h.moderator("dev:boss", role="admin")
    assert set_roles(h, root, "dev:boss", ["moderator"]).status_code == 200
    assert roles_of(h, root, "dev:boss") == ["moderator"]


def test_moderator_bans_a_reader_as_before(harness: Harness) -> None:
    """Allowed: a moderator outranks a reader."""
    reader = harness.token("dev:troll")
    mod = harness.moderator("dev:mod")
    assert ban(harness, mod, "dev:troll").status_code == 201
    assert banned_ids(harness, mod) == ["dev:troll"]
    assert harness.post(reader, "Still here?").status_code == 401
