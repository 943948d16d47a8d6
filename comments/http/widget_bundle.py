"""The widget's bundle (`widget/dist/`, made by `node widget/build.mjs`), taken only when it
was built from the sources as they are now.

The bundle is an optimisation the service can do without: a machine without node, a
checkout nobody built, or sources edited since the build all get the modules as they are.
A stale bundle would be worse than none (a fix in the sources that readers never get), so
the manifest's hash of the sources must equal the hash of the sources on disk, computed
here the way build.mjs computes it, and every file the manifest names must be there. The
files are read into memory at start: a build running later (it swaps the folder) never
mixes two bundles under one version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import brotli

DIST = "dist"
MANIFEST = "manifest.json"
# Placeholders in the loaders, filled as they are served (both modes).
VERSION_PLACEHOLDER = b"__WIDGET_VERSION__"
BUNDLE_PLACEHOLDER = b'"__WIDGET_BUNDLE__"'
LOADERS = ("comments.js", "count.js")
# What the loaders import (build.mjs: ENTRIES).
ENTRIES = ("app/main.js", "app/count.js", "core/i18n.js")
# The sources are every file of the widget's folder but these (build.mjs: NOT_SOURCES).
NOT_SOURCES = (DIST, "node_modules")
BUILD_FOLDER_PREFIX = ".dist-"
# A manifest or a bundle file larger than this is not ours.
MAX_FILE_SIZE = 1 << 20

log = logging.getLogger(__name__)


def is_source(top: str) -> bool:
    """Whether a name at the top of the widget's folder holds sources (not the build's)."""
    return top not in NOT_SOURCES and not top.startswith(BUILD_FOLDER_PREFIX)


def source_files(directory: Path) -> list[str]:
    """The sources' paths, relative and with `/`, sorted as build.mjs sorts them."""
    found = [
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and is_source(path.relative_to(directory).parts[0])
    ]
    return sorted(found)


def files_hash(directory: Path, paths: list[str]) -> str:
    """SHA-256 of the files at `paths` (relative, with `/`) as `path \\0 bytes \\0`, in turn."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode() + b"\0")
        digest.update((directory / path).read_bytes() + b"\0")
    return digest.hexdigest()


def sources_hash(directory: Path) -> str:
    """The hash of every source file, in path order (as build.mjs computes it)."""
    return files_hash(directory, source_files(directory))


@dataclass(frozen=True)
class Bundle:
    """A built bundle that matches the sources: its files in memory, the loaders' map."""

    manifest: bytes
    # Each module the loaders may name → its file and the chunks it imports, followed through.
    modules: dict[str, list[str]]
    # Every file (posix path under dist/) → its bytes; the loaders unfilled.
    files: dict[str, bytes]
    # A content coding ("gzip", "br") → file → its form as the build packed it (zopfli's
    # gzip is smaller than gzip -9; brotli at its best is the service's own at start), for
    # the files whose form unpacks to exactly their bytes; the others the service packs.
    packed: dict[str, dict[str, bytes]] = field(default_factory=dict)


def safe_path(name: object) -> str | None:
    """`name` when it is a plain relative path inside dist/, else None."""
    if not isinstance(name, str) or not name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return path.as_posix()


def load_bundle(directory: Path, sources: str) -> tuple[Bundle | None, str]:
    """The bundle in `directory/dist` if it was built from `sources`, and why (or why not)."""
    dist = directory / DIST
    manifest_file = dist / MANIFEST
    if not manifest_file.is_file():
        return None, "no bundle built (node widget/build.mjs)"
    try:
        raw = manifest_file.read_bytes()[:MAX_FILE_SIZE]
        manifest = json.loads(raw)
    except (OSError, ValueError):
        return None, "the bundle's manifest cannot be read"
    if not isinstance(manifest, dict) or manifest.get("sources") != sources:
        return None, "the bundle is stale: the sources changed since it was built"
    modules = manifest.get("modules")
    names = manifest.get("files")
    if not isinstance(modules, dict) or not isinstance(names, list):
        return None, "the bundle's manifest lacks its modules or files"
    files: dict[str, bytes] = {}
    for name in names:
        path = safe_path(name)
        file = dist / path if path else None
        if path is None or file is None or not file.is_file():
            return None, f"the bundle is incomplete: {name!r} is missing"
        files[path] = file.read_bytes()[:MAX_FILE_SIZE]
    table: dict[str, list[str]] = {}
    for module, chunks in modules.items():
        if not isinstance(chunks, list) or not chunks or any(c not in files for c in chunks):
            return None, f"the bundle's manifest names unknown files for {module!r}"
        table[str(module)] = [str(c) for c in chunks]
    for entry in ENTRIES:
        if entry not in table:
            return None, f"the bundle lacks its entry {entry}"
    for loader in LOADERS:
        content = files.get(loader, b"")
        if VERSION_PLACEHOLDER not in content or BUNDLE_PLACEHOLDER not in content:
            return None, f"the bundle's {loader} lost its placeholders"
    packed = {
        coding: packed_files(dist, files, manifest.get(listed), suffix, unpack)
        for coding, (listed, suffix, unpack) in PACKED.items()
    }
    return Bundle(raw, table, files, packed), "the bundle"


def gunzipped(content: bytes) -> bytes | None:
    """What gzip data `content` holds (at most MAX_FILE_SIZE and a byte), or None if it
    is not whole gzip data."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(content, MAX_FILE_SIZE + 1)
    except zlib.error:
        return None
    return out if inflater.eof and not inflater.unused_data else None


def unbrotlied(content: bytes) -> bytes | None:
    """What brotli data `content` holds (at most MAX_FILE_SIZE and a byte), or None if it
    is not whole brotli data (cut short, or more than the bound)."""
    decoder = brotli.Decompressor()
    try:
        out: bytes = decoder.process(content, output_buffer_limit=MAX_FILE_SIZE + 1)
    except brotli.error:
        return None
    return out if decoder.is_finished() and len(out) <= MAX_FILE_SIZE else None


# The build's packed forms of a file sit beside it (build.mjs: packAll); by content coding:
# the manifest's list of the files packed, the suffix of the form, how to unpack it.
PACKED: dict[str, tuple[str, str, Callable[[bytes], bytes | None]]] = {
    "gzip": ("gzip", ".gz", gunzipped),
    "br": ("brotli", ".br", unbrotlied),
}


def packed_files(
    dist: Path,
    files: dict[str, bytes],
    names: object,
    suffix: str,
    unpack: Callable[[bytes], bytes | None],
) -> dict[str, bytes]:
    """The build's packed forms (`<file><suffix>`) of `files` that the manifest lists and
    that unpack to their file exactly: one that doesn't (edited, cut short) is left out,
    and the service packs that file itself, so a reader never gets bytes other than the
    file's."""
    packed: dict[str, bytes] = {}
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, str) or name not in files or name in LOADERS:
            continue
        try:
            content = (dist / (name + suffix)).read_bytes()[:MAX_FILE_SIZE]
        except OSError:
            content = b""
        if unpack(content) == files[name]:
            packed[name] = content
        else:
            log.warning("widget: %s%s does not unpack to %s; packing it here", name, suffix, name)
    return packed
