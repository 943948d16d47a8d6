"""Idempotency keys: a retried write answers what the first one did and creates nothing.

The record commits in the write's own transaction (storage writes it first, so of two
racing requests with one key the second fails before writing anything) and lives in the
database, so it outlives Redis going away. Records are kept `KEEP` and then pruned by the
dispatcher. A key reused for a different request is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from comments.errors import invalid
from comments.service.context import Deps
from comments.service.sessions import Viewer
from comments.storage import Remembered

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,64}")


def checked_key(value: str | None) -> str | None:
    """The header's value when it is 1 to 64 printable ASCII characters; else 422."""
    if value is None:
        return None
    if not _KEY.fullmatch(value):
        raise invalid(HEADER, "must be 1 to 64 printable ASCII characters without spaces")
    return value


def fingerprint(payload: dict[str, Any]) -> str:
    """What identifies a request's content, so a key reused for another request is noticed."""
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


class Idempotency:
    """Looks up and makes idempotency records."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def replay(
        self, viewer: Viewer, key: str | None, scope: str, print_: str
    ) -> dict[str, Any] | None:
        """The remembered result of this request, if it was made before."""
        if key is None:
            return None
        found = await self._deps.storage.remembered(viewer.user.id, key)
        if found is None:
            return None
        if found.scope != scope or found.fingerprint != print_:
            raise invalid(HEADER, "was already used for a different request")
        return found.result

    def record(
        self, viewer: Viewer, key: str | None, scope: str, print_: str, result: dict[str, Any]
    ) -> Remembered | None:
        """The record to commit with the write (None without a key)."""
        if key is None:
            return None
        return Remembered(
            user_id=viewer.user.id,
            key=key,
            scope=scope,
            fingerprint=print_,
            result=result,
            created_at=self._deps.clock(),
        )
