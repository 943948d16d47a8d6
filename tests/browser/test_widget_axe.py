"""axe-core on the widget in the demo article: no serious or critical finding for a reader
who isn't logged in, one who is, one whose comment waits for a moderator, nor in the
Russian interface, in the light and the dark theme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import describe, violations
from tests.browser.test_viewer import Caller, cli, log_in, post_in_widget
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "
RU_THREAD = "belarus-russia-union-ru"


def clean(page: Page) -> None:
    found = violations(page, "#comments")
    assert found == [], describe(found)


def conversation(app: LiveServer, thread: str, url: str) -> Caller:
    """A moderated thread: a comment with a reply, and a removed one with an answer; all
    held first (the site moderates every comment), then approved. Answers the moderator."""
    cli(app, "sites", "update", "demo", "--premod", "all")
    mia = Caller(app, "dev:mia", "Mia", role="moderator", thread=thread, thread_url=url)
    boris = Caller(app, "dev:boris", "Boris", thread=thread, thread_url=url)
    anna = Caller(app, "dev:anna", "Anna", thread=thread, thread_url=url)
    cleo = Caller(app, "dev:cleo", "Cleo", thread=thread, thread_url=url)
    first = boris.post("A first comment, with `code` and *emphasis*.")["id"]
    reply = anna.post("A reply.", first)["id"]
    gone = cleo.post("Gone soon.")["id"]
    answer = boris.post("An answer to what went.", gone)["id"]
    for comment_id in (first, reply, gone, answer):
        mia.decide(comment_id, "approve")
    cleo.delete(gone)
    return mia


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_widget_has_no_serious_axe_finding_for_readers_and_writers(
    serve_app: Callable[..., LiveServer], browser: Browser, scheme: Literal["light", "dark"]
) -> None:
    app = serve_app()
    mia = conversation(app, "belarus-russia-union", app.url + "/")
    page = browser.new_context(color_scheme=scheme).new_page()
    page.goto(app.url + "/")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    expect(page.locator(W + "button[data-action='login']")).to_be_visible()
    clean(page)

    log_in(page, "Anna Reader")
    post_in_widget(page, "This one waits for a moderator.")
    held = page.locator(W + "li.cw-comment[data-status='pending']")
    expect(held.locator(".cw-moderation")).to_contain_text("Awaiting moderation")
    page.click(W + "li[data-author-id='dev:boris'] > .cw-main button[data-action='reply']")
    expect(page.locator(W + "form.cw-reply-form textarea")).to_be_focused()
    clean(page)

    mia.decide(str(held.get_attribute("data-comment-id")), "approve")
    page.reload()
    mine = page.locator(W + "li.cw-comment", has_text="This one waits for a moderator.")
    expect(mine).to_have_attribute("data-status", "approved")
    mine.locator(":scope > .cw-main button[data-action='edit']").click()
    expect(page.locator(W + "form.cw-edit-form textarea")).to_be_focused()
    clean(page)
    page.context.close()


def test_russian_widget_has_no_serious_axe_finding(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    conversation(app, RU_THREAD, app.url + "/ru")
    page.goto(app.url + "/ru")
    expect(page.locator(W + ".cw-list > li.cw-comment")).to_have_count(2)
    expect(page.locator(W + "button[data-action='login']")).to_be_visible()
    clean(page)
    log_in(page, "Анна Читатель")
    post_in_widget(page, "Этот комментарий ждёт модератора.")
    held = page.locator(W + "li.cw-comment[data-status='pending']")
    expect(held.locator(".cw-moderation")).to_be_visible()
    page.click(W + "li[data-author-id='dev:boris'] > .cw-main button[data-action='report']")
    expect(page.locator(W + "form.cw-report-form")).to_be_visible()
    clean(page)
