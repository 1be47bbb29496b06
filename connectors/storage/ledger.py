"""What earlier runs left in the database that this run must respect.

Read once at the start of a run: which transactions are known, what has been
booked against which invoice, aliases people taught us, what was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Row, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dunwell.connectors.storage import (
    applied_transaction_ids,
    load_pending,
    load_transactions,
    manual_events,
)
from dunwell.connectors.storage.engine import reader
from dunwell.connectors.storage.models import (
    Alias,
    BankTransaction,
    CustomerState,
    DiscrepancyRow,
    MatchRow,
    OutboxMessage,
)
from dunwell.connectors.storage.outbox import ATTEMPTED
from dunwell.money import to_minor


@dataclass(frozen=True)
class Ledger:
    """The database's memory, as frames the core understands.

    Attributes:
      known_keys: "account\\x1ftransaction_id" of every imported transaction.
      pending: invoice_id, last_open_minor (the export's open amount last run) and
        pending_minor (booked by dunwell, not yet shown by the export).
      aliases: customer_id, kind (name|iban), value.
      history: messages handed to the mail server (customer_id, currency, stage,
        invoice_ids, sent_at, key, status, channel); the ladder climbs on `sent` ones only.
      paused: customers paused by hand.
      unresolved_incoming: incoming money booked by the bank since `since` that no
        booking has used yet: it may be a customer's payment waiting for a person.
      pinned: customer_id -> segment pinned by hand.
    """

    known_keys: set[str]
    pending: pd.DataFrame
    aliases: pd.DataFrame
    history: pd.DataFrame
    paused: frozenset[str]
    pinned: dict[str, str]
    engine: Engine | None = None
    disputed: dict[str, bool] | None = None
    promised: dict[str, object] | None = None
    unresolved_incoming: pd.DataFrame | None = None

    def with_decisions(self, invoices: pd.DataFrame) -> pd.DataFrame:
        """The export's invoices with disputes and promises people recorded by hand applied."""
        out = invoices.copy()
        if self.disputed:
            manual = out["invoice_id"].map(self.disputed)
            out["disputed"] = manual.where(manual.notna(), out["disputed"]).astype("bool")
        if self.promised:
            promise = pd.to_datetime(out["invoice_id"].map(self.promised)).astype("datetime64[s]")
            out["promise_to_pay_date"] = promise.where(promise.notna(), out["promise_to_pay_date"])
        return out

    def previous_matches(self, transactions: pd.DataFrame) -> pd.DataFrame:
        """Matches earlier runs recorded for these (already known) transactions."""
        return _previous(self.engine, MatchRow, transactions, self.known_keys)

    def previous_review(self, transactions: pd.DataFrame) -> pd.DataFrame:
        """Review items of earlier runs for these transactions still waiting for a person,
        every ranked candidate."""
        return _previous(self.engine, MatchRow, transactions, self.known_keys, waiting=True)

    def previous_discrepancies(self, transactions: pd.DataFrame) -> pd.DataFrame:
        """Discrepancies earlier runs recorded for these (already known) transactions."""
        return _previous(self.engine, DiscrepancyRow, transactions, self.known_keys)


def load_ledger(engine: Engine, since: date | None = None) -> Ledger:
    """Read the state a run needs, in one read-only session; the ledger reads more later
    through a reader's engine, which never waits for the run's own recording helper."""
    engine = reader(engine)
    with Session(engine) as session:
        keys = {f"{a}\x1f{t}" for a, t in session.execute(
            select(BankTransaction.account, BankTransaction.transaction_id))}
        pending = load_pending(session)
        aliases = pd.DataFrame(session.execute(select(Alias.customer_id, Alias.kind, Alias.value))
                               .all(), columns=["customer_id", "kind", "value"])
        history = _history(session)
        states = session.execute(select(CustomerState)).scalars().all()
        disputed, promised = manual_events(session)
        unresolved = _unresolved_incoming(session, since)
    return Ledger(keys, pending, aliases, history,
                  frozenset(s.customer_id for s in states if s.paused),
                  {s.customer_id: s.pinned_segment for s in states if s.pinned_segment}, engine,
                  disputed, promised, unresolved)


def _unresolved_incoming(session: Session, since: date | None) -> pd.DataFrame:
    """Incoming transactions with nothing booked from them (yet)."""
    stored = load_transactions(session, since=since)
    used = applied_transaction_ids(session)
    waiting = (stored["amount_minor"] > 0) & ~stored["transaction_id"].isin(used)
    return stored.loc[waiting].drop(columns=["import_id"])


def _history(session: Session) -> pd.DataFrame:
    rows = session.execute(select(
        OutboxMessage.customer_id, OutboxMessage.currency, OutboxMessage.stage,
        OutboxMessage.invoice_ids, OutboxMessage.sent_at, OutboxMessage.attempted_at,
        OutboxMessage.key, OutboxMessage.status, OutboxMessage.channel,
    ).where(OutboxMessage.status.in_(ATTEMPTED))).all()
    # planned and failed rows never reached a customer: they are sent again, not counted
    frame = pd.DataFrame(rows, columns=["customer_id", "currency", "stage", "invoice_ids",
                                        "sent_at", "attempted_at", "key", "status", "channel"])
    frame["sent_at"] = pd.to_datetime(frame["sent_at"].fillna(frame["attempted_at"]), utc=True)
    return frame.drop(columns=["attempted_at"])


def _previous(engine: Engine | None, table: type[MatchRow] | type[DiscrepancyRow],
              transactions: pd.DataFrame, known: Iterable[str],
              waiting: bool = False) -> pd.DataFrame:
    """Rows of `table` for the transactions of this file that earlier runs saw (with
    `waiting`, the proposed matches of every rank instead of the rank-1 links)."""
    keys = (transactions["account"].astype("str") + "\x1f"
            + transactions["transaction_id"].astype("str"))
    ids = sorted(set(transactions.loc[keys.isin(set(known)), "transaction_id"]))
    columns = _columns(table)
    if engine is None or not ids:
        return pd.DataFrame(columns=columns)
    with Session(engine) as session:
        rows: list[Row[tuple[object, ...]]] = []
        for start in range(0, len(ids), 5000):
            stmt = select(*[getattr(table, c) for c in _db_columns(table)]).where(
                table.transaction_id.in_(ids[start:start + 5000]))
            if table is MatchRow and waiting:
                stmt = stmt.where(MatchRow.status == "proposed")
            elif table is MatchRow:
                stmt = stmt.where(MatchRow.rank == 1, MatchRow.status != "rejected")
            rows.extend(session.execute(stmt).all())
    frame = pd.DataFrame(rows, columns=_db_columns(table))
    return _to_minor(frame, "applied_amount" if table is MatchRow else "amount")[columns]


def _db_columns(table: type[MatchRow] | type[DiscrepancyRow]) -> list[str]:
    if table is MatchRow:
        return ["transaction_id", "invoice_id", "applied_amount", "currency", "confidence",
                "decision", "reasons", "status", "rank"]
    return ["kind", "transaction_id", "invoice_id", "amount", "currency", "detail"]


def _columns(table: type[MatchRow] | type[DiscrepancyRow]) -> list[str]:
    if table is MatchRow:
        return ["transaction_id", "invoice_id", "applied_minor", "currency", "confidence",
                "decision", "reasons", "status", "rank"]
    return ["kind", "transaction_id", "invoice_id", "amount_minor", "currency", "detail"]


def _to_minor(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    target = "applied_minor" if column == "applied_amount" else "amount_minor"
    frame[target] = [None if a is None else to_minor(a.normalize(), c)
                     for a, c in zip(frame[column], frame["currency"], strict=True)]
    return frame
