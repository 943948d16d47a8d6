"""The widget's files over HTTP: minified and gzip'd from memory, versioned immutable URLs,
short embeds."""

from __future__ import annotations

import gzip

import pytest

from comments.app import widget_dir
from comments.http.widget_files import accepts_gzip, served_bytes, widget_version
from tests.harness import Harness

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
MODULE = "core/i18n.js"


@pytest.fixture(scope="module")
def version() -> str:
    return widget_version(widget_dir())


def test_gzip_when_asked_for_and_plain_otherwise(quick: Harness, version: str) -> None:
    raw = served_bytes(MODULE, (widget_dir() / MODULE).read_bytes())
    assert b"/*" not in raw and len(raw) < (widget_dir() / MODULE).stat().st_size
    for url in (f"/widget/{MODULE}", f"/widget/v/{version}/{MODULE}"):
        packed = quick.client.get(url, headers=GZIP)
        assert packed.status_code == 200
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
        assert "origin" in packed.headers["vary"].lower()
        assert "javascript" in packed.headers["content-type"]
        assert packed.content == raw  # httpx undoes the gzip
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
    for path in (MODULE, "i18n/ru.js"):
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
            assert f'const VERSION="{version}"' in r.text
            assert "__WIDGET_VERSION__" not in r.text
        packed = quick.client.get(f"/widget/{name}", headers=GZIP)
        assert packed.headers["content-encoding"] == "gzip"
        again = quick.client.get(
            f"/widget/{name}", headers={**GZIP, "If-None-Match": packed.headers["etag"]}
        )
        assert again.status_code == 304
    # The file on disk keeps the placeholder: opened from disk it imports unversioned paths.
    assert b'"__WIDGET_VERSION__"' in (widget_dir() / "comments.js").read_bytes()


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


def test_accept_encoding_weights() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert accepts_gzip("*")
    assert not accepts_gzip("")
    assert not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0")
    assert not accepts_gzip("gzip;q=oops")


def test_gzip_bodies_are_valid_gzip(quick: Harness) -> None:
    with quick.client.stream("GET", f"/widget/{MODULE}", headers=GZIP) as r:
        raw = b"".join(r.iter_raw())
    assert gzip.decompress(raw) == served_bytes(MODULE, (widget_dir() / MODULE).read_bytes())
