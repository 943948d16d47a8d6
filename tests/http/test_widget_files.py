"""The widget's files over HTTP: packed (brotli, gzip) from memory, versioned immutable URLs,
short embeds; the bundle when it was built from the sources as they are, the modules
otherwise."""

from __future__ import annotations

import gzip
import json
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest
from starlette.testclient import TestClient

from comments.app import widget_dir
from comments.http.answers import ranked_codings
from comments.http.widget_bundle import source_files
from comments.http.widget_files import WidgetFiles
from tests.harness import Harness

GZIP = {"Accept-Encoding": "gzip"}
BROTLI = {"Accept-Encoding": "br"}
# What Chromium sends, on https and on a loopback http page alike.
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
PLAIN = {"Accept-Encoding": "identity"}
# A module the bundle does not replace (the dashboard imports it): served as it is.
MODULE = "core/time.js"
NODE = shutil.which("node")
ESBUILD = widget_dir() / "node_modules" / "esbuild"
needs_esbuild = pytest.mark.skipif(
    NODE is None or not ESBUILD.is_dir(), reason="node or the widget's esbuild is not installed"
)


@pytest.fixture(scope="module")
def version() -> str:
    return WidgetFiles(directory=widget_dir()).version


def test_gzip_when_asked_for_and_plain_otherwise(quick: Harness, version: str) -> None:
    raw = (widget_dir() / MODULE).read_bytes()
    for url in (f"/widget/{MODULE}", f"/widget/v/{version}/{MODULE}"):
        packed = quick.client.get(url, headers=GZIP)
        assert packed.status_code == 200
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
        assert "origin" in packed.headers["vary"].lower()
        assert "javascript" in packed.headers["content-type"]
        assert packed.content == raw  # httpx undoes the gzip: the module as it is written
        assert int(packed.headers["content-length"]) < len(raw)
        plain = quick.client.get(url, headers=PLAIN)
        assert plain.status_code == 200
        assert "content-encoding" not in plain.headers
        assert "accept-encoding" in plain.headers["vary"].lower()
        assert plain.content == raw
        assert plain.headers["etag"] != packed.headers["etag"]


def test_gzip_answers_revalidate_with_their_own_etag(quick: Harness) -> None:
    url = f"/widget/{MODULE}"
    packed = quick.client.get(url, headers=GZIP)
    plain = quick.client.get(url, headers=PLAIN)
    again = quick.client.get(url, headers={**GZIP, "If-None-Match": packed.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == packed.headers["etag"]
    assert again.headers["cache-control"] == "public, max-age=300"
    # The plain file's tag does not validate the gzip body, nor the other way round.
    stale = quick.client.get(url, headers={**GZIP, "If-None-Match": plain.headers["etag"]})
    assert stale.status_code == 200 and stale.headers["content-encoding"] == "gzip"
    unchanged = quick.client.get(url, headers={**PLAIN, "If-None-Match": plain.headers["etag"]})
    assert unchanged.status_code == 304


def test_versioned_paths_are_immutable(quick: Harness, version: str) -> None:
    for path in (MODULE, "app/main.js", "i18n/ru.js"):
        r = quick.client.get(f"/widget/v/{version}/{path}", headers={"Origin": "https://a.example"})
        assert r.status_code == 200
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.headers["access-control-allow-origin"] == "https://a.example"
        assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    # Older embeds import the unversioned paths: they still work, briefly cached.
    old = quick.client.get("/widget/i18n/ru.js")
    assert old.status_code == 200 and old.headers["cache-control"] == "public, max-age=300"


def test_embed_urls_are_short_lived_and_import_the_current_version(
    quick: Harness, version: str
) -> None:
    for name in ("comments.js", "count.js"):
        for headers in (GZIP, PLAIN):
            r = quick.client.get(f"/widget/{name}", headers=headers)
            assert r.status_code == 200
            assert r.headers["cache-control"] == "public, max-age=300"
            assert f'"{version}"' in r.text
            assert "__WIDGET_VERSION__" not in r.text and "__WIDGET_BUNDLE__" not in r.text
        packed = quick.client.get(f"/widget/{name}", headers=GZIP)
        assert packed.headers["content-encoding"] == "gzip"
        again = quick.client.get(
            f"/widget/{name}", headers={**GZIP, "If-None-Match": packed.headers["etag"]}
        )
        assert again.status_code == 304
    # The file on disk keeps the placeholders: opened from disk it imports unversioned paths.
    loader = (widget_dir() / "comments.js").read_bytes()
    assert b'"__WIDGET_VERSION__"' in loader and b'"__WIDGET_BUNDLE__"' in loader


def test_a_wrong_version_is_a_json_404(quick: Harness, version: str) -> None:
    for url in (
        f"/widget/v/0{version}/{MODULE}",
        "/widget/v/deadbeef/comments.js",
        f"/widget/v/{version}",
        f"/widget/v/{version}/nope.js",
    ):
        r = quick.client.get(url, headers=GZIP)
        assert r.status_code == 404, url
        assert r.json()["error"]["code"] == "not_found"
        assert r.headers.get("cache-control") != "public, max-age=31536000, immutable"


def test_the_build_and_its_tools_are_not_served_as_files(quick: Harness, version: str) -> None:
    for url in (
        "/widget/dist/manifest.json",
        "/widget/dist/app/main.js",
        f"/widget/v/{version}/dist/app/main.js",
        "/widget/node_modules/esbuild/package.json",
        f"/widget/v/{version}/node_modules/esbuild/package.json",
    ):
        r = quick.client.get(url)
        assert r.status_code == 404, url
        assert r.json()["error"]["code"] == "not_found"


def test_accept_encoding_weights() -> None:
    assert ranked_codings("gzip, deflate, br") == ["br", "gzip"]
    assert ranked_codings("br;q=1.0, gzip;q=0.5") == ["br", "gzip"]
    assert ranked_codings("br;q=0.5, gzip") == ["gzip", "br"]
    assert ranked_codings("*") == ["br", "gzip"]
    assert ranked_codings("x-gzip") == ["gzip"]
    assert ranked_codings("") == []
    assert ranked_codings("identity") == []
    assert ranked_codings("gzip;q=0") == []
    assert ranked_codings("*, gzip;q=0") == ["br"]
    assert ranked_codings("gzip;q=oops, BR") == ["br"]
    assert ranked_codings("zstd, deflate") == []


def test_brotli_for_browsers_that_take_it_gzip_for_the_others(quick: Harness, version: str) -> None:
    """Every current browser takes brotli: about a tenth fewer bytes than gzip, for the
    loader, the bundle and the modules alike; each coding revalidates with its own tag."""
    paths = ["/widget/comments.js", f"/widget/{MODULE}", f"/widget/v/{version}/{MODULE}"]
    paths.append(f"/widget/v/{version}/app/main.js")
    for url in paths:
        raw = quick.client.get(url, headers=PLAIN)
        best = quick.client.get(url, headers=BROWSER)
        assert best.status_code == 200, url
        assert best.headers["content-encoding"] == "br", url
        assert "accept-encoding" in best.headers["vary"].lower()
        assert best.content == raw.content  # httpx undoes the brotli: the file as it is
        packed = quick.client.get(url, headers=GZIP)
        assert packed.headers["content-encoding"] == "gzip"
        assert int(best.headers["content-length"]) < int(packed.headers["content-length"])
        assert len({raw.headers["etag"], best.headers["etag"], packed.headers["etag"]}) == 3
        again = quick.client.get(url, headers={**BROWSER, "If-None-Match": best.headers["etag"]})
        assert again.status_code == 304, url
        # A browser that weighs gzip above brotli gets gzip; the gzip tag is no brotli tag.
        weighed = {"Accept-Encoding": "br;q=0.5, gzip", "If-None-Match": best.headers["etag"]}
        other = quick.client.get(url, headers=weighed)
        assert other.status_code == 200 and other.headers["content-encoding"] == "gzip"


def test_gzip_bodies_are_valid_gzip(quick: Harness) -> None:
    with quick.client.stream("GET", f"/widget/{MODULE}", headers=GZIP) as r:
        raw = b"".join(r.iter_raw())
    assert gzip.decompress(raw) == (widget_dir() / MODULE).read_bytes()


# The bundle, built in a copy of the widget (other sessions may be building the real one).


def build(folder: Path) -> None:
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(folder / "build.mjs"), "--quiet"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A copy of the widget's sources, with its bundle built."""
    folder = tmp_path / "widget"
    for path in source_files(widget_dir()):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(widget_dir() / path, folder / path)
    (folder / "node_modules").symlink_to(widget_dir() / "node_modules")
    build(folder)
    return folder


def map_in_loader(text: str) -> dict[str, list[str]]:
    """The bundle's map as a served loader carries it (an object, written as JSON), or {}."""
    found = re.search(r'\{"(?:app|core|i18n)/', text)
    return dict(json.JSONDecoder().raw_decode(text, found.start())[0]) if found else {}


def loader_map(client: TestClient, name: str = "comments.js") -> dict[str, list[str]]:
    return map_in_loader(client.get(f"/{name}").text)


@needs_esbuild
def test_a_bundle_built_from_these_sources_is_what_the_versioned_folder_serves(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="comments.http.widget_files")
    files = WidgetFiles(directory=built)
    manifest = json.loads((built / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert files.bundle is not None
    assert "serving the bundle" in caplog.text
    client = TestClient(files)
    # The loaders ask for the bundle's files: each entry, then the chunks it imports. Each
    # carries only the modules it names and the language files (a reader downloads it first).
    table = loader_map(client)
    languages = {m for m in manifest["modules"] if m.startswith("i18n/")}
    named = {"app/main.js", "core/i18n.js", "app/composer.js", "app/reader.js", "app/sso.js"}
    assert table == {m: manifest["modules"][m] for m in named | languages}
    assert table["app/main.js"] == ["app/main.js"]  # the first screen's code is one file
    assert table["app/composer.js"][0] == "app/composer.js" and len(table["app/composer.js"]) > 1
    counts = loader_map(client, "count.js")
    assert set(counts) == {"app/count.js"}
    assert counts["app/count.js"][0] == "app/count.js"
    for path in [*table["app/main.js"], *table["app/composer.js"], *table["i18n/ru.js"]]:
        r = client.get(f"/v/{files.version}/{path}", headers=GZIP)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.content == (built / "dist" / path).read_bytes()
    # Minified: the modules' comments stay in the sources.
    packed = client.get(f"/v/{files.version}/app/main.js", headers=GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    bundled = packed.text
    listed = re.search(r"const FIRST_SCREEN = \[([^\]]*)\]", (built / "comments.js").read_text())
    assert listed is not None
    first = re.findall(r'"([^"]+)"', listed.group(1))  # the modules app/main.js holds
    assert "/*" not in bundled
    assert len(bundled) < sum((built / module).stat().st_size for module in first) / 2
    # What the bundle does not replace is the module (the dashboard imports these).
    dom = client.get(f"/v/{files.version}/core/dom.js")
    assert dom.status_code == 200 and dom.content == (built / "core" / "dom.js").read_bytes()
    # The unversioned paths are the modules, for embeds older than the bundle.
    assert client.get("/app/main.js").content == (built / "app" / "main.js").read_bytes()


@needs_esbuild
def test_a_bundle_older_than_the_sources_is_never_served(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bundled_version = WidgetFiles(directory=built).version
    with (built / "app" / "render.js").open("a", encoding="utf-8") as file:
        file.write("\n// a fix made after the build\n")
    caplog.set_level(logging.INFO, logger="comments.http.widget_files")
    files = WidgetFiles(directory=built)
    assert files.bundle is None
    assert "serving the modules" in caplog.text and "stale" in caplog.text
    assert files.version != bundled_version
    client = TestClient(files)
    assert loader_map(client) == {}
    main = client.get(f"/v/{files.version}/app/main.js")
    assert main.content == (built / "app" / "main.js").read_bytes()
    render = client.get(f"/v/{files.version}/app/render.js")
    assert render.text.endswith("// a fix made after the build\n")
    assert client.get(f"/v/{bundled_version}/app/main.js").status_code == 404


@needs_esbuild
def test_a_bundle_with_a_file_missing_is_not_served(built: Path) -> None:
    manifest = json.loads((built / "dist" / "manifest.json").read_text(encoding="utf-8"))
    (built / "dist" / manifest["modules"]["app/main.js"][-1]).unlink()
    files = WidgetFiles(directory=built)
    assert files.bundle is None
    assert loader_map(TestClient(files)) == {}


def raw_body(client: TestClient, path: str, coding: str = "gzip") -> bytes:
    """The body as sent to a browser that takes `coding` alone, still packed."""
    with client.stream("GET", path, headers={"Accept-Encoding": coding}) as r:
        assert r.headers["content-encoding"] == coding
        return b"".join(r.iter_raw())


# A content coding → the suffix of the build's form, how to unpack and pack it.
PACKINGS: dict[str, tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    "gzip": (".gz", gzip.decompress, lambda data: gzip.compress(data, mtime=0)),
    "br": (".br", brotli.decompress, brotli.compress),
}


@needs_esbuild
@pytest.mark.parametrize("coding", list(PACKINGS))
def test_the_bundle_goes_out_in_the_builds_own_packing_and_only_if_it_unpacks_to_the_file(
    built: Path, caplog: pytest.LogCaptureFixture, coding: str
) -> None:
    """zopfli's gzip, smaller than gzip -9; brotli at its best, smaller than that."""
    suffix, unpack, pack = PACKINGS[coding]
    files = WidgetFiles(directory=built)
    client = TestClient(files)
    dist = built / "dist"
    main = f"/v/{files.version}/app/main.js"
    plain = (dist / "app" / "main.js").read_bytes()
    sent = raw_body(client, main, coding)
    assert sent == (dist / "app" / f"main.js{suffix}").read_bytes()
    assert unpack(sent) == plain
    if coding == "gzip":
        assert len(sent) < len(gzip.compress(plain, compresslevel=9, mtime=0)) * 0.99
    else:
        assert len(sent) < len((dist / "app" / "main.js.gz").read_bytes()) * 0.95
    # A form that unpacks to other bytes (edited by hand), is cut short, or is in the other
    # coding is never sent: the service packs the file itself.
    other = ".br" if suffix == ".gz" else ".gz"
    (dist / "app" / f"main.js{suffix}").write_bytes(pack(plain + b"alert(1)"))
    (dist / "i18n" / f"en.js{suffix}").write_bytes(sent[: len(sent) // 2])
    (dist / "i18n" / f"ru.js{suffix}").write_bytes((dist / "i18n" / f"ru.js{other}").read_bytes())
    caplog.set_level(logging.WARNING, logger="comments.http.widget_bundle")
    files = WidgetFiles(directory=built)
    client = TestClient(files)
    assert unpack(raw_body(client, main, coding)) == plain
    for language in ("en", "ru"):
        body = raw_body(client, f"/v/{files.version}/i18n/{language}.js", coding)
        assert unpack(body) == (dist / "i18n" / f"{language}.js").read_bytes()
        assert f"i18n/{language}.js{suffix} does not unpack" in caplog.text
    assert f"app/main.js{suffix} does not unpack to app/main.js" in caplog.text


@needs_esbuild
def test_a_second_build_of_the_same_sources_is_the_same_bytes(built: Path) -> None:
    first = {p: p.read_bytes() for p in sorted((built / "dist").rglob("*")) if p.is_file()}
    version = WidgetFiles(directory=built).version
    build(built)
    again = {p: p.read_bytes() for p in sorted((built / "dist").rglob("*")) if p.is_file()}
    assert again == first
    assert WidgetFiles(directory=built).version == version


def test_the_modules_are_served_when_the_bundle_is_switched_off() -> None:
    files = WidgetFiles(directory=widget_dir(), bundle=False)
    client = TestClient(files)
    assert files.bundle is None
    assert loader_map(client) == {}
    main = client.get(f"/v/{files.version}/app/main.js")
    assert main.content == (widget_dir() / "app" / "main.js").read_bytes()
