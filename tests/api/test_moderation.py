"""The moderators' API: queues, decisions, claims, bans, threads, settings, the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from comments.models import SitePolicy
from tests.harness import Harness

Q = "/api/v1/sites/news/moderation/queue"


def held(h: Harness, author: str = "dev:author", body: str = "Please review me") -> dict[str, Any]:
    """A comment held for review (the site pre-moderates everything)."""
    h.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    posted = h.post(h.token(author), body)
    assert posted.status_code == 201 and posted.json()["status"] == "pending"
    return dict(posted.json())


def decide(h: Harness, token: str, comment_id: str, action: str, **extra: Any) -> Any:
    return h.client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action} | extra,
        headers=h.auth(token),
    )


def test_held_comment_waits_in_the_queue_with_its_reasons_and_author_history(
    harness: Harness,
) -> None:
    comment = held(harness)
    mod = harness.moderator()
    page = harness.client.get(Q, headers=harness.auth(mod)).json()
    assert page["counts"] == {"pending": 1, "reported": 0, "rejected": 0, "approved": 0}
    assert page["oldest_pending_at"] is not None
    (item,) = page["items"]
    assert item["comment"]["id"] == comment["id"]
    assert item["comment"]["body"] == "Please review me"
    assert item["reasons"][0]["code"] == "PREMODERATION"
    assert item["author"] | {"first_seen": None} == {
        "id": "dev:author",
        "name": "author",
        "avatar_url": None,
        "approved": 0,
        "rejected": 0,
        "first_seen": None,
        "banned": False,
    }
    assert item["thread"]["key"] == "union"


def test_approved_comment_leaves_the_queue_and_is_published(harness: Harness) -> None:
    comment = held(harness)
    mod = harness.moderator()
    r = decide(harness, mod, comment["id"], "approve", from_status="pending")
    assert r.status_code == 200, r.text
    assert r.json()["comment"]["status"] == "approved"
    assert [c["id"] for c in harness.thread()["comments"]] == [comment["id"]]
    assert harness.client.get(Q, headers=harness.auth(mod)).json()["items"] == []


def test_second_decision_on_one_item_is_a_conflict_naming_who_decided(harness: Harness) -> None:
    comment = held(harness)
    first, second = harness.moderator("dev:ann"), harness.moderator("dev:ben")
    assert (
        decide(harness, first, comment["id"], "approve", from_status="pending").status_code == 200
    )
    r = decide(harness, second, comment["id"], "reject", from_status="pending")
    assert r.status_code == 409
    assert r.json()["error"] == {"code": "conflict", "message": "Already approved by ann."}
    assert harness.thread()["comments"][0]["status"] == "approved"


def test_undo_puts_a_decided_comment_back_in_the_queue(harness: Harness) -> None:
    comment = held(harness)
    mod = harness.moderator()
    decide(harness, mod, comment["id"], "reject", from_status="pending")
    r = decide(harness, mod, comment["id"], "requeue", from_status="rejected")
    assert r.status_code == 200 and r.json()["comment"]["status"] == "pending"
    assert [
        i["comment"]["id"] for i in harness.client.get(Q, headers=harness.auth(mod)).json()["items"]
    ] == [comment["id"]]


def test_bulk_decisions_report_each_item(harness: Harness) -> None:
    ids = [held(harness, body=f"held {n}")["id"] for n in range(3)]
    mod = harness.moderator()
    decide(harness, mod, ids[0], "approve")
    r = harness.client.post(
        "/api/v1/sites/news/moderation/bulk",
        json={"ids": [*ids, "0" * 26], "action": "reject"},
        headers=harness.auth(mod),
    )
    assert r.status_code == 200
    assert r.json()["results"] == {
        ids[0]: "conflict",
        ids[1]: "ok",
        ids[2]: "ok",
        "0" * 26: "not_found",
    }


def test_reported_comment_reaches_the_reported_queue_until_reviewed(harness: Harness) -> None:
    author, reader = harness.token("dev:author"), harness.token("dev:reader")
    comment_id = harness.post(author, "Controversial").json()["id"]
    harness.client.post(
        f"/api/v1/comments/{comment_id}/reports",
        json={"reason": "abuse", "note": "Insulting"},
        headers=harness.auth(reader),
    )
    mod = harness.moderator()
    page = harness.client.get(Q, params={"status": "reported"}, headers=harness.auth(mod)).json()
    (item,) = page["items"]
    assert item["reports"] == {"count": 1, "reasons": {"abuse": 1}, "notes": ["Insulting"]}
    assert decide(harness, mod, comment_id, "approve", from_status="approved").status_code == 200
    again = harness.client.get(Q, params={"status": "reported"}, headers=harness.auth(mod))
    assert again.json()["items"] == [] and again.json()["counts"]["reported"] == 0


def test_claims_show_who_is_reviewing_and_lapse_for_the_claimer(harness: Harness) -> None:
    comment = held(harness)
    ann, ben = harness.moderator("dev:ann"), harness.moderator("dev:ben")
    url = f"/api/v1/moderation/comments/{comment['id']}/claim"
    assert harness.client.post(url, headers=harness.auth(ann)).json()["claimed_by"]["id"] == (
        "dev:ann"
    )
    taken = harness.client.post(url, headers=harness.auth(ben))
    assert taken.status_code == 409 and taken.json()["error"]["message"] == (
        "Being reviewed by ann."
    )
    assert harness.client.post(url, headers=harness.auth(ann)).status_code == 200
    item = harness.client.get(Q, headers=harness.auth(ben)).json()["items"][0]
    assert item["claimed_by"] == {"id": "dev:ann", "name": "ann"}


def test_ban_refuses_the_authors_next_post_and_ends_their_session(harness: Harness) -> None:
    author = harness.token("dev:troll")
    harness.post(author, "First")
    mod = harness.moderator()
    r = harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:troll", "reason": "Abuse of other readers"},
        headers=harness.auth(mod),
    )
    assert r.status_code == 201, r.text
    assert harness.post(author, "Again").status_code == 401
    fresh = harness.token("dev:troll")
    refused = harness.post(fresh, "And again")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
    bans = harness.client.get("/api/v1/sites/news/bans", headers=harness.auth(mod)).json()
    assert bans["bans"][0]["reason"] == "Abuse of other readers"
    lifted = harness.client.delete("/api/v1/sites/news/bans/dev:troll", headers=harness.auth(mod))
    assert lifted.status_code == 204
    assert harness.post(fresh, "Reformed").status_code == 201


def test_ban_can_reject_everything_the_author_has_waiting(harness: Harness) -> None:
    ids = [held(harness, "dev:spammer", f"spam {n}")["id"] for n in range(3)]
    mod = harness.moderator()
    r = harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:spammer", "reason": "Spam", "reject_pending": True},
        headers=harness.auth(mod),
    )
    assert r.json()["rejected"] == 3
    rejected = harness.client.get(Q, params={"status": "rejected"}, headers=harness.auth(mod))
    assert sorted(i["comment"]["id"] for i in rejected.json()["items"]) == sorted(ids)


def test_suspension_ends_by_itself(harness: Harness) -> None:
    harness.token("dev:hothead")
    mod = harness.moderator()
    until = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    r = harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:hothead", "reason": "Cool off", "until": until},
        headers=harness.auth(mod),
    )
    assert r.status_code == 201, r.text
    assert harness.post(harness.token("dev:hothead"), "x").status_code == 403

    async def lapse(s: Any) -> None:
        ban = await s.deps.storage.get_ban("news", "dev:hothead")
        from dataclasses import replace

        from comments.storage import BanWrite

        lapsed = replace(ban, until=datetime.now(UTC) - timedelta(seconds=1))
        await s.deps.storage.ban(BanWrite(ban=lapsed, revoke_sessions=False))

    harness.run(lapse)
    assert harness.post(harness.token("dev:hothead"), "Calm now").status_code == 201


def test_shadow_banned_author_sees_their_comment_and_nobody_else_does(harness: Harness) -> None:
    author = harness.token("dev:shadow")
    mod = harness.moderator()
    harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:shadow", "reason": "Brigading", "shadow": True},
        headers=harness.auth(mod),
    )
    posted = harness.post(author, "Can anyone hear me?")
    assert posted.status_code == 201 and posted.json()["status"] == "approved"
    mine = harness.thread(token=author)["viewer"]["own"]
    # Shown to its author as published, beside the page everyone shares.
    assert [(c["id"], c["status"]) for c in mine] == [(posted.json()["id"], "approved")]
    assert harness.thread()["comments"] == []
    assert harness.thread(token=harness.token("dev:other"))["comments"] == []
    assert harness.thread()["thread"]["count"] == 0


def test_closed_thread_refuses_comments_until_opened(harness: Harness) -> None:
    reader = harness.token()
    harness.post(reader, "Before closing")
    mod = harness.moderator()
    r = harness.client.post(
        "/api/v1/sites/news/threads/close", json={"thread": "union"}, headers=harness.auth(mod)
    )
    assert r.status_code == 200 and r.json()["thread"]["closed"] is True
    refused = harness.post(reader, "After closing")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "thread_closed"
    assert harness.thread()["thread"]["closed"] is True
    harness.client.post(
        "/api/v1/sites/news/threads/open", json={"thread": "union"}, headers=harness.auth(mod)
    )
    assert harness.post(reader, "Open again").status_code == 201


def test_settings_are_read_by_moderators_and_changed_by_admins_only(harness: Harness) -> None:
    mod, admin = harness.moderator(), harness.moderator("dev:boss", role="admin")
    url = "/api/v1/sites/news/settings"
    got = harness.client.get(url, headers=harness.auth(mod)).json()
    assert got["origins"] == ["https://news.example"] and got["sso_secret_set"] is False
    change = {"policy": got["policy"] | {"premoderation": "new"}, "sso_secret": "s" * 40}
    assert harness.client.put(url, json=change, headers=harness.auth(mod)).status_code == 403
    r = harness.client.put(url, json=change, headers=harness.auth(admin))
    assert r.status_code == 200 and r.json()["policy"]["premoderation"] == "new"
    assert r.json()["sso_secret_set"] is True and "s" * 40 not in r.text
    bad = harness.client.put(
        url, json={"policy": got["policy"] | {"reply_depth": 99}}, headers=harness.auth(admin)
    )
    assert bad.status_code == 422 and "policy.reply_depth" in bad.json()["error"]["fields"]


def test_audit_log_records_automatic_and_human_decisions(harness: Harness) -> None:
    comment = held(harness)
    mod = harness.moderator()
    decide(harness, mod, comment["id"], "reject", reason="Off topic")
    entries = harness.client.get(
        "/api/v1/sites/news/moderation/log", headers=harness.auth(mod)
    ).json()["entries"]
    assert [(e["action"], e["actor"]["name"]) for e in entries] == [
        ("reject", "mod"),
        ("auto_hold", "Automatic moderation"),
    ]
    assert entries[0]["reason"] == "Off topic" and entries[0]["comment_id"] == comment["id"]


def test_dry_run_check_stores_nothing(harness: Harness) -> None:
    mod = harness.moderator()
    links = " ".join(f"https://spam{n}.example" for n in range(5))
    r = harness.client.post(
        "/api/v1/sites/news/moderation/check", json={"body": links}, headers=harness.auth(mod)
    )
    assert r.json()["action"] == "hold"
    assert r.json()["reasons"][0]["code"] == "TOO_MANY_LINKS"
    assert harness.client.get(Q, headers=harness.auth(mod)).json()["counts"]["pending"] == 0


def test_admin_grants_roles(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    harness.token("dev:newbie")
    r = harness.client.put(
        "/api/v1/sites/news/roles/dev:newbie",
        json={"roles": ["moderator"]},
        headers=harness.auth(admin),
    )
    assert r.status_code == 200
    roles = harness.client.get("/api/v1/sites/news/roles", headers=harness.auth(admin)).json()
    newbie = {"user_id": "dev:newbie", "user_name": "newbie", "roles": ["moderator"]}
    assert newbie | {"source": "site"} in roles["roles"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", Q, None),
        ("POST", "/api/v1/sites/news/moderation/bulk", {"ids": ["0" * 26], "action": "approve"}),
        ("GET", "/api/v1/sites/news/bans", None),
        ("POST", "/api/v1/sites/news/bans", {"user_id": "dev:reader", "reason": "x"}),
        ("DELETE", "/api/v1/sites/news/bans/dev:reader", None),
        ("GET", "/api/v1/sites/news/settings", None),
        ("PUT", "/api/v1/sites/news/settings", {"origins": ["https://evil.example"]}),
        ("GET", "/api/v1/sites/news/roles", None),
        ("PUT", "/api/v1/sites/news/roles/dev:reader", {"roles": ["admin"]}),
        ("GET", "/api/v1/sites/news/moderation/log", None),
        ("POST", "/api/v1/sites/news/moderation/check", {"body": "hello"}),
        ("GET", "/api/v1/sites/news/moderation/events", None),
        ("POST", "/api/v1/sites/news/threads/close", {"thread": "union"}),
        ("POST", "/api/v1/sites/news/threads/open", {"thread": "union"}),
        (
            "POST",
            "/api/v1/sites/news/threads/options",
            {"thread": "union", "slow_mode_seconds": 60},
        ),
    ],
)
def test_widget_tokens_and_other_sites_moderators_are_refused(
    harness: Harness, method: str, path: str, body: Any
) -> None:
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    reader = harness.token("dev:reader")
    other_mod = harness.moderator("dev:elsewhere", site="other")
    for token in (reader, other_mod):
        r = harness.client.request(method, path, json=body, headers=harness.auth(token))
        assert r.status_code == 403, (token, r.text)
        assert r.json()["error"]["code"] == "forbidden"
    assert harness.client.request(method, path, json=body).status_code == 401


def test_other_sites_moderator_cannot_decide_or_claim_by_comment_id(harness: Harness) -> None:
    comment = held(harness)
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    other_mod = harness.moderator("dev:elsewhere", site="other")
    reader = harness.token("dev:reader")
    for token in (other_mod, reader):
        assert decide(harness, token, comment["id"], "approve").status_code == 403
        claim = harness.client.post(
            f"/api/v1/moderation/comments/{comment['id']}/claim", headers=harness.auth(token)
        )
        assert claim.status_code == 403
    assert harness.thread()["comments"] == []


def test_me_tells_a_suspended_reader_they_are_banned(harness: Harness) -> None:
    harness.token("dev:hothead")
    mod = harness.moderator()
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    harness.client.post(
        "/api/v1/sites/news/bans",
        json={"user_id": "dev:hothead", "reason": "Cool off", "until": until},
        headers=harness.auth(mod),
    )
    token = harness.token("dev:hothead")
    me = harness.client.get("/api/v1/me", params={"site": "news"}, headers=harness.auth(token))
    assert me.json()["user"]["banned"] is True


def test_comment_reported_past_the_threshold_is_hidden_until_reviewed(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(hide_after_reports=2)))
    author = harness.token("dev:author")
    comment_id = harness.post(author, "Provocative").json()["id"]
    for reader in ("dev:r1", "dev:r2"):
        harness.client.post(
            f"/api/v1/comments/{comment_id}/reports",
            json={"reason": "abuse"},
            headers=harness.auth(harness.token(reader)),
        )
    assert harness.thread()["comments"] == []
    # Its author still sees it (as published), in their own part of the page.
    mine = harness.thread(token=author)
    assert mine["comments"] == [] and [c["id"] for c in mine["viewer"]["own"]] == [comment_id]
    mod = harness.moderator()
    assert decide(harness, mod, comment_id, "approve", from_status="approved").status_code == 200
    assert [c["id"] for c in harness.thread()["comments"]] == [comment_id]
