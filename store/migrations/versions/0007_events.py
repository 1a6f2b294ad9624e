"""events: events, RSVPs, the recurring rule, broadcasts; slots and deliveries get a subject

Revision ID: 0007_events
Revises: 0006_teams
Create Date: 2026-11-27 18:00:00

`reminder_slots` and `deliveries` now belong to a round (as before) or to a subject
("event:<id>", "broadcast:<id>"): round_id becomes optional and a nullable `subject` column gets
its own unique key. Existing rows and rounds' delivery keys stay exactly as they were.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0007_events'
down_revision = '0006_teams'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ----- generalise the delivery record: rows of a round keep round_id (subject NULL), rows of an
    # event or a broadcast have a subject (round_id NULL); each family has its own unique key
    with op.batch_alter_table('reminder_slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=60), nullable=True))
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint('uq_reminder_slots_subject_name', ['subject', 'name'])
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=60), nullable=True))
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint('uq_deliveries_subject_key',
                                          ['subject', 'slot', 'recipient'])

    # ----- events ---------------------------------------------------------------------------------
    op.create_table('event_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('nth', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('holiday', sa.String(length=10), nullable=False),
    sa.Column('months_ahead', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rules'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('starts_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=2000), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('occurrence', sa.String(length=7), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_events_org_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by'], ['users.id'], name=op.f('fk_events_proposed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['event_rules.id'], name=op.f('fk_events_rule_id_event_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('rule_id', 'occurrence', name='uq_events_rule_occurrence')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_status_start', ['status', 'starts_at'], unique=False)

    op.create_table('event_rsvps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_rsvps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rsvps')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_event_rsvps_user')
    )
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('link', sa.String(length=1000), nullable=True),
    sa.Column('dm', sa.Boolean(), nullable=False),
    sa.Column('send_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_broadcasts_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts'))
    )


def downgrade() -> None:
    op.drop_table('broadcasts')
    op.drop_table('event_rsvps')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_start')
    op.drop_table('events')
    op.drop_table('event_rules')
    op.execute("DELETE FROM deliveries WHERE round_id IS NULL")
    op.execute("DELETE FROM reminder_slots WHERE round_id IS NULL")
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_deliveries_subject_key', type_='unique')
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('subject')
    with op.batch_alter_table('reminder_slots', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reminder_slots_subject_name', type_='unique')
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('subject')
