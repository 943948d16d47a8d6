"""Security headers, and absolute URLs that come from the configured public URL only.

The login popup's pages run only the service's own files, refuse framing and leak no
referrer; JSON is never sniffed into something else. Forged `Host` headers on the login
redirect, its redirect_uri and the OpenAPI server are attacks:
tests/security/test_attack_host_header.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest

from tests.harness import ORIGIN, Harness

PUBLIC_URL = "http://comments.example"
EVIL_HOST = {"host": "evil.example"}
HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def h(sqlite_url: str) -> Iterator[Harness]:
    """The app configured with a public URL other than the host the tests reach it by."""
    with Harness.start(sqlite_url, public_url=PUBLIC_URL) as harness:
        yield harness


def csp(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as directive -> sources."""
    policy = response.headers["content-security-policy"]
    directives = [part.split() for part in policy.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def assert_strict_html(response: httpx.Response) -> None:
    """Own scripts and styles only, no framing, no sniffing."""
    assert response.headers["content-type"].startswith("text/html")
    policy = csp(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for sources in policy.values():
        assert not {"*", "'unsafe-inline'", "'unsafe-eval'"} & set(sources)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in response.text  # only <script src> and JSON data blocks


def start_login(h: Harness, **headers: str) -> httpx.Response:
    """The popup's first request: off to the provider's authorize page."""
    response = h.client.get("/auth/dev/login", params={"site": "news", "origin": ORIGIN},
                            headers=headers, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    return response


def local(url: str) -> str:
    """The path and query of an absolute URL, to request it from the in-process app."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the authorize page's form."""
    return {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}


def test_authorize_page_is_strict_and_points_only_at_the_public_url(h: Harness) -> None:
    page = h.client.get(local(start_login(h).headers["location"]), headers=EVIL_HOST)
    assert page.status_code == 200
    assert_strict_html(page)
    assert f'action="{PUBLIC_URL}/auth/dev/authorize"' in page.text
    assert f'href="{PUBLIC_URL}/static/auth/login.css"' in page.text
    assert form_fields(page.text)["redirect_uri"] == f"{PUBLIC_URL}/auth/dev/callback"
    assert "evil.example" not in page.text and "testserver" not in page.text


def test_callback_page_is_strict_sends_no_referrer_and_is_not_cached(h: Harness) -> None:
    page = h.client.get(local(start_login(h).headers["location"]))
    granted = h.client.post("/auth/dev/authorize", data=form_fields(page.text) | {"name": "Ann"},
                            headers=EVIL_HOST, follow_redirects=False)  # fmt: skip
    assert granted.status_code == 303, granted.text
    assert granted.headers["location"].startswith(f"{PUBLIC_URL}/auth/dev/callback?")
    assert granted.headers["referrer-policy"] == "no-referrer"
    callback = h.client.get(local(granted.headers["location"]), headers=EVIL_HOST)
    assert callback.status_code == 200
    assert_strict_html(callback)
    assert callback.headers["cache-control"] == "no-store"
    assert f'<script src="{PUBLIC_URL}/static/auth/callback.js"></script>' in callback.text
    assert "evil.example" not in callback.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        # The refused origin is named on the page (for the publisher); the Host never is.
        ("/auth/dev/login", {"site": "news", "origin": "https://other.example"}),
        ("/auth/dev/login", {"site": "nowhere", "origin": ORIGIN}),
        ("/auth/dev/callback", {"error": "access_denied"}),
        ("/auth/dev/callback", {"state": "forged", "code": "forged"}),
    ],
)
def test_login_failure_pages_are_just_as_strict(
    h: Harness, path: str, params: dict[str, str]
) -> None:
    page = h.client.get(path, params=params, headers=HTML | EVIL_HOST, follow_redirects=False)
    assert 400 <= page.status_code < 500
    assert_strict_html(page)
    assert "set-cookie" not in page.headers
    assert "evil.example" not in page.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/sites/news/comments?thread=union"),
        ("GET", "/api/v1/sites/news/counts?thread=union"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/sites/nowhere/comments?thread=union"),
        ("GET", "/api/v1/sites/news/comments"),
        ("POST", "/api/v1/sites/news/comments"),
        ("PUT", "/api/v1/sites/news/comments"),
        ("GET", "/api/v1/me?site=news"),
        ("GET", "/api/v1/nope"),
        ("GET", "/auth/providers?site=news"),
        ("GET", "/auth/dev/login?site=news&origin=https://evil.example"),
        ("GET", "/healthz"),
        ("GET", "/widget/nope.js"),
    ],
)
def test_json_responses_are_never_sniffed(h: Harness, method: str, path: str) -> None:
    response = h.client.request(method, path)
    assert response.headers["content-type"].split(";")[0] == "application/json", response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    response.json()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nope", "/api/v1/sites/nowhere/comments?thread=x", "/api/v1/sites/news/comments",
     "/auth/providers", "/auth/providers?site=nowhere"],
)  # fmt: skip
def test_api_errors_stay_json_when_a_browser_asks_for_html(h: Harness, path: str) -> None:
    response = h.client.get(path, headers=HTML)
    assert response.status_code >= 400
    assert response.headers["content-type"].split(";")[0] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert set(response.json()) == {"error"}
