"""The language a request wants its reason messages in (`Accept-Language`).

Handlers read it here and hand it to the presenters by argument; every answer whose
body depends on it says so with `Vary: Accept-Language`.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders

from comments.messages import negotiate
from comments.models import Language

VARY_LANGUAGE = "Accept-Language"


def language_of(headers: Headers) -> Language:
    """The request's language among ours, English when it names none of them."""
    return negotiate(headers.get("accept-language"))


def requested_language(headers: Headers) -> Language | None:
    """The request's language when it sends `Accept-Language`; None when it names none,
    so a request without the header never overwrites what an account remembers."""
    header = headers.get("accept-language")
    if header is None or not header.strip():
        return None
    return negotiate(header)


def varies_by_language(headers: MutableHeaders) -> None:
    """Mark an answer whose body is in the request's language."""
    headers.add_vary_header(VARY_LANGUAGE)
