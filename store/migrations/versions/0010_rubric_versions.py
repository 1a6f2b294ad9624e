"""rubric_versions: rubric versions imported from the committee's workbook

Revision ID: 0010_rubric_versions
Revises: 0009_conversation_state
Create Date: 2026-11-29 10:00:00

A new Navi version is imported by the secretariat (`aiga-bot rubric import`) and kept here as
the validated rubric's JSON, so it needs no release; the packaged YAML stays the seed version.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0010_rubric_versions'
down_revision = '0009_conversation_state'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rubric_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('name_ja', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('imported_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=200), nullable=False),
        sa.Column('source_file', sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_versions')),
        sa.UniqueConstraint('version', name=op.f('uq_rubric_versions_version')),
    )


def downgrade() -> None:
    op.drop_table('rubric_versions')
