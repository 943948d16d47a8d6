"""Moderation statistics for the dashboard: holds and decisions per day, by reason, and
how long a held comment waits for a moderator."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.present import iso
from comments.http.routing import Endpoint
from comments.service import Viewer
from comments.service.stats import MAX_DAYS


class StatsParams(BaseModel):
    """How many UTC days back, today included."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(30, ge=1, le=MAX_DAYS, description="UTC days, today included")


_COUNTS = {"type": "integer", "minimum": 0}
STATS_SCHEMA = {
    "type": "object",
    "required": ["days", "reasons", "median_decision_seconds", "pending", "oldest_pending_at"],
    "properties": {
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "held", "approved", "rejected"],
                "properties": {"date": {"type": "string", "format": "date"}, "held": _COUNTS,
                               "approved": _COUNTS, "rejected": _COUNTS},
            },
        },
        "reasons": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "held", "approved", "rejected"],
                "properties": {"code": {"$ref": "#/components/schemas/ReasonCode"},
                               "held": _COUNTS, "approved": _COUNTS, "rejected": _COUNTS},
            },
        },
        "median_decision_seconds": {"type": ["number", "null"]},
        "pending": _COUNTS,
        "oldest_pending_at": {"type": ["string", "null"], "format": "date-time"},
    },
}  # fmt: skip


async def moderation_stats(
    request: Request, site: str, query: StatsParams, viewer: Viewer
) -> Response:
    """Every day of the window, oldest first (days with nothing count zero)."""
    report = await context_of(request).service.moderation.stats(viewer, site, query.days)
    return JSONResponse(
        {
            "days": [
                {"date": d.date, "held": d.held, "approved": d.approved, "rejected": d.rejected}
                for d in report.days
            ],
            "reasons": [
                {"code": r.code, "held": r.held, "approved": r.approved, "rejected": r.rejected}
                for r in report.reasons
            ],
            "median_decision_seconds": report.median_decision_seconds,
            "pending": report.pending,
            "oldest_pending_at": iso(report.oldest_pending_at),
        },
        headers={"Cache-Control": "no-store"},
    )


ENDPOINTS = [
    Endpoint("GET", "/api/v1/sites/{site}/moderation/stats", moderation_stats,
             "Moderation statistics", "moderation", query=StatsParams, ok_schema=STATS_SCHEMA,
             auth="moderator", errors=(403, 404, 422)),
]  # fmt: skip
