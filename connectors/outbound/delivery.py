"""Delivering a batch of messages over one connection, each with a precise outcome.

`open_batch(transport)` gives a `Batch` whose `deliver(msg)` never raises for a
mail problem; it returns a `Delivery`:

    sent      the server answered 250 to the message's data
    failed    temporary (4xx, connection refused or dropped before the data
              went out, a timeout before it), or our side refused (login, sender):
              a later run sends it again
    bounced   permanent (5xx) refusal of the recipient or of the message
    unknown   the connection dropped, or the server went quiet, after the data
              was transferred and before its answer: it may have arrived, so
              it is never sent again automatically

The SMTP transaction is driven step by step (MAIL, RCPT, DATA, the data, the
reply) on yagmail's connection, because only then can a failure before the
data be told apart from one after it. One connection serves the whole batch;
it is opened again after a failure broke it.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any, Literal, Protocol

from dunwell.connectors.outbound.mail import FileOutbox, SmtpTransport, message_id

log = logging.getLogger(__name__)
Status = Literal["sent", "failed", "bounced", "unknown"]
_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one message: status, the server's code and text, the recipient refused."""

    status: Status
    code: int | None = None
    detail: str = ""
    recipient: str = ""


class Batch(Protocol):
    """A sending session: one message at a time, outcomes as values."""

    def deliver(self, msg: EmailMessage) -> Delivery: ...


class _FileBatch:
    """The file outbox: writing the file is delivering it."""

    def __init__(self, outbox: FileOutbox) -> None:
        self.outbox = outbox

    def deliver(self, msg: EmailMessage) -> Delivery:
        try:
            self.outbox.send(msg)
        except OSError as exc:
            return Delivery("failed", None, f"{type(exc).__name__}: {exc}")
        return Delivery("sent")


class _Transferred(Exception):
    """The data went out; what follows decides between sent and unknown."""


class SmtpBatch:
    """One SMTP connection (through yagmail) reused for every message of a batch."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.client: Any = None  # the yagmail client owning the connection

    def close(self) -> None:
        """Say QUIT if the connection still lives; forget it either way."""
        if self.client is not None:
            with suppress(smtplib.SMTPException, OSError):
                self.client.close()
        self.client = None

    def deliver(self, msg: EmailMessage) -> Delivery:
        """One SMTP transaction; a failure that breaks the connection closes it."""
        mid = message_id(msg)
        try:
            if self.client is None:
                self.client = self.transport.connect()
            outcome = _transaction(self.client.smtp, msg, self.transport.mail_from)
        except _Transferred as exc:
            self._drop()
            outcome = Delivery("unknown", None, self._describe(exc.__cause__ or exc))
        except smtplib.SMTPResponseException as exc:  # refused at connect or login: our side
            self._drop()
            outcome = Delivery("failed", exc.smtp_code, self._describe(exc))
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            outcome = Delivery("failed", None, self._describe(exc))
        log.info("%s via %s:%s: %s %s", mid, self.transport.host, self.transport.port,
                 outcome.status, outcome.code or "")
        return outcome

    def _drop(self) -> None:
        """Forget a connection a failure broke, without waiting for a QUIT reply."""
        client, self.client = self.client, None
        if client is not None:
            client.is_closed = True  # yagmail's own flag: its __del__ must not QUIT again
            with suppress(OSError):
                client.smtp.close()

    def _describe(self, exc: BaseException) -> str:
        return self.transport.describe(exc)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _by_code(code: int, reply: bytes | str, recipient: str = "") -> Delivery:
    """A refusal as a Delivery: 5xx is permanent (bounced), anything else temporary."""
    status: Status = "bounced" if code >= 500 else "failed"
    return Delivery(status, code, _text(reply), recipient)


def _envelope(msg: EmailMessage, mail_from: str) -> tuple[str, list[str], list[str]]:
    """Sender, recipients (To, Cc, Bcc) and MAIL options, as smtplib's send_message finds them."""
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
    recipients = [address for _, address in getaddresses(fields) if address]
    sender = getaddresses([mail_from])[0][1] or mail_from
    wide = any(not a.isascii() for a in [sender, *recipients])
    return sender, recipients, (["SMTPUTF8", "BODY=8BITMIME"] if wide else [])


def _transaction(connection: Any, msg: EmailMessage, mail_from: str) -> Delivery:
    """MAIL, RCPT, DATA, the data and its reply; raises _Transferred after the data went out."""
    sender, recipients, options = _envelope(msg, mail_from)
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender, options)
    if code != 250:  # the sender refused: a setting to fix, not the customer's address
        connection.rset()
        return Delivery("failed", code, _text(reply))
    refused = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        connection.rset()
        recipient, (code, reply) = (next(iter(refused.items())) if refused
                                    else ("", (554, b"no recipient")))
        return _by_code(code, reply, recipient)
    return _data(connection, msg, refused)


def _data(connection: Any, msg: EmailMessage, refused: dict[str, tuple[int, bytes]]) -> Delivery:
    code, reply = connection.docmd("DATA")
    if code != 354:
        connection.rset()
        return _by_code(code, reply)
    del msg["Bcc"]
    content = _LEADING_DOT.sub(b"..", msg.as_bytes(policy=policy.SMTP))
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    connection.send(content + b".\r\n")
    try:
        code, reply = connection.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        raise _Transferred() from exc
    if code != 250:
        return _by_code(code, reply)
    if refused:  # delivered to some: the rest is a person's matter, not a resend
        recipient, (rcode, rreply) = next(iter(refused.items()))
        return Delivery("sent", 250, f"refused {recipient}: {rcode} {_text(rreply)}", recipient)
    return Delivery("sent", code, _text(reply))


@contextmanager
def open_batch(transport: Any) -> Iterator[Batch]:
    """A batch on the transport: one SMTP connection, or the file outbox."""
    if isinstance(transport, SmtpTransport):
        batch = SmtpBatch(transport)
        try:
            yield batch
        finally:
            batch.close()
    elif isinstance(transport, FileOutbox):
        yield _FileBatch(transport)
    else:
        yield _Generic(transport)


class _Generic:
    """Any other transport with `send(msg)`: an exception is a temporary failure."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport

    def deliver(self, msg: EmailMessage) -> Delivery:
        try:
            self.transport.send(msg)
        except Exception as exc:  # noqa: BLE001 - an unknown transport's failure is recorded
            return Delivery("failed", None, type(exc).__name__)
        return Delivery("sent")
