"""What a statement reader returns: the transactions, the balances, the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dunwell.model import BankTxn


@dataclass(frozen=True, slots=True)
class StatementBalance:
    """One statement (or account section) of a file with its stated balances.

    Attributes:
      account: the statement's own account (IBAN or number).
      statement_id: the bank's statement reference (:20:/:28C:, Stmt/Id, ...).
      currency: the currency of the balances.
      opening, closing: booked balances as stated; None when the file gives none.
      opening_date, closing_date: the dates those balances refer to.
      count: how many transactions of the import belong to this statement.
      total: their signed sum, so that `opening + total == closing` can be checked.
      line: where the statement starts in the file.
      currencies: every currency seen in its balances and transactions (normally one).
    """

    account: str
    statement_id: str
    currency: str
    opening: Decimal | None
    closing: Decimal | None
    opening_date: date | None = None
    closing_date: date | None = None
    count: int = 0
    total: Decimal = Decimal(0)
    line: int | None = None
    currencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatementImport:
    """A statement file as read: format, booked transactions, balances and warnings.

    Attributes:
      format: mt940, camt053, camt054, ofx, bai2, csv or canonical.
      transactions: one BankTxn per booked transaction, ids unique in the file.
      balances: one per statement in the file (empty when the format has none).
      warnings: encoding fallbacks, skipped pending rows and similar notes.
      profile: the CSV profile used, for format csv.
      lines: the physical line where each transaction starts, parallel to transactions.
    """

    format: str
    transactions: list[BankTxn]
    balances: list[StatementBalance] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    profile: str | None = None
    lines: list[int] = field(default_factory=list)
