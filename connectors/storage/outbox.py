"""The dunning outbox: each message is claimed once by its unique key, then sent, failed or bounced.

`claim_message` inserts the key with ON CONFLICT DO NOTHING; of two runs
claiming the same key at once, exactly one gets True. Functions take a
Session (joining the caller's transaction) or an Engine (committing at once,
so that a claim holds before the message leaves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import dialect_insert, json_safe
from dunwell.connectors.storage.models import OutboxMessage, utcnow

T = TypeVar("T")
HISTORY_COLUMNS = ["customer_id", "currency", "stage", "invoice_ids", "sent_at", "key", "status"]
_DEFAULTS: dict[str, Any] = {
    "customer_id": "", "currency": "", "stage": "", "invoice_ids": (), "channel": "email",
    "template": "", "language": "en", "reason": "", "facts": None, "recipient": None,
}


@contextmanager
def _session(db: Session | Engine) -> Iterator[Session]:
    """The caller's session as is, or a new one committed when the block ends."""
    if isinstance(db, Session):
        yield db
        return
    with Session(db) as session, session.begin():
        yield session


def _with_session(db: Session | Engine, work: Callable[[Session], T]) -> T:
    with _session(db) as session:
        return work(session)


def _message_row(message: Any, run_id: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    """Outbox columns: keywords win over the planned message's attributes, then defaults."""
    unknown = set(fields) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown outbox fields: {sorted(unknown)}")
    row = {}
    for name, default in _DEFAULTS.items():
        value = fields.get(name, getattr(message, name, None))
        row[name] = default if value is None or value == "" else value
    ids = row["invoice_ids"]
    row["invoice_ids"] = ids if isinstance(ids, str) else " ".join(ids)
    row["facts"] = {str(k): json_safe(v) for k, v in dict(row["facts"] or {}).items()}
    row["reason"] = row["reason"] or str(row["facts"].get("reason", ""))
    return {**row, "run_id": run_id}


def claim_message(
    db: Session | Engine, message: Any, run_id: str | None = None, **fields: Any
) -> bool:
    """Insert the message's outbox row under its unique key; False if the key is already taken.

    `message` is a key (then give customer_id, currency, stage, invoice_ids, ... as keywords)
    or a planned message with those attributes. A key whose earlier send failed is reclaimed.
    """
    key = message if isinstance(message, str) else message.key
    row = _message_row(None if isinstance(message, str) else message, run_id, fields)
    row.update(key=key, status="planned", created_at=utcnow())
    table = OutboxMessage.__table__

    def work(session: Session) -> bool:
        statement = (dialect_insert(session, table).values(**row)
                     .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
        if session.execute(statement).first() is not None:
            return True
        retry = (update(OutboxMessage).where(OutboxMessage.key == key,
                                             OutboxMessage.status == "failed")
                 .values(status="planned", run_id=run_id, detail=None))
        return session.execute(retry).rowcount == 1

    return _with_session(db, work)


def _set(db: Session | Engine, key: str, **values: Any) -> None:
    """Update one outbox row by key; an unknown key is a bug, so it raises."""
    def work(session: Session) -> None:
        result = session.execute(update(OutboxMessage).where(OutboxMessage.key == key)
                                 .values(**values))
        if result.rowcount != 1:
            raise LookupError(f"no outbox message with key {key!r}")

    _with_session(db, work)


def mark_sent(db: Session | Engine, key: str, message_id: str,
              sent_at: datetime | None = None) -> None:
    """Record that the message left, with its RFC 5322 Message-ID."""
    _set(db, key, status="sent", message_id=message_id, sent_at=sent_at or utcnow())


def mark_failed(db: Session | Engine, key: str, detail: str = "") -> None:
    """Record that sending failed; the key can be claimed again by a later run."""
    _set(db, key, status="failed", detail=detail)


def record_bounce(db: Session | Engine, message_id: str, detail: str = "") -> bool:
    """Record a bounce reported for a Message-ID; False if no message has that id."""
    def work(session: Session) -> bool:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.message_id == message_id).values(status="bounced", detail=detail))
        return result.rowcount > 0

    return _with_session(db, work)


def sent_history(db: Session | Engine) -> pd.DataFrame:
    """Messages claimed, sent or bounced: (customer_id, currency, stage, invoice_ids, sent_at,
    key, status); invoice_ids space-separated, sent_at UTC (claim time while not yet sent)."""
    statement = select(OutboxMessage).where(
        OutboxMessage.status.in_(("planned", "sent", "bounced"))).order_by(OutboxMessage.id)

    def work(session: Session) -> pd.DataFrame:
        rows = [(m.customer_id, m.currency, m.stage, m.invoice_ids, m.sent_at or m.created_at,
                 m.key, m.status) for m in session.execute(statement).scalars()]
        frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
        frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
        return frame

    return _with_session(db, work)
