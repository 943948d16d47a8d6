"""Per-thread pre-moderation, slow mode, and surge mode switching itself on."""

from __future__ import annotations

from typing import Any

from comments.models import SitePolicy
from tests.harness import Harness

OPTIONS = "/api/v1/sites/news/threads/options"


def test_moderator_premoderates_one_thread_only(harness: Harness) -> None:
    reader = harness.token()
    harness.post(reader, "Opening the thread")
    mod = harness.moderator()
    r = harness.client.post(
        OPTIONS, json={"thread": "union", "premoderation": "all"}, headers=harness.auth(mod)
    )
    assert r.status_code == 200 and r.json()["thread"]["premoderation"] == "all"
    assert harness.post(reader, "Held here").json()["status"] == "pending"
    assert (
        harness.post(
            reader, "Published elsewhere", thread="other", thread_url="https://news.example/other"
        ).json()["status"]
        == "approved"
    )
    harness.client.post(
        OPTIONS, json={"thread": "union", "premoderation": None}, headers=harness.auth(mod)
    )
    assert harness.post(reader, "Back to normal").json()["status"] == "approved"


def test_slow_mode_allows_one_comment_per_reader_per_interval(harness: Harness) -> None:
    reader, other = harness.token("dev:one"), harness.token("dev:two")
    harness.post(reader, "First")
    mod = harness.moderator()
    harness.client.post(
        OPTIONS, json={"thread": "union", "slow_mode_seconds": 120}, headers=harness.auth(mod)
    )
    assert harness.post(reader, "Second").status_code == 201
    refused = harness.post(reader, "Third")
    assert refused.status_code == 429
    assert "slow mode" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 120
    assert harness.post(other, "Another reader").status_code == 201


def test_surge_switches_a_busy_thread_to_slow_mode_and_tells_the_moderators(
    harness: Harness,
) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(surge_per_minute=3)))
    readers = [harness.token(f"dev:r{n}") for n in range(4)]
    for n, token in enumerate(readers[:3]):
        assert harness.post(token, f"Breaking {n}").status_code == 201
    # The third comment turned surge on and counted in its slow-mode window.
    assert harness.post(readers[2], "Again, quickly").status_code == 429
    assert harness.post(readers[3], "My first here").status_code == 201
    mod = harness.moderator()
    log = harness.client.get("/api/v1/sites/news/moderation/log", headers=harness.auth(mod))
    surge: list[Any] = [e for e in log.json()["entries"] if e["action"] == "surge_on"]
    assert len(surge) == 1 and surge[0]["details"]["thread"] == "union"


def test_surge_can_hold_every_comment_instead(harness: Harness) -> None:
    policy = SitePolicy(surge_per_minute=2, surge_action="premoderate")
    harness.run(lambda s: s.sites.update("news", policy=policy))
    first = harness.post(harness.token("dev:a"), "One")
    second = harness.post(harness.token("dev:b"), "Two")
    assert first.json()["status"] == "approved"
    assert second.json()["status"] == "pending"
    assert second.json()["moderation"]["reasons"][0]["message"].startswith("This site reviews")


def test_thread_closes_itself_days_after_its_first_comment(sqlite_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC)]
    with Harness.start(sqlite_url, clock=lambda: now[0]) as h:
        h.run(lambda s: s.sites.update("news", policy=SitePolicy(auto_close_days=2)))
        reader = h.token()
        assert h.post(reader, "Day one").status_code == 201
        now[0] += timedelta(days=1)
        assert h.post(reader, "Day two").status_code == 201
        now[0] += timedelta(days=1, minutes=1)
        refused = h.post(reader, "Day three")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "thread_closed"
        assert h.thread()["thread"]["closed"] is True
