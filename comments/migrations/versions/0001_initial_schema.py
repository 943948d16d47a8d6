"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:03:37.638693
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('sites',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('origins', sa.JSON(), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('sso_secret', sa.String(length=256), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sites'))
    )
    op.create_table('users',
    sa.Column('id', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('avatar_url', sa.String(length=2048), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    op.create_table('roles',
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_roles_site_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site', 'user_id', 'role', name=op.f('pk_roles'))
    )
    op.create_table('sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=300), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_sessions_site_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_user_site', ['user_id', 'site'], unique=False)

    op.create_table('threads',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=512), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_threads_site_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads')),
    sa.UniqueConstraint('site', 'key', name='uq_threads_site_key')
    )
    op.create_table('comments',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('thread_id', sa.String(length=26), nullable=False),
    sa.Column('parent_id', sa.String(length=26), nullable=True),
    sa.Column('root_id', sa.String(length=26), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['site'], ['sites.name'], name=op.f('fk_comments_site_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_comments_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_author', ['author_id'], unique=False)
        batch_op.create_index('ix_comments_parent', ['parent_id'], unique=False)
        batch_op.create_index('ix_comments_root', ['root_id'], unique=False)
        batch_op.create_index('ix_comments_thread_status_id', ['thread_id', 'status', 'id'], unique=False)

    op.create_table('reports',
    sa.Column('comment_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_reports'))
    )
    op.create_table('votes',
    sa.Column('comment_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=300), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_votes_comment_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_user', ['user_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_user')

    op.drop_table('votes')
    op.drop_table('reports')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_thread_status_id')
        batch_op.drop_index('ix_comments_root')
        batch_op.drop_index('ix_comments_parent')
        batch_op.drop_index('ix_comments_author')

    op.drop_table('comments')
    op.drop_table('threads')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_user_site')

    op.drop_table('sessions')
    op.drop_table('roles')
    op.drop_table('users')
    op.drop_table('sites')
    
