"""The thread's first page in the article itself (the embed fragment): readers without
JavaScript see the comments, and the widget takes them over in place, with no request for
that page and without moving the article, then follows the thread live from where the
page stood. A fragment for something else, or whose JSON isn't a page, is left aside."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.test_viewer import Caller, log_in
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "
PAGE_READ = "/api/v1/sites/demo/comments?"
EVENTS = "/api/v1/sites/demo/events?"
MODULES = re.compile(r"/widget/v/")


class Gate:
    """Holds the requests a route catches until it opens; lets the rest through after."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.open = False

    def __call__(self, route: Route) -> None:
        if self.open:
            route.continue_()
        else:
            self.held.append(route)

    def let_through(self) -> None:
        self.open = True
        for route in self.held:
            route.continue_()


# Where the article's footer (the text after the comments) is, on every frame from the
# first one, and what the comments element showed then.
FRAMES = """
window.frames_seen = [];
const sample = () => {
    const footer = document.querySelector(".site-footer");
    const mount = document.getElementById("comments");
    if (footer && mount) {
        const root = mount.shadowRoot;
        window.frames_seen.push({
            top: footer.getBoundingClientRect().top + scrollY,
            fragment: Boolean(mount.querySelector("[data-comments-embed]")),
            shell: Boolean(root && root.querySelector(".cw")),
            comments: root ? root.querySelectorAll(".cw-comment").length : 0,
        });
    }
    requestAnimationFrame(sample);
};
requestAnimationFrame(sample);
"""


def discussion(app: LiveServer) -> None:
    """The demo thread with a few comments, a reply and a removed one that has a reply."""
    boris = Caller(app, "dev:boris", "Boris")
    anna = Caller(app, "dev:anna", "Anna")
    first = boris.post("A union on paper, and *only* on paper.")
    anna.post(
        "A reply long enough to wrap over more than one line of the column, as real replies "
        "often do when a reader has something to add.",
        first["id"],
    )
    regret = anna.post("Something Anna regrets.")
    boris.post("Boris answers what Anna regrets.", regret["id"])
    anna.delete(regret["id"])
    Caller(app, "dev:cleo", "Cleo").post("Two paragraphs.\n\nThe second, with `code`.")


def test_without_javascript_the_demo_shows_its_comments(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    discussion(app)
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(app.url + "/")
    fragment = page.locator("#comments > section.comments-embed")
    expect(fragment.locator("h2")).to_have_text("4 comments")
    bodies = fragment.locator(".comments-embed-body")
    expect(bodies.first).to_have_text("A union on paper, and only on paper.")
    expect(bodies.first.locator("em")).to_have_text("only")
    reply = fragment.locator("li.comments-embed-comment ol.comments-embed-replies > li").first
    expect(reply.locator(".comments-embed-author")).to_have_text("Anna")
    expect(
        fragment.locator("li.comments-embed-deleted > article > .comments-embed-body")
    ).to_have_text("This comment was deleted.")
    expect(page.locator(".noscript")).to_have_text("Writing a comment needs JavaScript.")
    # The same comments, laid out as the widget lays them out: one under the other.
    boxes = [box for box in (li.bounding_box() for li in bodies.all()) if box]
    assert len(boxes) == 5 and all(a["y"] < b["y"] for a, b in pairwise(boxes))
    page.context.close()


def test_widget_takes_the_fragment_over_without_asking_for_it_or_moving_the_article(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    discussion(app)
    last_event_id = httpx.get(f"{app.url}/api/v1/sites/demo/comments?thread=belarus-russia-union")
    assert last_event_id.status_code == 200
    expected_after = last_event_id.json()["thread"]["last_event_id"]
    assert expected_after, "the thread has had events"
    asked: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(FRAMES)
    # The widget's modules wait until the article has shown its fragment.
    modules = Gate()
    page.route(MODULES, modules)
    page.goto(app.url + "/", wait_until="commit")
    page.wait_for_function("() => frames_seen.some((f) => f.fragment)")
    page.wait_for_function("() => frames_seen.length > 3")
    modules.let_through()

    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(3)
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on")
    expect(page.locator(W + "button[data-action='login']")).to_be_visible()
    page.wait_for_function(
        "() => frames_seen.length > 3 + frames_seen.findIndex((f) => f.comments)"
    )
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "4")
    expect(page.locator(W + "li.cw-comment[data-status='deleted'] .cw-tombstone")).to_be_visible()
    assert page.locator("#comments [data-comments-embed]").count() == 0

    # No request for the first page; the stream starts where the page stood.
    assert not [url for url in asked if PAGE_READ in url]
    stream = [url for url in asked if EVENTS in url]
    assert stream, asked
    assert parse_qs(urlsplit(stream[0]).query)["last_event_id"] == [expected_after]

    frames: list[dict[str, Any]] = page.evaluate("() => frames_seen")
    tops = [f["top"] for f in frames]
    assert frames[0]["fragment"] and frames[-1]["comments"] == 5
    assert max(tops) - min(tops) <= 4, [(f["top"], f["fragment"], f["comments"]) for f in frames]
    assert errors == []


def test_a_reader_with_a_session_asks_for_their_own_page_while_the_fragment_keeps_its_place(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    discussion(app)
    page.goto(app.url + "/")
    # Logging in shows the thread again, as this reader: that read is over before counting.
    with page.expect_response(lambda response: PAGE_READ in response.url):
        log_in(page, "Dana Reader")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.add_init_script(FRAMES)
    # The reader's own page (their votes, their held comments) waits until the widget
    # has put up its shell over the fragment.
    own_page = Gate()
    page.route(lambda url: PAGE_READ in url, own_page)
    page.reload()
    page.wait_for_function("() => frames_seen.some((f) => f.shell)")
    page.wait_for_function("() => frames_seen.length > 3 + frames_seen.findIndex((f) => f.shell)")
    assert own_page.held, "the reader's page was asked for"
    waiting: list[dict[str, Any]] = page.evaluate("() => frames_seen")
    own_page.let_through()
    expect(page.locator(W + ".cw-me-user")).to_have_text("Dana Reader")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(3)

    before = waiting[0]["top"]
    shell = [f for f in waiting if f["shell"] and not f["comments"]]
    assert shell, waiting
    # While the shell waits for the page, the article below stays where it was.
    assert all(abs(f["top"] - before) <= 4 for f in shell), [f["top"] for f in waiting]
    assert len([url for url in asked if "/api/v1/me?" in url]) == 1
    assert len([url for url in asked if PAGE_READ in url]) == 1


def test_a_fragment_for_something_else_or_without_a_page_is_left_aside(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    Caller(app, "dev:boris", "Boris", thread="mine", thread_url=publisher + "/a").post("Mine.")
    Caller(app, "dev:anna", "Anna", thread="other", thread_url=publisher + "/b").post("Other.")
    mine = httpx.get(f"{app.url}/embed/demo/mine.html").text
    other = httpx.get(f"{app.url}/embed/demo/other.html").text
    newest = httpx.get(f"{app.url}/embed/demo/mine.html?sort=newest").text
    script = re.compile(r"(<script[^>]*data-comments-page>).*?(</script>)", re.S)
    cases = {
        "another thread": other,
        "another order": newest,
        "another site": mine.replace('data-site="demo"', 'data-site="elsewhere"'),
        "script, not JSON": script.sub(r"\1window.pwned = true\2", mine),
        "JSON, not a page": script.sub(r'\1{"thread": "mine"}\2', mine),
    }
    errors: list[str] = []
    asked: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: asked.append(request.url))
    for case, fragment in cases.items():
        asked.clear()
        publisher_page(
            f"""<!doctype html><html><head><title>Article</title></head><body>
<div id="comments" data-site="demo" data-thread="mine"
  data-thread-url="{publisher}/a">{fragment}</div>
<script async src="{app.url}/widget/comments.js"></script></body></html>"""
        )
        page.goto(publisher + "/article.html")
        expect(page.locator(W + "li.cw-comment .comment-body"), case).to_have_text("Mine.")
        assert len([url for url in asked if PAGE_READ in url]) == 1, case
        assert page.evaluate("() => window.pwned") is None, case
    assert errors == []
