"""conversation_states: drop the `state` column, which was written but never read

Revision ID: 0009_conversation_state
Revises: 0008_forms
Create Date: 2026-11-28 10:00:00

Each flow keeps its typed state under its own key of `data`, dispatched through its transition
table (handlers/flow.py); a second copy of the step as free text could only drift from it.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009_conversation_state'
down_revision = '0008_forms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation_states', schema=None) as batch_op:
        batch_op.drop_column('state')


def downgrade() -> None:
    with op.batch_alter_table('conversation_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=40), nullable=False,
                                      server_default='idle'))
