"""Workbench users, their signed-in sessions, and the audit log of what people decided.

Passwords arrive here already hashed; a session is stored as the SHA-256 of
its cookie, so a copy of the database signs nobody in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import AuditEntry, User, WebSession, utcnow

AUDIT_COLUMNS = ("at", "actor", "role", "via", "action", "subject", "customer_id", "detail", "why")


def save_user(session: Session, name: str, role: str, password_hash: str) -> bool:
    """Create the user, or give an existing one a new role and password; True if new."""
    user = session.get(User, name, with_for_update=True)
    if user is None:
        session.add(User(name=name, role=role, password_hash=password_hash, active=True))
        session.flush()
        return True
    user.role, user.password_hash, user.active = role, password_hash, True
    session.execute(delete(WebSession).where(WebSession.user_name == name))
    session.flush()
    return False


def get_user(session: Session, name: str) -> User | None:
    """The active user of that name, or None."""
    user = session.get(User, name)
    return user if user is not None and user.active else None


def set_password_hash(session: Session, name: str, password_hash: str) -> None:
    """Replace a user's hash (argon2 parameters were raised since it was made)."""
    user = session.get(User, name)
    if user is not None:
        user.password_hash = password_hash
        session.flush()


def open_session(session: Session, token_hash: str, user_name: str, csrf_token: str,
                 expires_at: datetime) -> None:
    """Record a signed-in browser; expired sessions of anyone are swept at the same time."""
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    session.add(WebSession(token_hash=token_hash, user_name=user_name, csrf_token=csrf_token,
                           expires_at=expires_at))
    session.flush()


def find_session(session: Session, token_hash: str) -> tuple[WebSession, User] | None:
    """The live session for this cookie and its active user, or None when expired or unknown."""
    row = session.execute(
        select(WebSession, User).join(User, User.name == WebSession.user_name)
        .where(WebSession.token_hash == token_hash, WebSession.expires_at > utcnow(),
               User.active.is_(True))).first()
    return (row[0], row[1]) if row else None


def close_session(session: Session, token_hash: str) -> None:
    """Sign out: the cookie no longer opens anything."""
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))
    session.flush()


def record_audit(session: Session, *, actor: str, role: str, via: str, action: str,
                 subject: str, customer_id: str | None = None, detail: str = "",
                 why: str = "") -> None:
    """Write one line of the audit log, in the same transaction as the decision itself."""
    session.add(AuditEntry(at=utcnow(), actor=actor, role=role, via=via, action=action,
                           subject=subject, customer_id=customer_id, detail=detail, why=why))
    session.flush()


def list_audit(session: Session, *, text: str = "", customer_id: str | None = None,
               limit: int | None = 200, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Audit entries newest first, optionally filtered; with how many match in all."""
    where = []
    if customer_id:
        where.append(AuditEntry.customer_id == customer_id)
    if text:
        like = f"%{text.lower()}%"
        where.append(or_(func.lower(AuditEntry.actor).like(like),
                         func.lower(AuditEntry.action).like(like),
                         func.lower(AuditEntry.subject).like(like),
                         func.lower(AuditEntry.why).like(like)))
    total = session.execute(select(func.count()).select_from(AuditEntry).where(*where)).scalar_one()
    statement = select(AuditEntry).where(*where).order_by(AuditEntry.id.desc()).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.execute(statement).scalars()), int(total)
