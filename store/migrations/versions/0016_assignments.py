"""one company, several departments (issue 18): item assignments, the approver and sign-off

Revision ID: 0016_assignments
Revises: 0015_surveys
Create Date: 2026-11-29 12:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import store.types  # noqa: F401


revision = '0016_assignments'
down_revision = '0015_surveys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work


def downgrade() -> None:
    pass
