"""Login providers for the tests: OpenID Connect and GitHub servers in threads.

Each fixture starts an HTTP server in this process, in a thread, on a free loopback
port, and stops it at the end of the session. No test reaches the internet.

Fixtures (all session-scoped; import them into a conftest to use them):

- `oidc_mock` (`OidcMock`): the `oidc-provider-mock` package, a permissive OpenID
  Connect provider. Issuer `http://localhost:<port>`.
- `strict_oidc` (`StrictOidcProvider`): a small OpenID Connect provider built here
  from Authlib's server classes, which enforces what real providers enforce (registered
  clients, exact redirect URIs, PKCE with S256, single-use codes, nonces) and can be
  told to misbehave (`tamper`). Issuer `http://127.0.0.1:<port>`.
- `fake_google` (`StrictOidcProvider`): another instance of the same provider, standing
  in for Google (https://accounts.google.com). Google is plain OpenID Connect, so the
  app reaches it through discovery like any other provider; users created on the
  consent page get Google-like claims (`email`, `email_verified`, `name`).
- `fake_github` (`FakeGitHub`): a stand-in for https://github.com (the OAuth pages)
  and https://api.github.com (`/user`, `/user/emails`). GitHub cannot be reached from
  the test machines, and GitHub is OAuth 2 without OpenID Connect (no discovery, no
  ID token), so it is faked by hand from GitHub's documentation.

Consent without a browser: each fixture has `authorize(authorize_url, <user>)`, which
submits the consent form the way a browser would and returns the `Location` it answers
with (the app's callback URL with `code` and `state`). In a browser, the authorize page
is a form with one text field and an `Authorize` button:

- `oidc_mock`: `input[name="sub"]`, button `Authorize` (the package's own page).
- `strict_oidc`, `fake_google`: `#sub`, button `#authorize` ("Authorize"); `#deny`.
- `fake_github`: `#login`, button `#authorize` ("Authorize"); `#deny`.

What `oidc-provider-mock` 0.3.4 does (checked against this version; it needs Python
3.12 from 0.4 on):

- It accepts any client id, any client secret and any redirect URI, unless started with
  `require_client_registration=True`.
- PKCE is not enforced: `code_challenge` is ignored, and the token endpoint issues
  tokens for a wrong `code_verifier` or none at all. Tests that our side sends and
  checks PKCE need `strict_oidc`.
- The `nonce` from the authorize request is copied into the ID token; it is optional
  unless started with `require_nonce=True`; nonce replay is not detected.
- Codes are single-use: a second exchange answers 400 `invalid_grant`.
- The issuer (in discovery and in ID tokens) is taken from the request's `Host`: reach
  it as `localhost`, never as `127.0.0.1`, or the issuer will not match.
- ID tokens are RS256 without a `kid`; the JWKS holds the one key.
- A `sub` typed on the consent page that was never `set_user` becomes a user with the
  claims `{"email": sub}`. Standard claims are released by scope (`email`, `profile`);
  other claims always.
- It imports the deprecated `authlib.jose`; the fixture imports it (when first used,
  not when this module is imported) with that one warning silenced. Once imported,
  `authlib.jose` no longer warns for the rest of the session, so app code that imported
  it lazily after this fixture ran would slip through.
- Its token endpoint goes through an Authlib method that warns (`get_jwt_config`) on
  every request, which under the tests' "warnings are errors" becomes a 500 in the
  server thread; the fixture swaps in a subclass of its ID-token extension that skips
  that warning and nothing else.

Session-scoped fixtures keep state between tests: register clients and users in each
test that needs them, and use `strict_oidc.tampered(...)` (which restores the knobs)
rather than setting `strict_oidc.tamper` by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import flask
import httpx2 as httpx
import pytest
import werkzeug.serving
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeGrant,
    ClientMixin,
    InvalidRequestError,
    OAuth2Error,
)
from authlib.oauth2.rfc7636 import CodeChallenge, create_s256_code_challenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode
from authlib.oidc.core.grants.util import validate_nonce
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

__all__ = [
    "FakeGitHub",
    "GitHubUser",
    "OidcMock",
    "StrictOidcProvider",
    "Tamper",
    "fake_github",
    "fake_google",
    "oidc_mock",
    "pkce_pair",
    "query_params",
    "strict_oidc",
]

CODE_LIFETIME = 600
TOKEN_LIFETIME = 3600


# ----------------------------------------------------------------------------- helpers


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE `(code_verifier, code_challenge)` with the S256 method."""
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def query_params(url: str) -> dict[str, str]:
    """The query parameters of `url`, one value each."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _add_params(url: str, params: Mapping[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _consent(http: httpx.Client, authorize_url: str, form: Mapping[str, str]) -> str:
    """POST the consent form to `authorize_url` and return where it redirects."""
    response = http.post(authorize_url, data=dict(form), follow_redirects=False)
    if response.status_code not in (302, 303):
        raise AssertionError(
            f"consent at {authorize_url} answered {response.status_code}: {response.text[:500]}"
        )
    location: str = response.headers["location"]
    return location


class _QuietHandler(werkzeug.serving.WSGIRequestHandler):
    """Werkzeug's handler without one log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@contextmanager
def _serve(app: Any, name: str) -> Iterator[int]:
    """Serve a WSGI app on 127.0.0.1, on a free port, in a thread; yield the port."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _page(title: str, body: str, status: int = 200) -> flask.Response:
    document = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )
    return flask.Response(document, status=status, content_type="text/html; charset=utf-8")


# ------------------------------------------------------------------------ oidc_mock


@dataclass
class OidcMock:
    """The `oidc-provider-mock` server (see the module docstring for what it enforces)."""

    issuer: str
    server: werkzeug.serving.BaseWSGIServer
    _http: httpx.Client = field(repr=False)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def set_user(self, sub: str, claims: Mapping[str, object]) -> None:
        """Create or replace the user `sub` with these claims (`PUT /users/{sub}`)."""
        response = self._http.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=dict(claims))
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str = "alice") -> str:
        """Consent as `sub` at `authorize_url`; return the callback URL (code and state)."""
        return _consent(self._http, authorize_url, {"sub": sub})

    @classmethod
    @contextmanager
    def running(cls, **options: Any) -> Iterator[OidcMock]:
        """Start one; `options` go to `oidc_provider_mock.run_server_in_thread`
        (`require_client_registration`, `require_nonce`, `issue_refresh_token`,
        `access_token_max_age`, `user_claims`)."""
        package, mock_app = _import_oidc_provider_mock()
        with _without_jwt_config_warning(mock_app):
            running = package.run_server_in_thread(**options)
        with running as server, httpx.Client(trust_env=False, timeout=10) as http:
            yield cls(issuer=f"http://localhost:{server.server_port}", server=server, _http=http)


def _import_oidc_provider_mock() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=r"authlib\.jose module is deprecated",
            category=AuthlibDeprecationWarning,
        )
        import oidc_provider_mock
        import oidc_provider_mock._app as mock_app
    return oidc_provider_mock, mock_app


@contextmanager
def _without_jwt_config_warning(mock_app: Any) -> Iterator[None]:
    """Build the mock's app with an ID-token extension that skips Authlib's warning.

    The mock configures ID tokens through `get_jwt_config`, which Authlib 1.9 still
    honours but announces with a DeprecationWarning on every token request.
    """
    original = getattr(mock_app, "OpenIDCode", None)
    if original is None or not hasattr(original, "_compatible_resolve_jwt_config"):
        yield
        return

    class QuietOpenIDCode(original):  # type: ignore[misc, valid-type]
        def _compatible_resolve_jwt_config(self, grant: Any, client: Any) -> Any:
            return self.get_jwt_config(grant, client)

    mock_app.OpenIDCode = QuietOpenIDCode
    try:
        yield
    finally:
        mock_app.OpenIDCode = original


@pytest.fixture(scope="session")
def oidc_mock() -> Iterator[OidcMock]:
    """`oidc-provider-mock` on `http://localhost:<port>`: any client, PKCE not enforced."""
    with OidcMock.running() as mock:
        yield mock


# ---------------------------------------------------------------------- strict_oidc

SCOPES = ("openid", "profile", "email")
_SCOPE_CLAIMS = {
    "profile": (
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
    ),
    "email": ("email", "email_verified"),
}
_STANDARD_CLAIMS = {claim for claims in _SCOPE_CLAIMS.values() for claim in claims}
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass
class Tamper:
    """Ways the provider can spoil the ID tokens it issues, for negative tests.

    The defaults issue correct tokens. Knobs apply to tokens issued while they are set.
    Note that Authlib's client checks `iss`, `nonce`, `exp`, the signature and `azp`, but
    not `aud` unless `claims_options` asks for it (`{"aud": {"values": [client_id]}}`,
    next to the `iss` entry it then no longer adds by itself).
    """

    #: Put this `nonce` in the ID token instead of the one from the authorize request.
    id_token_nonce_override: str | None = None
    #: Leave `nonce` out of the ID token.
    id_token_drop_nonce: bool = False
    #: Put this `iss` in the ID token.
    id_token_issuer_override: str | None = None
    #: Put this `aud` in the ID token (a string or a list), and its first value in `azp`,
    #: like a token issued to another client.
    id_token_audience_override: str | list[str] | None = None
    #: "RS256" (correct), "HS256" (signed with the client secret) or "none" (unsigned).
    id_token_alg: Literal["RS256", "HS256", "none"] = "RS256"
    #: Sign with an RSA key that is not in the JWKS (same `kid`).
    id_token_wrong_key: bool = False
    #: Sign with an RSA key that is not in the JWKS, under this `kid` (one never published).
    id_token_kid: str | None = None
    #: Issue an ID token that expired an hour ago.
    id_token_expired: bool = False
    #: Claims merged into the ID token last (e.g. `{"sub": "someone-else"}`).
    id_token_extra_claims: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class _User:
    sub: str


@dataclass(frozen=True)
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    sub: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass(frozen=True)
class _Token:
    sub: str
    scope: str
    expires_at: float


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, provider: StrictOidcProvider) -> None:
        super().__init__()
        self.provider = provider


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    server: _Server

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        self.server.provider._save_code(
            _Code(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                sub=request.user.sub,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                auth_time=int(time.time()),
            )
        )

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        return self.server.provider._find_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.provider._codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: _Code) -> _User | None:
        return self.server.provider._user(authorization_code.sub)


class _PkceS256(CodeChallenge):  # type: ignore[misc]
    """PKCE as Authlib checks it, plus: S256 only, and required when the provider says."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012

    def __init__(self, provider: StrictOidcProvider) -> None:
        super().__init__(required=True)
        self.provider = provider

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        challenge = data.get("code_challenge")
        if not challenge and self.provider.require_pkce:
            raise InvalidRequestError("Missing 'code_challenge' (PKCE is required).")
        if challenge and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: StrictOidcProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def validate_openid_authorization_request(self, grant: Any, redirect_uri: str) -> None:
        validate_nonce(grant.request, self.exists_nonce, self.provider.require_nonce)

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return nonce in self.provider._nonces

    def generate_user_info(self, user: _User, scope: str) -> dict[str, Any]:
        return self.provider._claims(user.sub, scope)

    def encode_id_token(self, token: Mapping[str, Any], request: Any) -> str:
        return self.provider._id_token(token, request.authorization_code, request.client)


class StrictOidcProvider:
    """A small, real OpenID Connect provider (authorization code flow only).

    Built from Authlib's server classes: `AuthorizationCodeGrant` with PKCE
    (`CodeChallenge`, S256 only, required) and the `OpenIDCode` extension; ID tokens are
    RS256, signed with a key generated at start (joserfc) and published at `/jwks`.

    Enforced: registered clients (`register_client`) with their secret
    (`client_secret_basic` or `client_secret_post`) and exact redirect URIs; PKCE
    (`require_pkce`, on by default: an authorize request without an S256
    `code_challenge` is refused, and a wrong `code_verifier` answers 400
    `invalid_grant`); single-use codes that expire after 10 minutes (a second exchange
    answers 400 `invalid_grant`); a `nonce` (`require_nonce`, on by default), which must
    not have been used before and goes into the ID token.

    Consent: `GET /authorize` shows a form (`#sub`, `#authorize`, `#deny`); a GET or POST
    carrying `sub` consents as that user and redirects (302) to the client with `code`
    and `state`; `action=deny` redirects with `error=access_denied`.

    With `issuer_parameter=True` it implements RFC 9207: discovery advertises
    `authorization_response_iss_parameter_supported` and every authorization response
    (errors too) carries `iss`. Added by hand: Authlib 1.9's `IssuerParameter` server
    extension registers a hook the server never runs. `jwks_requests` counts `/jwks` hits.
    """

    def __init__(
        self,
        name: str = "strict-oidc",
        *,
        new_user_claims: Callable[[str], dict[str, Any]] | None = None,
        issuer_parameter: bool = False,
    ) -> None:
        self.name = name
        self.issuer = ""
        self.issuer_parameter = issuer_parameter
        self.jwks_requests = 0
        self.tamper = Tamper()
        self.require_pkce = True
        self.require_nonce = True
        self._new_user_claims = new_user_claims or (lambda sub: {})
        self._kid = secrets.token_hex(8)
        self._key = RSAKey.generate_key(
            2048, parameters={"kid": self._kid, "use": "sig", "alg": "RS256"}, private=True
        )
        self._wrong_key: RSAKey | None = None
        self._clients: dict[str, _Client] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, _Token] = {}
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self.app = self._build_app()

    @classmethod
    @contextmanager
    def running(
        cls,
        name: str = "strict-oidc",
        *,
        new_user_claims: Callable[[str], dict[str, Any]] | None = None,
        issuer_parameter: bool = False,
    ) -> Iterator[StrictOidcProvider]:
        """Start a provider on `http://127.0.0.1:<free port>`; stop it at the end."""
        provider = cls(name, new_user_claims=new_user_claims, issuer_parameter=issuer_parameter)
        with _serve(provider.app, name) as port, httpx.Client(trust_env=False, timeout=10) as h:
            provider.issuer = f"http://127.0.0.1:{port}"
            provider._http = h
            yield provider

    # ---- public helpers

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/userinfo"

    def register_client(
        self, client_id: str, client_secret: str, redirect_uris: str | Iterable[str]
    ) -> None:
        """Register (or replace) a confidential client; redirect URIs match exactly."""
        uris = (redirect_uris,) if isinstance(redirect_uris, str) else tuple(redirect_uris)
        self._clients[client_id] = _Client(client_id, client_secret, uris)

    def set_user(self, sub: str, claims: Mapping[str, Any]) -> None:
        """Create or replace the user `sub` with these claims (besides `sub`)."""
        self._users[sub] = dict(claims)

    def authorize(self, authorize_url: str, sub: str = "alice", *, deny: bool = False) -> str:
        """Consent (or deny) as `sub` at `authorize_url`; return the redirect `Location`."""
        assert self._http is not None, "the provider is not running"
        form = {"action": "deny"} if deny else {"sub": sub}
        return _consent(self._http, authorize_url, form)

    def public_jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set served at `/jwks`."""
        jwks: dict[str, Any] = KeySet([self._key]).as_dict(private=False)
        return jwks

    @contextmanager
    def tampered(self, **knobs: Any) -> Iterator[Tamper]:
        """Set `Tamper` knobs for the duration of the block, then restore them."""
        unknown = set(knobs) - {f.name for f in fields(Tamper)}
        if unknown:
            raise TypeError(f"unknown tamper knobs: {sorted(unknown)}")
        saved = self.tamper
        self.tamper = replace(saved, **knobs)
        try:
            yield self.tamper
        finally:
            self.tamper = saved

    def reset(self) -> None:
        """Back to correct behaviour: no tampering, PKCE and nonce required."""
        self.tamper = Tamper()
        self.require_pkce = True
        self.require_nonce = True

    # ---- storage used by the grant classes

    def _user(self, sub: str, *, create: bool = False) -> _User | None:
        if sub not in self._users:
            if not create:
                return None
            self._users[sub] = self._new_user_claims(sub)
        return _User(sub)

    def _claims(self, sub: str, scope: str) -> dict[str, Any]:
        allowed = {claim for s in scope.split() for claim in _SCOPE_CLAIMS.get(s, ())}
        claims = self._users.get(sub, {})
        released = {k: v for k, v in claims.items() if k not in _STANDARD_CLAIMS or k in allowed}
        return released | {"sub": sub}

    def _save_code(self, code: _Code) -> None:
        with self._lock:
            self._codes[code.code] = code
            if code.nonce:
                self._nonces.add(code.nonce)

    def _find_code(self, code: str, client_id: str) -> _Code | None:
        found = self._codes.get(code)
        if found is None or found.client_id != client_id:
            return None
        if time.time() > found.auth_time + CODE_LIFETIME:
            self._codes.pop(code, None)
            return None
        return found

    def _save_token(self, token: Mapping[str, Any], request: Any) -> None:
        self._tokens[token["access_token"]] = _Token(
            sub=request.user.sub,
            scope=token.get("scope", ""),
            expires_at=time.time() + int(token.get("expires_in", TOKEN_LIFETIME)),
        )

    def _id_token(self, token: Mapping[str, Any], code: _Code, client: _Client) -> str:
        t = self.tamper
        now = int(time.time())
        iat = now - 2 * TOKEN_LIFETIME if t.id_token_expired else now
        override = t.id_token_audience_override
        audience = override[0] if isinstance(override, list) and override else override
        claims: dict[str, Any] = self._claims(code.sub, token.get("scope", ""))
        claims |= {
            "iss": self.issuer
            if t.id_token_issuer_override is None
            else t.id_token_issuer_override,
            "aud": client.client_id
            if t.id_token_audience_override is None
            else t.id_token_audience_override,
            "azp": client.client_id if audience is None else audience,
            "iat": iat,
            "exp": iat + TOKEN_LIFETIME,
            "auth_time": code.auth_time,
        }
        if access_token := token.get("access_token"):
            claims["at_hash"] = create_half_hash(access_token, "RS256").decode("ascii")
        nonce = code.nonce if t.id_token_nonce_override is None else t.id_token_nonce_override
        if nonce and not t.id_token_drop_nonce:
            claims["nonce"] = nonce
        claims |= t.id_token_extra_claims
        return self._sign(claims, client)

    def _sign(self, claims: dict[str, Any], client: _Client) -> str:
        alg = self.tamper.id_token_alg
        if alg == "RS256":
            key = self._key
            kid = self.tamper.id_token_kid or self._kid
            if self.tamper.id_token_wrong_key or self.tamper.id_token_kid:
                if self._wrong_key is None:
                    self._wrong_key = RSAKey.generate_key(
                        2048, parameters={"kid": self._kid}, private=True
                    )
                key = self._wrong_key
            header = {"alg": "RS256", "typ": "JWT", "kid": kid}
            signed: str = jwt.encode(header, claims, key, algorithms=["RS256"])
            return signed
        # Built by hand: joserfc rightly warns about "none" and short HMAC keys.
        header_part = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        signing_input = f"{header_part}.{_b64url(json.dumps(claims).encode())}"
        if alg == "none":
            return f"{signing_input}."
        if alg == "HS256":
            mac = hmac.new(client.client_secret.encode(), signing_input.encode(), hashlib.sha256)
            return f"{signing_input}.{_b64url(mac.digest())}"
        raise ValueError(f"unsupported id_token_alg {alg!r}")

    # ---- the HTTP side

    def _build_app(self) -> flask.Flask:
        app = flask.Flask(__name__)
        server = _Server(self)
        server.init_app(app, query_client=self._clients.get, save_token=self._save_token)
        server.register_grant(_CodeGrant, [_PkceS256(self), _OpenIDCode(self)])

        @app.get("/.well-known/openid-configuration")
        def discovery() -> flask.Response:
            rfc9207 = {"authorization_response_iss_parameter_supported": True}
            return flask.jsonify(
                **(rfc9207 if self.issuer_parameter else {}),
                issuer=self.issuer,
                authorization_endpoint=self.authorization_endpoint,
                token_endpoint=self.token_endpoint,
                jwks_uri=self.jwks_uri,
                userinfo_endpoint=self.userinfo_endpoint,
                response_types_supported=["code"],
                response_modes_supported=["query"],
                grant_types_supported=["authorization_code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=[
                    "client_secret_basic",
                    "client_secret_post",
                ],
                scopes_supported=list(SCOPES),
                claims_supported=[
                    *("sub", "iss", "aud", "exp", "iat", "nonce", "auth_time"),
                    *sorted(_STANDARD_CLAIMS),
                ],
            )

        @app.get("/jwks")
        def jwks() -> flask.Response:
            with self._lock:
                self.jwks_requests += 1
            return flask.jsonify(self.public_jwks())

        def with_issuer(response: flask.Response) -> flask.Response:
            if self.issuer_parameter and response.location:  # RFC 9207, section 2
                response.location = _add_params(response.location, {"iss": self.issuer})
            return response

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize() -> Any:
            try:
                grant = server.get_consent_grant()
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            values = flask.request.values
            if values.get("action") == "deny":
                return with_issuer(
                    server.create_authorization_response(grant=grant, grant_user=None)
                )
            sub = values.get("sub", "").strip()
            if sub:
                user = self._user(sub, create=True)
                return with_issuer(
                    server.create_authorization_response(grant=grant, grant_user=user)
                )
            client_id = html.escape(grant.client.client_id)
            return _page(
                f"Sign in - {self.name}",
                f"<h1>Sign in to {html.escape(self.name)}</h1>\n"
                f"<p>The application <code>{client_id}</code> asks who you are.</p>\n"
                '<form method="post">\n'
                '  <label for="sub">User</label>\n'
                '  <input type="text" id="sub" name="sub" required autofocus>\n'
                '  <button type="submit" id="authorize">Authorize</button>\n'
                '  <button type="submit" id="deny" name="action" value="deny" formnovalidate>'
                "Deny</button>\n"
                "</form>",
            )

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo() -> Any:
            auth = flask.request.headers.get("Authorization", "")
            scheme, _, value = auth.partition(" ")
            found = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            if found is None or found.expires_at < time.time():
                response = flask.jsonify(error="invalid_token")
                response.status_code = 401
                response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                return response
            return flask.jsonify(self._claims(found.sub, found.scope))

        return app


def _google_claims(sub: str) -> dict[str, Any]:
    return {"email": f"{sub}@gmail.example", "email_verified": True, "name": sub}


@pytest.fixture(scope="session")
def strict_oidc() -> Iterator[StrictOidcProvider]:
    """A strict OpenID Connect provider on `http://127.0.0.1:<port>` (see the class)."""
    with StrictOidcProvider.running("strict-oidc") as provider:
        yield provider


@pytest.fixture(scope="session")
def fake_google() -> Iterator[StrictOidcProvider]:
    """Stands in for Google (https://accounts.google.com): a second strict provider."""
    with StrictOidcProvider.running("fake-google", new_user_claims=_google_claims) as provider:
        yield provider


# ----------------------------------------------------------------------- fake_github

_GITHUB_DOCS = "https://docs.github.com/apps/managing-oauth-apps"
_GITHUB_ERRORS = {
    "incorrect_client_credentials": (
        "The client_id and/or client_secret passed are incorrect.",
        "/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials",
    ),
    "redirect_uri_mismatch": (
        "The redirect_uri MUST match the registered callback URL for this application.",
        "/troubleshooting-authorization-request-errors/#redirect-uri-mismatch",
    ),
    "bad_verification_code": (
        "The code passed is incorrect or expired.",
        "/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
    ),
    "access_denied": (
        "The user has denied your application access.",
        "/troubleshooting-authorization-request-errors/#access-denied",
    ),
}


@dataclass
class GitHubUser:
    """A GitHub account as the fake serves it."""

    login: str
    id: int
    name: str | None
    avatar_url: str
    email: str | None = None
    emails: list[str] = field(default_factory=list)

    def api(self) -> dict[str, Any]:
        """The account as `GET /user` returns it (a subset of GitHub's fields)."""
        return {
            "login": self.login,
            "id": self.id,
            "node_id": f"U_{self.id}",
            "avatar_url": self.avatar_url,
            "html_url": f"https://github.com/{self.login}",
            "type": "User",
            "site_admin": False,
            "name": self.name,
            "email": self.email,
        }


@dataclass(frozen=True)
class _GitHubApp:
    client_id: str
    client_secret: str
    callback_url: str


@dataclass(frozen=True)
class _GitHubCode:
    client_id: str
    redirect_uri: str
    login: str
    scope: str
    code_challenge: str | None
    expires_at: float


@dataclass(frozen=True)
class _GitHubToken:
    login: str
    scope: str


def _github_redirect_ok(callback_url: str, redirect_uri: str) -> bool:
    """GitHub's rule: same scheme, host and port; the path at or below the callback's."""
    callback, wanted = urlsplit(callback_url), urlsplit(redirect_uri)
    if (callback.scheme, callback.netloc) != (wanted.scheme, wanted.netloc):
        return False
    base = callback.path.rstrip("/")
    return wanted.path == callback.path or wanted.path.startswith(f"{base}/")


class FakeGitHub:
    """A stand-in for GitHub's OAuth app flow and the REST API's `/user`.

    `base_url` stands for https://github.com (`/login/oauth/authorize`,
    `/login/oauth/access_token`), `api_url` for https://api.github.com (`/user`,
    `/user/emails`). Behaviour follows GitHub's documentation:

    - Authorize: unknown `client_id` answers 404; a `redirect_uri` outside the
      registered callback URL redirects to the callback with
      `error=redirect_uri_mismatch`; PKCE accepts S256 only. Real GitHub does not require
      PKCE; this fake does while `require_pkce` is true (the default), answering 400.
      GET shows the consent form (`#login`, prefilled from GitHub's `login` hint,
      `#authorize`, `#deny`); POST `login=<login>` consents, `action=deny` redirects with
      `error=access_denied`.
    - Token: client credentials in the form or HTTP Basic; the answer is JSON when the
      request accepts `application/json`, form-encoded otherwise; errors answer
      **200** with `error` (`incorrect_client_credentials`, `bad_verification_code`,
      `redirect_uri_mismatch`) as GitHub does. A wrong or missing `code_verifier` answers
      `bad_verification_code` (GitHub does not document its exact error for this).
      Codes are single-use and expire after 10 minutes. `scope` comes back
      comma-separated.
    - API: `Authorization: Bearer <token>` (or `token <token>`); a bad token answers
      401 `{"message": "Bad credentials"}`. `/user/emails` needs the `user:email` or
      `user` scope.
    """

    def __init__(self) -> None:
        self.base_url = ""
        self.api_url = ""
        self.require_pkce = True
        self._apps: dict[str, _GitHubApp] = {}
        self._users: dict[str, GitHubUser] = {}
        self._codes: dict[str, _GitHubCode] = {}
        self._tokens: dict[str, _GitHubToken] = {}
        self._lock = threading.Lock()
        self._next_id = 1000
        self._http: httpx.Client | None = None
        self.set_user(
            "octocat", id=123, name="The Octocat", avatar_url="https://avatars.example/u/123"
        )
        self.app = self._build_app()

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[FakeGitHub]:
        """Start the fake on `http://127.0.0.1:<free port>`; stop it at the end."""
        fake = cls()
        with (
            _serve(fake.app, "fake-github") as port,
            httpx.Client(trust_env=False, timeout=10) as h,
        ):
            fake.base_url = f"http://127.0.0.1:{port}"
            fake.api_url = f"{fake.base_url}/api"
            fake._http = h
            yield fake

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/login/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{self.base_url}/login/oauth/access_token"

    def app_settings(self, client_id: str, client_secret: str) -> dict[str, str]:
        """The app's settings that log in with this stand-in as GitHub, as that OAuth app."""
        return {
            "github_client_id": client_id,
            "github_client_secret": client_secret,
            "github_url": self.base_url,
            "github_api_url": self.api_url,
        }

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """Register (or replace) an OAuth app; `redirect_uri` is its callback URL."""
        self._apps[client_id] = _GitHubApp(client_id, client_secret, redirect_uri)

    def set_user(
        self,
        login: str,
        *,
        id: int | None = None,
        name: str | None = None,
        avatar_url: str | None = None,
        email: str | None = None,
        emails: Sequence[str] = (),
    ) -> GitHubUser:
        """Create or replace an account. `email` is the public one (`/user`); `emails`
        the verified addresses `/user/emails` lists (default: `email`, if any)."""
        with self._lock:
            existing = self._users.get(login)
            if id is not None:
                user_id = id
            elif existing is not None:
                user_id = existing.id
            else:
                user_id = self._next_id
                self._next_id += 1
        user = GitHubUser(
            login=login,
            id=user_id,
            name=name,
            avatar_url=avatar_url or f"https://avatars.example/u/{user_id}",
            email=email,
            emails=list(emails) or ([email] if email else []),
        )
        self._users[login] = user
        return user

    def authorize(self, authorize_url: str, login: str = "octocat", *, deny: bool = False) -> str:
        """Consent (or deny) as `login` at `authorize_url`; return the redirect `Location`."""
        assert self._http is not None, "the fake is not running"
        form = {"action": "deny"} if deny else {"login": login}
        return _consent(self._http, authorize_url, form)

    # ---- the HTTP side

    def _build_app(self) -> flask.Flask:
        app = flask.Flask(__name__)

        def oauth_error(error: str) -> flask.Response:
            description, uri = _GITHUB_ERRORS[error]
            body = {
                "error": error,
                "error_description": description,
                "error_uri": _GITHUB_DOCS + uri,
            }
            return token_response(body)

        def token_response(body: dict[str, str]) -> flask.Response:
            if "application/json" in flask.request.headers.get("Accept", ""):
                return flask.jsonify(body)
            return flask.Response(urlencode(body), content_type="application/x-www-form-urlencoded")

        def redirect_error(url: str, error: str, state: str | None) -> flask.Response:
            description, uri = _GITHUB_ERRORS[error]
            params = {
                "error": error,
                "error_description": description,
                "error_uri": _GITHUB_DOCS + uri,
                "state": state,
            }
            return flask.redirect(_add_params(url, params), code=302)

        @app.route("/login/oauth/authorize", methods=["GET", "POST"])
        def authorize() -> Any:
            args = flask.request.args
            oauth_app = self._apps.get(args.get("client_id", ""))
            if oauth_app is None:
                return _page("Page not found", "<h1>404</h1>", status=404)
            state = args.get("state")
            redirect_uri = args.get("redirect_uri") or oauth_app.callback_url
            if not _github_redirect_ok(oauth_app.callback_url, redirect_uri):
                return redirect_error(oauth_app.callback_url, "redirect_uri_mismatch", state)
            challenge = args.get("code_challenge")
            method = args.get("code_challenge_method")
            if challenge or method:
                if method != "S256" or not _CHALLENGE.fullmatch(challenge or ""):
                    return _page("Bad request", "<p>Only S256 PKCE is supported.</p>", 400)
            elif self.require_pkce:
                return _page("Bad request", "<p>PKCE is required by this fake.</p>", 400)

            if flask.request.method == "POST":
                form = flask.request.form
                if form.get("action") == "deny":
                    return redirect_error(redirect_uri, "access_denied", state)
                login = form.get("login", "").strip()
                if login:
                    if login not in self._users:
                        self.set_user(login, name=login)
                    code = secrets.token_hex(10)
                    self._codes[code] = _GitHubCode(
                        client_id=oauth_app.client_id,
                        redirect_uri=redirect_uri,
                        login=login,
                        scope=",".join(args.get("scope", "").replace(",", " ").split()),
                        code_challenge=challenge,
                        expires_at=time.time() + CODE_LIFETIME,
                    )
                    return flask.redirect(
                        _add_params(redirect_uri, {"code": code, "state": state}), code=302
                    )

            hint = html.escape(args.get("login", ""), quote=True)
            return _page(
                "Authorize application",
                "<h1>Sign in to GitHub</h1>\n"
                f"<p>to continue to <code>{html.escape(oauth_app.client_id)}</code></p>\n"
                '<form method="post">\n'
                '  <label for="login">Username</label>\n'
                f'  <input type="text" id="login" name="login" value="{hint}" required autofocus>\n'
                '  <button type="submit" id="authorize">Authorize</button>\n'
                '  <button type="submit" id="deny" name="action" value="deny" formnovalidate>'
                "Cancel</button>\n"
                "</form>",
            )

        @app.post("/login/oauth/access_token")
        def access_token() -> Any:
            form = flask.request.form
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
            basic = flask.request.authorization
            if basic is not None and basic.type == "basic":
                client_id, secret = basic.username or "", basic.password or ""
            oauth_app = self._apps.get(client_id)
            if oauth_app is None or not hmac.compare_digest(
                secret.encode(), oauth_app.client_secret.encode()
            ):
                return oauth_error("incorrect_client_credentials")
            code_value = form.get("code", "")
            code = self._codes.get(code_value)
            if code is None or code.client_id != client_id or code.expires_at < time.time():
                return oauth_error("bad_verification_code")
            redirect_uri = form.get("redirect_uri")
            if redirect_uri and redirect_uri != code.redirect_uri:
                return oauth_error("redirect_uri_mismatch")
            verifier = form.get("code_verifier")
            if code.code_challenge or verifier:
                if not (
                    code.code_challenge
                    and verifier
                    and create_s256_code_challenge(verifier) == code.code_challenge
                ):
                    return oauth_error("bad_verification_code")
            with self._lock:
                if self._codes.pop(code_value, None) is None:
                    return oauth_error("bad_verification_code")
            token = f"gho_{secrets.token_urlsafe(27)}"
            self._tokens[token] = _GitHubToken(login=code.login, scope=code.scope)
            return token_response(
                {"access_token": token, "token_type": "bearer", "scope": code.scope}
            )

        def bearer() -> _GitHubToken | None:
            scheme, _, value = flask.request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() not in ("bearer", "token"):
                return None
            return self._tokens.get(value.strip())

        def api_error(status: int, message: str) -> flask.Response:
            response = flask.jsonify(
                message=message,
                documentation_url="https://docs.github.com/rest",
                status=str(status),
            )
            response.status_code = status
            return response

        @app.get("/api/user")
        def api_user() -> Any:
            found = bearer()
            if found is None:
                return api_error(401, "Bad credentials")
            response = flask.jsonify(self._users[found.login].api())
            response.headers["X-OAuth-Scopes"] = found.scope.replace(",", ", ")
            return response

        @app.get("/api/user/emails")
        def api_user_emails() -> Any:
            found = bearer()
            if found is None:
                return api_error(401, "Bad credentials")
            if not {"user", "user:email"} & set(found.scope.split(",")):
                return api_error(404, "Not Found")
            user = self._users[found.login]
            return flask.jsonify(
                [
                    {
                        "email": address,
                        "primary": i == 0,
                        "verified": True,
                        "visibility": "public" if address == user.email else None,
                    }
                    for i, address in enumerate(user.emails)
                ]
            )

        return app


@pytest.fixture(scope="session")
def fake_github() -> Iterator[FakeGitHub]:
    """Stands in for github.com and api.github.com (unreachable from the tests)."""
    with FakeGitHub.running() as fake:
        yield fake


# ---------------------------------------------------------------------- forging_oidc


class ForgingOidcProvider(StrictOidcProvider):
    """The strict provider, whose ID tokens and discovery document a test may forge.

    `forging(make)`: while the block runs, the token endpoint hands out `make(claims)` as
    the ID token, `claims` being what a correct token would carry (this login's nonce
    included); the forgery writes its own header and signature. For forgeries:
    `signing_key` and `kid` (the real key, for tokens signed right but wrong elsewhere),
    `public_key_pem()` (what anyone reads from `/jwks`), and `attacker_key`, a key the
    provider never published, which `attacker_jwks_uri` serves (for `jku` tricks).
    `discovery_overrides` are merged into the discovery document while set.
    Start one per test module with `ForgingOidcProvider.running(name)`.
    """

    def __init__(self, name: str = "forging-oidc", **options: Any) -> None:
        super().__init__(name, **options)  # the strict provider's options, whatever they are
        self.forge: Callable[[dict[str, Any]], str] | None = None
        self.discovery_overrides: dict[str, Any] = {}
        self.attacker_key = RSAKey.generate_key(
            2048, parameters={"kid": "attacker", "use": "sig", "alg": "RS256"}, private=True
        )
        self.app.after_request(self._override_discovery)
        self.app.add_url_rule("/attacker/jwks", "attacker_jwks", self._attacker_jwks)

    @property
    def signing_key(self) -> RSAKey:
        """The private key behind the published JWKS."""
        return self._key

    @property
    def kid(self) -> str:
        """The key id of the published key."""
        return self._kid

    @property
    def attacker_jwks_uri(self) -> str:
        """A JWKS holding `attacker_key`, served by this provider's own server."""
        return f"{self.issuer}/attacker/jwks"

    def public_key_pem(self) -> bytes:
        """The published key as PEM: public knowledge, an HMAC secret for confusion attacks."""
        pem: bytes = self._key.as_pem(private=False)
        return pem

    @contextmanager
    def forging(self, make: Callable[[dict[str, Any]], str]) -> Iterator[None]:
        """Hand out `make(claims)` as the ID token for the duration of the block."""
        self.forge = make
        try:
            yield
        finally:
            self.forge = None

    def reset(self) -> None:
        """Back to correct behaviour: no forgery, no tampering, the real discovery."""
        super().reset()
        self.forge = None
        self.discovery_overrides = {}

    def _sign(self, claims: dict[str, Any], client: _Client) -> str:
        if self.forge is not None:
            return self.forge(dict(claims))
        return super()._sign(claims, client)

    def _attacker_jwks(self) -> flask.Response:
        return flask.jsonify(KeySet([self.attacker_key]).as_dict(private=False))

    def _override_discovery(self, response: flask.Response) -> flask.Response:
        if self.discovery_overrides and flask.request.path.endswith("/openid-configuration"):
            document = json.loads(response.get_data()) | self.discovery_overrides
            response.set_data(json.dumps(document))
        return response
