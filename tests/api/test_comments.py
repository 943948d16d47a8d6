"""Reading and writing comments through the API, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from comments.models import SitePolicy
from tests.harness import ARTICLE, Harness


def test_posted_comment_is_published_and_listed_with_its_author(harness: Harness) -> None:
    token = harness.token("dev:alice", name="Alice")
    posted = harness.post(token, "Gradual integration *sounds* wise.", thread_title="Union talk")
    assert posted.status_code == 201, posted.text
    comment = posted.json()
    assert comment["status"] == "approved"
    assert comment["html"] == "<p>Gradual integration <em>sounds</em> wise.</p>"
    assert comment["author"]["name"] == "Alice"
    assert comment["can_edit"] and comment["can_delete"]

    page = harness.thread()
    # Where the thread's live events stood when the page was made: the widget's stream
    # starts there, so nothing between the read and the stream is missed.
    assert isinstance(page["thread"].pop("last_event_id"), str)
    assert page["thread"] == {
        "key": "union",
        "url": ARTICLE,
        "title": "Union talk",
        "closed": False,
        "count": 1,
    }
    assert [c["id"] for c in page["comments"]] == [comment["id"]]
    anonymous = page["comments"][0]
    assert "body" not in anonymous
    assert not anonymous["can_edit"] and not anonymous["can_delete"]


def test_unknown_thread_is_an_empty_page(harness: Harness) -> None:
    page = harness.thread("never-commented")
    assert page == {
        "thread": {
            "key": "never-commented",
            "url": None,
            "title": None,
            "closed": False,
            "count": 0,
            "last_event_id": "0-0",  # before any event
        },
        "comments": [],
        "next_cursor": None,
    }


def test_replies_nest_under_their_parent(harness: Harness) -> None:
    alice, bob = harness.token("dev:alice"), harness.token("dev:bob")
    top = harness.post(alice, "Top").json()
    reply = harness.post(bob, "Reply", parent_id=top["id"]).json()
    nested = harness.post(alice, "Reply to reply", parent_id=reply["id"]).json()
    assert reply["parent_id"] == top["id"]

    page = harness.thread()
    assert len(page["comments"]) == 1
    shown = page["comments"][0]
    assert shown["reply_count"] == 1
    assert shown["replies"][0]["id"] == reply["id"]
    assert shown["replies"][0]["replies"][0]["id"] == nested["id"]
    assert page["thread"]["count"] == 3


def test_replies_beyond_the_sites_depth_attach_to_the_deepest_level(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(reply_depth=1)))
    token = harness.token()
    top = harness.post(token, "Top").json()
    first = harness.post(token, "Level one", parent_id=top["id"]).json()
    deeper = harness.post(token, "Would be level two", parent_id=first["id"]).json()
    assert deeper["parent_id"] == top["id"]
    shown = harness.thread()["comments"][0]
    assert [r["id"] for r in shown["replies"]] == [first["id"], deeper["id"]]


def test_pages_follow_cursors_in_every_order(harness: Harness) -> None:
    token = harness.token("dev:alice")
    ids = [harness.post(token, f"Comment {n}").json()["id"] for n in range(5)]
    for sort, expected in (("oldest", ids), ("newest", ids[::-1])):
        seen, cursor = [], None
        while True:
            params = {"sort": sort, "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = harness.thread(**params)
            seen += [c["id"] for c in page["comments"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, sort


def test_top_sorts_by_score_and_pages_without_repeats(harness: Harness) -> None:
    author = harness.token("dev:author")
    voters = [harness.token(f"dev:voter{n}") for n in range(3)]
    ids = [harness.post(author, f"Comment {n}").json()["id"] for n in range(4)]
    for n, voter in enumerate(voters):
        for comment_id in ids[: n + 1]:
            r = harness.client.put(
                f"/api/v1/comments/{comment_id}/vote",
                json={"value": 1},
                headers=harness.auth(voter),
            )
            assert r.status_code == 200
    first = harness.thread(sort="top", limit=2)
    second = harness.thread(sort="top", limit=2, cursor=first["next_cursor"])
    order = [c["id"] for c in first["comments"] + second["comments"]]
    assert order == [ids[0], ids[1], ids[2], ids[3]]
    assert [c["score"] for c in first["comments"]] == [3, 2]


def test_author_edits_within_the_window_and_the_html_follows(harness: Harness) -> None:
    token = harness.token()
    comment = harness.post(token, "First draft").json()
    edited = harness.client.patch(
        f"/api/v1/comments/{comment['id']}",
        json={"body": "Second **draft**"},
        headers=harness.auth(token),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["html"] == "<p>Second <strong>draft</strong></p>"
    assert edited.json()["edited_at"] is not None
    assert harness.thread()["comments"][0]["html"] == "<p>Second <strong>draft</strong></p>"


def test_edit_after_the_window_is_refused(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(edit_window_seconds=0)))
    token = harness.token()
    comment = harness.post(token, "Too late to change").json()
    assert not comment["can_edit"]
    r = harness.client.patch(
        f"/api/v1/comments/{comment['id']}", json={"body": "x"}, headers=harness.auth(token)
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert harness.thread()["comments"][0]["html"] == "<p>Too late to change</p>"


def test_deleted_comment_with_replies_stays_as_a_tombstone(harness: Harness) -> None:
    alice, bob = harness.token("dev:alice"), harness.token("dev:bob")
    top = harness.post(alice, "Something regrettable").json()
    harness.post(bob, "A reply worth keeping", parent_id=top["id"])
    lonely = harness.post(alice, "Gone for good").json()
    for comment_id in (top["id"], lonely["id"]):
        r = harness.client.delete(f"/api/v1/comments/{comment_id}", headers=harness.auth(alice))
        assert r.status_code == 204
    page = harness.thread()
    assert [c["id"] for c in page["comments"]] == [top["id"]]
    tombstone = page["comments"][0]
    assert tombstone["status"] == "deleted"
    assert tombstone["html"] == ""
    assert tombstone["author"]["name"] == "[deleted]"
    assert "regrettable" not in str(page)
    assert tombstone["replies"][0]["html"] == "<p>A reply worth keeping</p>"
    assert page["thread"]["count"] == 1


def test_votes_count_once_per_reader_and_can_be_withdrawn(harness: Harness) -> None:
    author, reader = harness.token("dev:author"), harness.token("dev:reader")
    comment_id = harness.post(author).json()["id"]
    url = f"/api/v1/comments/{comment_id}/vote"
    assert harness.client.put(url, json={"value": 1}, headers=harness.auth(reader)).json() == {
        "score": 1,
        "my_vote": 1,
    }
    assert (
        harness.client.put(url, json={"value": 1}, headers=harness.auth(reader)).json()["score"]
        == 1
    )
    assert (
        harness.client.put(url, json={"value": -1}, headers=harness.auth(reader)).json()["score"]
        == -1
    )
    page = harness.thread(token=reader)
    shown = page["comments"][0]
    assert shown["score"] == -1 and page["viewer"]["votes"] == {comment_id: -1}
    assert shown["my_vote"] == 0  # the shared bytes keep their anonymous value
    assert (
        harness.client.put(url, json={"value": 0}, headers=harness.auth(reader)).json()["score"]
        == 0
    )


def test_vote_on_ones_own_comment_is_refused(harness: Harness) -> None:
    token = harness.token()
    comment_id = harness.post(token).json()["id"]
    r = harness.client.put(
        f"/api/v1/comments/{comment_id}/vote", json={"value": 1}, headers=harness.auth(token)
    )
    assert r.status_code == 403
    assert harness.thread()["comments"][0]["score"] == 0


def test_report_is_taken_once_per_reader(harness: Harness) -> None:
    author, reader = harness.token("dev:author"), harness.token("dev:reader")
    comment_id = harness.post(author).json()["id"]
    url = f"/api/v1/comments/{comment_id}/reports"
    first = harness.client.post(
        url, json={"reason": "spam", "note": "Advertising"}, headers=harness.auth(reader)
    )
    assert first.status_code == 201
    again = harness.client.post(url, json={"reason": "abuse"}, headers=harness.auth(reader))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    stored = harness.run(lambda s: s.deps.storage.get_comment(comment_id))
    assert stored is not None and stored.report_count == 1


def test_counts_cover_every_requested_thread(harness: Harness) -> None:
    token = harness.token()
    harness.post(token, thread="a")
    harness.post(token, thread="a")
    harness.post(token, thread="b/with/slashes")
    r = harness.client.get(
        "/api/v1/sites/news/counts",
        params=[("thread", "a"), ("thread", "b/with/slashes"), ("thread", "c")],
    )
    assert r.status_code == 200
    assert r.json() == {"counts": {"a": 2, "b/with/slashes": 1, "c": 0}}


def test_premoderated_comment_is_pending_and_seen_only_by_its_author(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    author, other = harness.token("dev:author"), harness.token("dev:other")
    posted = harness.post(author, "Please publish me").json()
    assert posted["status"] == "pending"
    assert posted["moderation"]["reasons"][0]["message"].startswith("This site reviews")
    assert harness.thread()["comments"] == []
    seen_by_other = harness.thread(token=other)
    assert seen_by_other["comments"] == [] and seen_by_other["viewer"]["own"] == []
    mine = harness.thread(token=author)
    assert mine["comments"] == []  # the shared page is everyone's: the author's part is apart
    own = mine["viewer"]["own"]
    assert [c["id"] for c in own] == [posted["id"]]
    assert own[0]["body"] == "Please publish me" and own[0]["status"] == "pending"
    assert mine["viewer"]["can_delete"] == [posted["id"]]
    assert harness.thread()["thread"]["count"] == 0


def test_me_answers_the_user_with_roles(harness: Harness) -> None:
    token = harness.token("dev:alice", name="Alice")
    r = harness.client.get("/api/v1/me", params={"site": "news"}, headers=harness.auth(token))
    assert r.status_code == 200
    assert r.json() == {
        "user": {
            "id": "dev:alice",
            "name": "Alice",
            "avatar_url": None,
            "roles": [],
            "banned": False,
            "language": None,
        }
    }


def test_emoji_count_as_one_character_each_on_every_database(harness: Harness) -> None:
    token = harness.token()
    body = "😀🙂" * 5_000
    posted = harness.post(token, body)
    assert posted.status_code == 201, posted.text[:200]
    stored = harness.run(lambda s: s.deps.storage.get_comment(posted.json()["id"]))
    assert stored is not None and stored.body == body
    assert harness.post(token, body + "😀").status_code == 422
