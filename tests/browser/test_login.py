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

from tests.browser.conftest import LiveServer

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
