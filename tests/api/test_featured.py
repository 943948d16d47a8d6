"""Featured comments: staff pin published top-level comments to the top of their thread.

Every reader's first page, in every sort, leads with them (newest featured first), later
pages never repeat them, and a comment rejected or deleted stops being featured.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx2 as httpx
import pytest

from comments.models import SitePolicy
from comments.service import Service
from comments.storage import FeatureWrite
from tests.harness import Harness

SORTS = ("oldest", "newest", "top")
LOG = "/api/v1/sites/news/moderation/log"
UNLIMITED = SitePolicy(rate_per_minute=0, rate_per_hour=0, ip_rate_per_hour=0, surge_per_minute=0)


@pytest.fixture
def h(harness: Harness) -> Harness:
    """The harness, with a site whose readers may post as often as the test needs."""
    harness.run(lambda s: s.sites.update("news", policy=UNLIMITED))
    return harness


def feature(h: Harness, token: str, comment_id: str, undo: bool = False) -> httpx.Response:
    action = "unfeature" if undo else "feature"
    return h.client.post(
        f"/api/v1/moderation/comments/{comment_id}/{action}", headers=h.auth(token)
    )


def posted(h: Harness, count: int, author: str = "dev:alice") -> list[str]:
    token = h.token(author)
    ids = []
    for n in range(count):
        response = h.post(token, f"Comment number {n}")
        assert response.status_code == 201 and response.json()["status"] == "approved"
        ids.append(response.json()["id"])
    return ids


def top_ids(page: dict[str, Any]) -> list[str]:
    return [comment["id"] for comment in page["comments"]]


def every_page(h: Harness, sort: str, limit: int) -> Iterator[list[str]]:
    cursor = None
    while True:
        page = h.thread(sort=sort, limit=limit, **({"cursor": cursor} if cursor else {}))
        yield top_ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return


def upvote(h: Harness, comment_id: str, voters: int) -> None:
    for n in range(voters):
        response = h.client.put(
            f"/api/v1/comments/{comment_id}/vote",
            json={"value": 1},
            headers=h.auth(h.token(f"dev:voter{n}")),
        )
        assert response.status_code == 200, response.text


def test_a_featured_comment_leads_the_cached_first_page_in_every_sort(h: Harness) -> None:
    first, middle, last = posted(h, 3)
    upvote(h, first, 2)
    upvote(h, last, 1)
    before = {sort: top_ids(h.thread(sort=sort)) for sort in SORTS}  # now cached
    assert before["top"] == [first, last, middle]
    mod = h.moderator()

    answer = feature(h, mod, middle)

    assert answer.status_code == 200, answer.text
    assert answer.json()["comment"] | {"featured_at": None} == {
        "id": middle,
        "status": "approved",
        "featured": True,
        "featured_at": None,
        "featured_by": "dev:mod",
    }
    for sort in SORTS:
        page = h.thread(sort=sort)
        others = [i for i in before[sort] if i != middle]
        assert top_ids(page) == [middle, *others], sort
        assert [c["featured"] for c in page["comments"]] == [True, False, False], sort


def test_featured_comments_come_newest_featured_first_and_no_page_repeats_them(
    h: Harness,
) -> None:
    ids = posted(h, 6)
    mod = h.moderator()
    for comment_id in (ids[1], ids[4]):
        assert feature(h, mod, comment_id).status_code == 200
    for sort in SORTS:
        pages = list(every_page(h, sort, limit=2))
        assert pages[0][:2] == [ids[4], ids[1]], sort
        assert len(pages[0]) == 4  # the featured, then a page's worth of the others
        seen = [comment_id for page in pages for comment_id in page]
        assert sorted(seen) == sorted(ids), sort  # each once, none lost


def test_unfeaturing_puts_the_comment_back_in_its_place(h: Harness) -> None:
    ids = posted(h, 3)
    mod = h.moderator()
    assert feature(h, mod, ids[2]).status_code == 200
    assert top_ids(h.thread()) == [ids[2], ids[0], ids[1]]

    answer = feature(h, mod, ids[2], undo=True)

    assert answer.status_code == 200, answer.text
    assert answer.json()["comment"]["featured"] is False
    page = h.thread()
    assert top_ids(page) == ids
    assert not any(c["featured"] for c in page["comments"])


def test_featuring_twice_changes_nothing(h: Harness) -> None:
    (comment_id,) = posted(h, 1)
    mod = h.moderator()
    first = feature(h, mod, comment_id).json()["comment"]
    again = feature(h, h.moderator("dev:othermod"), comment_id)
    assert again.status_code == 200
    assert again.json()["comment"] == first  # still featured by the first, at that time
    assert feature(h, mod, comment_id, undo=True).status_code == 200
    assert feature(h, mod, comment_id, undo=True).status_code == 200
    actions = [e["action"] for e in h.client.get(LOG, headers=h.auth(mod)).json()["entries"]]
    assert actions == ["unfeature", "feature"]


def test_the_audit_log_names_who_featured_and_unfeatured_which_comment(h: Harness) -> None:
    (comment_id,) = posted(h, 1)
    admin = h.moderator("dev:boss", role="admin")
    mod = h.moderator()
    assert feature(h, admin, comment_id).status_code == 200
    assert feature(h, mod, comment_id, undo=True).status_code == 200
    entries = h.client.get(LOG, headers=h.auth(mod)).json()["entries"]
    assert [(e["action"], e["actor"]["id"], e["comment_id"], e["user_id"]) for e in entries] == [
        ("unfeature", "dev:mod", comment_id, "dev:alice"),
        ("feature", "dev:boss", comment_id, "dev:alice"),
    ]


def test_readers_and_other_sites_staff_are_refused_and_unknown_comments_are_404(
    h: Harness,
) -> None:
    (comment_id,) = posted(h, 1)
    h.run(lambda s: s.sites.create("other", ["https://other.example"]))
    for token in (h.token("dev:reader"), h.moderator("dev:elsewhere", site="other")):
        for undo in (False, True):
            answer = feature(h, token, comment_id, undo)
            assert answer.status_code == 403, answer.text
            assert answer.json()["error"]["code"] == "forbidden"
    assert feature(h, h.token("dev:reader"), comment_id).status_code == 403
    mod = h.moderator()
    for unknown in ("01HZZZZZZZZZZZZZZZZZZZZZZZ", "no-such-comment"):
        answer = feature(h, mod, unknown)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    assert h.client.post(f"/api/v1/moderation/comments/{comment_id}/feature").status_code == 401
    assert not h.thread()["comments"][0]["featured"]


def conflict(answer: httpx.Response) -> str:
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "conflict"
    message: str = error["message"]
    return message


def test_only_a_published_top_level_comment_can_be_featured(h: Harness) -> None:
    (parent,) = posted(h, 1)
    reply = h.post(h.token("dev:bob"), "A reply", parent_id=parent).json()["id"]
    h.run(lambda s: s.sites.update("news", policy=UNLIMITED.model_copy(
        update={"premoderation": "all"})))  # fmt: skip
    pending = h.post(h.token("dev:carol"), "Waiting for review").json()
    assert pending["status"] == "pending"
    mod = h.moderator()
    assert "top-level" in conflict(feature(h, mod, reply))
    assert "review" in conflict(feature(h, mod, pending["id"]))
    rejected = h.client.post(
        f"/api/v1/moderation/comments/{pending['id']}/decision",
        json={"action": "reject"},
        headers=h.auth(mod),
    )
    assert rejected.status_code == 200
    assert "rejected" in conflict(feature(h, mod, pending["id"]))
    page = h.thread()
    assert top_ids(page) == [parent] and not page["comments"][0]["featured"]


def test_a_thread_has_at_most_five_featured_comments(h: Harness) -> None:
    ids = posted(h, 6)
    mod = h.moderator()
    for comment_id in ids[:5]:
        assert feature(h, mod, comment_id).status_code == 200
    assert "5 featured" in conflict(feature(h, mod, ids[5]))
    assert top_ids(h.thread())[:5] == ids[4::-1]
    assert feature(h, mod, ids[0], undo=True).status_code == 200
    assert feature(h, mod, ids[5]).status_code == 200  # room again
    other = h.post(h.token("dev:bob"), "Elsewhere", thread="another").json()["id"]
    assert feature(h, mod, other).status_code == 200  # the limit is per thread


def test_two_staff_featuring_at_once_never_pass_the_limit(h: Harness) -> None:
    ids = posted(h, 6)
    mod = h.moderator()
    for comment_id in ids[:4]:
        assert feature(h, mod, comment_id).status_code == 200

    async def both(s: Service) -> list[str]:
        writes = [
            FeatureWrite(comment_id=i, featured=True, actor_id="dev:mod",
                         now=datetime.now(UTC), most=5)
            for i in ids[4:]
        ]  # fmt: skip
        found = await asyncio.gather(*(s.deps.storage.feature_comment(w) for w in writes))
        return sorted(outcome for outcome, _ in found)

    assert h.run(both) == ["changed", "full"]
    assert [c["featured"] for c in h.thread()["comments"]].count(True) == 5


def test_rejecting_a_featured_comment_unfeatures_it(h: Harness) -> None:
    ids = posted(h, 2)
    mod = h.moderator()
    assert feature(h, mod, ids[1]).status_code == 200
    assert top_ids(h.thread()) == [ids[1], ids[0]]

    def decide(action: str, from_status: str) -> None:
        answer = h.client.post(
            f"/api/v1/moderation/comments/{ids[1]}/decision",
            json={"action": action, "from_status": from_status},
            headers=h.auth(mod),
        )
        assert answer.status_code == 200, answer.text

    decide("reject", "approved")
    assert top_ids(h.thread()) == [ids[0]]
    decide("approve", "rejected")  # published again, but no longer pinned
    page = h.thread()
    assert top_ids(page) == ids and not any(c["featured"] for c in page["comments"])


def test_a_deleted_featured_comment_stays_only_as_an_unfeatured_tombstone(h: Harness) -> None:
    ids = posted(h, 2)
    h.post(h.token("dev:bob"), "A reply worth keeping", parent_id=ids[1])
    mod = h.moderator()
    assert feature(h, mod, ids[1]).status_code == 200
    deleted = h.client.delete(f"/api/v1/comments/{ids[1]}", headers=h.auth(h.token("dev:alice")))
    assert deleted.status_code == 204
    for sort in SORTS:
        pages = list(every_page(h, sort, limit=1))
        assert sorted(i for page in pages for i in page) == sorted(ids), sort
    tombstone = next(c for c in h.thread()["comments"] if c["id"] == ids[1])
    assert tombstone["status"] == "deleted" and tombstone["featured"] is False
    assert feature(h, mod, ids[1], undo=True).json()["comment"]["featured"] is False


@pytest.fixture
def external(database_url: str) -> Iterator[Harness]:
    """The app with nothing delivered behind the test's back: the test drives the outbox."""
    with Harness.start(database_url, worker="external") as app:
        app.run(lambda s: s.sites.update("news", policy=UNLIMITED))
        app.run(lambda s: s.dispatcher.deliver_due())
        yield app


def test_featuring_reaches_open_widgets_as_a_live_update(external: Harness) -> None:
    h = external
    (comment_id,) = posted(h, 1)
    h.run(lambda s: s.dispatcher.deliver_due())
    channel = "news:union"
    head = h.run(lambda s: s.deps.event_log.head(channel))
    mod = h.moderator()

    assert feature(h, mod, comment_id).status_code == 200
    assert top_ids(h.thread()) == [comment_id]  # the page moved before delivery
    h.run(lambda s: s.dispatcher.deliver_due())
    assert feature(h, mod, comment_id, undo=True).status_code == 200
    h.run(lambda s: s.dispatcher.deliver_due())

    async def logged(s: Service) -> list[tuple[str, Any]]:
        found = await s.deps.event_log.since(channel, head)
        assert found is not None
        return [(name, json.loads(data)) for _id, name, data in found]

    events = h.run(logged)
    assert [(name, data["id"], data["featured"]) for name, data in events] == [
        ("comment.updated", comment_id, True),
        ("comment.updated", comment_id, False),
    ]
