"""Moderation statistics: what the dashboard charts, counted by the database.

Every UTC day of the window is there, oldest first, zero when nothing happened; holds
are comments that went to review, decisions the moderators' approvals and rejections;
a reason's outcome is what became of the comments it held; the median wait runs from a
hold to the decision that ended it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from comments.models import SitePolicy
from tests.harness import Harness

STATS = "/api/v1/sites/news/moderation/stats"
START = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


class Clock:
    """The service's time, moved on by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(database_url: str, clock: Clock) -> Iterator[Harness]:
    """The app on SQLite, then PostgreSQL, under the test's clock; `news` holds everything."""
    with Harness.start(database_url, clock=clock) as h:
        policy = SitePolicy(premoderation="all", surge_per_minute=0)
        h.run(lambda s: s.sites.update("news", policy=policy))
        yield h


def decide(h: Harness, token: str, comment_id: str, action: str, seen: str) -> None:
    r = h.client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "from_status": seen},
        headers=h.auth(token),
    )
    assert r.status_code == 200, r.text


def stats(h: Harness, token: str, **params: Any) -> Any:
    r = h.client.get(STATS, params=params, headers=h.auth(token))
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return r.json()


def held(h: Harness, author: str, body: str) -> str:
    posted = h.post(h.token(author), body)
    assert posted.json()["status"] == "pending", posted.text
    return str(posted.json()["id"])


def test_days_reasons_waits_and_the_queue(timed: Harness, clock: Clock) -> None:
    h, mod = timed, timed.moderator()
    first, second = held(h, "dev:alice", "One."), held(h, "dev:bob", "Two.")  # 29 Nov
    clock.wait(seconds=600)
    decide(h, mod, first, "approve", "pending")  # waited 10 minutes
    clock.wait(days=1, seconds=-600)
    decide(h, mod, second, "reject", "pending")  # waited a day
    third = held(h, "dev:carol", "Three.")  # 30 Nov, still waiting
    clock.wait(days=1, hours=1)  # 1 Dec, 11:00
    report = h.client.post(
        f"/api/v1/comments/{first}/reports",
        json={"reason": "spam"},
        headers=h.auth(h.token("dev:dan")),
    )
    assert report.status_code == 201
    decide(h, mod, first, "approve", "approved")  # a report reviewed: no hold waited for it
    found = stats(h, mod, days=3)
    assert found["days"] == [
        {"date": "2026-11-29", "held": 2, "approved": 1, "rejected": 0},
        {"date": "2026-11-30", "held": 1, "approved": 0, "rejected": 1},
        {"date": "2026-12-01", "held": 0, "approved": 1, "rejected": 0},
    ]
    assert found["reasons"] == [{"code": "PREMODERATION", "held": 3, "approved": 1, "rejected": 1}]
    assert found["median_decision_seconds"] == (600 + 86400) / 2
    assert found["pending"] == 1
    third_at = h.client.get("/api/v1/sites/news/moderation/queue", headers=h.auth(mod)).json()[
        "items"
    ][0]
    assert third_at["comment"]["id"] == third
    assert found["oldest_pending_at"] == third_at["comment"]["created_at"]


def test_a_window_with_nothing_in_it_has_every_day_at_zero(timed: Harness, clock: Clock) -> None:
    h, mod = timed, timed.moderator()
    held(h, "dev:alice", "Old news.")
    clock.wait(days=10)
    found = stats(h, mod, days=7)
    assert [d["date"] for d in found["days"]] == [
        (clock.now.date() - timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    assert all(d["held"] == d["approved"] == d["rejected"] == 0 for d in found["days"])
    assert found["reasons"] == [] and found["median_decision_seconds"] is None
    assert found["pending"] == 1 and found["oldest_pending_at"] == "2026-11-29T10:00:00Z"
    assert len(stats(h, mod)["days"]) == 30  # the default


def test_outcomes_are_counted_per_reason(timed: Harness, clock: Clock) -> None:
    h, mod = timed, timed.moderator()
    admin = h.moderator("dev:boss", role="admin")
    policy = SitePolicy(premoderation="off", suspect_words=("iffy",), surge_per_minute=0)
    h.run(lambda s: s.sites.update("news", policy=policy))
    listed = [held(h, f"dev:reader{n}", f"An iffy remark {n}.") for n in range(3)]
    decide(h, mod, listed[0], "approve", "pending")
    decide(h, mod, listed[1], "reject", "pending")
    assert stats(h, admin, days=1)["reasons"] == [
        {"code": "SUSPECT_WORD", "held": 3, "approved": 1, "rejected": 1}
    ]


def test_only_staff_see_it_and_the_window_is_bounded(timed: Harness) -> None:
    h = timed
    reader = h.client.get(STATS, headers=h.auth(h.token("dev:alice")))
    assert reader.status_code == 403
    assert h.client.get(STATS).status_code == 401
    mod = h.moderator()
    for days in (0, 366, "many"):
        r = h.client.get(STATS, params={"days": days}, headers=h.auth(mod))
        assert r.status_code == 422 and set(r.json()["error"]["fields"]) == {"days"}
    assert len(stats(h, mod, days=365)["days"]) == 365
    elsewhere = h.client.get("/api/v1/sites/nope/moderation/stats", headers=h.auth(mod))
    assert elsewhere.status_code == 404
