"""The dashboard in Russian, in Chromium: a moderator whose browser speaks Russian gets the
whole dashboard in Russian (the service's own reasons too), decides a comment in it, finds
every page worded, and can switch to English, which this browser then remembers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_dashboard import cli, premoderate, reader_posts
from tests.live import LiveServer

pytestmark = pytest.mark.browser

# A key shown as itself: a word the language files lack (language.js shows the key).
RAW_KEY = re.compile(
    r"\b(?:page|queue|item|decisions|focus|keyboard|live|alerts|link|bans|team|log|session"
    r"|stats|ui|settings|policy|words|webhooks|failed|error)\.[a-z][A-Za-z0-9]+\b"
)
PENDING_TAB = "button[data-queue='pending'] [data-t]"


def russian_moderator(browser: Browser, app: LiveServer, name: str) -> tuple[Page, list[str]]:
    """A moderator whose browser asks for Russian opens the dashboard and logs in."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/moderate")
    expect(page.locator("#login .login-lead")).to_have_text("Войдите, чтобы проверять комментарии.")
    page.click("#login a[data-provider='dev']")
    page.fill("#name", name)
    page.click("button[type=submit]")
    expect(page.locator(PENDING_TAB)).to_have_text("На проверке")
    return page, errors


def no_raw_keys(page: Page) -> None:
    text = page.inner_text("body")
    assert not RAW_KEY.search(text), RAW_KEY.findall(text)


def test_a_russian_moderator_decides_in_russian_and_can_switch_to_english(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = premoderate(serve_app())
    reader_posts(browser.new_page(), app, "Anna Reader", "Greetings from Minsk, 42.")
    page, errors = russian_moderator(browser, app, "Mia")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_title(re.compile(r"^\(1\) Модерация"))
    item = page.locator("article.mod-item").first
    expect(item).to_contain_text("Greetings from Minsk, 42.")
    # The service's reason, asked for in Russian (Accept-Language), not the English one.
    expect(item).to_contain_text("Этот сайт проверяет каждый комментарий перед публикацией.")
    approve = item.locator("button[data-action='approve']")
    expect(approve).to_have_text(re.compile("Одобрить"))
    no_raw_keys(page)
    approve.click()
    expect(page.locator("#status")).to_contain_text("одобрен")
    expect(page.locator("button[data-action='undo'] [data-t]")).to_have_text("Отменить")
    # Every page a moderator has is worded in Russian.
    pages = (("bans", "Блокировки"), ("log", "Журнал модерации"), ("stats", "Статистика"))
    for view, heading in pages:
        page.click(f".views a[data-view='{view}']")
        expect(page.locator(f"#{view}-title")).to_have_text(heading)
        expect(page.locator(f"#view-{view} .page-body")).not_to_be_empty()
        no_raw_keys(page)
    # English, chosen in the top bar: the page comes back in it, and stays so.
    page.select_option("#language-picker", "en")
    expect(page.locator(PENDING_TAB)).to_have_text("Pending")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.locator(PENDING_TAB)).to_have_text("Pending")
    expect(page.locator("#language-picker")).to_have_value("en")
    assert errors == []


def test_an_admins_pages_are_worded_in_russian(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    page, errors = russian_moderator(browser, app, "Ada")
    for view, heading in (
        ("settings", "Настройки сайта"),
        ("roles", "Команда"),
        ("webhooks", "Вебхуки"),
        ("failed", "Недоставленные сообщения"),
    ):
        page.click(f".views a[data-view='{view}']")
        expect(page.locator(f"#{view}-title")).to_have_text(heading)
        expect(page.locator(f"#view-{view} .page-body")).not_to_be_empty()
        no_raw_keys(page)
    # A setting's own words, beside its control.
    expect(page.locator("#view-settings")).to_contain_text(re.compile("[А-Яа-я]{4,}"))
    assert errors == []
