"""The dashboard's settings page: the built-in lists' tiers and languages as real controls,
and what an admin chooses there is what the next comment meets."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
from playwright.sync_api import Browser, expect

from tests.browser.test_dashboard import cli, moderator_logs_in
from tests.live import LiveServer


def test_an_admin_holds_mild_words_and_keeps_english_alone_from_the_settings_page(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita").split()[-1]
    page = moderator_logs_in(browser, app, "Ada")
    page.goto(app.url + "/moderate#/settings")
    mild = page.locator("select[name='profanity_mild']")
    expect(mild).to_have_value("publish")
    expect(page.locator("select[name='profanity_strong']")).to_have_value("hold")
    expect(page.locator("select[name='profanity_slur'] option")).to_have_count(4)
    languages = page.locator("textarea[name='profanity_languages']")
    expect(languages).to_have_value("en\nru\nuk\nbe")

    mild.select_option("hold")
    languages.fill("en")
    page.click("form.settings button[type=submit]")
    expect(page.locator("form.settings .form-actions")).to_contain_text("Saved")

    def post(text: str) -> str:
        r = httpx.post(
            app.url + "/api/v1/sites/demo/comments",
            json={"thread": "tiers", "body": text, "thread_url": app.url + "/"},
            headers={"Authorization": f"Bearer {reader}"},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["status"])

    assert post("Damn, the buses again.") == "pending"  # mild now held
    # the Slavic lists dropped (Ukrainian and Belarusian share the Russian roots)
    assert post("Это какой-то пиздец с автобусами.") == "approved"
