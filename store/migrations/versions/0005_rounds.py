"""rounds: reminder slots (what is due), deliveries (what was sent), mutes

Revision ID: 0005_rounds
Revises: 0004_results
Create Date: 2026-11-27 16:00:00

Rounds that are already running when this migration runs were announced by hand before the bot
could do it: their announcement slot is recorded as done, so the worker does not announce them
a second time (their reminders are planned as usual on the worker's first tick).
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0005_rounds'
down_revision = '0004_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminder_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_reminder_slots_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_slots')),
    sa.UniqueConstraint('round_id', 'name', name='uq_reminder_slots_round_name')
    )
    with op.batch_alter_table('reminder_slots', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_slots_status_due', ['status', 'due_at'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_claimed_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('sent_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_deliveries_org_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_deliveries_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deliveries_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('round_id', 'slot', 'recipient', name='uq_deliveries_key')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('reminder_mutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('muted_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_reminder_mutes_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_mutes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_mutes')),
    sa.UniqueConstraint('round_id', 'user_id', name='uq_reminder_mutes_user')
    )

    # running rounds were announced by hand: do not announce them again
    op.execute(
        "INSERT INTO reminder_slots (round_id, name, kind, due_at, status, note, created_at, updated_at) "
        "SELECT id, 'open', 'announce', opens_at, 'done', 'round existed before the reminder worker', "
        "created_at, created_at FROM rounds WHERE status <> 'closed'"
    )


def downgrade() -> None:
    op.drop_table('reminder_mutes')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_next')

    op.drop_table('deliveries')
    with op.batch_alter_table('reminder_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_slots_status_due')

    op.drop_table('reminder_slots')
