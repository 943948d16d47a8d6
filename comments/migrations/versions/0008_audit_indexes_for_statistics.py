"""audit log indexes for moderation statistics and per-comment history

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00

Adds only indexes: `audit (site, action, created_at)`, for the statistics page's window
of holds and decisions, and `audit (comment_id)`, for a decision's hold and a comment's
history in the log.
"""

from __future__ import annotations

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_site_action_created', 'audit', ['site', 'action', 'created_at'])
    op.create_index('ix_audit_comment', 'audit', ['comment_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_comment', table_name='audit')
    op.drop_index('ix_audit_site_action_created', table_name='audit')
