"""Storage: one narrow interface, request-shaped arguments, every method atomic.

The service is its only user. `SqlStorage` implements it on SQLite and PostgreSQL
alike; the same tests run against both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from comments.models import (
    Comment,
    CommentRow,
    Role,
    Session,
    Site,
    Sort,
    Status,
    Thread,
    User,
)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after this (score, id) in the page's order."""

    id: str
    score: int = 0


@dataclass(frozen=True)
class Page:
    """One page of rows and where the next one starts."""

    rows: list[CommentRow]
    next_cursor: Cursor | None


@dataclass(frozen=True)
class CommentQuery:
    """One page of a thread's top-level comments, or of one comment's direct replies."""

    thread_id: str
    viewer_id: str | None
    sort: Sort = "oldest"
    limit: int = 20
    cursor: Cursor | None = None
    parent_id: str | None = None


@dataclass(frozen=True)
class CommentChange:
    """Fields to change on one comment; None leaves a field as it is."""

    body: str | None = None
    html: str | None = None
    status: Status | None = None
    reasons: tuple[dict[str, object], ...] | None = None
    edited_at: datetime | None = None


VoteValue = Literal[-1, 0, 1]


class Storage(Protocol):
    """Everything the service persists."""

    async def close(self) -> None:
        """Release connections."""

    async def ping(self) -> None:
        """Raise if the database does not answer."""

    async def get_site(self, name: str) -> Site | None:
        """The site called `name`."""

    async def list_sites(self) -> list[Site]:
        """Every site, by name."""

    async def create_site(self, site: Site) -> bool:
        """Add a site; False when the name is taken."""

    async def update_site(self, site: Site) -> None:
        """Replace a site's origins, policy and secret."""

    async def upsert_user(self, user: User) -> User:
        """Create the user or refresh its name and avatar; answers the stored user."""

    async def get_user(self, user_id: str) -> User | None:
        """The user with this id."""

    async def roles(self, site: str, user_id: str) -> set[Role]:
        """The user's roles on the site."""

    async def grant_role(self, site: str, user_id: str, role: Role, now: datetime) -> None:
        """Give a role (idempotent)."""

    async def create_session(self, session: Session, name: str | None = None) -> None:
        """Store a new session by its token hash."""

    async def get_session(self, token_hash: str) -> Session | None:
        """The session for a token hash, revoked or not."""

    async def extend_session(self, token_hash: str, expires_at: datetime) -> None:
        """Slide a session's expiry forward."""

    async def revoke_sessions(
        self, now: datetime, *, token_hash: str | None = None, user_id: str | None = None
    ) -> int:
        """Revoke one session, or all of a user's; answers how many."""

    async def get_thread(self, site: str, key: str) -> Thread | None:
        """The thread keyed `key` on the site."""

    async def get_thread_by_id(self, thread_id: str) -> Thread | None:
        """The thread with this id."""

    async def add_comment(self, comment: Comment, thread: Thread) -> Thread:
        """Insert the comment, creating its thread first when new; answers the thread."""

    async def get_comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, whatever its status."""

    async def change_comment(self, comment_id: str, change: CommentChange) -> Comment:
        """Apply a change and answer the updated comment."""

    async def list_comments(self, query: CommentQuery) -> Page:
        """One page of visible comments (approved, tombstones, the viewer's own pending)."""

    async def list_descendants(
        self, root_ids: list[str], viewer_id: str | None, limit: int
    ) -> list[CommentRow]:
        """Visible replies under these top-level comments, oldest first, at most `limit`."""

    async def has_replies(self, comment_id: str) -> bool:
        """Whether any reply (of any status) hangs under the comment."""

    async def set_vote(self, comment_id: str, user_id: str, value: VoteValue, now: datetime) -> int:
        """Record (or with 0 withdraw) a user's vote; answers the comment's new score."""

    async def add_report(
        self, comment_id: str, user_id: str, reason: str, note: str | None, now: datetime
    ) -> bool:
        """Record a report; False when this user already reported this comment."""

    async def count_comments(self, site: str, keys: list[str]) -> dict[str, int]:
        """Published comments per thread key (keys with none are absent)."""

    async def count_approved_by(self, site: str, author_id: str) -> int:
        """How many of the author's comments on the site are published."""
