"""The moderation queues: pages of items with everything a moderator decides on, and counts.

`queue_item_json` is the one shape of an item, for the queue endpoint and the live
stream alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from comments.errors import invalid
from comments.ids import looks_like_id
from comments.messages import shown
from comments.models import AuthorStats, CommentRow, Language, Site, Thread, iso
from comments.service.context import Deps
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.storage import QueueQuery

QueueName = Literal["pending", "reported", "rejected", "approved"]


def claim_key(comment_id: str) -> str:
    """The cache key naming who reviews a comment right now."""
    return f"claim:{comment_id}"


@dataclass(frozen=True)
class QueueItem:
    """One comment in a queue, with everything a moderator needs to decide at a glance."""

    row: CommentRow
    thread: Thread | None
    parent: CommentRow | None
    author: AuthorStats
    banned: bool
    reports: list[tuple[str, str | None]]
    claimed_by: dict[str, str] | None


@dataclass(frozen=True)
class QueuePage:
    """A page of a queue and the numbers shown at the top."""

    items: list[QueueItem]
    next_cursor: str | None
    counts: dict[str, int]
    oldest_pending_at: datetime | None


class Queues:
    """Reading the queues."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff

    async def queue(
        self,
        viewer: Viewer,
        site_name: str,
        queue: QueueName,
        *,
        cursor: str | None = None,
        limit: int = 50,
        thread: str | None = None,
        author: str | None = None,
        reason: str | None = None,
        text: str | None = None,
    ) -> QueuePage:
        """One page of a queue, oldest first."""
        site = await self._staff.require(viewer, site_name)
        if cursor is not None and not looks_like_id(cursor):
            raise invalid("cursor", "is not a cursor from this queue")
        storage = self._deps.storage
        rows, next_cursor = await storage.queue(
            QueueQuery(
                site=site.name,
                queue=queue,
                limit=limit,
                cursor_id=cursor,
                thread_key=thread,
                author_id=author,
                reason_code=reason,
                text=text,
                report_threshold=site.policy.report_threshold,
            )
        )
        items = await self.items(site, rows)
        counts = await storage.queue_counts(site.name, site.policy.report_threshold)
        return QueuePage(items, next_cursor, counts, await storage.oldest_pending(site.name))

    async def counts_event(self, site: Site) -> dict[str, Any]:
        """The numbers at the top of the dashboard, as the live stream sends them."""
        storage = self._deps.storage
        counts = await storage.queue_counts(site.name, site.policy.report_threshold)
        oldest = await storage.oldest_pending(site.name)
        return {"counts": counts, "oldest_pending_at": iso(oldest)}

    async def items(self, site: Site, rows: list[CommentRow]) -> list[QueueItem]:
        """Rows with their context, loaded in a few batched queries."""
        storage = self._deps.storage
        ids = [row.comment.id for row in rows]
        authors = [row.comment.author_id for row in rows]
        stats = await storage.author_stats(site.name, authors)
        reports = await storage.reports_of(ids)
        parents = await storage.comment_rows(
            [row.comment.parent_id for row in rows if row.comment.parent_id]
        )
        threads: dict[str, Thread | None] = {}
        for thread_id in {row.comment.thread_id for row in rows}:
            threads[thread_id] = await storage.get_thread_by_id(thread_id)
        now = self._deps.clock()
        bans = await storage.bans_of(site.name, authors)
        items = []
        for row in rows:
            comment = row.comment
            ban = bans.get(comment.author_id)
            claim = await self._deps.cache.get(claim_key(comment.id))
            items.append(
                QueueItem(
                    row=row,
                    thread=threads.get(comment.thread_id),
                    parent=parents.get(comment.parent_id) if comment.parent_id else None,
                    author=stats.get(comment.author_id, AuthorStats(0, 0, None)),
                    banned=ban is not None and ban.active(now),
                    reports=reports.get(comment.id, []),
                    claimed_by=json.loads(claim) if claim else None,
                )
            )
        return items

    async def item_json(
        self, site: Site, comment_id: str, language: Language
    ) -> dict[str, Any] | None:
        """One comment as a queue item, or None when it is gone."""
        rows = await self._deps.storage.comment_rows([comment_id])
        if comment_id not in rows:
            return None
        return queue_item_json((await self.items(site, [rows[comment_id]]))[0], language)


def queue_item_json(item: QueueItem, language: Language) -> dict[str, Any]:
    """The JSON of a queue item, for the queue endpoint and the live stream alike; its
    reasons' messages in `language`."""
    comment, author = item.row.comment, item.row.author
    reasons: dict[str, int] = {}
    for reason, _note in item.reports:
        reasons[reason] = reasons.get(reason, 0) + 1
    thread = item.thread
    parent = item.parent
    return {
        "comment": {
            "id": comment.id,
            "thread": item.row.thread_key,
            "parent_id": comment.parent_id,
            "status": comment.status,
            "shadowed": comment.shadowed,
            "body": comment.body,
            "html": comment.html,
            "created_at": iso(comment.created_at),
            "edited_at": iso(comment.edited_at),
            "score": comment.score,
            "report_count": comment.report_count,
        },
        "author": {
            "id": author.id,
            "name": author.name,
            "avatar_url": author.avatar_url,
            "approved": item.author.approved,
            "rejected": item.author.rejected,
            "first_seen": iso(item.author.first_seen),
            "banned": item.banned,
        },
        "thread": {
            "key": item.row.thread_key,
            "url": thread.url if thread else None,
            "title": thread.title if thread else None,
            "closed": thread.closed if thread else False,
        },
        "parent": {
            "id": parent.comment.id,
            "html": parent.comment.html,
            "author_name": parent.author.name,
        }
        if parent
        else None,
        "reasons": [shown(r, language, "action", "span") for r in comment.reasons],
        "reports": {
            "count": len(item.reports),
            "reasons": reasons,
            "notes": [note for _reason, note in item.reports if note],
        },
        "claimed_by": item.claimed_by,
    }
