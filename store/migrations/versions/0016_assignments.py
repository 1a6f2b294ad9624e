"""one company, several departments (issue 18): item assignments, the approver and sign-off

Revision ID: 0016_assignments
Revises: 0015_surveys
Create Date: 2026-11-29 12:00:00

Who holds which item of an assessment, the company's approver, one sign-off per assessment and
the append-only history of those steps (store/assignments.py).
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0016_assignments'
down_revision = '0015_surveys'
branch_labels = None
depends_on = None

WHEN = store.types.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'],
                                   name=op.f(f'fk_{table}_{column}_{target}'), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        'navi_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=80), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by', sa.Integer(), nullable=True),
        sa.Column('due_at', WHEN, nullable=True),
        sa.Column('assigned_at', WHEN, nullable=False),
        _fk('navi_assignments', 'assessment_id', 'assessments', 'CASCADE'),
        _fk('navi_assignments', 'assignee_id', 'users', 'CASCADE'),
        _fk('navi_assignments', 'assigned_by', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_navi_assignments')),
        sa.UniqueConstraint('assessment_id', 'item_id', name='uq_navi_assignments_item'),
    )
    with op.batch_alter_table('navi_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_navi_assignments_assessment_id'), ['assessment_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_navi_assignments_assignee_id'), ['assignee_id'],
                              unique=False)
    op.create_table(
        'navi_approvers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('named_by', sa.Integer(), nullable=True),
        sa.Column('named_at', WHEN, nullable=False),
        _fk('navi_approvers', 'org_id', 'organisations', 'CASCADE'),
        _fk('navi_approvers', 'user_id', 'users', 'CASCADE'),
        _fk('navi_approvers', 'named_by', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_navi_approvers')),
        sa.UniqueConstraint('org_id', name=op.f('uq_navi_approvers_org_id')),
    )
    op.create_table(
        'navi_signoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('request_no', sa.Integer(), nullable=False),
        sa.Column('approver_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', WHEN, nullable=False),
        sa.Column('decided_at', WHEN, nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('returned_items', sa.JSON(), nullable=False),
        sa.Column('event_mark', sa.Integer(), nullable=False),
        _fk('navi_signoffs', 'assessment_id', 'assessments', 'CASCADE'),
        _fk('navi_signoffs', 'approver_id', 'users', 'SET NULL'),
        _fk('navi_signoffs', 'decided_by', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_navi_signoffs')),
        sa.UniqueConstraint('assessment_id', name=op.f('uq_navi_signoffs_assessment_id')),
    )
    op.create_table(
        'navi_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('at', WHEN, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        _fk('navi_history', 'assessment_id', 'assessments', 'CASCADE'),
        _fk('navi_history', 'user_id', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_navi_history')),
    )
    with op.batch_alter_table('navi_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_navi_history_assessment_id'), ['assessment_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('navi_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_navi_history_assessment_id'))
    op.drop_table('navi_history')
    op.drop_table('navi_signoffs')
    op.drop_table('navi_approvers')
    with op.batch_alter_table('navi_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_navi_assignments_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_navi_assignments_assessment_id'))
    op.drop_table('navi_assignments')
