"""Sending cached reads: ETag and 304, gzip when the client takes it, and the cache headers.

Anonymous answers are the same bytes for everyone: shared caches may store them but must
ask again every time (`no-cache`; the ETag makes asking cheap), unless the site allows a
CDN a few seconds (`s-maxage`), which is then how much later its readers may see a write.
A logged-in reader's answer is theirs alone: browsers may keep it but must revalidate,
and it is in the reader's language (the reasons of their held comments), so it varies by it.
"""

from __future__ import annotations

import gzip

from starlette.datastructures import Headers
from starlette.responses import Response

from comments.service import Answer

VARY = "Authorization, Accept-Encoding"
READER_VARY = VARY + ", Accept-Language"
COMPRESS_FROM = 1400  # bytes: below one packet, compressing a reader's answer saves nothing


# The content codings the service sends, in its order of preference where a client
# weighs them alike (brotli is smaller; the cached reads come in gzip alone).
CODINGS = ("br", "gzip")


def ranked_codings(accept_encoding: str) -> list[str]:
    """The codings of CODINGS an `Accept-Encoding` value takes (named, or by `*`, with a q
    above zero; an unreadable q is zero), the one it weighs highest first, in CODINGS'
    order where it weighs them alike."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    star = weights.get("*", 0.0)
    weight = {
        "br": weights.get("br", star),
        "gzip": weights.get("gzip", weights.get("x-gzip", star)),
    }
    taken = [coding for coding in CODINGS if weight[coding] > 0]
    return sorted(taken, key=lambda coding: -weight[coding])


def takes_gzip(accept_encoding: str) -> bool:
    """Whether an `Accept-Encoding` value takes gzip (not refused with `gzip;q=0`)."""
    return "gzip" in ranked_codings(accept_encoding)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an `If-None-Match` value names this ETag (or `*`)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def cache_control(answer: Answer) -> str:
    """Revalidate every time, except for the seconds a site allows a CDN."""
    if answer.private:
        return "private, no-cache"
    if answer.cdn_seconds:
        return f"public, max-age=0, s-maxage={answer.cdn_seconds}"
    return "public, no-cache"


def vary(answer: Answer) -> str:
    """What the answer's body depends on besides its URL."""
    return READER_VARY if answer.private else VARY


def answer_headers(answer: Answer) -> dict[str, str]:
    """The headers every form of this answer carries."""
    return {"ETag": answer.etag, "Cache-Control": cache_control(answer), "Vary": vary(answer)}


def send(headers: Headers, answer: Answer, media_type: str = "application/json") -> Response:
    """The response for this request: 304, gzip'd bytes or plain bytes."""
    fields = answer_headers(answer)
    given = headers.get("if-none-match")
    if given and etag_matches(given, answer.etag):
        return Response(status_code=304, headers=fields)
    body = answer.plain
    if takes_gzip(headers.get("accept-encoding", "")):
        if answer.gz is not None:
            body = answer.gz
            fields["Content-Encoding"] = "gzip"
        elif len(body) >= COMPRESS_FROM:
            body = gzip.compress(body, 1, mtime=0)
            fields["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=fields)
