"""What the database holds after a fault, read straight from PostgreSQL.

The app's answers are checked against its tables, not against its own API: every
acknowledged comment stored once with its thread, none stored twice, and nothing
half-written (a comment without its outbox row, a held comment without its audit
row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tests.faults.load import Ack


@dataclass(frozen=True)
class StoredComment:
    """A comment row with its thread's key."""

    id: str
    site: str
    thread: str
    body: str
    status: str


@dataclass(frozen=True)
class OutboxRow:
    """An outbox row: what a committed write still had to make happen."""

    id: str
    kind: str
    payload: str  # the JSON as text
    delivered_at: datetime | None


class Ledger:
    """Reads the tables the checks need, on a connection of its own for each call."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def comments(self) -> list[StoredComment]:
        """Every comment row, with its thread's key."""
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT c.id, c.site, t.key, c.body, c.status FROM comments c"
                " JOIN threads t ON t.id = c.thread_id ORDER BY c.id"
            )
        finally:
            await conn.close()
        return [StoredComment(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def outbox(self) -> list[OutboxRow]:
        """Every outbox row, oldest first."""
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT id, kind, CAST(payload AS TEXT), delivered_at FROM outbox ORDER BY id"
            )
        finally:
            await conn.close()
        return [OutboxRow(r[0], r[1], r[2], r[3]) for r in rows]

    async def audited_comments(self) -> set[str]:
        """The ids of comments the audit log mentions."""
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT DISTINCT comment_id FROM audit WHERE comment_id IS NOT NULL"
            )
        finally:
            await conn.close()
        return {r[0] for r in rows}


def lost_or_doubled(acks: Iterable[Ack], stored: Iterable[StoredComment], thread: str) -> list[str]:
    """Problems with acknowledged writes: missing, on the wrong thread, stored twice."""
    by_body: dict[str, list[StoredComment]] = {}
    for comment in stored:
        by_body.setdefault(comment.body, []).append(comment)
    problems = []
    ids = Counter[str]()
    for ack in acks:
        ids[ack.comment_id] += 1
        found = by_body.get(ack.body, [])
        if not found:
            problems.append(f"lost: {ack.key} ({ack.comment_id}, {ack.tries} tries, {ack.phase})")
            continue
        if len(found) > 1:
            problems.append(
                f"stored {len(found)} times: {ack.key} ({ack.tries} tries, {ack.phase})"
            )
        if ack.comment_id not in {c.id for c in found}:
            problems.append(f"answered id {ack.comment_id} but stored {[c.id for c in found]}")
        if any(c.thread != thread for c in found):
            problems.append(f"on another thread: {ack.comment_id}")
    problems += [f"one id answered for {n} keys: {i}" for i, n in ids.items() if n > 1]
    return problems


def doubled_bodies(bodies: Iterable[str], stored: Iterable[StoredComment]) -> list[str]:
    """Keys never acknowledged may be stored once (the commit won) but never twice."""
    counts = Counter(comment.body for comment in stored)
    return [f"stored {counts[body]} times: {body!r}" for body in bodies if counts[body] > 1]


def half_written(
    stored: Iterable[StoredComment], outbox: Iterable[OutboxRow], audited: set[str]
) -> list[str]:
    """Comments without their outbox row, held comments without their audit row."""
    payloads = [row.payload for row in outbox]
    problems = []
    for comment in stored:
        if not any(comment.id in payload for payload in payloads):
            problems.append(f"no outbox row for comment {comment.id} ({comment.status})")
        if comment.status == "pending" and comment.id not in audited:
            problems.append(f"no audit row for held comment {comment.id}")
    return problems
