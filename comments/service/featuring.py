"""Featured comments: staff pin a few published top-level comments to the top of a thread.

A featured comment leads the first page of its thread in every sort (newest featured
first, ahead of the page's `limit` others), and the cursor pages leave it out, so no
page lists it twice (comments/service/reading.py). A thread has at most `MAX_FEATURED`.

Featuring is idempotent: asking for what already holds answers the comment and writes
nothing. A change commits with its audit row and a `thread.changed` row whose live event
is `comment.updated`, so cached pages and open widgets both learn of it. A comment that
is rejected, requeued, deleted or edited back into review stops being featured in the
same transaction (storage clears it with the status), so nothing hidden stays pinned.
"""

from __future__ import annotations

from comments.errors import Conflict, NotFound
from comments.models import Comment, Site
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.storage import Effects, FeatureWrite

MAX_FEATURED = 5


def refusal(comment: Comment, site: Site) -> str | None:
    """Why this comment cannot be featured, in words for the moderator; None if it can."""
    if comment.parent_id is not None:
        return "Only a top-level comment can be featured, not a reply."
    if comment.status == "pending":
        return "This comment is waiting for review; approve it before featuring it."
    if comment.status != "approved":
        return f"This comment is {comment.status}; only a published comment can be featured."
    hide = site.policy.hide_after_reports
    if comment.shadowed or (hide > 0 and comment.report_count - comment.reviewed_reports >= hide):
        return "Readers do not see this comment now, so it cannot be featured."
    return None


class Featuring:
    """Feature and unfeature comments, for a site's moderators and admins."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)

    async def feature(self, viewer: Viewer, comment_id: str) -> Comment:
        """Pin a comment to the top of its thread; 409 when it may not be or the thread is full."""
        comment, site = await self._staff.comment(viewer, comment_id, in_article=True)
        if comment.featured:
            return comment
        why = refusal(comment, site)
        if why is not None:
            raise Conflict(why)
        return await self._write(viewer, site, comment, True)

    async def unfeature(self, viewer: Viewer, comment_id: str) -> Comment:
        """Unpin a comment (a comment that is not featured is answered as it is)."""
        comment, site = await self._staff.comment(viewer, comment_id, in_article=True)
        if not comment.featured:
            return comment
        return await self._write(viewer, site, comment, False)

    async def _write(self, viewer: Viewer, site: Site, comment: Comment, featured: bool) -> Comment:
        make = self._make
        action = "feature" if featured else "unfeature"
        effects = Effects(
            audit=(
                make.audit(
                    site.name,
                    viewer.user.id,
                    action,
                    comment_id=comment.id,
                    user_id=comment.author_id,
                ),
            ),
            outbox=(
                make.changed(
                    site.name,
                    thread_id=comment.thread_id,
                    event="comment.updated",
                    comment_id=comment.id,
                ),
            ),
        )
        outcome, current = await self._deps.storage.feature_comment(
            FeatureWrite(
                comment_id=comment.id,
                featured=featured,
                actor_id=viewer.user.id,
                now=self._deps.clock(),
                most=MAX_FEATURED,
                effects=effects,
            )
        )
        if current is None:
            raise NotFound("There is no such comment.")
        if outcome == "full":
            raise Conflict(
                f"This thread already has {MAX_FEATURED} featured comments; "
                "unfeature one of them first."
            )
        if outcome == "ineligible":  # it changed since it was read
            raise Conflict(refusal(current, site) or "This comment cannot be featured now.")
        if outcome == "changed":
            await self._fresh.after(effects)
        return current
