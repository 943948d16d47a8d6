"""Moderators' decisions: approve, reject, requeue, in bulk, and claims on items.

Every decision is guarded by the status the moderator saw, so two moderators never both
decide one item: the second gets 409 naming who was first, while a moderator repeating
their own decision gets its result again. The status change, its audit row and its
outbox rows (the live announcement, fresh counts, the claim's release) commit together.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Literal

from comments.errors import Conflict
from comments.ids import looks_like_id
from comments.models import Comment, Site
from comments.service.context import Deps
from comments.service.effects import Consequences, channel
from comments.service.freshness import Freshness
from comments.service.idempotency import Idempotency, fingerprint
from comments.service.queue import claim_key
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.storage import Effects, KeyTaken

Action = Literal["approve", "reject", "requeue"]
TARGET: dict[str, str] = {"approve": "approved", "reject": "rejected", "requeue": "pending"}
CLAIM_SECONDS = 60
MAX_REASON = 500

log = logging.getLogger(__name__)


def _reason(reason: str | None) -> str | None:
    """A moderator's reason as kept: stripped, capped, None when blank."""
    return (reason.strip()[:MAX_REASON] or None) if reason else None


class Decisions:
    """What moderators decide."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff
        self._make = Consequences(deps)
        self._keys = Idempotency(deps)
        self._fresh = Freshness(deps)

    async def decide(
        self,
        viewer: Viewer,
        comment_id: str,
        action: Action,
        from_status: str | None = None,
        reason: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Comment:
        """Approve, reject or requeue a comment, once: someone else's earlier decision is 409."""
        comment, site = await self._staff.comment(viewer, comment_id, in_article=True)
        reason = _reason(reason)
        scope = f"decision:{comment.id}"
        print_ = fingerprint({"action": action, "from": from_status, "reason": reason})
        replayed = await self._keys.replay(viewer, idempotency_key, scope, print_)
        if replayed is not None:
            return replace(comment, status=replayed["status"])
        try:
            return await self._decide(
                viewer, site, comment, action, from_status, reason, (idempotency_key, print_)
            )
        except KeyTaken:
            replayed = await self._keys.replay(viewer, idempotency_key, scope, print_)
            assert replayed is not None
            return replace(comment, status=replayed["status"])

    async def _decide(
        self,
        viewer: Viewer,
        site: Site,
        comment: Comment,
        action: Action,
        from_status: str | None,
        reason: str | None,
        key: tuple[str | None, str] = (None, ""),
    ) -> Comment:
        seen = from_status or comment.status
        if comment.status == "deleted":
            raise Conflict("The author deleted this comment.")
        target = TARGET[action]
        by = {"id": viewer.user.id, "name": viewer.user.name}
        make = self._make
        effects = Effects(
            audit=(
                make.audit(
                    site.name,
                    viewer.user.id,
                    action,
                    comment_id=comment.id,
                    user_id=comment.author_id,
                    reason=reason,
                    details={"from": seen, "to": target},
                ),
            ),
            outbox=(
                make.publish(
                    site.name,
                    "queue.decided",
                    # `from` and `reason` tell the author's e-mail what happened and why.
                    {"id": comment.id, "status": target, "by": by, "from": seen, "reason": reason},
                ),
                make.counts(site.name),
                make.claim_release(site.name, comment.id),
                make.changed(
                    site.name,
                    thread_id=comment.thread_id,
                    comment_id=comment.id,
                    event="comment.created" if target == "approved" else "comment.removed",
                ),
            ),
            remember=self._keys.record(
                viewer, key[0], f"decision:{comment.id}", key[1], {"status": target}
            ),
        )
        decided = await self._deps.storage.decide(
            comment.id,
            to_status=target,
            from_status=seen,
            unreviewed_reports=seen == "approved" and action == "approve",
            actor_id=viewer.user.id,
            now=self._deps.clock(),
            effects=effects,
        )
        if decided is None:
            current = await self._deps.storage.get_comment(comment.id)
            if current is not None and current.status == target:
                if current.decided_by == viewer.user.id:
                    return current  # the same moderator repeating the same decision
            raise await self._already_decided(current)
        await self._fresh.after(effects)
        return decided

    async def _already_decided(self, current: Comment | None) -> Conflict:
        who = "another moderator"
        if current is not None and current.decided_by:
            user = await self._deps.storage.get_user(current.decided_by)
            who = user.name if user else current.decided_by
        status = current.status if current else "changed"
        return Conflict(f"Already {status} by {who}.")

    async def bulk(
        self,
        viewer: Viewer,
        site_name: str,
        ids: list[str],
        action: Action,
        from_status: str,
        reason: str | None,
    ) -> dict[str, str]:
        """The same decision on many comments of one queue; each: ok, conflict or not_found."""
        site = await self._staff.require(viewer, site_name)
        reason = _reason(reason)
        results: dict[str, str] = {}
        for comment_id in dict.fromkeys(ids):
            comment = (
                await self._deps.storage.get_comment(comment_id)
                if looks_like_id(comment_id)
                else None
            )
            if comment is None or comment.site != site.name:
                results[comment_id] = "not_found"
                continue
            try:
                await self._decide(viewer, site, comment, action, from_status, reason)
                results[comment_id] = "ok"
            except Conflict:
                results[comment_id] = "conflict"
        return results

    async def claim(self, viewer: Viewer, comment_id: str) -> dict[str, str]:
        """Mark an item as being reviewed, for a minute; 409 names who has it."""
        comment, site = await self._staff.comment(viewer, comment_id)
        me = {"id": viewer.user.id, "name": viewer.user.name}
        key = claim_key(comment.id)
        cache = self._deps.cache
        if not await cache.add(key, json.dumps(me), CLAIM_SECONDS):
            raw = await cache.get(key)
            holder = json.loads(raw) if raw else None
            if holder and holder.get("id") != viewer.user.id:
                raise Conflict(f"Being reviewed by {holder.get('name', 'another moderator')}.")
            await cache.put(key, json.dumps(me), CLAIM_SECONDS)
        try:
            await self._deps.broker.publish(
                channel(site.name), "queue.claimed", {"id": comment.id, "by": me}
            )
        except Exception:  # the claim holds; the others learn of it on their next read
            log.warning("could not announce a claim on %s", comment.id)
        return me
