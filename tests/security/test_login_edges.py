"""Attacks on the edges of the popup login, against real OpenID Connect providers.

The providers run on loopback in this process (tests/auth/providers.py): the strict one
built from Authlib's server classes, and a variant of it that implements RFC 9207 (it
advertises `authorization_response_iss_parameter_supported` and puts `iss` on every
authorization response). Each test names the attack it makes in its docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from tests.auth.providers import StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness

CLIENT_ID, CLIENT_SECRET = "comments-edges", "comments-edges-secret"


@pytest.fixture(scope="module")
def rfc9207_oidc() -> Iterator[StrictOidcProvider]:
    """A strict provider that sends `iss` on its authorization responses (RFC 9207)."""
    with StrictOidcProvider.running("rfc9207-oidc", issuer_parameter=True) as provider:
        yield provider


def oidc_settings(**issuers: str) -> Any:
    """Settings for OpenID Connect providers by name, each on its issuer."""
    from comments.settings import load_settings

    environ: dict[str, str] = {}
    for name, issuer in issuers.items():
        prefix = f"COMMENTS_OIDC_{name.upper()}_"
        environ |= {
            prefix + "ISSUER": issuer,
            prefix + "CLIENT_ID": CLIENT_ID,
            prefix + "CLIENT_SECRET": CLIENT_SECRET,
            prefix + "NAME": name.title(),
        }
    return load_settings({"oidc_providers": ",".join(issuers)}, environ=environ).oidc


@pytest.fixture
def two_providers(
    sqlite_url: str, rfc9207_oidc: StrictOidcProvider, strict_oidc: StrictOidcProvider
) -> Iterator[Harness]:
    """The app with `newsroom` (sends `iss`) and `other` (does not) configured."""
    rfc9207_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/other/callback")
    oidc = oidc_settings(newsroom=rfc9207_oidc.issuer, other=strict_oidc.issuer)
    with Harness.start(sqlite_url, oidc=oidc) as h:
        yield h


@pytest.fixture
def other(sqlite_url: str, strict_oidc: StrictOidcProvider) -> Iterator[Harness]:
    """The app with only the strict provider (no RFC 9207) configured as `other`."""
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/other/callback")
    with Harness.start(sqlite_url, oidc=oidc_settings(other=strict_oidc.issuer)) as h:
        yield h


def start(h: Harness, provider: str) -> str:
    """Start a widget login; answers the provider's authorize URL."""
    r = h.client.get(
        f"/auth/{provider}/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    location: str = r.headers["location"]
    return location


def finish(h: Harness, callback_url: str) -> Any:
    """Follow the provider's redirect back to the app, as the popup would."""
    parts = urlsplit(callback_url)
    return h.client.get(f"{parts.path}?{parts.query}")


def with_params(url: str, drop: tuple[str, ...] = (), **values: str) -> str:
    """`url` with some query parameters removed or replaced."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in drop and k not in values]
    return urlunsplit(parts._replace(query=urlencode(query + list(values.items()))))


def users(h: Harness) -> list[str]:
    """Every user id the app has stored."""

    async def work(s: Any) -> list[str]:
        from sqlalchemy import select

        from comments.storage.schema import users as table

        async with s.deps.storage._engine.connect() as conn:
            return list((await conn.execute(select(table.c.id))).scalars())

    return h.run(work)


def refused_as_used(h: Harness, callback_url: str) -> None:
    """The callback's state is gone: replaying the provider's genuine answer fails."""
    replay = finish(h, callback_url)
    assert replay.status_code == 400, replay.text
    assert "already used" in replay.json()["error"]["message"]


# ------------------------------------------------------------------ RFC 9207 `iss`


def test_login_with_a_provider_that_sends_iss_succeeds(
    two_providers: Harness, rfc9207_oidc: StrictOidcProvider
) -> None:
    """Control for the mix-up tests: the genuine answer, `iss` and all, logs in."""
    callback = rfc9207_oidc.authorize(start(two_providers, "newsroom"), "alice")
    assert dict(parse_qsl(urlsplit(callback).query))["iss"] == rfc9207_oidc.issuer
    page = finish(two_providers, callback)
    assert page.status_code == 200, page.text
    assert users(two_providers) == ["oidc:newsroom:alice"]


def test_answer_without_iss_from_a_provider_that_always_sends_it_is_refused(
    two_providers: Harness, rfc9207_oidc: StrictOidcProvider
) -> None:
    """Mix-up (RFC 9207): an authorization response stripped of its `iss` is refused,
    and its state is used up."""
    callback = rfc9207_oidc.authorize(start(two_providers, "newsroom"), "alice")
    page = finish(two_providers, with_params(callback, drop=("iss",)))
    assert page.status_code == 400
    assert page.json()["error"]["code"] == "bad_request"
    refused_as_used(two_providers, callback)
    assert users(two_providers) == []


def test_answer_naming_another_provider_as_issuer_is_refused(
    two_providers: Harness, rfc9207_oidc: StrictOidcProvider, strict_oidc: StrictOidcProvider
) -> None:
    """Mix-up across two providers (RFC 9207): a response whose `iss` names the other
    configured provider is refused at this provider's callback, and its state is used up."""
    callback = rfc9207_oidc.authorize(start(two_providers, "newsroom"), "alice")
    page = finish(two_providers, with_params(callback, iss=strict_oidc.issuer))
    assert page.status_code == 400
    assert page.json()["error"]["code"] == "bad_request"
    refused_as_used(two_providers, callback)
    assert users(two_providers) == []


@pytest.mark.parametrize(
    "iss",
    [
        pytest.param("https://evil.example", id="another-server"),
        pytest.param("", id="empty"),
        pytest.param("{issuer}/", id="trailing-slash"),
        pytest.param("HTTP://{host}", id="upper-case-scheme"),
    ],
)
def test_wrong_iss_is_refused_even_when_the_provider_does_not_advertise_it(
    other: Harness, strict_oidc: StrictOidcProvider, iss: str
) -> None:
    """Mix-up (RFC 9207, section 2.4): an `iss` that is not exactly this provider's
    issuer is refused whether or not the provider promised to send one."""
    callback = strict_oidc.authorize(start(other, "other"), "alice")
    host = urlsplit(strict_oidc.issuer).netloc
    forged = iss.format(issuer=strict_oidc.issuer, host=host)
    page = finish(other, with_params(callback, iss=forged))
    assert page.status_code == 400
    refused_as_used(other, callback)
    assert users(other) == []


def test_no_iss_from_a_provider_that_never_sends_one_is_fine(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Control: providers without RFC 9207 still log in without `iss`."""
    page = finish(other, strict_oidc.authorize(start(other, "other"), "alice"))
    assert page.status_code == 200, page.text


# ------------------------------------------------------------- provider's refusals


def test_provider_refusal_uses_up_the_login_state(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """State replay after a refusal: once the provider answered `error=access_denied`
    for a login, no later answer carrying that state (with a valid code) logs anyone in."""
    authorize = start(other, "other")
    denied = strict_oidc.authorize(authorize, deny=True)
    assert dict(parse_qsl(urlsplit(denied).query))["error"] == "access_denied"
    page = finish(other, denied)
    assert page.status_code == 400
    # The same authorize request, consented to after all: a real code for the same state.
    granted = strict_oidc.authorize(authorize, "mallory")
    page = finish(other, granted)
    assert page.status_code == 400
    assert "already used" in page.json()["error"]["message"]
    assert users(other) == []


def test_forged_refusal_also_uses_up_the_state(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Forged error answer: a callback with `error` and the state ends that login too
    (the reader starts again; no half-used state lingers for ten minutes)."""
    callback = strict_oidc.authorize(start(other, "other"), "alice")
    state = dict(parse_qsl(urlsplit(callback).query))["state"]
    page = other.client.get(
        "/auth/other/callback", params={"error": "access_denied", "state": state}
    )
    assert page.status_code == 400
    refused_as_used(other, callback)


def test_callback_without_a_code_uses_up_the_state(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Incomplete answer: a callback naming a live state but no code ends that login."""
    callback = strict_oidc.authorize(start(other, "other"), "alice")
    page = finish(other, with_params(callback, drop=("code",)))
    assert page.status_code == 400
    refused_as_used(other, callback)


# ------------------------------------------------------------------ JWKS refetches


def test_forged_id_tokens_under_the_known_key_id_fetch_no_keys(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Key-refetch amplification: ID tokens forged under the provider's own `kid` are
    refused without fetching the provider's keys again."""
    before = strict_oidc.jwks_requests
    for _ in range(4):
        authorize = start(other, "other")
        with strict_oidc.tampered(id_token_wrong_key=True):
            assert finish(other, strict_oidc.authorize(authorize, "mallory")).status_code == 400
    assert strict_oidc.jwks_requests - before == 1  # the first login's fetch, no more
    assert finish(other, strict_oidc.authorize(start(other, "other"), "alice")).status_code == 200


def test_forged_id_tokens_under_unknown_key_ids_fetch_no_keys_within_a_minute(
    other: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Key-refetch amplification: ID tokens naming ever new `kid`s (as if the provider
    had rotated) fetch no keys within a minute of the last fetch."""
    before = strict_oidc.jwks_requests
    for i in range(4):
        authorize = start(other, "other")
        with strict_oidc.tampered(id_token_kid=f"rotated-{i}"):
            assert finish(other, strict_oidc.authorize(authorize, "mallory")).status_code == 400
    assert strict_oidc.jwks_requests - before == 1  # the first login's fetch, no more
    assert users(other) == []


async def test_unknown_key_ids_refetch_keys_at_most_once_a_minute(
    strict_oidc: StrictOidcProvider,
) -> None:
    """Key-refetch amplification, over time: a `kid` the service does not know still
    makes it look for rotated keys, once a minute per provider, however many arrive."""
    from comments.login import AuthorizeRequest, LoginRefused, pkce_challenge
    from comments.login.oidc import OidcProvider

    redirect_uri = f"{PUBLIC}/auth/direct/callback"
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, redirect_uri)
    now = [1000.0]
    provider = OidcProvider(
        "direct", "Direct", strict_oidc.issuer, CLIENT_ID, CLIENT_SECRET, monotonic=lambda: now[0]
    )
    await provider.prepare()

    def forged_login(i: int) -> tuple[str, str, str]:
        verifier, nonce = f"verifier-{i}-" + "v" * 43, f"nonce-{i}-{now[0]}"
        request = AuthorizeRequest(f"state-{i}", pkce_challenge(verifier), nonce, redirect_uri)
        callback = strict_oidc.authorize(provider.authorize_url(request), "mallory")
        code = dict(parse_qsl(urlsplit(callback).query))["code"]
        return code, verifier, nonce

    before = strict_oidc.jwks_requests
    for step, (seconds, fetched) in enumerate([(0, 1), (1, 1), (30, 1), (61, 2), (62, 2)]):
        now[0] = 1000.0 + seconds
        code, verifier, nonce = forged_login(step)
        with strict_oidc.tampered(id_token_kid=f"rotated-{step}"), pytest.raises(LoginRefused):
            await provider.exchange(code, verifier, redirect_uri, nonce)
        assert strict_oidc.jwks_requests - before == fetched, f"at {seconds} s"


# ------------------------------------------------------------- undelivered tokens


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(sqlite_url: str, clock: Clock) -> Iterator[Harness]:
    with Harness.start(sqlite_url, clock=clock) as h:
        yield h


def me(h: Harness, token: str) -> int:
    status: int = h.client.get(
        "/api/v1/me", params={"site": "news"}, headers=h.auth(token)
    ).status_code
    return status


def test_token_the_article_page_never_received_dies_in_minutes(
    timed: Harness, clock: Clock
) -> None:
    """Orphaned session: a popup login whose token never reached the article page (the
    opener was gone) leaves no 30-day session behind, only one that ends unused."""
    token = timed.dev_login("Alice")["message"]["token"]
    clock.now += timedelta(minutes=11)
    assert me(timed, token) == 401


def test_token_used_at_once_lives_like_any_login(timed: Harness, clock: Clock) -> None:
    """Control: the widget uses its token at once, which gives it the normal life."""
    token = timed.dev_login("Alice")["message"]["token"]
    assert me(timed, token) == 200
    clock.now += timedelta(minutes=11)
    assert me(timed, token) == 200
    clock.now += timedelta(days=20)
    assert me(timed, token) == 200
