"""The login-provider fixtures work end to end over HTTP, without any app code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from tests.auth.providers import (
    FakeGitHub,
    OidcMock,
    StrictOidcProvider,
    pkce_pair,
    query_params,
)

# The fixtures, for this module (drop these once tests/conftest.py imports them).

CALLBACK = "http://127.0.0.1:9/auth/callback"
CLIENT_ID = "comments-test"
CLIENT_SECRET = "s3cret-" + "x" * 32


@pytest.fixture
def http() -> Any:
    with httpx.Client(trust_env=False, timeout=10) as client:
        yield client


@pytest.fixture(params=["strict_oidc", "fake_google"])
def provider(request: pytest.FixtureRequest) -> Any:
    """The strict provider and its Google instance, with a client and a user, reset after."""
    p: StrictOidcProvider = request.getfixturevalue(request.param)
    p.register_client(CLIENT_ID, CLIENT_SECRET, CALLBACK)
    p.set_user("alice", {"email": "alice@example.com", "name": "Alice", "nickname": "al"})
    yield p
    p.reset()


def _authorize_url(endpoint: str, challenge: str | None, nonce: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": "openid email profile",
        "state": "st-" + secrets.token_hex(4),
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    if nonce is not None:
        params["nonce"] = nonce
    return f"{endpoint}?{urlencode(params | extra)}"


def _exchange(
    http: httpx.Client, token_endpoint: str, code: str, verifier: str | None
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    if verifier is not None:
        data["code_verifier"] = verifier
    return http.post(token_endpoint, data=data, auth=(CLIENT_ID, CLIENT_SECRET))


def _verify(http: httpx.Client, metadata: dict[str, Any], id_token: str) -> jwt.Token:
    keys = KeySet.import_key_set(http.get(metadata["jwks_uri"]).json())
    return jwt.decode(id_token, keys, algorithms=["RS256"])


# ------------------------------------------------------------------------ oidc_mock


def test_oidc_mock_full_flow_and_what_it_does_not_enforce(
    oidc_mock: OidcMock, http: httpx.Client
) -> None:
    metadata = http.get(oidc_mock.metadata_url).json()
    assert metadata["issuer"] == oidc_mock.issuer
    assert oidc_mock.issuer.startswith("http://localhost:")
    oidc_mock.set_user("alice", {"email": "alice@example.com", "name": "Alice"})

    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(12)
    url = _authorize_url(metadata["authorization_endpoint"], challenge, nonce)
    callback = oidc_mock.authorize(url, "alice")
    params = query_params(callback)
    assert callback.startswith(CALLBACK) and params["state"] == query_params(url)["state"]

    good = _exchange(http, metadata["token_endpoint"], params["code"], verifier)
    assert good.status_code == 200, good.text
    token = _verify(http, metadata, good.json()["id_token"])
    assert token.claims["iss"] == oidc_mock.issuer and token.claims["nonce"] == nonce
    assert token.claims["sub"] == "alice" and token.claims["email"] == "alice@example.com"

    again = _exchange(http, metadata["token_endpoint"], params["code"], verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    # Pinned on purpose: this provider ignores PKCE (use strict_oidc for that).
    code = query_params(oidc_mock.authorize(_authorize_url(url.split("?")[0], challenge, nonce)))
    wrong = _exchange(http, metadata["token_endpoint"], code["code"], "wrong-" + "v" * 43)
    assert wrong.status_code == 200


# ---------------------------------------------------------------------- strict_oidc


def test_discovery_and_jwks(provider: StrictOidcProvider, http: httpx.Client) -> None:
    metadata = http.get(provider.metadata_url).json()
    assert provider.issuer.startswith("http://127.0.0.1:")
    assert metadata["issuer"] == provider.issuer
    assert metadata["authorization_endpoint"] == f"{provider.issuer}/authorize"
    assert metadata["token_endpoint"] == f"{provider.issuer}/token"
    assert metadata["userinfo_endpoint"] == f"{provider.issuer}/userinfo"
    assert metadata["jwks_uri"] == f"{provider.issuer}/jwks"
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    (key,) = http.get(metadata["jwks_uri"]).json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
    assert "d" not in key


def test_full_flow_signed_id_token_with_nonce(
    provider: StrictOidcProvider, http: httpx.Client
) -> None:
    metadata = http.get(provider.metadata_url).json()
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(12)
    url = _authorize_url(metadata["authorization_endpoint"], challenge, nonce)
    callback = provider.authorize(url, "alice")
    params = query_params(callback)
    assert callback.startswith(CALLBACK + "?")
    assert params["state"] == query_params(url)["state"] and params["code"]

    response = _exchange(http, metadata["token_endpoint"], params["code"], verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "openid email profile"
    token = _verify(http, metadata, body["id_token"])
    assert token.header["kid"] == http.get(metadata["jwks_uri"]).json()["keys"][0]["kid"]
    claims = token.claims
    assert claims["iss"] == provider.issuer and claims["aud"] == CLIENT_ID
    assert claims["nonce"] == nonce and claims["sub"] == "alice"
    assert claims["email"] == "alice@example.com" and claims["name"] == "Alice"
    assert claims["exp"] > time.time() > claims["iat"] - 5
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": CLIENT_ID},
        nonce={"essential": True, "value": nonce},
    ).validate(claims)

    userinfo = http.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert userinfo.json() == {
        "sub": "alice",
        "email": "alice@example.com",
        "name": "Alice",
        "nickname": "al",
    }
    assert http.get(metadata["userinfo_endpoint"]).status_code == 401


def test_scope_limits_the_claims(provider: StrictOidcProvider, http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    url = _authorize_url(provider.authorization_endpoint, challenge, "n1-" + secrets.token_hex(4))
    url = url.replace("scope=openid+email+profile", "scope=openid+email")
    code = query_params(provider.authorize(url, "alice"))["code"]
    body = _exchange(http, provider.token_endpoint, code, verifier).json()
    claims = jwt.decode(body["id_token"], KeySet.import_key_set(provider.public_jwks())).claims
    assert claims["email"] == "alice@example.com" and "name" not in claims


def test_wrong_or_missing_verifier_and_code_reuse(
    provider: StrictOidcProvider, http: httpx.Client
) -> None:
    verifier, challenge = pkce_pair()
    url = _authorize_url(provider.authorization_endpoint, challenge, secrets.token_hex(8))
    code = query_params(provider.authorize(url, "alice"))["code"]

    wrong = _exchange(http, provider.token_endpoint, code, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    missing = _exchange(http, provider.token_endpoint, code, None)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"

    assert _exchange(http, provider.token_endpoint, code, verifier).status_code == 200
    reused = _exchange(http, provider.token_endpoint, code, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_client_and_redirect_checks(provider: StrictOidcProvider, http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    url = _authorize_url(provider.authorization_endpoint, challenge, secrets.token_hex(8))
    code = query_params(provider.authorize(url, "alice"))["code"]
    bad_secret = http.post(
        provider.token_endpoint,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=(CLIENT_ID, "wrong"),
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    by_post = http.post(
        provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK + "/other",
            "code_verifier": verifier,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert by_post.status_code == 400 and by_post.json()["error"] == "invalid_grant"

    elsewhere = _authorize_url(
        provider.authorization_endpoint, challenge, "n", redirect_uri="http://evil.example/cb"
    )
    refused = http.post(elsewhere, data={"sub": "alice"})
    assert refused.status_code == 400 and "location" not in refused.headers


def test_authorize_requires_s256_pkce_and_nonce(
    provider: StrictOidcProvider, http: httpx.Client
) -> None:
    _, challenge = pkce_pair()
    no_pkce = provider.authorize(_authorize_url(provider.authorization_endpoint, None, "n2"))
    assert query_params(no_pkce)["error"] == "invalid_request"
    plain = _authorize_url(
        provider.authorization_endpoint, challenge, "n3", code_challenge_method="plain"
    )
    assert query_params(provider.authorize(plain))["error"] == "invalid_request"
    no_nonce = provider.authorize(_authorize_url(provider.authorization_endpoint, challenge, None))
    assert query_params(no_nonce)["error"] == "invalid_request"

    nonce = "once-" + secrets.token_hex(4)
    first = provider.authorize(_authorize_url(provider.authorization_endpoint, challenge, nonce))
    assert "code" in query_params(first)
    replay = provider.authorize(_authorize_url(provider.authorization_endpoint, challenge, nonce))
    assert query_params(replay)["error"] == "invalid_request"

    provider.require_pkce = provider.require_nonce = False
    lax = provider.authorize(_authorize_url(provider.authorization_endpoint, None, None))
    assert "code" in query_params(lax)


def test_consent_page_and_deny(provider: StrictOidcProvider, http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    url = _authorize_url(provider.authorization_endpoint, challenge, "n-" + secrets.token_hex(4))
    page = http.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="sub"' in page.text and ">Authorize</button>" in page.text
    denied = query_params(provider.authorize(url, deny=True))
    assert denied["error"] == "access_denied" and denied["state"] == query_params(url)["state"]
    by_get = http.get(url + "&sub=bob")
    assert by_get.status_code == 302 and "code=" in by_get.headers["location"]


def _tampered_token(provider: StrictOidcProvider, http: httpx.Client, nonce: str) -> str:
    verifier, challenge = pkce_pair()
    url = _authorize_url(provider.authorization_endpoint, challenge, nonce)
    code = query_params(provider.authorize(url, "alice"))["code"]
    response = _exchange(http, provider.token_endpoint, code, verifier)
    assert response.status_code == 200, response.text
    id_token: str = response.json()["id_token"]
    return id_token


def _unverified(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload = (
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        for part in id_token.split(".")[:2]
    )
    return header, payload


def test_tamper_claims(strict_oidc: StrictOidcProvider, http: httpx.Client) -> None:
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, CALLBACK)
    keys = KeySet.import_key_set(strict_oidc.public_jwks())
    cases: list[tuple[dict[str, Any], str, Any]] = [
        ({"id_token_nonce_override": "other"}, "nonce", "other"),
        ({"id_token_issuer_override": "https://evil.example"}, "iss", "https://evil.example"),
        ({"id_token_audience_override": "someone-else"}, "aud", "someone-else"),
        ({"id_token_audience_override": "someone-else"}, "azp", "someone-else"),
        ({"id_token_extra_claims": {"sub": "mallory"}}, "sub", "mallory"),
    ]
    for knobs, claim, value in cases:
        with strict_oidc.tampered(**knobs):
            claims = jwt.decode(_tampered_token(strict_oidc, http, secrets.token_hex(6)), keys)
        assert claims.claims[claim] == value, knobs

    with strict_oidc.tampered(id_token_drop_nonce=True):
        claims = jwt.decode(_tampered_token(strict_oidc, http, secrets.token_hex(6)), keys)
    assert "nonce" not in claims.claims
    with strict_oidc.tampered(id_token_expired=True):
        claims = jwt.decode(_tampered_token(strict_oidc, http, secrets.token_hex(6)), keys)
    assert claims.claims["exp"] < time.time()
    assert strict_oidc.tamper == type(strict_oidc.tamper)()


def test_tamper_signatures(strict_oidc: StrictOidcProvider, http: httpx.Client) -> None:
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, CALLBACK)
    keys = KeySet.import_key_set(strict_oidc.public_jwks())

    with strict_oidc.tampered(id_token_wrong_key=True):
        forged = _tampered_token(strict_oidc, http, secrets.token_hex(6))
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, keys, algorithms=["RS256"])

    with strict_oidc.tampered(id_token_alg="none"):
        unsigned = _tampered_token(strict_oidc, http, secrets.token_hex(6))
    header, payload = _unverified(unsigned)
    assert header["alg"] == "none" and unsigned.endswith(".") and payload["sub"] == "alice"

    with strict_oidc.tampered(id_token_alg="HS256"):
        hs = _tampered_token(strict_oidc, http, secrets.token_hex(6))
    header, _ = _unverified(hs)
    signing_input, _, signature = hs.rpartition(".")
    expected = hmac.new(CLIENT_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    assert header["alg"] == "HS256"
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected


# ----------------------------------------------------------------------- fake_github

GH_ID = "Ov23liTestClient"
GH_SECRET = "gh-secret-" + "y" * 30


def _github_authorize_url(fake: FakeGitHub, challenge: str | None, **extra: str) -> str:
    params = {
        "client_id": GH_ID,
        "redirect_uri": CALLBACK,
        "scope": "read:user user:email",
        "state": "gh-" + secrets.token_hex(4),
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return f"{fake.authorize_url}?{urlencode(params | extra)}"


def _github_token(
    http: httpx.Client, fake: FakeGitHub, code: str, verifier: str, secret: str = GH_SECRET
) -> httpx.Response:
    return http.post(
        fake.access_token_url,
        data={
            "client_id": GH_ID,
            "client_secret": secret,
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        headers={"Accept": "application/json"},
    )


def test_fake_github_full_flow(fake_github: FakeGitHub, http: httpx.Client) -> None:
    assert fake_github.api_url == f"{fake_github.base_url}/api"
    fake_github.register_client(GH_ID, GH_SECRET, CALLBACK)
    verifier, challenge = pkce_pair()
    url = _github_authorize_url(fake_github, challenge)
    callback = fake_github.authorize(url, "octocat")
    params = query_params(callback)
    assert callback.startswith(CALLBACK + "?") and params["state"] == query_params(url)["state"]

    response = _github_token(http, fake_github, params["code"], verifier)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["scope"] == "read:user,user:email"
    assert body["access_token"].startswith("gho_")

    auth = {"Authorization": f"Bearer {body['access_token']}"}
    user = http.get(f"{fake_github.api_url}/user", headers=auth).json()
    assert {k: user[k] for k in ("id", "login", "name", "avatar_url", "email")} == {
        "id": 123,
        "login": "octocat",
        "name": "The Octocat",
        "avatar_url": "https://avatars.example/u/123",
        "email": None,
    }
    assert http.get(f"{fake_github.api_url}/user/emails", headers=auth).json() == []
    bad = http.get(f"{fake_github.api_url}/user", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"


def test_fake_github_other_user_and_form_encoded_answer(
    fake_github: FakeGitHub, http: httpx.Client
) -> None:
    fake_github.register_client(GH_ID, GH_SECRET, CALLBACK)
    fake_github.set_user("hubber", id=42, name="Hub Ber", email="hub@example.com")
    verifier, challenge = pkce_pair()
    code = query_params(
        fake_github.authorize(_github_authorize_url(fake_github, challenge), "hubber")
    )
    response = http.post(
        fake_github.access_token_url,
        data={"code": code["code"], "code_verifier": verifier, "redirect_uri": CALLBACK},
        auth=(GH_ID, GH_SECRET),
    )
    assert response.headers["content-type"].startswith("application/x-www-form-urlencoded")
    token = dict(query_params("?" + response.text))["access_token"]
    auth = {"Authorization": f"token {token}"}
    user = http.get(f"{fake_github.api_url}/user", headers=auth).json()
    assert (user["id"], user["login"], user["email"]) == (42, "hubber", "hub@example.com")
    emails = http.get(f"{fake_github.api_url}/user/emails", headers=auth).json()
    assert emails == [
        {"email": "hub@example.com", "primary": True, "verified": True, "visibility": "public"}
    ]


def test_fake_github_rejects_like_github(fake_github: FakeGitHub, http: httpx.Client) -> None:
    fake_github.register_client(GH_ID, GH_SECRET, CALLBACK)
    verifier, challenge = pkce_pair()
    code = query_params(fake_github.authorize(_github_authorize_url(fake_github, challenge)))[
        "code"
    ]

    wrong = _github_token(http, fake_github, code, pkce_pair()[0])
    assert wrong.status_code == 200 and wrong.json()["error"] == "bad_verification_code"
    secret = _github_token(http, fake_github, code, verifier, secret="nope")
    assert secret.json()["error"] == "incorrect_client_credentials"
    assert "access_token" in _github_token(http, fake_github, code, verifier).json()
    reused = _github_token(http, fake_github, code, verifier)
    assert reused.status_code == 200 and reused.json()["error"] == "bad_verification_code"

    mismatch = fake_github.authorize(
        _github_authorize_url(fake_github, challenge, redirect_uri="http://127.0.0.1:9/elsewhere")
    )
    assert mismatch.startswith(CALLBACK) and query_params(mismatch)["error"] == (
        "redirect_uri_mismatch"
    )
    denied = fake_github.authorize(_github_authorize_url(fake_github, challenge), deny=True)
    assert query_params(denied)["error"] == "access_denied"

    no_pkce = http.get(_github_authorize_url(fake_github, None))
    assert no_pkce.status_code == 400
    page = http.get(_github_authorize_url(fake_github, challenge, login="octocat"))
    assert 'id="login"' in page.text and 'value="octocat"' in page.text
    assert ">Authorize</button>" in page.text
