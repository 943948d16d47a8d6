"""Reading threads: pages of top-level comments with their replies nested, and counts."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from comments.errors import NotFound
from comments.ids import looks_like_id
from comments.models import CommentRow, Site, Sort, Thread
from comments.service.context import Deps
from comments.service.sessions import Viewer
from comments.service.views import (
    CommentPage,
    CommentView,
    ThreadInfo,
    decode_cursor,
    encode_cursor,
)
from comments.storage import CommentQuery, Cursor

REPLIES_SHOWN = 20
MAX_DESCENDANTS = 2000


def thread_closed(thread: Thread | None, site: Site, deps: Deps) -> bool:
    """Closed by a moderator, or by the site's auto-close age."""
    if thread is None:
        return False
    if thread.closed:
        return True
    days = site.policy.auto_close_days
    return days is not None and deps.clock() - thread.created_at > timedelta(days=days)


class Reading:
    """Thread pages as a given viewer sees them."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def view(self, row: CommentRow, site: Site, viewer: Viewer | None) -> CommentView:
        """What this viewer may do with this comment."""
        comment = row.comment
        own = viewer is not None and viewer.user.id == comment.author_id
        alive = comment.status != "deleted"
        window = timedelta(seconds=site.policy.edit_window_seconds)
        can_edit = own and alive and self._deps.clock() - comment.created_at <= window
        moderator = viewer is not None and viewer.is_moderator
        return CommentView(
            row=row, can_edit=can_edit, can_delete=alive and (own or moderator), own=own
        )

    async def page(
        self,
        site: Site,
        key: str,
        viewer: Viewer | None,
        *,
        sort: Sort = "oldest",
        limit: int = 20,
        cursor: str | None = None,
        parent_id: str | None = None,
    ) -> CommentPage:
        """One page of the thread, or of one comment's direct replies."""
        decoded = decode_cursor(cursor)
        storage = self._deps.storage
        thread = await storage.get_thread(site.name, key)
        closed = thread_closed(thread, site, self._deps)
        if thread is None:
            if parent_id is not None:
                raise NotFound("There is no such comment in this thread.")
            return CommentPage(ThreadInfo.of(None, key, closed, 0), [], None)
        count = (await storage.count_comments(site.name, [key])).get(key, 0)
        info = ThreadInfo.of(thread, key, closed, count)
        viewer_id = viewer.user.id if viewer else None
        root_ids: list[str]
        if parent_id is not None:
            parent = await storage.get_comment(parent_id) if looks_like_id(parent_id) else None
            if parent is None or parent.thread_id != thread.id:
                raise NotFound("There is no such comment in this thread.")
            sort = "oldest"
            root_ids = [parent.root_id]
        query = CommentQuery(
            thread_id=thread.id,
            viewer_id=viewer_id,
            sort=sort,
            limit=limit,
            cursor=decoded,
            parent_id=parent_id,
            hide_after_reports=site.policy.hide_after_reports,
        )
        page = await storage.list_comments(query)
        if parent_id is None:
            root_ids = [row.comment.id for row in page.rows]
        below = await storage.list_descendants(
            root_ids, viewer_id, MAX_DESCENDANTS, site.policy.hide_after_reports
        )
        children: dict[str, list[CommentRow]] = defaultdict(list)
        for row in below:
            if row.comment.parent_id is not None:
                children[row.comment.parent_id].append(row)
        views = [
            view
            for row in page.rows
            if (view := self._tree(row, children, site, viewer)) is not None
        ]
        return CommentPage(info, views, encode_cursor(page.next_cursor))

    def _tree(
        self,
        row: CommentRow,
        children: dict[str, list[CommentRow]],
        site: Site,
        viewer: Viewer | None,
    ) -> CommentView | None:
        """The comment with its visible replies; a tombstone with none is dropped."""
        view = self.view(row, site, viewer)
        replies = [
            reply
            for child in children.get(row.comment.id, [])
            if (reply := self._tree(child, children, site, viewer)) is not None
        ]
        if row.comment.status == "deleted" and not replies:
            return None
        view.reply_count = len(replies)
        view.replies = replies[:REPLIES_SHOWN]
        if len(replies) > REPLIES_SHOWN:
            view.replies_next_cursor = encode_cursor(
                Cursor(id=replies[REPLIES_SHOWN - 1].row.comment.id)
            )
        return view

    async def counts(self, site: Site, keys: list[str]) -> dict[str, int]:
        """Published comments per thread, zero for threads nobody commented on."""
        found = await self._deps.storage.count_comments(site.name, keys)
        return {key: found.get(key, 0) for key in keys}
