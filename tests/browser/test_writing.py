"""Writing in Chromium: the preview, a retried post that isn't doubled, and notices that
clear once they no longer hold."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx2 as httpx
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.test_viewer import THREAD, Caller, W, log_in, main, post_in_widget
from tests.live import LiveServer

COMPOSER = W + "form.cw-compose-form "
POSTS = re.compile(r"/api/v1/sites/demo/comments$")
LIVE = 10_000  # ms for news to arrive through the event stream


def token_of(page: Page, app: LiveServer) -> str:
    """The reader's bearer token, as the widget keeps it."""
    return str(page.evaluate(f"localStorage.getItem('comments:token:{app.url}:demo')"))


def comments_on_server(app: LiveServer) -> list[str]:
    """The thread's comment texts as an anonymous reader gets them."""
    with httpx.Client(base_url=app.url, timeout=30) as http:
        page = http.get("/api/v1/sites/demo/comments", params={"thread": THREAD}).json()
    return [c["html"] for c in page["comments"]]


def test_preview_shows_the_services_rendering_and_keeps_markup_text(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    text = "Some *emphasis* and [a link](https://example.org/a). <script>window.pwned=1</script>"
    page.fill(COMPOSER + "textarea", text)
    toggle = page.locator(COMPOSER + "button[data-action='preview']")
    toggle.click()
    preview = page.locator(COMPOSER + ".cw-preview")
    expect(preview.locator("em")).to_have_text("emphasis")
    expect(preview.locator("a")).to_have_attribute("href", "https://example.org/a")
    expect(preview).to_contain_text("<script>window.pwned=1</script>")
    assert preview.locator("script").count() == 0
    assert page.evaluate("window.pwned") is None
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator(COMPOSER + "textarea")).to_be_hidden()
    # Back to writing: the text is as it was, and nothing was posted.
    toggle.click()
    expect(page.locator(COMPOSER + "textarea")).to_have_value(text)
    expect(preview).to_be_hidden()
    assert comments_on_server(app) == []

    # Posted from the preview, the comment shows as previewed; the form is ready to write.
    toggle.click()
    expect(preview.locator("em")).to_have_text("emphasis")
    page.click(COMPOSER + "button[data-action='post']")
    posted = page.locator(W + "li.cw-comment .comment-body em")
    expect(posted).to_have_text("emphasis")
    expect(page.locator(COMPOSER + "textarea")).to_be_visible()
    expect(preview).to_be_hidden()

    # The edit form has its own preview.
    page.click(W + "li.cw-comment > .cw-main button[data-action='edit']")
    page.fill(W + "form.cw-edit-form textarea", "Now **strong** instead.")
    page.click(W + "form.cw-edit-form button[data-action='preview']")
    expect(page.locator(W + "form.cw-edit-form .cw-preview strong")).to_have_text("strong")

    # Too many previews at once: the reader is told so in words.
    with httpx.Client(base_url=app.url, timeout=30) as http:
        headers = {"Authorization": "Bearer " + token_of(page, app)}
        answers = [
            http.post("/api/v1/sites/demo/preview", json={"body": "x"}, headers=headers)
            for _ in range(60)
        ]
    assert answers[-1].status_code == 429
    page.fill(COMPOSER + "textarea", "One more look")
    toggle.click()
    expect(preview.locator(".cw-preview-error")).to_contain_text(
        "Previews are coming faster than this site allows"
    )


def test_a_post_retried_after_a_network_error_is_not_doubled(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    keys: list[str | None] = []

    def arrives_but_the_answer_is_lost(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the service has it
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(POSTS, arrives_but_the_answer_is_lost)
    post_in_widget(page, "Posted once, whatever the network did.")
    expect(page.locator(COMPOSER + ".cw-form-errors")).to_contain_text(
        "Could not reach the comment service"
    )
    expect(page.locator(COMPOSER + "textarea")).to_have_value(
        "Posted once, whatever the network did."
    )
    page.click(COMPOSER + "button[data-action='post']")
    expect(page.locator(W + ".cw-status")).to_have_text("Your comment was posted.")
    expect(page.locator(COMPOSER + ".cw-form-errors")).to_be_empty()
    assert keys[0] and keys[0] == keys[1]
    mine = page.locator(W + "li.cw-comment", has_text="Posted once, whatever the network did.")
    expect(mine).to_have_count(1)
    assert len(comments_on_server(app)) == 1
    page.reload()
    expect(mine).to_have_count(1)
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "1")

    # Another text is another post, with a key of its own.
    post_in_widget(page, "A second thought.")
    expect(page.locator(W + "li.cw-comment")).to_have_count(2)
    assert len(keys) == 3 and keys[2] not in keys[:2]


def test_notices_clear_when_they_no_longer_hold(
    serve_app: Callable[..., LiveServer], page: Page, context: BrowserContext
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    first = boris.post("Boris starts the discussion.")["id"]
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on", timeout=LIVE)
    status = page.locator(W + ".cw-status")

    # "Posted" is news until the reader starts on a new comment.
    post_in_widget(page, "Anna answers.")
    expect(status).to_have_text("Your comment was posted.")
    page.locator(COMPOSER + "textarea").press_sequentially("And one")
    expect(status).to_be_empty()

    # A failure clears with the next thing that works.
    page.route(POSTS, lambda route: route.abort("internetdisconnected"))
    page.click(COMPOSER + "button[data-action='post']")
    expect(page.locator(COMPOSER + ".cw-form-errors")).to_contain_text("Could not reach")
    page.unroute(POSTS)
    page.click(main(first) + "button[data-action='vote-up']")
    expect(page.locator(main(first) + ".cw-score")).to_have_text("1")
    page.route("**/vote", lambda route: route.abort("internetdisconnected"))
    page.click(main(first) + "button[data-action='vote-up']")
    note = page.locator(main(first) + ".cw-inline-error")
    expect(note).to_contain_text("Could not reach")
    page.unroute("**/vote")
    page.click(COMPOSER + "button[data-action='post']")
    expect(page.locator(W + "li.cw-comment", has_text="And one")).to_have_count(1)
    expect(note).to_have_count(0)
    expect(status).to_have_text("Your comment was posted.")

    # A failure while offline clears once the network is back, with nothing clicked.
    context.set_offline(True)
    page.select_option(W + "select[data-action='sort']", "newest")
    expect(status).to_have_text(
        "Could not reach the comment service. Check your connection and try again."
    )
    context.set_offline(False)
    expect(status).to_be_empty()
    expect(page.locator(W + ".cw-list > li.cw-comment").first).to_contain_text("And one")
