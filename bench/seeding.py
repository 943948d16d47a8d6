"""Seeding a thread straight through storage for the benchmarks: no rate limit, no screening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from comments.models import Comment, Thread
from comments.service.context import Deps
from comments.storage import NewCommentWrite


async def seed_thread(
    deps: Deps,
    thread: Thread,
    count: int,
    body: Callable[[int], str],
    start: datetime | None = None,
    author: str = "dev:bench",
) -> Thread:
    """`count` approved comments a second apart from `start` (the thread's own start by
    default), every third one top-level and the two after it replies to it; answers the
    thread as stored."""
    first = start or thread.created_at
    parent: Comment | None = None
    for n in range(count):
        text = body(n)
        comment_id = deps.ids.new()
        reply_to = parent if n % 3 else None
        comment = Comment(
            id=comment_id,
            site=thread.site,
            thread_id=thread.id,
            parent_id=reply_to.id if reply_to else None,
            root_id=reply_to.root_id if reply_to else comment_id,
            depth=1 if reply_to else 0,
            author_id=author,
            body=text,
            html=deps.renderer.render(text),
            status="approved",
            reasons=(),
            score=0,
            report_count=0,
            created_at=first + timedelta(seconds=n),
            edited_at=None,
        )
        thread = await deps.storage.add_comment(NewCommentWrite(comment, thread, n == 0))
        if n % 3 == 0:
            parent = comment
    return thread
