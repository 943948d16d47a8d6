"""Rate limits: per reader and per address, sliding windows, 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comments.models import SitePolicy
from tests.harness import Harness


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Harness]:
    """The app with its windows in process, then in a real Redis shared by workers."""
    extra = {}
    if request.param == "redis":
        extra["redis_url"] = request.getfixturevalue("redis_clean_url")
    with Harness.start(sqlite_url, trusted_proxies=("10.0.0.0/8",), **extra) as h:
        yield h


def test_reader_posting_too_fast_gets_429_with_retry_after(limited: Harness) -> None:
    token = limited.token("dev:fast")
    for n in range(5):
        assert limited.post(token, f"Comment {n}").status_code == 201
    refused = limited.post(token, "One too many")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert len(limited.thread()["comments"]) == 5
    assert limited.post(limited.token("dev:other"), "Someone else").status_code == 201


def test_address_limit_counts_every_reader_behind_one_address(limited: Harness) -> None:
    limited.run(lambda s: s.sites.update("news", policy=SitePolicy(ip_rate_per_hour=3)))
    for n in range(3):
        assert limited.post(limited.token(f"dev:r{n}"), "hello").status_code == 201
    assert limited.post(limited.token("dev:r9"), "hello").status_code == 429


def test_forwarded_for_counts_only_through_a_trusted_proxy(limited: Harness) -> None:
    limited.run(lambda s: s.sites.update("news", policy=SitePolicy(ip_rate_per_hour=1)))
    spoofed = {"X-Forwarded-For": "198.51.100.7"}

    def post(user: str, headers: dict[str, str]) -> int:
        token = limited.token(user)
        r = limited.client.post(
            "/api/v1/sites/news/comments",
            json={"thread": "t", "body": "x", "thread_url": "https://news.example/t"},
            headers=limited.auth(token) | headers,
        )
        return r.status_code

    # The test client is no trusted proxy: its header is ignored, its own address counts.
    assert post("dev:a", spoofed) == 201
    assert post("dev:b", {"X-Forwarded-For": "198.51.100.8"}) == 429


def test_moderators_are_not_rate_limited(limited: Harness) -> None:
    limited.run(lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=1)))
    token = limited.moderator("dev:mod")
    assert all(limited.post(token, f"note {n}").status_code == 201 for n in range(3))
