"""member surveys (issue 17)

Revision ID: 0015_surveys
Revises: 0014_audience
Create Date: 2026-11-29 12:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import store.types  # noqa: F401


revision = '0015_surveys'
down_revision = '0014_audience'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work


def downgrade() -> None:
    pass
