"""Initial schema: customers, invoices, statements and transactions, matches, dunning outbox, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create every table dunwell uses."""
    op.create_table('aliases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('learned_from', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_aliases'),
    sa.UniqueConstraint('customer_id', 'kind', 'value', name='uq_aliases_customer_id_kind_value')
    )
    op.create_index('ix_aliases_customer_id', 'aliases', ['customer_id'])

    op.create_table('customer_state',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('pinned_segment', sa.String(length=50), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name='pk_customer_state')
    )

    op.create_table('customers',
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('segment', sa.String(length=50), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('do_not_contact', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name='pk_customers')
    )

    op.create_table('invoice_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=True),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_invoice_events')
    )
    op.create_index('ix_invoice_events_invoice_id', 'invoice_events', ['invoice_id'])

    op.create_table('invoices',
    sa.Column('invoice_id', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('customer_name', sa.Text(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('open_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('disputed', sa.Boolean(), nullable=False),
    sa.Column('promise_to_pay_date', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('invoice_id', name='pk_invoices')
    )
    op.create_index('ix_invoices_customer_id', 'invoices', ['customer_id'])

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=True),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('stage', sa.String(length=50), nullable=False),
    sa.Column('invoice_ids', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=True),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name='pk_outbox'),
    sa.UniqueConstraint('key', name='uq_outbox_key')
    )
    op.create_index('ix_outbox_customer_id', 'outbox', ['customer_id'])
    op.create_index('ix_outbox_run_id', 'outbox', ['run_id'])

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=True),
    sa.Column('dataset', sa.String(length=50), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_quarantine')
    )
    op.create_index('ix_quarantine_run_id', 'quarantine', ['run_id'])

    op.create_table('run_locks',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name='pk_run_locks')
    )

    op.create_table('runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.String(length=40), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name='pk_runs')
    )

    op.create_table('statement_imports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('new_count', sa.Integer(), nullable=False),
    sa.Column('known_count', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name='pk_statement_imports')
    )
    op.create_index('ix_statement_imports_file_hash', 'statement_imports', ['file_hash'])

    op.create_table('bank_transactions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('transaction_id', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('counterparty_name', sa.Text(), nullable=True),
    sa.Column('counterparty_iban', sa.String(length=34), nullable=True),
    sa.Column('remittance_info', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(
        ['import_id'], ['statement_imports.id'],
        name='fk_bank_transactions_import_id_statement_imports',
    ),
    sa.PrimaryKeyConstraint('id', name='pk_bank_transactions'),
    sa.UniqueConstraint(
        'account', 'transaction_id', name='uq_bank_transactions_account_transaction_id'
    ),
    )
    op.create_index('ix_bank_transactions_booking_date', 'bank_transactions', ['booking_date'])
    op.create_index('ix_bank_transactions_fingerprint', 'bank_transactions', ['fingerprint'])
    op.create_index('ix_bank_transactions_import_id', 'bank_transactions', ['import_id'])
    op.create_index('ix_bank_transactions_transaction_id', 'bank_transactions', ['transaction_id'])

    op.create_table('discrepancies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('transaction_id', sa.String(length=200), nullable=True),
    sa.Column('invoice_id', sa.String(length=100), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name='fk_discrepancies_run_id_runs'),
    sa.PrimaryKeyConstraint('id', name='pk_discrepancies')
    )
    op.create_index('ix_discrepancies_run_id', 'discrepancies', ['run_id'])

    op.create_table('matches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('transaction_id', sa.String(length=200), nullable=False),
    sa.Column('invoice_id', sa.String(length=100), nullable=False),
    sa.Column('applied_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name='fk_matches_run_id_runs'),
    sa.PrimaryKeyConstraint('id', name='pk_matches')
    )
    op.create_index('ix_matches_invoice_id', 'matches', ['invoice_id'])
    op.create_index('ix_matches_run_id', 'matches', ['run_id'])
    op.create_index('ix_matches_status_transaction_id', 'matches', ['status', 'transaction_id'])



def downgrade() -> None:
    """Drop every table, newest dependants first."""
    op.drop_index('ix_matches_status_transaction_id', table_name='matches')
    op.drop_index('ix_matches_run_id', table_name='matches')
    op.drop_index('ix_matches_invoice_id', table_name='matches')
    op.drop_table('matches')
    op.drop_index('ix_discrepancies_run_id', table_name='discrepancies')
    op.drop_table('discrepancies')
    op.drop_index('ix_bank_transactions_transaction_id', table_name='bank_transactions')
    op.drop_index('ix_bank_transactions_import_id', table_name='bank_transactions')
    op.drop_index('ix_bank_transactions_fingerprint', table_name='bank_transactions')
    op.drop_index('ix_bank_transactions_booking_date', table_name='bank_transactions')
    op.drop_table('bank_transactions')
    op.drop_index('ix_statement_imports_file_hash', table_name='statement_imports')
    op.drop_table('statement_imports')
    op.drop_table('runs')
    op.drop_table('run_locks')
    op.drop_index('ix_quarantine_run_id', table_name='quarantine')
    op.drop_table('quarantine')
    op.drop_index('ix_outbox_run_id', table_name='outbox')
    op.drop_index('ix_outbox_customer_id', table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('ix_invoices_customer_id', table_name='invoices')
    op.drop_table('invoices')
    op.drop_index('ix_invoice_events_invoice_id', table_name='invoice_events')
    op.drop_table('invoice_events')
    op.drop_table('customers')
    op.drop_table('customer_state')
    op.drop_index('ix_aliases_customer_id', table_name='aliases')
    op.drop_table('aliases')
