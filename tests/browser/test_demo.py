"""The demo article in Chromium: a reader logs in through the popup and discusses the story."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.live import LiveServer

W = "#comments >> "  # Playwright's CSS pierces the widget's open shadow root


def log_in(page: Page, name: str) -> None:
    """Press the dev login, type a name in the popup, wait for the widget to say so."""
    with page.expect_popup() as opened:
        page.click(W + "button[data-action='login'][data-provider='dev']")
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#name", name)
    popup.click("button[type=submit]")
    expect(page.locator(W + ".cw-me-user")).to_have_text(name)


def comment(page: Page, text: str) -> str:
    """The id of the comment whose body shows `text`."""
    own_body = page.locator(":scope > .cw-main .comment-body", has_text=text)
    item = page.locator(W + "li.cw-comment", has=own_body)
    expect(item.first).to_be_visible()
    comment_id = item.first.get_attribute("data-comment-id")
    assert comment_id
    return comment_id


def actions(page: Page, comment_id: str) -> str:
    return W + f"li[data-comment-id='{comment_id}'] > .cw-main "


def test_reader_logs_in_posts_replies_edits_deletes_and_sees_it_after_reload(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    expect(page.locator("h1")).to_contain_text("Belarus")
    expect(page.locator(W + ".cw-empty")).to_be_visible()

    log_in(page, "Anna Reader")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Step by step is **wise**.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    top = comment(page, "Step by step is wise.")
    expect(page.locator(actions(page, top) + ".comment-body strong")).to_have_text("wise")

    page.click(actions(page, top) + "button[data-action='reply']")
    page.fill(W + "form.cw-reply-form textarea", "Replying to myself: and patiently.")
    page.click(W + "form.cw-reply-form button[data-action='post']")
    reply = comment(page, "Replying to myself")
    reply_item = page.locator(W + f"li[data-comment-id='{top}'] ol.cw-replies > li")
    expect(reply_item).to_have_attribute("data-comment-id", reply)

    page.click(actions(page, reply) + "button[data-action='edit']")
    page.fill(W + "form.cw-edit-form textarea", "Replying to myself: and very patiently.")
    page.click(W + "form.cw-edit-form button[data-action='save']")
    expect(page.locator(actions(page, reply) + ".comment-body")).to_have_text(
        "Replying to myself: and very patiently."
    )

    page.fill(W + "form.cw-compose-form textarea[name='body']", "A second thought I regret.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    regret = comment(page, "A second thought I regret.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(actions(page, regret) + "button[data-action='delete']")
    expect(page.locator(W + f"li[data-comment-id='{regret}']")).to_have_count(0)

    # Another reader votes and reports, in a browser profile of their own.
    other = browser.new_context().new_page()
    other.goto(app.url + "/")
    log_in(other, "Boris Reader")
    other.click(actions(other, top) + "button[data-action='vote-up']")
    expect(other.locator(actions(other, top) + ".cw-score")).to_have_text("1")
    other.click(actions(other, top) + "button[data-action='report']")
    other.select_option(W + "form.cw-report-form select[name='reason']", "off_topic")
    other.click(W + "form.cw-report-form button[data-action='send-report']")
    expect(other.locator(W + ".cw-slot .cw-inline-note")).to_be_visible()

    page.reload()
    expect(page.locator(W + f"li[data-comment-id='{top}'] > .cw-main .comment-body")).to_have_text(
        "Step by step is wise."
    )
    expect(page.locator(actions(page, reply) + ".comment-body")).to_have_text(
        "Replying to myself: and very patiently."
    )
    expect(page.locator(actions(page, top) + ".cw-score")).to_have_text("1")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Anna Reader")
    expect(page.locator("[data-comments-count]")).to_contain_text("2")
    assert errors == []


def test_widget_on_another_site_logs_in_by_popup_and_keeps_markup_inert(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    publisher_page(f"""<!doctype html><html><head><title>Publisher article</title></head>
<body><h1>A publisher's own article</h1>
<div id="comments" data-site="demo" data-thread="cross-site"
     data-thread-url="{publisher}/article.html"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    page.goto(publisher + "/article.html")
    log_in(page, "Cross Site")
    hostile = (
        "<img src=x onerror=window.pwned=1> <script>window.pwned=2</script> "
        "[x](javascript:window.pwned=3)"
    )
    page.fill(W + "form.cw-compose-form textarea[name='body']", hostile)
    page.click(W + "form.cw-compose-form button[data-action='post']")
    item = page.locator(W + "li.cw-comment").first
    expect(item).to_be_visible()
    expect(page.locator(W + "li.cw-comment .comment-body")).to_contain_text("<img src=x")
    assert page.locator(W + "li.cw-comment .comment-body img").count() == 0
    assert page.locator(W + "li.cw-comment .comment-body a[href^='javascript']").count() == 0
    assert page.evaluate("window.pwned") is None
    # The token lives with the publisher's page under the service's origin key, nowhere else.
    stored = page.evaluate(f"localStorage.getItem('comments:token:{app.url}:demo')")
    assert stored and stored.startswith("cmt_")
    page.reload()
    expect(page.locator(W + ".cw-me-user")).to_have_text("Cross Site")
    expect(page.locator(W + "li.cw-comment")).to_have_count(1)
