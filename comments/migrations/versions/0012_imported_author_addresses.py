"""an index on users' lower-cased address, for linking imported authors

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:00:00

A site that links imported authors to real accounts looks the imported users of one
address up at each login; `lower(email)` is what it compares (addresses are ASCII, so
SQLite and PostgreSQL fold them alike).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_users_lower_email', 'users', [sa.text('lower(email)')])


def downgrade() -> None:
    op.drop_index('ix_users_lower_email', table_name='users')
