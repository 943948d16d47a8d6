"""Storage: narrow interfaces, one per aggregate, request-shaped arguments, each method atomic.

The service is its only user. The aggregates are sites, users and sessions, threads and
comments, moderation (queue, decisions, bans, audit) and the outbox; `Storage` is all of
them, and `SqlStorage` implements it on SQLite and PostgreSQL alike (the same tests run
against both). A write takes `Effects`: the audit rows, outbox rows and idempotency
record that must commit with it or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from comments.models import (
    AuditEntry,
    AuthorStats,
    Ban,
    Comment,
    CommentRow,
    Language,
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
    featured: Literal["only", "exclude"] | None = None
    """`only`: the featured top-level comments, newest featured first (no cursor);
    `exclude`: every other one (so no page lists a featured comment twice)."""
    start_at: Cursor | None = None
    """A page that begins *with* this comment (a permalink's), instead of after `cursor`."""


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


@dataclass(frozen=True)
class OutboxItem:
    """A consequence of a write, delivered after its commit (at least once)."""

    id: str
    site: str
    kind: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Remembered:
    """The first answer to a write sent with an `Idempotency-Key`."""

    user_id: str
    key: str
    scope: str
    fingerprint: str
    result: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Effects:
    """What commits together with a write: audit rows, outbox rows, the idempotency record."""

    audit: tuple[AuditEntry, ...] = ()
    outbox: tuple[OutboxItem, ...] = ()
    remember: Remembered | None = None


NO_EFFECTS = Effects()


class KeyTaken(Exception):
    """Another request with the same idempotency key committed first; nothing was written."""


@dataclass(frozen=True)
class FactsQuery:
    """What screening a post or an edit needs from the database, asked in one statement."""

    site: str
    author_id: str
    thread_key: str | None = None
    thread_id: str | None = None
    body: str = ""
    duplicates_since: datetime | None = None
    recent_since: datetime | None = None


@dataclass(frozen=True)
class StoredFacts:
    """The answer to a `FactsQuery`."""

    thread: Thread | None
    ban: Ban | None
    author_approved: int
    same_text_by_author: int
    same_text_by_others: int
    recent_in_thread: int


@dataclass(frozen=True)
class NewCommentWrite:
    """A comment to insert, its thread (created when new), and a surge to record."""

    comment: Comment
    thread: Thread
    new_thread: bool = False
    thread_change: ThreadChange | None = None
    effects: Effects = NO_EFFECTS


@dataclass(frozen=True)
class FeatureWrite:
    """Pin a comment to the top of its thread (or unpin it), if it may be and still is not."""

    comment_id: str
    featured: bool
    actor_id: str
    now: datetime
    most: int  # featured comments a thread may have
    effects: Effects = NO_EFFECTS


# changed: written with its effects; unchanged: it already was so (nothing written);
# ineligible: not a published, shown, top-level comment; full: the thread has `most`.
FeatureOutcome = Literal["changed", "unchanged", "ineligible", "full"]


@dataclass(frozen=True)
class BanWrite:
    """A ban with what follows from it in the same transaction."""

    ban: Ban
    revoke_sessions: bool
    reject_ids: tuple[str, ...] = ()
    effects: Effects = NO_EFFECTS


@dataclass(frozen=True)
class Webhook:
    """A site's webhook endpoint: where to send which events, signed with what."""

    id: str
    site: str
    url: str
    events: tuple[str, ...]
    secret: str
    previous_secret: str | None
    previous_until: datetime | None
    enabled: bool
    failures: int
    created_at: datetime


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to deliver one message to one endpoint."""

    id: str
    webhook_id: str
    message_id: str
    event: str
    payload: dict[str, Any]
    status: Literal["delivered", "failed"]
    response_code: int | None
    latency_ms: int | None
    attempt: int
    error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class DueOutbox:
    """An outbox row leased to one dispatcher, with how often it was tried."""

    item: OutboxItem
    attempts: int


@dataclass(frozen=True)
class StatsQuery:
    """A site's moderation over a window of whole UTC days, from `since` (a midnight)."""

    site: str
    since: datetime
    codes: tuple[str, ...] = ()
    """The reason codes to count held comments by."""


@dataclass(frozen=True)
class ReasonOutcomes:
    """Comments held for one reason in the window, and how many moderators then decided."""

    code: str
    held: int
    approved: int
    rejected: int


@dataclass(frozen=True)
class ModerationStats:
    """The answer to a `StatsQuery`: per day ("YYYY-MM-DD", only days with any), per reason,
    how long holding took to decide, and what waits now."""

    held: dict[str, int]
    approved: dict[str, int]
    rejected: dict[str, int]
    reasons: list[ReasonOutcomes]
    median_decision_seconds: float | None
    pending: int
    oldest_pending_at: datetime | None


class SiteStore(Protocol):
    """Publishers: origins, policy, SSO secret."""

    async def get_site(self, name: str) -> Site | None:
        """The site called `name`."""

    async def list_sites(self) -> list[Site]:
        """Every site, by name."""

    async def create_site(self, site: Site) -> bool:
        """Add a site; False when the name is taken."""

    async def update_site(self, site: Site, effects: Effects = NO_EFFECTS) -> None:
        """Replace a site's origins, policy and secret."""


class UserStore(Protocol):
    """Users, their roles, their sessions."""

    async def upsert_user(self, user: User) -> User:
        """Create the user or refresh its name and avatar; answers the stored user."""

    async def get_user(self, user_id: str) -> User | None:
        """The user with this id."""

    async def set_language(self, user_id: str, language: Language) -> bool:
        """Remember the user's language; False when it was already that (nothing written)."""

    async def search_users(
        self, site: str, text: str, limit: int
    ) -> list[tuple[User, frozenset[Role]]]:
        """Users who wrote on the site, or hold a role or a ban there, whose name contains
        `text` case-insensitively; by name, at most `limit`, each with its roles there."""

    async def roles(self, site: str, user_id: str) -> set[Role]:
        """The user's roles on the site."""

    async def grant_role(self, site: str, user_id: str, role: Role, now: datetime) -> None:
        """Give a role (idempotent)."""

    async def list_roles(self, site: str) -> list[tuple[str, str | None, list[Role]]]:
        """Everyone with a role on the site: id, name, roles."""

    async def set_roles(
        self,
        site: str,
        user_id: str,
        wanted: list[Role],
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> None:
        """Replace the user's roles on the site."""

    async def create_session(self, session: Session, name: str | None = None) -> None:
        """Store a new session by its token hash."""

    async def get_session(self, token_hash: str) -> Session | None:
        """The session for a token hash, revoked or not."""

    async def session_with_user(
        self, token_hash: str
    ) -> tuple[Session, User | None, frozenset[Role]] | None:
        """The session, its user and the user's roles on the session's site, in one query."""

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

    async def export_user(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every comment and vote of the user, for the user to take away."""

    async def erase_user(self, user_id: str, effects: Effects = NO_EFFECTS) -> None:
        """Forget a user: comments become tombstones, votes and reports go, the profile too."""


class CommentStore(Protocol):
    """Threads and their comments, votes and reports."""

    async def get_thread(self, site: str, key: str) -> Thread | None:
        """The thread keyed `key` on the site."""

    async def get_thread_by_id(self, thread_id: str) -> Thread | None:
        """The thread with this id."""

    async def screening_facts(self, query: FactsQuery) -> StoredFacts:
        """The thread, the author's ban and record, duplicates and the thread's pace."""

    async def add_comment(self, write: NewCommentWrite) -> Thread:
        """Insert the comment, creating its thread first when new; answers the thread."""

    async def get_comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, whatever its status."""

    async def change_comment(
        self, comment_id: str, change: CommentChange, effects: Effects = NO_EFFECTS
    ) -> Comment:
        """Apply a change and answer the updated comment."""

    async def list_comments(self, query: CommentQuery) -> Page:
        """One page of visible comments (approved, tombstones, the viewer's own pending)."""

    async def list_descendants(
        self, root_ids: list[str], viewer_id: str | None, limit: int, hide_after_reports: int = 0
    ) -> list[CommentRow]:
        """Visible replies under these top-level comments, oldest first, at most `limit`."""

    async def has_replies(self, comment_id: str) -> bool:
        """Whether any reply (of any status) hangs under the comment."""

    async def votes_of(self, user_id: str, comment_ids: list[str]) -> dict[str, int]:
        """The user's votes among these comments (comments without one are absent)."""

    async def own_unlisted(
        self, thread_id: str, author_id: str, hide_after_reports: int, limit: int
    ) -> list[CommentRow]:
        """The author's comments in a thread that others do not see: pending, rejected,
        shadowed or hidden by reports (oldest first, at most `limit`)."""

    async def set_vote(
        self,
        comment_id: str,
        user_id: str,
        value: VoteValue,
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> int:
        """Record (or with 0 withdraw) a user's vote; answers the comment's new score."""

    async def add_report(
        self,
        comment_id: str,
        user_id: str,
        reason: str,
        note: str | None,
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> bool:
        """Record a report; False when this user already reported this comment."""

    async def count_comments(self, site: str, keys: list[str]) -> dict[str, int]:
        """Published comments per thread key (keys with none are absent)."""

    async def feature_comment(self, write: FeatureWrite) -> tuple[FeatureOutcome, Comment | None]:
        """Feature or unfeature, guarded by the comment's state and the thread's limit; the
        effects commit only with a change. Answers the outcome and the comment as it is."""

    async def count_approved_by(self, site: str, author_id: str) -> int:
        """How many of the author's comments on the site are published."""


class ModerationStore(Protocol):
    """Queues, decisions, bans, per-thread switches and the audit log."""

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
        effects: Effects = NO_EFFECTS,
    ) -> Comment | None:
        """Move a comment from the status the moderator saw; None when it moved already."""

    async def pending_ids_of(self, site: str, author_id: str) -> list[str]:
        """The ids of everything the author has waiting on the site."""

    async def ban(self, write: BanWrite) -> list[str]:
        """Put a ban, end sessions, reject what was waiting; answers the rejected ids."""

    async def get_ban(self, site: str, user_id: str) -> Ban | None:
        """The user's ban on the site, active or lapsed."""

    async def bans_of(self, site: str, user_ids: list[str]) -> dict[str, Ban]:
        """The bans of these users on the site, active or lapsed."""

    async def list_bans(self, site: str) -> list[tuple[Ban, str | None]]:
        """The site's bans, newest first, with each user's name."""

    async def delete_ban(self, site: str, user_id: str, effects: Effects = NO_EFFECTS) -> bool:
        """Lift a ban; False when there was none (and then nothing is written)."""

    async def record(self, effects: Effects) -> None:
        """Commit effects with no write beside them (the audit row of a refused attempt)."""

    async def list_audit(
        self, site: str, before_id: str | None, limit: int
    ) -> list[tuple[AuditEntry, str | None]]:
        """Newest entries first, with the actor's name."""

    async def change_thread(
        self, site: str, key: str, change: ThreadChange, effects: Effects = NO_EFFECTS
    ) -> Thread | None:
        """Set a thread's switches; None when nobody commented on it yet (nothing written)."""

    async def moderation_stats(self, query: StatsQuery) -> ModerationStats:
        """Holds and decisions per day, outcomes per reason, the median wait for a decision
        (from the audit log), and the queue now; counted by the database."""


@dataclass(frozen=True)
class SiteBacklog:
    """One site's comments waiting for a moderator."""

    site: str
    pending: int
    oldest: datetime


@dataclass(frozen=True)
class Backlog:
    """What waits, read at one moment: the outbox, and the queues of sites with any."""

    outbox_pending: int
    outbox_oldest_due: datetime | None
    queues: tuple[SiteBacklog, ...]


class OutboxStore(Protocol):
    """Consequences waiting for delivery, and remembered answers to retried writes."""

    async def remembered(self, user_id: str, key: str) -> Remembered | None:
        """The first answer given to this user's request with this key."""

    async def lease_outbox(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueOutbox]:
        """Take due, undelivered rows for one dispatcher until `lease_until`."""

    async def outbox_done(self, ids: list[str], now: datetime) -> None:
        """Mark rows delivered."""

    async def outbox_retry(
        self, item_id: str, next_at: datetime | None, error: str, now: datetime
    ) -> None:
        """Try a row again at `next_at`; None gives up on it (kept, marked failed)."""

    async def prune(self, delivered_before: datetime, keys_before: datetime) -> tuple[int, int]:
        """Drop delivered rows and idempotency records older than these; answers how many."""

    async def outbox_pending(self) -> int:
        """How many rows wait for delivery (for health and tests)."""

    async def backlog(self, now: datetime) -> Backlog:
        """What waits: outbox rows and each site's moderation queue (for `/metrics`)."""


class WebhookStore(Protocol):
    """Webhook endpoints and their delivery log."""

    async def add_webhook(self, hook: Webhook, limit: int, effects: Effects = NO_EFFECTS) -> bool:
        """Add it (with its audit row) unless the site has `limit` endpoints already."""

    async def webhooks(self, site: str) -> list[Webhook]:
        """The site's endpoints, oldest first."""

    async def get_webhook(self, webhook_id: str) -> Webhook | None:
        """One endpoint."""

    async def delete_webhook(
        self, site: str, webhook_id: str, effects: Effects = NO_EFFECTS
    ) -> bool:
        """Remove it and its log; False when the site has no such endpoint."""

    async def rotate_webhook(
        self,
        webhook_id: str,
        secret: str,
        previous: str,
        previous_until: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> None:
        """Sign with a new secret, and with the old one until `previous_until`."""

    async def enable_webhook(self, webhook_id: str, effects: Effects = NO_EFFECTS) -> None:
        """Switch it back on with no failures counted."""

    async def log_delivery(
        self, delivery: WebhookDelivery, disable_after: int, on_disable: Effects = NO_EFFECTS
    ) -> bool:
        """Record an attempt and count failures in a row (disabling the endpoint after
        `disable_after`, with `on_disable` in that same commit); answers whether the
        endpoint is still enabled."""

    async def deliveries(
        self, webhook_id: str, before_id: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """The endpoint's attempts, newest first."""

    async def get_delivery(self, delivery_id: str) -> WebhookDelivery | None:
        """One attempt."""

    async def enqueue(self, items: list[OutboxItem]) -> None:
        """Commit outbox rows on their own, ignoring ids already there (a repeated fan-out)."""

    async def prune_deliveries(self, before: datetime) -> int:
        """Forget delivery attempts older than this; answers how many."""


@dataclass(frozen=True)
class NotificationPrefs:
    """What one person chose to be told by e-mail on one site (the defaults when unset)."""

    user_id: str
    site: str
    replies: bool = False  # of every comment of theirs (else only where asked per comment)
    decisions: bool = True  # their held comment approved or rejected
    alerts: bool = True  # staff: new queue items and reports


Channel = Literal["reader", "staff", "hooks"]


@dataclass(frozen=True)
class Notice:
    """One thing to tell a recipient, batched with the others of its channel.

    `recipient` is a user id, or the site's name for the `hooks` channel (the alert
    its webhooks get)."""

    id: str
    recipient: str
    site: str
    channel: Channel
    kind: str  # reply, approved, rejected, queued, reported
    comment_id: str | None
    created_at: datetime
    note: str | None = None  # a moderator's reason for a decision


@dataclass(frozen=True)
class FailedItem:
    """An outbox row given up on after its last retry, for admins to see and retry."""

    id: str
    site: str
    kind: str
    attempts: int
    last_error: str | None
    created_at: datetime
    failed_at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class ImportedThread:
    """One imported thread, written whole or not at all: the thread (created unless its key
    is there), the authors (created unless there), the comments (added unless their ids
    are), the votes, and the effects (a quiet cache bump)."""

    thread: Thread
    users: tuple[User, ...]
    comments: tuple[Comment, ...]  # thread_id is set by the store to the stored thread's
    votes: tuple[tuple[str, str, int], ...] = ()  # comment id, user id, value
    effects: Effects = NO_EFFECTS


class ImportStore(Protocol):
    """Imported threads."""

    @property
    def import_writers(self) -> int:
        """How many batches may be written at once: more than one only where the engine
        runs concurrent transactions (PostgreSQL), each batch's rows in a fixed order."""

    async def import_threads(self, writes: list[ImportedThread]) -> list[int]:
        """Write the threads in one transaction (each whole); answers each one's count of
        comments that were new."""

    async def existing_comment_ids(self, ids: list[str]) -> set[str]:
        """Which of these comment ids are stored already (a dry run's count)."""


@dataclass(frozen=True)
class LinkedAuthors:
    """What linking a reader to the imported authors of their address moved on one site:
    the imported users' ids, the threads whose comments changed hands, the counts."""

    imported_ids: tuple[str, ...] = ()
    thread_ids: tuple[str, ...] = ()
    comments: int = 0
    votes: int = 0


class LinkingStore(Protocol):
    """Imported authors handed over to the real account of their e-mail address."""

    async def link_imported_authors(
        self,
        site: str,
        user_id: str,
        email: str,
        effects: Callable[[LinkedAuthors], Effects],
    ) -> LinkedAuthors:
        """Give `user_id` the site's comments, and votes on its comments, of every imported
        user (`import:` ids only) whose stored address is `email` (case aside), with the
        effects made from what moved, in one transaction; nothing at all is written when
        nothing moves (a second login). A vote `user_id` already has on a comment, or would
        cast on its own, stays with the imported user."""


class RestoreRefused(Exception):
    """A restore that cannot go in whole: the site has threads, or a row clashes."""


class ExportStore(Protocol):
    """A site's rows, out and back in."""

    def export_rows(
        self, site: str, *, with_emails: bool
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Every row of the site, table by table, as JSON-ready dicts (no secrets)."""

    async def restore_rows(
        self, site: str, rows: AsyncIterator[tuple[str, dict[str, Any]]]
    ) -> dict[str, int]:
        """Write exported rows into `site`, in one transaction; answers rows per table.

        Raises RestoreRefused (nothing written) when the site has threads or a row
        clashes with one stored, KeyError on an unknown table."""


class NoticeStore(Protocol):
    """E-mail choices, verified addresses, notices waiting to be mailed, failed rows."""

    async def notification_prefs(self, user_id: str, site: str) -> NotificationPrefs | None:
        """The stored choices, None when the person never chose."""

    async def set_notification_prefs(
        self, prefs: NotificationPrefs, now: datetime, *, clear_asks: bool = False
    ) -> None:
        """Store the choices; `clear_asks` also withdraws every per-comment ask for replies."""

    async def set_email(self, user_id: str, email: str) -> None:
        """Record a confirmed address on the account."""

    async def add_notices(self, notices: list[Notice]) -> None:
        """Store notices, ignoring ids already there (a repeated fan-out)."""

    async def due_batches(self, since: datetime, limit: int) -> list[tuple[str, str, Channel]]:
        """(recipient, site, channel) with notices waiting and none mailed after `since`."""

    async def waiting_notices(self, recipient: str, site: str, channel: Channel) -> list[Notice]:
        """The batch: notices not mailed yet, oldest first."""

    async def seal_batch(
        self, notice_ids: list[str], mail_id: str, now: datetime, effects: Effects
    ) -> bool:
        """Mark the notices mailed as `mail_id` and commit the outbox rows that send it,
        together; False (nothing written) when another worker sealed one of them first."""

    async def staff_ids(self, site: str) -> list[str]:
        """Everyone with a role on the site."""

    async def failed_items(self, site: str, limit: int) -> list[FailedItem]:
        """The site's outbox rows given up on, newest first."""

    async def retry_failed(self, site: str, item_id: str, now: datetime) -> bool:
        """Put a failed row back in line with fresh attempts; False when there is none."""

    async def prune_notices(self, before: datetime) -> int:
        """Forget notices mailed before this; answers how many."""


class Storage(
    SiteStore,
    UserStore,
    CommentStore,
    ModerationStore,
    OutboxStore,
    WebhookStore,
    NoticeStore,
    ImportStore,
    LinkingStore,
    ExportStore,
    Protocol,
):
    """Every aggregate, over one database; the service hands each part only what it uses."""

    async def close(self) -> None:
        """Release connections."""

    async def ping(self) -> None:
        """Raise if the database does not answer."""
