"""Attacks on the login's `postMessage`: a token posted to any origin, or a page that breaks.

The callback page hands the token to its opener with `postMessage(message, origin)`,
`origin` being the one the login started for. No script or page the service serves may
ever post to `"*"`, the page carries the result as JSON data (never as code) that a
hostile name cannot break out of, and a failed login carries no target at all. The
browser side (forged and framed messages, an opener that navigated away) is in
`tests/browser/test_attack_popup.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from comments.settings import load_settings
from tests.auth.providers import StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness, login_result

ROOT = Path(__file__).resolve().parents[2]
WILDCARD = re.compile(r"postMessage\s*\([^;]*?,\s*['\"`]\*['\"`]")
HOSTILE_NAME = "</script><script>alert(1)</script><!--"


def test_no_served_script_posts_to_any_origin() -> None:
    """Attack: a token broadcast with `postMessage(…, "*")` to whatever page is the opener."""
    found = [
        *ROOT.glob("widget/**/*.js"),
        *ROOT.glob("comments/static/**/*.js"),
        *ROOT.glob("comments/static/**/*.html"),
        *ROOT.glob("comments/**/*.py"),
    ]
    # The build tools' own files (widget/node_modules) are never served: the service answers
    # 404 for them (comments/http/widget_bundle.py is_source).
    served = [p for p in found if "node_modules" not in p.relative_to(ROOT).parts]
    assert any(p.name == "callback.js" for p in served)
    offenders = [str(p) for p in served if WILDCARD.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_login_page_names_the_exact_origin(quick: Harness) -> None:
    """Attack: the token posted to the wrong origin by the login page's own script."""
    result = quick.dev_login("Alice")
    assert result["origin"] == ORIGIN
    script = quick.client.get("/static/auth/callback.js").text
    assert "postMessage(result.message, origin)" in script
    assert WILDCARD.search(script) is None


def test_hostile_name_from_the_dev_login_cannot_break_out_of_the_result(quick: Harness) -> None:
    """Attack: XSS on the callback page, a name that closes the data block and opens a script."""
    start = quick.client.get(
        "/auth/dev/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    form = quick.client.get(start.headers["location"]).text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form)) | {"name": HOSTILE_NAME}
    granted = quick.client.post("/auth/dev/authorize", data=fields, follow_redirects=False)
    callback = urlsplit(granted.headers["location"])
    page = quick.client.get(f"{callback.path}?{callback.query}")
    assert page.status_code == 200, page.text
    assert "<script>alert" not in page.text and "<!--" not in page.text
    assert page.text.count("<script") == 2  # the data block and callback.js, nothing else
    assert login_result(page.text)["message"]["user"]["name"] == HOSTILE_NAME


@pytest.fixture
def newsroom(sqlite_url: str, strict_oidc: StrictOidcProvider) -> Iterator[Harness]:
    """The app with the strict provider as `newsroom`."""
    strict_oidc.register_client(
        "security-suite", "security-suite-secret", f"{PUBLIC}/auth/newsroom/callback"
    )
    environ = {
        "COMMENTS_OIDC_NEWSROOM_ISSUER": strict_oidc.issuer,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_ID": "security-suite",
        "COMMENTS_OIDC_NEWSROOM_CLIENT_SECRET": "security-suite-secret",
    }
    oidc = load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc
    with Harness.start(sqlite_url, oidc=oidc) as h:
        yield h


def test_hostile_claims_from_a_provider_cannot_break_out_of_the_result(
    newsroom: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: XSS on the callback page through a provider's `name` and `picture` claims."""
    strict_oidc.set_user(
        "hostile",
        {"name": HOSTILE_NAME, "picture": 'https://x.example/"><script>alert(2)</script>'},
    )
    start = newsroom.client.get(
        "/auth/newsroom/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    callback = urlsplit(strict_oidc.authorize(start.headers["location"], "hostile"))
    page = newsroom.client.get(f"{callback.path}?{callback.query}")
    assert page.status_code == 200, page.text
    assert "<script>alert" not in page.text
    assert page.text.count("<script") == 2
    assert login_result(page.text)["message"]["user"]["name"] == HOSTILE_NAME


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"state": "forged", "code": "forged"}, id="forged-answer"),
        pytest.param({"error": "access_denied", "state": "forged"}, id="provider-error"),
    ],
)
def test_failed_login_page_names_no_target_and_carries_no_token(
    quick: Harness, query: dict[str, str]
) -> None:
    """Attack: a failed login's page made to post something to some origin anyway."""
    page = quick.client.get("/auth/dev/callback", params=query, headers={"Accept": "text/html"})
    assert page.status_code == 400
    result = login_result(page.text)
    assert set(result) == {"error"}
    assert "cmt_" not in page.text
