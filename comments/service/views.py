"""What the use cases answer: comments as a viewer sees them, pages, and cursors."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime

from comments.errors import BadRequest, invalid
from comments.models import CommentRow, Thread
from comments.service import validation
from comments.storage import Cursor

MAX_CURSOR = 200


@dataclass
class CommentView:
    """One comment for one viewer, with the replies shown under it."""

    row: CommentRow
    can_edit: bool
    can_delete: bool
    own: bool
    replies: list[CommentView] = field(default_factory=list)
    reply_count: int = 0
    replies_next_cursor: str | None = None


@dataclass(frozen=True)
class ThreadInfo:
    """The thread header of a page; an unknown thread has no url or title yet."""

    key: str
    url: str | None
    title: str | None
    closed: bool
    count: int
    thread_id: str | None = None
    created_at: datetime | None = None
    last_event_id: str | None = None  # the thread's live events before the page was read

    @classmethod
    def of(cls, thread: Thread | None, key: str, closed: bool, count: int) -> ThreadInfo:
        """From a stored thread, or an empty one for a key nobody commented on."""
        if thread is None:
            return cls(key=key, url=None, title=None, closed=closed, count=0)
        return cls(key=key, url=thread.url, title=thread.title, closed=closed, count=count,
                   thread_id=thread.id, created_at=thread.created_at)  # fmt: skip


@dataclass(frozen=True)
class CommentPage:
    """A page of a thread (or of one comment's replies)."""

    thread: ThreadInfo
    comments: list[CommentView]
    next_cursor: str | None


def encode_cursor(cursor: Cursor | None) -> str | None:
    """The opaque wire form of a cursor."""
    if cursor is None:
        return None
    raw = json.dumps({"i": cursor.id, "s": cursor.score}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(value: str | None) -> Cursor | None:
    """A cursor from the wire; 400 unless `encode_cursor` made it, 422 if its id is no id."""
    if not value:
        return None
    try:
        if len(value) > MAX_CURSOR:
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        cursor_id, score = data["i"], data["s"]
        if not isinstance(cursor_id, str) or len(cursor_id) > 26:
            raise ValueError
        if not isinstance(score, int) or isinstance(score, bool) or abs(score) > 2**31:
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("The cursor is not valid; start from the first page.") from None
    problem = validation.identifier_problem(cursor_id)
    if problem is not None:
        raise invalid("cursor", problem)
    return Cursor(id=cursor_id, score=score)
