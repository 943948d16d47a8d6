"""Attacks on the moderators' dashboard: CSRF, forged Origins, its cookie, framing, redirects.

The dashboard at `/moderate` is a first-party page whose login ends in an HttpOnly,
SameSite=Lax session cookie. Every write it makes carries the session's CSRF token in
`X-CSRF-Token` and the service's exact `Origin`; a request missing either, from any
other page, changes nothing. The login is the dev provider's, as in the demo.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from comments.models import SitePolicy
from tests.harness import PUBLIC, Harness

SESSION = "comments_session"  # over http: no `__Host-` prefix


def dashboard_login(h: Harness, name: str, **start_params: str) -> dict[str, Any]:
    """Log in to the dashboard with the dev provider; answers /moderate/session."""
    start = h.client.get("/moderate/login/dev", params=start_params, follow_redirects=False)
    assert start.status_code == 303, start.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    granted = h.client.post(
        "/auth/dev/authorize", data=params | {"name": name}, follow_redirects=False
    )
    callback = urlsplit(granted.headers["location"])
    done = h.client.get(f"{callback.path}?{callback.query}", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{PUBLIC}/moderate"
    session = h.client.get("/moderate/session")
    assert session.status_code == 200, session.text
    return dict(session.json())


@pytest.fixture
def mona(quick: Harness) -> tuple[Harness, str, str]:
    """Mona, a moderator of `news`, logged in to the dashboard; a comment held for her."""
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    csrf = dashboard_login(quick, "Mona")["csrf_token"]
    quick.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    comment = str(quick.post(quick.token("dev:author"), "Held for the dashboard").json()["id"])
    return quick, csrf, comment


def decide(h: Harness, comment: str, **kwargs: Any) -> Any:
    """The dashboard's approve button, with whatever headers and body an attacker chose."""
    kwargs.setdefault("json", {"action": "approve", "from_status": "pending"})
    return h.client.post(f"/api/v1/moderation/comments/{comment}/decision", **kwargs)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": PUBLIC}, id="no-csrf-token"),
        pytest.param({"Origin": PUBLIC, "X-CSRF-Token": "0" * 64}, id="wrong-csrf-token"),
        pytest.param({"Origin": PUBLIC, "X-CSRF-Token": ""}, id="empty-csrf-token"),
        pytest.param(
            {"Origin": "https://evil.example", "X-CSRF-Token": "{csrf}"}, id="evil-origin"
        ),
        pytest.param({"Origin": "null", "X-CSRF-Token": "{csrf}"}, id="null-origin"),
        pytest.param({"Origin": "https://testserver", "X-CSRF-Token": "{csrf}"}, id="other-scheme"),
        pytest.param({"Origin": PUBLIC + ":8080", "X-CSRF-Token": "{csrf}"}, id="other-port"),
        pytest.param({"Origin": PUBLIC + "/", "X-CSRF-Token": "{csrf}"}, id="origin-with-slash"),
        pytest.param({"Origin": "http://TESTSERVER", "X-CSRF-Token": "{csrf}"}, id="origin-case"),
        pytest.param(
            {"Origin": "http://testserver.evil.example", "X-CSRF-Token": "{csrf}"},
            id="origin-as-prefix",
        ),
        pytest.param({"X-CSRF-Token": "{csrf}"}, id="no-origin"),
        pytest.param({"Referer": f"{PUBLIC}/moderate", "X-CSRF-Token": "{csrf}"}, id="referer"),
    ],
)
def test_dashboard_write_without_its_csrf_token_and_exact_origin_is_refused(
    mona: tuple[Harness, str, str], headers: dict[str, str]
) -> None:
    """Attack: dashboard CSRF, a write with Mona's cookie from a page that is not hers."""
    h, csrf, comment = mona
    sent = {k: v.format(csrf=csrf) for k, v in headers.items()}
    r = decide(h, comment, headers=sent)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"
    assert h.thread()["comments"] == []


def test_dashboard_write_with_its_csrf_token_and_origin_goes_through(
    mona: tuple[Harness, str, str],
) -> None:
    """Attack: none; the control that shows the refusals are for the missing proof alone."""
    h, csrf, comment = mona
    ok = decide(h, comment, headers={"Origin": PUBLIC, "X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    assert h.thread()["comments"][0]["id"] == comment
    # Reads need no CSRF token: they change nothing.
    assert h.client.get("/api/v1/sites/news/moderation/queue").status_code == 200


def test_csrf_token_of_the_attackers_own_session_is_refused(
    mona: tuple[Harness, str, str],
) -> None:
    """Attack: dashboard CSRF with a genuine token, but of the attacker's own session."""
    h, _csrf, comment = mona
    victims = h.client.cookies[SESSION]
    h.client.cookies.clear()
    attackers = dashboard_login(h, "Mallory")["csrf_token"]
    h.client.cookies.clear()
    h.client.cookies.set(SESSION, victims)
    r = decide(h, comment, headers={"Origin": PUBLIC, "X-CSRF-Token": attackers})
    assert r.status_code == 403
    assert h.thread()["comments"] == []


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param(
            {"content": "action=approve", "headers": {"Content-Type": "text/plain"}},
            id="text-plain",
        ),
        pytest.param({"data": {"action": "approve", "csrf_token": "{csrf}"}}, id="form-field"),
        pytest.param({"params": {"csrf_token": "{csrf}"}}, id="query-parameter"),
    ],
)
def test_cross_site_form_post_is_refused(
    mona: tuple[Harness, str, str], kwargs: dict[str, Any]
) -> None:
    """Attack: dashboard CSRF by an HTML form or a "simple" request, the token in the body."""
    h, csrf, comment = mona

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value.format(csrf=csrf) if isinstance(value, str) else value

    sent = fill(kwargs)
    sent["headers"] = sent.get("headers", {}) | {"Origin": "https://evil.example"}
    r = h.client.post(f"/api/v1/moderation/comments/{comment}/decision", **sent)
    assert r.status_code in (400, 403, 422), r.text
    assert h.thread()["comments"] == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/v1/sites/news/settings", {"origins": ["https://evil.example"]}),
        ("POST", "/api/v1/sites/news/bans", {"user_id": "dev:author", "reason": "CSRF"}),
        ("POST", "/api/v1/sites/news/threads/close", {"thread": "union"}),
        ("POST", "/moderate/logout", None),
    ],
)
def test_every_kind_of_dashboard_write_needs_the_csrf_token(
    mona: tuple[Harness, str, str], method: str, path: str, body: Any
) -> None:
    """Attack: dashboard CSRF on settings, bans, threads and logout, not just decisions."""
    h, _csrf, _comment = mona
    h.run(lambda s: s.sites.grant("news", "dev:mona", "admin"))
    r = h.client.request(method, path, json=body, headers={"Origin": PUBLIC})
    assert r.status_code == 403, r.text
    assert h.run(lambda s: s.sites.get("news")).origins == ("https://news.example",)
    assert h.client.get("/moderate/session").status_code == 200  # still logged in


def test_dashboard_cookie_is_not_a_bearer_token_and_ends_at_logout(
    mona: tuple[Harness, str, str],
) -> None:
    """Attack: the dashboard's session token replayed as a bearer token, and after logout."""
    h, csrf, _comment = mona
    cookie = h.client.cookies[SESSION]
    as_bearer = h.client.get(
        "/api/v1/me", params={"site": "news"}, headers={"Authorization": f"Bearer {cookie}"}
    )
    assert as_bearer.status_code == 401
    out = h.client.post("/moderate/logout", headers={"Origin": PUBLIC, "X-CSRF-Token": csrf})
    assert out.status_code == 204
    h.client.cookies.set(SESSION, cookie)
    assert h.client.get("/moderate/session").status_code == 401
    assert h.client.get("/api/v1/sites/news/moderation/queue").status_code == 401


def test_bearer_header_does_not_borrow_the_dashboard_cookie(
    mona: tuple[Harness, str, str],
) -> None:
    """Attack: a junk `Authorization` header added to skip the cookie's CSRF checks."""
    h, _csrf, comment = mona
    r = decide(h, comment, headers={"Authorization": "Bearer cmt_junk", "Origin": PUBLIC})
    assert r.status_code == 401
    assert h.thread()["comments"] == []


def test_reader_in_the_dashboard_moderates_nothing(quick: Harness) -> None:
    """Attack: a reader without a role logging in to the dashboard to moderate."""
    session = dashboard_login(quick, "Random Reader")
    assert session["sites"] == []
    headers = {"Origin": PUBLIC, "X-CSRF-Token": session["csrf_token"]}
    assert quick.client.get("/api/v1/sites/news/moderation/queue").status_code == 403
    r = quick.client.put(
        "/api/v1/sites/news/settings", json={"origins": ["https://evil.example"]}, headers=headers
    )
    assert r.status_code == 403


@pytest.mark.parametrize("param", ["next", "redirect_uri", "return_to", "origin"])
def test_dashboard_login_returns_to_the_dashboard_only(quick: Harness, param: str) -> None:
    """Attack: an open redirect, a dashboard login link that names where to go afterwards."""
    dashboard_login(quick, "Random Reader", **{param: "https://evil.example/phish"})


def test_dashboard_page_refuses_framing_and_inline_scripts(quick: Harness) -> None:
    """Attack: clickjacking, the dashboard framed under an attacker's page."""
    page = quick.client.get("/moderate")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in csp
    assert "__BASE__" not in page.text
