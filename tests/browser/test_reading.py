"""Reading in Chromium: the sort a reader chose stays chosen, a page on an origin the
site doesn't allow says so instead of blaming the connection, and a comment says when."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller, W, shown_ids
from tests.live import LiveServer

SORT = W + "select[data-action='sort']"


def test_the_sort_a_reader_chose_is_kept_for_the_site(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    older = boris.post("The older comment.")["id"]
    newer = boris.post("The newer comment.")["id"]
    page.goto(app.url + "/")
    expect(page.locator(SORT)).to_have_value("oldest")
    page.select_option(SORT, "newest")
    expect(page.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", newer
    )
    asked: list[str] = []

    def count(request: Any) -> None:
        if "/api/v1/sites/demo/comments" in request.url:
            asked.append(request.url)

    page.on("request", count)
    page.reload()
    expect(page.locator(SORT)).to_have_value("newest")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    assert shown_ids(page) == [newer, older]
    # The loader asked for the remembered sort's page at once: no second request for it.
    assert len(asked) == 1 and "sort=newest" in asked[0], asked
    page.remove_listener("request", count)

    # A stored value the widget doesn't know is no choice: the page's default applies.
    key = f"comments:sort:{app.url}:demo"
    page.evaluate(f"localStorage.setItem('{key}', '__proto__')")
    page.reload()
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    expect(page.locator(SORT)).to_have_value("oldest")
    assert shown_ids(page) == [older, newer]


def test_a_page_on_an_origin_the_site_doesnt_allow_says_so(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost")  # the demo allows its own origin only
    publisher_page(f"""<!doctype html><html><head><title>Not allowed</title></head>
<body><h1>An article on a site the service doesn't know</h1>
<div id="comments" data-site="demo" data-thread="elsewhere"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    page.goto(publisher + "/article.html")
    status = page.locator(W + ".cw-status")
    expect(status).to_have_text(
        "Comments can't load on this page: the site doesn't allow comments on pages from "
        f"{publisher}. The site's publisher can add this origin to the site's allowed origins."
    )
    expect(status).to_have_class("cw-status cw-status-error")
    # Said once: the login area doesn't repeat it, nor blame the connection.
    expect(page.locator(W + ".cw-account")).to_contain_text(
        "Logging in is not available for this site right now."
    )
    expect(page.locator(W + "section.cw")).not_to_contain_text("Check your connection")


def test_a_comment_says_when_in_words_and_its_full_date_on_hover(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    posted = boris.post("A comment with a time on it.")
    boris.edit(posted["id"], "A comment with a time on it, edited.")
    page.goto(app.url + "/")
    comment = W + f"li[data-comment-id='{posted['id']}'] "
    when = page.locator(comment + "time")
    expect(when).to_have_text("now")  # the language file's words, not Intl's
    expect(when).to_have_attribute("datetime", posted["created_at"])
    # The full date, as a tooltip: written once the page is idle, or when the pointer comes.
    year = posted["created_at"][:4]
    expect(when).to_have_attribute("title", re.compile(rf"\b{year}\b"))
    edited = page.locator(comment + ".cw-edited")
    edited.hover()
    expect(edited).to_have_attribute("title", re.compile(rf"^Edited .*\b{year}\b"))
