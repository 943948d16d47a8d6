"""The dashboard's statistics page, after real decisions in its queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_dashboard import (
    cli,
    moderator_logs_in,
    premoderate,
)
from tests.live import LiveServer


@pytest.fixture
def premoderated(serve_app: Callable[..., LiveServer]) -> LiveServer:
    """The demo holding every comment, with moderators Mia, Ann and Ben."""
    return premoderate(serve_app())


def test_stats_count_todays_holds_and_decisions_and_say_the_median_wait(
    premoderated: LiveServer, browser: Browser
) -> None:
    app = premoderated
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita").split()[-1]
    for text in ("Worth publishing.", "Not worth it.", "Still waiting."):
        posted = httpx.post(
            app.url + "/api/v1/sites/demo/comments",
            json={"thread": "stats", "body": text, "thread_url": app.url + "/"},
            headers={"Authorization": f"Bearer {reader}"},
        )
        assert posted.status_code == 201, posted.text
    mod = moderator_logs_in(browser, app, "Mia")
    mod.locator("article.mod-item", has_text="Worth publishing.").click()
    mod.keyboard.press("a")
    mod.locator("article.mod-item", has_text="Not worth it.").click()
    mod.keyboard.press("r")
    expect(mod.locator("button[data-queue='pending'] .count")).to_have_text("1")

    mod.click("nav.views a[data-view='stats']")
    stats = mod.locator("#view-stats")
    expect(stats.locator("button[data-days='30']")).to_have_attribute("aria-pressed", "true")
    today = stats.locator(f"tr[data-date='{datetime.now(UTC).date().isoformat()}']")
    expect(today.locator("[data-kind='held']")).to_have_text("3")
    expect(today.locator("[data-kind='approved']")).to_have_text("1")
    expect(today.locator("[data-kind='rejected']")).to_have_text("1")
    rule = stats.locator("table.stats-reasons tr[data-code='PREMODERATION']")
    expect(rule.locator("[data-kind='held']")).to_have_text("3")
    expect(rule.locator("[data-kind='approved']")).to_have_text("1")
    expect(stats.locator("[data-stat='pending']")).to_have_text("1")
    expect(stats.locator("[data-stat='median']")).to_have_text(re.compile(r"^\d+ (s|min)$"))

    stats.locator("button[data-days='7']").click()
    expect(stats.locator("button[data-days='7']")).to_have_attribute("aria-pressed", "true")
    expect(stats.locator("table.stats-days tbody tr")).to_have_count(7)
    expect(today.locator("[data-kind='held']")).to_have_text("3")
