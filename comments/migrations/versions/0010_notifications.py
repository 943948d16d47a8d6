"""e-mail notifications: per-comment opt-in, readers' choices, notices waiting to be mailed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("notify", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "notification_prefs",
        sa.Column("user_id", sa.String(length=300), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("replies", sa.Boolean(), nullable=False),
        sa.Column("decisions", sa.Boolean(), nullable=False),
        sa.Column("alerts", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_notification_prefs_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site"], ["sites.name"], name="fk_notification_prefs_site_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "site", name="pk_notification_prefs"),
    )
    op.create_table(
        "mail_notices",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("comment_id", sa.String(length=26), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_id", sa.String(length=26), nullable=True),
        sa.ForeignKeyConstraint(
            ["site"], ["sites.name"], name="fk_mail_notices_site_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_mail_notices"),
    )
    op.create_index(
        "ix_mail_notices_waiting", "mail_notices", ["mailed_at", "recipient", "site", "channel"]
    )
    op.create_index(
        "ix_mail_notices_recipient", "mail_notices", ["recipient", "site", "channel", "mailed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_mail_notices_recipient", table_name="mail_notices")
    op.drop_index("ix_mail_notices_waiting", table_name="mail_notices")
    op.drop_table("mail_notices")
    op.drop_table("notification_prefs")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("notify")
