"""notes and evidence per item (issue 18), several per item with their history

Revision ID: 0017_item_notes
Revises: 0016_assignments
Create Date: 2026-11-29 12:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import store.types  # noqa: F401


revision = '0017_item_notes'
down_revision = '0016_assignments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work


def downgrade() -> None:
    pass
