"""The dunning outbox: each message is claimed once by its unique key, then delivered once.

A row moves planned -> sending -> sent | failed | bounced | unknown. `begin_attempt`
commits `sending` before the SMTP transaction starts, so a crash mid-send
leaves a row that the next run turns into `unknown` (`abandon_sending`) rather
than sending again. Only `planned` and `failed` (temporary) rows are sent by a
later run; `unknown` rows wait for a person (`settle_unknown`).

`claim_message` inserts the key with ON CONFLICT DO NOTHING; of two runs
claiming the same key at once, exactly one gets True. Functions take a
Session (joining the caller's transaction) or an Engine (committing at once,
so that a claim or an attempt holds before the message leaves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import CursorResult, Engine, Result, func, select, update
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import dialect_insert, json_safe
from dunwell.connectors.storage.decisions import pause_customer
from dunwell.connectors.storage.models import OutboxMessage, utcnow
from dunwell.model import DeliveryStatus

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


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE changed (SQLAlchemy types what execute() returns as a plain Result)."""
    if not isinstance(result, CursorResult):
        raise TypeError("an UPDATE returns a CursorResult")
    return result.rowcount


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


RESUMABLE = ("planned", "failed")  # nothing left the building: a later run may send these
_SENDING = DeliveryStatus.SENDING.value
ATTEMPTED = tuple(s.value for s in (  # never sent again automatically
    DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.BOUNCED, DeliveryStatus.UNKNOWN))
ABANDONED = "the run sending it stopped before the server's answer was recorded"


def claim_message(
    db: Session | Engine, message: Any, run_id: str | None = None, **fields: Any
) -> bool:
    """Insert the message's outbox row under its unique key; False if it cannot be sent now.

    `message` is a key (then give customer_id, currency, stage, invoice_ids, ... as keywords)
    or a planned message with those attributes. A key still planned (its run stopped before
    sending it) or temporarily failed is claimed again by this run; one attempted is not.
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
                                             OutboxMessage.status.in_(RESUMABLE))
                 .values(status="planned", run_id=run_id))
        return _rowcount(session.execute(retry)) == 1

    return _with_session(db, work)


def begin_attempt(db: Session | Engine, key: str, message_id: str,
                  at: datetime | None = None) -> bool:
    """Record, before any SMTP command, that the message is being sent; False if it may not be.

    Only a planned or temporarily failed row moves to `sending`, so a key can never
    be handed to the mail server twice by two runs or by one run twice. `at` is the
    run's moment (as `sent_at` will be), so that a delivery a person later confirms
    counts on the day its run dunned.
    """
    def work(session: Session) -> bool:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == key, OutboxMessage.status.in_(RESUMABLE))
            .values(status=_SENDING, message_id=message_id, attempted_at=at or utcnow(),
                    attempts=OutboxMessage.attempts + 1))
        return _rowcount(result) == 1

    return _with_session(db, work)


def _set(db: Session | Engine, key: str, **values: Any) -> None:
    """Update one outbox row by key; an unknown key is a bug, so it raises."""
    def work(session: Session) -> None:
        result = session.execute(update(OutboxMessage).where(OutboxMessage.key == key)
                                 .values(**values))
        if _rowcount(result) != 1:
            raise LookupError(f"no outbox message with key {key!r}")

    _with_session(db, work)


def mark_sent(db: Session | Engine, key: str, message_id: str,
              sent_at: datetime | None = None, code: int | None = None,
              detail: str | None = None) -> None:
    """Record that the message left, with its RFC 5322 Message-ID and the server's answer
    (`detail`: "2.0.0 Ok: queued as 4Fq2x...", the queue id a mail log and a bounce name)."""
    _set(db, key, status="sent", message_id=message_id, sent_at=sent_at or utcnow(),
         smtp_code=code, detail=detail or None)


def mark_failed(db: Session | Engine, key: str, detail: str = "", code: int | None = None) -> None:
    """Record a temporary failure (with the server's code and text); a later run sends it."""
    _set(db, key, status="failed", detail=detail, smtp_code=code)


def mark_bounced(db: Session | Engine, key: str, detail: str = "", code: int | None = None,
                 recipient: str = "") -> None:
    """Record a permanent refusal, and pause the customer until a person fixes the address."""
    def work(session: Session) -> None:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one()
        row.status, row.smtp_code = "bounced", code
        row.detail = f"{recipient}: {detail}" if recipient else detail
        pause_customer(session, row.customer_id,
                       f"{row.stage} reminder bounced ({code or '-'} {recipient or row.recipient})")

    _with_session(db, work)


def mark_unknown(db: Session | Engine, key: str, detail: str = "") -> None:
    """Record that nobody knows whether the server took the message: a person decides."""
    _set(db, key, status="unknown", detail=detail)


def abandon_sending(db: Session | Engine) -> int:
    """Rows left `sending` by a run that died become `unknown`: never resent automatically.

    Call it while holding the run lock, when no other run can be sending.
    """
    def work(session: Session) -> int:
        result = session.execute(update(OutboxMessage).where(OutboxMessage.status == _SENDING)
                                 .values(status="unknown", detail=ABANDONED))
        return int(_rowcount(result))

    return _with_session(db, work)


def settle_unknown(db: Session | Engine, key: str, delivered: bool) -> None:
    """A person's answer for an `unknown` delivery: it arrived (sent) or not (sent again).

    `key` is the message's key or its Message-ID (what the mail server's log shows).
    """
    status = "sent" if delivered else "failed"

    def work(session: Session) -> None:
        row = session.execute(select(OutboxMessage).where(
            (OutboxMessage.key == key) | (OutboxMessage.message_id == key),
            OutboxMessage.status == "unknown")).scalar_one_or_none()
        if row is None:
            raise LookupError(f"no message {key!r} whose delivery is unknown")
        row.status = status
        row.detail = f"settled by a person: {'delivered' if delivered else 'not delivered'}"
        if delivered:
            row.sent_at = row.attempted_at or utcnow()

    _with_session(db, work)


def record_bounce(db: Session | Engine, message_id: str, detail: str = "") -> bool:
    """Record a bounce reported for a Message-ID; False if no message has that id."""
    def work(session: Session) -> bool:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.message_id == message_id).values(status="bounced", detail=detail))
        return _rowcount(result) > 0

    return _with_session(db, work)


def deliveries(db: Session | Engine, run_id: str) -> dict[str, dict[str, int]]:
    """Email messages this run handled: stage -> status -> count (planned = not sent yet)."""
    statement = (select(OutboxMessage.stage, OutboxMessage.status, func.count())
                 .where(OutboxMessage.run_id == run_id, OutboxMessage.channel == "email")
                 .group_by(OutboxMessage.stage, OutboxMessage.status))

    def work(session: Session) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for stage, status, count in session.execute(statement):
            out.setdefault(stage, {})[status] = int(count)
        return out

    return _with_session(db, work)


def waiting_for_a_person(db: Session | Engine) -> pd.DataFrame:
    """Deliveries a person must look at: bounced or unknown, oldest first."""
    columns = ["key", "customer_id", "stage", "recipient", "status", "smtp_code", "detail",
               "message_id", "attempted_at"]
    statement = (select(*[getattr(OutboxMessage, c) for c in columns])
                 .where(OutboxMessage.status.in_(("bounced", "unknown")))
                 .order_by(OutboxMessage.attempted_at, OutboxMessage.id))
    return _with_session(db, lambda s: pd.DataFrame(s.execute(statement).all(), columns=columns))


def sent_history(db: Session | Engine) -> pd.DataFrame:
    """Messages handed to the mail server (sent, bounced, unknown, sending): (customer_id,
    currency, stage, invoice_ids, sent_at, key, status); invoice_ids space-separated,
    sent_at UTC (the attempt's time while not known as sent)."""
    statement = select(OutboxMessage).where(
        OutboxMessage.status.in_(ATTEMPTED)).order_by(OutboxMessage.id)

    def work(session: Session) -> pd.DataFrame:
        rows = [(m.customer_id, m.currency, m.stage, m.invoice_ids,
                 m.sent_at or m.attempted_at or m.created_at,
                 m.key, m.status) for m in session.execute(statement).scalars()]
        frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
        frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
        return frame

    return _with_session(db, work)
