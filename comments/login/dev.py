"""The `dev` provider: anyone types a name. For the demo and local testing only.

It is a tiny authorization server of its own (an authorize page, one-time codes with
PKCE checked) so that it takes the very code path the real providers take.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from typing import Protocol
from urllib.parse import urlencode

from comments.login.base import AuthorizeRequest, Identity, LoginRefused, pkce_challenge

CODE_TTL = 120


class CodeStore(Protocol):
    """Where one-time codes wait (the app's cache)."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store a value for a while."""

    async def take(self, key: str) -> str | None:
        """Get and delete atomically."""


def slug(name: str) -> str:
    """The subject for a typed name: lower-case letters, digits, dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40]


class DevProvider:
    """Logs in whoever types a name; never enable it on a public site."""

    id = "dev"
    name = "Demo login (type a name)"

    def __init__(self, authorize_endpoint: str, codes: CodeStore) -> None:
        self._authorize_endpoint = authorize_endpoint
        self._codes = codes

    async def prepare(self) -> None:
        """Nothing to discover."""

    async def check_issuer(self, issuer: str | None) -> None:
        """Our own authorize page sends no `iss` (RFC 9207); one that comes is refused."""
        if issuer is not None:
            raise LoginRefused("the dev login sends no iss; this answer comes from elsewhere")

    def authorize_url(self, request: AuthorizeRequest) -> str:
        """Our own authorize page, with the usual OAuth parameters."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": "comments",
                "redirect_uri": request.redirect_uri,
                "state": request.state,
                "code_challenge": request.code_challenge,
                "code_challenge_method": "S256",
                "nonce": request.nonce,
            }
        )
        return f"{self._authorize_endpoint}?{query}"

    async def grant(self, name: str, redirect_uri: str, state: str, code_challenge: str) -> str:
        """The authorize page's answer: a one-time code; returns the redirect back."""
        code = secrets.token_urlsafe(32)
        record = {"name": name, "redirect_uri": redirect_uri, "challenge": code_challenge}
        await self._codes.put(f"dev-code:{code}", json.dumps(record), CODE_TTL)
        return f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"

    async def exchange(
        self, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> Identity:
        """Redeem a code once; the verifier must match the challenge it was issued for."""
        raw = await self._codes.take(f"dev-code:{code}")
        if raw is None:
            raise LoginRefused("unknown or used code")
        record = json.loads(raw)
        if record["redirect_uri"] != redirect_uri:
            raise LoginRefused("redirect_uri mismatch")
        if not secrets.compare_digest(pkce_challenge(code_verifier), record["challenge"]):
            raise LoginRefused("PKCE verifier does not match")
        name = str(record["name"])
        return Identity(provider="dev", subject=slug(name) or "reader", name=name)
