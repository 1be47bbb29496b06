"""The workbench: users with roles, signed-in sessions, and the audit log of decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create users, web_sessions and audit_log; index what the review list sorts by."""
    op.create_table('users',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name='pk_users')
    )
    op.create_table('web_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_name'], ['users.name'], ondelete='CASCADE',
                            name='fk_web_sessions_user_name_users'),
    sa.PrimaryKeyConstraint('token_hash', name='pk_web_sessions')
    )
    op.create_index('ix_web_sessions_user_name', 'web_sessions', ['user_name'])
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_audit_log')
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])
    op.create_index('ix_audit_log_customer_id', 'audit_log', ['customer_id'])
    # the review queue walks proposals by confidence: one page reads one page of the index
    op.create_index('ix_matches_status_confidence_transaction_id', 'matches',
                    ['status', 'confidence', 'transaction_id'])


def downgrade() -> None:
    """Drop the workbench's tables."""
    op.drop_index('ix_matches_status_confidence_transaction_id', table_name='matches')
    op.drop_index('ix_audit_log_customer_id', table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_web_sessions_user_name', table_name='web_sessions')
    op.drop_table('web_sessions')
    op.drop_table('users')
