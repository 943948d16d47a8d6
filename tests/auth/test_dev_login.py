"""The popup login with the dev provider: the same state, PKCE and binding as real providers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from comments.login import pkce_challenge
from tests.harness import ORIGIN, PUBLIC, Harness, login_result


def _start(h: Harness, origin: str = ORIGIN) -> str:
    r = h.client.get(
        "/auth/dev/login", params={"site": "news", "origin": origin}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


def _grant(h: Harness, authorize_url: str, name: str = "Alice") -> str:
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    r = h.client.post("/auth/dev/authorize", data=params | {"name": name}, follow_redirects=False)
    assert r.status_code == 303, r.text
    target = urlsplit(r.headers["location"])
    return f"{target.path}?{target.query}"


def test_login_hands_a_working_token_to_the_exact_origin(quick: Harness) -> None:
    result = quick.dev_login("Alice Smith")
    assert result["origin"] == ORIGIN
    message = result["message"]
    assert message["type"] == "comments:login" and message["site"] == "news"
    assert message["user"] == {"id": "dev:alice-smith", "name": "Alice Smith", "avatar_url": None}
    me = quick.client.get(
        "/api/v1/me", params={"site": "news"}, headers=quick.auth(message["token"])
    )
    assert me.status_code == 200 and me.json()["user"]["name"] == "Alice Smith"


def test_login_uses_pkce_s256_and_a_fixed_redirect_uri(quick: Harness) -> None:
    query = parse_qs(urlsplit(_start(quick)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [f"{PUBLIC}/auth/dev/callback"]
    assert len(query["state"][0]) >= 32


def test_token_is_stored_only_as_a_hash(quick: Harness) -> None:
    token = quick.dev_login("Alice")["message"]["token"]
    from comments.service.sessions import hash_token

    session = quick.run(lambda s: s.deps.storage.get_session(hash_token(token)))
    assert session is not None and session.token_hash != token
    assert token not in repr(session)


def test_origin_not_allowed_for_the_site_is_refused(quick: Harness) -> None:
    for origin in (
        "https://evil.example",
        "https://news.example.evil.example",
        "null",
        "https://news.example/path",
        "javascript:alert(1)",
    ):
        r = quick.client.get(
            "/auth/dev/login", params={"site": "news", "origin": origin}, follow_redirects=False
        )
        assert r.status_code == 400, origin
        assert r.json()["error"]["code"] == "bad_request"
        assert "set-cookie" not in r.headers


def test_state_is_single_use(quick: Harness) -> None:
    callback = _grant(quick, _start(quick))
    first = quick.client.get(callback)
    assert first.status_code == 200
    assert "token" in login_result(first.text)["message"]
    again = quick.client.get(callback)
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "bad_request"


def test_callback_from_another_browser_is_refused(quick: Harness) -> None:
    callback = _grant(quick, _start(quick))
    quick.client.cookies.clear()
    r = quick.client.get(callback)
    assert r.status_code == 400
    assert "another browser" in r.json()["error"]["message"]


@pytest.mark.parametrize("tamper", ["state", "code"])
def test_wrong_state_or_code_is_refused(quick: Harness, tamper: str) -> None:
    callback = urlsplit(_grant(quick, _start(quick)))
    params = {k: v[0] for k, v in parse_qs(callback.query).items()}
    params[tamper] = "x" * 43
    r = quick.client.get(callback.path, params=params)
    assert r.status_code == 400
    assert "token" not in r.text


def test_wrong_pkce_verifier_is_refused_by_the_provider(quick: Harness) -> None:
    authorize = parse_qs(urlsplit(_start(quick)).query)
    params = {k: v[0] for k, v in authorize.items()}
    params["code_challenge"] = pkce_challenge("a-verifier-the-service-never-made" + "x" * 20)
    r = quick.client.post(
        "/auth/dev/authorize", data=params | {"name": "Mallory"}, follow_redirects=False
    )
    target = urlsplit(r.headers["location"])
    finished = quick.client.get(f"{target.path}?{target.query}")
    assert finished.status_code == 400
    assert "refused" in finished.json()["error"]["message"]


def test_failed_login_page_shows_the_reason_in_the_popup(quick: Harness) -> None:
    r = quick.client.get(
        "/auth/dev/callback",
        params={"state": "nope", "code": "nope"},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 400
    result = login_result(r.text)
    assert result["error"]["code"] == "bad_request"
    assert "token" not in r.text


def test_logout_revokes_the_token(quick: Harness) -> None:
    token = quick.dev_login("Alice")["message"]["token"]
    assert quick.client.post("/auth/logout", headers=quick.auth(token)).status_code == 204
    r = quick.client.get("/api/v1/me", params={"site": "news"}, headers=quick.auth(token))
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "login_required"


def test_dev_login_is_off_unless_switched_on(sqlite_url: str) -> None:
    with Harness.start(sqlite_url, dev_login=False) as h:
        assert h.client.get("/auth/providers", params={"site": "news"}).json() == {"providers": []}
        r = h.client.get("/auth/dev/login", params={"site": "news", "origin": ORIGIN})
        assert r.status_code == 404


def test_login_state_lives_in_redis_when_configured(sqlite_url: str, redis_clean_url: str) -> None:
    import redis

    with Harness.start(sqlite_url, redis_url=redis_clean_url) as h:
        authorize = _start(h)
        state = parse_qs(urlsplit(authorize).query)["state"][0]
        raw = redis.Redis.from_url(redis_clean_url)
        try:
            assert raw.exists(f"comments:login:{state}") == 1
            assert 0 < int(raw.ttl(f"comments:login:{state}")) <= 600
            callback = _grant(h, authorize)
            assert h.client.get(callback).status_code == 200
            assert raw.exists(f"comments:login:{state}") == 0
        finally:
            raw.close()
        assert h.client.get(callback).status_code == 400


def test_site_offers_only_the_logins_it_chose(quick: Harness) -> None:
    from comments.models import SitePolicy

    quick.run(lambda s: s.sites.update("news", policy=SitePolicy(login_providers=("github",))))
    assert quick.client.get("/auth/providers", params={"site": "news"}).json() == {"providers": []}
    r = quick.client.get(
        "/auth/dev/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 400 and "does not offer" in r.json()["error"]["message"]


def test_expired_login_state_is_refused(sqlite_url: str, redis_clean_url: str) -> None:
    import time

    import redis

    with Harness.start(sqlite_url, redis_url=redis_clean_url) as h:
        authorize = _start(h)
        state = parse_qs(urlsplit(authorize).query)["state"][0]
        raw = redis.Redis.from_url(redis_clean_url)
        try:
            raw.pexpire(f"comments:login:{state}", 1)  # ten minutes pass in a millisecond
        finally:
            raw.close()
        time.sleep(0.01)
        r = h.client.get(_grant(h, authorize))
        assert r.status_code == 400 and "expired" in r.json()["error"]["message"]
