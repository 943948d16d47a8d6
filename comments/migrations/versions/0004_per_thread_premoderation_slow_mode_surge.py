"""per-thread premoderation, slow mode, surge

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:58:12.219998
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('premoderation', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('slow_mode_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('surge_until', sa.DateTime(timezone=True), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('surge_until')
        batch_op.drop_column('slow_mode_seconds')
        batch_op.drop_column('premoderation')


