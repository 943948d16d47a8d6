"""Attacks on publisher sign-on and on the login starts: oversized claims and floods.

Sign-on tokens are minted the way a publisher's server would (HS256 with the site's
secret). Each test names the attack it makes in its docstring.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from comments.errors import RateLimited
from comments.service.limits import LOGINS_PER_ADDRESS, RateLimits
from tests.harness import ORIGIN, Harness

SECRET = "publisher-secret-" + "e" * 32
HTML = {"accept": "text/html,application/xhtml+xml"}


def mint(**claims: Any) -> str:
    """A sign-on token as a publisher's few lines of Python make it."""
    now = int(time.time())
    body = {"sub": "42", "name": "Reader Fortytwo", "iat": now, "exp": now + 600} | claims
    return jwt.encode({"alg": "HS256"}, body, OctKey.import_key(SECRET.encode()))


@pytest.fixture
def sso(quick: Harness) -> Harness:
    quick.run(lambda s: s.sites.update("news", sso_secret=SECRET))
    return quick


def sign_on(h: Harness, token: str, site: str = "news") -> Any:
    return h.client.post("/auth/sso", json={"site": site, "token": token})


def stored_name(h: Harness) -> str | None:
    user = h.run(lambda s: s.deps.storage.get_user("sso:news:42"))
    return None if user is None else str(user.name)


# ------------------------------------------------------------------------- claims


def test_sso_name_over_the_limit_is_refused_not_cut(sso: Harness) -> None:
    """Oversized claim: a signed token whose `name` is over 80 characters is refused
    with 422 naming the field, and no reader is created under a cut-down name."""
    r = sign_on(sso, mint(name="N" * 81))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"name": "must be at most 80 characters"}
    assert stored_name(sso) is None


def test_sso_name_at_the_limit_is_kept_whole(sso: Harness) -> None:
    """Control: a name of exactly 80 characters signs on and is stored as sent."""
    r = sign_on(sso, mint(name="N" * 80))
    assert r.status_code == 200, r.text
    assert stored_name(sso) == "N" * 80


def test_sso_name_of_control_characters_only_is_refused(sso: Harness) -> None:
    """Invisible name: a `name` made only of control characters is no name (401)."""
    r = sign_on(sso, mint(name="\x00\x07\x1b"))
    assert r.status_code == 401
    assert stored_name(sso) is None


def test_sso_session_lives_normally_without_first_use(sso: Harness) -> None:
    """Control: sign-on hands its token back in the answer itself, so it gets the
    normal life at once (only popup tokens, which may never arrive, start short)."""
    token = sign_on(sso, mint()).json()["token"]
    session = sso.run(lambda s: s.deps.storage.session_with_user(_hash(token)))
    assert session is not None
    assert session[0].expires_at - session[0].created_at > timedelta(days=1)


def _hash(token: str) -> str:
    from comments.service.sessions import hash_token

    return hash_token(token)


# ------------------------------------------------------------------------ floods


def test_sso_exchange_flood_from_one_address_is_rate_limited(sso: Harness) -> None:
    """Sign-on flood: past 30 exchanges a minute from one address, even with forged
    tokens, the service answers 429 with Retry-After, and a good token waits too."""
    for _ in range(LOGINS_PER_ADDRESS):
        assert sign_on(sso, "not.a.jwt").status_code == 401
    r = sign_on(sso, mint())
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert stored_name(sso) is None


def test_login_start_flood_from_one_address_is_rate_limited(quick: Harness) -> None:
    """Login-start flood: past 30 starts a minute from one address, the popup gets a
    429 page with Retry-After, and scripts the JSON error; no state is recorded."""
    params = {"site": "news", "origin": ORIGIN}
    for _ in range(LOGINS_PER_ADDRESS):
        r = quick.client.get("/auth/dev/login", params=params, follow_redirects=False)
        assert r.status_code == 303
    page = quick.client.get("/auth/dev/login", params=params, headers=HTML, follow_redirects=False)
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) >= 1
    assert "location" not in page.headers
    r = quick.client.get("/auth/dev/login", params=params, follow_redirects=False)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"


def test_dashboard_login_start_flood_is_rate_limited(quick: Harness) -> None:
    """Login-start flood through the dashboard's own login: the same limit per address."""
    for _ in range(LOGINS_PER_ADDRESS):
        r = quick.client.get("/moderate/login/dev", follow_redirects=False)
        assert r.status_code == 303
    r = quick.client.get("/moderate/login/dev", follow_redirects=False)
    assert r.status_code == 429 and "retry-after" in r.headers


def test_login_starts_from_many_addresses_are_limited_per_site(quick: Harness) -> None:
    """Distributed login-start flood: many addresses together are held to the site's
    own limit a minute; other sites keep theirs."""

    async def work(s: Any) -> tuple[list[bool], list[bool]]:
        limits = RateLimits(s.deps, logins_per_site=5)
        on_news = [await _hit(limits, "news", f"203.0.113.{i}") for i in range(7)]
        on_other = [await _hit(limits, "other", f"198.51.100.{i}") for i in range(5)]
        return on_news, on_other

    on_news, on_other = quick.run(work)
    assert on_news == [False] * 5 + [True] * 2
    assert on_other == [False] * 5


async def _hit(limits: RateLimits, site: str, address: str) -> bool:
    try:
        await limits.login_start(site, address)
    except RateLimited:
        return True
    return False
