"""Storage: one narrow interface, request-shaped arguments, every method atomic.

The service is its only user. `SqlStorage` implements it on SQLite and PostgreSQL
alike; the same tests run against both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from comments.models import (
    AuditEntry,
    AuthorStats,
    Ban,
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


class Unset:
    """Marks a field a change leaves alone."""


UNSET = Unset()


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
    hide_after_reports: int = 0


@dataclass(frozen=True)
class CommentChange:
    """Fields to change on one comment; None leaves a field as it is."""

    body: str | None = None
    html: str | None = None
    status: Status | None = None
    reasons: tuple[dict[str, object], ...] | None = None
    edited_at: datetime | None = None


@dataclass(frozen=True)
class QueueQuery:
    """One page of a moderation queue, oldest first, with optional filters."""

    site: str
    queue: Literal["pending", "reported", "rejected", "approved"]
    limit: int = 50
    cursor_id: str | None = None
    thread_key: str | None = None
    author_id: str | None = None
    reason_code: str | None = None
    text: str | None = None
    report_threshold: int = 1


@dataclass(frozen=True)
class ThreadChange:
    """Per-thread switches to set; a field left UNSET stays as it is (None clears it)."""

    closed: bool | Unset = field(default_factory=lambda: UNSET)
    premoderation: str | Unset | None = field(default_factory=lambda: UNSET)
    slow_mode_seconds: int | Unset | None = field(default_factory=lambda: UNSET)
    surge_until: datetime | Unset | None = field(default_factory=lambda: UNSET)

    def values(self) -> dict[str, object]:
        """The fields that are set."""
        return {k: v for k, v in vars(self).items() if not isinstance(v, Unset)}


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
        self,
        now: datetime,
        *,
        token_hash: str | None = None,
        user_id: str | None = None,
        site: str | None = None,
    ) -> int:
        """Revoke one session, or all of a user's (on one site); answers how many."""

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
        self, root_ids: list[str], viewer_id: str | None, limit: int, hide_after_reports: int = 0
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

    async def duplicates(
        self, site: str, body: str, author_id: str, since: datetime
    ) -> tuple[int, int]:
        """Comments with this text since `since`: by this author, and by others."""

    async def export_user(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every comment and vote of the user, for the user to take away."""

    async def erase_user(self, user_id: str) -> None:
        """Forget a user: comments become tombstones, votes and reports go, the profile too."""

    # moderation

    async def queue(self, query: QueueQuery) -> tuple[list[CommentRow], str | None]:
        """One page of a queue, oldest first; answers the rows and the next cursor id."""

    async def queue_counts(self, site: str, report_threshold: int) -> dict[str, int]:
        """How many comments wait in each queue."""

    async def oldest_pending(self, site: str) -> datetime | None:
        """When the comment waiting longest was written."""

    async def author_stats(self, site: str, author_ids: list[str]) -> dict[str, AuthorStats]:
        """Approved and rejected counts and first comment, per author on the site."""

    async def reports_of(self, comment_ids: list[str]) -> dict[str, list[tuple[str, str | None]]]:
        """Every report's reason and note, per comment."""

    async def comment_rows(self, comment_ids: list[str]) -> dict[str, CommentRow]:
        """Comments with their authors, by id, whatever their status."""

    async def decide(
        self,
        comment_id: str,
        *,
        to_status: str,
        from_status: str,
        unreviewed_reports: bool,
        actor_id: str,
        now: datetime,
    ) -> Comment | None:
        """Move a comment from the status the moderator saw; None when it moved already."""

    async def reject_pending_by(
        self, site: str, author_id: str, actor_id: str, now: datetime
    ) -> list[str]:
        """Reject everything the author has waiting on the site; answers the ids."""

    async def get_ban(self, site: str, user_id: str) -> Ban | None:
        """The user's ban on the site, active or lapsed."""

    async def bans_of(self, site: str, user_ids: list[str]) -> dict[str, Ban]:
        """The bans of these users on the site, active or lapsed."""

    async def list_bans(self, site: str) -> list[tuple[Ban, str | None]]:
        """The site's bans, newest first, with each user's name."""

    async def put_ban(self, ban: Ban) -> None:
        """Create or replace the user's ban on the site."""

    async def delete_ban(self, site: str, user_id: str) -> bool:
        """Lift a ban; False when there was none."""

    async def add_audit(self, entry: AuditEntry) -> None:
        """Append to the site's audit log."""

    async def list_audit(
        self, site: str, before_id: str | None, limit: int
    ) -> list[tuple[AuditEntry, str | None]]:
        """Newest entries first, with the actor's name."""

    async def change_thread(self, site: str, key: str, change: ThreadChange) -> Thread | None:
        """Set a thread's switches; None when nobody commented on it yet."""

    async def count_recent(self, thread_id: str, since: datetime) -> int:
        """Comments written in the thread since `since` (for surge detection)."""

    async def list_roles(self, site: str) -> list[tuple[str, str | None, list[Role]]]:
        """Everyone with a role on the site: id, name, roles."""

    async def set_roles(self, site: str, user_id: str, wanted: list[Role], now: datetime) -> None:
        """Replace the user's roles on the site."""
