"""A real SMTP server (aiosmtpd) that misbehaves on demand, for delivery tests.

`FaultySmtp` keeps every message it accepted and can, per recipient or for
every message: answer a code at RCPT or at DATA (4xx, 5xx), wait before
answering, drop the connection before DATA, drop it after the data arrived
but before the 250 reply, or hang. Optionally it requires AUTH LOGIN/PLAIN
and records the login names used.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# what a fault does; "code" faults take the SMTP reply line in `reply`
FAULTS = ("rcpt_code", "data_code", "delay", "drop_before_data", "drop_after_data", "hang")


@dataclass
class Fault:
    """One misbehaviour: `kind` from FAULTS, a reply line for codes, seconds for delay/hang."""

    kind: str
    reply: str = ""
    seconds: float = 0.0
    times: int = 1_000_000  # how many messages it hits before the server behaves again


@dataclass
class FaultySmtp:
    """The handler: accepted messages, faults by recipient (or "*"), logins seen."""

    faults: dict[str, Fault] = field(default_factory=dict)
    accepted: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    transferred_then_dropped: list[bytes] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    peers: list[object] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    transactions: int = 0  # MAIL commands seen
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _fault(self, recipients: list[str], kinds: tuple[str, ...]) -> Fault | None:
        for who in [*recipients, "*"]:
            fault = self.faults.get(who)
            if fault and fault.kind in kinds and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        """Count every transaction started, delivered or not."""
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        with self.lock:
            self.transactions += 1
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        fault = self._fault([address], ("rcpt_code", "drop_before_data"))
        if fault and fault.kind == "drop_before_data":
            server.transport.close()
            return "421 closing"
        if fault:
            return fault.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        fault = self._fault(list(envelope.rcpt_tos),
                            ("data_code", "delay", "drop_after_data", "hang"))
        if fault and fault.kind == "data_code":
            return fault.reply
        if fault and fault.kind in ("delay", "hang"):
            await asyncio.sleep(fault.seconds)
            if fault.kind == "hang":
                return "451 too late"
        if fault and fault.kind == "drop_after_data":
            with self.lock:
                self.transferred_then_dropped.append(envelope.content)
            server.transport.close()
            return "421 closing"
        with self.lock:
            self.accepted.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            self.peers.append(session.peer)
            queue_id = f"Q{len(self.accepted):06d}"
        return f"250 2.0.0 Ok: queued as {queue_id}"  # as Postfix answers

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        """Accept the configured user names and passwords; remember every name tried."""
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        self.logins.append(login)
        ok = self.users.get(login) == auth_data.password.decode()
        return AuthResult(success=ok, handled=False)

    def headers(self, name: str) -> list[str]:
        """One header of every accepted message, in the order they arrived."""
        with self.lock:
            raw = [content for _, _, content in self.accepted]
        return [str(message_from_bytes(r, policy=policy.default)[name]).strip() for r in raw]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def faulty_smtp(handler: FaultySmtp | None = None, *, auth: bool = False
                ) -> Iterator[tuple[FaultySmtp, int]]:
    """Run the handler on 127.0.0.1; with `auth`, AUTH is required (over plain text here)."""
    handler = handler or FaultySmtp()
    extra = {"authenticator": handler.authenticate, "auth_required": True,
             "auth_require_tls": False} if auth else {}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            ready_timeout=10, **extra)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()
