"""teams: conversation references, question cards, member profiles, proactive deliveries

Revision ID: 0006_teams
Revises: 0005_rounds
Create Date: 2026-11-27 16:00:00
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0006_teams'
down_revision = '0005_rounds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ref_key', sa.String(length=400), nullable=False),
    sa.Column('conversation_type', sa.String(length=20), nullable=True),
    sa.Column('service_url', sa.String(length=500), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('usable', sa.Boolean(), nullable=False),
    sa.Column('failure', sa.String(length=200), nullable=True),
    sa.Column('failed_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams_references')),
    sa.UniqueConstraint('kind', 'ref_key', name='uq_teams_references_kind_key')
    )
    op.create_table('teams_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aad_object_id', sa.String(length=200), nullable=False),
    sa.Column('conversation_id', sa.String(length=400), nullable=False),
    sa.Column('activity_id', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=3000), nullable=False),
    sa.Column('context', sa.String(length=3000), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams_cards'))
    )
    with op.batch_alter_table('teams_cards', schema=None) as batch_op:
        batch_op.create_index('ix_teams_cards_user_state', ['aad_object_id', 'state'], unique=False)

    op.create_table('teams_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=400), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams_deliveries')),
    sa.UniqueConstraint('key', 'address', name='uq_teams_deliveries_key_address')
    )
    op.create_table('teams_profiles',
    sa.Column('aad_object_id', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('upn', sa.String(length=320), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('fetched_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('aad_object_id', name=op.f('pk_teams_profiles'))
    )


def downgrade() -> None:
    op.drop_table('teams_profiles')
    op.drop_table('teams_deliveries')
    with op.batch_alter_table('teams_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_teams_cards_user_state')

    op.drop_table('teams_cards')
    op.drop_table('teams_references')
