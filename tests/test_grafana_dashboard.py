"""`deploy/grafana-dashboard.json` is a dashboard Grafana can load, and every expression
in it names series and labels that `/metrics` exposes (a renamed metric breaks it here,
not on the operator's wall)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.harness import Harness
from tests.test_metrics import TOKEN

DASHBOARD = Path(__file__).resolve().parent.parent / "deploy" / "grafana-dashboard.json"
NAME = re.compile(r"\b((?:comments|process)_[a-z_]+)\b")
GROUPED = re.compile(r"\bby \(([^)]*)\)")
# Prometheus adds these to every series it scrapes; `le` is a histogram bucket's bound.
ADDED_LABELS = {"job", "instance", "le"}


def expressions(dashboard: dict[str, Any]) -> list[str]:
    """Every PromQL expression: the panels' targets and the variables' queries."""
    found = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):
            found.append(query["query"])
    return found


def exposed(text: str) -> dict[str, set[str]]:
    """Every series name a scrape exposes, with its label names (bare families too)."""
    names: dict[str, set[str]] = {}
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    for family in text_string_to_metric_families(text):
        labels = {name for sample in family.samples for name in sample.labels}
        for suffix in suffixes.get(family.type, ("",)):
            names[family.name + suffix] = labels - {"le"}
    return names


def test_the_dashboard_plots_only_series_the_app_exposes(
    sqlite_url: str, redis_clean_url: str
) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["panels"] and dashboard["uid"]
    with Harness.start(sqlite_url, metrics_token=TOKEN, redis_url=redis_clean_url) as h:
        h.service.deps.telemetry.webhook("delivered")  # its labels show only once counted
        h.service.deps.telemetry.mail("sent")
        reader = h.token("dev:bob")
        h.post(reader, "An ordinary remark.")
        h.post(reader, "An ordinary remark.")  # a duplicate: held, so a queue shows
        h.thread("union")
        scrape = h.client.get("/metrics", headers=h.auth(TOKEN)).text
    series = exposed(scrape)
    exprs = expressions(dashboard)
    plotted = {name for expr in exprs for name in NAME.findall(expr)}
    assert plotted - set(series) == set(), "the dashboard plots series the app does not expose"
    for expr in exprs:
        labels_known = set().union(*(series[name] for name in NAME.findall(expr)))
        for group in GROUPED.findall(expr):
            wanted = {label.strip() for label in group.split(",")}
            assert wanted <= labels_known | ADDED_LABELS, expr
    # What the operators asked to see is on it.
    for name in (
        "comments_http_requests_total",
        "comments_http_request_duration_seconds_bucket",
        "comments_moderation_verdicts_total",
        "comments_queue_pending",
        "comments_queue_oldest_seconds",
        "comments_outbox_lag_seconds",
        "comments_outbox_failed_total",
        "comments_webhook_deliveries_total",
        "comments_mail_deliveries_total",
        "comments_page_reads_cached_total",
        "comments_live_listeners",
    ):
        assert name in plotted, name
