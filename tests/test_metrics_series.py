"""The series an operator's dashboard plots move with what readers, moderators and
webhooks do: requests per route, verdicts, the page cache, webhook outcomes, the queue
per site and the outbox's lag."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from comments.models import SitePolicy
from tests.harness import Harness
from tests.test_metrics import TOKEN, eventually

PAGES = "/api/v1/sites/{site}/comments"
ONE = "/api/v1/comments/{comment_id}"
POLICY = SitePolicy(premoderation="off", suspect_words=("iffy",), surge_per_minute=0)

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def series(h: Harness) -> Series:
    """Every sample of a scrape, by name and labels."""
    response = h.client.get("/metrics", headers=h.auth(TOKEN))
    assert response.status_code == 200, response.text
    found: Series = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Series, name: str, **labels: str) -> float:
    """One sample's value, 0 when the series is not there (yet)."""
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def failing_target() -> Iterator[str]:
    """A loopback endpoint answering every POST with 500."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(500)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_posting_holding_reading_and_a_failing_webhook_move_their_series(
    database_url: str, failing_target: str
) -> None:
    with Harness.start(database_url, metrics_token=TOKEN, webhook_allow_private=True) as h:
        h.run(lambda s: s.sites.update("news", policy=POLICY))
        admin = h.moderator("dev:boss", role="admin")
        hook = h.client.post(
            "/api/v1/sites/news/webhooks",
            json={"url": failing_target, "events": ["comment.created"]},
            headers=h.auth(admin),
        )
        assert hook.status_code == 201, hook.text
        before = series(h)

        reader = h.token("dev:bob")
        assert h.post(reader).json()["status"] == "approved"
        held = h.post(reader, "An iffy remark, to be looked at.")
        assert held.json()["status"] == "pending"
        # A comment's own path takes no GET: counted under its template all the same.
        assert h.client.get(f"/api/v1/comments/{held.json()['id']}").status_code == 405
        for _ in range(2):
            h.thread("quiet")  # a thread no post touches: a miss, then a hit

        def failed_webhook() -> bool:
            return value(series(h), "comments_webhook_deliveries_total", outcome="rejected") > 0

        assert eventually(failed_webhook, 30), "the failing webhook never showed"
        after = series(h)

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return value(after, name, **labels) - value(before, name, **labels) >= by

    requests = "comments_http_requests_total"
    assert grew(requests, 2, route=PAGES, method="POST", status="2xx")
    assert grew(requests, 2, route=PAGES, method="GET", status="2xx")  # the hit included
    assert grew(requests, 1, route=ONE, method="GET", status="4xx")
    assert grew("comments_http_request_duration_seconds_count", 2, route=PAGES, method="POST")
    assert not any(
        name == requests and ("route", f"/api/v1/comments/{held.json()['id']}") in labels
        for name, labels in after
    ), "a raw path became a label"
    verdicts = "comments_moderation_verdicts_total"
    assert grew(verdicts, 1, action="allow", reason="none")
    assert grew(verdicts, 1, action="hold", reason="SUSPECT_WORD")
    assert grew("comments_page_computed_total") and grew("comments_page_reads_cached_total")
    assert grew("comments_webhook_deliveries_total", outcome="rejected")
    assert value(before, "comments_queue_pending", site="news") == 0
    assert value(after, "comments_queue_pending", site="news") == 1
    assert ("comments_queue_oldest_seconds", frozenset({("site", "news")})) in after


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_what_waits_shows_its_age_per_site_and_in_the_outbox(database_url: str) -> None:
    clock = Clock()
    with Harness.start(
        database_url, clock=clock, metrics_token=TOKEN, worker="external"
    ) as h:  # nothing delivers: the outbox rows stay due
        h.run(lambda s: s.sites.update("news", policy=POLICY))
        assert value(series(h), "comments_outbox_lag_seconds") == 0
        assert h.post(h.token("dev:bob"), "An iffy remark, to be looked at.").status_code == 201
        clock.now += timedelta(seconds=90)
        found = series(h)
    assert value(found, "comments_outbox_lag_seconds") >= 90
    assert value(found, "comments_outbox_pending") >= 1
    assert value(found, "comments_queue_pending", site="news") == 1
    assert value(found, "comments_queue_oldest_seconds", site="news") >= 90
