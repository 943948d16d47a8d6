"""The per-reader parts of a page: one `viewer` block beside the shared, cached bytes.

A logged-in read is the anonymous page's very bytes with the reader's own block in front,
so nothing per reader ever leaks into (or is cached as) the shared part, and nothing one
reader may see alone reaches another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.cache.across import OPEN, Page, Two, fetch, find, ids, own, read, walk

ANONYMOUS = {"my_vote": 0, "can_edit": False, "can_delete": False}


@dataclass(frozen=True)
class Scene:
    """A thread with an author's published comment and reply, another reader's vote on it,
    the author's comment held for review, and a moderator."""

    thread: str
    author_id: str
    author: str
    voter_id: str
    voter: str
    moderator: str
    published: str
    reply: str
    held: str


@pytest.fixture(scope="module")
def scene(two: Two) -> Scene:
    thread = two.thread("viewer")
    author_id, author = two.reader(prefix="writer")
    voter_id, voter = two.reader(prefix="voter")
    moderator = two.staff()
    published = two.post(author, thread)["id"]
    reply = two.post(voter, thread, parent=published)["id"]
    two.call("PUT", f"/api/v1/comments/{published}/vote", voter, {"value": 1})
    two.call(
        "POST",
        f"/api/v1/sites/{OPEN}/threads/options",
        moderator,
        {"thread": thread, "premoderation": "all"},
    )
    held = two.post(author, thread)
    assert held["status"] == "pending"
    return Scene(
        thread, author_id, author, voter_id, voter, moderator, published, reply, held["id"]
    )


def viewer(page: Page) -> dict[str, Any]:
    """The viewer block of a logged-in read (failing when there is none)."""
    block = page.get("viewer")
    assert isinstance(block, dict), f"no viewer block in {sorted(page)}"
    return block


def test_an_anonymous_read_has_no_viewer_block_and_anonymous_values(two: Two, scene: Scene) -> None:
    page = read(two.b, scene.thread).json
    assert "viewer" not in page
    assert ids(page) == [scene.published, scene.reply]
    for comment in walk(page["comments"]):
        assert {k: comment[k] for k in ANONYMOUS} == ANONYMOUS, comment["id"]


@pytest.mark.parametrize("who", ["author", "voter", "moderator"])
def test_a_logged_in_read_is_the_anonymous_bytes_plus_the_viewer_block(
    two: Two, scene: Scene, who: str
) -> None:
    token = getattr(scene, who)
    for instance in (two.a, two.b):
        anonymous = fetch(
            instance, f"/api/v1/sites/{OPEN}/comments", params={"thread": scene.thread}
        ).content
        logged = fetch(
            instance, f"/api/v1/sites/{OPEN}/comments", token, params={"thread": scene.thread}
        ).content
        page = json.loads(logged)
        viewer(page)
        assert {k: v for k, v in page.items() if k != "viewer"} == json.loads(anonymous)
        # Byte for byte: the shared part is the cached anonymous page itself, not a re-make.
        assert anonymous.startswith(b"{") and anonymous[1:] in logged


def test_the_author_gets_their_edit_and_delete_rights_and_their_held_comment(
    two: Two, scene: Scene
) -> None:
    page = read(two.b, scene.thread, scene.author).json
    block = viewer(page)
    assert block["user_id"] == scene.author_id
    assert block["votes"] == {}
    assert scene.published in block["can_edit"] and scene.published in block["can_delete"]
    assert scene.reply not in block["can_edit"] and scene.reply not in block["can_delete"]
    assert block["badges"] == []
    held = own(page)
    assert list(held) == [scene.held]
    assert held[scene.held]["status"] == "pending"
    assert "body" in held[scene.held] and "reasons" in held[scene.held]["moderation"]
    assert scene.held not in ids(page)
    for comment in walk(page["comments"]):
        assert {k: comment[k] for k in ANONYMOUS} == ANONYMOUS, comment["id"]


def test_another_reader_gets_their_vote_and_never_someone_elses_held_comment(
    two: Two, scene: Scene
) -> None:
    response = fetch(
        two.b, f"/api/v1/sites/{OPEN}/comments", scene.voter, params={"thread": scene.thread}
    )
    page = response.json()
    block = viewer(page)
    assert block["user_id"] == scene.voter_id
    assert block["votes"] == {scene.published: 1}
    assert block["can_edit"] == [scene.reply] and block["can_delete"] == [scene.reply]
    assert block["own"] == []
    assert scene.held not in response.text
    published = find(page, scene.published)
    assert published is not None and published["my_vote"] == 0 and published["score"] == 1


def test_a_moderator_gets_their_badge_and_may_delete_everything_shown(
    two: Two, scene: Scene
) -> None:
    response = fetch(
        two.b, f"/api/v1/sites/{OPEN}/comments", scene.moderator, params={"thread": scene.thread}
    )
    block = viewer(response.json())
    assert "moderator" in block["badges"]
    assert set(block["can_delete"]) == {scene.published, scene.reply}
    assert block["can_edit"] == [] and block["votes"] == {} and block["own"] == []
    assert scene.held not in response.text  # the queue shows it, not the page


def test_a_shadow_banned_authors_new_comment_is_theirs_alone(two: Two) -> None:
    thread = two.thread("shadowpost")
    author_id, author = two.reader(prefix="shadowed")
    _, other = two.reader()
    two.post(other, thread)
    two.call(
        "POST",
        f"/api/v1/sites/{OPEN}/bans",
        two.staff(),
        {"user_id": author_id, "reason": "Spam", "shadow": True},
        expect=201,
    )
    for instance in (two.a, two.b):  # both have served the page before the post
        assert read(instance, thread).status == 200
        assert read(instance, thread, other).status == 200
    comment = two.post(author, thread)
    assert comment["status"] == "approved"  # as far as its author can tell
    mine = read(two.b, thread, author).json
    assert comment["id"] in own(mine), "the shadow-banned author does not see their comment"
    for instance in (two.a, two.b):
        for token in (None, other):
            answer = fetch(
                instance, f"/api/v1/sites/{OPEN}/comments", token, params={"thread": thread}
            )
            assert comment["id"] not in answer.text
