"""targeted broadcasts and reminders (issue 16): the audience a broadcast was sent to

Revision ID: 0014_audience
Revises: 0013_email
Create Date: 2026-11-29 12:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import store.types  # noqa: F401


revision = '0014_audience'
down_revision = '0013_email'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work


def downgrade() -> None:
    pass
