"""The widget's files: packed (brotli, gzip) from memory, at versioned URLs kept for a year.

Publishers embed `/widget/comments.js` and `/widget/count.js`, so those URLs must stay
short-lived; everything they import is asked for at `/widget/v/<version>/<path>`, where
the version is a hash of the widget's sources and of how they are served, so a new
release is a new URL and the old one may be cached as immutable. The two loaders learn
the version, and the bundle's map, by placeholders the app fills in when it starts; a
loader opened from disk (placeholders left as they are) imports the unversioned modules,
which keep working for older embeds.

What goes out under the versioned folder is the bundle (`widget_bundle.py`: minified,
split, built by esbuild) when it was built from these very sources, and the modules as
they are otherwise; the app logs which, once, at start. Files the bundle does not have
(the dashboard's imports from core/) are the modules in both cases.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass
from mimetypes import guess_type
from pathlib import Path
from typing import Any

import brotli
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from comments.http.answers import etag_matches, ranked_codings
from comments.http.widget_bundle import (
    BUNDLE_PLACEHOLDER,
    LOADERS,
    VERSION_PLACEHOLDER,
    Bundle,
    files_hash,
    is_source,
    load_bundle,
    sources_hash,
)

log = logging.getLogger(__name__)

SHORT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"
# Part of the version: the same sources served another way are another URL.
SERVED_AS_MODULES = b"modules-2"
SERVED_AS_BUNDLE = b"bundle-2"
LANGUAGE_FILES = "i18n/"  # a loader naming it asks for `"i18n/" + code + ".js"`, by its guess
# The widget's files are a few kilobytes each: this bounds the memory at a few megabytes.
MAX_CACHED_FILES = 64
MAX_COMPRESSED_SIZE = 256 << 10
# Brotli at its best only up to this size (larger files are packed on the event loop).
BEST_BROTLI_SIZE = 64 << 10


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


def served_version(sources: str, bundle: Bundle | None) -> str:
    """The versioned folder's name: the sources, and the bundle built from them if served."""
    digest = hashlib.sha256((SERVED_AS_BUNDLE if bundle else SERVED_AS_MODULES) + b"\0")
    digest.update(sources.encode() + b"\0")
    if bundle:
        digest.update(bundle.manifest)
    return digest.hexdigest()[:12]


def filled_loader(content: bytes, version: str, bundle: Bundle | None) -> bytes:
    """A loader with its version and the bundle's map (null for the modules) written in:
    only the modules the loader names, and the language files it picks one of (a reader's
    first download; the widget finds the rest through its own imports)."""
    named = {
        module: chunks
        for module, chunks in (bundle.modules.items() if bundle else ())
        if f'"{module}"'.encode() in content
        or (module.startswith(LANGUAGE_FILES) and f'"{LANGUAGE_FILES}"'.encode() in content)
    }
    # JSON is a JavaScript expression: written in as an object (null for the modules), not
    # as a string for the loader to parse (its escaped quotes cost the first screen bytes).
    table = json.dumps(named, separators=(",", ":"), sort_keys=True) if bundle else "null"
    return content.replace(VERSION_PLACEHOLDER, version.encode()).replace(
        BUNDLE_PLACEHOLDER, table.encode()
    )


def plain_body(content: bytes) -> Body:
    return Body(content, f'"{hashlib.sha256(content).hexdigest()[:20]}"')


def pack(content: bytes, coding: str) -> bytes:
    """`content` in `coding`, as the service packs it when the build did not."""
    if coding == "gzip":
        # mtime=0: every worker makes the same bytes, so their ETags agree.
        return gzip.compress(content, compresslevel=9, mtime=0)
    # Brotli's best takes about 1 ms a kilobyte: fine once for a widget file, not for a
    # large one on the event loop.
    packed: bytes = brotli.compress(content, quality=11 if len(content) <= BEST_BROTLI_SIZE else 5)
    return packed


class Bodies:
    """A file's representations: as it is, and in each coding the browser asks for
    (the build's own form when it made one, checked; else packed here), each kept only
    when smaller than the file, with its own entity tag."""

    def __init__(self, plain: Body, built: dict[str, bytes] | None = None) -> None:
        self.plain = plain
        self._built = built or {}
        self._packed: dict[str, Body | None] = {}

    def packed(self, coding: str) -> Body | None:
        if coding not in self._packed:
            content = self._built.get(coding) or pack(self.plain.content, coding)
            smaller = len(content) < len(self.plain.content)
            body = Body(content, f'{self.plain.etag[:-1]}-{coding}"') if smaller else None
            self._packed[coding] = body
        return self._packed[coding]


def folder_hash(directory: Path) -> str:
    """The version of a folder's files (every one, in path order)."""
    found = (p for p in directory.rglob("*") if p.is_file() and not p.is_symlink())
    return files_hash(directory, sorted(p.relative_to(directory).as_posix() for p in found))[:12]


class PackedFiles(PublicFiles):
    """Public files sent packed from memory (brotli, gzip) with their own ETags, at
    `<path>` (short-lived) and at `v/<version>/<path>`, cached for good. The version is a
    hash of the folder's files, read at start (or `version`), so a release is a new URL;
    another version's path is a 404, never another release's file under a kept URL."""

    def __init__(self, *, directory: Path, version: str | None = None, **kwargs: Any) -> None:
        super().__init__(directory=directory, **kwargs)
        self.version = version or folder_hash(directory)
        self._bodies: OrderedDict[tuple[str, int, int], Bodies | None] = OrderedDict()

    def cache_control(self, path: str) -> str:
        return IMMUTABLE if path.startswith("v" + os.sep) else SHORT

    def unversioned(self, path: str) -> str:
        """`path` without its `v/<version>/` (404 for another version, or none at all)."""
        head, _, rest = path.partition(os.sep)
        if head != "v":
            return path
        version, _, rest = rest.partition(os.sep)
        if version != self.version or not rest:
            raise HTTPException(404)
        return rest

    async def find(self, path: str, scope: Scope) -> Response:
        return await super().find(self.unversioned(path), scope)

    def respond(self, scope: Scope, bodies: Bodies, media_type: str | None) -> Response:
        """The body in the coding the browser takes best of those smaller than the file,
        else the file as it is; 304 when it has it."""
        request = Headers(scope=scope)
        body, coding = bodies.plain, None
        for wanted in ranked_codings(request.get("accept-encoding", "")):
            packed = bodies.packed(wanted)
            if packed is not None:
                body, coding = packed, wanted
                break
        if etag_matches(request.get("if-none-match", ""), body.etag):
            response = Response(status_code=304, headers={"ETag": body.etag})
        else:
            response = Response(
                body.content, media_type=media_type or "text/plain", headers={"ETag": body.etag}
            )
            if coding:
                response.headers["Content-Encoding"] = coding
        response.headers["Vary"] = "Accept-Encoding"
        return response

    def file_response(
        self,
        full_path: Any,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        bodies = self.bodies(str(full_path), stat_result)
        if bodies is None:
            response = super().file_response(full_path, stat_result, scope, status_code)
            response.headers["Vary"] = "Accept-Encoding"
            return response
        return self.respond(scope, bodies, guess_type(str(full_path))[0])

    def bodies(self, full_path: str, stat_result: os.stat_result) -> Bodies | None:
        """The file and its packed bodies (None: too large, served from disk), read on first
        use and kept (least recently used goes)."""
        key = (full_path, stat_result.st_mtime_ns, stat_result.st_size)
        if key in self._bodies:
            self._bodies.move_to_end(key)
            return self._bodies[key]
        if stat_result.st_size > MAX_COMPRESSED_SIZE:
            return None
        with open(full_path, "rb") as file:
            plain = plain_body(file.read())
        found = Bodies(plain)
        self._bodies[key] = found
        while len(self._bodies) > MAX_CACHED_FILES:
            self._bodies.popitem(last=False)
        return found


class WidgetFiles(PackedFiles):
    """The widget folder, at `/widget/<path>` (short-lived) and `/widget/v/<version>/<path>`:
    the version is a hash of the sources and of how they are served (the bundle or not).

    `bundle=False` serves the modules even when a matching bundle is built (to compare).
    """

    def __init__(self, *, directory: Path, bundle: bool = True, **kwargs: Any) -> None:
        sources = sources_hash(directory)
        found, why = load_bundle(directory, sources) if bundle else (None, "switched off")
        version = served_version(sources, found)
        super().__init__(directory=directory, version=version, **kwargs)
        self.bundle = found
        if found:
            log.info("widget: serving the bundle, version %s", self.version)
        else:
            log.info(
                "widget: serving the modules as they are, version %s (bundle: %s)",
                self.version,
                why,
            )
        self._embeds: dict[str, Bodies] = {}
        for name in LOADERS:
            file = directory / name
            if file.is_file():
                content = found.files[name] if found else file.read_bytes()
                plain = plain_body(filled_loader(content, self.version, found))
                self._embeds[os.path.realpath(file)] = Bodies(plain)
        self._bundled: dict[str, Bodies] = {}
        packed = found.packed if found else {}
        for name, content in (found.files if found else {}).items():
            if name not in LOADERS:
                built = {coding: forms[name] for coding, forms in packed.items() if name in forms}
                self._bundled[name] = Bodies(plain_body(content), built)

    async def find(self, path: str, scope: Scope) -> Response:
        rest = self.unversioned(path)
        if rest != path:
            bundled = self._bundled.get(rest.replace(os.sep, "/"))
            if bundled:
                if scope["method"] not in ("GET", "HEAD"):
                    raise HTTPException(405, headers={"Allow": "GET, HEAD"})
                return self.respond(scope, bundled, guess_type(rest)[0])
        if not is_source(rest.partition(os.sep)[0]):
            raise HTTPException(404)  # the build's folders: the bundle is under v/ alone
        return await PublicFiles.find(self, rest, scope)

    def bodies(self, full_path: str, stat_result: os.stat_result) -> Bodies | None:
        return self._embeds.get(full_path) or super().bodies(full_path, stat_result)
