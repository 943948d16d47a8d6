"""The signed tokens in e-mail links: one-click unsubscribe and confirming an address.

A token is `base64url(JSON).base64url(HMAC-SHA256)`, keyed by the secret key and bound
to its purpose, so an unsubscribe token cannot confirm an address and a changed byte
fails. Unsubscribing twice is harmless by nature; a confirmation expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

MAX_TOKEN = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest())


def sign(key: bytes, purpose: str, data: dict[str, Any]) -> str:
    """A token carrying `data` for `purpose`."""
    body = _b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(key, purpose, body)}"


def verify(key: bytes, purpose: str, token: str) -> dict[str, Any] | None:
    """The token's data, or None when it is malformed, forged or for another purpose."""
    if not key or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(mac.encode(), _mac(key, purpose, body).encode()):
        return None
    try:
        data = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
