"""Live updates in Chromium: what others write, edit, remove and vote reaches an open page.

Each page waits until its widget says it is live (`data-live="on"`, once the event stream
has said `ready`) before anyone else acts, since a stream opened later would not replay
what came before it.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.test_viewer import (
    Caller,
    W,
    cli,
    item,
    log_in,
    main,
    post_in_widget,
    shown_ids,
)
from tests.live import LiveServer

LIVE = 10_000  # ms an expectation waits for news to arrive through the stream


def open_live(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on", timeout=LIVE)


def body_of(comment_id: str) -> str:
    return main(comment_id) + ".comment-body"


def test_others_comments_edits_votes_and_removals_reach_an_open_page(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    carol = Caller(app, "dev:carol", "Carol")
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    first = boris.post("Boris was here before the page opened.")["id"]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_live(page, app.url + "/")
    expect(page.locator(body_of(first))).to_have_text("Boris was here before the page opened.")

    # A new comment and a reply appear without a reload, and the count follows.
    fresh = boris.post("Fresh from Boris, while you read.")["id"]
    expect(page.locator(body_of(fresh))).to_have_text(
        "Fresh from Boris, while you read.", timeout=LIVE
    )
    assert shown_ids(page) == [first, fresh]
    reply = carol.post("Carol answers the first comment.", parent_id=first)["id"]
    expect(page.locator(item(first) + " ol.cw-replies > li")).to_have_attribute(
        "data-comment-id", reply, timeout=LIVE
    )
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "3")

    # An edit replaces the text and marks it edited; a vote moves the score.
    boris.edit(fresh, "Fresh from Boris, **corrected**.")
    expect(page.locator(body_of(fresh) + " strong")).to_have_text("corrected", timeout=LIVE)
    expect(page.locator(main(fresh) + ".cw-edited")).to_be_visible()
    carol.vote(fresh, 1)
    expect(page.locator(main(fresh) + ".cw-score")).to_have_text("1", timeout=LIVE)

    # The author deletes a comment that has a reply: it stays as a tombstone.
    boris.delete(first)
    expect(page.locator(main(first) + ".cw-tombstone")).to_have_text(
        "This comment was deleted.", timeout=LIVE
    )
    expect(page.locator(body_of(reply))).to_have_text("Carol answers the first comment.")
    # A moderator rejects the reply: it goes, and the tombstone with it.
    mia.decide(reply, "reject")
    expect(page.locator(item(reply))).to_have_count(0, timeout=LIVE)
    expect(page.locator(item(first))).to_have_count(0)
    # The author deletes a comment without replies: it goes.
    boris.delete(fresh)
    expect(page.locator(item(fresh))).to_have_count(0, timeout=LIVE)
    expect(page.locator(W + ".cw-empty")).to_be_visible()
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "0")
    assert errors == []


def test_readers_own_post_shows_once_and_their_controls_and_drafts_survive_live_news(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    first = boris.post("Boris starts.")["id"]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_live(page, app.url + "/")
    log_in(page, "Anna Reader")
    expect(page.locator(W + "section.cw")).to_have_attribute("data-live", "on", timeout=LIVE)
    page.click(main(first) + "button[data-action='vote-up']")
    expect(page.locator(main(first) + ".cw-score")).to_have_text("1")

    post_in_widget(page, "Anna posts while the stream is open.")
    own = page.locator(W + "li.cw-comment[data-author-id='dev:anna-reader']")
    expect(own).to_have_count(1)
    own_id = str(own.get_attribute("data-comment-id"))
    # News after hers has arrived, so the news of her own post has too: still one copy.
    later = boris.post("Boris again.")["id"]
    expect(page.locator(body_of(later))).to_be_visible(timeout=LIVE)
    assert shown_ids(page) == [first, own_id, later]
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "3")
    expect(page.locator(main(own_id) + "button[data-action='edit']")).to_have_count(1)

    # Anna drafts a reply; Boris edits the comment she answers: her draft stays.
    page.click(main(first) + "button[data-action='reply']")
    page.fill(W + "form.cw-reply-form textarea", "A draft Anna is still writing")
    boris.edit(first, "Boris starts, and edits.")
    expect(page.locator(body_of(first))).to_have_text("Boris starts, and edits.", timeout=LIVE)
    expect(page.locator(W + "form.cw-reply-form textarea")).to_have_value(
        "A draft Anna is still writing"
    )
    # Her vote stays hers when others' news about the comment arrives.
    expect(page.locator(main(first) + "button[data-action='vote-up']")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Her own edit keeps her controls once its news comes back.
    page.click(main(own_id) + "button[data-action='edit']")
    page.fill(W + "form.cw-edit-form textarea", "Anna posts, and edits.")
    page.click(W + "form.cw-edit-form button[data-action='save']")
    expect(page.locator(body_of(own_id))).to_have_text("Anna posts, and edits.")
    mark = boris.post("Boris marks the moment.")["id"]
    expect(page.locator(body_of(mark))).to_be_visible(timeout=LIVE)
    expect(page.locator(main(own_id) + "button[data-action='edit']")).to_have_count(1)
    expect(page.locator(main(own_id) + "button[data-action='delete']")).to_have_count(1)

    # A moderator closes the thread: the form goes; reopened, it comes back with the draft.
    page.fill(W + "form.cw-compose-form textarea[name='body']", "Half a thought")
    mia.close_thread()
    expect(page.locator(W + ".cw-composer .cw-notice")).to_have_text(
        "Comments are closed on this article.", timeout=LIVE
    )
    expect(page.locator(main(mark) + "button[data-action='reply']")).to_be_hidden()
    mia.close_thread(closed=False)
    expect(page.locator(W + "form.cw-compose-form textarea[name='body']")).to_have_value(
        "Half a thought", timeout=LIVE
    )
    expect(page.locator(main(mark) + "button[data-action='reply']")).to_be_visible()
    assert errors == []


def test_approved_comments_appear_live_and_the_readers_own_turns_published(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    boris = Caller(app, "dev:boris", "Boris")
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    open_live(page, app.url + "/")
    log_in(page, "Anna Reader")
    post_in_widget(page, "Anna waits for a moderator.")
    own = page.locator(W + "li.cw-comment[data-author-id='dev:anna-reader']")
    expect(own.locator(".cw-moderation")).to_contain_text("Awaiting moderation")
    own_id = str(own.get_attribute("data-comment-id"))
    held = boris.post("Boris waits too.")["id"]

    mia.decide(held, "approve")
    expect(page.locator(body_of(held))).to_have_text("Boris waits too.", timeout=LIVE)
    # Boris's comment was held before the page showed it: it is the second, by its time.
    assert shown_ids(page) == [own_id, held]
    mia.decide(own_id, "approve")
    expect(page.locator(main(own_id) + ".cw-moderation")).to_have_count(0, timeout=LIVE)
    expect(page.locator(item(own_id))).to_have_attribute("data-status", "approved")
    expect(page.locator(main(own_id) + "button[data-action='edit']")).to_have_count(1)
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "2")


def test_newest_first_new_comments_wait_behind_a_button(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    old = boris.post("An older comment.")["id"]
    open_live(page, app.url + "/")
    page.select_option(W + "select[data-action='sort']", "newest")
    expect(page.locator(body_of(old))).to_be_visible()
    one = boris.post("Newer, one.")["id"]
    two = boris.post("Newer, two.")["id"]
    button = page.locator(W + "button[data-action='show-new']")
    expect(button).to_have_text("Show 2 new comments", timeout=LIVE)
    # Nothing moved under the reader meanwhile; the count is already right.
    assert shown_ids(page) == [old]
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "3")
    button.click()
    expect(button).to_be_hidden()
    assert shown_ids(page) == [two, one, old]


def test_a_publishers_page_on_another_site_gets_live_comments(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    publisher_page(f"""<!doctype html><html><head><title>Publisher article</title></head>
<body><h1>A publisher's own article</h1>
<div id="comments" data-site="demo" data-thread="cross-site-live"
     data-thread-url="{publisher}/article.html"></div>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    boris = Caller(
        app, "dev:boris", "Boris", thread="cross-site-live", thread_url=publisher + "/article.html"
    )
    open_live(page, publisher + "/article.html")
    hostile = boris.post("<b>not bold</b> <img src=x onerror=window.pwned=1> from afar")["id"]
    expect(page.locator(body_of(hostile))).to_contain_text("<b>not bold</b>", timeout=LIVE)
    assert page.locator(body_of(hostile) + " img").count() == 0
    assert page.evaluate("window.pwned") is None
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "1")
