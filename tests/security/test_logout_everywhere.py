"""`POST /auth/logout` with `{"everywhere": true}` ends every session of the caller.

Without a body, with `{}` or with `{"everywhere": false}` it ends only the bearer token,
as it always did. Logins of one person used here: a widget token, a moderator's API
token holding the moderation stream on instance B, and a dashboard session; the
logout goes to instance A.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2 as httpx
import pytest

from tests.security.streaming import (
    EVENTS,
    PROMISE,
    SITE,
    Pair,
    Watch,
    bearer,
    instances,
    live_queue,
    watch,
)

__all__ = ["instances", "watch"]

Opener = Callable[[str, dict[str, str]], Watch]


def me(pair: Pair, token: str) -> int:
    """The status of `GET /api/v1/me` with a token on instance B."""
    return httpx.get(
        f"{pair.b.url}/api/v1/me", params={"site": SITE}, headers=bearer(token), timeout=10
    ).status_code


def dashboard(pair: Pair, cookie: str) -> int:
    """The status of the dashboard's session check with a session cookie on instance B."""
    return httpx.get(
        f"{pair.b.url}/moderate/session",
        headers={"Cookie": f"comments_session={cookie}"},
        timeout=10,
    ).status_code


def test_logout_everywhere_ends_every_login_and_stream_of_the_caller(
    instances: Pair, watch: Opener
) -> None:
    """Attack: a stolen or forgotten login (another device's widget token, an API token
    with its open stream, a dashboard session) outlives the reader's logout; after
    "log out everywhere" none of them works, and other people's logins still do."""
    person = instances.user("many")
    widget = instances.token(person)
    api = instances.token(person, kind="api", role="moderator")
    cookie, _csrf = instances.dashboard_login(person)
    stranger = instances.token(instances.user("stranger"))
    stream = watch(instances.b.url + EVENTS, bearer(api)).ready()
    live_queue(instances, stream, "Seen before logging out everywhere.")

    out = httpx.post(
        f"{instances.a.url}/auth/logout",
        json={"everywhere": True},
        headers=bearer(widget),
        timeout=10,
    )
    assert out.status_code == 204, out.text
    revoked_at = time.monotonic()

    held = instances.hold("Written after logging out everywhere.")
    assert stream.ends_within(PROMISE, since=revoked_at), "the stream is still open"
    assert stream.names(after=revoked_at) == []
    assert not stream.carried(held)
    assert me(instances, widget) == 401
    assert me(instances, api) == 401
    assert dashboard(instances, cookie) == 401
    assert me(instances, stranger) == 200


@pytest.mark.parametrize(
    "body",
    [None, {}, {"everywhere": False}],
    ids=["no-body", "empty-object", "everywhere-false"],
)
def test_plain_logout_ends_only_the_bearer_token(
    instances: Pair, watch: Opener, body: dict[str, Any] | None
) -> None:
    """A logout without "everywhere" ends the token it carries and nothing else: the same
    person's other token keeps working and its stream, told of the logout, stays open."""
    person = instances.user("one")
    widget = instances.token(person)
    api = instances.token(person, kind="api", role="moderator")
    stream = watch(instances.b.url + EVENTS, bearer(api)).ready()
    live_queue(instances, stream, "Seen before the logout.")

    out = httpx.post(
        f"{instances.a.url}/auth/logout", json=body, headers=bearer(widget), timeout=10
    )
    assert out.status_code == 204, out.text

    assert me(instances, widget) == 401
    assert me(instances, api) == 200
    held = instances.hold("Written after the other token's logout.")
    stream.wait_for("queue.added", lambda d: d["item"]["comment"]["id"] == held)
    assert stream.ended_at is None


@pytest.mark.parametrize(
    "body", [{"everywhere": "yes"}, {"everywhere": 1}, {"everywhere": True, "also": 1}, []]
)
def test_logout_with_a_malformed_body_ends_nothing(instances: Pair, body: Any) -> None:
    """Attack: a logout body of the wrong shape must not be read as "everywhere" or
    half-applied: it is refused and every login stays as it was."""
    person = instances.user("odd")
    widget = instances.token(person)
    other = instances.token(person)
    out = httpx.post(
        f"{instances.a.url}/auth/logout", json=body, headers=bearer(widget), timeout=10
    )
    assert out.status_code == 422, out.text
    assert out.json()["error"]["code"] == "invalid"
    assert me(instances, widget) == 200
    assert me(instances, other) == 200


def test_logout_everywhere_needs_a_live_login(instances: Pair) -> None:
    """Attack: "log out everywhere" with a token already revoked (or none) must not end
    anybody's sessions: 401, and the person's remaining logins still work."""
    person = instances.user("late")
    revoked = instances.token(person)
    kept = instances.token(person)
    first = httpx.post(f"{instances.a.url}/auth/logout", headers=bearer(revoked), timeout=10)
    assert first.status_code == 204
    for headers in (bearer(revoked), {}):
        again = httpx.post(
            f"{instances.a.url}/auth/logout", json={"everywhere": True}, headers=headers,
            timeout=10,
        )  # fmt: skip
        assert again.status_code == 401, again.text
    assert me(instances, kept) == 200
