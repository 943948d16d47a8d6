"""Attacks on the ID token: forged nonces, claims, algorithms, keys and signatures.

The provider is the strict OpenID Connect provider of `tests/auth/providers.py` in its
forging variant: the login is real (authorize, consent, a code redeemed with PKCE) and
only the ID token the token endpoint hands back is the attacker's. Each forgery starts
from the claims a correct token would carry and spoils one thing. The service must
answer 400 in the contract's shape, put no token on the page, and create nobody.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from comments.settings import load_settings
from tests.auth.providers import ForgingOidcProvider, StrictOidcProvider
from tests.harness import ORIGIN, PUBLIC, Harness, login_result

CLIENT_ID, CLIENT_SECRET = "security-suite", "security-suite-secret"
Forgery = Callable[[ForgingOidcProvider, dict[str, Any]], str]


@pytest.fixture(scope="module")
def forger() -> Iterator[ForgingOidcProvider]:
    """A strict provider whose ID tokens the tests forge, with this suite's client."""
    with ForgingOidcProvider.running("forging-oidc") as provider:
        assert isinstance(provider, ForgingOidcProvider)
        provider.register_client(CLIENT_ID, CLIENT_SECRET, f"{PUBLIC}/auth/newsroom/callback")
        yield provider


@pytest.fixture
def newsroom(sqlite_url: str, forger: ForgingOidcProvider) -> Iterator[Harness]:
    """The app with the forging provider configured as `newsroom`."""
    environ = {
        "COMMENTS_OIDC_NEWSROOM_ISSUER": forger.issuer,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_ID": CLIENT_ID,
        "COMMENTS_OIDC_NEWSROOM_CLIENT_SECRET": CLIENT_SECRET,
    }
    oidc = load_settings({"oidc_providers": "newsroom"}, environ=environ).oidc
    with Harness.start(sqlite_url, oidc=oidc) as h:
        yield h
    forger.reset()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def part(data: dict[str, Any]) -> str:
    return b64(json.dumps(data).encode())


def rs256(key: RSAKey, claims: dict[str, Any], **header: Any) -> str:
    """A token signed with `key` (RS256), with these header fields."""
    signed: str = jwt.encode({"alg": "RS256", "typ": "JWT"} | header, claims, key)
    return signed


def hs256(secret: bytes, claims: dict[str, Any], **header: Any) -> str:
    """A token MACed with `secret` (HS256), built by hand: any bytes make a secret here."""
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'} | header)}.{part(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def genuine(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    """What the provider itself would hand out."""
    return rs256(p.signing_key, claims, kid=p.kid)


def login(h: Harness, p: ForgingOidcProvider, sub: str = "mallory") -> Any:
    """One whole login through the provider; answers the callback page."""
    r = h.client.get(
        "/auth/newsroom/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    callback = urlsplit(p.authorize(r.headers["location"], sub))
    return h.client.get(f"{callback.path}?{callback.query}")


def users(h: Harness) -> list[str]:
    """Every user the service knows."""

    async def work(s: Any) -> list[str]:
        from sqlalchemy import select

        from comments.storage.schema import users as table

        async with s.deps.storage._engine.connect() as conn:
            return list((await conn.execute(select(table.c.id))).scalars())

    return h.run(work)


def test_a_forgery_signed_right_with_right_claims_logs_in(
    newsroom: Harness, forger: ForgingOidcProvider
) -> None:
    """Attack: none; the control that shows the forging harness itself is sound."""
    with forger.forging(lambda claims: genuine(forger, claims)):
        page = login(newsroom, forger, "alice")
    assert page.status_code == 200, page.text
    assert login_result(page.text)["message"]["user"]["id"] == "oidc:newsroom:alice"


def without(*names: str) -> Forgery:
    """Signed right, with these claims left out."""
    return lambda p, c: genuine(p, {k: v for k, v in c.items() if k not in names})


def changed(**claims: Any) -> Forgery:
    """Signed right, with these claims changed."""
    return lambda p, c: genuine(p, c | claims)


def other_issuer(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return genuine(p, claims | {"iss": p.issuer.replace("127.0.0.1", "localhost")})


def two_audiences_no_azp(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    body = {k: v for k, v in claims.items() if k != "azp"}
    return genuine(p, body | {"aud": [CLIENT_ID, "another-client"]})


def unsigned(name: str) -> Forgery:
    """`alg` set to a spelling of `none`, no signature."""
    return lambda p, c: f"{part({'alg': name, 'typ': 'JWT'})}.{part(c)}."


def hs256_with_public_key(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return hs256(p.public_key_pem(), claims, kid=p.kid)


def hs256_with_public_jwk(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return hs256(json.dumps(p.public_jwks()["keys"][0]).encode(), claims, kid=p.kid)


def attacker_unknown_kid(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return rs256(p.attacker_key, claims, kid="attacker")


def attacker_no_kid(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return rs256(p.attacker_key, claims)


def attacker_known_kid(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return rs256(p.attacker_key, claims, kid=p.kid)


def embedded_jwk(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    jwk = p.attacker_key.as_dict(private=False)
    return rs256(p.attacker_key, claims, kid="attacker", jwk=jwk)


def jku_to_attackers_keys(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return rs256(p.attacker_key, claims, kid="attacker", jku=p.attacker_jwks_uri)


def stripped_signature(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    header, payload, _signature = genuine(p, claims).split(".")
    return f"{header}.{payload}."


def signature_of_another_token(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    header, _payload, signature = genuine(p, claims).split(".")
    return f"{header}.{part(claims | {'sub': 'admin'})}.{signature}"


def oversized(p: ForgingOidcProvider, claims: dict[str, Any]) -> str:
    return genuine(p, claims | {"padding": "x" * 20_000})


@pytest.mark.parametrize(
    "knobs",
    [
        pytest.param({"id_token_nonce_override": "not-the-nonce-we-sent"}, id="wrong-nonce"),
        pytest.param({"id_token_drop_nonce": True}, id="no-nonce"),
        pytest.param({"id_token_issuer_override": "https://evil.example"}, id="wrong-iss"),
        pytest.param({"id_token_audience_override": "another-client"}, id="wrong-aud"),
        pytest.param(
            {"id_token_audience_override": ["another-client", CLIENT_ID]},
            id="two-aud-azp-another-client",
        ),
        pytest.param({"id_token_expired": True}, id="exp-past"),
        pytest.param({"id_token_extra_claims": {"iat": 4102444800}}, id="iat-in-future"),
        pytest.param({"id_token_alg": "none"}, id="alg-none"),
        pytest.param({"id_token_alg": "HS256"}, id="alg-hs256-with-client-secret"),
        pytest.param({"id_token_wrong_key": True}, id="published-kid-other-key"),
    ],
)
def test_id_token_spoiled_by_the_provider_is_refused(
    newsroom: Harness, forger: ForgingOidcProvider, knobs: dict[str, Any]
) -> None:
    """Attack: nonce and ID-token forgeries the provider's own knobs make."""
    with forger.tampered(**knobs):  # the ID token is made at the code exchange
        page = login(newsroom, forger)
    assert page.status_code == 400, page.text
    assert page.json()["error"]["code"] == "bad_request"
    assert "cmt_" not in page.text
    assert users(newsroom) == []


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param(other_issuer, id="iss-same-server-other-name"),
        pytest.param(without("iss"), id="no-iss"),
        pytest.param(without("aud"), id="no-aud"),
        pytest.param(changed(aud=[]), id="empty-aud"),
        pytest.param(two_audiences_no_azp, id="two-aud-no-azp"),
        pytest.param(changed(azp="another-client"), id="one-aud-azp-another-client"),
        pytest.param(without("exp"), id="no-exp"),
        pytest.param(changed(exp="4102444800"), id="exp-as-string"),
        pytest.param(without("iat"), id="no-iat"),
        pytest.param(without("sub"), id="no-sub"),
        pytest.param(changed(sub=""), id="empty-sub"),
        pytest.param(changed(sub="x" * 256), id="sub-too-long"),
        pytest.param(changed(nonce=None), id="nonce-null"),
        pytest.param(unsigned("none"), id="alg-none"),
        pytest.param(unsigned("None"), id="alg-None"),
        pytest.param(unsigned("NONE"), id="alg-NONE"),
        pytest.param(hs256_with_public_key, id="alg-hs256-with-the-public-key-pem"),
        pytest.param(hs256_with_public_jwk, id="alg-hs256-with-the-public-jwk"),
        pytest.param(attacker_unknown_kid, id="unknown-kid"),
        pytest.param(attacker_no_kid, id="no-kid-attackers-key"),
        pytest.param(attacker_known_kid, id="published-kid-attackers-key"),
        pytest.param(embedded_jwk, id="header-jwk-attackers-key"),
        pytest.param(jku_to_attackers_keys, id="header-jku-attackers-keys"),
        pytest.param(stripped_signature, id="signature-stripped"),
        pytest.param(signature_of_another_token, id="signature-of-another-token"),
        pytest.param(oversized, id="oversized"),
        pytest.param(lambda p, c: "not.a.jwt", id="garbage"),
    ],
)
def test_forged_id_token_is_refused_and_nobody_is_created(
    newsroom: Harness, forger: ForgingOidcProvider, forgery: Forgery
) -> None:
    """Attack: ID-token forgeries of claims, algorithms, keys, key headers and signatures."""
    with forger.forging(lambda claims: forgery(forger, claims)):
        page = login(newsroom, forger)
    assert page.status_code == 400, page.text
    assert page.json()["error"]["code"] == "bad_request"
    assert "cmt_" not in page.text
    assert users(newsroom) == []


def test_nonce_of_an_earlier_login_is_refused(
    newsroom: Harness, forger: ForgingOidcProvider
) -> None:
    """Attack: nonce replay, an ID token minted for an earlier login of the same reader."""
    r = newsroom.client.get(
        "/auth/newsroom/login", params={"site": "news", "origin": ORIGIN}, follow_redirects=False
    )
    earlier = parse_qs(urlsplit(r.headers["location"]).query)["nonce"][0]
    with forger.tampered(id_token_nonce_override=earlier):
        page = login(newsroom, forger)
    assert page.status_code == 400, page.text
    assert users(newsroom) == []


def test_id_token_of_another_provider_is_refused(
    newsroom: Harness, forger: ForgingOidcProvider, strict_oidc: StrictOidcProvider
) -> None:
    """Attack: mix-up at the token endpoint, a token naming another real provider as issuer."""
    with forger.forging(lambda claims: genuine(forger, claims | {"iss": strict_oidc.issuer})):
        page = login(newsroom, forger)
    assert page.status_code == 400, page.text
    assert users(newsroom) == []
