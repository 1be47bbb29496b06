"""Messages as they went out: the stored copy of each reminder, for the customer page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import Engine

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage.approvals import message_copy, sent_copies
from dunwell.errors import InputError


@dataclass(frozen=True)
class Parts:
    """The readable parts of an email: headers a person checks, text and HTML bodies."""

    subject: str
    sender: str
    recipient: str
    text: str
    html: str


def parts(msg: EmailMessage) -> Parts:
    """Subject, From, To and the text and HTML bodies of a rendered email."""
    def body(kind: str) -> str:
        part = msg.get_body(preferencelist=(kind,))
        return str(part.get_content()) if part is not None and \
            part.get_content_subtype() == kind else ""

    return Parts(str(msg["Subject"] or ""), str(msg["From"] or ""), str(msg["To"] or ""),
                 body("plain"), body("html"))


@dataclass(frozen=True)
class SentMessage:
    """One reminder or hand-over of a customer, where its delivery stands, and its copy.

    `kept` is False for messages sent before copies were kept (or hand-overs, which
    have no email): then only the facts are shown.
    """

    key: str
    customer_id: str
    stage: str
    channel: str
    status: str
    invoice_ids: str
    recipient: str
    message_id: str
    when: datetime | None
    kept: bool
    subject: str = ""
    text: str = ""
    html: str = ""


def _sent(outbox, copy) -> SentMessage:  # noqa: ANN001 - an OutboxMessage and a MessageCopy
    return SentMessage(
        outbox.key, outbox.customer_id, outbox.stage, outbox.channel, outbox.status,
        outbox.invoice_ids, outbox.recipient or "", outbox.message_id or "",
        outbox.sent_at or outbox.attempted_at or outbox.created_at, copy is not None,
        copy.subject if copy else "", copy.text_body if copy else "",
        copy.html_body if copy else "")


def of_customer(engine: Engine, actor: Actor, customer_id: str) -> list[SentMessage]:
    """A customer's messages, newest first, with the text as it was sent."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        return [_sent(o, c) for o, c in sent_copies(session, customer_id)]


def message(engine: Engine, actor: Actor, key: str) -> SentMessage:
    """One message by its outbox key."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        found = message_copy(session, key)
    if found is None:
        raise InputError("message", "no such message is stored")
    return _sent(*found)
