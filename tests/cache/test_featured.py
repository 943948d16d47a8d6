"""Featuring and unfeaturing a comment, read back from an instance that cached the page.

The rules are those of every write path (see `tests/cache/across.py`): an anonymous
reader on the instance that took the write sees it at once, one on the other instance
within a second, and a logged-in reader on their very next read there.
"""

from __future__ import annotations

from tests.cache.across import Looker, Page, Seen, Two, across


def _leads(comment_id: str, featured: bool) -> Seen:
    """A check that the comment leads the page and is (or is not) marked featured."""

    def seen(page: Page) -> bool:
        first = page["comments"][0] if page["comments"] else {}
        return (first.get("id") == comment_id) == featured and any(
            c["id"] == comment_id and c.get("featured") is featured for c in page["comments"]
        )

    return seen


def test_featuring_a_comment_reaches_every_reader_first(two: Two) -> None:
    thread = two.thread("feature")
    _, author = two.reader()
    _, reader = two.reader()
    two.post(author, thread)
    pinned = two.post(author, thread)["id"]
    staff = two.staff()
    seen = _leads(pinned, True)

    def write() -> None:
        two.call("POST", f"/api/v1/moderation/comments/{pinned}/feature", staff)

    across(two, thread, write, seen, logged=[Looker("a reader", reader, seen)])


def test_unfeaturing_a_comment_reaches_every_reader(two: Two) -> None:
    thread = two.thread("unfeature")
    _, author = two.reader()
    _, reader = two.reader()
    two.post(author, thread)
    pinned = two.post(author, thread)["id"]
    staff = two.staff()
    two.call("POST", f"/api/v1/moderation/comments/{pinned}/feature", staff)
    seen = _leads(pinned, False)

    def write() -> None:
        two.call("POST", f"/api/v1/moderation/comments/{pinned}/unfeature", staff)

    across(two, thread, write, seen, logged=[Looker("a reader", reader, seen)])
