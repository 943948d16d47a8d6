"""Attacks on a login's state: missing, unknown, replayed, expired, from another browser, raced.

A login's state record is the one thing that ties a provider's answer to the popup that
asked for it. Each attack below plays a provider answer (a callback URL with `code` and
`state`) that does not belong to the browser delivering it, and expects a 400 in the
contract's shape, no token on the page, and nobody logged in. Every attack runs twice:
through the strict OpenID Connect provider of `tests/auth/providers.py` (as `newsroom`)
and through the service's own `dev` authorization server.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
import redis
from starlette.testclient import TestClient

from comments.app import create_app
from comments.settings import Settings, load_settings
from tests.auth.providers import StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness, login_result

CLIENT_ID, CLIENT_SECRET = "security-suite", "security-suite-secret"
BINDING = "comments_login"  # the login binding cookie over http (no `__Host-` prefix)
PROVIDERS = ["newsroom", "dev"]


def provider_settings(issuer: str) -> dict[str, Any]:
    """Settings that add the strict provider as `newsroom` (the dev login is on anyway)."""
    environ = {
        "COMMENTS_OIDC_NEWSROOM_ISSUER": issuer,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_ID": CLIENT_ID,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_SECRET": CLIENT_SECRET,
        "COMMENTS_OIDC_NEWSROOM_NAME": "Newsroom",
    }
    return {"oidc": load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc}


def local(url: str) -> str:
    """The path and query of an absolute URL (the callback), to request it in-process."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def params(url: str) -> dict[str, str]:
    """A URL's query parameters."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class Popup:
    """The login popup of one browser (the harness's client) with one provider."""

    h: Harness
    provider: str
    consent: Callable[[Harness, str, str], str]

    @property
    def callback(self) -> str:
        return f"/auth/{self.provider}/callback"

    def start(self) -> str:
        """Start a login; answers the provider's authorize URL."""
        r = self.h.client.get(
            f"/auth/{self.provider}/login",
            params={"site": "news", "origin": ORIGIN},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        location: str = r.headers["location"]
        return location

    def answer(self, authorize_url: str, who: str = "mallory") -> str:
        """Consent as `who`; answers the provider's answer, the callback's path and query."""
        return local(self.consent(self.h, authorize_url, who))


def dev_consent(h: Harness, authorize_url: str, who: str) -> str:
    """Type a name on the dev authorize page and press Log in."""
    form = params(authorize_url) | {"name": who}
    r = h.client.post("/auth/dev/authorize", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    location: str = r.headers["location"]
    return location


@pytest.fixture
def provider(strict_oidc: StrictOidcProvider) -> Iterator[StrictOidcProvider]:
    """The strict provider, with this suite's client registered, reset afterwards."""
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
    yield strict_oidc
    strict_oidc.reset()


@pytest.fixture(params=PROVIDERS)
def opened(
    request: pytest.FixtureRequest, sqlite_url: str, provider: StrictOidcProvider
) -> Callable[..., Any]:
    """Start the app (extra settings allowed) and answer its popup for this provider."""

    @contextmanager
    def open_popup(**settings: Any) -> Iterator[Popup]:
        with Harness.start(sqlite_url, **settings, **provider_settings(provider.issuer)) as h:
            if request.param == "dev":
                yield Popup(h, "dev", dev_consent)
            else:
                yield Popup(h, "newsroom", lambda _h, url, who: provider.authorize(url, who))

    return open_popup


@pytest.fixture
def popup(opened: Callable[..., Any]) -> Iterator[Popup]:
    """The login popup, with the state in the process."""
    with opened() as found:
        yield found


def count(h: Harness, table: str) -> int:
    """How many rows a table holds (users, sessions)."""

    async def work(s: Any) -> int:
        from sqlalchemy import func, select

        from comments.storage import schema

        async with s.deps.storage._engine.connect() as conn:
            found = await conn.execute(select(func.count()).select_from(getattr(schema, table)))
            return int(found.scalar_one())

    return h.run(work)


def assert_refused(page: httpx.Response, *, reason: str | None = None) -> None:
    """A 400 in the contract's shape, carrying no token."""
    assert page.status_code == 400, page.text
    error = page.json()["error"]
    assert error["code"] == "bad_request"
    if reason is not None:
        assert reason in error["message"], error
    assert "cmt_" not in page.text


def assert_nobody_logged_in(h: Harness) -> None:
    """No user was created and no session issued."""
    assert (count(h, "users"), count(h, "sessions")) == (0, 0)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"state": None}, id="no-state"),
        pytest.param({"state": ""}, id="empty-state"),
        pytest.param({"state": "x" * 101}, id="state-too-long"),
        pytest.param({"state": "x" * 20_000}, id="state-of-20-kb"),
    ],
)
def test_callback_without_a_usable_state_is_refused(
    popup: Popup, query: dict[str, str | None]
) -> None:
    """Attack: a provider answer whose state was stripped, emptied or stuffed."""
    answer = params(popup.answer(popup.start()))
    sent = {k: v for k, v in (answer | query).items() if v is not None}
    assert_refused(popup.h.client.get(popup.callback, params=sent), reason="incomplete")
    assert_nobody_logged_in(popup.h)


def test_callback_with_a_state_this_service_never_issued_is_refused(popup: Popup) -> None:
    """Attack: a made-up state carrying a real code."""
    answer = params(popup.answer(popup.start()))
    forged = answer | {"state": secrets.token_urlsafe(32)}
    page = popup.h.client.get(popup.callback, params=forged)
    assert_refused(page, reason="expired or was already used")
    assert_nobody_logged_in(popup.h)


def test_callback_with_a_made_up_code_is_refused(popup: Popup) -> None:
    """Attack: a genuine state carrying a code the provider never issued."""
    answer = params(popup.answer(popup.start()))
    forged = answer | {"code": secrets.token_urlsafe(32)}
    assert_refused(popup.h.client.get(popup.callback, params=forged), reason="refused")
    assert_nobody_logged_in(popup.h)


def test_replayed_callback_is_refused_and_logs_in_nobody_twice(popup: Popup) -> None:
    """Attack: the same provider answer (code and state) delivered a second time."""
    answer = popup.answer(popup.start(), "alice")
    first = popup.h.client.get(answer)
    assert first.status_code == 200, first.text
    assert login_result(first.text)["message"]["token"].startswith("cmt_")
    again = popup.h.client.get(answer)
    assert_refused(again, reason="expired or was already used")
    assert count(popup.h, "sessions") == 1


def test_expired_state_is_refused(opened: Callable[..., Any], redis_clean_url: str) -> None:
    """Attack: a provider answer that comes back after the login's ten minutes are up."""
    with opened(redis_url=redis_clean_url) as popup:
        authorize = popup.start()
        key = f"comments:login:{params(authorize)['state']}"
        raw = redis.Redis.from_url(redis_clean_url)
        try:
            assert 0 < int(raw.ttl(key)) <= 600
            raw.pexpire(key, 1)  # ten minutes pass in a millisecond
            deadline = time.monotonic() + 5
            while raw.exists(key) and time.monotonic() < deadline:
                time.sleep(0.005)
            assert not raw.exists(key)
        finally:
            raw.close()
        assert_refused(popup.h.client.get(popup.answer(authorize)), reason="expired")
        assert_nobody_logged_in(popup.h)


def test_callback_in_a_browser_without_the_binding_cookie_is_refused(popup: Popup) -> None:
    """Attack: a provider answer opened in another browser (the victim's, say)."""
    answer = popup.answer(popup.start())
    popup.h.client.cookies.clear()
    assert_refused(popup.h.client.get(answer), reason="another browser")
    assert_nobody_logged_in(popup.h)


def test_attackers_answer_in_a_browser_with_its_own_login_under_way_is_refused(
    popup: Popup,
) -> None:
    """Attack: login CSRF, the attacker's own answer sent to a victim mid-login.

    The victim's browser has a binding cookie of its own, for its own login: it must not
    finish the attacker's, which would log the victim in as the attacker.
    """
    attackers = popup.answer(popup.start(), "mallory")
    popup.h.client.cookies.clear()
    victims = popup.start()  # the victim's popup, bound to the victim's browser
    assert popup.h.client.cookies.get(BINDING)
    assert_refused(popup.h.client.get(attackers), reason="another browser")
    assert_nobody_logged_in(popup.h)
    page = popup.h.client.get(popup.answer(victims, "victim"))
    assert login_result(page.text)["message"]["user"]["name"] == "victim"


def test_binding_cookie_forged_by_the_attacker_is_refused(popup: Popup) -> None:
    """Attack: a guessed binding cookie sent along with a stolen provider answer."""
    answer = popup.answer(popup.start(), "alice")
    popup.h.client.cookies.clear()
    forged = {"cookie": f"{BINDING}={secrets.token_urlsafe(32)}"}
    assert_refused(popup.h.client.get(answer, headers=forged), reason="another browser")
    assert_nobody_logged_in(popup.h)


def test_two_callbacks_with_one_state_at_once_log_in_exactly_once(popup: Popup) -> None:
    """Attack: a race, one provider answer delivered twice at the same moment."""
    answer = popup.answer(popup.start(), "alice")
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(pool.map(lambda _: popup.h.client.get(answer), range(2)))
    assert sorted(p.status_code for p in pages) == [200, 400]
    assert_refused(next(p for p in pages if p.status_code == 400))
    assert count(popup.h, "sessions") == 1


def test_two_instances_racing_for_one_state_log_in_exactly_once(
    opened: Callable[..., Any], sqlite_url: str, redis_clean_url: str, strict_oidc: Any
) -> None:
    """Attack: a race across instances, one answer delivered to two workers at once.

    Both instances share Redis, as in production; the state is taken atomically there.
    """
    with opened(redis_url=redis_clean_url) as popup:
        answer = popup.answer(popup.start(), "alice")
        cookie = {"cookie": f"{BINDING}={popup.h.client.cookies[BINDING]}"}
        values = {"database_url": sqlite_url, "public_url": PUBLIC, "secret_key": "s" * 32}
        extra = {"redis_url": redis_clean_url} | provider_settings(strict_oidc.issuer)
        second_app = create_app(Settings(**values, dev_login=True, **extra))
        with TestClient(second_app, base_url=PUBLIC) as second:
            clients = [popup.h.client, second]
            with ThreadPoolExecutor(max_workers=2) as pool:
                pages = list(pool.map(lambda c: c.get(answer, headers=cookie), clients))
        assert sorted(p.status_code for p in pages) == [200, 400], [p.text for p in pages]
        assert count(popup.h, "sessions") == 1
