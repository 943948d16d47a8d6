"""Live news while reading, in Chromium: what others post from their own browsers never
moves the text being read; new comments wait behind a button where they would push it,
and edits and removals apply in place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_permalinks import unlimited
from tests.browser.test_viewer import Caller, W, item, log_in, main, post_in_widget, shown_ids
from tests.live import LiveServer

LIVE = 10_000  # ms for news to arrive through the event stream


def top_of(page: Page, comment_id: str) -> float:
    """Where the comment's text starts, from the top of the window (CSS pixels)."""
    box = page.locator(main(comment_id)).bounding_box()
    assert box is not None
    return float(box["y"])


def read_at(page: Page, comment_id: str) -> float:
    """Scrolls so the comment starts a little below the window's top; answers where."""
    page.locator(main(comment_id)).evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120)"
    )
    return top_of(page, comment_id)


@pytest.mark.parametrize("anchoring", ["auto", "none"])
def test_news_from_another_browser_never_moves_what_is_being_read(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser, anchoring: str
) -> None:
    """`anchoring`: the page's `overflow-anchor`; "none" stands for a browser (or a host
    page) without scroll anchoring, where the widget keeps the place itself."""
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris", role="admin")
    unlimited(boris)
    ids = [boris.post(f"Comment number {n}, with a little to read.\n\nA second paragraph.")["id"]
           for n in range(14)]  # fmt: skip
    page.set_viewport_size({"width": 900, "height": 600})
    page.goto(app.url + "/")
    page.evaluate(
        "a => [document.documentElement, document.body].forEach(e => e.style.overflowAnchor = a)",
        anchoring,
    )
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on", timeout=LIVE)
    page.select_option(W + "select[data-action='sort']", "newest")
    expect(page.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", ids[-1]
    )

    other = browser.new_context().new_page()
    other.goto(app.url + "/")
    log_in(other, "Carol Writer")

    # Newest first: a new comment would come above what is read; it waits behind a button.
    reading = ids[7]
    before = read_at(page, reading)
    post_in_widget(other, "Carol's new comment, at the top.")
    button = page.locator(W + "button[data-action='show-new']")
    expect(button).to_have_text("Show 1 new comment", timeout=LIVE)
    assert abs(top_of(page, reading) - before) <= 1
    button.click()
    carols = page.locator(W + "li.cw-comment[data-author-id='dev:carol-writer']")
    expect(carols).to_have_count(1)
    assert shown_ids(page)[0] == carols.get_attribute("data-comment-id")

    # Oldest first: a new comment comes at the end, a reply under an earlier comment above;
    # neither moves the comment being read.
    page.select_option(W + "select[data-action='sort']", "oldest")
    expect(page.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", ids[0]
    )
    before = read_at(page, reading)
    post_in_widget(other, "Carol's comment at the end.")
    expect(page.locator(W + ".cw-list > li.cw-comment").last).to_contain_text(
        "Carol's comment at the end.", timeout=LIVE
    )
    assert abs(top_of(page, reading) - before) <= 1
    other.click(main(ids[2]) + "button[data-action='reply']")
    other.fill(W + "form.cw-reply-form textarea", "Carol answers an early comment.")
    other.click(W + "form.cw-reply-form button[data-action='post']")
    expect(page.locator(item(ids[2]) + " ol.cw-replies > li")).to_have_count(1, timeout=LIVE)
    assert abs(top_of(page, reading) - before) <= 1

    # Her edit shows in place; her removal takes the comment away, and nothing else moves.
    reply = str(page.locator(item(ids[2]) + " ol.cw-replies > li").get_attribute("data-comment-id"))
    other.click(main(reply) + "button[data-action='edit']")
    other.fill(W + "form.cw-edit-form textarea", "Carol answers an early comment, **edited**.")
    other.click(W + "form.cw-edit-form button[data-action='save']")
    expect(page.locator(main(reply) + ".comment-body strong")).to_have_text("edited", timeout=LIVE)
    expect(page.locator(main(reply) + ".cw-edited")).to_be_visible()
    assert abs(top_of(page, reading) - before) <= 1
    other.once("dialog", lambda dialog: dialog.accept())
    other.click(main(reply) + "button[data-action='delete']")
    expect(page.locator(item(reply))).to_have_count(0, timeout=LIVE)
    assert abs(top_of(page, reading) - before) <= 1
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "16")
