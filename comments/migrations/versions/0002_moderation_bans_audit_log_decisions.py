"""moderation: bans, audit log, decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:34:24.753516
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.String(length=300), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('comment_id', sa.String(length=26), nullable=True),
    sa.Column('user_id', sa.String(length=300), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_audit_site_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit'))
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_site_id', ['site', 'id'], unique=False)

    op.create_table('bans',
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=300), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('shadow', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_bans_site_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site', 'user_id', name=op.f('pk_bans'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_codes', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reviewed_reports', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('shadowed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_comments_site_status_id', ['site', 'status', 'id'], unique=False)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.alter_column('site',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)




def downgrade() -> None:

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.alter_column('site',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_site_status_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('shadowed')
        batch_op.drop_column('reviewed_reports')
        batch_op.drop_column('reason_codes')

    op.drop_table('bans')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_site_id')

    op.drop_table('audit')

