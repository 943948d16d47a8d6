"""The counters and histograms that move with traffic, kept per service, not per module.

Each service (one per app, built by the app factory) owns its metric objects, created
unregistered: `GET /metrics` puts them in a fresh registry per scrape beside the
snapshot of numbers read at that moment. With `PROMETHEUS_MULTIPROC_DIR` set before
the process starts (`comments serve --workers N` does it), prometheus-client keeps these
values in files that every worker writes and a scrape reads together; the snapshot
numbers stay those of the process the scrape reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prometheus_client import Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Seconds: a cached read takes well under a millisecond, a post tens of milliseconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Telemetry:
    """The traffic series of one service: requests, verdicts and webhook deliveries."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        # Where every worker's values are, when prometheus-client was told before it loaded.
        self.multiprocess_dir = multiprocess_dir
        self.requests = Counter(
            "comments_http_requests",
            "HTTP requests answered, by route template, method and status class "
            "(event streams counted when they start)",
            ["route", "method", "status"],
            registry=None,
        )
        self.latency = Histogram(
            "comments_http_request_duration_seconds",
            "Time from a request's arrival to its response's last byte, by route template "
            "and method (event streams are not timed)",
            ["route", "method"],
            registry=None,
            buckets=LATENCY_BUCKETS,
        )
        self.verdicts = Counter(
            "comments_moderation_verdicts",
            "Posts and edits screened, by the pipeline's action and each reason code "
            "(`none` when nothing was said)",
            ["action", "reason"],
            registry=None,
        )
        self.webhooks = Counter(
            "comments_webhook_deliveries",
            "Webhook delivery attempts, by outcome: delivered, rejected (answered non-2xx), "
            "timeout, refused (target not allowed) or error (no answer)",
            ["outcome"],
            registry=None,
        )
        self.mails = Counter(
            "comments_mail_deliveries",
            "E-mails handed to the relay, by outcome: sent (accepted), refused (a permanent "
            "refusal: not retried), timeout or error (retried later)",
            ["outcome"],
            registry=None,
        )

    def collectors(self) -> Iterable[Collector]:
        """For a scrape's registry: every worker's values, or this process's objects."""
        if self.multiprocess_dir is not None:
            return (MultiProcessCollector(None, path=self.multiprocess_dir),)  # type: ignore[no-untyped-call]
        return (self.requests, self.latency, self.verdicts, self.webhooks, self.mails)

    def request(self, route: str, method: str, status: int, seconds: float | None) -> None:
        """One answered request; `seconds` is None for a stream (counted, not timed)."""
        self.requests.labels(route, method, f"{status // 100}xx").inc()
        if seconds is not None:
            self.latency.labels(route, method).observe(seconds)

    def verdict(self, action: str, reasons: Sequence[str]) -> None:
        """One screened post or edit: a count for each reason it carries."""
        for reason in reasons or ("none",):
            self.verdicts.labels(action, reason).inc()

    def webhook(self, outcome: str) -> None:
        """One delivery attempt."""
        self.webhooks.labels(outcome).inc()

    def mail(self, outcome: str) -> None:
        """One attempt to hand a mail to the relay."""
        self.mails.labels(outcome).inc()
