"""`GET /metrics`: this process's numbers in Prometheus's text format, for the publisher.

Off unless configured. With `COMMENTS_METRICS_TOKEN` the public app answers it to
`Authorization: Bearer <token>` (401 otherwise); with `COMMENTS_METRICS_BIND` the same
numbers are also served on that address by a second, tiny server in the same process
and event loop, started and stopped with the app (`serving`), so a scraper on a private
network needs no token (one is still asked for when set). Without either, 404.
`comments worker` has no public app: it serves its own numbers on that address alone.

Every scrape reads the service now (`Service.metrics`) into a registry of its own,
with the service's traffic series (`comments.service.telemetry`) and the process
collector beside it: nothing is global. The traffic series (requests, latency,
verdicts, webhook deliveries) add up over every worker when `comments serve --workers N`
runs them (prometheus-client's multiprocess files); the snapshot counters (page cache,
outbox delivered and failed, live listeners) and the process numbers are those of the
worker the scrape reached, so run one worker per process (container) when they should
add up. The backlog gauges (outbox, queues) are read from the database: the same
whichever worker answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import logging
import socket
from collections.abc import AsyncIterator, Generator, Iterator

import uvicorn
from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from comments import __version__
from comments.errors import LoginRequired, NotFound
from comments.http.context import AppContext, context_of
from comments.http.errors import error_response, exception_handlers
from comments.http.request_id import RequestId
from comments.http.server import BoundedHttpTools
from comments.service import Readings
from comments.settings import host_port

log = logging.getLogger(__name__)

# (name, kind, snapshot key, help). Counters are exposed with the `_total` suffix.
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("comments_page_reads_cached", "counter", "reads_cached",
     "Anonymous reads of pages and counts answered from this process's copy, before routing"),
    ("comments_page_computed", "counter", "pages_computed",
     "Pages and counts computed from the database (misses, and every read while Redis is away)"),
    ("comments_page_reads_bypassed", "counter", "reads_bypassed",
     "Reads answered from the database, not cached, because Redis did not answer"),
    ("comments_page_cache_bytes", "gauge", "cache_bytes",
     "Bytes of pages in this process's copy"),
    ("comments_page_cache_entries", "gauge", "cache_entries",
     "Pages and counts in this process's copy"),
    ("comments_page_cache_max_bytes", "gauge", "cache_max_bytes",
     "The most bytes this process's copy may hold (COMMENTS_CACHE_MEMORY_MB)"),
    ("comments_page_cache_trusted", "gauge", "cache_trusted",
     "1 while versions heard over pub/sub are trusted; 0: cached reads ask Redis first"),
    ("comments_outbox_delivered", "counter", "outbox_delivered",
     "Outbox rows (cache bumps, live events, mail, webhooks) this process delivered"),
    ("comments_outbox_failed", "counter", "outbox_failed",
     "Outbox rows this process gave up on after their last retry"),
    ("comments_outbox_pending", "gauge", "outbox_pending",
     "Outbox rows waiting for delivery, all processes (absent while the database is away)"),
    ("comments_outbox_lag_seconds", "gauge", "outbox_lag_seconds",
     "Age of the oldest outbox row due for delivery, 0 when none is due (absent while the "
     "database is away)"),
    ("comments_live_listeners", "gauge", "live_listeners",
     "Readers' live thread streams open in this process (reported only with Redis)"),
)  # fmt: skip


class Snapshot(Collector):
    """The service's numbers as read for one scrape."""

    def __init__(self, readings: Readings) -> None:
        self._values = readings.values
        self._queues = readings.queues

    def collect(self) -> Iterator[Metric]:
        """Every metric whose value the service gave, the queues, and the version."""
        info = GaugeMetricFamily(
            "comments_build_info", "The running version (always 1)", labels=["version"]
        )
        info.add_metric([__version__], 1)
        yield info
        for name, kind, key, text in METRICS:
            value = self._values.get(key)
            if value is None:
                continue
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield family(name, text, value=value)
        pending = GaugeMetricFamily(
            "comments_queue_pending",
            "Comments waiting for a moderator, per site with any (all processes)",
            labels=["site"],
        )
        oldest = GaugeMetricFamily(
            "comments_queue_oldest_seconds",
            "Age of the oldest comment waiting for a moderator, per site with any",
            labels=["site"],
        )
        for queue in self._queues:
            pending.add_metric([queue.site], queue.pending)
            oldest.add_metric([queue.site], queue.oldest_seconds)
        yield pending
        yield oldest


def exposition(readings: Readings) -> bytes:
    """The text format of these readings, the traffic series and the process (memory, CPU)."""
    registry = CollectorRegistry()
    registry.register(Snapshot(readings))
    for collector in readings.telemetry.collectors():
        registry.register(collector)
    ProcessCollector(registry=registry)
    return generate_latest(registry)


def authorized(request: Request, token: SecretStr) -> bool:
    """Whether the request carries `Bearer <token>`, compared in constant time."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)


async def _answer(request: Request, token: SecretStr | None) -> Response:
    if token is not None and not authorized(request, token):
        refused = error_response(LoginRequired("The metrics need their bearer token."))
        refused.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    readings = await context_of(request).service.metrics()
    return Response(
        exposition(readings),
        media_type=CONTENT_TYPE_PLAIN_0_0_4,
        headers={"Cache-Control": "no-store"},
    )


async def metrics(request: Request) -> Response:
    """`/metrics` on the public app: only with a token set."""
    token = context_of(request).settings.metrics_token
    if token is None:
        raise NotFound("There is nothing here.")
    return await _answer(request, token)


async def private_metrics(request: Request) -> Response:
    """`/metrics` on the metrics address: open to whoever reaches it, unless a token is set."""
    return await _answer(request, context_of(request).settings.metrics_token)


def metrics_app(context: AppContext) -> Starlette:
    """The app of the metrics address: `/metrics` and the JSON errors, nothing else."""
    app = Starlette(
        routes=[Route("/metrics", private_metrics, methods=["GET"])],
        middleware=[Middleware(RequestId)],
        exception_handlers=exception_handlers(),
    )
    app.state.context = context  # the main app's context: the same service
    return app


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to the main one; it stops with the app."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Nothing to capture: the main server handles Ctrl+C and SIGTERM."""
        yield


def listen(bind: str) -> socket.socket:
    """A listening socket on `host:port`, or an error naming the setting."""
    host, port = host_port(bind)
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family)
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        why = "in use (by another worker? one process per address)" if taken else exc
        raise RuntimeError(f"COMMENTS_METRICS_BIND: cannot listen on {bind}: {why}") from None


@contextlib.asynccontextmanager
async def serving(context: AppContext, bind: str | None) -> AsyncIterator[None]:
    """Serve the metrics on `bind` while the app runs (nothing when it is None).

    The address is bound before the app starts, so a taken port fails the start loudly.
    """
    if bind is None:
        yield
        return
    sock = listen(bind)
    config = uvicorn.Config(
        metrics_app(context),
        lifespan="off",
        log_config=None,  # the main server's logging, untouched
        http=BoundedHttpTools,
        ws="none",
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=1,
    )
    server = _Server(config)
    task = asyncio.get_running_loop().create_task(server.serve([sock]), name="metrics-server")
    task.add_done_callback(_ended)
    log.info("metrics on http://%s/metrics", bind)
    try:
        yield
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


def _ended(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the metrics server stopped", exc_info=task.exception())
