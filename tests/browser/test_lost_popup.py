"""A login popup the widget loses (closed by hand, cut off by the page's opener policy, or
left too long) is noticed and said in words, and the login button works again.

The article is served from 127.0.0.1 with the headers each test needs; the service from
`localhost`, another site. The dev login stands in for a real provider: what is tested is
the window's link back to the page, not the provider.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.live import LiveServer

W = "#comments >> "  # Playwright's CSS pierces the widget's open shadow root
LOGIN = W + "button[data-action='login'][data-provider='dev']"
NOTICE = W + ".cw-login-lost"


@pytest.fixture
def article(serve_app: Callable[..., LiveServer]) -> Iterator[Callable[..., str]]:
    """Publishes an article on 127.0.0.1, sent with the given headers; answers its URL."""
    servers: list[ThreadingHTTPServer] = []
    pages: dict[str, tuple[bytes, dict[str, str]]] = {}

    class Publisher(BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            body, headers = pages.get(self.path, (b"", {}))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers.append(server)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    app = serve_app(host="localhost", demo_origins=(origin,))

    def publish(headers: dict[str, str]) -> str:
        html = f"""<!doctype html><html><head><title>Article</title></head>
<body><h1>A publisher's article</h1>
<div id="comments" data-site="demo" data-thread="lost-popup"
     data-thread-url="{origin}/article.html"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>"""
        pages["/article.html"] = (html.encode(), headers)
        return origin + "/article.html"

    yield publish
    for running in servers:
        running.shutdown()
        running.server_close()


def finish_dev_login(page: Page, name: str) -> None:
    """Press the login button, type a name in the popup, and see the widget logged in."""
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#name", name)
    popup.click("button[type=submit]")
    expect(page.locator(W + ".cw-me-user")).to_have_text(name)


def test_reader_who_closes_the_login_window_gets_the_login_button_back(
    article: Callable[..., str], page: Page
) -> None:
    page.goto(article({}))
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    expect(page.locator(W + ".cw-login-wait")).to_contain_text("Finish logging in")
    expect(page.locator(LOGIN)).to_be_disabled()
    popup.close()
    expect(page.locator(NOTICE)).to_have_text(
        "The login window was closed before the login finished. Try again whenever you like."
    )
    expect(page.locator(LOGIN)).to_be_enabled()
    finish_dev_login(page, "Second Try")
    expect(page.locator(NOTICE)).to_have_count(0)


def test_opener_policy_same_origin_cuts_the_popup_and_the_widget_says_so(
    article: Callable[..., str], page: Page
) -> None:
    page.goto(article({"Cross-Origin-Opener-Policy": "same-origin"}))
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    # Chromium put the popup in another browsing context group: it has no way back.
    assert popup.evaluate("window.opener") is None
    assert not popup.is_closed()
    expect(page.locator(NOTICE)).to_contain_text("Cross-Origin-Opener-Policy")
    expect(page.locator(NOTICE)).to_contain_text("cannot finish here")
    expect(page.locator(LOGIN)).to_be_enabled()
    # Finishing the login in the cut-off window still logs nobody in on the page.
    popup.fill("#name", "Cut Off")
    popup.click("button[type=submit]")
    popup.wait_for_url("**/auth/dev/callback?**")
    popup.wait_for_load_state()
    expect(page.locator(W + ".cw-me-user")).to_have_count(0)
    # The retry opens a new window (it is cut off again, and the widget says so again).
    with page.expect_popup() as reopened:
        page.click(W + "button[data-action='login-retry']")
    reopened.value.wait_for_load_state()
    expect(page.locator(NOTICE)).to_contain_text("Cross-Origin-Opener-Policy")


def test_opener_policy_same_origin_allow_popups_keeps_the_login_working(
    article: Callable[..., str], page: Page
) -> None:
    page.goto(article({"Cross-Origin-Opener-Policy": "same-origin-allow-popups"}))
    finish_dev_login(page, "Allowed Popups")
    expect(page.locator(NOTICE)).to_have_count(0)


def test_login_window_left_open_for_ten_minutes_is_closed_and_the_widget_says_so(
    article: Callable[..., str], page: Page
) -> None:
    page.clock.install()
    page.goto(article({}))
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    expect(page.locator(LOGIN)).to_be_disabled()
    with popup.expect_event("close"):
        page.clock.fast_forward("10:01")
    expect(page.locator(NOTICE)).to_have_text(
        "The login took too long and was stopped. Try again whenever you like."
    )
    finish_dev_login(page, "Patient Reader")


def test_reader_who_cancels_the_login_gets_the_window_closed_and_the_button_back(
    article: Callable[..., str], page: Page
) -> None:
    page.goto(article({}))
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    with popup.expect_event("close"):
        page.click(W + "button[data-action='login-cancel']")
    expect(page.locator(LOGIN)).to_be_enabled()
    expect(page.locator(NOTICE)).to_have_count(0)
