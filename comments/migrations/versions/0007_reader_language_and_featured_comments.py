"""the reader's language on the account; featured comments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:40:00

Adds only: `users.language` (the language the reader last read in, for mail), and
`comments.featured_at` / `comments.featured_by` (a comment staff pinned to the top).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('featured_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('featured_by', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('comments') as batch:
        batch.drop_column('featured_by')
        batch.drop_column('featured_at')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
