"""The external classifier hook: a site's own model, or a Perspective or Akismet bridge.

The comment goes to the site's endpoint as JSON signed with HMAC-SHA256 over
`timestamp.body` (headers `X-Comments-Timestamp`, `X-Comments-Signature: sha256=…`), and
the endpoint answers `{"action": "allow" | "hold" | "reject", "reason"?: "…"}`. Anything
else, a timeout included, is an answer of `None`: the pipeline then holds the comment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx

log = logging.getLogger(__name__)

MAX_ANSWER = 4096


@dataclass(frozen=True)
class ClassifierAnswer:
    """What the endpoint said."""

    action: str
    reason: str | None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a request body."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class Classifier:
    """Asks a site's classifier endpoint; one HTTP client for the whole app."""

    def __init__(self) -> None:
        self._client = httpx.AsyncClient(follow_redirects=False)

    async def ask(
        self, url: str, secret: str, payload: dict[str, Any], timeout_ms: int
    ) -> ClassifierAnswer | None:
        """The endpoint's verdict, or None when it failed, timed out or answered nonsense."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Comments-Timestamp": timestamp,
            "X-Comments-Signature": sign(secret, timestamp, body),
        }
        try:
            response = await self._client.post(
                url, content=body, headers=headers, timeout=timeout_ms / 1000
            )
            if response.status_code != 200 or len(response.content) > MAX_ANSWER:
                raise ValueError(f"answered {response.status_code}")
            answer = response.json()
            action = answer.get("action")
            reason = answer.get("reason")
            if action not in ("allow", "hold", "reject"):
                raise ValueError(f"unknown action {action!r}")
            if reason is not None and not isinstance(reason, str):
                raise ValueError("reason is not text")
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.warning("classifier %s failed: %s", url, exc or type(exc).__name__)
            return None
        return ClassifierAnswer(action=str(action), reason=reason[:200] if reason else None)

    async def close(self) -> None:
        """Release connections."""
        await self._client.aclose()
