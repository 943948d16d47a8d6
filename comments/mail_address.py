"""What an e-mail address may look like here: plain `local@domain`, nothing a header could
be bent with (no display name, comment, quote, space or line break), at most 254 characters."""

from __future__ import annotations

import re

MAX_ADDRESS = 254

_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def plain_address(value: str) -> bool:
    """Whether `value` is an address we send to (ASCII only: no look-alike domains)."""
    return len(value) <= MAX_ADDRESS and _ADDRESS.fullmatch(value) is not None
