"""The dashboard's Webhooks page: an admin adds an endpoint, copies its secret (shown
once), watches a comment's delivery arrive in the log and sends it again."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from standardwebhooks import Webhook as Verifier

from tests.browser.axe import describe, violations
from tests.browser.test_dashboard import cli, moderator_logs_in
from tests.live import LiveServer


class Receiver:
    """A loopback HTTP endpoint that answers 204 and keeps what it was sent."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                self.send_response(204)
                self.end_headers()
                with receiver.arrived:
                    receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrived.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/in"

    def wait_for(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.got) >= count, timeout=30), self.got
            return list(self.got)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    thread = threading.Thread(target=state.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.server.shutdown()
        state.server.server_close()


def deliveries_shown(page: Page, count: int) -> None:
    """Refresh the endpoint's log until it lists `count` attempts (logged after each send)."""
    rows = page.locator(".hook-deliveries tbody tr")
    for _ in range(100):
        if rows.count() >= count:
            break
        page.click(".hook-deliveries button[data-action='refresh-deliveries']")
        page.wait_for_timeout(100)
    expect(rows).to_have_count(count)


def test_an_admin_adds_an_endpoint_sees_its_delivery_and_redelivers_it(
    serve_app: Callable[..., LiveServer], browser: Browser, receiver: Receiver
) -> None:
    app = serve_app(webhook_allow_private=True)
    cli(app, "sites", "update", "demo", "--premod", "off")
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:mo", "--role", "moderator")
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita").split()[-1]

    moderator = moderator_logs_in(browser, app, "Mo")
    expect(moderator.locator(".views a[data-view='webhooks']")).to_be_hidden()
    moderator.context.close()

    page = moderator_logs_in(browser, app, "Ada")
    page.click(".views a[data-view='webhooks']")
    expect(page.locator("#view-webhooks")).to_contain_text("No endpoints yet")
    form = page.locator("form.hook-form")
    form.locator("input[name='url']").fill("ftp://nowhere.example/in")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for='url']")).not_to_be_empty()

    form.locator("input[name='url']").fill(receiver.url)
    expect(form.locator("input[value='comment.created']")).to_be_checked()
    form.locator("input[value='user.banned']").check()
    form.locator("button[type=submit]").click()
    box = page.locator(".secret-box")
    expect(box).to_contain_text("won't be shown again")
    secret = box.locator("input").input_value()
    assert secret.startswith("whsec_")
    card = page.locator("li.hook")
    expect(card.locator(".hook-url")).to_have_text(receiver.url)
    expect(card.locator(".hook-state")).to_contain_text("Enabled")
    expect(card.locator(".hook-events")).to_contain_text("comment.created, user.banned")

    page.reload()
    expect(page.locator("li.hook")).to_have_count(1)
    expect(page.locator(".secret-box")).to_have_count(0)
    assert secret not in page.content()

    posted = httpx.post(
        app.url + "/api/v1/sites/demo/comments",
        json={"thread": "hooks", "body": "Trains are on time today.", "thread_url": app.url + "/"},
        headers={"Authorization": f"Bearer {reader}"},
    )
    assert posted.status_code == 201, posted.text
    first = receiver.wait_for(1)[0]
    assert Verifier(secret).verify(first[1], first[0])["type"] == "comment.created"

    page.click("li.hook button[data-action='deliveries']")
    deliveries_shown(page, 1)
    row = page.locator(".hook-deliveries tbody tr").first
    expect(row).to_contain_text("comment.created")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("204")

    row.locator("button[data-action='redeliver']").click()
    got = receiver.wait_for(2)
    assert got[0][0]["webhook-id"] == got[1][0]["webhook-id"]
    assert got[0][1] == got[1][1]
    deliveries_shown(page, 2)

    found = violations(page, "#view-webhooks")
    assert not found, describe(found)
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the webhooks page is {width} px wide on a 375 px phone"

    page.goto(app.url + "/moderate#/log")
    entry = page.locator("#view-log tr[data-action='webhook.add']")
    expect(entry).to_contain_text(receiver.url)
    expect(entry).to_contain_text("comment.created, user.banned")


def test_rotating_shows_the_new_secret_once_and_a_disabled_endpoint_is_switched_back_on(
    serve_app: Callable[..., LiveServer], browser: Browser, receiver: Receiver
) -> None:
    app = serve_app(webhook_allow_private=True)
    admin = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    made = httpx.post(
        app.url + "/api/v1/sites/demo/webhooks",
        json={"url": receiver.url, "events": ["comment.created"]},
        headers={"Authorization": f"Bearer {admin.split()[-1]}"},
    )
    assert made.status_code == 201, made.text
    first_secret = made.json()["secret"]
    database = app.settings.database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(database) as db:  # as if it had failed fifty times in a row
        db.execute("UPDATE webhooks SET enabled = 0, failures = 50")

    page = moderator_logs_in(browser, app, "Ada")
    page.goto(app.url + "/moderate#/webhooks")
    card = page.locator("li.hook")
    expect(card.locator(".hook-state")).to_contain_text("Disabled after 50 failed deliveries")
    card.locator("button[data-action='enable']").click()
    expect(page.locator("li.hook .hook-state")).to_have_text("Enabled")
    expect(page.locator("li.hook button[data-action='enable']")).to_have_count(0)

    page.click("li.hook button[data-action='rotate']")
    box = page.locator(".secret-box")
    expect(box).to_contain_text("won't be shown again")
    rotated = box.locator("input").input_value()
    assert rotated.startswith("whsec_") and rotated != first_secret

    page.click("li.hook button[data-action='test']")
    headers, body = receiver.wait_for(1)[0]
    assert Verifier(rotated).verify(body, headers)["type"] == "webhook.test"

    page.click("li.hook button[data-action='delete']")
    expect(page.locator("li.hook .hook-confirm")).to_contain_text("Remove this endpoint")
    page.click("li.hook button[data-action='delete-cancel']")
    expect(page.locator("li.hook")).to_have_count(1)
    page.click("li.hook button[data-action='delete']")
    page.click("li.hook button[data-action='delete-confirm']")
    expect(page.locator("li.hook")).to_have_count(0)
    expect(page.locator("#view-webhooks")).to_contain_text("No endpoints yet")

    page.goto(app.url + "/moderate#/log")
    for action in ("webhook.enable", "webhook.rotate", "webhook.delete"):
        expect(page.locator(f"#view-log tr[data-action='{action}']")).to_contain_text(receiver.url)
    assert rotated not in page.content() and first_secret not in page.content()
