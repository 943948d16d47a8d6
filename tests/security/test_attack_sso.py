"""Attacks on the publisher's single sign-on: every way to forge or stretch its JWT.

`POST /auth/sso` takes an HS256 JWT signed with the site's SSO secret. An attacker who
does not hold the secret tries other algorithms, keys named in the token's own header,
stolen secrets of other sites, stale or stretched times, another site's audience and
oversized tokens. Every forgery answers 401 `login_required` (422 for the size limit),
issues no token and creates nobody.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from tests.harness import Harness

SECRET = "publisher-secret-" + "x" * 32
OTHER_SECRET = "other-site-secret-" + "o" * 32
ATTACKER_SECRET = "attacker-secret-" + "y" * 32


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def part(data: dict[str, Any]) -> str:
    return b64(json.dumps(data).encode())


def claims(**changes: Any) -> dict[str, Any]:
    """What a publisher's token says, with some claims changed (None leaves one out)."""
    now = int(time.time())
    body = {"sub": "42", "name": "Reader Fortytwo", "iat": now, "exp": now + 600} | changes
    return {k: v for k, v in body.items() if v is not None}


def mint(body: dict[str, Any] | None = None, *, secret: str = SECRET, **header: Any) -> str:
    """A token as a publisher's five lines of Python would make it."""
    key = OctKey.import_key(secret.encode())
    signed: str = jwt.encode({"alg": "HS256"} | header, body or claims(), key)
    return signed


def hmac_by_hand(secret: bytes, alg: str = "HS256", **header: Any) -> str:
    """An HMAC token built by hand: any bytes (even none) make a secret here."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing_input = f"{part({'alg': alg, 'typ': 'JWT'} | header)}.{part(claims())}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), digest).digest())}"


def unsigned(alg: str, signature: str = "") -> str:
    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims())}.{signature}"


def none_keeping_the_real_signature() -> str:
    return unsigned("none", mint().split(".")[2])


def stripped_signature() -> str:
    header, payload, _signature = mint().split(".")
    return f"{header}.{payload}."


def signature_of_another_reader() -> str:
    header, _payload, signature = mint().split(".")
    return f"{header}.{part(claims(sub='1', name='Site Owner'))}.{signature}"


def asymmetric(alg: str) -> str:
    key: Any = ECKey.generate_key("P-256") if alg == "ES256" else RSAKey.generate_key(2048)
    signed: str = jwt.encode({"alg": alg}, claims(), key, algorithms=[alg])
    return signed


def embedded_rsa_jwk() -> str:
    attacker = RSAKey.generate_key(2048)
    header = {"alg": "RS256", "jwk": attacker.as_dict(private=False)}
    signed: str = jwt.encode(header, claims(), attacker)
    return signed


def embedded_oct_jwk() -> str:
    jwk = {"kty": "oct", "k": b64(ATTACKER_SECRET.encode())}
    return mint(secret=ATTACKER_SECRET, jwk=jwk)


FORGERIES: dict[str, Callable[[], str]] = {
    # algorithms
    "alg-none": lambda: unsigned("none"),
    "alg-None": lambda: unsigned("None"),
    "alg-NONE": lambda: unsigned("NONE"),
    "alg-nOnE": lambda: unsigned("nOnE"),
    "alg-none-keeping-the-real-signature": none_keeping_the_real_signature,
    "alg-hs384-with-the-secret": lambda: hmac_by_hand(SECRET.encode(), "HS384"),
    "alg-hs512-with-the-secret": lambda: hmac_by_hand(SECRET.encode(), "HS512"),
    "alg-rs256-attackers-key": lambda: asymmetric("RS256"),
    "alg-es256-attackers-key": lambda: asymmetric("ES256"),
    "alg-missing": lambda: f"{part({'typ': 'JWT'})}.{part(claims())}.",
    # keys named in the token's own header
    "header-jwk-rsa": embedded_rsa_jwk,
    "header-jwk-oct": embedded_oct_jwk,
    "header-jku": lambda: mint(secret=ATTACKER_SECRET, jku="https://evil.example/jwks.json"),
    "header-x5u": lambda: mint(secret=ATTACKER_SECRET, x5u="https://evil.example/cert.pem"),
    "kid-path-traversal-empty-key": lambda: hmac_by_hand(b"", kid="../../../../../../dev/null"),
    "kid-sql-injection": lambda: hmac_by_hand(b"attacker", kid="x' UNION SELECT 'attacker'--"),
    "kid-naming-another-site": lambda: mint(secret=OTHER_SECRET, kid="other"),
    # secrets and signatures
    "wrong-secret": lambda: mint(secret=ATTACKER_SECRET),
    "another-sites-secret": lambda: mint(secret=OTHER_SECRET),
    "empty-secret": lambda: hmac_by_hand(b""),
    "signature-stripped": stripped_signature,
    "signature-of-another-reader": signature_of_another_reader,
    # times
    "exp-past": lambda: mint(claims(iat=int(time.time()) - 900, exp=int(time.time()) - 300)),
    "iat-in-future": lambda: mint(claims(iat=int(time.time()) + 600, exp=int(time.time()) + 900)),
    "exp-too-far": lambda: mint(claims(exp=int(time.time()) + 7200)),
    "exp-in-a-century": lambda: mint(claims(exp=4102444800)),
    "no-exp": lambda: mint(claims(exp=None)),
    "no-iat": lambda: mint(claims(iat=None)),
    "exp-as-string": lambda: mint(claims(exp=str(int(time.time()) + 600))),
    "iat-as-boolean": lambda: mint(claims(iat=True)),
    # audience and subject
    "aud-another-site": lambda: mint(claims(aud="other")),
    "empty-sub": lambda: mint(claims(sub="")),
    "sub-a-number": lambda: mint(claims(sub=42)),
    "sub-too-long": lambda: mint(claims(sub="4" * 201)),
    "no-sub": lambda: mint(claims(sub=None)),
    "no-name": lambda: mint(claims(name=None)),
    # not a compact JWS at all
    "garbage": lambda: "not.a.jwt",
    "two-parts": lambda: ".".join(mint().split(".")[:2]),
    "json-serialization": lambda: json.dumps({"payload": part(claims()), "signatures": []}),
}


@pytest.fixture
def sso(quick: Harness) -> Harness:
    """Site `news` with an SSO secret, and site `other` with a secret of its own."""
    quick.run(lambda s: s.sites.update("news", sso_secret=SECRET))
    quick.run(lambda s: s.sites.create("other", ["https://other.example"]))
    quick.run(lambda s: s.sites.update("other", sso_secret=OTHER_SECRET))
    return quick


def exchange(h: Harness, token: str, site: str = "news") -> Any:
    return h.client.post("/auth/sso", json={"site": site, "token": token})


def nobody_was_created(h: Harness) -> bool:
    return h.run(lambda s: s.deps.storage.get_user("sso:news:42")) is None


def test_the_publishers_own_token_is_accepted(sso: Harness) -> None:
    """Attack: none; the control that shows the forgeries fail for their forgery alone."""
    r = exchange(sso, mint())
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == "sso:news:42"


@pytest.mark.parametrize("make", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_or_stretched_token_is_refused_and_nobody_is_created(
    sso: Harness, make: Callable[[], str]
) -> None:
    """Attack: SSO forgeries of algorithm, header keys, secret, signature, times, audience."""
    r = exchange(sso, make())
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "login_required"
    assert "token" not in r.json()
    assert nobody_was_created(sso)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: mint(claims(name="n" * 5000)), id="claims-stuffed"),
        pytest.param(lambda: hmac_by_hand(SECRET.encode(), pad="p" * 5000), id="header-stuffed"),
        pytest.param(lambda: mint() + "A" * 10_000, id="signature-stuffed"),
    ],
)
def test_oversized_token_is_refused_before_it_is_verified(
    sso: Harness, make: Callable[[], str]
) -> None:
    """Attack: SSO size, a token large enough to cost the service to decode."""
    r = exchange(sso, make())
    assert r.status_code == 422, r.text
    assert set(r.json()["error"]["fields"]) == {"token"}
    assert nobody_was_created(sso)


def test_site_without_a_secret_refuses_any_token(quick: Harness) -> None:
    """Attack: SSO on a site that never switched it on, signed with a guessed secret."""
    r = exchange(quick, mint())
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_token_signed_for_site_a_is_refused_by_site_b(sso: Harness) -> None:
    """Attack: site A's publisher (or a leak of its secret) logging readers in on site B."""
    for token in (mint(), mint(claims(aud="news")), mint(claims(aud="other"))):
        r = exchange(sso, token, site="other")
        assert r.status_code == 401, r.text
    assert sso.run(lambda s: s.deps.storage.get_user("sso:other:42")) is None


def test_session_from_site_a_sso_is_refused_on_site_b(sso: Harness) -> None:
    """Attack: a site-A token on site B, from A's sign-on."""
    token = exchange(sso, mint()).json()["token"]
    r = sso.client.post(
        "/api/v1/sites/other/comments",
        json={"thread": "t", "body": "hi", "thread_url": "https://other.example/t"},
        headers=sso.auth(token),
    )
    assert r.status_code == 401
    me = sso.client.get("/api/v1/me", params={"site": "other"}, headers=sso.auth(token))
    assert me.status_code == 401
