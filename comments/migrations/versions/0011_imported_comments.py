"""imported comments keep their source's id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('source_id', sa.String(length=220), nullable=True))
    op.create_index('uq_comments_site_source', 'comments', ['site', 'source_id'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_comments_site_source', table_name='comments')
    with op.batch_alter_table('comments') as batch:
        batch.drop_column('source_id')
