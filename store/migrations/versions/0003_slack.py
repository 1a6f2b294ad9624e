"""slack: dedupe keys, question messages, cached profiles

Revision ID: 0003_slack
Revises: 0002_faq
Create Date: 2026-11-27 14:00:00
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0003_slack'
down_revision = '0002_faq'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_dedupe',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_slack_dedupe'))
    )
    with op.batch_alter_table('slack_dedupe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_dedupe_created_at'), ['created_at'], unique=False)

    op.create_table('slack_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=64), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('ts', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=3000), nullable=False),
    sa.Column('context', sa.String(length=3000), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_messages'))
    )
    with op.batch_alter_table('slack_messages', schema=None) as batch_op:
        batch_op.create_index('ix_slack_messages_user_state', ['slack_user_id', 'state'], unique=False)

    op.create_table('slack_profiles',
    sa.Column('slack_user_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('dm_channel', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('slack_user_id', name=op.f('pk_slack_profiles'))
    )


def downgrade() -> None:
    op.drop_table('slack_profiles')
    with op.batch_alter_table('slack_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_slack_messages_user_state')

    op.drop_table('slack_messages')
    with op.batch_alter_table('slack_dedupe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_dedupe_created_at'))

    op.drop_table('slack_dedupe')
