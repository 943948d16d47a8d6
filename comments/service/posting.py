"""Writing: post, reply, edit, delete, vote, report.

Validation comes first and answers 4xx; then screening (comments/service/screening.py)
loads the facts once and runs the phases; then one transaction writes the comment, its
audit row, its outbox rows and, when the request carried an `Idempotency-Key`, the
record of this answer. Nothing after the commit can turn it into an error: the outbox
delivers the consequences.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

from comments.errors import (
    Banned,
    Conflict,
    Forbidden,
    LoginRequired,
    NotFound,
    RateLimited,
    ThreadClosed,
    invalid,
)
from comments.ids import looks_like_id
from comments.models import (
    MAX_BODY,
    MAX_THREAD_KEY,
    MAX_TITLE,
    MAX_URL,
    AuditEntry,
    AuthorView,
    Comment,
    CommentRow,
    Language,
    Site,
    Status,
    Thread,
    iso,
)
from comments.moderation import Decision
from comments.service import validation
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.service.idempotency import Idempotency, fingerprint
from comments.service.preview import published_html
from comments.service.profile import remember_language
from comments.service.reading import Reading
from comments.service.screening import Screened, Screening, ban_message
from comments.service.sessions import Viewer
from comments.service.sites import Sites
from comments.service.views import CommentView
from comments.storage import (
    CommentChange,
    Effects,
    KeyTaken,
    NewCommentWrite,
    OutboxItem,
    ThreadChange,
    VoteValue,
)

STATUS_FOR: dict[str, Status] = {"allow": "approved", "hold": "pending", "reject": "rejected"}
ReportReason = Literal["spam", "abuse", "off_topic", "other"]
REFUSALS = {"banned": Banned, "thread_closed": ThreadClosed, "rate_limited": RateLimited}


@dataclass(frozen=True)
class NewComment:
    """A reader's submission as it arrives."""

    thread: str
    body: str
    parent_id: str | None = None
    thread_url: str | None = None
    thread_title: str | None = None
    notify: bool = False  # tell me of replies (honoured with a verified address)


def refuse(decision: Decision) -> None:
    """Raise the error a refusing phase chose (a ban, a closed thread, a rate limit)."""
    verdict = decision.refusal
    if verdict is None or verdict.refusal is None:
        return
    raise REFUSALS[verdict.refusal](verdict.message, retry_after=verdict.retry_after)


class Posting:
    """The write use cases."""

    def __init__(self, deps: Deps, sites: Sites, reading: Reading, screening: Screening) -> None:
        self._deps = deps
        self._sites = sites
        self._reading = reading
        self._screening = screening
        self._make = Consequences(deps)
        self._keys = Idempotency(deps)
        self._fresh = Freshness(deps)

    def _held(self, site: Site, comment: Comment, queue: str = "pending") -> list[OutboxItem]:
        """The automatic verdict's consequences: a held comment goes to the live queue."""
        items = []
        if comment.status == "pending":
            items.append(self._make.queue_added(site.name, comment.id, queue))
        items.append(self._make.counts(site.name, comment.id))
        return items

    def _auto_audit(self, site: Site, comment: Comment) -> tuple[AuditEntry, ...]:
        if comment.status not in ("pending", "rejected"):
            return ()
        codes = [str(r["code"]) for r in comment.reasons if r.get("action") != "allow"]
        return (
            self._make.audit(
                site.name,
                None,
                "auto_hold" if comment.status == "pending" else "auto_reject",
                comment_id=comment.id,
                user_id=comment.author_id,
                details={"codes": codes},
            ),
        )

    async def _html(self, site: Site, screened: Screened) -> str:
        """The published HTML, from the parse screening made: masked words starred out."""
        return await published_html(self._deps, site.policy, screened.parsed, screened.hits)

    def _row(self, comment: Comment, viewer: Viewer, thread_key: str) -> CommentRow:
        author = AuthorView(
            id=viewer.user.id, name=viewer.user.name, avatar_url=viewer.user.avatar_url
        )
        return CommentRow(comment=comment, author=author, thread_key=thread_key)

    async def post(
        self,
        site_name: str,
        viewer: Viewer,
        new: NewComment,
        address: str | None = None,
        *,
        idempotency_key: str | None = None,
        language: Language | None = None,
    ) -> CommentView:
        """A new comment or reply; answers its view and the moderation decision.

        `language`: the one the request negotiated, remembered on the account (None:
        the request named none, and the stored one stays).
        """
        site = await self._sites.get(site_name)
        if viewer.site != site.name:
            raise LoginRequired("This login is for another site. Please log in again.")
        key = validation.text("thread", new.thread, MAX_THREAD_KEY)
        body = validation.text("body", new.body, MAX_BODY, multiline=True)
        await remember_language(self._deps, viewer, language)
        scope = f"post:{site.name}"
        print_ = fingerprint(
            {"thread": key, "body": body, "parent": new.parent_id, "url": new.thread_url}
        )
        replayed = await self._keys.replay(viewer, idempotency_key, scope, print_)
        if replayed is not None:
            return await self._replay(replayed, site, viewer)
        screened = await self._screening.post(site, viewer, key, body, address)
        refuse(screened.decision)
        thread = screened.stored.thread
        new_thread = thread is None
        if thread is None:
            thread = self._new_thread(site, key, new)
        parent_id, root_id, depth = None, "", 0
        if new.parent_id is not None:
            parent = await self._parent(new.parent_id, thread, site)
            parent_id, root_id, depth = parent.id, parent.root_id, parent.depth + 1
        decision = screened.decision
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
            html=await self._html(site, screened),
            status=STATUS_FOR[decision.action],
            reasons=tuple(r.to_json() for r in decision.reasons),
            score=0,
            report_count=0,
            created_at=self._deps.clock(),
            edited_at=None,
            shadowed=decision.shadow,
            notify=new.notify and viewer.user.email is not None,
        )
        write = self._write(site, viewer, comment, thread, new_thread, screened)
        remember = self._keys.record(
            viewer, idempotency_key, scope, print_, {"comment_id": comment.id}
        )
        write = replace(write, effects=replace(write.effects, remember=remember))
        try:
            stored = await self._deps.storage.add_comment(write)
        except KeyTaken:
            again = await self._keys.replay(viewer, idempotency_key, scope, print_)
            assert again is not None
            return await self._replay(again, site, viewer)
        await self._fresh.after(write.effects)
        comment = replace(comment, thread_id=stored.id)
        return self._reading.view(self._row(comment, viewer, key), site, viewer)

    def _new_thread(self, site: Site, key: str, new: NewComment) -> Thread:
        if new.thread_url is None:
            raise invalid("thread_url", "is required for the first comment of an article")
        url = validation.page_url("thread_url", new.thread_url, site.origins, MAX_URL)
        title = (
            validation.text("thread_title", new.thread_title, MAX_TITLE)
            if new.thread_title
            else key[:MAX_TITLE]
        )
        return Thread(
            id=self._deps.ids.new(),
            site=site.name,
            key=key,
            url=url,
            title=title,
            closed=False,
            created_at=self._deps.clock(),
        )

    def _write(
        self,
        site: Site,
        viewer: Viewer,
        comment: Comment,
        thread: Thread,
        new_thread: bool,
        screened: Screened,
    ) -> NewCommentWrite:
        """The insert with its audit and outbox rows, and the surge this post records."""
        audit = list(self._auto_audit(site, comment))
        outbox = self._held(site, comment)
        shown = comment.status == "approved" and not comment.shadowed
        outbox.append(
            self._make.changed(
                site.name, thread=thread.key, comment_id=comment.id,
                event="comment.created" if shown else None,
            )
        )  # fmt: skip
        surge = screened.surge
        change = None
        if surge is not None and not new_thread:
            change = ThreadChange(surge_until=surge.until)
            if surge.started:
                details = {"thread": thread.key, "per_minute": surge.per_minute,
                           "action": site.policy.surge_action}  # fmt: skip
                audit.append(self._make.audit(site.name, None, "surge_on", details=details))
                outbox.append(
                    self._make.publish(
                        site.name,
                        "thread.surge",
                        {
                            "thread": {"key": thread.key, "title": thread.title},
                            "active": True,
                            "until": iso(surge.until),
                        },
                    )
                )
        effects = Effects(audit=tuple(audit), outbox=tuple(outbox))
        return NewCommentWrite(comment, thread, new_thread, change, effects)

    async def _replay(self, result: dict[str, object], site: Site, viewer: Viewer) -> CommentView:
        """The answer a retried post gets: the comment its first attempt created."""
        comment_id = str(result.get("comment_id", ""))
        rows = await self._deps.storage.comment_rows([comment_id])
        row = rows.get(comment_id)
        if row is None:
            raise NotFound("The comment this request created is gone.")
        return self._reading.view(row, site, viewer)

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
        screened = await self._screening.edit(site, viewer, comment, body)
        refuse(screened.decision)
        decision = screened.decision
        status = STATUS_FOR[decision.action]
        if comment.status == "pending" and status == "approved":
            status = "pending"  # an edit never skips a review that is already waiting
        after = replace(
            comment, status=status, reasons=tuple(r.to_json() for r in decision.reasons)
        )
        changed = self._make.changed(
            site.name, thread_id=comment.thread_id, event="comment.updated", comment_id=comment.id
        )
        effects = Effects(outbox=(changed,))
        if status != comment.status or status == "pending":
            effects = Effects(
                audit=self._auto_audit(site, after),
                outbox=(*self._held(site, after), changed),
            )
        updated = await self._deps.storage.change_comment(
            comment.id,
            CommentChange(
                body=body,
                html=await self._html(site, screened),
                status=status,
                reasons=after.reasons,
                edited_at=self._deps.clock(),
            ),
            effects,
        )
        await self._fresh.after(effects)
        thread = screened.stored.thread
        return self._reading.view(self._row(updated, viewer, thread.key if thread else ""), site,
                                  viewer)  # fmt: skip

    async def delete(self, comment_id: str, viewer: Viewer) -> None:
        """The author or a moderator removes a comment; with replies it stays a tombstone."""
        comment, site = await self._owned(comment_id, viewer)
        if comment.author_id != viewer.user.id and not viewer.is_moderator:
            raise Forbidden("Only its author or a moderator can delete a comment.")
        if comment.status == "deleted":
            return
        effects = Effects(
            outbox=(
                self._make.counts(site.name, comment.id),
                self._make.changed(site.name, thread_id=comment.thread_id,
                                   event="comment.removed", comment_id=comment.id),
            )
        )  # fmt: skip
        await self._deps.storage.change_comment(
            comment.id, CommentChange(body="", html="", status="deleted"), effects
        )
        await self._fresh.after(effects)

    async def _public(self, comment_id: str, viewer: Viewer) -> tuple[Comment, Site]:
        comment, site = await self._owned(comment_id, viewer)
        if comment.status != "approved" or comment.shadowed:
            raise NotFound("There is no such comment.")
        ban = await self._deps.storage.get_ban(site.name, viewer.user.id)
        message = ban_message(ban, self._deps.clock())
        if message is not None:
            raise Banned(message)
        return comment, site

    async def vote(self, comment_id: str, viewer: Viewer, value: VoteValue) -> int:
        """One vote per reader and comment; 0 withdraws it. Answers the new score."""
        comment, site = await self._public(comment_id, viewer)
        if comment.author_id == viewer.user.id:
            raise Forbidden("You cannot vote on your own comment.")
        effects = Effects(
            outbox=(
                self._make.changed(site.name, thread_id=comment.thread_id,
                                   event="comment.voted", comment_id=comment.id),
            )
        )  # fmt: skip
        score = await self._deps.storage.set_vote(
            comment.id, viewer.user.id, value, self._deps.clock(), effects
        )
        await self._fresh.after(effects)
        return score

    async def report(
        self, comment_id: str, viewer: Viewer, reason: ReportReason, note: str | None
    ) -> None:
        """Flag a comment for the moderators, once per reader."""
        comment, site = await self._public(comment_id, viewer)
        if comment.author_id == viewer.user.id:
            raise Forbidden("You cannot report your own comment.")
        if note is not None:
            note = validation.text("note", note, 500, multiline=True) if note.strip() else None
        outbox = []
        if comment.report_count + 1 - comment.reviewed_reports == site.policy.report_threshold:
            outbox.append(self._make.queue_added(site.name, comment.id, "reported"))
        outbox.append(self._make.counts(site.name, comment.id))
        hide = site.policy.hide_after_reports
        if hide and comment.report_count + 1 - comment.reviewed_reports >= hide:
            outbox.append(
                self._make.changed(site.name, thread_id=comment.thread_id,
                                   event="comment.removed", comment_id=comment.id)
            )  # fmt: skip
        effects = Effects(outbox=tuple(outbox))
        added = await self._deps.storage.add_report(
            comment.id, viewer.user.id, reason, note, self._deps.clock(), effects
        )
        if not added:
            raise Conflict("You have already reported this comment.")
        await self._fresh.after(effects)
