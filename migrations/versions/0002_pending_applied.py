"""Invoices remember what dunwell booked that the ERP export does not show yet.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add invoices.pending_applied (booked by dunwell, not yet in the ERP's open amount)."""
    with op.batch_alter_table('invoices') as batch:
        batch.add_column(sa.Column('pending_applied', sa.Numeric(18, 4), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    """Drop invoices.pending_applied."""
    with op.batch_alter_table('invoices') as batch:
        batch.drop_column('pending_applied')
