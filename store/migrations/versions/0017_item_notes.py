"""notes and evidence per item (issue 18), several per item with their history

Revision ID: 0017_item_notes
Revises: 0016_assignments
Create Date: 2026-11-29 12:00:00

Each existing `answers.note` becomes one note in `item_notes` (its author and time taken from
the latest history row that wrote it, else the answer's), with a "created" history row, so
nothing said before is lost; `answers.note` stays as the summary of the live notes.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0017_item_notes'
down_revision = '0016_assignments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'item_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=80), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('evidence_url', sa.String(length=2000), nullable=True),
        sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('deleted_by', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_item_notes_assessment_id_assessments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_item_notes_author_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['deleted_by'], ['users.id'],
                                name=op.f('fk_item_notes_deleted_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_notes')),
    )
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_notes_assessment_id'), ['assessment_id'],
                              unique=False)
    op.create_table(
        'item_note_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('evidence_url', sa.String(length=2000), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['item_notes.id'],
                                name=op.f('fk_item_note_events_note_id_item_notes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_item_note_events_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_note_events')),
    )
    with op.batch_alter_table('item_note_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_note_events_note_id'), ['note_id'],
                              unique=False)
    _move_answer_notes()


def _move_answer_notes() -> None:
    """One note (and its "created" history row) per answer that has a note today."""
    bind = op.get_bind()
    answers = sa.table('answers', sa.column('assessment_id'), sa.column('item_id'),
                       sa.column('note'), sa.column('answered_by'),
                       sa.column('answered_at', store.types.UTCDateTime(timezone=True)))
    events = sa.table('answer_events', sa.column('id'), sa.column('assessment_id'),
                      sa.column('item_id'), sa.column('note'), sa.column('user_id'),
                      sa.column('at', store.types.UTCDateTime(timezone=True)))
    notes = sa.table('item_notes', sa.column('id'), sa.column('assessment_id'),
                     sa.column('item_id'), sa.column('author_id'), sa.column('text'),
                     sa.column('created_at', store.types.UTCDateTime(timezone=True)),
                     sa.column('updated_at', store.types.UTCDateTime(timezone=True)),
                     sa.column('version'))
    history = sa.table('item_note_events', sa.column('note_id'), sa.column('action'),
                       sa.column('text'), sa.column('user_id'),
                       sa.column('at', store.types.UTCDateTime(timezone=True)))
    rows = bind.execute(sa.select(answers.c.assessment_id, answers.c.item_id, answers.c.note,
                                  answers.c.answered_by, answers.c.answered_at)
                        .where(answers.c.note.is_not(None)).where(answers.c.note != '')
                        ).all()
    for assessment_id, item_id, text, answered_by, answered_at in rows:
        written = bind.execute(
            sa.select(events.c.user_id, events.c.at)
            .where(events.c.assessment_id == assessment_id, events.c.item_id == item_id,
                   events.c.note == text)
            .order_by(events.c.id.desc()).limit(1)).first()
        author, at = (written[0], written[1]) if written else (answered_by, answered_at)
        note_id = bind.execute(
            notes.insert().values(assessment_id=assessment_id, item_id=item_id,
                                  author_id=author, text=text, created_at=at, updated_at=at,
                                  version=1).returning(notes.c.id)).scalar_one()
        bind.execute(history.insert().values(note_id=note_id, action='created', text=text,
                                             user_id=author, at=at))


def downgrade() -> None:
    with op.batch_alter_table('item_note_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_note_events_note_id'))
    op.drop_table('item_note_events')
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_notes_assessment_id'))
    op.drop_table('item_notes')
