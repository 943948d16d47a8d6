"""Attacks on the authorization code: PKCE downgrade, wrong verifiers, reuse, injection, mix-up.

PKCE ties a code to the login that asked for it: the service sends an S256 challenge and
keeps the verifier in the state record, so a code is worth nothing to anyone who does
not hold that record. The providers are the real ones from `tests/auth/providers.py`:
the strict OpenID Connect provider (it enforces PKCE and single-use codes, as real
providers do) as `newsroom`, a second strict provider as `partner` (for mix-up),
`oidc-provider-mock`, the stand-ins for GitHub and Google, and the service's own `dev`
authorization server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from comments.settings import load_settings
from tests.auth.providers import FakeGitHub, ForgingOidcProvider, OidcMock, StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness

CLIENT_ID, CLIENT_SECRET = "security-suite", "security-suite-secret"
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def oidc(**issuers: str) -> dict[str, Any]:
    """Settings for OpenID Connect providers by name, all with this suite's client."""
    environ: dict[str, str] = {}
    for name, issuer in issuers.items():
        prefix = f"COMMENTS_OIDC_{name.upper()}_"
        environ |= {
            prefix + "ISSUER": issuer,
            prefix + "CLIENT_ID": CLIENT_ID,
            prefix + "CLIENT_SECRET": CLIENT_SECRET,
            prefix + "NAME": name.title(),
        }
    settings = load_settings({"oidc_providers": ",".join(issuers)}, environ=environ)
    return {"oidc": settings.oidc}


@pytest.fixture
def two_providers(
    sqlite_url: str, strict_oidc: StrictOidcProvider, fake_google: StrictOidcProvider
) -> Iterator[Harness]:
    """`newsroom` (the strict provider) and `partner` (a second one: the Google stand-in)."""
    strict_oidc.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
    fake_google.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/partner/callback")
    with Harness.start(
        sqlite_url, **oidc(newsroom=strict_oidc.issuer, partner=fake_google.issuer)
    ) as h:
        yield h
    strict_oidc.reset()
    fake_google.reset()


def start(h: Harness, provider: str) -> str:
    """Start a login in the harness's browser; answers the provider's authorize URL."""
    r = h.client.get(
        f"/auth/{provider}/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    location: str = r.headers["location"]
    return location


def params(url: str) -> dict[str, str]:
    """A URL's query parameters."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def local(url: str) -> str:
    """The path and query of an absolute URL, to request it in-process."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def dev_grant(h: Harness, authorize_url: str, **changes: str | None) -> str:
    """Consent on the dev authorize page with some parameters changed; the callback."""
    form = params(authorize_url) | {"name": "Mallory"} | changes
    r = h.client.post(
        "/auth/dev/authorize",
        data={k: v for k, v in form.items() if v is not None},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return local(r.headers["location"])


def user_ids(h: Harness) -> list[str]:
    """Every user the service knows."""

    async def work(s: Any) -> list[str]:
        from sqlalchemy import select

        from comments.storage.schema import users

        async with s.deps.storage._engine.connect() as conn:
            return list((await conn.execute(select(users.c.id))).scalars())

    return h.run(work)


def assert_refused(page: httpx.Response, reason: str) -> None:
    """A 400 in the contract's shape naming the reason, carrying no token."""
    assert page.status_code == 400, page.text
    assert page.json()["error"]["code"] == "bad_request"
    assert reason in page.json()["error"]["message"], page.text
    assert "cmt_" not in page.text


def swap_verifier(h: Harness, state: str, verifier: str) -> None:
    """Replace the verifier a login's state record holds (what the token request sends)."""

    async def work(s: Any) -> None:
        record = json.loads(await s.deps.cache.get(f"login:{state}"))
        await s.deps.cache.put(f"login:{state}", json.dumps(record | {"verifier": verifier}), 600)

    h.run(work)


# ------------------------------------------------------------------ PKCE downgrade


def test_every_provider_is_asked_for_s256_pkce_and_never_plain(
    sqlite_url: str,
    strict_oidc: StrictOidcProvider,
    oidc_mock: OidcMock,
    fake_github: FakeGitHub,
    fake_google: StrictOidcProvider,
) -> None:
    """Attack: PKCE downgrade, hoping some provider's login goes out without a challenge.

    GitHub and Google are the local stand-ins from `tests/auth/providers.py`.
    """
    with Harness.start(
        sqlite_url,
        **fake_github.app_settings(CLIENT_ID, CLIENT_SECRET),
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_issuer=fake_google.issuer,
        **oidc(newsroom=strict_oidc.issuer, mock=oidc_mock.issuer),
    ) as h:
        for provider in ("dev", "github", "google", "newsroom", "mock"):
            first, second = params(start(h, provider)), params(start(h, provider))
            assert first["code_challenge_method"] == "S256", provider
            assert S256_CHALLENGE.fullmatch(first["code_challenge"]), provider
            assert first["code_challenge"] != second["code_challenge"], provider
            assert first["state"] != second["state"] and len(first["state"]) >= 43, provider
            if provider != "github":  # OAuth 2 only: no ID token, no nonce
                assert first["nonce"] != second["nonce"], provider


def test_provider_offering_only_plain_pkce_still_gets_s256(sqlite_url: str) -> None:
    """Attack: PKCE downgrade through discovery, a provider document offering only `plain`."""
    with ForgingOidcProvider.running("plain-only") as forger:
        forger.discovery_overrides = {"code_challenge_methods_supported": ["plain"]}
        with Harness.start(sqlite_url, **oidc(newsroom=forger.issuer)) as h:
            r = h.client.get(
                "/auth/newsroom/login",
                params={"site": "news", "origin": ORIGIN},
                follow_redirects=False,
            )
            if r.status_code == 303:  # going ahead is fine, as long as it is with S256
                assert params(r.headers["location"])["code_challenge_method"] == "S256"
            else:
                assert r.status_code in (400, 503) and "cmt_" not in r.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_authorize_request_stripped_of_its_challenge_gets_no_code(
    quick: Harness, method: str
) -> None:
    """Attack: PKCE downgrade at our own authorize page, the challenge cut from the URL."""
    query = params(start(quick, "dev"))
    stripped = {k: v for k, v in query.items() if not k.startswith("code_challenge")}
    if method == "GET":
        r = quick.client.get("/auth/dev/authorize", params=stripped)
    else:
        r = quick.client.post(
            "/auth/dev/authorize", data=stripped | {"name": "Mallory"}, follow_redirects=False
        )
    assert 400 <= r.status_code < 500, r.text
    assert "code=" not in r.headers.get("location", "")
    assert 'name="name"' not in r.text  # no consent form either


def test_challenge_relabelled_plain_cannot_be_redeemed_with_the_challenge_itself(
    quick: Harness,
) -> None:
    """Attack: PKCE downgrade to `plain`, so the challenge seen in the URL would redeem."""
    authorize = start(quick, "dev")
    query = params(authorize)
    callback = dev_grant(quick, authorize, code_challenge_method="plain")
    swap_verifier(quick, query["state"], query["code_challenge"])
    assert_refused(quick.client.get(callback), "refused")
    assert user_ids(quick) == []


def test_wrong_verifier_is_refused_by_the_strict_provider(
    two_providers: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: redeeming a code with a verifier other than the one its challenge was made of."""
    authorize = start(two_providers, "newsroom")
    callback = strict_oidc.authorize(authorize, "mallory")
    swap_verifier(two_providers, params(authorize)["state"], "a-verifier-of-my-own-" + "x" * 40)
    assert_refused(two_providers.client.get(local(callback)), "refused")
    assert user_ids(two_providers) == []


def test_wrong_verifier_is_refused_by_the_dev_authorization_server(quick: Harness) -> None:
    """Attack: a code issued for a challenge the service never made."""
    from comments.login import pkce_challenge

    foreign = pkce_challenge("a-verifier-the-service-never-made-" + "x" * 20)
    callback = dev_grant(quick, start(quick, "dev"), code_challenge=foreign)
    assert_refused(quick.client.get(callback), "refused")
    assert user_ids(quick) == []


# ---------------------------------------------------------- codes: reuse, injection


def test_code_redeemed_once_is_refused_the_second_time(
    two_providers: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: authorization code reuse, a redeemed code replayed under a fresh state."""
    first = strict_oidc.authorize(start(two_providers, "newsroom"), "alice")
    assert two_providers.client.get(local(first)).status_code == 200
    fresh = params(start(two_providers, "newsroom"))["state"]
    replay = {"code": params(first)["code"], "state": fresh}
    assert_refused(two_providers.client.get("/auth/newsroom/callback", params=replay), "refused")


def test_dev_code_redeemed_once_is_refused_the_second_time(quick: Harness) -> None:
    """Attack: authorization code reuse at the service's own authorization server."""
    first = dev_grant(quick, start(quick, "dev"))
    assert quick.client.get(first).status_code == 200
    fresh = params(start(quick, "dev"))["state"]
    replay = {"code": params(first)["code"], "state": fresh}
    assert_refused(quick.client.get("/auth/dev/callback", params=replay), "refused")


def test_attackers_code_injected_into_a_victims_login_is_refused(
    two_providers: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: code injection, the attacker's own code slipped into the victim's callback.

    The victim's state and binding cookie are genuine; only the code is the attacker's,
    and PKCE makes the provider refuse it: it was issued for another challenge.
    """
    attackers = params(strict_oidc.authorize(start(two_providers, "newsroom"), "mallory"))
    two_providers.client.cookies.clear()
    victims = params(start(two_providers, "newsroom"))
    injected = {"code": attackers["code"], "state": victims["state"]}
    page = two_providers.client.get("/auth/newsroom/callback", params=injected)
    assert_refused(page, "refused")
    assert user_ids(two_providers) == []


# ------------------------------------------------------------------------ mix-up


def test_each_provider_answers_at_its_own_callback(two_providers: Harness) -> None:
    """Attack: mix-up, relying on two providers sharing one redirect URI."""
    newsroom = params(start(two_providers, "newsroom"))["redirect_uri"]
    partner = params(start(two_providers, "partner"))["redirect_uri"]
    assert newsroom == f"{PUBLIC}/auth/newsroom/callback"
    assert partner == f"{PUBLIC}/auth/partner/callback"


def test_answer_of_one_provider_delivered_to_anothers_callback_is_refused(
    two_providers: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: mix-up, provider A's code and state delivered to provider B's callback."""
    answer = urlsplit(strict_oidc.authorize(start(two_providers, "newsroom"), "alice"))
    page = two_providers.client.get(f"/auth/partner/callback?{answer.query}")
    assert_refused(page, "another provider")
    assert user_ids(two_providers) == []


def test_code_of_one_provider_redeemed_at_another_is_refused(
    two_providers: Harness, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: mix-up, provider A's code under a login started with provider B.

    B never issued the code, so B's token endpoint refuses it; the service never asks A.
    """
    code = params(strict_oidc.authorize(start(two_providers, "newsroom"), "alice"))["code"]
    state = params(start(two_providers, "partner"))["state"]
    page = two_providers.client.get("/auth/partner/callback", params={"code": code, "state": state})
    assert_refused(page, "refused")
    assert user_ids(two_providers) == []
