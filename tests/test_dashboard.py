"""The dashboard's first-party session: a cookie, and the sites its moderator sees.

CSRF, Origin, cookie and framing attacks: tests/security/test_attack_dashboard.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

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


def test_dashboard_login_sets_a_session_cookie_and_lists_the_moderators_sites(
    quick: Harness,
) -> None:
    quick.token("dev:mona")
    quick.run(lambda s: s.sites.grant("news", "dev:mona", "moderator"))
    session = dashboard_login(quick, "Mona")
    assert session["user"]["id"] == "dev:mona"
    assert session["sites"] == [{"name": "news", "roles": ["moderator"]}]
    assert re.fullmatch(r"[0-9a-f]{64}", session["csrf_token"])
