"""Time-sortable opaque ids (ULID layout: 48-bit milliseconds, 80 random bits).

Sorting ids sorts by creation time, so cursors and "oldest first" need no extra column.
The clock and the randomness are injected, so tests can fix both.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 26

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, timezone-aware UTC."""
    return datetime.now(UTC)


_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)  # ten bits at a time


def _encode(value: int, length: int) -> str:
    """The low `length` × 5 bits of `value`, most significant first (even lengths only:
    every id part is 10 or 16 characters; an import makes one per comment)."""
    chars = []
    for _ in range(length // 2):
        chars.append(_PAIRS[value & 1023])
        value >>= 10
    return "".join(reversed(chars))


class IdFactory:
    """Makes ids that sort by time and stay monotonic within one millisecond."""

    def __init__(self, clock: Clock = utc_now, random_bits: Callable[[int], int] | None = None):
        self._clock = clock
        self._random = random_bits or secrets.randbits
        self._last_ms = -1
        self._last_random = 0

    def new(self) -> str:
        """A fresh id, greater than every id this factory made before."""
        ms = int(self._clock().timestamp() * 1000)
        if ms <= self._last_ms:
            ms = self._last_ms
            rand = self._last_random + 1
        else:
            rand = self._random(80)
        self._last_ms, self._last_random = ms, rand
        return _encode(ms, 10) + _encode(rand & ((1 << 80) - 1), 16)


def looks_like_id(value: str) -> bool:
    """Whether `value` has the shape of an id (cheap check before any lookup)."""
    return len(value) == ID_LENGTH and all(c in _ALPHABET for c in value)


def derived_id(at: datetime, key: str) -> str:
    """An id of the usual shape for something that already has a name elsewhere (an
    imported comment): its time part from `at`, the rest from a hash of `key`, so the
    same source item always gets the same id and ids still sort by time."""
    ms = max(0, int(at.timestamp() * 1000))
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:10], "big")
    return _encode(ms, 10) + _encode(digest, 16)
