"""The delivery state machine in the outbox: what a crash, a bounce or a dropped line leaves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage import (
    abandon_sending,
    begin_attempt,
    claim_message,
    close_stale_runs,
    deliveries,
    finish_run,
    mark_bounced,
    mark_failed,
    mark_sent,
    mark_unknown,
    sent_history,
    settle_unknown,
    start_run,
    transaction,
    waiting_for_a_person,
)
from dunwell.connectors.storage.models import CustomerState, OutboxMessage, Run


def _claim(engine: Engine, key: str, run_id: str = "run-1", customer: str = "C1",
           stage: str = "friendly") -> None:
    assert claim_message(engine, key, run_id, customer_id=customer, currency="EUR",
                         stage=stage, invoice_ids=["INV-1"], recipient="ap@example.com")


def _row(engine: Engine, key: str) -> OutboxMessage:
    with Session(engine) as session:
        return session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one()


def test_an_attempt_is_committed_before_sending_and_counted(db_engine: Engine) -> None:
    _claim(db_engine, "k1")
    assert begin_attempt(db_engine, "k1", "<k1@x>")
    row = _row(db_engine, "k1")
    assert (row.status, row.attempts, row.message_id) == ("sending", 1, "<k1@x>")
    assert row.attempted_at is not None
    mark_sent(db_engine, "k1", "<k1@x>", code=250)
    assert (_row(db_engine, "k1").status, _row(db_engine, "k1").smtp_code) == ("sent", 250)


def test_a_temporary_failure_keeps_code_and_text_and_is_sent_by_a_later_run(
        db_engine: Engine) -> None:
    _claim(db_engine, "k2")
    begin_attempt(db_engine, "k2", "<k2@x>")
    mark_failed(db_engine, "k2", "451 4.2.0 greylisted", code=451)
    row = _row(db_engine, "k2")
    assert (row.status, row.smtp_code, row.detail) == ("failed", 451, "451 4.2.0 greylisted")
    assert sent_history(db_engine).empty  # escalation counts only what was delivered
    assert claim_message(db_engine, "k2", "run-2")
    assert begin_attempt(db_engine, "k2", "<k2@x>")
    assert _row(db_engine, "k2").attempts == 2


def test_a_bounce_keeps_code_and_recipient_and_pauses_the_customer(db_engine: Engine) -> None:
    _claim(db_engine, "k3", customer="C7")
    begin_attempt(db_engine, "k3", "<k3@x>")
    mark_bounced(db_engine, "k3", "5.1.1 no such user", 550, "ap@example.com")
    row = _row(db_engine, "k3")
    assert (row.status, row.smtp_code) == ("bounced", 550)
    assert "ap@example.com" in row.detail
    assert not claim_message(db_engine, "k3", "run-2")
    with Session(db_engine) as session:
        state = session.get(CustomerState, "C7")
    assert state is not None and state.paused and "bounced (550 ap@example.com)" in state.notes
    listed = waiting_for_a_person(db_engine)
    assert listed[["key", "status", "smtp_code"]].values.tolist() == [["k3", "bounced", 550]]


def test_a_crash_while_sending_leaves_unknown_never_resent(db_engine: Engine) -> None:
    _claim(db_engine, "k4")
    _claim(db_engine, "k5")
    begin_attempt(db_engine, "k4", "<k4@x>")  # then the process was killed
    assert abandon_sending(db_engine) == 1
    assert _row(db_engine, "k4").status == "unknown" and _row(db_engine, "k5").status == "planned"
    assert not claim_message(db_engine, "k4", "run-2")
    assert not begin_attempt(db_engine, "k4", "<k4@x>")
    assert waiting_for_a_person(db_engine)["key"].tolist() == ["k4"]


@pytest.mark.parametrize(("delivered", "status", "again"), [(True, "sent", False),
                                                            (False, "failed", True)])
def test_a_person_settles_an_unknown_delivery(db_engine: Engine, delivered: bool, status: str,
                                              again: bool) -> None:
    run_moment = datetime(2026, 12, 14, 9, tzinfo=UTC)
    _claim(db_engine, "k6")
    begin_attempt(db_engine, "k6", "<k6@x>", run_moment)
    mark_unknown(db_engine, "k6", "SMTPServerDisconnected after the data")
    settle_unknown(db_engine, "k6", delivered)
    assert _row(db_engine, "k6").status == status
    if delivered:  # it counts on the day its run dunned, not the day a person looked
        assert _row(db_engine, "k6").sent_at == run_moment
        assert sent_history(db_engine)["sent_at"].tolist() == [run_moment]
    assert claim_message(db_engine, "k6", "run-2") is again
    with pytest.raises(LookupError):
        settle_unknown(db_engine, "k6", delivered)


def test_deliveries_count_a_runs_emails_by_stage_and_status(db_engine: Engine) -> None:
    for key, stage in (("a", "friendly"), ("b", "friendly"), ("c", "firm"), ("d", "firm")):
        _claim(db_engine, key, stage=stage, customer=key)
    begin_attempt(db_engine, "a", "<a@x>")
    mark_sent(db_engine, "a", "<a@x>")
    begin_attempt(db_engine, "c", "<c@x>")
    mark_failed(db_engine, "c", "421", 421)
    assert deliveries(db_engine, "run-1") == {"friendly": {"sent": 1, "planned": 1},
                                              "firm": {"failed": 1, "planned": 1}}
    assert deliveries(db_engine, "run-2") == {}


def test_a_run_left_running_is_closed_by_the_next_one(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        start_run(session, "dunning", run_id="dead")
        start_run(session, "dunning", run_id="done")
        finish_run(session, "done", "succeeded")
    with transaction(db_engine) as session:
        assert close_stale_runs(session, current="now") == ["dead"]
    with Session(db_engine) as session:
        dead, done = session.get(Run, "dead"), session.get(Run, "done")
        assert dead.status == "failed" and dead.finished_at is not None
        assert "stopped before finishing" in dead.summary["notes"][0]
        assert done.status == "succeeded"


def test_a_sent_message_keeps_the_servers_queue_id(db_engine: Engine) -> None:
    """The 250 reply names the server's queue id: kept, so the mail log can be searched by
    it; an unknown delivery never got that reply, so it has only its Message-ID."""
    from dunwell.connectors.outbound.delivery import open_batch
    from dunwell.connectors.outbound.mail import SmtpTransport, build_email
    from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp

    server = FaultySmtp(faults={"gone@example.com": Fault("drop_after_data")})
    _claim(db_engine, "q1")
    _claim(db_engine, "q2")
    with faulty_smtp(server) as (_, port), open_batch(
            SmtpTransport("127.0.0.1", port, mail_from="ar@example.com", timeout=2)) as batch:
        sent = batch.deliver(build_email("s", "ar@example.com", ["ann@example.com"], "t",
                                         headers={"Message-ID": "<q1@x>"}))
        lost = batch.deliver(build_email("s", "ar@example.com", ["gone@example.com"], "t",
                                         headers={"Message-ID": "<q2@x>"}))
    assert (sent.status, lost.status) == ("sent", "unknown")
    mark_sent(db_engine, "q1", "<q1@x>", code=sent.code, detail=sent.detail)
    mark_unknown(db_engine, "q2", lost.detail)
    assert _row(db_engine, "q1").detail == "2.0.0 Ok: queued as Q000001"
    assert "queued as" not in (_row(db_engine, "q2").detail or "")
