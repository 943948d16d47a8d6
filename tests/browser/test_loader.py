"""The embed script in Chromium, on a publisher's page: it asks for the first page once and
the widget uses that answer, it imports the bundle's first screen at once (or the modules,
when the bundle is stale), nothing where there is nothing to mount, and an instance
destroyed before the modules arrived never appears."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Page, Route, expect

import comments.app
from comments.http.widget_bundle import source_files
from tests.browser.test_demo import comment, log_in
from tests.browser.test_viewer import Caller
from tests.http.test_widget_files import map_in_loader
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "


def article(app: LiveServer, body: str) -> str:
    return f"""<!doctype html><html><head><title>Article</title></head>
<body><h1>An article</h1>{body}
<script async src="{app.url}/widget/comments.js"></script></body></html>"""


def mount_element(element_id: str, publisher: str) -> str:
    return (
        f'<div id="{element_id}" data-site="demo" data-thread="loader" '
        f'data-thread-url="{publisher}/a"></div>'
    )


def bundle_map(app: LiveServer) -> dict[str, list[str]]:
    """The bundle's map in the loader the app serves; empty when it serves the modules."""
    return map_in_loader(httpx2.get(app.url + "/widget/comments.js").text)


def widget_files(asked: list[str]) -> list[str]:
    """The widget's files a page asked for, as paths in the versioned folder."""
    return [re.sub(r"^.*/widget/v/[0-9a-f]+/", "", url) for url in asked if "/widget/v/" in url]


def test_first_requests_go_out_once_and_modules_come_from_the_versioned_folder(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    Caller(app, "dev:boris", "Boris", thread="loader", thread_url=publisher + "/a").post("Hello.")
    publisher_page(article(app, mount_element("comments", publisher)))
    asked: list[str] = []
    errors: list[str] = []
    codings: dict[str, str | None] = {}
    page.on("request", lambda request: asked.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: codings.setdefault(r.url, r.headers.get("content-encoding")))
    page.goto(publisher + "/article.html")
    expect(page.locator(W + "li.cw-comment .comment-body")).to_have_text("Hello.")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on")
    # Chromium takes brotli, even from a loopback http page: every file of the widget's
    # (the loader, the code, the words) came in it.
    sent = {url: coding for url, coding in codings.items() if "/widget/" in url}
    assert sent and set(sent.values()) == {"br"}, sent
    pages = [url for url in asked if "/api/v1/sites/demo/comments?" in url]
    assert len(pages) == 1, pages
    assert len([url for url in asked if "/auth/providers?" in url]) == 1
    modules = [
        url for url in asked if "/widget/" in url and not url.endswith("/widget/comments.js")
    ]
    assert modules and all("/widget/v/" in url for url in modules), modules
    assert len(modules) == len(set(modules)), "a module was asked for twice"
    # The first screen: no writing, no login window, no rare actions before they are needed.
    on_demand = re.compile(r"/(composer|login|report)[-.]")
    assert not any(on_demand.search(url) for url in asked), asked
    table = bundle_map(app)
    if (comments.app.widget_dir() / "node_modules" / "esbuild").is_dir():
        assert table, "the tests build the bundle where esbuild is installed"
    if table:  # the bundle: its files, not the modules
        first = {*table["app/main.js"], *table["i18n/en.js"]}
        assert first <= set(widget_files(asked)), asked
        # The loader picks the language file itself: no round trip to the chooser first.
        assert table["core/i18n.js"][0] not in widget_files(asked), asked
        assert "app/render.js" not in widget_files(asked)
    marks = page.evaluate("() => performance.getEntriesByType('mark').map((m) => m.name)")
    assert marks[:1] == ["comments:loader"] and "comments:shown" in marks
    assert errors == []


def test_a_slow_first_page_shows_the_widget_loading_and_a_failed_one_says_why(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    """A first page that comes at once is drawn with the widget's frame; one that is slow
    leaves the frame to show first, saying it is loading; one the service refuses shows the
    service's words (the loader read the answer's JSON before the widget took it)."""
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    Caller(app, "dev:boris", "Boris", thread="loader", thread_url=publisher + "/a").post("Hello.")
    publisher_page(article(app, mount_element("comments", publisher)))
    held: list[Route] = []
    page.route("**/api/v1/sites/demo/comments?*", lambda route: held.append(route))
    page.goto(publisher + "/article.html")
    expect(page.locator(W + ".cw-status")).to_have_text("Loading comments…")
    expect(page.locator(W + "h2.cw-heading")).to_be_visible()
    assert page.locator(W + "li.cw-comment").count() == 0 and len(held) == 1
    held.pop().continue_()
    expect(page.locator(W + "li.cw-comment .comment-body")).to_have_text("Hello.")
    expect(page.locator(W + ".cw-status")).to_be_hidden()

    busy = {"error": {"code": "unavailable", "message": "The comment service is busy."}}
    page.unroute("**/api/v1/sites/demo/comments?*")
    page.route(
        "**/api/v1/sites/demo/comments?*",
        lambda route: route.fulfill(
            status=503,
            json=busy,
            headers={"Access-Control-Allow-Origin": publisher, "Vary": "Origin"},
        ),
    )
    page.reload()
    expect(page.locator(W + ".cw-status")).to_have_text("The comment service is busy.")
    assert page.locator(W + "li.cw-comment").count() == 0


def test_a_page_without_a_mount_element_imports_nothing(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    publisher_page(article(app, '<div id="elsewhere"></div>'))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(publisher + "/article.html")
    page.wait_for_function("() => typeof window.Comments === 'object'")
    assert page.evaluate("() => Comments.mountAll().length") == 0
    assert not any("/widget/v/" in url or "/api/" in url for url in asked), asked


def test_an_instance_destroyed_before_the_modules_arrive_never_appears(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    two = mount_element("gone", publisher) + mount_element("kept", publisher)
    publisher_page(article(app, two))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(publisher + "/article.html")
    page.wait_for_function("() => typeof window.Comments === 'object'")
    page.evaluate(
        """() => {
        const gone = Comments.createInstance(document.getElementById("gone"));
        gone.destroy();
        gone.destroy(); // twice is harmless
        window.kept = Comments.createInstance(document.getElementById("kept"));
    }"""
    )
    # Both waited for the same modules, in this order: once "kept" shows, "gone" had its turn.
    expect(page.locator("#kept >> .cw-empty")).to_be_visible()
    assert page.evaluate("() => document.getElementById('gone').shadowRoot") is None
    page.evaluate("() => window.kept.destroy()")
    assert page.evaluate("() => document.getElementById('kept').shadowRoot.childElementCount") == 0
    assert errors == []


@pytest.fixture
def stale_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The widget's sources with a bundle built from other sources: the app must not serve it."""
    folder = tmp_path / "widget"
    source = comments.app.widget_dir()
    for path in source_files(source):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / path, folder / path)
    if (source / "dist").is_dir():
        shutil.copytree(source / "dist", folder / "dist")
        manifest = json.loads((folder / "dist" / "manifest.json").read_text(encoding="utf-8"))
        manifest["sources"] = "0" * 64
        (folder / "dist" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(comments.app, "widget_dir", lambda: folder)
    return folder


def test_with_a_stale_bundle_the_demo_runs_on_the_modules_and_a_reader_posts(
    serve_app: Callable[..., LiveServer], stale_bundle: Path, page: Page
) -> None:
    app = serve_app()
    assert bundle_map(app) == {}
    asked: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    expect(page.locator(W + ".cw-empty")).to_be_visible()
    # The modules, as they are written, each from the versioned folder.
    files = widget_files(asked)
    assert {"app/main.js", "app/render.js", "core/i18n.js", "i18n/en.js"} <= set(files), files
    assert not any("chunk-" in path for path in files), files
    log_in(page, "Anna Reader")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Modules still *work*.")
    page.click(W + "form.cw-compose-form button[data-action='post']")
    comment(page, "Modules still work.")
    assert "app/composer.js" in widget_files(asked)
    assert errors == []
