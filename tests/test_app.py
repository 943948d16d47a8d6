"""The app factory's own routes: health, static widget files, the demo page."""

from __future__ import annotations

from tests.harness import Harness


def test_health_reports_database_and_cache(quick: Harness) -> None:
    r = quick.client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"database": "ok", "cache": "ok"}


def test_widget_files_load_from_any_page(quick: Harness) -> None:
    for name in ("comments.js", "count.js"):
        r = quick.client.get(f"/widget/{name}")
        assert r.status_code == 200
        assert "javascript" in r.headers["content-type"]
        assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    missing = quick.client.get("/widget/nope.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_demo_page_only_exists_in_the_demo(quick: Harness) -> None:
    assert quick.client.get("/").status_code == 404


def test_demo_article_embeds_the_widget_as_publishers_do(sqlite_url: str) -> None:
    with Harness.start(sqlite_url, demo=True, demo_origins=("https://extra.example",)) as h:
        page = h.client.get("/")
        assert page.status_code == 200
        html = page.text
        assert '<div id="comments" data-site="demo" data-thread="belarus-russia-union">' in html
        assert '<script async src="http://testserver/widget/comments.js"></script>' in html
        assert "__BASE__" not in html
        assert "<script>" not in html and "style=" not in html
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        site = h.run(lambda s: s.sites.get("demo"))
        assert site.origins == ("http://testserver", "https://extra.example")
