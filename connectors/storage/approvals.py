"""Approvals of planned messages, and copies of messages as they were sent."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import (
    AuditEntry,
    DunningApproval,
    MessageCopy,
    OutboxMessage,
    Run,
    utcnow,
)
from dunwell.dunning.approval import Decision


def save_decision(session: Session, *, key: str, customer_id: str, currency: str, stage: str,
                  segment: str, invoice_ids: str, run_date: date, approved: bool, actor: str,
                  why: str) -> None:
    """Record a person's word on a planned message; it replaces an earlier one on the key."""
    row = session.get(DunningApproval, key) or DunningApproval(key=key)
    row.customer_id, row.currency, row.stage, row.segment = customer_id, currency, stage, segment
    row.invoice_ids, row.run_date, row.approved = invoice_ids, run_date, approved
    row.actor, row.why, row.decided_at = actor, why, utcnow()
    session.add(row)


def load_decisions(session: Session) -> dict[str, Decision]:
    """Every recorded decision by approval key."""
    rows = session.execute(select(DunningApproval)).scalars()
    return {r.key: Decision(r.key, r.approved, r.run_date, r.actor, r.why) for r in rows}


PLAN_NEUTRAL = ("dunning.approve", "dunning.exclude", "run.start", "user.add")
"""Audited actions that change nothing the planner reads (approvals change states only)."""


def plan_inputs_version(session: Session) -> tuple:
    """A cheap fingerprint of what the dunning planner reads: it changes when a run starts
    or finishes, a person decides anything (every decision is audited) or a delivery's
    status changes. Equal fingerprints: the same plan for the same day."""
    runs = session.execute(select(func.count(), func.max(Run.started_at),
                                  func.max(Run.finished_at))).one()
    audit = session.execute(select(func.max(AuditEntry.id)).where(
        AuditEntry.action.not_in(PLAN_NEUTRAL))).scalar()
    outbox = sorted(session.execute(select(OutboxMessage.status, func.count())
                                    .group_by(OutboxMessage.status)).all())
    return (tuple(runs), audit, tuple(tuple(r) for r in outbox))


def _body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body(preferencelist=(kind,))
    if part is None or part.get_content_subtype() != kind:
        return ""
    return str(part.get_content())


def keep_copy(engine: Engine, key: str, msg: EmailMessage) -> None:
    """Keep the message as handed to the transport (its text and HTML), by outbox key."""
    with Session(engine) as session, session.begin():
        row = session.get(MessageCopy, key) or MessageCopy(key=key)
        row.subject, row.recipient = str(msg["Subject"] or ""), str(msg["To"] or "")
        row.text_body, row.html_body = _body(msg, "plain"), _body(msg, "html")
        row.stored_at = utcnow()
        session.add(row)


def sent_copies(session: Session, customer_id: str, limit: int = 50) -> list[tuple]:
    """A customer's messages with their outbox row and kept copy, newest first."""
    statement = (select(OutboxMessage, MessageCopy)
                 .join(MessageCopy, MessageCopy.key == OutboxMessage.key, isouter=True)
                 .where(OutboxMessage.customer_id == customer_id)
                 .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit))
    return [tuple(row) for row in session.execute(statement).all()]


def message_copy(session: Session, key: str) -> tuple | None:
    """One outbox message and its kept copy (None when there is no such message)."""
    statement = (select(OutboxMessage, MessageCopy)
                 .join(MessageCopy, MessageCopy.key == OutboxMessage.key, isouter=True)
                 .where(OutboxMessage.key == key))
    row = session.execute(statement).first()
    return tuple(row) if row else None


def last_dunning_holds(session: Session) -> tuple[str, dict[str, int]]:
    """The newest finished run that planned reminders: its as-of and holds by reason."""
    from dunwell.connectors.storage.models import Run

    statement = (select(Run).where(Run.status == "succeeded", Run.summary.is_not(None))
                 .order_by(Run.started_at.desc()).limit(20))
    for run in session.execute(statement).scalars():
        summary = run.summary or {}
        if summary.get("reminders") or summary.get("holds"):
            return run.as_of or "", dict(summary.get("holds") or {})
    return "", {}
