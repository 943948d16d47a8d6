"""Permalinks in Chromium: each comment's time links to it on the article's page, and
opening such a link shows that comment, however late in the thread, highlighted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_viewer import Caller, W, item, main, shown_ids
from tests.live import LiveServer

THREAD = "a-long-discussion"


def unlimited(admin: Caller) -> None:
    """The demo site lets readers post as fast as a test needs."""
    settings = admin.call("GET", "/api/v1/sites/demo/settings", {}, 200)
    limits = {
        "rate_per_minute": 0,
        "rate_per_hour": 0,
        "ip_rate_per_hour": 0,
        "surge_per_minute": 0,
    }
    admin.call("PUT", "/api/v1/sites/demo/settings", {"policy": settings["policy"] | limits}, 200)


def article(publisher_page: Callable[[str], str], app: LiveServer, publisher: str) -> str:
    """The publisher's article on its own origin, with the widget; answers its URL."""
    publisher_page(f"""<!doctype html><html><head><title>A long discussion</title></head>
<body><h1>An article people discuss at length</h1><p style="height: 600px">The story.</p>
<div id="comments" data-site="demo" data-thread="{THREAD}"
     data-thread-url="{publisher}/article.html"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    return publisher + "/article.html"


def focused_comment(page: Page) -> Any:
    """The id of the comment whose text has the keyboard focus inside the widget."""
    return page.evaluate(
        """() => {
          const el = document.querySelector('#comments').shadowRoot.activeElement;
          const li = el && el.closest('li.cw-comment');
          return li && li.dataset.commentId;
        }"""
    )


def test_a_link_to_a_reply_late_in_a_long_thread_opens_its_page_from_another_origin(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
    browser: Browser,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    url = article(publisher_page, app, publisher)
    ada = Caller(app, "dev:ada", "Ada", role="admin", thread=THREAD, thread_url=url)
    unlimited(ada)
    tops = [ada.post(f"Top-level comment number {n}.")["id"] for n in range(45)]
    reply = ada.post("The reply someone linked to.", parent_id=tops[41])["id"]
    hidden = ada.post("A comment a moderator will reject.")["id"]
    ada.decide(hidden, "reject")

    # On the article, the reply is on the third page; its time links to it there.
    page.goto(url)
    tops_shown = page.locator(W + ".cw-list > li.cw-comment")
    for shown in (40, 45):
        page.click(W + "button[data-action='load-more']")
        expect(tops_shown).to_have_count(shown)
    link = page.locator(main(reply) + "a.cw-permalink")
    expect(link).to_have_attribute("href", f"{url}#comment-{reply}")
    expect(link.locator("time")).to_be_visible()
    href = str(link.get_attribute("href"))

    # Someone opens the link: the reply's conversation begins the page, the reply in view,
    # marked and focused, however many pages come before it.
    reader = browser.new_context().new_page()
    errors: list[str] = []
    reader.on("pageerror", lambda exc: errors.append(str(exc)))
    asked: list[str] = []
    reader.on("request", lambda r: asked.append(r.url) if "/sites/demo/comments" in r.url else None)
    reader.goto(href)
    expect(reader.locator(item(reply))).to_have_class("cw-comment cw-target")
    # The loader asked for the linked page at once, and nothing else was needed for it.
    assert len(asked) == 1 and f"around={reply}" in asked[0], asked
    expect(reader.locator(main(reply))).to_be_in_viewport()
    assert focused_comment(reader) == reply
    expect(reader.locator(main(reply) + ".comment-body")).to_have_text(
        "The reply someone linked to."
    )
    # The rest of the thread follows as usual; the start is one button away.
    assert shown_ids(reader) == tops[41:]
    reader.click(W + "button[data-action='from-start']")
    expect(reader.locator(W + "button[data-action='from-start']")).to_have_count(0)
    expect(reader.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", tops[0]
    )
    assert len(shown_ids(reader)) == 20

    # Moving to a link on the same page (the hash changes) shows that comment too.
    reader.evaluate(f"location.hash = '#comment-{tops[30]}'")
    expect(reader.locator(item(tops[30]))).to_have_class("cw-comment cw-target")
    expect(reader.locator(main(tops[30]))).to_be_in_viewport()
    assert shown_ids(reader)[0] == tops[30]

    # A link to a comment that isn't shown (rejected) says so, over the first page.
    lost = browser.new_context().new_page()
    lost.goto(f"{url}#comment-{hidden}")
    expect(lost.locator(W + ".cw-status")).to_have_text("This comment is not available.")
    expect(lost.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", tops[0]
    )
    expect(lost.locator(W + "button[data-action='from-start']")).to_have_count(0)
    assert errors == []
