"""e-mail as a delivery channel (issue 16): company contact addresses and e-mail delivery records

Revision ID: 0013_email
Revises: 0012_faq_loop
Create Date: 2026-11-29 12:00:00

`org_contacts`: a member company's e-mail contacts (store/contacts.py); `email_sends`: what the
e-mail notifier handed to the SMTP server per delivery key (store/email_log.py).
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0013_email'
down_revision = '0012_faq_loop'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'org_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                                name=op.f('fk_org_contacts_org_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_org_contacts')),
        sa.UniqueConstraint('org_id', 'email', name='uq_org_contacts_org_email'),
    )
    with op.batch_alter_table('org_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_contacts_org_id'), ['org_id'], unique=False)
    op.create_table(
        'email_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('data_sends', sa.Integer(), nullable=False),
        sa.Column('detail', sa.String(length=300), nullable=True),
        sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_sends')),
        sa.UniqueConstraint('key', name=op.f('uq_email_sends_key')),
    )


def downgrade() -> None:
    op.drop_table('email_sends')
    with op.batch_alter_table('org_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_contacts_org_id'))
    op.drop_table('org_contacts')
