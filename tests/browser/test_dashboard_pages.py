"""Every page of the dashboard on a phone and for assistive technology: no sideways
scrolling at 375 px, a compact queue that is remembered, and no serious axe violations."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import describe, violations
from tests.browser.test_dashboard import cli, moderator_logs_in
from tests.live import LiveServer

# Each page, and what shows once it has loaded.
PAGES = {
    "pending": "article.mod-item",
    "bans": "#view-bans table",
    "log": "#view-log table",
    "stats": "#view-stats .stats-summary",
    "settings": "#view-settings form.settings",
    "roles": "#view-roles table",
}


@pytest.fixture
def busy(serve_app: Callable[..., LiveServer]) -> LiveServer:
    """The demo holding every comment, an admin Ada, and something on every page."""
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    admin = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita", "--name", "Rita")
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:tom", "--name", "Tom")
    for text in (
        "A remark with one very long word: " + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2,
        "A second remark, [with a link](https://example.org/a/rather/long/path/indeed).",
    ):
        posted = httpx.post(
            app.url + "/api/v1/sites/demo/comments",
            json={"thread": "a-long-thread-key-about-buses-and-trains", "body": text,
                  "thread_url": app.url + "/", "thread_title": "Buses, trains and the city"},
            headers={"Authorization": f"Bearer {reader.split()[-1]}"},
        )  # fmt: skip
        assert posted.status_code == 201, posted.text
    banned = httpx.post(
        app.url + "/api/v1/sites/demo/bans",
        json={"user_id": "dev:tom", "reason": "Spam links on every article, again and again"},
        headers={"Authorization": f"Bearer {admin.split()[-1]}"},
    )
    assert banned.status_code == 201, banned.text
    return app


def open_page(page: Page, app: LiveServer, name: str) -> None:
    page.goto(app.url + "/moderate#/" + name)
    expect(page.locator(PAGES[name]).first).to_be_visible()


def test_every_page_fits_a_phone_without_sideways_scrolling(
    busy: LiveServer, browser: Browser
) -> None:
    page = moderator_logs_in(browser, busy, "Ada", width=375, height=812)
    for name in PAGES:
        open_page(page, busy, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the {name} page is {width} px wide on a 375 px phone"


def test_the_compact_queue_shows_less_of_each_item_and_is_remembered(
    busy: LiveServer, browser: Browser
) -> None:
    page = moderator_logs_in(browser, busy, "Ada", width=375, height=812)
    item = page.locator("article.mod-item").first
    toggle = page.locator("button[data-action='density']")
    expect(item.locator(".item-context")).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(item.locator(".item-context")).to_be_hidden()
    expect(item.locator("button[data-action='approve']")).to_be_visible()

    page.reload()
    expect(page.locator("button[data-action='density']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("article.mod-item").first.locator(".item-context")).to_be_hidden()
    page.locator("button[data-action='density']").click()
    expect(page.locator("article.mod-item").first.locator(".item-context")).to_be_visible()


def test_no_page_has_serious_accessibility_violations(busy: LiveServer, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    login = context.new_page()
    login.goto(busy.url + "/moderate")
    expect(login.locator("#login a[data-provider='dev']")).to_be_visible()
    found = violations(login)
    assert not found, "the login screen:\n" + describe(found)
    context.close()

    page = moderator_logs_in(browser, busy, "Ada")
    for name in PAGES:
        open_page(page, busy, name)
        found = violations(page)
        assert not found, f"the {name} page:\n" + describe(found)

    open_page(page, busy, "pending")
    page.locator("article.mod-item").first.click()
    page.keyboard.press("b")
    expect(page.locator("dialog#ban-dialog")).to_be_visible()
    found = violations(page, "dialog#ban-dialog")
    assert not found, "the ban dialog:\n" + describe(found)
