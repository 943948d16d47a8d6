"""Permalinks: `?around=ID` answers the page that holds a comment, however deep or late.

A reader opening a link to a reply on page three of a long thread sees that reply's
top-level comment first, with the replies leading down to it even when more than the
first twenty come before it; a link to something hidden or gone leaves the first page.
"""

from __future__ import annotations

from typing import Any

import pytest

from comments.models import SitePolicy
from tests.harness import Harness

UNLIMITED = SitePolicy(rate_per_minute=0, rate_per_hour=0, ip_rate_per_hour=0, surge_per_minute=0)


@pytest.fixture
def h(harness: Harness) -> Harness:
    harness.run(lambda s: s.sites.update("news", policy=UNLIMITED))
    return harness


def post(h: Harness, token: str, text: str, parent: str | None = None) -> str:
    extra = {"parent_id": parent} if parent else {}
    response = h.post(token, text, **extra)
    assert response.status_code == 201 and response.json()["status"] == "approved", response.text
    return str(response.json()["id"])


def find(comments: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    for comment in comments:
        if comment["id"] == wanted:
            return comment
        found = find(comment.get("replies") or [], wanted)
        if found:
            return found
    return None


@pytest.fixture
def long_thread(h: Harness) -> dict[str, Any]:
    """30 top-level comments; the 17th has 25 replies, and the 23rd reply a reply of its own."""
    alice, bob = h.token("dev:alice"), h.token("dev:bob")
    tops = [post(h, alice, f"Top-level comment number {n}.") for n in range(30)]
    replies = [post(h, bob, f"Reply number {n} to the seventeenth.", tops[16]) for n in range(25)]
    deep = post(h, alice, "A reply to the twenty-third reply.", replies[22])
    return {"tops": tops, "replies": replies, "deep": deep}


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_the_page_begins_with_the_linked_comments_conversation(
    h: Harness, long_thread: dict[str, Any], sort: str
) -> None:
    tops, deep = long_thread["tops"], long_thread["deep"]
    page = h.thread(sort=sort, limit=5, around=deep)
    assert page["comments"][0]["id"] == tops[16]
    assert len(page["comments"]) == 5
    shown = find(page["comments"], deep)
    assert shown is not None and "twenty-third" in shown["html"]
    # The 23rd reply is past the twenty shown at first, and still there: it leads to the link.
    assert find(page["comments"], long_thread["replies"][22]) is not None
    # The page carries on from there like any other.
    following = h.thread(sort=sort, limit=5, cursor=page["next_cursor"])
    assert tops[16] not in [c["id"] for c in following["comments"]]


def test_a_linked_top_level_comment_begins_the_page(
    h: Harness, long_thread: dict[str, Any]
) -> None:
    tops = long_thread["tops"]
    page = h.thread(limit=5, around=tops[25])
    assert [c["id"] for c in page["comments"]] == tops[25:30]
    assert page["next_cursor"] is None


def test_a_hidden_or_unknown_comment_leaves_the_first_page(
    h: Harness, long_thread: dict[str, Any]
) -> None:
    first = h.thread(limit=5)
    mod = h.moderator()
    deep = long_thread["deep"]
    decided = h.client.post(
        f"/api/v1/moderation/comments/{deep}/decision",
        json={"action": "reject"},
        headers=h.auth(mod),
    )
    assert decided.status_code == 200, decided.text
    page = h.thread(limit=5, around=deep)
    assert find(page["comments"], deep) is None  # never shown to anyone else
    unknown = h.thread(limit=5, around="0" * 26)
    assert unknown["comments"] == first["comments"]


def test_a_comment_of_another_thread_leaves_the_first_page(
    h: Harness, long_thread: dict[str, Any]
) -> None:
    other = h.post(h.token("dev:carol"), "Elsewhere entirely.", thread="other")
    assert other.status_code == 201
    page = h.thread(limit=5, around=other.json()["id"])
    assert [c["id"] for c in page["comments"]] == long_thread["tops"][:5]


def test_a_malformed_permalink_is_a_clear_error(h: Harness) -> None:
    response = h.client.get(
        "/api/v1/sites/news/comments", params={"thread": "union", "around": "<script>"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"]


def test_a_link_to_a_hidden_top_level_comment_leaves_the_first_page(
    h: Harness, long_thread: dict[str, Any]
) -> None:
    tops = long_thread["tops"]
    first = h.thread(limit=5)
    lonely = tops[29]  # no replies: rejected, nothing of it is shown
    decided = h.client.post(
        f"/api/v1/moderation/comments/{lonely}/decision",
        json={"action": "reject"},
        headers=h.auth(h.moderator()),
    )
    assert decided.status_code == 200, decided.text
    page = h.thread(limit=5, around=lonely)
    assert [c["id"] for c in page["comments"]] == [c["id"] for c in first["comments"]]
