"""The Russian edition of the demo in Chromium: the widget asks for Russian, and a reader
whose comment is held reads why in Russian, before and after a reload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, expect

from comments.demo import DEMO_CSP
from tests.browser.test_demo import W, log_in
from tests.live import LiveServer

pytestmark = pytest.mark.browser

RUSSIAN = (
    "В вашем комментарии есть нецензурное слово; модератор посмотрит комментарий перед публикацией."
)


def posts_a_comment(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/v1/sites/demo/comments")


def test_russian_reader_sees_why_their_comment_is_held_in_russian(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    english = page.goto(app.url + "/")
    assert english is not None and english.headers["content-security-policy"] == DEMO_CSP
    page.click("a.edition[hreflang='ru']")
    expect(page).to_have_url(app.url + "/ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_contain_text("Лукашенко")
    expect(page.locator("a.edition[hreflang='en']")).to_have_attribute("href", app.url + "/")
    russian = page.request.get(app.url + "/ru")
    assert russian.ok and russian.headers["content-security-policy"] == DEMO_CSP
    expect(page.locator(W + ".cw-empty")).to_be_visible()

    log_in(page, "Анна Читатель")
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Ну и пиздец.")
    with page.expect_request(posts_a_comment) as sent:
        page.click(W + "form.cw-compose-form button[data-action='post']")
    assert sent.value.all_headers()["accept-language"] == "ru"
    note = page.locator(W + "li.cw-comment .cw-moderation")
    expect(note).to_contain_text("Ожидает модерации")
    # Held by the default rules (an obscenity); if not, the rules changed, not the widget.
    expect(note.locator(".cw-reasons li")).to_have_text([RUSSIAN])

    page.reload()  # the reader's own held comment comes back in the viewer block, in Russian
    expect(page.locator(W + ".cw-me-user")).to_have_text("Анна Читатель")
    expect(page.locator(W + "li.cw-comment .cw-moderation .cw-reasons li")).to_have_text([RUSSIAN])
    assert errors == []
