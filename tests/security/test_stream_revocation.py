"""Revocation reaches open streams: the moderation stream ends when its caller loses it.

The moderation stream carries comment bodies and author ids. Each test holds one on
instance B, takes the caller's right to it away on instance A (logout, logout
everywhere, the role withdrawn, a ban), then holds a new comment; the stream must end
within five seconds of the revocation and carry nothing that arrived after it — in
particular not the new comment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx2 as httpx
import pytest

from comments.realtime import MemoryBroker
from comments.service.sessions import REVOKED
from comments.service.streams import guarded
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


def assert_cut_off(pair: Pair, stream: Watch, revoked_at: float) -> None:
    """After a revocation: a new held comment never reaches the stream, which ends in time."""
    held = pair.hold("Written after the moderator lost the queue.")
    assert stream.ends_within(PROMISE, since=revoked_at), "the stream is still open"
    assert stream.names(after=revoked_at) == []
    assert not stream.carried(held)


def admin_of(pair: Pair) -> dict[str, str]:
    """Headers of a fresh admin of the site (an API token)."""
    return bearer(pair.token(pair.user("boss"), kind="api", role="admin"))


def logout(pair: Pair, moderator: str, token: str) -> None:
    response = httpx.post(f"{pair.a.url}/auth/logout", headers=bearer(token), timeout=10)
    assert response.status_code == 204, response.text


def logout_everywhere_from_another_token(pair: Pair, moderator: str, token: str) -> None:
    other = pair.token(moderator)  # the same person's widget login
    response = httpx.post(
        f"{pair.a.url}/auth/logout", json={"everywhere": True}, headers=bearer(other), timeout=10
    )
    assert response.status_code == 204, response.text


def role_removed(pair: Pair, moderator: str, token: str) -> None:
    response = httpx.put(
        f"{pair.a.url}/api/v1/sites/{SITE}/roles/{moderator}",
        json={"roles": []},
        headers=admin_of(pair),
        timeout=10,
    )
    assert response.status_code == 200, response.text


def banned(pair: Pair, moderator: str, token: str) -> None:
    response = httpx.post(
        f"{pair.a.url}/api/v1/sites/{SITE}/bans",
        json={"user_id": moderator, "reason": "Leaked the queue"},
        headers=admin_of(pair),
        timeout=10,
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "revoke",
    [logout, logout_everywhere_from_another_token, role_removed, banned],
    ids=["logout", "logout-everywhere", "role-removed", "banned"],
)
def test_api_token_stream_ends_when_its_moderator_loses_the_queue(
    instances: Pair, watch: Opener, revoke: Callable[[Pair, str, str], None]
) -> None:
    """Attack: keep reading the moderation queue over a stream opened before the logout,
    the role's withdrawal or the ban, from another instance than the one that revoked."""
    moderator = instances.user("mod")
    token = instances.token(moderator, kind="api", role="moderator")
    stream = watch(instances.b.url + EVENTS, bearer(token)).ready()
    live_queue(instances, stream, "Seen while still a moderator.")

    revoke(instances, moderator, token)
    revoked_at = time.monotonic()

    assert_cut_off(instances, stream, revoked_at)
    again = httpx.get(instances.b.url + EVENTS, headers=bearer(token), timeout=10)
    assert again.status_code in (401, 403), again.text


def test_dashboard_stream_ends_at_dashboard_logout(instances: Pair, watch: Opener) -> None:
    """Attack: keep the dashboard's live queue open in one tab after logging out in
    another, the stream held by another instance than the one that logged out."""
    moderator = instances.user("desk")
    cookie, csrf = instances.dashboard_login(moderator)
    headers = {"Cookie": f"comments_session={cookie}"}
    stream = watch(instances.b.url + EVENTS, headers).ready()
    live_queue(instances, stream, "Seen on the dashboard.")

    out = httpx.post(
        f"{instances.a.url}/moderate/logout",
        headers=headers | {"Origin": instances.a.url, "X-CSRF-Token": csrf},
        timeout=10,
    )
    assert out.status_code == 204, out.text
    revoked_at = time.monotonic()

    assert_cut_off(instances, stream, revoked_at)


def test_dashboard_stream_ends_when_its_moderator_is_banned(instances: Pair, watch: Opener) -> None:
    """Attack: a moderator banned from the site keeps the dashboard's live queue open
    (a dashboard session belongs to no one site, so the ban does not end it)."""
    moderator = instances.user("desk")
    cookie, _csrf = instances.dashboard_login(moderator)
    headers = {"Cookie": f"comments_session={cookie}"}
    stream = watch(instances.b.url + EVENTS, headers).ready()
    live_queue(instances, stream, "Seen before the ban.")

    banned(instances, moderator, "")
    revoked_at = time.monotonic()

    assert_cut_off(instances, stream, revoked_at)
    again = httpx.get(instances.b.url + EVENTS, headers=headers, timeout=10)
    assert again.status_code == 403 and again.json()["error"]["code"] == "banned", again.text


async def test_events_queued_before_a_revocation_are_never_sent() -> None:
    """Attack: read the queue items that were already on their way to a slow stream when
    its caller was revoked; the burst drains after the revocation, so it must be dropped."""
    broker = MemoryBroker()
    standing = {"allowed": True}

    async def allowed() -> bool:
        return standing["allowed"]

    async with broker.subscribe("moderation:news", "sessions:dev:mod") as source:
        events = guarded(source, allowed, every=60)
        first = asyncio.ensure_future(anext(events))
        await broker.publish("moderation:news", "queue.added", {"n": 0})
        assert await first == ("queue.added", {"n": 0})
        for n in range(1, 50):  # queued while the stream was busy sending the first
            await broker.publish("moderation:news", "queue.added", {"n": n})
        standing["allowed"] = False
        await broker.publish("sessions:dev:mod", REVOKED, {"user_id": "dev:mod"})
        assert [event async for event in events] == []


async def test_an_idle_stream_ends_at_its_next_check() -> None:
    """Attack: hold a quiet stream open after losing the role, waiting for the next item;
    the periodic check ends it even when nothing is sent and no signal comes."""
    broker = MemoryBroker()
    checks: list[bool] = []

    async def allowed() -> bool:
        checks.append(len(checks) < 2)  # loses the right at the third check
        return checks[-1]

    async with broker.subscribe("moderation:news") as source:
        sent = [event async for event in guarded(source, allowed, every=0.01)]
    assert sent == [] and checks == [True, True, False]
