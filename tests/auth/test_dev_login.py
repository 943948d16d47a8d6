"""The popup login with the dev provider: the same state, PKCE and binding as real providers.

Attacks on its state, codes, origins and tokens: tests/security/test_attack_*.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

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
