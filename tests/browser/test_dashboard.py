"""The moderators' dashboard in Chromium: live queue, keyboard decisions, bans, a team."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.live import LiveServer

W = "#comments >> "


def cli(app: LiveServer, *args: str) -> str:
    """The command line against the live app's database, as an admin would use it."""
    env = os.environ | {"COMMENTS_DATABASE_URL": app.settings.database_url}
    done = subprocess.run(
        [sys.executable, "-m", "comments", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def moderator_logs_in(
    browser: Browser, app: LiveServer, name: str, width: int = 1280, height: int = 900
) -> Page:
    """A moderator opens /moderate in a browser of their own and logs in with the dev login."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(app.url + "/moderate")
    page.click("#login a[data-provider='dev']")
    page.fill("#name", name)
    page.click("button[type=submit]")
    expect(page.locator("button[data-queue='pending']")).to_be_visible()
    return page


def reader_logs_in(page: Page, app: LiveServer, name: str) -> None:
    """A reader logs in on the demo article with the dev login."""
    page.goto(app.url + "/")
    with page.expect_popup() as opened:
        page.click(W + "button[data-action='login'][data-provider='dev']")
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#name", name)
    popup.click("button[type=submit]")
    expect(page.locator(W + ".cw-me-user")).to_have_text(name)


def reader_posts(page: Page, app: LiveServer, name: str, text: str) -> None:
    """A reader logs in on the demo article and posts a comment that is held."""
    reader_logs_in(page, app, name)
    page.fill(W + "form.cw-compose-form textarea[name='body']", text)
    page.click(W + "form.cw-compose-form button[data-action='post']")
    note = page.locator(W + ".cw-moderation").first
    expect(note).to_contain_text("Awaiting moderation")
    expect(note.locator(".cw-reasons")).to_contain_text("reviews every comment")


def premoderate(app: LiveServer) -> LiveServer:
    """The demo holding every comment, with moderators Mia, Ann and Ben."""
    cli(app, "sites", "update", "demo", "--premod", "all")
    for user in ("dev:mia", "dev:ann", "dev:ben"):
        cli(app, "tokens", "create", "--site", "demo", "--user", user, "--role", "moderator")
    return app


@pytest.fixture
def premoderated(serve_app: Callable[..., LiveServer]) -> LiveServer:
    """The demo holding every comment, with moderators Mia, Ann and Ben."""
    return premoderate(serve_app())


def test_held_comment_arrives_live_is_approved_by_keyboard_and_published(
    premoderated: LiveServer, page: Page, browser: Browser
) -> None:
    app = premoderated
    mod = moderator_logs_in(browser, app, "Mia")
    expect(mod.locator("#live")).to_have_attribute("data-state", "live")

    reader_posts(page, app, "Rita Reader", "Held until a moderator approves it.")
    held = mod.locator("article.mod-item", has_text="Held until a moderator approves it.")
    expect(held).to_be_visible()
    expect(mod.locator("button[data-queue='pending'] .count")).to_have_text("1")
    held.click()
    mod.keyboard.press("a")
    expect(held).to_have_count(0)
    expect(mod.locator("button[data-queue='pending'] .count")).to_have_text("0")

    page.reload()
    published = page.locator(
        W + "li.cw-comment .comment-body", has_text="Held until a moderator approves it."
    )
    expect(published).to_be_visible()
    expect(page.locator(W + ".cw-moderation")).to_have_count(0)


def test_reject_then_undo_brings_the_item_back(
    premoderated: LiveServer, page: Page, browser: Browser
) -> None:
    app = premoderated
    reader_posts(page, app, "Rita Reader", "A borderline remark.")
    mod = moderator_logs_in(browser, app, "Mia")
    row = mod.locator("article.mod-item", has_text="A borderline remark.")
    expect(row).to_be_visible()
    row.click()
    mod.keyboard.press("r")
    expect(row).to_have_count(0)
    mod.keyboard.press("u")
    expect(mod.locator("article.mod-item", has_text="A borderline remark.")).to_be_visible()
    expect(mod.locator("button[data-queue='pending'] .count")).to_have_text("1")


def test_ban_from_the_queue_refuses_the_authors_next_post(
    premoderated: LiveServer, page: Page, browser: Browser
) -> None:
    app = premoderated
    reader_posts(page, app, "Troll Tom", "Something abusive.")
    mod = moderator_logs_in(browser, app, "Mia")
    row = mod.locator("article.mod-item", has_text="Something abusive.")
    row.click()
    mod.keyboard.press("b")
    dialog = mod.locator("dialog#ban-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("input[name=reject_pending]")).not_to_be_checked()
    dialog.locator("select[name=duration]").select_option("7d")
    dialog.locator("input[name=reason]").fill("Abusive towards other readers")
    dialog.locator("button[type=submit]").click()
    # Nothing rejected unless asked: the comment still waits, its author marked banned.
    expect(row.locator(".badge-bad")).to_have_text("Banned")

    page.reload()
    expect(page.locator(W + ".cw-me-user")).to_have_count(0)  # the ban ended the session
    reader_logs_in(page, app, "Troll Tom")
    # Logging in again shows the ban instead of a comment box.
    expect(page.locator(W + ".cw-notice")).to_contain_text("can't post comments")
    expect(page.locator(W + "form.cw-compose-form")).to_have_count(0)


def test_two_moderators_on_one_item_do_not_collide(
    premoderated: LiveServer, page: Page, browser: Browser
) -> None:
    app = premoderated
    reader_posts(page, app, "Rita Reader", "Contested comment.")
    ann = moderator_logs_in(browser, app, "Ann")
    ben = moderator_logs_in(browser, app, "Ben")
    ann_row = ann.locator("article.mod-item", has_text="Contested comment.")
    ben_row = ben.locator("article.mod-item", has_text="Contested comment.")
    ann_row.click()
    expect(ben_row).to_have_class(__import__("re").compile(r"is-taken"))
    expect(ben_row.locator(".mod-note")).to_contain_text("Ann")
    ann.keyboard.press("a")
    expect(ann_row).to_have_count(0)
    expect(ben_row).to_have_count(0)
