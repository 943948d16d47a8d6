"""The widget on publishers' pages that make it hard: CSS aimed at everything on the page,
and a strict Content-Security-Policy as the README documents it for the widget."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller, log_in, post_in_widget
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "
THREAD = "host-page"
HOSTILE = """
* { display: inline !important; color: red !important; font-size: 40px !important; }
div { position: absolute !important; }
"""
Publish = Callable[[str, str, dict[str, str]], str]


@pytest.fixture
def publisher() -> Iterator[tuple[str, Publish]]:
    """The publisher's own site on 127.0.0.1 (the service runs on localhost): its origin,
    and publish(path, html, headers) answering the page's URL."""
    pages: dict[str, tuple[bytes, dict[str, str]]] = {}

    class Publisher(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, headers = pages.get(self.path, (b"", {}))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:
            _, headers = pages.get(self.path, (b"", {}))
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    def publish(path: str, html: str, headers: dict[str, str]) -> str:
        pages[path] = (html.encode("utf-8"), headers)
        return origin + path

    yield origin, publish
    server.shutdown()
    server.server_close()


def article(app: LiveServer, origin: str, head: str = "", inside: str = "") -> str:
    """An article with the widget, `head` in its head and `inside` its mount element."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title>
{head}</head><body><h1>An article</h1><p>The story.</p>
<div id="comments" data-site="demo" data-thread="{THREAD}"
  data-thread-url="{origin}/a">{inside}</div>
<p id="after">The text after the comments.</p>
<script async src="{app.url}/widget/comments.js"></script></body></html>"""


LOOKS = """() => {
    const root = document.getElementById("comments").shadowRoot;
    const style = (selector) => {
        const el = root.querySelector(selector);
        const s = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {display: s.display, position: s.position, color: s.color, fontSize: s.fontSize,
                padding: s.padding, width: Math.round(box.width), height: Math.round(box.height)};
    };
    const items = [...root.querySelectorAll(".cw-list > li")]
        .map((li) => li.getBoundingClientRect());
    return {
        widget: style(".cw"), heading: style(".cw-heading"), list: style(".cw-list"),
        comment: style(".cw-list > li"), body: style(".comment-body"), button: style(".cw-btn"),
        stacked: items.every((box, i) => i === 0 || box.top >= items[i - 1].bottom - 1),
    };
}"""


def test_page_css_aimed_at_everything_leaves_the_widget_as_it_looks_elsewhere(
    serve_app: Callable[..., LiveServer], publisher: tuple[str, Publish], page: Page
) -> None:
    origin, publish = publisher
    app = serve_app(host="localhost", demo_origins=(origin,))
    for text in ("The first comment.", "The second one."):
        Caller(app, f"dev:{len(text)}", "Boris", thread=THREAD, thread_url=origin + "/a").post(text)
    looks = {}
    for name, head in (("plain", ""), ("hostile", f"<style>{HOSTILE}</style>")):
        page.goto(publish(f"/{name}.html", article(app, origin, head), {}))
        expect(page.locator(W + ".cw-list > li")).to_have_count(2)
        expect(page.locator(W + "button[data-action='login']")).to_be_visible()
        looks[name] = page.evaluate(LOOKS)
    plain, hostile = looks["plain"], looks["hostile"]
    # The page's rules did reach the page: its own text is red and large.
    assert page.evaluate("() => getComputedStyle(document.getElementById('after')).color") == (
        "rgb(255, 0, 0)"
    )
    assert hostile["widget"]["width"] >= plain["widget"]["width"] - 20  # the column, not squeezed
    assert hostile["stacked"] and hostile["list"]["display"] == "block"
    assert hostile["comment"]["display"] == "list-item"
    for part in ("widget", "heading", "list", "comment", "body", "button"):
        assert hostile[part]["color"] != "rgb(255, 0, 0)", part
        assert hostile[part]["position"] == "static", part
        for key in ("display", "color", "fontSize", "padding", "height"):
            assert hostile[part][key] == plain[part][key], (part, key, hostile[part], plain[part])


VIOLATIONS = """
window.violations = [];
addEventListener("securitypolicyviolation", (event) => {
    window.violations.push(event.violatedDirective + " " + event.blockedURI);
}, true);
"""


def test_widget_takes_over_logs_in_and_posts_under_the_strict_policy_the_readme_gives(
    serve_app: Callable[..., LiveServer], publisher: tuple[str, Publish], page: Page
) -> None:
    origin, publish = publisher
    app = serve_app(host="localhost", demo_origins=(origin,))
    Caller(app, "dev:boris", "Boris", thread=THREAD, thread_url=origin + "/a").post("Welcome.")
    fragment = httpx.get(f"{app.url}/embed/demo/{THREAD}.html").text
    # README, "Under a strict Content-Security-Policy": the service in script-src and
    # connect-src (with 'self'), https: images, nothing for styles or frames.
    policy = (
        f"default-src 'none'; script-src {app.url}; connect-src {app.url} 'self'; "
        "img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    url = publish("/a", article(app, origin, inside=fragment), {"Content-Security-Policy": policy})
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    asked: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda request: asked.append(request.url))
    page.goto(url)
    expect(page.locator(W + "li.cw-comment .comment-body")).to_have_text("Welcome.")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on")
    assert not [u for u in asked if "/api/v1/sites/demo/comments?" in u], "the fragment was there"
    assert page.locator("[data-comments-embed]").count() == 0  # taken over

    log_in(page, "Anna Reader")
    post_in_widget(page, "Strict pages are welcome too.")
    expect(page.locator(W + ".cw-status")).to_have_text("Your comment was posted.")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    assert page.evaluate("() => window.violations") == []
    assert errors == []
