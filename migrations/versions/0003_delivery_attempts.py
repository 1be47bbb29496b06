"""Outbox rows remember each delivery attempt: when, how often, the SMTP answer.

The delivery state machine (planned -> sending -> sent | failed | bounced |
unknown) records the attempt before the SMTP transaction and the server's
reply code after it, so that a crash or a dropped connection never leads to a
reminder lost or sent twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add outbox.attempts, outbox.attempted_at and outbox.smtp_code."""
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('smtp_code', sa.Integer(), nullable=True))
        batch.create_index('ix_outbox_status', ['status'])


def downgrade() -> None:
    """Drop the attempt columns."""
    with op.batch_alter_table('outbox') as batch:
        batch.drop_index('ix_outbox_status')
        batch.drop_column('smtp_code')
        batch.drop_column('attempted_at')
        batch.drop_column('attempts')
