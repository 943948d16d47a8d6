"""duplicate detection: body hash

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:50:15.324749
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index('ix_comments_site_body_hash', ['site', 'body_hash'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_site_body_hash')
        batch_op.drop_column('body_hash')


