"""organisations: industry, the secretariat's notes, and the date a company left

Revision ID: 0011_register
Revises: 0010_rubric_versions
Create Date: 2026-11-30 10:00:00

The member register is kept by the secretariat (issue 15): an industry for reports and benchmark
segments, free notes, and `removed_at` so that a company that leaves keeps its submitted
assessments in the reports' history instead of losing them with the row.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0011_register'
down_revision = '0010_rubric_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('industry', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('removed_at', store.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
        batch_op.drop_column('notes')
        batch_op.drop_column('industry')
