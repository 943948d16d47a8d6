"""E-mail, end to end: what readers and moderators receive on a real SMTP server.

The relay is aiosmtpd on loopback (tests/mail_server.py). The app runs with
`worker="external"` and a hand-moved clock, and each test drives the delivery worker
itself (`deliver`), so what arrives, and when, is the test's to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from comments.models import SitePolicy
from comments.service import Service
from comments.service.effects import Consequences
from comments.storage import Effects
from tests.api.test_webhooks import Receiver, add, receiver, verified
from tests.harness import ARTICLE, Harness
from tests.mail_server import MailServer, Received
from tests.security.test_attack_sso import SECRET, claims, mint

__all__ = ["receiver"]  # the fixture, from tests/api/test_webhooks.py

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ALICE = "alice@example.com"
INTERVAL = 600


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def relay() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _start(database_url: str, relay: MailServer, clock: Clock, **extra: Any) -> Any:
    settings = relay.settings() | {
        "worker": "external",
        "notify_interval_seconds": INTERVAL,
        "smtp_timeout_seconds": 1.0,
    }
    return Harness.start(database_url, clock=clock, **(settings | extra))


@pytest.fixture
def mailing(database_url: str, relay: MailServer, clock: Clock) -> Iterator[Harness]:
    with _start(database_url, relay, clock) as h:
        policy = SitePolicy(rate_per_minute=0, rate_per_hour=0)
        h.run(lambda s: s.sites.update("news", policy=policy))
        deliver(h)
        yield h


def deliver(h: Harness) -> None:
    """What the delivery worker does in a round, until nothing more is due."""

    async def work(s: Service) -> None:
        notices = s.dispatcher.notices
        assert notices is not None
        for _ in range(10):
            delivered = await s.dispatcher.deliver_due()
            sealed = await notices.flush()
            if not delivered and not sealed:
                return

    h.run(work)


def reader(h: Harness, user: str, email: str | None, name: str | None = None) -> str:
    """A reader token; `email` set as a provider's verified claim would set it."""
    token = h.token(user, name=name)
    if email is not None:
        h.run(lambda s: s.deps.storage.set_email(user, email))
    return token


def hold_everything(h: Harness) -> None:
    """Pre-moderate every post on the site."""
    policy = SitePolicy(premoderation="all", rate_per_minute=0, rate_per_hour=0)
    h.run(lambda s: s.sites.update("news", policy=policy))


def comment_id_of(response: Any) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def unsubscribe_link(mail: Received) -> str:
    header = str(mail.message["List-Unsubscribe"])
    found = re.fullmatch(r"<(.+)>", header)
    assert found, header
    return found.group(1)


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_reply_reaches_the_author_who_asked_with_text_html_and_one_click_unsubscribe(
    mailing: Harness, relay: MailServer
) -> None:
    alice = reader(mailing, "dev:alice", ALICE, name="Alice")
    bob = reader(mailing, "dev:bob", None, name="Bob <b>")
    parent = comment_id_of(mailing.post(alice, "Where is the border?", notify=True))
    reply = comment_id_of(mailing.post(bob, "Near *Smolensk*.", parent_id=parent))
    deliver(mailing)

    [mail] = relay.to(ALICE)
    message = mail.message
    assert message["From"] == "comments@news.example"
    assert message["To"] == ALICE
    assert message["Subject"] == "Bob <b> replied to your comment"
    assert re.fullmatch(r"<[0-9A-Z]{26}@testserver>", str(message["Message-ID"]))
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = mail.part("plain"), mail.part("html")
    link = f"{ARTICLE}#comment-{reply}"
    assert link in text and f'href="{link}"' in html
    assert "> Near *Smolensk*." in text
    assert "Bob &lt;b&gt;" in html and "<b>" not in html.replace("<blockquote", "")
    # One click (RFC 8058), as a mail client sends it: no login, no cookie.
    url = unsubscribe_link(mail)
    assert url.startswith("http://testserver/mail/unsubscribe?t=")
    done = mailing.client.post(local(url), content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "no more" in done.text
    comment_id_of(mailing.post(bob, "And another thing.", parent_id=parent))
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1


def test_no_mail_for_ones_own_reply_a_held_reply_or_a_shadow_banned_author(
    mailing: Harness, relay: MailServer
) -> None:
    alice = reader(mailing, "dev:alice", ALICE)
    carol = reader(mailing, "dev:carol", None)
    mod = mailing.moderator()
    parent = comment_id_of(mailing.post(alice, "A question for all.", notify=True))
    comment_id_of(mailing.post(alice, "Answering myself.", parent_id=parent))
    banned = mailing.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:carol", "shadow": True, "reason": "spam"},
        headers=mailing.auth(mod),
    )
    assert banned.status_code in (200, 201), banned.text
    comment_id_of(mailing.post(carol, "Shadow words.", parent_id=parent))
    deliver(mailing)
    assert relay.to(ALICE) == []

    # A held reply tells nobody until a moderator approves it.
    hold_everything(mailing)
    dave = reader(mailing, "dev:dave", None, name="Dave")
    held = mailing.post(dave, "A held answer.", parent_id=parent)
    assert held.json()["status"] == "pending"
    deliver(mailing)
    assert relay.to(ALICE) == []
    approved = mailing.client.post(
        f"/api/v1/moderation/comments/{held.json()['id']}/decision",
        json={"action": "approve"},
        headers=mailing.auth(mod),
    )
    assert approved.status_code == 200, approved.text
    deliver(mailing)
    [mail] = relay.to(ALICE)
    assert mail.message["Subject"] == "Dave replied to your comment"


def test_without_a_verified_address_notify_is_not_kept(mailing: Harness, relay: MailServer) -> None:
    erin = reader(mailing, "dev:erin", None)
    bob = reader(mailing, "dev:bob", None)
    parent = comment_id_of(mailing.post(erin, "No address here.", notify=True))
    mailing.run(lambda s: s.deps.storage.set_email("dev:erin", "erin@example.com"))
    comment_id_of(mailing.post(bob, "A reply.", parent_id=parent))
    deliver(mailing)
    assert relay.received == []


def test_replies_within_the_interval_come_as_one_digest_in_the_readers_language(
    mailing: Harness, relay: MailServer, clock: Clock
) -> None:
    alice = reader(mailing, "dev:alice", ALICE)
    # The reader's language is remembered from the widget's requests.
    me = mailing.client.get(
        "/api/v1/me",
        params={"site": "news"},
        headers=mailing.auth(alice) | {"Accept-Language": "ru"},
    )
    assert me.status_code == 200 and me.json()["user"]["language"] == "ru"
    chose = mailing.client.put(
        "/api/v1/me/notifications",
        params={"site": "news"},
        json={"replies": True},
        headers=mailing.auth(alice),
    )
    assert chose.status_code == 200 and chose.json()["replies"] is True
    parent = comment_id_of(mailing.post(alice, "Где граница?"))
    bob = reader(mailing, "dev:bob", None, name="Боб")
    comment_id_of(mailing.post(bob, "Первый ответ.", parent_id=parent))
    deliver(mailing)
    assert [m.message["Subject"] for m in relay.to(ALICE)] == ["Боб ответил(а) на ваш комментарий"]

    for n in range(3):  # a surge: nothing more is sent within the interval
        clock.advance(30)
        comment_id_of(mailing.post(bob, f"Ещё ответ {n}.", parent_id=parent))
        deliver(mailing)
    assert len(relay.to(ALICE)) == 1

    clock.advance(INTERVAL)
    deliver(mailing)
    first, digest = relay.to(ALICE)
    assert digest.message["Subject"] == "3 новых ответа на ваши комментарии"
    assert digest.message["Content-Language"] == "ru"
    text = digest.part("plain")
    assert all(f"Ещё ответ {n}." in text for n in range(3))
    assert digest.message_id != first.message_id


def test_the_author_is_told_of_a_decision_on_a_held_comment_with_the_reason(
    mailing: Harness, relay: MailServer, clock: Clock
) -> None:
    hold_everything(mailing)
    alice = reader(mailing, "dev:alice", ALICE)
    mod = mailing.moderator()
    kept = mailing.post(alice, "Kept for review, then published.").json()["id"]
    dropped = mailing.post(alice, "Kept for review, then dropped.").json()["id"]
    for comment, action, reason in ((kept, "approve", None), (dropped, "reject", "Off topic")):
        body = {"action": action} | ({"reason": reason} if reason else {})
        decided = mailing.client.post(
            f"/api/v1/moderation/comments/{comment}/decision", json=body, headers=mailing.auth(mod)
        )
        assert decided.status_code == 200, decided.text
        deliver(mailing)
        clock.advance(INTERVAL + 1)  # one mail per interval: each its own here
    published, rejected = relay.to(ALICE)
    assert published.message["Subject"] == "Your comment is published"
    assert f"#comment-{kept}" in published.part("plain")
    assert rejected.message["Subject"] == "Your comment was not published"
    assert "Reason: Off topic" in rejected.part("plain")
    assert "Reason: Off topic" in rejected.part("html")


def test_moderators_get_batched_alerts_linking_to_the_dashboard(
    mailing: Harness, relay: MailServer, clock: Clock
) -> None:
    hold_everything(mailing)
    mailing.moderator("dev:mod")
    mailing.run(lambda s: s.deps.storage.set_email("dev:mod", "mod@example.com"))
    alice = reader(mailing, "dev:alice", None)
    first = mailing.post(alice, "Held one.").json()["id"]
    deliver(mailing)
    for n in range(2):
        mailing.post(alice, f"Held again {n}.")
    deliver(mailing)
    [alert] = relay.to("mod@example.com")
    assert alert.message["Subject"] == "1 comment waits for moderation on news"
    assert f"/moderate?site=news&item={first}#/pending" in alert.part("plain")
    clock.advance(INTERVAL + 1)
    deliver(mailing)
    assert relay.to("mod@example.com")[1].message["Subject"] == (
        "2 comments wait for moderation on news"
    )
    # Opening the link changes nothing: it is a page of the dashboard.
    assert mailing.client.get(f"/moderate?site=news&item={first}").status_code == 200
    queue = mailing.client.get(
        "/api/v1/sites/news/moderation/queue",
        params={"status": "pending"},
        headers=mailing.auth(mailing.moderator("dev:mod")),
    )
    assert len(queue.json()["items"]) == 3


def test_an_address_is_confirmed_by_the_mailed_link_and_a_forged_one_fails(
    mailing: Harness, relay: MailServer
) -> None:
    frank = reader(mailing, "dev:frank", None)
    params = {"site": "news"}
    before = mailing.client.get(
        "/api/v1/me/notifications", params=params, headers=mailing.auth(frank)
    )
    assert before.json()["verified"] is False and before.json()["enabled"] is True
    asked = mailing.client.put(
        "/api/v1/me/notifications",
        params=params,
        json={"email": "frank@example.com"},
        headers=mailing.auth(frank),
    )
    assert asked.status_code == 200 and asked.json()["confirmation_sent_to"] == "frank@example.com"
    assert asked.json()["verified"] is False
    deliver(mailing)
    [mail] = relay.to("frank@example.com")
    link = re.search(r"http://testserver/mail/confirm\?t=\S+", mail.part("plain"))
    assert link
    path = local(link.group(0))
    # A GET (a mail scanner's) shows the button and confirms nothing.
    page = mailing.client.get(path)
    assert page.status_code == 200 and "frank@example.com" in page.text
    assert mailing.run(lambda s: s.deps.storage.get_user("dev:frank")).email is None  # type: ignore[union-attr]
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert mailing.client.post(forged).status_code == 400
    assert mailing.client.post(path).status_code == 200
    after = mailing.client.get(
        "/api/v1/me/notifications", params=params, headers=mailing.auth(frank)
    )
    assert after.json()["email"] == "frank@example.com" and after.json()["verified"] is True


@pytest.mark.parametrize(
    "address",
    [
        "frank@example.com\r\nBcc: victim@example.org",
        "frank@example.com\nBcc: victim@example.org",
        "Frank <frank@example.com>",
        "frank@example.com, victim@example.org",
        "frank@exämple.com",
        "a" * 250 + "@example.com",
        "",
    ],
)
def test_an_address_with_header_tricks_is_refused(
    mailing: Harness, relay: MailServer, address: str
) -> None:
    frank = reader(mailing, "dev:frank", None)
    asked = mailing.client.put(
        "/api/v1/me/notifications",
        params={"site": "news"},
        json={"email": address},
        headers=mailing.auth(frank),
    )
    assert asked.status_code == 422, asked.text
    assert asked.json()["error"]["code"] == "invalid"
    deliver(mailing)
    assert relay.received == []


def test_a_forged_or_reused_unsubscribe_link_changes_nothing_else(
    mailing: Harness, relay: MailServer
) -> None:
    alice = reader(mailing, "dev:alice", ALICE)
    bob = reader(mailing, "dev:bob", None)
    parent = comment_id_of(mailing.post(alice, "Tell me.", notify=True))
    comment_id_of(mailing.post(bob, "Told.", parent_id=parent))
    deliver(mailing)
    path = local(unsubscribe_link(relay.to(ALICE)[0]))
    body, mac = path.split("?t=")[1].split(".")
    for forged in (f"{body}.{mac[:-2]}xx", f"{body[:-2]}xx.{mac}", "", "not-a-token", "a" * 5000):
        page = mailing.client.post(f"/mail/unsubscribe?t={forged}")
        assert page.status_code == 400 and "does not work" in page.text
    # The GET a scanner makes does not unsubscribe.
    assert mailing.client.get(path).status_code == 200
    choices = mailing.client.get(
        "/api/v1/me/notifications", params={"site": "news"}, headers=mailing.auth(alice)
    )
    assert choices.json()["decisions"] is True
    for _ in range(2):  # used twice: the same answer
        assert mailing.client.post(path).status_code == 200
    comment_id_of(mailing.post(bob, "Told again.", parent_id=parent))
    deliver(mailing)
    assert len(relay.to(ALICE)) == 1


def test_the_publishers_sso_email_is_verified_and_a_tricked_one_is_dropped(
    mailing: Harness, relay: MailServer
) -> None:
    mailing.run(lambda s: s.sites.update("news", sso_secret=SECRET))

    at = int(START.timestamp())  # the app's clock, which the test holds

    def sign_on(sub: str, email: str) -> str:
        token = mint(claims(sub=sub, email=email, iat=at, exp=at + 600))
        answer = mailing.client.post("/auth/sso", json={"site": "news", "token": token})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    tricked = sign_on("7", "seven@example.com\r\nBcc: victim@example.org")
    choices = mailing.client.get(
        "/api/v1/me/notifications", params={"site": "news"}, headers=mailing.auth(tricked)
    )
    assert choices.json()["email"] is None and choices.json()["verified"] is False
    good = sign_on("8", "eight@example.com")
    parent = comment_id_of(mailing.post(good, "Signed on by the publisher.", notify=True))
    bob = reader(mailing, "dev:bob", None, name="Bob")
    comment_id_of(mailing.post(bob, "Welcome.", parent_id=parent))
    comment_id_of(mailing.post(tricked, "Me too, without an address.", notify=True))
    deliver(mailing)
    assert [r.recipients for r in relay.received] == [["eight@example.com"]]
    # A later sign-on without an address keeps the verified one.
    sign_on("8", "")
    assert mailing.run(lambda s: s.deps.storage.get_user("sso:news:8")).email == (  # type: ignore[union-attr]
        "eight@example.com"
    )


def test_the_alert_batch_reaches_the_webhooks_signed(
    database_url: str, relay: MailServer, clock: Clock, receiver: Receiver
) -> None:
    clock.now = datetime.now(UTC)  # receivers refuse a signature timestamp far off
    with _start(database_url, relay, clock, webhook_allow_private=True) as h:
        hold_everything(h)
        admin = h.moderator("dev:admin", role="admin")
        hook = add(h, admin, receiver.url("/ok"), ["moderation.alert"])
        alice = reader(h, "dev:alice", None)
        held = [h.post(alice, f"Held for review {n}.").json()["id"] for n in range(2)]
        deliver(h)
        [first] = receiver.on("/ok")
        payload = verified(hook["secret"], first)
        assert payload["type"] == "moderation.alert"
        assert sorted(payload["data"]["pending"]) == sorted(held)
        assert payload["data"]["reported"] == []
        assert payload["data"]["dashboard_url"] == "http://testserver/moderate?site=news#/pending"
        assert "email" not in first.body.decode()
        h.post(alice, "Held later.")
        deliver(h)
        assert len(receiver.on("/ok")) == 1  # within the interval: waits for the next batch
        clock.advance(INTERVAL + 1)
        deliver(h)
        assert len(receiver.on("/ok")) == 2


def test_admins_are_mailed_when_an_endpoint_is_switched_off(
    mailing: Harness, relay: MailServer
) -> None:
    mailing.moderator("dev:admin", role="admin")
    mailing.run(lambda s: s.deps.storage.set_email("dev:admin", "admin@example.com"))
    mailing.moderator("dev:mod")
    mailing.run(lambda s: s.deps.storage.set_email("dev:mod", "mod@example.com"))

    async def switched_off(s: Service) -> None:
        # What the webhook sender commits with the 50th failure in a row.
        item = Consequences(s.deps).item(
            "news", "webhook.disabled", {"webhook_id": "x", "url": "https://hooks.example/in"}
        )
        await s.deps.storage.record(Effects(outbox=(item,)))

    mailing.run(switched_off)
    deliver(mailing)
    [mail] = relay.received
    assert mail.recipients == ["admin@example.com"]
    assert mail.message["Subject"] == "A webhook of news was switched off"
    assert "https://hooks.example/in" in mail.part("plain")
