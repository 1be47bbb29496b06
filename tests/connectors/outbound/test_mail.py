"""Mail: message building, the file outbox, and SMTP delivery against a real aiosmtpd server."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from dunwell.connectors.outbound.mail import (
    Attachment,
    FileOutbox,
    InlineImage,
    SmtpTransport,
    build_email,
    clean_header,
)
from dunwell.errors import DeliveryError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Sink:
    """An SMTP handler that answers 451 to the first `refuse` messages, then keeps them."""

    def __init__(self, refuse: int = 0, code: str = "451 4.3.0 try again later") -> None:
        self.refuse, self.code, self.attempts = refuse, code, 0
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.attempts += 1
        if self.attempts <= self.refuse:
            return self.code
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server on 127.0.0.1 and its handler."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


def _message(**overrides) -> EmailMessage:
    args = {
        "subject": "Report",
        "sender": "dunwell <ar@example.com>",
        "to": ["cfo@example.com"],
        "text": "plain",
        "html": '<p>hi <img src="cid:chart@x"></p>',
        "inline_images": [InlineImage("chart@x", PNG, "image/png", "chart.png")],
        "attachments": [Attachment("a.csv", b"x,y\n1,2\n")],
        "domain": "example.com",
    }
    return build_email(**{**args, **overrides})


def test_build_email_nests_text_html_inline_image_and_attachment():
    msg = message_from_bytes(_message().as_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    types = [p.get_content_type() for p in msg.walk()]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/csv",
    ]
    image = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<chart@x>" and image.get_content() == PNG
    assert msg["Message-ID"].endswith("@example.com>")


def test_header_values_cannot_inject_headers():
    msg = _message(
        subject="Hello\r\nBcc: victim@example.com",
        to=["a@example.com\nBcc: b@x"],
        headers={"X-Run": "1\r\nX-Evil: yes"},
    )
    raw = msg.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert parsed["Subject"] == "Hello Bcc: victim@example.com"
    assert clean_header("2\u202f661,95\u00a0€\u2028X-Evil: 1") == "2\u202f661,95\u00a0€ X-Evil: 1"
    with pytest.raises(ValueError, match="header name"):
        _message(headers={"X-Bad\r\nBcc": "x"})


def test_right_to_left_overrides_never_reach_a_header():
    msg = _message(headers={"To": "Evil\u202eCod.exe <a@example.com>"},
                   subject="Invoice \u2067due\u2069 \u200fnow")
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["To"] == "\"EvilCod.exe\" <a@example.com>"
    assert parsed["Subject"] == "Invoice due now"


def test_given_headers_replace_the_built_ones():
    msg = _message(
        headers={
            "Message-Id": "<dun-1@example.com>",
            "To": "Ann <ann@example.com>",
            "Auto-Submitted": "auto-generated",
        }
    )
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed.get_all("Message-ID") == ["<dun-1@example.com>"]
    assert parsed.get_all("To") == ["Ann <ann@example.com>"]
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_file_outbox_writes_an_eml_named_by_its_message_id(tmp_path):
    msg = _message(headers={"Message-ID": "<a/b..c@example.com>"})
    mid = FileOutbox(tmp_path / "outbox").send(msg)
    assert mid == "<a/b..c@example.com>"
    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == ["a_b..c@example.com.eml"]
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and message_from_bytes(raw, policy=policy.default)["Subject"] == "Report"


def test_smtp_transport_delivers_to_a_real_server(smtp):
    sink, port = smtp
    transport = SmtpTransport("127.0.0.1", port, mail_from="Receivables <ar@example.com>")
    mid = transport.send(_message(to=["cfo@example.com", "ap@example.com"]))
    [(mail_from, rcpts, content)] = sink.messages
    assert (mail_from, rcpts) == ("ar@example.com", ["cfo@example.com", "ap@example.com"])
    assert message_from_bytes(content, policy=policy.default)["Message-ID"] == mid


def test_a_refused_send_is_retried_with_exponential_backoff(smtp):
    sink, port = smtp
    sink.refuse = 2
    delays: list[float] = []
    transport = SmtpTransport("127.0.0.1", port, attempts=3, backoff=0.01, sleep=delays.append)
    transport.send(_message())
    assert sink.attempts == 3 and len(sink.messages) == 1
    assert delays == [0.01, 0.02]


def test_delivery_error_after_the_last_attempt_never_shows_the_password(smtp, caplog):
    sink, port = smtp
    sink.refuse = 99
    transport = SmtpTransport(
        "127.0.0.1",
        port,
        user="ar@example.com",
        password="s3cret-pw",
        attempts=3,
        backoff=0.0,
        sleep=lambda s: None,
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as info:
        transport.send(_message())
    assert "after 3 attempt(s)" in str(info.value)
    assert info.value.__suppress_context__
    assert "s3cret-pw" not in str(info.value) and "s3cret-pw" not in caplog.text
    assert "s3cret-pw" not in repr(transport)


def test_a_permanent_refusal_is_not_retried(smtp):
    sink, port = smtp
    sink.refuse, sink.code = 99, "550 5.1.1 no such user"
    transport = SmtpTransport("127.0.0.1", port, attempts=5, backoff=0.0, sleep=lambda s: None)
    with pytest.raises(DeliveryError, match="550"):
        transport.send(_message())
    assert sink.attempts == 1


def test_nothing_listening_is_a_delivery_error():
    transport = SmtpTransport(
        "127.0.0.1", _free_port(), attempts=2, backoff=0.0, sleep=lambda s: None, timeout=2
    )
    with pytest.raises(DeliveryError, match="after 2 attempt"):
        transport.send(_message())


def test_transport_from_settings_reads_the_secret_without_showing_it():
    class Secret:
        def get_secret_value(self) -> str:
            return "pw-123"

    class Settings:
        smtp_host, smtp_port, smtp_user, smtp_password = "mail.example.com", 465, "u", Secret()
        smtp_security, mail_from = "ssl", "ar@example.com"

    transport = SmtpTransport.from_settings(Settings(), attempts=5)
    assert (transport.host, transport.port, transport.security, transport.attempts) == (
        "mail.example.com",
        465,
        "ssl",
        5,
    )
    assert transport.password == "pw-123" and "pw-123" not in repr(transport)
