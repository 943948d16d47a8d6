"""outbox and idempotency keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.String(length=26), nullable=False),
        sa.Column('site', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_outbox'),
    )
    op.create_index('ix_outbox_due', 'outbox', ['delivered_at', 'next_at'], unique=False)
    op.create_table(
        'idempotency',
        sa.Column('user_id', sa.String(length=300), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'key', name='pk_idempotency'),
    )
    op.create_index('ix_idempotency_created', 'idempotency', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_idempotency_created', table_name='idempotency')
    op.drop_table('idempotency')
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.drop_table('outbox')
