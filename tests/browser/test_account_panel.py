"""The reader's account panel in Chromium, opened from their name: their data as a file,
and the erasure of their account."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_viewer import THREAD, Caller, item, log_in, main, post_in_widget
from tests.live import LiveServer

W = "#comments >> "
PANEL = W + "section.cw-panel[data-panel='account'] "


def own_comment(page: Page, author: str) -> str:
    own = page.locator(W + f"li.cw-comment[data-author-id='{author}']")
    expect(own).to_have_count(1)
    return str(own.get_attribute("data-comment-id"))


def open_panel(page: Page) -> None:
    toggle = page.locator(W + "button.cw-me-toggle[data-action='account']")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(PANEL + "button[data-action='export']")).to_be_focused()


def public_page(app: LiveServer) -> Any:
    return httpx.get(
        app.url + "/api/v1/sites/demo/comments", params={"thread": THREAD}, timeout=30
    ).json()


def test_download_my_data_saves_a_json_file_with_the_readers_comment(
    serve_app: Callable[..., LiveServer], page: Page, tmp_path: Path
) -> None:
    app = serve_app()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    post_in_widget(page, "Anna's words, hers to keep.")
    own_comment(page, "dev:anna-reader")
    open_panel(page)
    with page.expect_download() as downloading:
        page.click(PANEL + "button[data-action='export']")
    download = downloading.value
    assert download.suggested_filename == "my-comments.json"
    saved = tmp_path / "export.json"
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["user"]["id"] == "dev:anna-reader"
    assert [(c["key"], c["body"], c["status"]) for c in data["comments"]] == [
        (THREAD, "Anna's words, hers to keep.", "approved")
    ]
    # Escape closes the panel and gives the focus back to the name.
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_have_count(0)
    expect(page.locator(W + "button.cw-me-toggle")).to_be_focused()
    assert errors == []


def test_delete_my_account_asks_again_erases_and_logs_out(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    post_in_widget(page, "Anna starts a conversation.")
    answered = own_comment(page, "dev:anna-reader")
    post_in_widget(page, "Anna's aside nobody answers.")
    alone = page.locator(
        W
        + "li.cw-comment[data-author-id='dev:anna-reader']:not([data-comment-id='"
        + answered
        + "'])"
    )
    expect(alone).to_have_count(1)
    alone_id = str(alone.get_attribute("data-comment-id"))
    reply = Caller(app, "dev:boris", "Boris").post("Boris answers Anna.", answered)["id"]
    expect(page.locator(item(reply))).to_have_count(1)
    token_key = "comments:token:" + app.url + ":demo"
    token = page.evaluate("(key) => localStorage.getItem(key)", token_key)
    assert token

    open_panel(page)
    page.click(PANEL + "button[data-action='erase']")
    expect(page.locator(PANEL + ".cw-panel-warning")).to_contain_text("can't be undone")
    # Cancel leaves everything as it was.
    page.click(PANEL + "button[data-action='cancel']")
    expect(page.locator(PANEL + "button[data-action='erase']")).to_be_focused()
    page.click(PANEL + "button[data-action='erase']")
    page.click(PANEL + "button[data-action='erase-confirm']")

    expect(page.locator(W + ".cw-status")).to_have_text("Your account was deleted.")
    expect(page.locator(W + "button[data-action='login'][data-provider='dev']")).to_be_visible()
    expect(page.locator(W + ".cw-me")).to_have_count(0)
    assert page.evaluate("(key) => localStorage.getItem(key)", token_key) is None
    refused = httpx.get(
        app.url + "/api/v1/me", params={"site": "demo"},
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    )  # fmt: skip
    assert refused.status_code == 401

    # As the service shows them: the answered comment as a tombstone with Boris's reply
    # under it, the lone one gone; nothing of Anna's name or words is left.
    served = public_page(app)["comments"]
    assert [(c["id"], c["status"]) for c in served] == [(answered, "deleted")]
    assert [r["id"] for r in served[0]["replies"]] == [reply]
    expect(page.locator(main(answered) + ".cw-tombstone")).to_have_text("This comment was deleted.")
    expect(page.locator(main(answered) + ".cw-author")).to_have_text("Deleted comment")
    expect(page.locator(main(reply) + ".comment-body")).to_have_text("Boris answers Anna.")
    expect(page.locator(item(alone_id))).to_have_count(0)
    assert "Anna" not in str(page.locator(W + ".cw-list").text_content()).replace(
        "Boris answers Anna.", ""
    )
    other = browser.new_context().new_page()
    other.goto(app.url + "/")
    expect(other.locator(main(answered) + ".cw-tombstone")).to_be_visible()
    expect(other.locator(item(alone_id))).to_have_count(0)
    assert errors == []


def held_until_released(page: Page, matches: Callable[[str], bool]) -> Callable[[], None]:
    """Holds the first request `matches` names; the answer releases it (once it is made).
    The route stays: with no route left, Playwright would let a held request go itself."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(matches, hold)

    def release() -> None:
        for _ in range(250):  # the page asks within a few seconds, or the test fails
            if held:
                held[0].continue_()
                return
            page.wait_for_timeout(20)
        raise AssertionError("the page never asked")

    return release


def test_the_panel_opens_when_the_name_is_drawn_again_while_it_loads(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    """A reader clicks her name the moment it shows, before the service has confirmed the
    login: the panel's module is still on its way when the name is drawn again, and the
    panel opens under the name on screen all the same."""
    app = serve_app()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    confirm = held_until_released(page, lambda url: "/api/v1/me?" in url)
    # The panel's code: app/account-panel.js, or the chunk of the bundle it went into.
    deliver_panel = held_until_released(page, lambda url: "account-panel" in url)
    log_in(page, "Anna Reader")  # her name shows from the login's answer; /me is held
    toggle = page.locator(W + "button.cw-me-toggle[data-action='account']")
    clicked = toggle.element_handle()
    toggle.click()
    confirm()
    # The login confirmed, the name is drawn again: a new button in place of the one clicked.
    page.wait_for_function("(old) => !old.isConnected", arg=clicked)
    deliver_panel()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(PANEL + "button[data-action='export']")).to_be_focused()
    assert errors == []
