"""Moderation statistics, counted by the database from the audit log and the queue.

Holds are the automatic pipeline's `auto_hold` rows (a post or an edit that went to
review), decisions the moderators' `approve` and `reject` rows. A decision's wait runs
from the latest hold of its comment, and counts only when nothing else was decided on
that comment in between (a second review of a reported comment is no wait for a hold).
Days are UTC dates; the two dialects differ only in how a time becomes a date and how
two times become seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, extract, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from comments.storage import ModerationStats, ReasonOutcomes, StatsQuery
from comments.storage.schema import audit, comments
from comments.storage.sql_base import SqlBase

DECISIONS = ("approve", "reject")
STEPS = ("approve", "reject", "requeue")  # what ends a hold's wait, or starts another


class StatsQueries(SqlBase):
    """The numbers on the dashboard's statistics page."""

    def _day(self, moment: Any) -> ColumnElement[str]:
        """The UTC date of a time as text, with no bound parameter (so GROUP BY matches)."""
        if self._dialect == "postgresql":
            utc = func.timezone(literal_column("'UTC'"), moment)
            return func.to_char(utc, literal_column("'YYYY-MM-DD'"))
        return func.strftime(literal_column("'%Y-%m-%d'"), moment)

    def _seconds(self, later: Any, earlier: Any) -> ColumnElement[float]:
        if self._dialect == "postgresql":
            return cast(extract("epoch", later - earlier), Float)
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0

    async def moderation_stats(self, query: StatsQuery) -> ModerationStats:
        """Holds and decisions per day, outcomes per reason, the median wait for a decision
        (from the audit log), and the queue now; counted by the database."""
        window = and_(audit.c.site == query.site, audit.c.created_at >= query.since)
        holding = and_(window, audit.c.action == "auto_hold", audit.c.comment_id.is_not(None))
        deciding = and_(window, audit.c.action.in_(DECISIONS), audit.c.actor_id.is_not(None))
        day = self._day(audit.c.created_at).label("day")
        held_by_day = (
            select(day, func.count(func.distinct(audit.c.comment_id))).where(holding).group_by(day)
        )
        decided_by_day = (
            select(day, audit.c.action, func.count()).where(deciding).group_by(day, audit.c.action)
        )
        held_ids = select(audit.c.comment_id).where(holding).distinct()
        per_code = [
            func.sum(case((comments.c.reason_codes.contains(f",{code},", autoescape=True), 1),
                          else_=0))
            for code in query.codes
        ]  # fmt: skip
        outcomes = (
            select(comments.c.status, *per_code)
            .where(comments.c.id.in_(held_ids))
            .group_by(comments.c.status)
        )
        queue = select(func.count(), func.min(comments.c.created_at)).where(
            comments.c.site == query.site, comments.c.status == "pending"
        )
        async with self._engine.connect() as conn:
            held = {d: int(n) for d, n in (await conn.execute(held_by_day)).all()}
            decided: dict[str, dict[str, int]] = {"approve": {}, "reject": {}}
            for d, action, n in (await conn.execute(decided_by_day)).all():
                decided[action][d] = int(n)
            by_status = (await conn.execute(outcomes)).all() if per_code else []
            median = await self._median_wait(conn, deciding)
            pending, oldest = (await conn.execute(queue)).one()
        reasons = []
        for column, code in enumerate(query.codes, start=1):
            counts = {row[0]: int(row[column] or 0) for row in by_status}
            total = sum(counts.values())
            if total:
                reasons.append(ReasonOutcomes(code, total, counts.get("approved", 0),
                                              counts.get("rejected", 0)))  # fmt: skip
        reasons.sort(key=lambda r: (-r.held, r.code))
        return ModerationStats(
            held=held,
            approved=decided["approve"],
            rejected=decided["reject"],
            reasons=reasons,
            median_decision_seconds=median,
            pending=int(pending or 0),
            oldest_pending_at=oldest if isinstance(oldest, datetime) else None,
        )

    async def _median_wait(self, conn: Any, deciding: ColumnElement[bool]) -> float | None:
        """The median seconds from a comment's hold to the decision that ended it."""
        holds, steps = audit.alias("holds"), audit.alias("steps")
        held_at = (
            select(func.max(holds.c.id))
            .where(holds.c.site == audit.c.site, holds.c.comment_id == audit.c.comment_id,
                   holds.c.action == "auto_hold", holds.c.id < audit.c.id)
            .scalar_subquery()
        )  # fmt: skip
        step_before = (
            select(func.max(steps.c.id))
            .where(steps.c.site == audit.c.site, steps.c.comment_id == audit.c.comment_id,
                   steps.c.action.in_(STEPS), steps.c.id < audit.c.id)
            .scalar_subquery()
        )  # fmt: skip
        pairs = (
            select(audit.c.created_at.label("decided_at"), held_at.label("hold_id"),
                   step_before.label("step_id"))
            .where(deciding, audit.c.comment_id.is_not(None))
            .subquery()
        )  # fmt: skip
        hold_time = (
            select(holds.c.created_at).where(holds.c.id == pairs.c.hold_id).scalar_subquery()
        )
        waits = (
            select(self._seconds(pairs.c.decided_at, hold_time).label("wait"))
            .where(pairs.c.hold_id.is_not(None),
                   (pairs.c.step_id.is_(None)) | (pairs.c.step_id < pairs.c.hold_id))
            .subquery()
        )  # fmt: skip
        count = int((await conn.execute(select(func.count()).select_from(waits))).scalar_one())
        if not count:
            return None
        middle = (
            select(waits.c.wait)
            .order_by(waits.c.wait)
            .limit(2 - count % 2)
            .offset((count - 1) // 2)
            .subquery()
        )
        value = (await conn.execute(select(func.avg(middle.c.wait)))).scalar_one()
        return None if value is None else round(float(value), 1)
