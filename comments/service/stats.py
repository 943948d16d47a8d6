"""Moderation statistics for a site's staff: what was held, what moderators decided, how
long that took, by UTC day and by reason.

The database counts (comments/storage/sql_stats.py); this fills in the days with nothing,
so a chart gets every day of the window, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from comments.errors import invalid
from comments.moderation import ReasonCode
from comments.service.context import Deps
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.storage import ReasonOutcomes, StatsQuery

MAX_DAYS = 365


@dataclass(frozen=True)
class DayCounts:
    """One UTC day: comments held for review, and moderators' approvals and rejections."""

    date: str
    held: int
    approved: int
    rejected: int


@dataclass(frozen=True)
class StatsReport:
    """The statistics page's numbers."""

    days: list[DayCounts]
    reasons: list[ReasonOutcomes]
    median_decision_seconds: float | None
    pending: int
    oldest_pending_at: datetime | None


class Statistics:
    """Counts over a window of days."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff

    async def stats(self, viewer: Viewer, site_name: str, days: int = 30) -> StatsReport:
        """The last `days` UTC days (today included) of the site's moderation."""
        site = await self._staff.require(viewer, site_name)
        if not 1 <= days <= MAX_DAYS:
            raise invalid("days", f"must be 1 to {MAX_DAYS}")
        today = self._deps.clock().astimezone(UTC).date()
        first = today - timedelta(days=days - 1)
        since = datetime.combine(first, time(), tzinfo=UTC)
        codes = tuple(code.value for code in ReasonCode)
        found = await self._deps.storage.moderation_stats(StatsQuery(site.name, since, codes))
        dates = [(first + timedelta(days=n)).isoformat() for n in range(days)]
        every_day = [
            DayCounts(d, found.held.get(d, 0), found.approved.get(d, 0), found.rejected.get(d, 0))
            for d in dates
        ]
        return StatsReport(
            days=every_day,
            reasons=found.reasons,
            median_decision_seconds=found.median_decision_seconds,
            pending=found.pending,
            oldest_pending_at=found.oldest_pending_at,
        )
