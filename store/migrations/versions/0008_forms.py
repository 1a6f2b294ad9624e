"""forms: the Teams delivery record keeps the first activity id of a proactive send

Revision ID: 0008_forms
Revises: 0007_events
Create Date: 2026-11-27 20:00:00

So a change or cancellation of an event can update the original Teams announcement
(`update_activity`), as Slack's chat.update does. Rows sent before this stay NULL (not updated).
"""

from alembic import op
import sqlalchemy as sa


revision = '0008_forms'
down_revision = '0007_events'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('teams_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('teams_deliveries', schema=None) as batch_op:
        batch_op.drop_column('activity_id')
