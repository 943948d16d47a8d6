"""The delivery series move with what happens: an open live stream counts as a listener
until its reader leaves, an outbox row given up after its last try counts as failed,
and `comments worker` serves the series of what it delivers on its metrics address."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from comments.models import SitePolicy
from comments.service.dispatch import MAX_ATTEMPTS, backoff
from tests.api.test_live_events import Reader, on_server
from tests.faults.apps import AppProcess
from tests.harness import ORIGIN, Harness
from tests.live import LiveServer
from tests.test_metrics import TOKEN, eventually, free_port
from tests.test_metrics_series import Clock, Series, failing_target, series, value

__all__ = ["failing_target"]

LISTENERS = "comments_live_listeners"
FAILED = "comments_outbox_failed_total"
DELIVERED = "comments_outbox_delivered_total"
WEBHOOKS = "comments_webhook_deliveries_total"


def scraped(url: str, token: str | None = TOKEN) -> Series:
    """Every sample of a scrape of `url`, by name and labels."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(url, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    found: Series = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def hook(h: Harness, url: str) -> None:
    """An endpoint on site `news` for new comments, as its admin adds one."""
    admin = h.moderator("dev:boss", role="admin")
    added = h.client.post(
        "/api/v1/sites/news/webhooks",
        json={"url": url, "events": ["comment.created"]},
        headers=h.auth(admin),
    )
    assert added.status_code == 201, added.text


# ------------------------------------------------------------------ live listeners


def test_an_open_live_stream_counts_as_a_listener_until_its_reader_leaves(
    serve_app: Callable[..., LiveServer], redis_clean_url: str
) -> None:
    server = serve_app(demo=False, redis_url=redis_clean_url, metrics_token=TOKEN)
    on_server(server, lambda s: s.sites.create("news", [ORIGIN], SitePolicy(rate_per_minute=0)))
    metrics = f"{server.url}/metrics"
    events = f"{server.url}/api/v1/sites/news/events?thread="

    def listeners() -> float:
        return value(scraped(metrics), LISTENERS)

    assert (LISTENERS, frozenset()) in scraped(metrics)  # there, at 0, with Redis
    assert listeners() == 0
    streams = [Reader(events + "union"), Reader(events + "union"), Reader(events + "other")]
    try:
        for stream in streams:
            stream.wait("ready")
        assert listeners() == 3  # two on one thread, one on another: every reader counts
        streams[0].close()
        assert eventually(lambda: listeners() == 2), "a closed stream still counted"
    finally:
        for stream in streams:
            stream.close()
    assert eventually(lambda: listeners() == 0), "the gauge never came back down to 0"


# ----------------------------------------------------------------- outbox failures


def test_an_outbox_row_given_up_after_its_last_try_counts_as_failed(
    database_url: str, failing_target: str
) -> None:
    clock = Clock()
    with Harness.start(
        database_url,
        clock=clock,
        metrics_token=TOKEN,
        webhook_allow_private=True,
        worker="external",  # the test delivers, one round at a time
    ) as h:
        hook(h, failing_target)
        assert h.post(h.token("dev:bob")).status_code == 201

        def round_of_delivery() -> Series:
            h.run(lambda s: s.dispatcher.deliver_due())
            clock.now += backoff(MAX_ATTEMPTS) + timedelta(seconds=1)  # past any pause
            return series(h)

        last_retry = found = series(h)
        for _ in range(MAX_ATTEMPTS + 3):  # the fan-out, then every try of the message
            found = round_of_delivery()
            if value(found, FAILED) > 0:
                break
            last_retry = found
        after = round_of_delivery()  # nothing is tried again once given up

    assert value(last_retry, FAILED) == 0
    assert value(last_retry, WEBHOOKS, outcome="rejected") == MAX_ATTEMPTS - 1
    assert value(found, FAILED) == 1, "the message given up on was not counted"
    assert value(found, WEBHOOKS, outcome="rejected") == MAX_ATTEMPTS
    assert value(found, "comments_outbox_pending") == 0  # failed rows wait for nothing
    assert value(after, FAILED) == 1
    assert value(after, WEBHOOKS, outcome="rejected") == MAX_ATTEMPTS


# --------------------------------------------------------------- the worker's series


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback endpoint answering every POST with 204; the bodies it received."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("content-length", "0"))))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def test_the_worker_serves_what_it_delivers_on_the_metrics_address(
    database_url: str, receiver: tuple[str, list[bytes]], tmp_path: Path
) -> None:
    target, received = receiver
    bind = f"127.0.0.1:{free_port()}"
    inherited = os.environ.items()
    environment = {k: v for k, v in inherited if not k.startswith(("COMMENTS_", "PG"))} | {
        "COMMENTS_DATABASE_URL": database_url,
        "COMMENTS_PUBLIC_URL": "http://testserver",
        "COMMENTS_SECRET_KEY": "s" * 32,
        "COMMENTS_WORKER": "external",
        "COMMENTS_WEBHOOK_ALLOW_PRIVATE": "true",
        "COMMENTS_METRICS_BIND": bind,
        "COMMENTS_METRICS_TOKEN": TOKEN,
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)  # one process: its own numbers
    worker = AppProcess("worker", "worker", environment, tmp_path)
    metrics = f"http://{bind}/metrics"
    with Harness.start(database_url, webhook_allow_private=True, worker="external") as h:
        hook(h, target)
        worker.start()
        try:

            def answering() -> bool:  # or stopped: its log says why
                try:
                    return not worker.alive or httpx.get(metrics, timeout=1).status_code == 401
                except httpx.TransportError:
                    return False

            assert eventually(answering, 20), f"no metrics address{worker.report()}"
            assert worker.alive, f"the worker stopped{worker.report()}"
            before = scraped(metrics)
            assert h.post(h.token("dev:bob")).status_code == 201

            def delivered() -> bool:
                now = scraped(metrics)
                sent = value(now, WEBHOOKS, outcome="delivered") >= 1
                return sent and value(now, "comments_outbox_pending") == 0

            assert eventually(delivered, 30), f"no delivery in the worker{worker.report()}"
            after = scraped(metrics)
        finally:
            worker.terminate()
    assert len(received) == 1 and b"comment.created" in received[0]
    assert value(before, WEBHOOKS, outcome="delivered") == 0
    assert value(after, DELIVERED) > value(before, DELIVERED)  # the post's rows, and its hook
    assert value(after, FAILED) == 0
    assert value(after, "comments_outbox_pending") == 0
