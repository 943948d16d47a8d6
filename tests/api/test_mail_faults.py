"""A mail relay that refuses, hangs, drops the connection or goes away: nothing is lost,
nothing it accepted is sent again, and what it refused for good is shown to admins.

The relay is aiosmtpd on loopback, told to misbehave (tests/mail_server.py).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from comments.models import SitePolicy
from comments.service import Service
from tests.api.test_mail import ALICE, Clock, clock, comment_id_of, deliver, reader, relay
from tests.harness import Harness
from tests.mail_server import MailServer, Mode

__all__ = ["clock", "relay"]  # the fixtures, shared with tests/api/test_mail.py


class Killed(BaseException):
    """Stops the batch where it stands, as a killed process would (no handler catches it)."""


@pytest.fixture
def mailing(database_url: str, relay: MailServer, clock: Clock) -> Iterator[Harness]:
    settings = relay.settings() | {
        "worker": "external",
        "notify_interval_seconds": 600,
        "smtp_timeout_seconds": 0.5,
    }
    with Harness.start(database_url, clock=clock, **settings) as h:
        h.run(lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=0)))
        deliver(h)
        yield h


def _reply_to_alice(h: Harness) -> None:
    alice = reader(h, "dev:alice", ALICE)
    bob = reader(h, "dev:bob", None, name="Bob")
    parent = comment_id_of(h.post(alice, "Tell me of replies.", notify=True))
    comment_id_of(h.post(bob, "Here is one.", parent_id=parent))


def _waiting(h: Harness) -> int:
    return h.run(lambda s: s.deps.storage.outbox_pending())


def _failed(h: Harness, token: str) -> list[dict[str, Any]]:
    answer = h.client.get("/api/v1/sites/news/outbox/failed", headers=h.auth(token))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["failed"]
    return items


@pytest.mark.parametrize("mode", ["tempfail", "hang", "drop"])
def test_a_relay_that_fails_for_now_gets_the_mail_once_when_it_recovers(
    mailing: Harness, relay: MailServer, clock: Clock, mode: Mode
) -> None:
    relay.mode = mode
    _reply_to_alice(mailing)
    deliver(mailing)
    assert relay.attempts == 1 and relay.received == []
    assert _waiting(mailing) == 1  # kept, to be tried again
    clock.advance(1)  # before its backoff: not tried again yet
    deliver(mailing)
    assert relay.attempts == 1
    relay.mode = "ok"
    clock.advance(10)
    deliver(mailing)
    [mail] = relay.to(ALICE)
    assert mail.message["Subject"] == "Bob replied to your comment"
    clock.advance(600)
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1 and _waiting(mailing) == 0


def test_a_relay_stopped_mid_send_gets_the_mail_after_its_restart(
    mailing: Harness, relay: MailServer, clock: Clock
) -> None:
    relay.mode = "hang"  # holds the message's DATA: the send is under way
    _reply_to_alice(mailing)
    sending = threading.Thread(target=deliver, args=(mailing,))
    sending.start()
    deadline = time.monotonic() + 10
    while relay.attempts == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert relay.attempts == 1, "the send never reached the relay"
    relay.stop()  # mid-send: the connection goes with it
    sending.join(10)
    assert not sending.is_alive()
    assert relay.received == [] and _waiting(mailing) == 1
    clock.advance(10)
    deliver(mailing)  # the relay is down: refused connection, still kept
    assert _waiting(mailing) == 1
    relay.mode = "ok"
    relay.start()  # the same port
    clock.advance(10)
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1 and _waiting(mailing) == 0


def test_a_permanent_refusal_is_not_retried_and_admins_see_it_masked_and_can_retry(
    mailing: Harness, relay: MailServer, clock: Clock
) -> None:
    admin = mailing.moderator("dev:admin", role="admin")
    reader_token = reader(mailing, "dev:carol", None)
    relay.mode = "refuse"
    _reply_to_alice(mailing)
    deliver(mailing)
    clock.advance(3600)
    deliver(mailing)
    assert relay.attempts == 0 and _waiting(mailing) == 0  # given up at once: 550
    [failed] = _failed(mailing, admin)
    assert failed["kind"] == "mail.send"
    assert failed["about"] == {"to": "a…@example.com", "subject": "Bob replied to your comment"}
    assert "550" in failed["error"] and ALICE not in str(failed)
    # Readers and moderators see no failed messages; a forged id is not found.
    refused = mailing.client.get(
        "/api/v1/sites/news/outbox/failed", headers=mailing.auth(reader_token)
    )
    assert refused.status_code == 403
    mod = mailing.moderator("dev:mod")
    assert (
        mailing.client.get(
            "/api/v1/sites/news/outbox/failed", headers=mailing.auth(mod)
        ).status_code
        == 403
    )
    for bad in ("0" * 26, "x", "../" * 9):
        again = mailing.client.post(
            f"/api/v1/sites/news/outbox/failed/{bad}/retry", headers=mailing.auth(admin)
        )
        assert again.status_code in (404, 422) and again.json()["error"]["code"] in (
            "not_found",
            "invalid",
        )
    relay.mode = "ok"
    retried = mailing.client.post(
        f"/api/v1/sites/news/outbox/failed/{failed['id']}/retry", headers=mailing.auth(admin)
    )
    assert retried.status_code == 202
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1 and _failed(mailing, admin) == []


def test_the_dispatcher_marks_each_accepted_mail_before_the_next(
    mailing: Harness, relay: MailServer
) -> None:
    """A crash after the relay took a mail repeats at most that mail: each is marked
    delivered as soon as it was accepted, not with its batch."""
    tokens = [reader(mailing, f"dev:r{n}", f"r{n}@example.com") for n in range(3)]
    bob = reader(mailing, "dev:bob", None)
    for n, token in enumerate(tokens):
        parent = comment_id_of(mailing.post(token, f"Tell me, reader {n}.", notify=True))
        comment_id_of(mailing.post(bob, f"Told, reader {n}.", parent_id=parent))

    async def seal_then_break_after_the_first(s: Service) -> int:
        notices = s.dispatcher.notices
        mailer = s.dispatcher.mailer
        assert notices is not None and mailer is not None
        await s.dispatcher.deliver_due()  # the posts' rows: notices stored
        assert await notices.flush() == 3  # three mails sealed
        original = mailer.send
        calls = 0

        async def send_then_crash(row: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise Killed  # what a kill looks like from inside the batch: nothing after runs
            await original(row)

        mailer.send = send_then_crash  # type: ignore[method-assign]
        try:
            await s.dispatcher.deliver_due()
        except Killed:
            pass
        finally:
            mailer.send = original  # type: ignore[method-assign]
        return await s.deps.storage.outbox_pending()

    left = mailing.run(seal_then_break_after_the_first)
    assert len(relay.received) == 1
    assert left == 2  # the accepted one is marked; the other two wait for their lease


def test_two_workers_sealing_the_same_digest_mail_it_once(
    mailing: Harness, relay: MailServer
) -> None:
    _reply_to_alice(mailing)

    async def race(s: Service) -> list[int]:
        notices = s.dispatcher.notices
        assert notices is not None
        await s.dispatcher.deliver_due()  # the posts' rows: the notice is stored
        # Two workers' rounds at once, over the same database.
        sealed = await asyncio.gather(notices.flush(), notices.flush(), notices.flush())
        await s.dispatcher.deliver_due()
        return list(sealed)

    sealed = mailing.run(race)
    assert sum(sealed) == 1
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1


def test_the_mail_series_count_what_the_relay_did(
    database_url: str, relay: MailServer, clock: Clock
) -> None:
    settings = relay.settings() | {"worker": "external", "metrics_token": "m" * 20}
    with Harness.start(database_url, clock=clock, **settings) as h:
        h.run(lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=0)))
        relay.mode = "refuse"
        _reply_to_alice(h)
        deliver(h)
        scrape = h.client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 20})
        assert 'comments_mail_deliveries_total{outcome="refused"} 1.0' in scrape.text
        assert 'comments_mail_deliveries_total{outcome="sent"}' not in scrape.text
