"""webhook endpoints and their delivery log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'webhooks',
        sa.Column('id', sa.String(length=26), nullable=False),
        sa.Column('site', sa.String(length=64), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('previous_secret', sa.String(length=64), nullable=True),
        sa.Column('previous_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['site'], ['sites.name'], name='fk_webhooks_site_sites', ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name='pk_webhooks'),
    )
    op.create_index('ix_webhooks_site', 'webhooks', ['site'])
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.String(length=26), nullable=False),
        sa.Column('webhook_id', sa.String(length=26), nullable=False),
        sa.Column('message_id', sa.String(length=40), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('response_code', sa.Integer(), nullable=True),
        sa.Column('latency_ms', sa.Integer(), nullable=True),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['webhook_id'], ['webhooks.id'],
            name='fk_webhook_deliveries_webhook_id_webhooks', ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name='pk_webhook_deliveries'),
    )
    op.create_index(
        'ix_webhook_deliveries_webhook_id', 'webhook_deliveries', ['webhook_id', 'id']
    )


def downgrade() -> None:
    op.drop_index('ix_webhook_deliveries_webhook_id', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('ix_webhooks_site', table_name='webhooks')
    op.drop_table('webhooks')
