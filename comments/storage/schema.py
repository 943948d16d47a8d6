"""The tables, as SQLAlchemy Core metadata; Alembic migrations create them.

Column sizes are the contract's limits. Text columns count characters on both
SQLite and PostgreSQL, and the service checks lengths before anything is written.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


TS = UtcDateTime()

sites = Table(
    "sites",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("origins", JSON, nullable=False),
    Column("policy", JSON, nullable=False),
    Column("sso_secret", String(256), nullable=True),
    Column("created_at", TS, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("avatar_url", String(2048), nullable=True),
    Column("email", String(320), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("language", String(8), nullable=True),
)
# Imported authors are found by address when a site links them to real accounts.
Index("ix_users_lower_email", func.lower(users.c.email))

roles = Table(
    "roles",
    metadata,
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(300), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("created_at", TS, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(300), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("role", String(16), nullable=True),
    Column("name", String(80), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("revoked_at", TS, nullable=True),
    Index("ix_sessions_user_site", "user_id", "site"),
)

threads = Table(
    "threads",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=False),
    Column("key", String(512), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("title", String(300), nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("created_at", TS, nullable=False),
    Column("premoderation", String(8), nullable=True),
    Column("slow_mode_seconds", Integer, nullable=True),
    Column("surge_until", TS, nullable=True),
    UniqueConstraint("site", "key", name="uq_threads_site_key"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=False),
    Column("thread_id", String(26), ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", String(26), nullable=True),
    Column("root_id", String(26), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("author_id", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("score", Integer, nullable=False, default=0),
    Column("report_count", Integer, nullable=False, default=0),
    Column("created_at", TS, nullable=False),
    Column("edited_at", TS, nullable=True),
    Column("reason_codes", String(300), nullable=False, server_default=""),
    Column("reviewed_reports", Integer, nullable=False, server_default="0"),
    Column("shadowed", Boolean, nullable=False, server_default=sa_false()),
    Column("decided_by", String(300), nullable=True),
    Column("decided_at", TS, nullable=True),
    Column("body_hash", String(64), nullable=False, server_default=""),
    Column("featured_at", TS, nullable=True),
    Column("featured_by", String(300), nullable=True),
    # The author asked to be told of replies to this comment (by e-mail).
    Column("notify", Boolean, nullable=False, server_default=sa_false()),
    # `<format>:<id>` of an imported comment, so a re-import adds only what is new.
    Column("source_id", String(220), nullable=True),
    Index("ix_comments_thread_status_id", "thread_id", "status", "id"),
    Index("ix_comments_site_body_hash", "site", "body_hash"),
    Index("ix_comments_site_status_id", "site", "status", "id"),
    Index("ix_comments_root", "root_id"),
    Index("ix_comments_parent", "parent_id"),
    Index("ix_comments_author", "author_id"),
    Index("uq_comments_site_source", "site", "source_id", unique=True),
)

votes = Table(
    "votes",
    metadata,
    Column(
        "comment_id", String(26), ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", String(300), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("created_at", TS, nullable=False),
    Index("ix_votes_user", "user_id"),
)

reports = Table(
    "reports",
    metadata,
    Column(
        "comment_id", String(26), ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", String(300), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("note", String(500), nullable=True),
    Column("created_at", TS, nullable=False),
)

bans = Table(
    "bans",
    metadata,
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(300), primary_key=True),
    Column("until", TS, nullable=True),
    Column("shadow", Boolean, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("created_by", String(300), nullable=False),
    Column("created_at", TS, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=False),
    Column("actor_id", String(300), nullable=True),
    Column("action", String(32), nullable=False),
    Column("comment_id", String(26), nullable=True),
    Column("user_id", String(300), nullable=True),
    Column("reason", String(500), nullable=True),
    Column("details", JSON, nullable=False),
    Column("created_at", TS, nullable=False),
    Index("ix_audit_site_id", "site", "id"),
    Index("ix_audit_site_action_created", "site", "action", "created_at"),
    Index("ix_audit_comment", "comment_id"),
)

# What a committed write still has to make happen (live events, queue announcements,
# claim releases, later e-mails and webhooks): written in the write's own transaction,
# delivered after the commit by the dispatcher, retried until done.
outbox = Table(
    "outbox",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("site", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_at", TS, nullable=False),
    Column("lease_until", TS, nullable=True),
    Column("delivered_at", TS, nullable=True),
    Column("failed_at", TS, nullable=True),
    Column("last_error", String(500), nullable=True),
    Index("ix_outbox_due", "delivered_at", "next_at"),
)

# Idempotency keys: the first answer to a write, kept a day per user and key, in the
# database so that it outlives Redis and commits with the write it remembers.
idempotency = Table(
    "idempotency",
    metadata,
    Column("user_id", String(300), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("scope", String(80), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("result", JSON, nullable=False),
    Column("created_at", TS, nullable=False),
    Index("ix_idempotency_created", "created_at"),
)

# A site's webhook endpoints. The secret signs every delivery, so it is kept (like a
# site's SSO secret) and never answered after creation; a rotated-out secret keeps
# signing beside the new one until `previous_until`.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    Column("secret", String(64), nullable=False),
    Column("previous_secret", String(64), nullable=True),
    Column("previous_until", TS, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("created_at", TS, nullable=False),
    Index("ix_webhooks_site", "site"),
)

# One row per attempt to deliver a message to an endpoint, newest last.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("webhook_id", String(26), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", String(40), nullable=False),
    Column("event", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("response_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=True),
    Column("attempt", Integer, nullable=False),
    Column("error", String(500), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("delivered_at", TS, nullable=True),
    Index("ix_webhook_deliveries_webhook_id", "webhook_id", "id"),
)

# What a reader (or a site's staff) chose to be told by e-mail, per site. No row: the
# defaults (replies only where asked per comment; decisions and staff alerts on).
notification_prefs = Table(
    "notification_prefs",
    metadata,
    Column("user_id", String(300), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), primary_key=True),
    Column("replies", Boolean, nullable=False),
    Column("decisions", Boolean, nullable=False),
    Column("alerts", Boolean, nullable=False),
    Column("updated_at", TS, nullable=False),
)

# Things to tell someone, waiting to be mailed together: a reader's replies and
# decisions, a moderator's new queue items, a site's alert for its webhooks. A batch
# becomes one `mail.send` (or `webhook` fan-out) outbox row in the transaction that
# marks its notices mailed, so a notice is mailed once.
mail_notices = Table(
    "mail_notices",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("recipient", String(300), nullable=False),
    Column("site", String(64), ForeignKey("sites.name", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("comment_id", String(26), nullable=True),
    Column("note", String(500), nullable=True),  # a moderator's reason for a decision
    Column("created_at", TS, nullable=False),
    Column("mailed_at", TS, nullable=True),
    Column("mail_id", String(26), nullable=True),
    Index("ix_mail_notices_waiting", "mailed_at", "recipient", "site", "channel"),
    Index("ix_mail_notices_recipient", "recipient", "site", "channel", "mailed_at"),
)
