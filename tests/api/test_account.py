"""A reader takes their data away, or has it erased."""

from __future__ import annotations

from tests.harness import Harness


def test_export_holds_every_comment_and_vote_of_the_reader(harness: Harness) -> None:
    alice, bob = harness.token("dev:alice", name="Alice"), harness.token("dev:bob")
    mine = harness.post(alice, "My own words").json()["id"]
    theirs = harness.post(bob, "Bob's words").json()["id"]
    harness.client.put(
        f"/api/v1/comments/{theirs}/vote", json={"value": 1}, headers=harness.auth(alice)
    )
    r = harness.client.get("/api/v1/me/export", headers=harness.auth(alice))
    assert r.status_code == 200
    data = r.json()
    assert data["user"]["id"] == "dev:alice"
    assert [(c["id"], c["body"]) for c in data["comments"]] == [(mine, "My own words")]
    assert [(v["comment_id"], v["value"]) for v in data["votes"]] == [(theirs, 1)]


def test_erasure_leaves_tombstones_drops_votes_and_ends_the_session(harness: Harness) -> None:
    alice, bob = harness.token("dev:alice"), harness.token("dev:bob")
    top = harness.post(alice, "To be forgotten").json()["id"]
    harness.post(bob, "A reply that stays", parent_id=top)
    bobs = harness.post(bob, "Liked by Alice").json()["id"]
    harness.client.put(
        f"/api/v1/comments/{bobs}/vote", json={"value": 1}, headers=harness.auth(alice)
    )
    assert harness.client.delete("/api/v1/me", headers=harness.auth(alice)).status_code == 204
    page = harness.thread()
    tombstone = next(c for c in page["comments"] if c["id"] == top)
    assert tombstone["status"] == "deleted" and tombstone["author"]["name"] == "[deleted]"
    assert "forgotten" not in str(page)
    assert next(c for c in page["comments"] if c["id"] == bobs)["score"] == 0
    after = harness.client.get("/api/v1/me", params={"site": "news"}, headers=harness.auth(alice))
    assert after.status_code == 401
    assert harness.run(lambda s: s.deps.storage.get_user("dev:alice")) is None
