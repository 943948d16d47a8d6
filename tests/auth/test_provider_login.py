"""Logging in with real OpenID Connect providers and stand-ins for GitHub and Google.

The OpenID Connect providers run on loopback in this process: the PyPI package
`oidc-provider-mock` (a third-party provider) and a stricter one built from Authlib's
server classes that enforces PKCE. GitHub and Google cannot be reached from the test
machines: local servers stand in for their endpoints (`fake_github`, `fake_google`).
Forged ID tokens, PKCE, codes and mix-up are attacks: tests/security/test_attack_*.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.auth.providers import FakeGitHub, OidcMock, StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness, login_result

CLIENT_ID, CLIENT_SECRET = "comments-test", "comments-test-secret"


def oidc_env(name: str, issuer: str) -> dict[str, str]:
    prefix = f"COMMENTS_OIDC_{name.upper()}_"
    return {
        prefix + "ISSUER": issuer,
        prefix + "CLIENT_ID": CLIENT_ID,
        prefix + "CLIENT_SECRET": CLIENT_SECRET,
        prefix + "NAME": "Newsroom",
    }


@pytest.fixture
def newsroom(sqlite_url: str, strict_oidc: StrictOidcProvider) -> Any:
    """The app with the strict provider configured as `newsroom`."""
    from comments.settings import load_settings

    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
    oidc = load_settings(
        {"oidc_providers": "newsroom"}, environ=oidc_env("newsroom", strict_oidc.issuer)
    ).oidc
    with Harness.start(sqlite_url, oidc=oidc) as h:
        yield h


def start(h: Harness, provider: str) -> str:
    r = h.client.get(
        f"/auth/{provider}/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


def finish(h: Harness, callback_url: str) -> Any:
    parts = urlsplit(callback_url)
    return h.client.get(f"{parts.path}?{parts.query}")


def test_newsroom_oidc_login_ends_in_a_token_for_the_exact_origin(
    newsroom: Harness, strict_oidc: StrictOidcProvider
) -> None:
    strict_oidc.set_user(
        "alice",
        {
            "name": "Alice Newsroom",
            "email": "a@news.example",
            "email_verified": True,
            "picture": "https://cdn.news.example/a.png",
        },
    )
    authorize = start(newsroom, "newsroom")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(strict_oidc.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert query["redirect_uri"] == [f"{PUBLIC}/auth/newsroom/callback"]
    page = finish(newsroom, strict_oidc.authorize(authorize, "alice"))
    assert page.status_code == 200, page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    result = login_result(page.text)
    assert result["origin"] == ORIGIN
    assert result["message"]["user"] == {
        "id": "oidc:newsroom:alice",
        "name": "Alice Newsroom",
        "avatar_url": "https://cdn.news.example/a.png",
    }
    posted = newsroom.post(result["message"]["token"], "Logged in with the newsroom account.")
    assert posted.status_code == 201


def test_third_party_oidc_provider_login(sqlite_url: str, oidc_mock: OidcMock) -> None:
    from comments.settings import load_settings

    oidc = load_settings(
        {"oidc_providers": "mock"}, environ=oidc_env("mock", oidc_mock.issuer)
    ).oidc
    oidc_mock.set_user("bob", {"name": "Bob Mock", "email": "bob@example.org"})
    with Harness.start(sqlite_url, oidc=oidc) as h:
        result = login_result(finish(h, oidc_mock.authorize(start(h, "mock"), "bob")).text)
        assert result["message"]["user"]["id"] == "oidc:mock:bob"
        assert result["message"]["user"]["name"] == "Bob Mock"


def test_github_login_through_a_stand_in_server(sqlite_url: str, fake_github: FakeGitHub) -> None:
    fake_github.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/github/callback")
    with Harness.start(
        sqlite_url,
        **fake_github.app_settings(CLIENT_ID, CLIENT_SECRET),
    ) as h:
        providers = h.client.get("/auth/providers", params={"site": "news"}).json()["providers"]
        assert {"id": "github", "name": "GitHub"} in providers
        authorize = start(h, "github")
        assert parse_qs(urlsplit(authorize).query)["code_challenge_method"] == ["S256"]
        result = login_result(finish(h, fake_github.authorize(authorize, "octocat")).text)
        assert result["message"]["user"]["id"] == "github:123"
        assert result["message"]["user"]["name"] == "The Octocat"


def test_google_login_through_a_stand_in_server(
    sqlite_url: str, fake_google: StrictOidcProvider
) -> None:
    fake_google.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/google/callback")
    fake_google.set_user(
        "1077", {"name": "Gina Google", "email": "gina@example.org", "email_verified": True}
    )
    with Harness.start(
        sqlite_url,
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_issuer=fake_google.issuer,
    ) as h:
        result = login_result(finish(h, fake_google.authorize(start(h, "google"), "1077")).text)
        assert result["message"]["user"]["id"] == "google:1077"
        stored = h.run(lambda s: s.deps.storage.get_user("google:1077"))
        assert stored.email == "gina@example.org"


def test_unreachable_provider_is_a_clear_503(sqlite_url: str) -> None:
    from comments.settings import load_settings

    oidc = load_settings(
        {"oidc_providers": "gone"}, environ=oidc_env("gone", "http://127.0.0.1:9")
    ).oidc
    with Harness.start(sqlite_url, oidc=oidc) as h:
        r = h.client.get("/auth/gone/login", params={"site": "news", "origin": ORIGIN})
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "unavailable"
