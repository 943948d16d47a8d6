"""Writing: post, reply, edit, delete, vote, report.

Validation happens first and raises 4xx; only then does moderation run and storage
write, in one transaction per use case, so nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from comments.errors import (
    Banned,
    Conflict,
    Forbidden,
    LoginRequired,
    NotFound,
    ThreadClosed,
    invalid,
)
from comments.ids import looks_like_id
from comments.models import (
    MAX_BODY,
    MAX_THREAD_KEY,
    MAX_TITLE,
    MAX_URL,
    AuthorView,
    Ban,
    Comment,
    CommentRow,
    Site,
    Status,
    Thread,
)
from comments.moderation import Decision, Facts, Submission, run_pipeline
from comments.moderation.phases import word_action
from comments.moderation.words import WordHit
from comments.service import validation
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.moderation import Moderation, queue_item_json
from comments.service.reading import Reading, thread_closed
from comments.service.sessions import Viewer
from comments.service.sites import Sites
from comments.service.views import CommentView
from comments.storage import CommentChange, ThreadChange, VoteValue

STATUS_FOR: dict[str, Status] = {"allow": "approved", "hold": "pending", "reject": "rejected"}
ReportReason = Literal["spam", "abuse", "off_topic", "other"]


@dataclass(frozen=True)
class NewComment:
    """A reader's submission as it arrives."""

    thread: str
    body: str
    parent_id: str | None = None
    thread_url: str | None = None
    thread_title: str | None = None


class Posting:
    """The write use cases."""

    def __init__(self, deps: Deps, sites: Sites, reading: Reading, moderation: Moderation) -> None:
        self._deps = deps
        self._sites = sites
        self._reading = reading
        self._moderation = moderation
        self._limits = RateLimits(deps)

    async def _ban(self, site: Site, viewer: Viewer) -> Ban | None:
        """The viewer's active ban: a visible one refuses with 403, a shadow one is returned."""
        ban = await self._deps.storage.get_ban(site.name, viewer.user.id)
        if ban is None or not ban.active(self._deps.clock()):
            return None
        if ban.shadow:
            return ban
        until = f" until {ban.until:%d %B %Y, %H:%M} UTC" if ban.until else ""
        raise Banned(f"You are banned from commenting on this site{until}.")

    async def _after_write(self, site: Site, comment: Comment, thread_key: str) -> None:
        """The automatic verdict goes to the audit log, a held comment to the live queue."""
        if comment.status in ("pending", "rejected"):
            codes = [str(r["code"]) for r in comment.reasons if r.get("action") != "allow"]
            await self._moderation.audit(
                site.name,
                None,
                "auto_hold" if comment.status == "pending" else "auto_reject",
                comment_id=comment.id,
                user_id=comment.author_id,
                details={"codes": codes},
            )
        if comment.status == "pending":
            rows = await self._deps.storage.comment_rows([comment.id])
            items = await self._moderation.items(site, list(rows.values()))
            await self._moderation.announce(
                site, "queue.added", {"status": "pending", "item": queue_item_json(items[0])}
            )

    async def _pressure(self, site: Site, stored: Thread) -> tuple[Thread, bool]:
        """Surge mode: a thread past the site's rate holds back; answers whether it is on."""
        now = self._deps.clock()
        threshold = site.policy.surge_per_minute
        if threshold == 0:
            return stored, False
        was_on = stored.surge_until is not None and stored.surge_until > now
        recent = await self._deps.storage.count_recent(stored.id, now - timedelta(minutes=1))
        if recent + 1 < threshold:
            return stored, was_on
        until = now + timedelta(minutes=site.policy.surge_minutes)
        changed = await self._deps.storage.change_thread(
            site.name, stored.key, ThreadChange(surge_until=until)
        )
        if not was_on:
            details = {
                "thread": stored.key,
                "per_minute": recent + 1,
                "action": site.policy.surge_action,
            }
            await self._moderation.audit(site.name, None, "surge_on", details=details)
            await self._moderation.announce(
                site,
                "thread.surge",
                {
                    "thread": {"key": stored.key, "title": stored.title},
                    "active": True,
                    "until": until.isoformat(),
                },
            )
        return changed or stored, True

    async def _moderate(
        self,
        site: Site,
        viewer: Viewer,
        body: str,
        *,
        is_edit: bool,
        premoderation: str | None = None,
    ) -> tuple[Decision, tuple[WordHit, ...]]:
        """Load every fact the filters need, then run them (they do no I/O)."""
        storage = self._deps.storage
        now = self._deps.clock()
        approved = await storage.count_approved_by(site.name, viewer.user.id)
        window = timedelta(seconds=site.policy.duplicate_window_seconds)
        mine, others = await storage.duplicates(site.name, body, viewer.user.id, now - window)
        links = tuple(self._deps.renderer.links(body))
        submission = Submission(body=body, link_count=len(links), is_edit=is_edit, links=links)
        classifier, failed = await self._classify(site, viewer, body)
        hits = tuple(await self._deps.words.find(site.policy, body))
        facts = Facts(
            policy=site.policy,
            author_id=viewer.user.id,
            author_approved=approved,
            now=now,
            trusted=bool(viewer.roles & {"moderator", "admin"}),
            same_text_by_author=mine,
            same_text_by_others=others,
            premoderation=premoderation,
            classifier=classifier,
            classifier_failed=failed,
            word_hits=hits,
        )
        return run_pipeline(submission, facts), hits

    async def _html(self, site: Site, body: str, hits: tuple[WordHit, ...]) -> str:
        """The published HTML: words of lists the site masks are starred out first."""
        masked = [hit for hit in hits if word_action(hit.list_name, site.policy) == "mask"]
        if masked:
            body = (await self._deps.words.matcher(site.policy)).mask(body, masked)
        return self._deps.renderer.render(body)

    async def _classify(
        self, site: Site, viewer: Viewer, body: str
    ) -> tuple[tuple[str, str | None] | None, bool]:
        """Ask the site's classifier, if it has one; (answer, failed)."""
        policy = site.policy
        if not policy.classifier_url or not policy.classifier_secret:
            return None, False
        payload = {"site": site.name, "author": viewer.user.id, "body": body}
        answer = await self._deps.classifier.ask(
            policy.classifier_url, policy.classifier_secret, payload, policy.classifier_timeout_ms
        )
        if answer is None:
            return None, True
        return (answer.action, answer.reason), False

    def _row(
        self, comment: Comment, viewer: Viewer, thread_key: str, my_vote: int = 0
    ) -> CommentRow:
        author = AuthorView(
            id=viewer.user.id, name=viewer.user.name, avatar_url=viewer.user.avatar_url
        )
        return CommentRow(comment=comment, author=author, thread_key=thread_key, my_vote=my_vote)

    async def post(
        self, site_name: str, viewer: Viewer, new: NewComment, address: str | None = None
    ) -> CommentView:
        """A new comment or reply; answers its view and the moderation decision."""
        site = await self._sites.get(site_name)
        if viewer.site != site.name:
            raise LoginRequired("This login is for another site. Please log in again.")
        key = validation.text("thread", new.thread, MAX_THREAD_KEY)
        body = validation.text("body", new.body, MAX_BODY, multiline=True)
        storage = self._deps.storage
        thread = await storage.get_thread(site.name, key)
        is_new = thread is None
        if thread is None:
            if new.thread_url is None:
                raise invalid("thread_url", "is required for the first comment of an article")
            url = validation.page_url("thread_url", new.thread_url, site.origins, MAX_URL)
            title = (
                validation.text("thread_title", new.thread_title, MAX_TITLE)
                if new.thread_title
                else key[:MAX_TITLE]
            )
            thread = Thread(
                id=self._deps.ids.new(),
                site=site.name,
                key=key,
                url=url,
                title=title,
                closed=False,
                created_at=self._deps.clock(),
            )
        elif thread_closed(thread, site, self._deps):
            raise ThreadClosed("This discussion is closed to new comments.")
        parent_id, root_id, depth = None, "", 0
        if new.parent_id is not None:
            parent = await self._parent(new.parent_id, thread, site)
            parent_id, root_id, depth = parent.id, parent.root_id, parent.depth + 1
        shadow_ban = await self._ban(site, viewer)
        trusted = bool(viewer.roles & {"moderator", "admin"})
        premoderation = thread.premoderation
        if not trusted:
            await self._limits.posting(site, viewer.user.id, address)
            surging = False
            if not is_new:  # a thread's first comment is no surge
                thread, surging = await self._pressure(site, thread)
            slow = thread.slow_mode_seconds or (
                site.policy.surge_slow_seconds
                if surging and site.policy.surge_action == "slow"
                else None
            )
            if slow:
                await self._limits.slow_mode(site, thread, viewer.user.id, slow)
            if surging and site.policy.surge_action == "premoderate":
                premoderation = "all"
        decision, hits = await self._moderate(
            site, viewer, body, is_edit=False, premoderation=premoderation
        )
        now = self._deps.clock()
        comment_id = self._deps.ids.new()
        comment = Comment(
            id=comment_id,
            site=site.name,
            thread_id=thread.id,
            parent_id=parent_id,
            root_id=root_id or comment_id,
            depth=depth,
            author_id=viewer.user.id,
            body=body,
            html=await self._html(site, body, hits),
            status=STATUS_FOR[decision.action],
            reasons=tuple(r.to_json() for r in decision.reasons),
            score=0,
            report_count=0,
            created_at=now,
            edited_at=None,
            shadowed=shadow_ban is not None,
        )
        await storage.add_comment(comment, thread)
        await self._after_write(site, comment, key)
        return self._reading.view(self._row(comment, viewer, key), site, viewer)

    async def _parent(self, parent_id: str, thread: Thread, site: Site) -> Comment:
        """The comment replied to, lifted to the deepest level the site shows."""
        parent = (
            await self._deps.storage.get_comment(parent_id) if looks_like_id(parent_id) else None
        )
        if parent is None or parent.thread_id != thread.id:
            raise invalid("parent_id", "is not a comment in this thread")
        if parent.status not in ("approved", "pending"):
            raise invalid("parent_id", "cannot be answered: it was removed")
        while parent.depth >= site.policy.reply_depth and parent.parent_id is not None:
            lifted = await self._deps.storage.get_comment(parent.parent_id)
            if lifted is None:
                break
            parent = lifted
        if parent.depth >= site.policy.reply_depth:
            raise invalid("parent_id", "this site does not take replies")
        return parent

    async def _owned(self, comment_id: str, viewer: Viewer) -> tuple[Comment, Site]:
        comment = (
            await self._deps.storage.get_comment(comment_id) if looks_like_id(comment_id) else None
        )
        if comment is None:
            raise NotFound("There is no such comment.")
        if comment.site != viewer.site:
            raise LoginRequired("This login is for another site. Please log in again.")
        return comment, await self._sites.get(comment.site)

    async def edit(self, comment_id: str, viewer: Viewer, body: str) -> CommentView:
        """The author changes the text within the edit window; moderation runs again."""
        comment, site = await self._owned(comment_id, viewer)
        if comment.author_id != viewer.user.id:
            raise Forbidden("Only its author can edit a comment.")
        if comment.status in ("deleted", "rejected"):
            raise Forbidden("This comment can no longer be edited.")
        window = timedelta(seconds=site.policy.edit_window_seconds)
        if self._deps.clock() - comment.created_at > window:
            raise Forbidden("The time to edit this comment has passed.")
        body = validation.text("body", body, MAX_BODY, multiline=True)
        await self._ban(site, viewer)
        decision, hits = await self._moderate(site, viewer, body, is_edit=True)
        status = STATUS_FOR[decision.action]
        if comment.status == "pending" and status == "approved":
            status = "pending"  # an edit never skips a review that is already waiting
        updated = await self._deps.storage.change_comment(
            comment.id,
            CommentChange(
                body=body,
                html=await self._html(site, body, hits),
                status=status,
                reasons=tuple(r.to_json() for r in decision.reasons),
                edited_at=self._deps.clock(),
            ),
        )
        thread = await self._deps.storage.get_thread_by_id(updated.thread_id)
        key = thread.key if thread else ""
        if updated.status != comment.status or updated.status == "pending":
            await self._after_write(site, updated, key)
        return self._reading.view(self._row(updated, viewer, key), site, viewer)

    async def delete(self, comment_id: str, viewer: Viewer) -> None:
        """The author or a moderator removes a comment; with replies it stays a tombstone."""
        comment, _site = await self._owned(comment_id, viewer)
        if comment.author_id != viewer.user.id and not viewer.is_moderator:
            raise Forbidden("Only its author or a moderator can delete a comment.")
        if comment.status == "deleted":
            return
        await self._deps.storage.change_comment(
            comment.id, CommentChange(body="", html="", status="deleted")
        )

    async def _public(self, comment_id: str, viewer: Viewer) -> tuple[Comment, Site]:
        comment, site = await self._owned(comment_id, viewer)
        if comment.status != "approved" or comment.shadowed:
            raise NotFound("There is no such comment.")
        await self._ban(site, viewer)
        return comment, site

    async def vote(self, comment_id: str, viewer: Viewer, value: VoteValue) -> int:
        """One vote per reader and comment; 0 withdraws it. Answers the new score."""
        comment, _site = await self._public(comment_id, viewer)
        if comment.author_id == viewer.user.id:
            raise Forbidden("You cannot vote on your own comment.")
        return await self._deps.storage.set_vote(
            comment.id, viewer.user.id, value, self._deps.clock()
        )

    async def report(
        self, comment_id: str, viewer: Viewer, reason: ReportReason, note: str | None
    ) -> None:
        """Flag a comment for the moderators, once per reader."""
        comment, site = await self._public(comment_id, viewer)
        if comment.author_id == viewer.user.id:
            raise Forbidden("You cannot report your own comment.")
        if note is not None:
            note = validation.text("note", note, 500, multiline=True) if note.strip() else None
        added = await self._deps.storage.add_report(
            comment.id, viewer.user.id, reason, note, self._deps.clock()
        )
        if not added:
            raise Conflict("You have already reported this comment.")
        if comment.report_count + 1 - comment.reviewed_reports == site.policy.report_threshold:
            rows = await self._deps.storage.comment_rows([comment.id])
            items = await self._moderation.items(site, list(rows.values()))
            await self._moderation.announce(
                site, "queue.added", {"status": "reported", "item": queue_item_json(items[0])}
            )
