"""The rows a write commits with: its audit entries and its outbox items.

Kinds of outbox item, and what delivering one does (comments/service/dispatch.py):
- `moderation.publish` {"event", "data"}: one live event to the site's moderators;
- `moderation.queue_added` {"comment_id", "status"}: the full queue item, to moderators;
- `moderation.counts` {"comment_id"?}: fresh queue counts to moderators (coalesced per
  site; the comment whose write changed them is named, for the trail);
- `claim.release` {"comment_id"}: forget who was reviewing a decided comment;
- `thread.changed` {"thread" or "thread_id", "event", "comment_id"?} or {"site_wide": true}:
  what readers see changed. The write bumps the page version itself right after its
  commit (comments/service/freshness.py, the row's id being the bump's token, so it
  applies once); delivering the row retries that bump, then sends the live `event`
  (or none, when null) to the thread's readers (comments/service/live.py);
- `thread.state` {"thread", "closed"}: a thread closed or opened, for the webhooks only
  (`thread.closed`, `thread.opened`; comments/service/webhooks.py).
"""

from __future__ import annotations

from typing import Any

from comments.models import AuditEntry
from comments.service.context import Deps
from comments.storage import OutboxItem

THREAD_STATE = "thread.state"


def channel(site: str) -> str:
    """The live channel of a site's moderation queues."""
    return f"moderation:{site}"


def thread_channel(site: str, thread: str) -> str:
    """The live channel of one thread's readers (site names hold no colon)."""
    return f"{site}:{thread}"


class Consequences:
    """Makes audit entries and outbox items with the service's ids and clock."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def audit(self, site: str, actor: str | None, action: str, **fields: Any) -> AuditEntry:
        """One entry of the audit log."""
        return AuditEntry(
            id=self._deps.ids.new(),
            site=site,
            actor_id=actor,
            action=action,
            created_at=self._deps.clock(),
            **fields,
        )

    def item(self, site: str, kind: str, payload: dict[str, Any] | None = None) -> OutboxItem:
        """One consequence to deliver after the commit."""
        return OutboxItem(
            id=self._deps.ids.new(),
            site=site,
            kind=kind,
            payload=payload or {},
            created_at=self._deps.clock(),
        )

    def publish(self, site: str, event: str, data: dict[str, Any]) -> OutboxItem:
        """A live event for the site's moderators."""
        return self.item(site, "moderation.publish", {"event": event, "data": data})

    def queue_added(self, site: str, comment_id: str, status: str) -> OutboxItem:
        """A comment entered a queue: moderators get the whole item."""
        return self.item(
            site, "moderation.queue_added", {"comment_id": comment_id, "status": status}
        )

    def counts(self, site: str, comment_id: str | None = None) -> OutboxItem:
        """The site's queue counts changed (through this comment's write, when one is named)."""
        return self.item(
            site, "moderation.counts", {"comment_id": comment_id} if comment_id else {}
        )

    def changed(
        self,
        site: str,
        *,
        thread: str | None = None,
        thread_id: str | None = None,
        event: str | None = None,
        comment_id: str | None = None,
    ) -> OutboxItem:
        """What readers of a thread see changed (by its key, or its id when that is what
        the write has); `event` is the live event to send them, if any."""
        payload: dict[str, Any] = {"event": event}
        if thread is not None:
            payload["thread"] = thread
        else:
            payload["thread_id"] = thread_id
        if comment_id is not None:
            payload["comment_id"] = comment_id
        return self.item(site, "thread.changed", payload)

    def site_changed(self, site: str) -> OutboxItem:
        """What readers see may have changed on every thread of the site."""
        return self.item(site, "thread.changed", {"site_wide": True, "event": None})

    def claim_release(self, site: str, comment_id: str) -> OutboxItem:
        """Nobody needs to hold this comment any more."""
        return self.item(site, "claim.release", {"comment_id": comment_id})
