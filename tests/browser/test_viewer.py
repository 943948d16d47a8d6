"""The reader's own parts of a thread in Chromium, after a reload: held comments and votes.

Logged-in reads answer the reader's votes, rights and held comments in one `viewer` block
beside the shared page (the `served` runs). The widget still reads the older shape too,
with those parts inside each comment: the `older` runs rewrite each answer into it in the
browser.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.live import LiveServer

W = "#comments >> "  # Playwright's CSS pierces the widget's open shadow root
THREAD = "belarus-russia-union"  # the demo article's thread
THREAD_PAGE = re.compile(r"/api/v1/sites/demo/comments\?")


def cli(app: LiveServer, *args: str) -> str:
    """The command line against the live app's database, as an admin would use it."""
    env = os.environ | {"COMMENTS_DATABASE_URL": app.settings.database_url}
    done = subprocess.run(
        [sys.executable, "-m", "comments", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Caller:
    """Someone using the API with a bearer token from the command line: another reader
    in a browser of their own, or a moderator."""

    def __init__(
        self,
        app: LiveServer,
        user: str,
        name: str,
        role: str | None = None,
        thread: str = THREAD,
        thread_url: str | None = None,
    ) -> None:
        args = ["tokens", "create", "--site", "demo", "--user", user, "--name", name]
        token = cli(app, *args, *(["--role", role] if role else [])).strip().rsplit(": ", 1)[1]
        self.app = app
        self.thread = thread
        self.thread_url = thread_url or app.url + "/"
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: dict[str, Any], expect: int) -> Any:
        with httpx.Client(base_url=self.app.url, headers=self.headers, timeout=30) as http:
            response = http.request(method, path, json=body if body else None)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def post(self, body: str, parent_id: str | None = None) -> dict[str, Any]:
        payload = {"thread": self.thread, "body": body, "thread_url": self.thread_url}
        if parent_id:
            payload["parent_id"] = parent_id
        data: dict[str, Any] = self.call("POST", "/api/v1/sites/demo/comments", payload, 201)
        return data

    def edit(self, comment_id: str, body: str) -> None:
        self.call("PATCH", f"/api/v1/comments/{comment_id}", {"body": body}, 200)

    def delete(self, comment_id: str) -> None:
        self.call("DELETE", f"/api/v1/comments/{comment_id}", {}, 204)

    def vote(self, comment_id: str, value: int) -> None:
        self.call("PUT", f"/api/v1/comments/{comment_id}/vote", {"value": value}, 200)

    def decide(self, comment_id: str, action: str) -> None:
        path = f"/api/v1/moderation/comments/{comment_id}/decision"
        self.call("POST", path, {"action": action}, 200)

    def close_thread(self, closed: bool = True) -> None:
        path = "/api/v1/sites/demo/threads/" + ("close" if closed else "open")
        self.call("POST", path, {"thread": self.thread}, 200)


def log_in(page: Page, name: str) -> None:
    """Press the dev login, type a name in the popup, wait for the widget to say so."""
    with page.expect_popup() as opened:
        page.click(W + "button[data-action='login'][data-provider='dev']")
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#name", name)
    popup.click("button[type=submit]")
    expect(page.locator(W + ".cw-me-user")).to_have_text(name)


def post_in_widget(page: Page, text: str) -> None:
    page.fill(W + "form.cw-compose-form textarea[name='body']", text)
    page.click(W + "form.cw-compose-form button[data-action='post']")


def item(comment_id: str) -> str:
    return W + f"li[data-comment-id='{comment_id}']"


def main(comment_id: str) -> str:
    return item(comment_id) + " > .cw-main "


def shown_ids(page: Page, selector: str = W + ".cw-list > li.cw-comment") -> list[str]:
    return [str(el.get_attribute("data-comment-id")) for el in page.locator(selector).all()]


def older_shape(data: dict[str, Any], sort: str) -> dict[str, Any]:
    """A page with its `viewer` block put back inside the comments, as the service once
    answered: each comment's own `my_vote`, `can_edit`, `can_delete`, and the reader's
    held comments among the others, by time (replies oldest first)."""
    viewer = data.pop("viewer", None)
    if viewer is None:
        return data
    votes = viewer["votes"]
    can_edit, can_delete = set(viewer["can_edit"]), set(viewer["can_delete"])
    placed: dict[str, list[dict[str, Any]]] = {}

    def personal(comments: list[dict[str, Any]]) -> None:
        for c in comments:
            c.update(
                my_vote=votes.get(c["id"]),
                can_edit=c["id"] in can_edit,
                can_delete=c["id"] in can_delete,
            )
            placed[c["id"]] = c["replies"]
            personal(c["replies"])

    personal(data["comments"])
    for own in viewer["own"]:
        own["can_edit"] = own["id"] in can_edit or bool(own.get("can_edit"))
        own["can_delete"] = own["id"] in can_delete or bool(own.get("can_delete"))
        parent = own.get("parent_id")
        siblings = data["comments"] if parent is None else placed.get(parent)
        if siblings is None:
            continue
        siblings.append(own)
        siblings.sort(
            key=lambda c: str(c["created_at"]), reverse=parent is None and sort == "newest"
        )
    return data


def answer_in_older_shape(route: Route, rewritten: list[str]) -> None:
    """Serve a logged-in thread read in the older shape, whatever the service sent."""
    request = route.request
    if request.method != "GET" or "authorization" not in request.headers:
        route.continue_()
        return
    response = route.fetch()
    if response.status != 200:
        route.fulfill(response=response)
        return
    headers = {
        key: value
        for key, value in response.headers.items()
        if key.lower() not in ("content-encoding", "content-length", "etag")
    }
    data = response.json()
    if "viewer" in data:
        rewritten.append(request.url)
    sort = parse_qs(urlsplit(request.url).query).get("sort", ["oldest"])[0]
    route.fulfill(status=200, headers=headers, body=json.dumps(older_shape(data, sort)))


@pytest.fixture(params=["served", "older"])
def shape(request: pytest.FixtureRequest, page: Page) -> Iterator[str]:
    """Which answers the page gets: as served (per-reader parts in the `viewer` block), or
    rewritten into the older shape (inside each comment), which the widget still reads."""
    rewritten: list[str] = []
    if request.param == "older":
        page.route(THREAD_PAGE, lambda route: answer_in_older_shape(route, rewritten))
    yield str(request.param)
    if request.param == "older":
        assert rewritten, "no logged-in read was rewritten"


def test_reader_sees_their_held_comments_where_they_belong_after_reload(
    serve_app: Callable[..., LiveServer], page: Page, shape: str
) -> None:
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    boris = Caller(app, "dev:boris", "Boris")
    mia = Caller(app, "dev:mia", "Mia", role="moderator")
    first = boris.post("Boris opens the discussion.")["id"]
    mia.decide(first, "approve")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    post_in_widget(page, "Anna holds a view in between.")
    expect(page.locator(W + ".cw-moderation").first).to_contain_text("Awaiting moderation")
    held = page.locator(W + "li.cw-comment[data-status='pending']").first
    held_id = str(held.get_attribute("data-comment-id"))
    page.click(main(first) + "button[data-action='reply']")
    page.fill(W + "form.cw-reply-form textarea", "Anna answers Boris, held too.")
    page.click(W + "form.cw-reply-form button[data-action='post']")
    expect(page.locator(item(first) + " ol.cw-replies > li")).to_have_count(1)
    reply_id = str(
        page.locator(item(first) + " ol.cw-replies > li").first.get_attribute("data-comment-id")
    )
    last = boris.post("Boris has the last word.")["id"]
    mia.decide(last, "approve")

    page.reload()
    # Oldest first: the held comment sits between the two published ones, by its time.
    expect(page.locator(main(last) + ".comment-body")).to_have_text("Boris has the last word.")
    assert shown_ids(page) == [first, held_id, last]
    expect(page.locator(main(held_id) + ".cw-moderation")).to_contain_text("Awaiting moderation")
    expect(page.locator(main(held_id) + ".cw-reasons")).to_contain_text("reviews every comment")
    expect(page.locator(main(held_id) + ".comment-body")).to_have_text(
        "Anna holds a view in between."
    )
    expect(page.locator(main(held_id) + "button[data-action='vote-up']")).to_have_count(0)
    # The held reply is under the comment it answers.
    expect(page.locator(item(first) + " ol.cw-replies > li")).to_have_attribute(
        "data-comment-id", reply_id
    )
    expect(page.locator(main(reply_id) + ".cw-moderation")).to_contain_text("Awaiting moderation")
    # Only published comments count.
    expect(page.locator(W + ".cw-count")).to_have_attribute("data-count", "2")

    page.select_option(W + "select[data-action='sort']", "newest")
    expect(page.locator(W + ".cw-list > li.cw-comment").first).to_have_attribute(
        "data-comment-id", last
    )
    assert shown_ids(page) == [last, held_id, first]
    assert errors == []


def test_a_post_answered_while_the_page_after_login_loads_stays_on_screen(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    """The read the widget makes once the reader has logged in can be answered before
    their first post and arrive after it (a slow service): drawn as it came, that page
    would take the held comment off the screen, with nothing to bring it back."""
    app = serve_app()
    cli(app, "sites", "update", "demo", "--premod", "all")
    boris = Caller(app, "dev:boris", "Boris")
    first = boris.post("Boris opens the discussion.")["id"]
    Caller(app, "dev:mia", "Mia", role="moderator").decide(first, "approve")
    late: list[tuple[Route, Any]] = []

    def answer_late(route: Route) -> None:
        """The first logged-in read: answered now, delivered when the test says."""
        if "authorization" in route.request.headers and not late:
            late.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(THREAD_PAGE, answer_late)
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    for _ in range(200):  # the read is on its way once the login shows; its answer, soon
        if late:
            break
        page.wait_for_timeout(50)
    assert late, "no page was read after the login"
    expect(page.locator(W + "ol.cw-list")).to_have_attribute("aria-busy", "true")
    post_in_widget(page, "Anna posts before her page is in.")
    pending = page.locator(W + "li.cw-comment[data-status='pending']")
    expect(pending.locator(".cw-moderation")).to_contain_text("Awaiting moderation")
    route, answer = late[0]
    route.fulfill(response=answer)
    expect(page.locator(W + "ol.cw-list")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(main(first) + ".comment-body")).to_have_text("Boris opens the discussion.")
    expect(pending.locator(".comment-body")).to_have_text("Anna posts before her page is in.")
    assert shown_ids(page)[0] == first and len(shown_ids(page)) == 2


def test_reader_sees_their_votes_and_their_own_controls_after_reload(
    serve_app: Callable[..., LiveServer], page: Page, shape: str
) -> None:
    app = serve_app()
    boris = Caller(app, "dev:boris", "Boris")
    liked = boris.post("A comment Anna likes.")["id"]
    disliked = boris.post("A comment Anna does not like.")["id"]
    untouched = boris.post("A comment Anna leaves alone.")["id"]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url + "/")
    log_in(page, "Anna Reader")
    post_in_widget(page, "Anna's own published comment.")
    own = page.locator(W + "li.cw-comment[data-author-id='dev:anna-reader']")
    expect(own).to_have_count(1)
    own_id = str(own.get_attribute("data-comment-id"))
    page.click(main(liked) + "button[data-action='vote-up']")
    expect(page.locator(main(liked) + ".cw-score")).to_have_text("1")
    page.click(main(disliked) + "button[data-action='vote-down']")
    expect(page.locator(main(disliked) + ".cw-score")).to_have_text("-1")

    page.reload()
    expect(page.locator(W + ".cw-me-user")).to_have_text("Anna Reader")
    up, down = "button[data-action='vote-up']", "button[data-action='vote-down']"
    expect(page.locator(main(liked) + up)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(main(liked) + down)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(main(disliked) + down)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(main(disliked) + up)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(main(untouched) + up)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(main(liked) + ".cw-score")).to_have_text("1")
    # Her own comment offers edit and delete; Boris's do not.
    expect(page.locator(main(own_id) + "button[data-action='edit']")).to_have_count(1)
    expect(page.locator(main(own_id) + "button[data-action='delete']")).to_have_count(1)
    expect(page.locator(main(liked) + "button[data-action='edit']")).to_have_count(0)
    expect(page.locator(main(liked) + "button[data-action='delete']")).to_have_count(0)

    # Taking the vote back after the reload works from the state the page showed.
    page.click(main(liked) + up)
    expect(page.locator(main(liked) + ".cw-score")).to_have_text("0")
    expect(page.locator(main(liked) + up)).to_have_attribute("aria-pressed", "false")
    page.click(main(own_id) + "button[data-action='edit']")
    expect(page.locator(W + "form.cw-edit-form textarea")).to_have_value(
        "Anna's own published comment."
    )
    assert errors == []
