"""Delivery outcomes against a real, misbehaving SMTP server: sent, failed, bounced, unknown."""

from __future__ import annotations

import time

import pytest

from dunwell.connectors.outbound.delivery import open_batch
from dunwell.connectors.outbound.mail import FileOutbox, SmtpTransport, build_email
from dunwell.errors import DeliveryError
from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp, free_port


def _mail(to: str = "ann@example.com", n: int = 1):
    return build_email(f"Reminder {n}", "ar@example.com", [to], f"pay invoice {n}\n.\nthanks",
                       headers={"Message-ID": f"<m{n}-{to}@example.com>"})


def _transport(port: int, **kw) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", port, mail_from="Receivables <ar@example.com>",
                         timeout=kw.pop("timeout", 2.0), **kw)


def test_a_batch_sends_every_message_over_one_connection():
    with faulty_smtp() as (server, port), open_batch(_transport(port)) as batch:
        outcomes = [batch.deliver(_mail(n=n)) for n in range(3)]
    assert [o.status for o in outcomes] == ["sent"] * 3
    assert [o.code for o in outcomes] == [250] * 3
    assert len(server.accepted) == 3 and len(set(server.peers)) == 1
    assert server.headers("Subject") == ["Reminder 0", "Reminder 1", "Reminder 2"]
    assert "\n.\n" in server.accepted[0][2].decode().replace("\r\n", "\n")  # dot unstuffed


def test_a_4xx_at_rcpt_is_a_temporary_failure_with_code_and_text():
    server = FaultySmtp(faults={"ann@example.com": Fault("rcpt_code", "451 4.2.0 greylisted")})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port)) as batch:
        outcome = batch.deliver(_mail())
        other = batch.deliver(_mail("bob@example.com"))
    assert (outcome.status, outcome.code) == ("failed", 451)
    assert "greylisted" in outcome.detail
    assert other.status == "sent" and len(server.accepted) == 1


def test_a_5xx_for_one_recipient_is_a_bounce_naming_the_recipient():
    server = FaultySmtp(faults={"gone@example.com": Fault("rcpt_code", "550 5.1.1 no such user")})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port)) as batch:
        outcome = batch.deliver(_mail("gone@example.com"))
        after = batch.deliver(_mail("ann@example.com"))
    assert (outcome.status, outcome.code, outcome.recipient) == (
        "bounced", 550, "gone@example.com")
    assert after.status == "sent"


@pytest.mark.parametrize(("reply", "status"), [("452 4.3.1 full", "failed"),
                                               ("554 5.6.0 rejected", "bounced")])
def test_a_code_after_the_data_is_failed_or_bounced_by_its_class(reply, status):
    server = FaultySmtp(faults={"*": Fault("data_code", reply, times=1)})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port)) as batch:
        outcome = batch.deliver(_mail())
    assert (outcome.status, outcome.code) == (status, int(reply[:3]))


def test_a_connection_dropped_before_data_fails_and_the_next_message_reconnects():
    server = FaultySmtp(faults={"*": Fault("drop_before_data", times=1)})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port)) as batch:
        first = batch.deliver(_mail(n=1))
        second = batch.deliver(_mail(n=2))
    assert first.status == "failed" and second.status == "sent"
    assert server.headers("Subject") == ["Reminder 2"]


def test_a_connection_dropped_after_the_data_is_unknown_not_failed():
    server = FaultySmtp(faults={"*": Fault("drop_after_data", times=1)})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port)) as batch:
        first = batch.deliver(_mail(n=1))
        second = batch.deliver(_mail(n=2))
    assert first.status == "unknown"
    assert len(server.transferred_then_dropped) == 1  # the server did get the message
    assert second.status == "sent"


def test_a_server_that_never_answers_the_data_is_unknown_after_the_timeout():
    server = FaultySmtp(faults={"*": Fault("hang", seconds=4, times=1)})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port, timeout=0.5)) as batch:
        started = time.monotonic()
        outcome = batch.deliver(_mail())
        took = time.monotonic() - started
    assert outcome.status == "unknown"
    assert took < 2.5


def test_a_slow_server_within_the_timeout_still_delivers():
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.3)})
    with faulty_smtp(server) as (_, port), open_batch(_transport(port, timeout=2)) as batch:
        assert batch.deliver(_mail()).status == "sent"


def test_nothing_listening_is_a_temporary_failure():
    with open_batch(_transport(free_port(), timeout=1)) as batch:
        outcome = batch.deliver(_mail())
    assert outcome.status == "failed" and "Connection" in outcome.detail


@pytest.mark.parametrize("login", ["mailer", "apikey"])
def test_the_login_name_reaches_the_server_unchanged(login):
    server = FaultySmtp(users={login: "pw-1"})
    with faulty_smtp(server, auth=True) as (_, port):
        transport = _transport(port, user=login, password="pw-1")
        with open_batch(transport) as batch:
            assert batch.deliver(_mail()).status == "sent"
        transport.send(_mail(n=2))  # the report and alert path logs in the same way
    assert server.logins == [login, login]
    assert len(server.accepted) == 2


def test_a_wrong_password_fails_without_blaming_the_customer_or_naming_the_secret():
    server = FaultySmtp(users={"mailer": "right"})
    with faulty_smtp(server, auth=True) as (_, port):
        transport = _transport(port, user="mailer", password="wrong-pw", attempts=1)
        with open_batch(transport) as batch:
            outcome = batch.deliver(_mail())
        with pytest.raises(DeliveryError) as info:
            transport.send(_mail())
    assert outcome.status == "failed" and outcome.code == 535
    assert "wrong-pw" not in outcome.detail + str(info.value)
    assert server.accepted == []


def test_the_file_outbox_batch_writes_each_message(tmp_path):
    with open_batch(FileOutbox(tmp_path / "outbox")) as batch:
        outcome = batch.deliver(_mail())
    assert outcome.status == "sent" and len(list((tmp_path / "outbox").iterdir())) == 1
