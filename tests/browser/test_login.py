"""Logging in from a publisher's page in Chromium: the publisher's own login (SSO)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

from joserfc import jwt
from joserfc.jwk import OctKey
from playwright.sync_api import Page, expect

from tests.auth.providers import StrictOidcProvider
from tests.live import LiveServer

W = "#comments >> "
SECRET = "publisher-sso-secret-" + "q" * 32


def test_publisher_sso_token_logs_the_reader_in_without_a_popup(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    # The publisher sets the site's secret with the command line, as the README shows.
    done = subprocess.run(
        [sys.executable, "-m", "comments", "sites", "update", "demo", "--sso-secret", SECRET],
        env=os.environ | {"COMMENTS_DATABASE_URL": app.settings.database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    now = int(time.time())
    claims = {"sub": "u-77", "name": "Subscriber Seventy-Seven", "iat": now, "exp": now + 300}
    token = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(SECRET.encode()))
    publisher_page(f"""<!doctype html><html><head><title>Members' article</title></head>
<body><h1>For subscribers</h1>
<div id="comments" data-site="demo" data-thread="members" data-sso-token="{token}"
     data-thread-url="{publisher}/article.html"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    page.goto(publisher + "/article.html")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Subscriber Seventy-Seven")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Commenting as a subscriber.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    item = page.locator(W + "li.cw-comment").first
    expect(item).to_have_attribute("data-author-id", "sso:demo:u-77")


def test_reader_logs_in_with_an_oidc_provider_in_the_popup_and_posts(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
    strict_oidc: StrictOidcProvider,
) -> None:
    from comments.settings import load_settings

    environ = {
        "COMMENTS_OIDC_NEWSROOM_ISSUER": strict_oidc.issuer,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_ID": "browser-client",
        "COMMENTS_OIDC_NEWSROOM_CLIENT_SECRET": "browser-secret",
        "COMMENTS_OIDC_NEWSROOM_NAME": "Newsroom account",
    }
    oidc = load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,), oidc=oidc)
    strict_oidc.register_client(
        "browser-client", "browser-secret", f"{app.url}/auth/newsroom/callback"
    )
    strict_oidc.set_user("carol", {"name": "Carol Newsroom"})
    publisher_page(f"""<!doctype html><html><head><title>Article</title></head>
<body><h1>Another site's article</h1>
<div id="comments" data-site="demo" data-thread="oidc" data-thread-url="{publisher}/a"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    page.goto(publisher + "/article.html")
    with page.expect_popup() as opened:
        page.click(W + "button[data-action='login'][data-provider='newsroom']")
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url.startswith(strict_oidc.issuer)
    # A script on the publisher's page forging a login message is ignored.
    page.evaluate("""window.postMessage({type: "comments:login", site: "demo",
        token: "cmt_forged", user: {id: "x", name: "Forged"}}, "*")""")
    popup.fill("#sub", "carol")
    popup.click("#authorize")
    expect(page.locator(W + ".cw-me-user")).to_have_text("Carol Newsroom")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Logged in with my newsroom.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    expect(page.locator(W + "li.cw-comment").first).to_have_attribute(
        "data-author-id", "oidc:newsroom:carol"
    )
    stored = page.evaluate(f"localStorage.getItem('comments:token:{app.url}:demo')")
    assert stored and stored.startswith("cmt_") and stored != "cmt_forged"
