"""member surveys (issue 17)

Revision ID: 0015_surveys
Revises: 0014_audience
Create Date: 2026-11-29 12:00:00

Surveys and their questions; named answers (responses + answers); anonymous answers under a
random ballot id with no rowid on SQLite (no link to a company, a user, a time or an order);
completions (who answered) kept apart for reminders and counts.
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0015_surveys'
down_revision = '0014_audience'
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = store.types.UTCDateTime(timezone=True)
    op.create_table(
        'surveys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('title_en', sa.String(length=200), nullable=True),
        sa.Column('intro', sa.Text(), nullable=False),
        sa.Column('intro_en', sa.Text(), nullable=True),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('anonymity', sa.String(length=10), nullable=False),
        sa.Column('audience', sa.String(length=2000), nullable=False),
        sa.Column('deadline_at', when, nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=True),
        sa.Column('created_at', when, nullable=False),
        sa.Column('updated_at', when, nullable=False),
        sa.Column('sent_at', when, nullable=True),
        sa.Column('closed_at', when, nullable=True),
        sa.Column('published_at', when, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    )
    op.create_table(
        'survey_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=True),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('choices_en', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_survey_questions_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
        sa.UniqueConstraint('survey_id', 'position', name='uq_survey_questions_pos'),
    )
    op.create_table(
        'survey_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('respondent', sa.String(length=40), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=True),
        sa.Column('org_name', sa.String(length=200), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('user_name', sa.String(length=200), nullable=True),
        sa.Column('submitted_at', when, nullable=False),
        sa.Column('updated_at', when, nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_survey_responses_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                                name=op.f('fk_survey_responses_org_id_organisations'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_survey_responses_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
        sa.UniqueConstraint('survey_id', 'respondent', name='uq_survey_responses_respondent'),
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'],
                              unique=False)
    op.create_table(
        'survey_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'],
                                name=op.f('fk_survey_answers_response_id_survey_responses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'],
                                name=op.f('fk_survey_answers_question_id_survey_questions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
        sa.UniqueConstraint('response_id', 'question_id', name='uq_survey_answers_question'),
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_question_id'), ['question_id'],
                              unique=False)
    op.create_table(
        'survey_anon_answers',
        sa.Column('ballot', sa.String(length=32), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'],
                                name=op.f('fk_survey_anon_answers_question_id_survey_questions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ballot', 'question_id', name=op.f('pk_survey_anon_answers')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('survey_anon_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_anon_answers_question_id'), ['question_id'],
                              unique=False)
    op.create_table(
        'survey_completions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('respondent', sa.String(length=40), nullable=False),
        sa.Column('completed_at', when, nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_survey_completions_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_completions')),
        sa.UniqueConstraint('survey_id', 'respondent', name='uq_survey_completions_respondent'),
    )
    with op.batch_alter_table('survey_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_completions_survey_id'), ['survey_id'],
                              unique=False)


def downgrade() -> None:
    for table in ('survey_completions', 'survey_anon_answers', 'survey_answers',
                  'survey_responses', 'survey_questions', 'surveys'):
        op.drop_table(table)
