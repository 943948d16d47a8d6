"""OpenID Connect (Google, Keycloak, Auth0, Okta, Azure AD, a newsroom's own), by discovery.

The ID token is verified here, not trusted: signature against the provider's JWKS with
pinned asymmetric algorithms only, then `iss`, `aud`, `azp`, `exp`, `iat` and the
`nonce` this login sent. Discovery and keys are fetched lazily and cached for an hour.
A token signed under a key id the cache does not know may mean the provider rotated its
keys, so the keys are fetched again, but at most once a minute per provider: forged
tokens cannot make the service hammer the provider. A known key id whose signature fails
is a forgery, never a reason to fetch.

The callback's `iss` parameter (RFC 9207) must name this issuer whenever it is present,
and must be present when discovery says the provider sends it.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import Any

import httpx2 as httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from comments.login.base import AuthorizeRequest, Identity, LoginRefused

TIMEOUT = 10.0
CACHE_SECONDS = 3600
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
LEEWAY = 60
REFETCH_SECONDS = 60


class OidcProvider:
    """One OpenID Connect provider; users are `<prefix>:<sub>`."""

    def __init__(
        self,
        provider_id: str,
        name: str,
        issuer: str,
        client_id: str,
        client_secret: str,
        *,
        user_prefix: str | None = None,
        clock: Any = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.id = provider_id
        self.name = name
        self._issuer = issuer.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._prefix = user_prefix or f"oidc:{provider_id}"
        self._clock = clock
        self._monotonic = monotonic
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._keys: tuple[float, KeySet] | None = None
        self._keys_fetched = -float("inf")

    async def _discover(self) -> dict[str, Any]:
        now = self._monotonic()
        if self._metadata and self._metadata[0] > now:
            return self._metadata[1]
        url = f"{self._issuer}/.well-known/openid-configuration"
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.get(url)
            response.raise_for_status()
            metadata: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise LoginRefused(f"discovery failed: {exc}") from None
        if metadata.get("issuer", "").rstrip("/") != self._issuer:
            raise LoginRefused("discovery names another issuer")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(key), str):
                raise LoginRefused(f"discovery lacks {key}")
        self._metadata = (now + CACHE_SECONDS, metadata)
        return metadata

    async def _key_set(self, metadata: dict[str, Any], refresh: bool = False) -> KeySet:
        now = self._monotonic()
        if self._keys and self._keys[0] > now and not refresh:
            return self._keys[1]
        if self._keys and now - self._keys_fetched < REFETCH_SECONDS:
            return self._keys[1]  # fetched moments ago: a rotation would already show
        self._keys_fetched = now
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.get(metadata["jwks_uri"])
            response.raise_for_status()
            keys = KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError, JoseError) as exc:
            raise LoginRefused(f"keys unavailable: {exc}") from None
        self._keys = (now + CACHE_SECONDS, keys)
        return keys

    def _client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self._client_id,
            client_secret=self._client_secret,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            scope="openid email profile",
            timeout=TIMEOUT,
        )

    def authorize_url(self, request: AuthorizeRequest) -> str:
        """The provider's authorize endpoint (discovered at start-up of the first login)."""
        if self._metadata is None:
            raise LoginRefused("provider not discovered yet")
        client = self._client(request.redirect_uri)
        url, _state = client.create_authorization_url(
            self._metadata[1]["authorization_endpoint"],
            state=request.state,
            nonce=request.nonce,
            code_challenge=request.code_challenge,
            code_challenge_method="S256",
        )
        return str(url)

    async def prepare(self) -> None:
        """Fetch discovery before building an authorize URL."""
        await self._discover()

    async def check_issuer(self, issuer: str | None) -> None:
        """RFC 9207: `iss` names this issuer exactly; required when discovery promises it."""
        metadata = await self._discover()
        if issuer is None:
            if metadata.get("authorization_response_iss_parameter_supported") is True:
                raise LoginRefused("the answer lacks the iss its provider always sends")
            return
        if issuer != metadata["issuer"]:
            raise LoginRefused("the answer names another issuer")

    async def exchange(
        self, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> Identity:
        """Redeem the code with the verifier and verify the ID token it buys."""
        metadata = await self._discover()
        async with self._client(redirect_uri) as client:
            try:
                token = await client.fetch_token(
                    metadata["token_endpoint"], code=code, code_verifier=code_verifier
                )
            except (OAuthError, ValueError, httpx.HTTPError) as exc:
                raise LoginRefused(f"token endpoint refused: {exc}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or len(id_token) > 16_384:
            raise LoginRefused("no ID token")
        claims = await self._verify(id_token, metadata, nonce)
        name = claims.get("name") or claims.get("preferred_username") or claims.get("email")
        return Identity(
            provider=self._prefix,
            subject=str(claims["sub"]),
            name=str(name or claims["sub"]),
            avatar_url=claims.get("picture") if isinstance(claims.get("picture"), str) else None,
            email=claims.get("email") if claims.get("email_verified") is True else None,
        )

    async def _verify(self, id_token: str, metadata: dict[str, Any], nonce: str) -> dict[str, Any]:
        keys = await self._key_set(metadata)
        try:
            try:
                decoded = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
            except JoseError:
                if not _unknown_key(id_token, keys):
                    raise
                # A key the cache does not know yet: the provider may have rotated.
                keys = await self._key_set(metadata, refresh=True)
                decoded = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
            registry = jwt.JWTClaimsRegistry(
                now=int(self._clock()),
                leeway=LEEWAY,
                iss={"essential": True, "value": self._issuer},
                sub={"essential": True},
                aud={"essential": True, "value": self._client_id},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise LoginRefused(f"ID token rejected: {exc}") from None
        claims = decoded.claims
        audience = claims["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        # OpenID Connect Core 3.1.3.7, steps 5 and 6: several audiences need an `azp`,
        # and an `azp`, whenever present, must be us.
        if (several or "azp" in claims) and claims.get("azp") != self._client_id:
            raise LoginRefused("ID token issued to another party")
        if int(claims["iat"]) > self._clock() + LEEWAY:
            raise LoginRefused("ID token issued in the future")
        if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
            raise LoginRefused("bad subject")
        return claims


def _unknown_key(id_token: str, keys: KeySet) -> bool:
    """Whether the token names a key id the set lacks (or names none: it may be new)."""
    try:
        raw = id_token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    if not isinstance(header, dict):
        return False
    kid = header.get("kid")
    if kid is None:
        return True
    return not any(key.kid == kid for key in keys.keys)
