"""faq: forwarded questions answered from chat, and supplementary FAQ entries

Revision ID: 0012_faq_loop
Revises: 0011_register
Create Date: 2026-12-01 10:00:00

The forwarded-question loop (issue 14): an admin's answer with who answered and when, the
asker's name and company as they were when asked, when a console user saw the answer; and the
secretariat's supplementary FAQ entries, searched with the guide's.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0012_faq_loop'
down_revision = '0011_register'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('faq_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asker_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('org_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answer_lang', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('answered_by_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('seen_at', store.types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table(
        'faq_supplements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('question_ja', sa.Text(), nullable=True),
        sa.Column('question_en', sa.Text(), nullable=True),
        sa.Column('answer_ja', sa.Text(), nullable=True),
        sa.Column('answer_en', sa.Text(), nullable=True),
        sa.Column('created_by_name', sa.String(length=200), nullable=True),
        sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('removed_at', store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['faq_questions.id'],
                                name=op.f('fk_faq_supplements_question_id_faq_questions'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_supplements')),
    )
    with op.batch_alter_table('faq_supplements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_supplements_question_id'), ['question_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('faq_supplements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_supplements_question_id'))
    op.drop_table('faq_supplements')
    with op.batch_alter_table('faq_questions', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
        batch_op.drop_column('answered_by_name')
        batch_op.drop_column('answer_lang')
        batch_op.drop_column('answer')
        batch_op.drop_column('org_name')
        batch_op.drop_column('asker_name')
