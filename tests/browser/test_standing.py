"""A reader told where they stand, in Chromium: a rejected comment stays in its place,
marked with its reasons, and a banned reader sees for how long and why."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller, W, cli, item, log_in, main, post_in_widget
from tests.live import LiveServer

LIVE = 10_000  # ms for news to arrive through the event stream
ANNA = "dev:anna-reader"


def own_comment(page: Page, text: str) -> str:
    """The id of the reader's own comment showing `text`."""
    li = page.locator(W + f"li.cw-comment[data-author-id='{ANNA}']", has_text=text)
    expect(li).to_have_count(1)
    return str(li.get_attribute("data-comment-id"))


def test_a_rejected_comment_stays_with_its_author_marked_with_the_reasons(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on", timeout=LIVE)

    # Held, then rejected: while the page is open, it turns "not published" in place.
    post_in_widget(page, "A held thought.")
    held = own_comment(page, "A held thought.")
    expect(page.locator(main(held) + ".cw-moderation")).to_contain_text("Awaiting moderation")
    mia.decide(held, "reject")
    note = page.locator(main(held) + ".cw-moderation")
    expect(note).to_contain_text("Not published", timeout=LIVE)
    expect(note.locator(".cw-reasons")).to_contain_text("reviews every comment")
    expect(page.locator(item(held))).to_have_attribute("data-status", "rejected")

    # Published, then rejected: it stays with her instead of vanishing; the count drops.
    post_in_widget(page, "A published thought.")
    published = own_comment(page, "A published thought.")
    mia.decide(published, "approve")
    expect(page.locator(item(published))).to_have_attribute("data-status", "approved", timeout=LIVE)
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "1")
    mia.decide(published, "reject")
    expect(page.locator(item(published))).to_have_attribute("data-status", "rejected", timeout=LIVE)
    expect(page.locator(main(published) + ".cw-moderation")).to_contain_text("Not published")
    expect(page.locator(main(published) + ".comment-body")).to_have_text("A published thought.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "0")

    # After a reload both are there, marked, with their reasons.
    page.reload()
    for comment_id in (held, published):
        expect(page.locator(main(comment_id) + ".cw-moderation")).to_contain_text("Not published")
        expect(page.locator(main(comment_id) + ".cw-reasons")).to_contain_text(
            "reviews every comment"
        )
    assert errors == []


def test_a_banned_reader_sees_for_how_long_and_why_instead_of_the_composer(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    composer = page.locator(W + "form.cw-compose-form")
    expect(composer).to_be_visible()

    # Banned for good: the ban ends her session; logged in again, the composer says why.
    mia.call("POST", "/api/v1/sites/demo/bans", {"user_id": ANNA, "reason": "Spam links."}, 201)
    page.reload()
    log_in(page, "Anna Reader")
    notice = page.locator(W + ".cw-composer .cw-notice")
    expect(notice).to_contain_text("You can't post comments on this site. The ban has no end date.")
    expect(notice.locator(".cw-ban-reason")).to_have_text("Reason: Spam links.")
    expect(composer).to_have_count(0)

    # Suspended until a date instead: the date and the reason, the reason as text.
    mia.call("DELETE", f"/api/v1/sites/demo/bans/{ANNA}", {}, 204)
    reason = "Cooling off <b>after</b> a quarrel."
    ban = {"user_id": ANNA, "reason": reason, "until": "2099-03-04T12:00:00Z"}
    mia.call("POST", "/api/v1/sites/demo/bans", ban, 201)
    page.reload()
    log_in(page, "Anna Reader")  # a ban ends the sessions it finds
    expect(notice).to_contain_text("You can't post comments on this site until March 4, 2099")
    expect(notice.locator(".cw-ban-reason")).to_have_text(f"Reason: {reason}")
    assert notice.locator("b").count() == 0
    expect(composer).to_have_count(0)
