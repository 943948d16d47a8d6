"""What every login provider offers the service."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Protocol


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class AuthorizeRequest:
    """What goes to the provider's authorize endpoint."""

    state: str
    code_challenge: str
    nonce: str
    redirect_uri: str


@dataclass(frozen=True)
class Identity:
    """A verified identity: `subject` is unique within the provider."""

    provider: str
    subject: str
    name: str
    avatar_url: str | None = None
    email: str | None = None

    @property
    def user_id(self) -> str:
        """The user's id: provider and subject, never merged by e-mail."""
        return f"{self.provider}:{self.subject}"


class Provider(Protocol):
    """One way to log in."""

    id: str
    name: str

    async def prepare(self) -> None:
        """Fetch what building an authorize URL needs (discovery); raise `LoginRefused`."""

    def authorize_url(self, request: AuthorizeRequest) -> str:
        """Where the popup goes to log in."""

    async def check_issuer(self, issuer: str | None) -> None:
        """RFC 9207: refuse a callback whose `iss` does not name this provider (mix-up)."""

    async def exchange(
        self, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> Identity:
        """Redeem the code (with the PKCE verifier) for a verified identity; raise on refusal."""


class LoginRefused(Exception):
    """The provider refused the code, or answered something that does not verify."""
