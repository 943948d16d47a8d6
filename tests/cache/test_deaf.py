"""A writer sees their write on the next read even when the announcement of it is late.

Instance B is made deaf to announcements (the pub/sub messages other instances send);
a logged-in read must still show a write made on A, because it asks Redis for the
thread's and the site's versions before it trusts B's copy.
"""

from __future__ import annotations

from tests.cache.across import (
    OPEN,
    TUNED,
    Looker,
    Page,
    Two,
    deaf,
    find,
    ids,
    logged_in_fresh,
)


def test_the_writer_sees_their_post_on_a_deaf_instance(two: Two) -> None:
    thread = two.thread("deafpost")
    _, writer = two.reader()
    _, other = two.reader()
    two.post(other, thread)
    posted: dict[str, str] = {}

    def write() -> None:
        posted["id"] = two.post(writer, thread)["id"]

    def seen(page: Page) -> bool:
        return posted.get("id") in ids(page)

    with deaf(two.b):
        logged_in_fresh(
            two,
            thread,
            write,
            [Looker("the writer", writer, seen), Looker("another reader", other, seen)],
        )


def test_the_voter_sees_their_vote_on_a_deaf_instance(two: Two) -> None:
    thread = two.thread("deafvote")
    _, author = two.reader()
    _, voter = two.reader()
    comment = two.post(author, thread)["id"]

    def seen(page: Page) -> bool:
        found = find(page, comment)
        votes = (page.get("viewer") or {}).get("votes")
        return found is not None and found["score"] == -1 and votes == {comment: -1}

    with deaf(two.b):
        logged_in_fresh(
            two,
            thread,
            lambda: two.call("PUT", f"/api/v1/comments/{comment}/vote", voter, {"value": -1}),
            [Looker("the voter", voter, seen)],
        )


def test_the_moderator_sees_a_closed_thread_on_a_deaf_instance(two: Two) -> None:
    thread = two.thread("deafclose")
    _, author = two.reader()
    moderator = two.staff()
    two.post(author, thread)

    def seen(page: Page) -> bool:
        return page["thread"]["closed"] is True

    with deaf(two.b):
        logged_in_fresh(
            two,
            thread,
            lambda: two.call(
                "POST", f"/api/v1/sites/{OPEN}/threads/close", moderator, {"thread": thread}
            ),
            [Looker("the moderator", moderator, seen), Looker("the author", author, seen)],
        )


def test_the_admin_sees_a_site_setting_on_a_deaf_instance(two: Two) -> None:
    thread = two.thread("deafsettings")
    _, author = two.reader(TUNED)
    _, reporter = two.reader(TUNED)
    admin = two.staff(TUNED, role="admin")
    reported = two.post(author, thread, site=TUNED)["id"]
    two.call(
        "POST", f"/api/v1/comments/{reported}/reports", reporter, {"reason": "abuse"}, expect=201
    )
    policy = two.call("GET", f"/api/v1/sites/{TUNED}/settings", admin).json()["policy"]
    hiding = policy["hide_after_reports"]

    def seen(page: Page) -> bool:
        return reported not in ids(page)

    def write() -> None:
        two.call(
            "PUT",
            f"/api/v1/sites/{TUNED}/settings",
            admin,
            {"policy": policy | {"hide_after_reports": 1}},
        )

    try:
        with deaf(two.b):
            logged_in_fresh(
                two,
                thread,
                write,
                [Looker("the admin", admin, seen), Looker("the reporter", reporter, seen)],
                site=TUNED,
            )
    finally:  # the site is shared by the module's tests
        two.call(
            "PUT",
            f"/api/v1/sites/{TUNED}/settings",
            admin,
            {"policy": policy | {"hide_after_reports": hiding}},
        )
