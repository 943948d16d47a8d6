"""The publisher's sign-on token running out, in Chromium: the widget asks the page's
`onSsoExpired` for a fresh one and carries on, or, with no answer, offers the login."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx2 as httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from playwright.sync_api import Page, expect

from tests.browser.test_viewer import cli
from tests.live import LiveServer

W = "#comments >> "
SECRET = "publisher-sso-secret-" + "z" * 32
THREAD = "members"


def mint(*, expired: bool = False) -> str:
    """A sign-on token as the publisher's server signs it; an expired one ran out 10 min ago."""
    now = int(time.time()) - (1200 if expired else 0)
    claims = {"sub": "u-8", "name": "Subscriber Eight", "iat": now, "exp": now + 600}
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(SECRET.encode()))


def article(app: LiveServer, publisher: str, callback: str) -> str:
    """The publisher's page: an expired token in the options, and `callback` as onSsoExpired."""
    options = {
        "site": "demo", "thread": THREAD, "threadUrl": publisher + "/article.html",
        "ssoToken": mint(expired=True),
    }  # fmt: skip
    return f"""<!doctype html><html><head><title>Members' article</title></head>
<body><h1>For subscribers</h1><div id="comments"></div>
<script>
  window.asked = 0;
  function mount() {{
    const options = {json.dumps(options)};
    const callback = {callback};
    if (callback) options.onSsoExpired = () => {{ window.asked += 1; return callback(); }};
    Comments.createInstance(document.getElementById("comments"), options);
  }}
</script>
<script src="{app.url}/widget/comments.js" onload="mount()"></script></body></html>"""


@pytest.fixture
def publisher_site(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str]
) -> tuple[LiveServer, str]:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    cli(app, "sites", "update", "demo", "--sso-secret", SECRET)
    return app, publisher


def test_expired_sso_token_is_renewed_through_on_sso_expired_and_the_reader_carries_on(
    publisher_site: tuple[LiveServer, str], publisher_page: Callable[[str], str], page: Page
) -> None:
    app, publisher = publisher_site
    fresh = mint()
    # The publisher's page fetches a fresh token from its own server: a promise of one.
    publisher_page(
        article(app, publisher, f"() => new Promise((done) => setTimeout(done, 50, {fresh!r}))")
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(publisher + "/article.html")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Subscriber Eight")
    assert page.evaluate("window.asked") == 1
    expect(page.locator(W + "button[data-action='login']")).to_have_count(0)

    # Later the session itself is refused (here: logged out elsewhere): the next post asks
    # the publisher again, and goes through with the fresh login.
    key = "comments:token:" + app.url + ":demo"
    token = page.evaluate("(key) => localStorage.getItem(key)", key)
    ended = httpx.post(
        app.url + "/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert ended.status_code == 204
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Posted after the renewal.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    posted = page.locator(W + "li.cw-comment[data-author-id='sso:demo:u-8'] .comment-body")
    expect(posted).to_have_text("Posted after the renewal.")
    assert page.evaluate("window.asked") == 2
    assert page.evaluate("(key) => localStorage.getItem(key)", key) not in (None, token)
    expect(page.locator(W + ".cw-me-user")).to_have_text("Subscriber Eight")
    assert errors == []


@pytest.mark.parametrize(
    "callback",
    [
        pytest.param("null", id="without-a-callback"),
        pytest.param("() => null", id="a-callback-that-gives-nothing"),
        pytest.param(
            f"() => {mint(expired=True)!r}", id="a-callback-that-gives-another-expired-token"
        ),
    ],
)
def test_expired_sso_token_without_a_fresh_one_offers_the_login(
    publisher_site: tuple[LiveServer, str],
    publisher_page: Callable[[str], str],
    page: Page,
    callback: str,
) -> None:
    app, publisher = publisher_site
    publisher_page(article(app, publisher, callback))
    page.goto(publisher + "/article.html")
    expect(page.locator(W + "button[data-action='login'][data-provider='dev']")).to_be_visible()
    expect(page.locator(W + ".cw-me")).to_have_count(0)
    expect(page.locator(W + ".cw-empty")).to_be_visible()  # the thread shows all the same
    assert page.evaluate("window.asked") == (0 if callback == "null" else 1)
