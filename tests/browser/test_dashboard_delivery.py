"""The dashboard's side of e-mail: admins see the messages given up on and send one again,
an alert's link opens its comment in the queue, and a moderator switches their alerts.

The mail relay is aiosmtpd on loopback (tests/mail_server.py), told to refuse and then
to accept; the app's own delivery worker runs in its process.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import describe, violations
from tests.browser.test_dashboard import cli, moderator_logs_in
from tests.live import LiveServer
from tests.mail_server import MailServer, Received

RITA = "rita@example.com"
QUEUE_PAGE = 50  # items the dashboard loads at a time

# `/api/v1/me/notifications` answers bearer tokens only so far: the dashboard's cookie
# session gets 401 there, and a dashboard session has no roles to say `alerts` with.
@pytest.fixture
def relay() -> Iterator[MailServer]:
    server = MailServer(mode="refuse").start()
    yield server
    server.stop()


def token(app: LiveServer, user: str, *flags: str) -> str:
    """An API token for `user` on the demo site (made with the command line)."""
    made = cli(app, "tokens", "create", "--site", "demo", "--user", user, *flags)
    return made.split()[-1]


def verified(app: LiveServer, user: str, address: str) -> None:
    """`address` on the account, as a provider's verified e-mail claim would set it."""
    database = app.settings.database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(database) as db:
        assert db.execute("UPDATE users SET email = ? WHERE id = ?", (address, user)).rowcount == 1


def unlimited(app: LiveServer, admin: str, **policy: object) -> None:
    """The demo without posting limits (one reader fills the queue), and `policy`."""
    headers = {"Authorization": f"Bearer {admin}"}
    now = httpx.get(app.url + "/api/v1/sites/demo/settings", headers=headers)
    assert now.status_code == 200, now.text
    limits = {"rate_per_minute": 0, "rate_per_hour": 0, "surge_per_minute": 0}
    changed = now.json()["policy"] | limits | policy
    put = httpx.put(
        app.url + "/api/v1/sites/demo/settings", json={"policy": changed}, headers=headers
    )
    assert put.status_code == 200, put.text


def post(app: LiveServer, bearer: str, body: str, **extra: object) -> str:
    posted = httpx.post(
        app.url + "/api/v1/sites/demo/comments",
        json={"thread": "mail", "body": body, "thread_url": app.url + "/"} | extra,
        headers={"Authorization": f"Bearer {bearer}"},
    )
    assert posted.status_code == 201, posted.text
    return str(posted.json()["id"])


def failed_shown(page: Page, count: int) -> None:
    """Refresh the Failed page until it lists `count` messages (the worker sends meanwhile)."""
    rows = page.locator("#view-failed tr[data-failed]")
    for _ in range(100):
        if rows.count() >= count:
            break
        page.click("#view-failed button[data-action='refresh-failed']")
        page.wait_for_timeout(100)
    expect(rows).to_have_count(count)


def received_by(relay: MailServer, address: str) -> list[Received]:
    """What the relay took for `address`, once something arrived (or after 30 s, nothing)."""
    deadline = time.monotonic() + 30
    while not relay.to(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    return relay.to(address)


def test_an_admin_sees_a_refused_mail_and_sends_it_again_once_the_relay_accepts(
    serve_app: Callable[..., LiveServer], browser: Browser, relay: MailServer
) -> None:
    app = serve_app(**relay.settings(), smtp_timeout_seconds=2.0)
    cli(app, "sites", "update", "demo", "--premod", "off")
    token(app, "dev:ada", "--role", "admin")
    token(app, "dev:mo", "--role", "moderator")
    rita = token(app, "dev:rita", "--name", "Rita")
    bob = token(app, "dev:bob", "--name", "Bob")
    verified(app, "dev:rita", RITA)

    moderator = moderator_logs_in(browser, app, "Mo")
    expect(moderator.locator(".views a[data-view='failed']")).to_be_hidden()
    moderator.goto(app.url + "/moderate#/failed")
    expect(moderator.locator("#view-message")).to_contain_text("Only the site's admins")
    moderator.context.close()

    page = moderator_logs_in(browser, app, "Ada")
    page.click(".views a[data-view='failed']")
    expect(page.locator("#view-failed")).to_contain_text("No failed messages")

    parent = post(app, rita, "Tell me when somebody answers.", notify=True)
    post(app, bob, "Somebody answers.", parent_id=parent)
    failed_shown(page, 1)
    row = page.locator("#view-failed tr[data-failed]")
    expect(row).to_contain_text("E-mail")
    expect(row).to_contain_text("To r…@example.com")
    expect(row).to_contain_text("Bob replied to your comment")
    expect(row).to_contain_text("550")
    assert RITA not in page.content()
    assert relay.received == []

    found = violations(page, "#view-failed")
    assert not found, describe(found)
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the failed messages page is {width} px wide on a 375 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})

    relay.mode = "ok"
    row.locator("button[data-action='retry']").click()
    expect(page.locator("#status")).to_contain_text("back in line")
    expect(page.locator("#view-failed tr[data-failed]")).to_have_count(0)
    expect(page.locator("#view-failed")).to_contain_text("No failed messages")
    [mail] = received_by(relay, RITA)
    assert mail.message["Subject"] == "Bob replied to your comment"

    page.reload()
    expect(page.locator("#view-failed")).to_contain_text("No failed messages")


def test_an_alerts_link_opens_its_comment_in_the_queue_after_logging_in_and_decides_nothing(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    admin = token(app, "dev:ada", "--role", "admin")
    unlimited(app, admin, premoderation="all")
    cli(app, "sites", "add", "other", "--origin", "https://other.example")
    mod = token(app, "dev:mia", "--role", "moderator")
    cli(app, "tokens", "create", "--site", "other", "--user", "dev:mia", "--role", "moderator")
    rita = token(app, "dev:rita", "--name", "Rita")
    ids = [post(app, rita, f"Held remark number {n}.") for n in range(1, QUEUE_PAGE + 6)]
    wanted = ids[-1]  # the newest: on the queue's second page, oldest first

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{app.url}/moderate?site=demo&item={wanted}#/pending")
    page.click("#login a[data-provider='dev']")
    page.fill("#name", "Mia")
    page.click("button[type=submit]")

    linked = page.locator(f"article.mod-item[data-id='{wanted}']")
    expect(linked).to_have_attribute("aria-current", "true")
    expect(linked).to_be_focused()
    expect(linked).to_be_in_viewport()
    expect(page.locator("article.mod-item[aria-current='true']")).to_have_count(1)
    expect(page.locator("#site-picker")).to_have_value("demo")
    expect(page.locator("button[data-queue='pending'] .count")).to_have_text(str(len(ids)))
    assert "item=" not in page.url

    # Opening the link took no decision: the comment still waits in the queue.
    queue = httpx.get(
        app.url + "/api/v1/sites/demo/moderation/queue",
        params={"status": "pending", "limit": 100},
        headers={"Authorization": f"Bearer {mod}"},
    )
    assert queue.status_code == 200, queue.text
    assert wanted in [item["comment"]["id"] for item in queue.json()["items"]]

    # A link to a site the account is not on the team of opens nothing of it.
    page.goto(f"{app.url}/moderate?site=elsewhere&item={ids[1]}#/pending")
    expect(page.locator("#status")).to_contain_text("not on the team of elsewhere")
    expect(page.locator(f"article.mod-item[data-id='{ids[1]}']")).not_to_have_attribute(
        "aria-current", "true"
    )


def test_a_moderator_switches_their_alerts_off_and_it_stays_off(
    serve_app: Callable[..., LiveServer], browser: Browser, relay: MailServer
) -> None:
    app = serve_app(**relay.settings())
    mia = token(app, "dev:mia", "--role", "moderator")
    verified(app, "dev:mia", "mia@example.com")

    def alerts() -> object:
        answer = httpx.get(
            app.url + "/api/v1/me/notifications",
            params={"site": "demo"},
            headers={"Authorization": f"Bearer {mia}"},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["alerts"]

    assert alerts() is True
    page = moderator_logs_in(browser, app, "Mia")
    box = page.get_by_label("My e-mail alerts")
    expect(box).to_be_checked()
    box.uncheck()
    expect(page.locator("#status")).to_contain_text("E-mail alerts off")
    assert alerts() is False
    page.reload()
    expect(page.get_by_label("My e-mail alerts")).not_to_be_checked()
    found = violations(page, ".topbar")
    assert not found, describe(found)


def test_where_no_mail_is_sent_there_is_no_alerts_control(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    token(app, "dev:mia", "--role", "moderator")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(app.url + "/moderate")
    page.click("#login a[data-provider='dev']")
    page.fill("#name", "Mia")
    with page.expect_response(lambda r: "/api/v1/me/notifications" in r.url) as answered:
        page.click("button[type=submit]")
    answer = answered.value
    assert answer.status == 200 and answer.json()["enabled"] is False, answer.text()
    expect(page.locator("button[data-queue='pending']")).to_be_visible()
    expect(page.locator("#my-alerts")).to_be_hidden()
