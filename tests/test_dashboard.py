"""The dashboard's first-party session: a cookie, CSRF tokens and an exact Origin."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from comments.models import SitePolicy
from tests.harness import PUBLIC, Harness


def dashboard_login(h: Harness, name: str) -> dict[str, Any]:
    """Log in to the dashboard with the dev provider; answers /moderate/session."""
    start = h.client.get("/moderate/login/dev", follow_redirects=False)
    assert start.status_code == 303, start.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    granted = h.client.post(
        "/auth/dev/authorize", data=params | {"name": name}, follow_redirects=False
    )
    callback = urlsplit(granted.headers["location"])
    done = h.client.get(f"{callback.path}?{callback.query}", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{PUBLIC}/moderate"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("comments_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    session = h.client.get("/moderate/session")
    assert session.status_code == 200, session.text
    return dict(session.json())


def pending_comment(h: Harness) -> str:
    h.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    return str(h.post(h.token("dev:author"), "Held for the dashboard").json()["id"])


def test_dashboard_login_sets_a_session_cookie_and_lists_the_moderators_sites(
    quick: Harness,
) -> None:
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    session = dashboard_login(quick, "Mona")
    assert session["user"]["id"] == "dev:mona"
    assert session["sites"] == [{"name": "news", "roles": ["moderator"]}]
    assert re.fullmatch(r"[0-9a-f]{64}", session["csrf_token"])


def test_dashboard_write_needs_its_csrf_token_and_its_own_origin(quick: Harness) -> None:
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    csrf = dashboard_login(quick, "Mona")["csrf_token"]
    comment_id = pending_comment(quick)
    url = f"/api/v1/moderation/comments/{comment_id}/decision"
    body = {"action": "approve", "from_status": "pending"}
    for headers in (
        {"Origin": PUBLIC},
        {"Origin": PUBLIC, "X-CSRF-Token": "0" * 64},
        {"Origin": "https://evil.example", "X-CSRF-Token": csrf},
        {"X-CSRF-Token": csrf},
    ):
        r = quick.client.post(url, json=body, headers=headers)
        assert r.status_code == 403, headers
        assert r.json()["error"]["code"] == "forbidden"
    assert quick.thread()["comments"] == []
    ok = quick.client.post(url, json=body, headers={"Origin": PUBLIC, "X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    assert quick.thread()["comments"][0]["id"] == comment_id
    # Reads need no CSRF token: they change nothing.
    assert quick.client.get("/api/v1/sites/news/moderation/queue").status_code == 200


def test_dashboard_session_is_not_a_bearer_token_and_ends_at_logout(quick: Harness) -> None:
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    csrf = dashboard_login(quick, "Mona")["csrf_token"]
    cookie = quick.client.cookies.get("comments_session")
    assert cookie
    as_bearer = quick.client.get(
        "/api/v1/me", params={"site": "news"}, headers={"Authorization": f"Bearer {cookie}"}
    )
    assert as_bearer.status_code == 401
    assert quick.client.post("/moderate/logout").status_code == 403
    out = quick.client.post("/moderate/logout", headers={"Origin": PUBLIC, "X-CSRF-Token": csrf})
    assert out.status_code == 204
    quick.client.cookies.set("comments_session", cookie)
    assert quick.client.get("/moderate/session").status_code == 401


def test_dashboard_of_a_reader_without_roles_lists_no_sites_and_cannot_moderate(
    quick: Harness,
) -> None:
    session = dashboard_login(quick, "Random Reader")
    assert session["sites"] == []
    r = quick.client.get("/api/v1/sites/news/moderation/queue")
    assert r.status_code == 403


def test_dashboard_page_refuses_framing_and_inline_scripts(quick: Harness) -> None:
    page = quick.client.get("/moderate")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "__BASE__" not in page.text
