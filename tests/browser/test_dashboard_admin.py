"""What the dashboard gives a site's admins: settings with ranges and errors in words, a
log that says what changed, allowing a wrongly matched word from the queue, and a team
found by name."""

from __future__ import annotations

from collections.abc import Callable

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


def post(app: LiveServer, token: str, text: str) -> str:
    """A reader's comment on the demo article; its status."""
    r = httpx.post(
        app.url + "/api/v1/sites/demo/comments",
        json={"thread": "words", "body": text, "thread_url": app.url + "/"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["status"])


def test_settings_show_ranges_and_say_whats_wrong_by_label_then_the_log_shows_the_change(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    page = moderator_logs_in(browser, app, "Ada")
    page.goto(app.url + "/moderate#/settings")
    form = page.locator("form.settings")
    links = form.locator("input[name='max_links']")
    expect(links).to_have_attribute("min", "0")
    expect(links).to_have_attribute("max", "100")
    field = form.locator(".field", has=page.locator("input[name='max_links']"))
    expect(field.locator(".range")).to_have_text("0 to 100")
    expect(field.locator(".hint")).to_contain_text("Counted in the rendered comment")
    expect(form.locator("input[name='auto_close_days']")).to_have_value("")  # unset
    expect(form.locator("select[name='surge_action'] option")).to_have_count(2)

    links.fill("500")  # out of range: said here, nothing sent
    page.click("form.settings button[type=submit]")
    expect(field.locator(".field-error")).to_have_text("At most 100.")
    expect(links).to_have_attribute("aria-invalid", "true")

    links.fill("5")
    domains = form.locator("textarea[name='blocked_domains']")
    domains.fill("spam.example\nnot a domain!")  # only the server knows the form of a domain
    page.click("form.settings button[type=submit]")
    error = form.locator(".field", has=page.locator("textarea[name='blocked_domains']"))
    error = error.locator(".field-error")
    expect(error).to_have_text("Line 2: Not in the expected form.")
    expect(form.locator(".form-error")).to_contain_text("Blocked link domains: Line 2")
    expect(form.locator(".form-error")).not_to_contain_text("policy.")

    domains.fill("spam.example")
    form.locator("select[name='premoderation']").select_option("new")
    page.click("form.settings button[type=submit]")
    expect(page.locator("form.settings .form-actions")).to_contain_text("Saved")

    page.click("nav.views a[data-view='log']")
    change = page.locator("#view-log tr[data-action='settings']").first
    expect(change.locator("li[data-field='premoderation']")).to_have_text(
        "Pre-moderation: off → new"
    )
    expect(change.locator("li[data-field='max_links']")).to_have_text(
        "Hold comments with more links than: 3 → 5"
    )
    expect(change.locator("li[data-field='blocked_domains']")).to_contain_text("added spam.example")


def test_an_admin_allows_a_wrongly_held_word_from_the_queue_and_the_next_comment_is_published(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app()
    admin = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita").split()[-1]
    saved = httpx.put(
        app.url + "/api/v1/sites/demo/settings",
        json={"policy": {"suspect_words": ["bus"], "suspect_action": "hold"}},
        headers={"Authorization": f"Bearer {admin.split()[-1]}"},
    )
    assert saved.status_code == 200, saved.text
    assert post(app, reader, "The bus was late again.") == "pending"

    page = moderator_logs_in(browser, app, "Ada")
    row = page.locator("article.mod-item", has_text="The bus was late again.")
    expect(row.locator("mark")).to_have_text("bus")
    row.locator("button[data-action='allow-word']").click()
    expect(row.locator(".mod-note")).to_contain_text("“bus” is now an allowed word")
    expect(row.locator("button[data-action='allow-word']")).to_have_count(0)

    assert post(app, reader, "Another bus story, on time this once.") == "approved"
    page.click("nav.views a[data-view='log']")
    expect(page.locator("#view-log")).to_contain_text("Allowed words: added bus")


def test_the_log_shows_the_decided_comments_excerpt_as_text(
    premoderated: LiveServer, browser: Browser
) -> None:
    app = premoderated
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita").split()[-1]
    assert post(app, reader, "Markup <b>stays</b> text & so do *stars*.") == "pending"
    page = moderator_logs_in(browser, app, "Mia")
    page.locator("article.mod-item").first.click()
    page.keyboard.press("r")
    expect(page.locator("article.mod-item")).to_have_count(0)
    page.click("nav.views a[data-view='log']")
    entry = page.locator("#view-log tr[data-action='reject']").first
    expect(entry.locator("q.excerpt")).to_contain_text("Markup")
    expect(entry.locator("q.excerpt b")).to_have_count(0)  # never parsed as HTML


def test_an_admin_finds_a_reader_by_name_to_make_them_a_moderator_and_sees_settings_admins(
    serve_app: Callable[..., LiveServer], browser: Browser
) -> None:
    app = serve_app(admins="dev:root")
    cli(app, "tokens", "create", "--site", "demo", "--user", "dev:ada", "--role", "admin")
    reader = cli(app, "tokens", "create", "--site", "demo", "--user", "dev:rita", "--name", "Rita")
    assert post(app, reader.split()[-1], "Hello from Rita.") == "approved"

    page = moderator_logs_in(browser, app, "Ada")
    page.goto(app.url + "/moderate#/roles")
    team = page.locator("#view-roles")
    fixed = team.locator("tr[data-source='environment'][data-user='dev:root']")
    expect(fixed).to_contain_text("From the server's settings")
    expect(fixed.locator("input[data-role='admin']")).to_be_checked()
    expect(fixed.locator("input[data-role='admin']")).to_be_disabled()
    expect(fixed.locator("input[data-role='moderator']")).to_be_disabled()

    team.get_by_label("Find a person").fill("rit")
    found = team.locator("ul.people button.person[data-user='dev:rita']")
    expect(found).to_contain_text("Rita")
    found.click()
    expect(team.locator("input[name='user_id']")).to_have_value("dev:rita")
    team.locator("select[name='role']").select_option("moderator")
    team.locator("form.grant button[type=submit]").click()
    rita = team.locator("tr[data-user='dev:rita']")
    expect(rita.locator("input[data-role='moderator']")).to_be_checked()
    expect(rita.locator("input[data-role='admin']")).not_to_be_checked()
    expect(rita.locator("input[data-role='moderator']")).to_be_enabled()
