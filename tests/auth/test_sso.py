"""Publisher single sign-on: a JWT signed with the site's secret logs a reader in.

The ways to forge one are attacks: tests/security/test_attack_sso.py.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.harness import Harness

SECRET = "publisher-secret-" + "x" * 32


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
