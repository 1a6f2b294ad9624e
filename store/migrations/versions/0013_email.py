"""e-mail as a delivery channel (issue 16): company contact addresses and e-mail delivery records

Revision ID: 0013_email
Revises: 0012_faq_loop
Create Date: 2026-11-29 12:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import store.types  # noqa: F401


revision = '0013_email'
down_revision = '0012_faq_loop'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work


def downgrade() -> None:
    pass
