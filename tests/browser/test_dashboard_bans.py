"""Banning from the dashboard's queue, and taking it back: the undo lifts the ban and sends
back to the queue what the ban rejected."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_dashboard import (
    W,
    cli,
    moderator_logs_in,
    premoderate,
    reader_logs_in,
    reader_posts,
)
from tests.live import LiveServer


@pytest.fixture
def premoderated(serve_app: Callable[..., LiveServer]) -> LiveServer:
    """The demo holding every comment, with moderators Mia, Ann and Ben."""
    return premoderate(serve_app())


def test_undoing_a_ban_that_rejected_everything_pending_brings_it_all_back(
    premoderated: LiveServer, page: Page, browser: Browser
) -> None:
    app = premoderated
    reader_posts(page, app, "Troll Tom", "A first heated remark.")
    token = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:troll-tom").split()[-1]
    second = httpx.post(
        app.url + "/api/v1/sites/demo/comments",
        json={"thread": "belarus-russia-union", "body": "A second heated remark."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert second.status_code == 201, second.text

    mod = moderator_logs_in(browser, app, "Mia")
    first_row = mod.locator("article.mod-item", has_text="A first heated remark.")
    second_row = mod.locator("article.mod-item", has_text="A second heated remark.")
    pending = mod.locator("button[data-queue='pending'] .count")
    expect(pending).to_have_text("2")
    first_row.click()
    mod.keyboard.press("b")
    dialog = mod.locator("dialog#ban-dialog")
    dialog.locator("input[name=reason]").fill("Flooding the thread")
    dialog.locator("input[name=reject_pending]").check()
    dialog.locator("button[type=submit]").click()
    expect(first_row).to_have_count(0)
    expect(second_row).to_have_count(0)
    expect(pending).to_have_text("0")
    expect(mod.locator("#status")).to_contain_text("2 pending comments rejected")

    mod.locator("button[data-action='undo']").click()
    expect(first_row).to_be_visible()
    expect(second_row).to_be_visible()
    expect(pending).to_have_text("2")
    expect(mod.locator("#status")).to_contain_text("Lifted the ban on Troll Tom")
    expect(first_row.locator(".badge-bad")).to_have_count(0)  # no longer marked banned
    mod.goto(app.url + "/moderate#/bans")
    expect(mod.locator("#view-bans")).to_contain_text("Nobody is banned")

    # The ban ended the reader's session; logged in again, they may post.
    page.reload()
    reader_logs_in(page, app, "Troll Tom")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Calmer now.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    mine = page.locator(W + "li.cw-comment", has_text="Calmer now.")
    expect(mine.locator(".cw-moderation")).to_contain_text("Awaiting moderation")
    mod.goto(app.url + "/moderate#/pending")
    expect(mod.locator("article.mod-item")).to_have_count(3)
