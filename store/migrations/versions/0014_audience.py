"""targeted broadcasts and reminders (issue 16): the audience a broadcast was sent to

Revision ID: 0014_audience
Revises: 0013_email
Create Date: 2026-11-29 12:00:00

`broadcasts.audience` keeps the spec the secretariat typed (store/targeting.py: "all",
"nonsubmitters:3", "class:regular", "industry:金融", "orgs:12,15", parts joined by "&"), so
the worker sends to that audience only; NULL for every broadcast made before (everyone).
"""

from alembic import op
import sqlalchemy as sa

import store.types  # noqa: F401


revision = '0014_audience'
down_revision = '0013_email'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_column('audience')
