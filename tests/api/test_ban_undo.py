"""Undoing a ban that rejected what the user had waiting: the ban names what it rejected,
lifting it and requeueing those puts everything back as it was before."""

from __future__ import annotations

from typing import Any

from comments.models import SitePolicy
from tests.harness import Harness

BANS = "/api/v1/sites/news/bans"
QUEUE = "/api/v1/sites/news/moderation/queue"


def queue_ids(h: Harness, token: str, status: str) -> list[str]:
    r = h.client.get(QUEUE, params={"status": status}, headers=h.auth(token))
    return sorted(item["comment"]["id"] for item in r.json()["items"])


def requeue(h: Harness, token: str, comment_id: str) -> Any:
    return h.client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": "requeue", "from_status": "rejected"},
        headers=h.auth(token),
    )


def test_ban_names_what_it_rejected_and_undo_restores_it(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    spammer = harness.token("dev:spammer")
    waiting = sorted(harness.post(spammer, f"Offer {n}").json()["id"] for n in range(2))
    other = harness.post(harness.token("dev:alice"), "Unrelated").json()["id"]
    mod = harness.moderator()
    r = harness.client.post(
        BANS,
        json={"user_id": "dev:spammer", "reason": "Spam", "reject_pending": True},
        headers=harness.auth(mod),
    )
    assert r.status_code == 201, r.text
    assert sorted(r.json()["rejected_ids"]) == waiting and r.json()["rejected"] == 2
    assert queue_ids(harness, mod, "pending") == [other]
    log = harness.client.get("/api/v1/sites/news/moderation/log", headers=harness.auth(mod))
    newest = log.json()["entries"][:3]
    assert [e["action"] for e in newest] == ["ban", "reject", "reject"]
    assert sorted(e["comment_id"] for e in newest[1:]) == waiting
    assert all(e["details"] == {"from": "pending", "to": "rejected", "ban": True}
               for e in newest[1:])  # fmt: skip
    # The dashboard's Undo: lift the ban, send each rejected comment back to the queue.
    assert (
        harness.client.delete(f"{BANS}/dev:spammer", headers=harness.auth(mod)).status_code == 204
    )
    for comment_id in r.json()["rejected_ids"]:
        assert requeue(harness, mod, comment_id).status_code == 200
    assert queue_ids(harness, mod, "pending") == sorted([*waiting, other])
    assert queue_ids(harness, mod, "rejected") == []
    assert harness.post(harness.token("dev:spammer"), "I am back").status_code == 201


def test_a_ban_without_rejecting_names_nothing(harness: Harness) -> None:
    harness.token("dev:troll")
    r = harness.client.post(
        BANS,
        json={"user_id": "dev:troll", "reason": "Rude"},
        headers=harness.auth(harness.moderator()),
    )
    assert r.status_code == 201 and r.json()["rejected_ids"] == [] and r.json()["rejected"] == 0
