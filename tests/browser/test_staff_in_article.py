"""Staff moderating in the article, in Chromium: a moderator logged in on the demo article
features, rejects, approves and bans from the comments themselves, and other readers see
the outcome. Readers who aren't staff never download the staff tools."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_viewer import THREAD, Caller, cli, item, log_in, main, post_in_widget
from tests.live import LiveServer

W = "#comments >> "
TOP = W + ".cw-list > li.cw-comment"


def anonymous_reader(browser: Browser, app: LiveServer, asked: list[str] | None = None) -> Page:
    """Someone else reading the article, logged out, in a browser profile of their own."""
    page = browser.new_context().new_page()
    if asked is not None:
        page.on("request", lambda request: asked.append(request.url))
    page.goto(app.url + "/")
    return page


def public_ids(app: LiveServer) -> list[str]:
    """The thread's first page as anyone reads it from the API, replies included."""
    page = httpx.get(
        app.url + "/api/v1/sites/demo/comments", params={"thread": THREAD}, timeout=30
    ).json()
    ids: list[str] = []

    def walk(comments: list[dict[str, object]]) -> None:
        for c in comments:
            ids.append(str(c["id"]))
            walk(c["replies"])  # type: ignore[arg-type]

    walk(page["comments"])
    return ids


def test_moderator_features_a_comment_and_an_anonymous_reader_sees_it_first_and_labelled(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    first = boris.post("Boris opens the discussion.")["id"]
    second = boris.post("Boris makes the point worth reading.")["id"]
    Caller(app, "dev:mia", "Mia", role="moderator")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Mia")
    expect(page.locator(W + ".cw-me .cw-badge")).to_have_text("moderator")

    page.click(main(second) + "button[data-action='staff-feature']")
    expect(page.locator(main(second) + ".cw-featured")).to_have_text("Featured")
    expect(page.locator(TOP).first).to_have_attribute("data-comment-id", second)
    expect(page.locator(main(second) + "button[data-action='staff-unfeature']")).to_be_focused()

    asked: list[str] = []
    reader = anonymous_reader(browser, app, asked)
    expect(reader.locator(TOP).first).to_have_attribute("data-comment-id", second)
    expect(reader.locator(main(second) + ".cw-featured")).to_have_text("Featured")
    expect(reader.locator(main(first) + ".cw-featured")).to_have_count(0)
    expect(reader.locator(W + ".cw-staff")).to_have_count(0)
    assert not any(url.endswith("/app/staff.js") for url in asked)

    # Unfeatured, it goes back to its place by time for the next reader.
    page.click(main(second) + "button[data-action='staff-unfeature']")
    expect(page.locator(main(second) + ".cw-featured")).to_have_count(0)
    later = anonymous_reader(browser, app)
    expect(later.locator(TOP).first).to_have_attribute("data-comment-id", first)
    expect(later.locator(W + ".cw-featured")).to_have_count(0)
    assert errors == []


def test_moderator_rejects_a_comment_from_the_article_and_it_disappears_for_others(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    kept = boris.post("A civil remark.")["id"]
    rude = boris.post("A remark that crosses the line.")["id"]
    Caller(app, "dev:mia", "Mia", role="moderator")
    reader = anonymous_reader(browser, app)
    expect(reader.locator(item(rude))).to_have_count(1)
    expect(reader.locator(W + "section.cw")).to_have_attribute("data-live", "on")

    page.goto(app.url + "/")
    log_in(page, "Mia")
    page.click(main(rude) + "button[data-action='staff-reject']")
    page.fill(W + "form.cw-staff-reject-form input[name='reason']", "Insults")
    page.click(W + "form.cw-staff-reject-form button[data-action='staff-reject-confirm']")
    expect(page.locator(item(rude))).to_have_count(0)
    expect(page.locator(W + ".cw-status")).to_have_text("The comment was rejected.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "1")

    # The reader who had it on screen sees it go, and so does anyone who comes later.
    expect(reader.locator(item(rude))).to_have_count(0)
    expect(reader.locator(item(kept))).to_have_count(1)
    assert public_ids(app) == [kept]
    later = anonymous_reader(browser, app)
    expect(later.locator(item(kept))).to_have_count(1)
    expect(later.locator(item(rude))).to_have_count(0)


def test_moderator_approves_their_own_held_comment_in_place(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    page.goto(app.url + "/")
    log_in(page, "Mia")
    post_in_widget(page, "Written before Mia joined the team, and held.")
    held = page.locator(W + "li.cw-comment[data-status='pending']")
    expect(held).to_have_count(1)
    held_id = str(held.get_attribute("data-comment-id"))
    expect(page.locator(W + "[data-action='staff-approve']")).to_have_count(0)

    # Made a moderator (staff's own comments are not held), she logs in again.
    cli(app, "roles", "grant", "--site", "demo", "--user", "dev:mia", "--role", "moderator")
    page.click(W + "button[data-action='logout']")
    log_in(page, "Mia")
    expect(page.locator(W + ".cw-me .cw-badge")).to_have_text("moderator")
    expect(page.locator(item(held_id))).to_have_attribute("data-status", "pending")
    # Held, it can't be featured yet; approved, it can.
    expect(page.locator(main(held_id) + "button[data-action='staff-feature']")).to_have_count(0)
    page.click(main(held_id) + "button[data-action='staff-approve']")
    expect(page.locator(item(held_id))).to_have_attribute("data-status", "approved")
    expect(page.locator(main(held_id) + ".cw-moderation")).to_have_count(0)
    expect(page.locator(main(held_id) + "button[data-action='staff-feature']")).to_be_visible()
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "1")
    assert public_ids(app) == [held_id]
    reader = anonymous_reader(browser, app)
    expect(reader.locator(main(held_id) + ".comment-body")).to_have_text(
        "Written before Mia joined the team, and held."
    )


def test_ban_from_the_article_stops_the_authors_next_post(
    serve_app: Callable[..., LiveServer], page: Page, browser: Browser
) -> None:
    app = serve_app()
    Caller(app, "dev:mia", "Mia", role="moderator")
    rita = browser.new_context().new_page()
    rita.goto(app.url + "/")
    log_in(rita, "Rita Reader")
    post_in_widget(rita, "Buy cheap watches at my shop.")
    own = rita.locator(W + "li.cw-comment[data-author-id='dev:rita-reader']")
    expect(own).to_have_count(1)
    spam = str(own.get_attribute("data-comment-id"))

    page.goto(app.url + "/")
    log_in(page, "Mia")
    expect(page.locator(main(spam) + "button[data-action='staff-ban']")).to_be_visible()
    page.click(main(spam) + "button[data-action='staff-ban']")
    form = W + "form.cw-staff-ban-form "
    expect(page.locator(form + "select[name='duration']")).to_be_focused()
    page.select_option(form + "select[name='duration']", label="30 days")
    # A ban needs a reason: without one nothing is sent.
    page.click(form + "button[data-action='staff-ban-confirm']")
    expect(page.locator(form + ".cw-form-errors")).to_have_text("Write the reason for the ban.")
    page.fill(form + "input[name='reason']", "Advertising")
    page.click(form + "button[data-action='staff-ban-confirm']")
    expect(page.locator(main(spam) + ".cw-slot")).to_have_text(
        "Rita Reader is banned from this site."
    )

    # Rita's next post does not go through: the ban ended her session, and logged in
    # again she is told she can't post.
    post_in_widget(rita, "And another offer for you all.")
    expect(rita.locator(W + "button[data-action='login'][data-provider='dev']")).to_be_visible()
    log_in(rita, "Rita Reader")
    expect(rita.locator(W + ".cw-composer .cw-notice")).to_contain_text("can't post comments")
    expect(rita.locator(W + "form.cw-compose-form")).to_have_count(0)
    assert public_ids(app) == [spam]

    bans = httpx.get(
        app.url + "/api/v1/sites/demo/bans",
        headers=Caller(app, "dev:ann", "Ann", role="admin").headers,
        timeout=30,
    ).json()["bans"]
    assert [(b["user_id"], b["reason"], b["created_by"]) for b in bans] == [
        ("dev:rita-reader", "Advertising", "dev:mia")
    ]
    assert bans[0]["until"] is not None
