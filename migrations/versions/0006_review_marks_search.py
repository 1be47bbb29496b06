"""Parked and marked payments; review list search and paging that stay fast at 1M invoices.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

`payment_marks` holds what a person said about a payment that is not a booking:
parked (leaves the review queue until un-parked), refund or unrelated money
(leaves the unmatched list). On PostgreSQL the review search uses trigram
indexes (pg_trgm, a trusted extension since PostgreSQL 13); where the
extension cannot be created the search still works, by a scan.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# must equal dunwell.connectors.storage.queue.SEARCH_TEXT, or PostgreSQL will not use the index
SEARCH_TEXT = ("lower(coalesce(counterparty_name, '') || ' ' || coalesce(remittance_info, '')"
               " || ' ' || transaction_id)")


def upgrade() -> None:
    """Create payment_marks; on PostgreSQL, trigram indexes for the review search."""
    op.create_table('payment_marks',
    sa.Column('transaction_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('transaction_id', name='pk_payment_marks')
    )
    op.create_index('ix_payment_marks_kind', 'payment_marks', ['kind'])
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = _trigram_schema(bind)
    if schema is None:
        return  # no right to create the extension: the search scans instead
    ops = f'"{schema}".gin_trgm_ops'  # the extension's schema need not be on the search_path
    op.execute(f'CREATE INDEX ix_bank_transactions_search ON bank_transactions '
               f'USING gin (({SEARCH_TEXT}) {ops})')
    op.execute(f"CREATE INDEX ix_matches_proposed_invoice_search ON matches "
               f"USING gin ((lower(invoice_id)) {ops}) WHERE status = 'proposed'")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema of pg_trgm, created in public when missing; None when it cannot be."""
    find = sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                   "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
    found = bind.execute(find).scalar()
    if found is not None:
        return str(found)
    with bind.begin_nested() as savepoint:
        try:
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public'))
        except sa.exc.DBAPIError:
            savepoint.rollback()
            return None
    return bind.execute(find).scalar()


def downgrade() -> None:
    """Drop payment_marks and the search indexes (the extension stays: others may use it)."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_matches_proposed_invoice_search')
        op.execute('DROP INDEX IF EXISTS ix_bank_transactions_search')
    op.drop_index('ix_payment_marks_kind', table_name='payment_marks')
    op.drop_table('payment_marks')
