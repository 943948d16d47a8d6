"""The widget's files: minified and gzip'd from memory, and versioned URLs a browser may
keep for a year.

Publishers embed `/widget/comments.js` and `/widget/count.js`, so those URLs must stay
short-lived; everything they import is asked for at `/widget/v/<version>/<path>`, where
the version is a hash of the widget's files, so a new release is a new URL and the old
one may be cached as immutable. The two embed scripts learn the version by a placeholder
the app fills in when it starts: no build step, and a script opened from disk (placeholder
left as is) imports the unversioned paths, which keep working for older embeds.

Every `.js` file goes out without its comments and layout (`minify.py`), gzip'd when the
browser takes gzip: the sources stay written to be read, and readers download the code.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from mimetypes import guess_type
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from comments.http.minify import minify_js

SHORT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"
PLACEHOLDER = b"__WIDGET_VERSION__"
EMBEDS = ("comments.js", "count.js")
# Part of the version: a change to how files are served is a new URL too.
SERVED_FORM = b"minified-1"
# The widget's files are a few kilobytes each: this bounds the memory at a few megabytes.
MAX_CACHED_FILES = 64
MAX_COMPRESSED_SIZE = 256 << 10


class PublicFiles(StaticFiles):
    """Static files any page may load (the widget), cached briefly.

    The widget imports its ES modules (core/, i18n/) from the publisher's page, and a
    module from another origin needs CORS: the asking origin is named (public files, no
    credentials, so any origin may read them), never `*`, with `Vary: Origin`.
    """

    def cache_control(self, path: str) -> str:
        """How long a browser may keep the file at `path`."""
        return SHORT

    async def find(self, path: str, scope: Scope) -> Response:
        """The file's answer; raises HTTPException like StaticFiles."""
        return await super().get_response(path, scope)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await self.find(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            response = JSONResponse(
                {"error": {"code": "not_found", "message": "There is no such file."}}, 404
            )
        else:
            response.headers["Cache-Control"] = self.cache_control(path)
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        origin = Headers(scope=scope).get("origin")
        response.headers.append("Vary", "Origin")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
        return response


@dataclass(frozen=True)
class Body:
    """One representation of a file, held in memory, with its own entity tag."""

    content: bytes
    etag: str


def widget_version(directory: Path) -> str:
    """A short hash of every file's name and bytes: changes whenever the widget does."""
    digest = hashlib.sha256(SERVED_FORM + b"\0")
    for file in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(file.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether `Accept-Encoding` allows gzip (named, or by `*`, with a q above zero)."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def etag_matches(if_none_match: str, etag: str) -> bool:
    """The weak comparison `If-None-Match` calls for."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def plain_body(content: bytes) -> Body:
    return Body(content, f'"{hashlib.sha256(content).hexdigest()[:20]}"')


def served_bytes(name: str, content: bytes) -> bytes:
    """What goes out for a file: JavaScript minified, anything else as it is."""
    if not name.endswith(".js"):
        return content
    return minify_js(content.decode("utf-8")).encode("utf-8")


def gzip_body(plain: Body) -> Body | None:
    """The gzip representation (its own ETag), or None when it would not be smaller."""
    # mtime=0: every worker makes the same bytes, so their ETags agree.
    content = gzip.compress(plain.content, compresslevel=9, mtime=0)
    if len(content) >= len(plain.content):
        return None
    return Body(content, plain.etag[:-1] + '-gzip"')


class WidgetFiles(PublicFiles):
    """The widget folder, at `/widget/<path>` (short-lived) and `/widget/v/<version>/<path>`."""

    def __init__(self, *, directory: Path, **kwargs: Any) -> None:
        super().__init__(directory=directory, **kwargs)
        self.version = widget_version(directory)
        self._embeds: dict[str, tuple[Body, Body | None]] = {}
        for name in EMBEDS:
            file = directory / name
            if file.is_file():
                content = file.read_bytes().replace(PLACEHOLDER, self.version.encode())
                plain = plain_body(served_bytes(name, content))
                self._embeds[os.path.realpath(file)] = (plain, gzip_body(plain))
        self._bodies: OrderedDict[tuple[str, int, int], tuple[Body | None, Body | None]] = (
            OrderedDict()
        )

    def cache_control(self, path: str) -> str:
        return IMMUTABLE if path.startswith("v" + os.sep) else SHORT

    async def find(self, path: str, scope: Scope) -> Response:
        head, _, rest = path.partition(os.sep)
        if head == "v":
            version, _, rest = rest.partition(os.sep)
            if version != self.version or not rest:
                raise HTTPException(404)
            path = rest
        return await super().find(path, scope)

    def file_response(
        self,
        full_path: Any,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request = Headers(scope=scope)
        wants_gzip = accepts_gzip(request.get("accept-encoding", ""))
        plain, packed = self._embeds.get(str(full_path)) or self.bodies(str(full_path), stat_result)
        body, encoded = (packed, True) if wants_gzip and packed else (plain, False)
        if body is None:
            response = super().file_response(full_path, stat_result, scope, status_code)
        elif etag_matches(request.get("if-none-match", ""), body.etag):
            response = Response(status_code=304, headers={"ETag": body.etag})
        else:
            media_type = guess_type(str(full_path))[0] or "text/plain"
            response = Response(body.content, media_type=media_type, headers={"ETag": body.etag})
            if encoded:
                response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        return response

    def bodies(
        self, full_path: str, stat_result: os.stat_result
    ) -> tuple[Body | None, Body | None]:
        """The file as served and its gzip body (None: the file as it is on disk), made on
        first use and kept (least recently used goes)."""
        key = (full_path, stat_result.st_mtime_ns, stat_result.st_size)
        if key in self._bodies:
            self._bodies.move_to_end(key)
            return self._bodies[key]
        if stat_result.st_size > MAX_COMPRESSED_SIZE:
            return None, None
        with open(full_path, "rb") as file:
            content = file.read()
        served = served_bytes(full_path, content)
        plain = plain_body(served)
        found = (plain if served != content else None, gzip_body(plain))
        self._bodies[key] = found
        while len(self._bodies) > MAX_CACHED_FILES:
            self._bodies.popitem(last=False)
        return found
