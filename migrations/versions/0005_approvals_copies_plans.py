"""Dunning approvals, copies of sent messages, payment plans.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create dunning_approvals, message_copies and payment_plans."""
    op.create_table('dunning_approvals',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('stage', sa.String(length=50), nullable=False),
    sa.Column('segment', sa.String(length=50), nullable=False),
    sa.Column('invoice_ids', sa.Text(), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name='pk_dunning_approvals')
    )
    op.create_index('ix_dunning_approvals_customer_id', 'dunning_approvals', ['customer_id'])
    op.create_table('message_copies',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name='pk_message_copies')
    )
    op.create_table('payment_plans',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.String(length=50), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('invoice_ids', sa.Text(), nullable=False),
    sa.Column('instalment', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('owed_at_start', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_payment_plans'),
    sa.UniqueConstraint('plan_id', 'instalment', name='uq_payment_plans_plan_id_instalment')
    )
    op.create_index('ix_payment_plans_plan_id', 'payment_plans', ['plan_id'])
    op.create_index('ix_payment_plans_customer_id', 'payment_plans', ['customer_id'])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index('ix_payment_plans_customer_id', table_name='payment_plans')
    op.drop_index('ix_payment_plans_plan_id', table_name='payment_plans')
    op.drop_table('payment_plans')
    op.drop_table('message_copies')
    op.drop_index('ix_dunning_approvals_customer_id', table_name='dunning_approvals')
    op.drop_table('dunning_approvals')
