"""faq: questions forwarded to the secretariat

Revision ID: 0002_faq
Revises: 0001_initial
Create Date: 2026-11-27 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0002_faq'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('faq_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('handled_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['handled_by'], ['users.id'], name=op.f('fk_faq_questions_handled_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_faq_questions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_questions'))
    )
    with op.batch_alter_table('faq_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_questions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_questions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('faq_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_questions_user_id'))
        batch_op.drop_index(batch_op.f('ix_faq_questions_status'))

    op.drop_table('faq_questions')
