"""Checks on hostile text before anything is stored: limits, control characters, UTF-8.

Lengths count code points, so an emoji is one character on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from comments.errors import Invalid, invalid

# C0 and C1 controls except tab, line feed and carriage return; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\r\n\t\u2028\u2029]")
_SITE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# What an identifier (a key, an id, a name, a URL) must not hide besides line breaks:
# bidirectional marks, embeddings, overrides and isolates, and zero-width characters.
# Free text (bodies, notes, reasons) keeps them: scripts need them, moderation sees them.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def has_controls(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` carries control characters (line breaks count unless `multiline`)."""
    return bool(_CONTROL.search(value) or (not multiline and _LINE_BREAKS.search(value)))


def text(field: str, value: str, limit: int, *, multiline: bool = False) -> str:
    """`value` stripped; 422 when empty, too long, or carrying control characters."""
    if has_controls(value, multiline=multiline):
        raise invalid(field, "contains control characters")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        raise invalid(field, "must not be empty")
    if len(value) > limit:
        raise invalid(field, f"must be at most {limit} characters (it has {len(value)})")
    return value


def origin(value: str) -> str:
    """The normalised `scheme://host[:port]` of an origin or URL; ValueError when not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http or https origin")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def page_url(field: str, value: str, origins: tuple[str, ...], limit: int) -> str:
    """An absolute http(s) URL on one of the site's allowed origins."""
    value = text(field, value, limit)
    try:
        url_origin = origin(value)
    except ValueError as exc:
        raise invalid(field, str(exc)) from None
    if url_origin not in origins:
        raise invalid(field, "must be a page on one of the site's allowed origins")
    return value


def is_site_name(value: str) -> bool:
    """Whether `value` could name a site: 1 to 64 of a-z, 0-9, dash and underscore."""
    return _SITE_NAME.fullmatch(value) is not None


def site_name(value: str) -> str:
    """Site names: 1 to 64 of a-z, 0-9, dash and underscore."""
    if not is_site_name(value):
        raise Invalid(
            "site names are 1 to 64 lower-case letters, digits, dashes or underscores",
            fields={"site": "1 to 64 of a-z, 0-9, - and _"},
        )
    return value


def text_problem(value: str) -> str | None:
    """Why `value` is no text to store (NUL, another control, a lone surrogate), or None."""
    found = _CONTROL.search(value)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        return "is not valid text"
    return "contains control characters"


def identifier_problem(value: str) -> str | None:
    """Why `value` is no key, id, name or URL (also tabs, line breaks, bidi, zero-width)."""
    problem = text_problem(value)
    if problem is not None:
        return problem
    if _LINE_BREAKS.search(value):
        return "contains a tab or a line break"
    if _INVISIBLE.search(value):
        return "contains invisible or direction-changing characters"
    return None
