"""Publisher single sign-on: a JWT signed with the site's secret, and every way to forge one."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from tests.harness import Harness

SECRET = "publisher-secret-" + "x" * 32


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def mint(claims: dict[str, Any] | None = None, *, secret: str = SECRET, **header: Any) -> str:
    """A token as a publisher's five lines of Python would make it."""
    now = int(time.time())
    body = {"sub": "42", "name": "Reader Fortytwo", "iat": now, "exp": now + 600}
    body.update(claims or {})
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode({"alg": "HS256"} | header, body, OctKey.import_key(secret.encode()))


@pytest.fixture
def sso(quick: Harness) -> Harness:
    quick.run(lambda s: s.sites.update("news", sso_secret=SECRET))
    return quick


def login(h: Harness, token: str, site: str = "news") -> Any:
    return h.client.post("/auth/sso", json={"site": site, "token": token})


def no_user_was_created(h: Harness) -> bool:
    return h.run(lambda s: s.deps.storage.get_user("sso:news:42")) is None


def test_signed_token_logs_the_reader_in(sso: Harness) -> None:
    token = mint(
        {"email": "r42@news.example", "avatar": "https://cdn.news.example/42.png", "aud": "news"}
    )
    r = login(sso, token)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["user"] == {
        "id": "sso:news:42",
        "name": "Reader Fortytwo",
        "avatar_url": "https://cdn.news.example/42.png",
    }
    posted = sso.post(answer["token"], "Signed in through my newspaper.")
    assert posted.status_code == 201
    assert posted.json()["author"]["id"] == "sso:news:42"


def _alg_none() -> str:
    now = int(time.time())
    return f"{b64({'alg': 'none'})}.{b64({'sub': '42', 'name': 'x', 'iat': now, 'exp': now + 60})}."


def _other_algorithm() -> str:
    now = int(time.time())
    claims = {"sub": "42", "name": "x", "iat": now, "exp": now + 60}
    return jwt.encode(
        {"alg": "HS512"}, claims, OctKey.import_key(SECRET.encode()), algorithms=["HS512"]
    )


def _embedded_jwk() -> str:
    attacker = RSAKey.generate_key(2048)
    now = int(time.time())
    claims = {"sub": "42", "name": "x", "iat": now, "exp": now + 60}
    header = {"alg": "RS256", "jwk": attacker.as_dict(private=False)}
    return jwt.encode(header, claims, attacker)


def _embedded_jwk_hs256() -> str:
    attacker = "attacker-secret-" + "y" * 32
    header = {"jwk": {"kty": "oct", "k": base64.urlsafe_b64encode(attacker.encode()).decode()}}
    return mint(secret=attacker, **header)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_alg_none, id="alg-none"),
        pytest.param(_other_algorithm, id="hs512"),
        pytest.param(_embedded_jwk, id="embedded-jwk-rs256"),
        pytest.param(_embedded_jwk_hs256, id="embedded-jwk-hs256"),
        pytest.param(lambda: mint(secret="a-different-secret-" + "z" * 32), id="wrong-secret"),
        pytest.param(
            lambda: mint({"iat": int(time.time()) - 900, "exp": int(time.time()) - 300}),
            id="expired",
        ),
        pytest.param(
            lambda: mint({"iat": int(time.time()) + 600, "exp": int(time.time()) + 900}),
            id="iat-in-future",
        ),
        pytest.param(lambda: mint({"exp": int(time.time()) + 7200}), id="exp-too-far"),
        pytest.param(lambda: mint({"exp": None}), id="no-exp"),
        pytest.param(lambda: mint({"iat": None}), id="no-iat"),
        pytest.param(lambda: mint({"aud": "other"}), id="other-site-aud"),
        pytest.param(lambda: mint({"sub": ""}), id="empty-sub"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_forged_or_stale_tokens_are_refused_and_nothing_is_created(sso: Harness, make: Any) -> None:
    r = login(sso, make())
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "login_required"
    assert "token" not in r.json()
    assert no_user_was_created(sso)


def test_oversized_token_is_refused(sso: Harness) -> None:
    r = login(sso, mint({"name": "n" * 5000}))
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"token": "must be at most 4096 characters"}
    assert no_user_was_created(sso)


def test_site_without_a_secret_refuses_sso(quick: Harness) -> None:
    r = login(quick, mint())
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_token_for_site_a_is_refused_on_site_b(sso: Harness) -> None:
    sso.run(lambda s: s.sites.create("other", ["https://other.example"]))
    token = login(sso, mint()).json()["token"]
    r = sso.client.post(
        "/api/v1/sites/other/comments",
        json={"thread": "t", "body": "hi", "thread_url": "https://other.example/t"},
        headers=sso.auth(token),
    )
    assert r.status_code == 401
    me = sso.client.get("/api/v1/me", params={"site": "other"}, headers=sso.auth(token))
    assert me.status_code == 401
