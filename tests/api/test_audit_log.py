"""The audit log reads on its own: a settings change says what went from what to what
(never a secret), and an entry about a comment shows which comment, in a few words."""

from __future__ import annotations

from typing import Any

from comments.models import AuditEntry, SitePolicy
from comments.service import Service
from comments.storage import Effects
from tests.harness import Harness

LOG = "/api/v1/sites/news/moderation/log"
SETTINGS = "/api/v1/sites/news/settings"


def entries(h: Harness, token: str) -> list[dict[str, Any]]:
    r = h.client.get(LOG, headers=h.auth(token))
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["entries"]
    return found


def put_settings(h: Harness, token: str, **change: Any) -> None:
    r = h.client.put(SETTINGS, json=change, headers=h.auth(token))
    assert r.status_code == 200, r.text


def test_settings_row_keeps_each_changed_field_from_and_to(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    policy = harness.client.get(SETTINGS, headers=harness.auth(admin)).json()["policy"]
    changed = policy | {"premoderation": "all", "max_links": 1, "banned_words": ["spam"]}
    origins = ["https://news.example/", "https://m.news.example"]
    put_settings(harness, admin, policy=changed, origins=origins)
    (row, *_) = entries(harness, admin)
    assert row["action"] == "settings" and row["actor"]["id"] == "dev:boss"
    changes = row["details"]["changes"]
    assert changes["premoderation"] == {"from": "off", "to": "all"}
    assert changes["max_links"] == {"from": 3, "to": 1}
    assert changes["banned_words"] == {
        "added": ["spam"], "removed": [], "from": [], "to": ["spam"]
    }  # fmt: skip
    assert changes["origins"]["added"] == ["https://m.news.example"]
    assert changes["origins"]["removed"] == []  # the same origin, written with a slash
    assert set(changes) == {"premoderation", "max_links", "banned_words", "origins"}
    assert row["details"]["changed"] == ["origins", "policy"]


def test_secrets_show_as_changed_and_never_as_values(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    policy = harness.client.get(SETTINGS, headers=harness.auth(admin)).json()["policy"]
    sso, classifier = "S" * 40, "C" * 40
    with_classifier = policy | {
        "classifier_url": "https://classifier.example/check",
        "classifier_secret": classifier,
    }
    put_settings(harness, admin, policy=with_classifier, sso_secret=sso)
    r = harness.client.get(LOG, headers=harness.auth(admin))
    assert sso not in r.text and classifier not in r.text
    changes = r.json()["entries"][0]["details"]["changes"]
    assert changes["sso_secret"] == {"changed": True}
    assert changes["classifier_secret"] == {"changed": True}
    assert changes["classifier_url"] == {"from": None, "to": "https://classifier.example/check"}


def test_long_word_lists_keep_what_was_added_and_removed(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    words = tuple(f"word{n}" for n in range(300))
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(suspect_words=words)))
    policy = harness.client.get(SETTINGS, headers=harness.auth(admin)).json()["policy"]
    changed = policy | {"suspect_words": [*words[1:], "fresh"]}
    put_settings(harness, admin, policy=changed)
    change = entries(harness, admin)[0]["details"]["changes"]["suspect_words"]
    assert change == {"added": ["fresh"], "removed": ["word0"]}


def test_rows_written_before_keep_their_own_details(harness: Harness) -> None:
    mod = harness.moderator()

    async def old_row(s: Service) -> None:
        entry = AuditEntry(
            id=s.deps.ids.new(), site="news", actor_id="dev:mod", action="settings",
            created_at=s.deps.clock(), details={"changed": ["policy"]},
        )  # fmt: skip
        await s.deps.storage.record(Effects(audit=(entry,)))

    harness.run(old_row)
    assert entries(harness, mod)[0]["details"] == {"changed": ["policy"]}
    assert entries(harness, mod)[0]["comment"] is None


def test_entries_about_a_comment_say_which_in_plain_text(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    long = "**Bold** claim & a [link](https://example.org/x) " + "word " * 60
    posted = harness.post(harness.token("dev:alice"), long).json()
    mod = harness.moderator()
    r = harness.client.post(
        f"/api/v1/moderation/comments/{posted['id']}/decision",
        json={"action": "approve", "from_status": "pending"},
        headers=harness.auth(mod),
    )
    assert r.status_code == 200
    approve, hold = entries(harness, mod)[:2]
    assert approve["comment"] == hold["comment"]
    about = approve["comment"]
    assert about["id"] == posted["id"] and about["thread"] == "union"
    assert about["excerpt"].startswith("Bold claim & a link word word")
    assert len(about["excerpt"]) == 140 and "<" not in about["excerpt"]
