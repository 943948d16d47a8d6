"""An expired sign-on token says so in a field the widget reads, so it can ask the
publisher for a fresh one; other refusals don't, so it never asks in vain."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.harness import Harness

SECRET = "publisher-secret-" + "x" * 32


def mint(secret: str = SECRET, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": "7", "name": "Reader Seven", "iat": now, "exp": now + 600} | claims
    return jwt.encode({"alg": "HS256"}, body, OctKey.import_key(secret.encode()))


@pytest.fixture
def sso(quick: Harness) -> Harness:
    quick.run(lambda s: s.sites.update("news", sso_secret=SECRET))
    return quick


def test_expired_sso_token_is_refused_naming_the_token_as_expired(sso: Harness) -> None:
    now = int(time.time())
    r = sso.client.post(
        "/auth/sso", json={"site": "news", "token": mint(iat=now - 900, exp=now - 300)}
    )
    assert r.status_code == 401, r.text
    error = r.json()["error"]
    assert error["code"] == "login_required"
    assert error["fields"] == {"token": "expired"}
    assert "expired" in error["message"]


def test_sso_token_refused_for_another_reason_does_not_read_as_expired(sso: Harness) -> None:
    r = sso.client.post(
        "/auth/sso", json={"site": "news", "token": mint(secret="another-secret-" + "y" * 32)}
    )
    assert r.status_code == 401, r.text
    assert "fields" not in r.json()["error"]
