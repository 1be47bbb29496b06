"""Mail: a one-method port (`Transport.send`) with an outbox adapter and an SMTP adapter.

`build_email` assembles the message both the controller report and dunning
send: text, HTML with inline (CID) images, attachments, and headers cleaned
of CR/LF so that no value can inject a header. `FileOutbox` writes RFC 5322
`.eml` files; `SmtpTransport` delivers over SMTP through yagmail's connection
with retries and exponential backoff, then raises `DeliveryError`. Dunning
sends in batches with a precise outcome per message: see `delivery.py`.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal, Protocol

import yagmail

from dunwell.connectors.storage.files import write_atomic
from dunwell.errors import DeliveryError

log = logging.getLogger(__name__)
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ':' (RFC 5322 ftext)
_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9._@+-]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a message, e.g. discrepancies.csv as text/csv."""

    filename: str
    content: bytes
    mime_type: str = "text/csv"


@dataclass(frozen=True, slots=True)
class InlineImage:
    """An image shown inside the HTML body, referenced there as `cid:<cid>`."""

    cid: str
    content: bytes
    mime_type: str = "image/png"
    filename: str = ""


class Transport(Protocol):
    """Where messages go; returns the Message-ID it delivered (with angle brackets)."""

    def send(self, msg: EmailMessage) -> str: ...


def clean_header(value: str) -> str:
    """A header value on one line: CR, LF, other controls and Unicode line breaks become spaces.

    Bidirectional overrides and isolates (which can make "gpj.exe" read as "exe.jpg"
    in a name) are dropped. Other characters, such as the no-break spaces in
    "2 661,95 €", are kept.
    """
    text = _BIDI.sub("", str(value))
    return re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]+", " ", text).strip(" ")


def build_email(
    subject: str,
    sender: str,
    to: Sequence[str],
    text: str,
    html: str | None = None,
    inline_images: Sequence[InlineImage] = (),
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    domain: str = "dunwell.local",
) -> EmailMessage:
    """A multipart message: text, HTML with related inline images, then attachments.

    `headers` are added, or replace the ones built here (To, From, Message-ID, ...).
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = clean_header(subject)
    msg["From"] = clean_header(sender)
    msg["To"] = ", ".join(clean_header(a) for a in to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"not a valid header name: {name!r}")
        del msg[name]
        msg[name] = clean_header(value)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
        body = list(msg.iter_parts())[1]
        for image in inline_images:
            maintype, subtype = image.mime_type.split("/", 1)
            body.add_related(
                image.content,
                maintype,
                subtype,
                cid=f"<{image.cid}>",
                filename=image.filename or None,
                disposition="inline",
            )
    for item in attachments:
        maintype, subtype = item.mime_type.split("/", 1)
        msg.add_attachment(item.content, maintype, subtype, filename=item.filename)
    return msg


def message_id(msg: EmailMessage) -> str:
    """The message's Message-ID, added first when it has none."""
    if not msg["Message-ID"]:
        msg["Message-ID"] = make_msgid(domain="dunwell.local")
    return str(msg["Message-ID"]).strip()


class FileOutbox:
    """Writes each message as `<message-id>.eml` (RFC 5322, CRLF) into a folder, atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, msg: EmailMessage) -> str:
        """Write the message; a partial file never appears under its final name."""
        mid = message_id(msg)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = _UNSAFE_FILE.sub("_", mid.strip("<>"))[:200] or "message"
        write_atomic(self.directory / f"{name}.eml", msg.as_bytes(policy=policy.SMTP))
        return mid


@dataclass(frozen=True)
class SmtpTransport:
    """Delivers over SMTP through yagmail's connection, retrying transient failures.

    yagmail's own `send()` builds its message from "contents" and cannot take a
    prebuilt EmailMessage with CID images and our Message-ID, so we let
    yagmail open the connection (SSL or STARTTLS, and login, skipped when no
    user is set, as for a local relay) and hand the message to its smtplib
    connection (`yag.smtp.send_message`). 5xx answers are permanent and not
    retried; 4xx answers and network errors are retried with backoff.
    """

    host: str
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    security: Literal["none", "starttls", "ssl"] = "none"
    mail_from: str = "dunwell@localhost"
    attempts: int = 3
    backoff: float = 2.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> SmtpTransport:
        """Build from dunwell settings (smtp_host, smtp_port, ..., `smtp_password` a SecretStr)."""
        secret = settings.smtp_password
        password = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
        fields = {
            "host": str(settings.smtp_host),
            "port": int(settings.smtp_port),
            "user": settings.smtp_user or "",
            "password": password or "",
            "security": settings.smtp_security,
            "mail_from": settings.mail_from,
            "timeout": float(getattr(settings, "smtp_timeout", cls.timeout)),
        }
        return cls(**{**fields, **overrides})

    def send(self, msg: EmailMessage) -> str:
        """Deliver one message; raises DeliveryError after the last failed attempt."""
        mid = message_id(msg)
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                self._deliver(msg)
                log.info("sent %s via %s:%s", mid, self.host, self.port)
                return mid
            except (smtplib.SMTPException, OSError) as exc:
                last = self.describe(exc)
                if _is_permanent(exc) or attempt == self.attempts:
                    break
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning(
                    "attempt %d to send %s failed (%s); retrying in %.1fs",
                    attempt,
                    mid,
                    last,
                    delay,
                )
                self.sleep(delay)
        raise DeliveryError(
            f"could not deliver {mid} via {self.host}:{self.port} "
            f"after {attempt} attempt(s): {last}"
        ) from None

    def connect(self) -> Any:
        """An open, logged-in yagmail client (its smtplib connection is `.smtp`), with our
        socket timeout. Keep the client while using the connection: yagmail closes it when
        the client is garbage-collected.

        yagmail appends "@gmail.com" to a login name without "@"; given as a one-entry
        mapping {login: alias} (yagmail's own form), the name goes through unchanged,
        so relays with logins such as `mailer` or `apikey` work.
        """
        login = {self.user: self.mail_from} if self.user else self.mail_from
        yag = yagmail.SMTP(
            user=login,
            password=self.password,
            host=self.host,
            port=self.port,
            smtp_ssl=self.security == "ssl",
            smtp_starttls=self.security == "starttls",
            smtp_skip_login=not self.user,
            soft_email_validation=False,
            timeout=self.timeout,
        )
        yag.set_logging(None)
        try:
            yag.login()
        except BaseException:
            with suppress(smtplib.SMTPException, OSError):
                yag.close()
            raise
        return yag

    def _deliver(self, msg: EmailMessage) -> None:
        client = self.connect()
        try:
            client.smtp.send_message(msg, from_addr=self.mail_from)
        finally:
            with suppress(smtplib.SMTPException, OSError):
                client.close()

    def describe(self, exc: BaseException) -> str:
        """The failure as one line, with the password scrubbed should a server echo it."""
        text = f"{type(exc).__name__}: {exc}"
        return text.replace(self.password, "***") if self.password else text


def _is_permanent(exc: BaseException) -> bool:
    """True for 5xx answers (bad address, auth refused), which a retry cannot fix."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def sender_domain(sender: str, fallback: str = "localhost") -> str:
    """The domain of a From address (`Name <ar@example.com>` -> example.com), for Message-IDs
    that name the sender's own domain, as receiving servers expect."""
    _name, address = parseaddr(sender)
    domain = address.rpartition("@")[2].strip().lower()
    return domain or fallback
