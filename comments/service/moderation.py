"""The moderators' use cases: queues, decisions, claims, bans, threads, settings, the log.

Every decision is guarded by the status the moderator saw, so two moderators never both
decide one item: the second gets 409 naming who was first. Every change is written to
the audit log and announced on the site's moderation channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from comments.errors import Conflict, Forbidden, NotFound, invalid
from comments.ids import looks_like_id
from comments.models import (
    MAX_BODY,
    AuditEntry,
    AuthorStats,
    Ban,
    Comment,
    CommentRow,
    Role,
    Site,
    SitePolicy,
    Thread,
)
from comments.moderation import Decision, Facts, Submission, run_pipeline
from comments.service import validation
from comments.service.context import Deps
from comments.service.sessions import TOKEN_CAPS, Sessions, Viewer
from comments.service.sites import Sites
from comments.storage import QueueQuery, ThreadChange

Queue = Literal["pending", "reported", "rejected", "approved"]
Action = Literal["approve", "reject", "requeue"]
TARGET: dict[str, str] = {"approve": "approved", "reject": "rejected", "requeue": "pending"}
CLAIM_SECONDS = 60


def channel(site: str) -> str:
    """The live channel of a site's moderation queues."""
    return f"moderation:{site}"


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


class Moderation:
    """What moderators and admins do."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions) -> None:
        self._deps = deps
        self._sites = sites
        self._sessions = sessions

    async def require(self, viewer: Viewer, site_name: str, *, admin: bool = False) -> Site:
        """The site, if the viewer moderates it (administers it, with `admin`); else 403."""
        site = await self._sites.get(site_name)
        session = viewer.session
        if session.kind == "reader":
            raise Forbidden("A reader's login cannot moderate; use the dashboard.")
        if session.kind == "api" and session.site != site.name:
            raise Forbidden("This token is for another site.")
        roles = await self._sessions.roles(site.name, viewer.user.id)
        if session.kind == "api":
            roles &= TOKEN_CAPS.get(session.role, frozenset())
        if ("admin" if admin else "moderator") not in roles:
            raise Forbidden(f"You are not {'an admin' if admin else 'a moderator'} of this site.")
        return site

    async def audit(self, site: str, actor: str | None, action: str, **fields: Any) -> None:
        """Write one entry of the audit log."""
        await self._deps.storage.add_audit(
            AuditEntry(
                id=self._deps.ids.new(),
                site=site,
                actor_id=actor,
                action=action,
                created_at=self._deps.clock(),
                **fields,
            )
        )

    async def announce(self, site: Site, event: str, data: dict[str, Any]) -> None:
        """Tell the site's moderators, then send them fresh counts."""
        broker = self._deps.broker
        await broker.publish(channel(site.name), event, data)
        counts = await self._deps.storage.queue_counts(site.name, site.policy.report_threshold)
        oldest = await self._deps.storage.oldest_pending(site.name)
        await broker.publish(
            channel(site.name),
            "counts",
            {"counts": counts, "oldest_pending_at": oldest.isoformat() if oldest else None},
        )

    async def queue(
        self,
        viewer: Viewer,
        site_name: str,
        queue: Queue,
        *,
        cursor: str | None = None,
        limit: int = 50,
        thread: str | None = None,
        author: str | None = None,
        reason: str | None = None,
        text: str | None = None,
    ) -> QueuePage:
        """One page of a queue, oldest first."""
        site = await self.require(viewer, site_name)
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
            claim = await self._deps.cache.get(f"claim:{comment.id}")
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

    async def _comment(self, viewer: Viewer, comment_id: str) -> tuple[Comment, Site]:
        comment = (
            await self._deps.storage.get_comment(comment_id) if looks_like_id(comment_id) else None
        )
        if comment is None:
            raise NotFound("There is no such comment.")
        return comment, await self.require(viewer, comment.site)

    async def decide(
        self,
        viewer: Viewer,
        comment_id: str,
        action: Action,
        from_status: str | None = None,
        reason: str | None = None,
    ) -> Comment:
        """Approve, reject or requeue a comment, once: a second decision is 409."""
        comment, site = await self._comment(viewer, comment_id)
        return await self._decide(viewer, site, comment, action, from_status, reason)

    async def _decide(
        self,
        viewer: Viewer,
        site: Site,
        comment: Comment,
        action: Action,
        from_status: str | None,
        reason: str | None,
    ) -> Comment:
        seen = from_status or comment.status
        if comment.status == "deleted":
            raise Conflict("The author deleted this comment.")
        reported = seen == "approved" and action == "approve"
        decided = await self._deps.storage.decide(
            comment.id,
            to_status=TARGET[action],
            from_status=seen,
            unreviewed_reports=reported,
            actor_id=viewer.user.id,
            now=self._deps.clock(),
        )
        if decided is None:
            raise await self._already_decided(comment.id)
        await self.audit(
            site.name,
            viewer.user.id,
            action,
            comment_id=comment.id,
            user_id=comment.author_id,
            reason=reason[:500] if reason else None,
            details={"from": seen, "to": decided.status},
        )
        await self._deps.cache.delete(f"claim:{comment.id}")
        by = {"id": viewer.user.id, "name": viewer.user.name}
        await self.announce(
            site, "queue.decided", {"id": comment.id, "status": decided.status, "by": by}
        )
        return decided

    async def _already_decided(self, comment_id: str) -> Conflict:
        current = await self._deps.storage.get_comment(comment_id)
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
        site = await self.require(viewer, site_name)
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
        comment, site = await self._comment(viewer, comment_id)
        me = {"id": viewer.user.id, "name": viewer.user.name}
        key = f"claim:{comment.id}"
        cache = self._deps.cache
        if not await cache.add(key, json.dumps(me), CLAIM_SECONDS):
            raw = await cache.get(key)
            holder = json.loads(raw) if raw else None
            if holder and holder.get("id") != viewer.user.id:
                raise Conflict(f"Being reviewed by {holder.get('name', 'another moderator')}.")
            await cache.put(key, json.dumps(me), CLAIM_SECONDS)
        await self._deps.broker.publish(
            channel(site.name), "queue.claimed", {"id": comment.id, "by": me}
        )
        return me

    async def ban(
        self,
        viewer: Viewer,
        site_name: str,
        user_id: str,
        reason: str,
        *,
        until: datetime | None = None,
        shadow: bool = False,
        reject_pending: bool = False,
    ) -> tuple[Ban, int]:
        """Ban or suspend a user; a visible ban ends their sessions on the site at once."""
        site = await self.require(viewer, site_name)
        reason = validation.text("reason", reason, 500, multiline=True)
        if await self._deps.storage.get_user(user_id) is None:
            raise NotFound("There is no such user.")
        if user_id == viewer.user.id:
            raise Forbidden("You cannot ban yourself.")
        now = self._deps.clock()
        if until is not None and until <= now:
            raise invalid("until", "must be in the future")
        ban = Ban(site.name, user_id, until, shadow, reason, viewer.user.id, now)
        await self._deps.storage.put_ban(ban)
        if not shadow:
            await self._deps.storage.revoke_sessions(now, user_id=user_id, site=site.name)
        rejected: list[str] = []
        if reject_pending:
            rejected = await self._deps.storage.reject_pending_by(
                site.name, user_id, viewer.user.id, now
            )
        details = {"until": until.isoformat() if until else None, "shadow": shadow,
                   "rejected": len(rejected)}  # fmt: skip
        await self.audit(site.name, viewer.user.id, "ban", user_id=user_id, reason=reason,
                         details=details)  # fmt: skip
        by = {"id": viewer.user.id, "name": viewer.user.name}
        for comment_id in rejected:
            await self._deps.broker.publish(
                channel(site.name), "queue.decided",
                {"id": comment_id, "status": "rejected", "by": by},
            )  # fmt: skip
        await self.announce(site, "user.banned", {"user_id": user_id, "shadow": shadow})
        return ban, len(rejected)

    async def banned(self, site: str, user_id: str) -> bool:
        """Whether the user is under an active, visible ban on the site (shadow bans hide)."""
        ban = await self._deps.storage.get_ban(site, user_id)
        return ban is not None and not ban.shadow and ban.active(self._deps.clock())

    async def unban(self, viewer: Viewer, site_name: str, user_id: str) -> None:
        """Lift a ban."""
        site = await self.require(viewer, site_name)
        if not await self._deps.storage.delete_ban(site.name, user_id):
            raise NotFound("This user is not banned here.")
        await self.audit(site.name, viewer.user.id, "unban", user_id=user_id)

    async def bans(self, viewer: Viewer, site_name: str) -> list[tuple[Ban, str | None]]:
        """The site's bans and suspensions."""
        site = await self.require(viewer, site_name)
        return await self._deps.storage.list_bans(site.name)

    async def set_thread_closed(
        self, viewer: Viewer, site_name: str, key: str, closed: bool
    ) -> Thread:
        """Close a thread to new comments, or open it again."""
        site = await self.require(viewer, site_name)
        thread = await self._deps.storage.change_thread(site.name, key, ThreadChange(closed=closed))
        if thread is None:
            raise NotFound("Nobody has commented on this article yet.")
        action = "close_thread" if closed else "open_thread"
        await self.audit(site.name, viewer.user.id, action, details={"thread": key})
        return thread

    async def thread_options(
        self, viewer: Viewer, site_name: str, key: str, change: ThreadChange
    ) -> Thread:
        """Per-thread pre-moderation and slow mode (None goes back to the site's policy)."""
        site = await self.require(viewer, site_name)
        thread = await self._deps.storage.change_thread(site.name, key, change)
        if thread is None:
            raise NotFound("Nobody has commented on this article yet.")
        details = {"thread": key} | {k: v for k, v in change.values().items()}
        await self.audit(site.name, viewer.user.id, "thread_options", details=details)
        return thread

    async def log(
        self, viewer: Viewer, site_name: str, cursor: str | None, limit: int = 50
    ) -> tuple[list[tuple[AuditEntry, str | None]], str | None]:
        """The audit log, newest first."""
        site = await self.require(viewer, site_name)
        if cursor is not None and not looks_like_id(cursor):
            raise invalid("cursor", "is not a cursor from this log")
        entries = await self._deps.storage.list_audit(site.name, cursor, limit + 1)
        more = len(entries) > limit
        entries = entries[:limit]
        return entries, entries[-1][0].id if more and entries else None

    async def update_settings(
        self,
        viewer: Viewer,
        site_name: str,
        *,
        policy: SitePolicy | None,
        origins: list[str] | None,
        sso_secret: str | None,
    ) -> Site:
        """Admins change the site's policy, origins and SSO secret."""
        current = await self.require(viewer, site_name, admin=True)
        if policy is not None:
            try:
                await self._deps.words.matcher(policy)  # compiles now: a bad entry is a 422
            except ValueError as exc:
                raise invalid("policy", str(exc)) from None
        if policy is not None and policy.classifier_secret is None:
            # The secret is write-only: a policy sent back without it keeps the old one.
            policy = policy.model_copy(
                update={"classifier_secret": current.policy.classifier_secret}
            )
        site = await self._sites.update(
            site_name, origins=origins, policy=policy, sso_secret=sso_secret
        )
        changed = sorted(
            name
            for name, value in (
                ("policy", policy),
                ("origins", origins),
                ("sso_secret", sso_secret),
            )
            if value is not None
        )
        await self.audit(site.name, viewer.user.id, "settings", details={"changed": changed})
        return site

    async def roles(
        self, viewer: Viewer, site_name: str
    ) -> list[tuple[str, str | None, list[Role]]]:
        """Who moderates and administers the site (admins only)."""
        site = await self.require(viewer, site_name, admin=True)
        return await self._deps.storage.list_roles(site.name)

    async def set_roles(
        self, viewer: Viewer, site_name: str, user_id: str, wanted: list[Role]
    ) -> None:
        """Admins grant and withdraw roles."""
        site = await self.require(viewer, site_name, admin=True)
        if await self._deps.storage.get_user(user_id) is None:
            raise NotFound("No user with this id has logged in yet.")
        if user_id == viewer.user.id and "admin" not in wanted:
            raise Forbidden("You cannot take away your own admin role.")
        await self._deps.storage.set_roles(site.name, user_id, wanted, self._deps.clock())
        await self.audit(site.name, viewer.user.id, "roles", user_id=user_id,
                         details={"roles": sorted(wanted)})  # fmt: skip

    async def check(self, viewer: Viewer, site_name: str, body: str) -> Decision:
        """The pipeline on a text, as if a trusted regular posted it; stores nothing."""
        site = await self.require(viewer, site_name)
        body = validation.text("body", body, MAX_BODY, multiline=True)
        links = tuple(self._deps.renderer.links(body))
        submission = Submission(body=body, link_count=len(links), links=links)
        facts = Facts(
            policy=site.policy,
            author_id=viewer.user.id,
            author_approved=10**6,
            now=self._deps.clock(),
            trusted=False,
            word_hits=tuple(await self._deps.words.find(site.policy, body)),
        )
        return run_pipeline(submission, facts)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def queue_item_json(item: QueueItem) -> dict[str, Any]:
    """The JSON of a queue item, for the queue endpoint and the live stream alike."""
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
            "created_at": _iso(comment.created_at),
            "edited_at": _iso(comment.edited_at),
            "score": comment.score,
            "report_count": comment.report_count,
        },
        "author": {
            "id": author.id,
            "name": author.name,
            "avatar_url": author.avatar_url,
            "approved": item.author.approved,
            "rejected": item.author.rejected,
            "first_seen": _iso(item.author.first_seen),
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
        "reasons": [
            {
                "code": r.get("code"),
                "message": r.get("message"),
                "action": r.get("action"),
                "span": r.get("span"),
            }
            for r in comment.reasons
        ],
        "reports": {
            "count": len(item.reports),
            "reasons": reasons,
            "notes": [note for _reason, note in item.reports if note],
        },
        "claimed_by": item.claimed_by,
    }
