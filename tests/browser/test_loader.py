"""The embed script in Chromium, on a publisher's page: it asks for the first page once and
the widget uses that answer, it imports nothing where there is nothing to mount, and an
instance destroyed before the modules arrived never appears."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller
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


def test_first_requests_go_out_once_and_modules_come_from_the_versioned_folder(
    serve_app: Callable[..., LiveServer], publisher_page: Callable[[str], str], page: Page
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    Caller(app, "dev:boris", "Boris", thread="loader", thread_url=publisher + "/a").post("Hello.")
    publisher_page(article(app, mount_element("comments", publisher)))
    asked: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(publisher + "/article.html")
    expect(page.locator(W + "li.cw-comment .comment-body")).to_have_text("Hello.")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on")
    pages = [url for url in asked if "/api/v1/sites/demo/comments?" in url]
    assert len(pages) == 1, pages
    assert len([url for url in asked if "/auth/providers?" in url]) == 1
    modules = [
        url for url in asked if "/widget/" in url and not url.endswith("/widget/comments.js")
    ]
    assert modules and all("/widget/v/" in url for url in modules), modules
    assert len(modules) == len(set(modules)), "a module was asked for twice"
    # The first screen: no writing, no login window, no rare actions before they are needed.
    assert not any(
        url.endswith(("/app/composer.js", "/app/login.js", "/app/report.js")) for url in asked
    )
    marks = page.evaluate("() => performance.getEntriesByType('mark').map((m) => m.name)")
    assert marks[:1] == ["comments:loader"] and "comments:shown" in marks
    assert errors == []


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
