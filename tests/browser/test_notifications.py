"""E-mail notifications in Chromium, from the widget to a real SMTP relay (aiosmtpd on
loopback, tests/mail_server.py): a reader has her address confirmed from the account
panel, asks for replies to her comment by e-mail, and the reply's mail reaches her."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_account_panel import PANEL, W, own_comment
from tests.browser.test_viewer import log_in, main
from tests.live import LiveServer
from tests.mail_server import MailServer, Received

pytestmark = pytest.mark.browser

ALICE = "alice@news.example"
NOTIFY = PANEL + "fieldset.cw-notify "
COMPOSE = W + "form.cw-compose-form "
CONFIRM_LINK = re.compile(r"https?://[^\s<>\"]+/mail/confirm\?t=[^\s<>\"]+")


@pytest.fixture
def relay() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def app(serve_app: Callable[..., LiveServer], relay: MailServer) -> LiveServer:
    """The demo with mail on, sent to the relay; at most one mail a second per reader."""
    return serve_app(**relay.settings(), notify_interval_seconds=1)


def mail_to(relay: MailServer, address: str, subject: str, within: float = 20) -> Received:
    """The first mail to `address` with `subject`, polled for as the delivery worker sends."""
    deadline = time.monotonic() + within
    while True:
        for received in relay.to(address):
            if str(received.message["Subject"]) == subject:
                return received
        if time.monotonic() > deadline:
            subjects = [str(r.message["Subject"]) for r in relay.to(address)]
            raise AssertionError(f"no mail {subject!r} to {address}; received: {subjects}")
        time.sleep(0.1)


def open_panel(page: Page) -> None:
    page.click(W + "button.cw-me-toggle[data-action='account']")
    expect(page.locator(NOTIFY + "legend")).to_be_visible()


def choices_of(app: LiveServer, page: Page) -> Any:
    """The reader's choices as the service holds them, asked with the widget's token."""
    token = page.evaluate("(key) => localStorage.getItem(key)", f"comments:token:{app.url}:demo")
    response = httpx.get(
        app.url + "/api/v1/me/notifications", params={"site": "demo"},
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


class ReplyNotMailed(Exception):
    """The reply's mail never reached the relay."""


def test_a_confirmed_address_gets_the_reply_to_a_comment_that_asked_for_it(
    app: LiveServer, relay: MailServer, page: Page, browser: Browser
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Alice")
    # Without a verified address the composer offers no box, only the way to the panel.
    page.focus(COMPOSE + "textarea[name='body']")
    expect(page.locator(COMPOSE + "button[data-action='notify-setup']")).to_have_text(
        "Get replies by e-mail…"
    )
    expect(page.locator(COMPOSE + "input[name='notify']")).to_have_count(0)
    page.click(COMPOSE + "button[data-action='notify-setup']")

    expect(page.locator(NOTIFY + "legend")).to_have_text("E-mail notifications")
    expect(page.locator(NOTIFY + "input[data-choice='replies']")).not_to_be_checked()
    expect(page.locator(NOTIFY + "input[data-choice='decisions']")).to_be_checked()
    expect(page.locator(NOTIFY + "input[data-choice='alerts']")).to_have_count(0)  # staff only
    field = page.locator(NOTIFY + "input[name='email']")
    send = page.locator(NOTIFY + "button[data-action='send-confirmation']")
    alert = page.locator(NOTIFY + ".cw-form-errors")
    send.click()
    expect(alert).to_have_text("Write your e-mail address first.")
    field.fill("alice at news")
    send.click()
    expect(alert).to_have_text(
        "That is not an e-mail address we can send to. Check it and try again."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(ALICE)
    send.click()
    expect(page.locator(NOTIFY + ".cw-notify-sent")).to_have_text(
        f"We sent a link to {ALICE}: open it to confirm the address."
    )
    expect(alert).to_be_empty()

    # A choice is saved as it is ticked.
    page.uncheck(NOTIFY + "input[data-choice='decisions']")
    expect(page.locator(NOTIFY + "[role='status'].cw-inline-note")).to_have_text("Saved.")
    assert choices_of(app, page)["decisions"] is False

    mail = mail_to(relay, ALICE, "Confirm your address for comment notifications")
    found = CONFIRM_LINK.search(mail.part("plain"))
    assert found, mail.part("plain")
    confirming = page.context.new_page()
    confirming.goto(found.group(0))  # a GET only asks: mail scanners open links
    expect(confirming.locator("main")).to_contain_text(f"Get comment notifications at {ALICE}?")
    assert choices_of(app, page)["verified"] is False
    confirming.click("button[type=submit]")
    expect(confirming.locator("[role=status]")).to_have_text(f"Your address {ALICE} is confirmed.")
    confirming.close()

    page.reload()
    expect(page.locator(W + ".cw-me-user")).to_have_text("Alice")
    open_panel(page)
    expect(page.locator(NOTIFY + ".cw-notify-to")).to_have_text(ALICE)
    expect(page.locator(NOTIFY + "input[name='email']")).to_have_count(0)
    # Changing it can be given up on, and the confirmed address stays.
    page.click(NOTIFY + "button[data-action='change-email']")
    expect(page.locator(NOTIFY + "input[name='email']")).to_be_focused()
    page.click(NOTIFY + "button[data-action='change-email-cancel']")
    expect(page.locator(NOTIFY + ".cw-notify-to")).to_have_text(ALICE)
    expect(page.locator(NOTIFY + "button[data-action='change-email']")).to_be_focused()
    page.keyboard.press("Escape")

    page.fill(COMPOSE + "textarea[name='body']", "Alice asks, and would like to hear back.")
    page.check(COMPOSE + "input[name='notify']")
    expect(page.locator(COMPOSE + "label.cw-check")).to_have_text("Tell me of replies by e-mail")
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/api/v1/sites/demo/comments")
    ) as posting:
        page.click(COMPOSE + "button[data-action='post']")
    sent = posting.value.post_data_json
    assert sent is not None and sent["notify"] is True
    asked = own_comment(page, "dev:alice")

    bob = browser.new_context().new_page()
    bob.on("pageerror", lambda exc: errors.append(str(exc)))
    bob.goto(app.url + "/")
    log_in(bob, "Bob")
    # Logged in, the widget loads the thread again as Bob: the reply form goes in that one.
    expect(bob.locator(W + ".cw-status")).to_have_text("You are logged in as Bob.")
    expect(bob.locator(W + "ol.cw-list:not([aria-busy])")).to_have_count(1)
    bob.click(main(asked) + "button[data-action='reply']")
    bob.fill(W + "form.cw-reply-form textarea", "Bob answers Alice.")
    bob.click(W + "form.cw-reply-form button[data-action='post']")
    expect(bob.locator(W + "li.cw-comment[data-author-id='dev:bob']")).to_have_count(1)

    try:
        reply = mail_to(relay, ALICE, "Bob replied to your comment")
    except AssertionError as missing:
        raise ReplyNotMailed(str(missing)) from missing
    assert "Bob answers Alice." in reply.part("plain")
    assert errors == []


def test_the_panels_email_choices_speak_russian_on_the_russian_edition(
    app: LiveServer, page: Page
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/ru")
    log_in(page, "Анна Читатель")
    open_panel(page)
    expect(page.locator(NOTIFY + "legend")).to_have_text("Уведомления по электронной почте")
    expect(page.locator(NOTIFY + "label[for]")).to_have_text("Ваш адрес электронной почты")
    expect(page.locator(NOTIFY + "button[data-action='send-confirmation']")).to_have_text(
        "Отправить ссылку для подтверждения"
    )
    expect(page.locator(NOTIFY + "label.cw-check")).to_have_text(
        [
            "Присылать мне ответы на все мои комментарии",
            "Сообщать, когда модератор одобрит или отклонит мой комментарий",
        ]
    )
    assert errors == []
