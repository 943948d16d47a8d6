"""Attacks on the login popup in Chromium: forged and framed messages, a hijacked opener.

The article is served from 127.0.0.1, the service from `localhost` (another site), and an
attacker's pages from a third origin. The dev login stands in for a provider: what is
attacked is the popup's way back to the page, the same for every provider.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "  # Playwright's CSS pierces the widget's open shadow root
LOGIN = W + "button[data-action='login'][data-provider='dev']"
FORGED = {
    "type": "comments:login",
    "site": "demo",
    "token": "cmt_forged",
    "user": {"id": "dev:mallory", "name": "Forged Mallory", "avatar_url": None},
}
RECORDER = """<!doctype html><html><head><title>Totally the article</title>
<script>
window.got = [];
addEventListener("message", (e) => window.got.push(e.data));
</script></head><body><p>Nothing to see here.</p></body></html>"""


@pytest.fixture
def attacker() -> Iterator[Callable[[str, str], str]]:
    """The attacker's own site on a third origin: publish(path, html) answers its URL."""
    pages: dict[str, bytes] = {}

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def publish(path: str, html: str) -> str:
        pages[path] = html.encode()
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield publish
    server.shutdown()
    server.server_close()


def article(publisher: str, app: LiveServer, extra: str = "") -> str:
    """The publisher's article with the widget (and whatever else the page embeds)."""
    return f"""<!doctype html><html><head><title>Article</title></head>
<body><h1>An article</h1>
<div id="comments" data-site="demo" data-thread="popup" data-thread-url="{publisher}/a"></div>
{extra}
<script async src="{app.url}/widget/comments.js"></script></body></html>"""


def frame_at(page: Page, prefix: str) -> Frame:
    """The page's frame whose URL starts with `prefix`, once it has loaded."""
    for frame in page.frames:
        if frame.url.startswith(prefix):
            frame.wait_for_load_state()
            return frame
    raise AssertionError(f"no frame at {prefix}: {[f.url for f in page.frames]}")


def test_forged_messages_from_the_page_and_its_frames_are_ignored(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    """Attack: forged and framed `postMessage` logins while the real popup is open.

    Three forgers: a script on the article itself, a sandboxed third-party frame (an
    ad), and a frame on the service's own origin, whose messages carry the right
    `event.origin` but come from a window that is not the popup.
    """
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    frames = f"""<iframe id="ad" sandbox="allow-scripts" srcdoc="<p>An ad</p>"></iframe>
<iframe id="service" src="{app.url}/healthz"></iframe>"""
    publisher_page(article(publisher, app, frames))
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.headers.get("authorization", "")))
    page.goto(publisher + "/article.html")
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    page.evaluate("m => window.postMessage(m, '*')", FORGED)
    frame_at(page, "about:srcdoc").evaluate("m => parent.postMessage(m, '*')", FORGED)
    frame_at(page, app.url).evaluate("m => parent.postMessage(m, '*')", FORGED)
    expect(page.locator(W + ".cw-me-user")).to_have_count(0)
    popup.fill("#name", "Carol")
    popup.click("button[type='submit']")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Carol")
    stored = page.evaluate(f"localStorage.getItem('comments:token:{app.url}:demo')")
    assert stored and stored.startswith("cmt_") and stored != FORGED["token"]
    assert not any("cmt_forged" in header for header in sent)


def test_token_is_not_delivered_to_a_page_the_opener_navigated_to(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    attacker: Callable[[str, str], str],
    page: Page,
) -> None:
    """Attack: a hijacked opener, the article replaced by the attacker's page mid-login.

    The popup's message is aimed at the article's origin, so the attacker's page, now
    the popup's opener, never receives the token.
    """
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    publisher_page(article(publisher, app))
    trap = attacker("/trap.html", RECORDER)
    page.goto(publisher + "/article.html")
    with page.expect_popup() as opened:
        page.click(LOGIN)
    popup = opened.value
    popup.wait_for_load_state()
    popup.add_init_script("window.close = () => {};")  # keep it open to look at it after
    page.goto(trap)
    popup.fill("#name", "Carol")
    popup.click("button[type='submit']")
    expect(popup.locator("#status")).not_to_have_text("One moment.")
    if popup.evaluate("!!window.opener"):
        # Messages from one window to another arrive in order: once this one is in,
        # the token would have been too.
        popup.evaluate("window.opener.postMessage('sentinel', '*')")
        page.wait_for_function("window.got.includes('sentinel')")
    assert page.evaluate("window.got") in ([], ["sentinel"])


def frame_under_attack(page: Page, attacker: Callable[[str, str], str], src: str) -> Any:
    """The attacker's page framing `src`; answers a locator into the frame once it loaded."""
    page.goto(
        attacker(
            "/frame.html",
            f"""<!doctype html><html><body>
<iframe id="victim" src="{src}" onload="window.framed = true"></iframe></body></html>""",
        )
    )
    page.wait_for_function("window.framed === true")
    return page.frame_locator("#victim")


def test_a_page_that_allows_framing_shows_in_the_frame(
    attacker: Callable[[str, str], str], page: Page
) -> None:
    """Attack: none; the control that shows a framed page's content can be seen."""
    src = attacker("/framable.html", "<!doctype html><main><form><button>Go</button></form></main>")
    expect(frame_under_attack(page, attacker, src).locator("form, main")).to_have_count(2)


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("/auth/dev/login?site=demo&origin={publisher}", id="login-start"),
        pytest.param("/auth/dev/callback?state=x&code=y", id="callback"),
        pytest.param("/moderate", id="dashboard"),
    ],
)
def test_login_pages_and_the_dashboard_refuse_to_load_in_a_frame(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    attacker: Callable[[str, str], str],
    page: Page,
    target: str,
) -> None:
    """Attack: framing (clickjacking), the popup's pages or the dashboard inside a frame."""
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    frame = frame_under_attack(page, attacker, app.url + target.format(publisher=publisher))
    expect(frame.locator("form, main, #status, button")).to_have_count(0)
