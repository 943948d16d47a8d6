"""URL rules shared by the settings and the site policy."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def https_or_loopback(value: str) -> str:
    """Endpoints we call must be https; plain http only on this machine's loopback."""
    parts = urlsplit(value)
    loopback = parts.hostname in LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise ValueError("must be an https URL")
    return value.rstrip("/")
