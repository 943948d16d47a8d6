"""The widget with the keyboard alone: a reader logs in through the popup, writes, posts,
replies, votes and changes the order with Tab, Shift+Tab, Enter, Space and Escape (and
typing). Every stop shows its focus ring, and no action leaves the focus on the page's
<body>."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "

# The element the keyboard is on, through the widget's shadow root, and how it shows it.
FOCUSED = """() => {
    let el = document.activeElement;
    const inWidget = el === document.getElementById("comments");
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    const style = getComputedStyle(el);
    const li = el.closest ? el.closest("li[data-comment-id]") : null;
    return {
        tag: el.tagName.toLowerCase(), action: (el.dataset && el.dataset.action) || null,
        author: li ? li.dataset.authorId : null, inWidget,
        ring: el.matches(":focus-visible") && style.outlineStyle !== "none"
            && parseFloat(style.outlineWidth) >= 2,
        open: el.tagName === "SELECT" ? el.matches(":open") : null,
    };
}"""


def focus(page: Page) -> dict[str, Any]:
    """Where the focus is; in the widget, it must show."""
    found: dict[str, Any] = page.evaluate(FOCUSED)
    if found["inWidget"]:
        assert found["ring"], f"no visible focus on {found}"
    return found


def in_widget(page: Page) -> dict[str, Any]:
    """The focus after an action: still in the widget, and visible."""
    found = focus(page)
    assert found["inWidget"] and found["tag"] != "body", found
    return found


def press_until(page: Page, key: str, wanted: Callable[[dict[str, Any]], bool]) -> None:
    for _ in range(60):
        page.keyboard.press(key)
        if wanted(focus(page)):
            return
    raise AssertionError(f"{key} never reached the control wanted")


def test_reader_does_everything_with_the_keyboard_and_never_loses_the_focus(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    Caller(app, "dev:boris", "Boris").post("Boris opens the discussion.")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    expect(page.locator(W + "button[data-action='login']")).to_be_visible()

    # Log in: Tab through the article to the widget's login button, Enter opens the popup.
    press_until(page, "Tab", lambda f: f["action"] == "login")
    with page.expect_popup() as opened:
        page.keyboard.press("Enter")
    assert in_widget(page)["action"] == "login-cancel"  # the waiting state took the button's place
    popup = opened.value
    popup.wait_for_load_state()
    expect(popup.locator("#name")).to_be_focused()  # the login page's own autofocus
    popup.keyboard.type("Kay Board")
    popup.keyboard.press("Enter")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Kay Board")
    in_widget(page)

    # Write and post.
    press_until(page, "Tab", lambda f: f["tag"] == "textarea")
    page.keyboard.type("Written without a mouse.")
    press_until(page, "Tab", lambda f: f["action"] == "post")
    page.keyboard.press("Enter")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    expect(page.locator(W + ".cw-status")).to_have_text("Your comment was posted.")
    assert in_widget(page)["action"] == "post"

    # Reply to Boris: Enter opens the form, Escape closes it (nothing written yet), then for real.
    press_until(page, "Shift+Tab", lambda f: f["action"] == "reply" and f["author"] == "dev:boris")
    page.keyboard.press("Enter")
    reply_box = page.locator(W + "form.cw-reply-form textarea")
    expect(reply_box).to_be_focused()
    in_widget(page)
    page.keyboard.press("Escape")
    expect(reply_box).to_have_count(0)
    assert in_widget(page)["action"] == "reply"
    page.keyboard.press("Enter")
    expect(reply_box).to_be_focused()
    page.keyboard.type("And a reply, by keyboard.")
    press_until(page, "Tab", lambda f: f["action"] == "post" and f["author"] == "dev:boris")
    page.keyboard.press("Space")
    boris = page.locator(W + "li[data-author-id='dev:boris']")
    expect(boris.locator("ol.cw-replies > li .comment-body")).to_have_text(
        "And a reply, by keyboard."
    )
    found = in_widget(page)
    assert (found["action"], found["author"]) == ("reply", "dev:boris")

    # Vote Boris up.
    press_until(
        page, "Shift+Tab", lambda f: f["action"] == "vote-up" and f["author"] == "dev:boris"
    )
    page.keyboard.press("Space")
    up = boris.locator(":scope > .cw-main button[data-action='vote-up']")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(boris.locator(":scope > .cw-main .cw-score")).to_have_text("1")
    assert in_widget(page)["action"] == "vote-up"

    # The sort menu: Space opens it, Escape closes it; open again, the next order, Enter.
    press_until(page, "Shift+Tab", lambda f: f["action"] == "sort")
    page.keyboard.press("Space")
    assert in_widget(page)["open"] is True
    page.keyboard.press("Escape")
    found = in_widget(page)
    assert (found["action"], found["open"]) == ("sort", False)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(W + "select[data-action='sort']")).to_have_value("newest")
    first = page.locator(W + ".cw-list > li.cw-comment .comment-body").first
    expect(first).to_have_text("Written without a mouse.")
    assert in_widget(page)["action"] == "sort"
    assert errors == []
