"""`dunwell delivery list|settle`: what a person does with bounced and unknown emails."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage import (
    RUN_LOCK,
    begin_attempt,
    claim_message,
    mark_bounced,
    mark_unknown,
    open_db,
    run_lock,
    start_run,
    transaction,
)
from dunwell.connectors.storage.models import OutboxMessage


def _outbox(workdir) -> None:  # noqa: ANN001
    engine = open_db(f"sqlite:///{workdir.db}")
    for key, customer in (("k-unknown", "C1"), ("k-bounced", "C2")):
        claim_message(engine, key, "run-1", customer_id=customer, currency="EUR",
                      stage="friendly", invoice_ids=["INV-1"], recipient=f"{customer}@x.example")
        begin_attempt(engine, key, f"<{key}@dunwell.local>")
    mark_unknown(engine, "k-unknown", "SMTPServerDisconnected after the data")
    mark_bounced(engine, "k-bounced", "5.1.1 no such user", 550, "C2@x.example")
    engine.dispose()


def _status(workdir, key: str) -> str:  # noqa: ANN001
    engine = open_db(f"sqlite:///{workdir.db}")
    try:
        with Session(engine) as session:
            return session.execute(select(OutboxMessage.status)
                                   .where(OutboxMessage.key == key)).scalar_one()
    finally:
        engine.dispose()


def test_list_shows_bounced_and_unknown_with_what_to_do(cli, workdir):
    _outbox(workdir)
    outcome = cli("delivery", "list")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert "2 deliveries wait for a person" in outcome.stdout
    assert "bounced 550  C2  friendly  to C2@x.example" in outcome.stdout
    assert "Message-ID <k-unknown@dunwell.local>: SMTPServerDisconnected" in outcome.stdout
    assert "dunwell delivery settle MESSAGE-ID --delivered" in outcome.stdout


def test_settle_by_message_id_records_the_answer_once(cli, workdir):
    _outbox(workdir)
    outcome = cli("delivery", "settle", "<k-unknown@dunwell.local>", "--not-delivered")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert _status(workdir, "k-unknown") == "failed"  # the next run sends it again
    again = cli("delivery", "settle", "<k-unknown@dunwell.local>", "--delivered")
    assert again.exit_code == 2 and "Traceback" not in again.stderr
    assert "whose delivery is unknown" in again.stderr
    bounced = cli("delivery", "settle", "k-bounced", "--delivered")
    assert bounced.exit_code == 2 and _status(workdir, "k-bounced") == "bounced"


def _crashed_while_sending(workdir) -> None:  # noqa: ANN001
    """What `kill -9` during an SMTP transaction leaves: a run `running`, a row `sending`."""
    engine = open_db(f"sqlite:///{workdir.db}")
    with transaction(engine) as session:
        start_run(session, "dunning", "2026-12-07", run_id="run-dead")
    claim_message(engine, "k-flight", "run-dead", customer_id="C3", currency="EUR",
                  stage="friendly", invoice_ids=["INV-3"], recipient="C3@x.example")
    begin_attempt(engine, "k-flight", "<k-flight@dunwell.local>")
    engine.dispose()


def test_list_right_after_a_crash_shows_what_the_dead_run_was_sending(cli, workdir):
    _crashed_while_sending(workdir)
    outcome = cli("delivery", "list")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert ("an earlier run stopped before finishing: 1 run record(s) closed as failed, "
            "1 message(s) it was sending marked unknown") in outcome.stdout
    assert "1 deliveries wait for a person" in outcome.stdout
    assert "Message-ID <k-flight@dunwell.local>" in outcome.stdout
    assert _status(workdir, "k-flight") == "unknown"
    settled = cli("delivery", "settle", "<k-flight@dunwell.local>", "--not-delivered")
    assert settled.exit_code == 0, settled.stdout + settled.stderr
    assert _status(workdir, "k-flight") == "failed"  # the next run sends it


def test_settle_right_after_a_crash_takes_the_message_id_from_the_mail_log(cli, workdir):
    _crashed_while_sending(workdir)
    outcome = cli("delivery", "settle", "<k-flight@dunwell.local>", "--delivered")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert _status(workdir, "k-flight") == "sent"


def test_list_while_a_run_is_sending_leaves_its_messages_in_flight(cli, workdir):
    _crashed_while_sending(workdir)
    engine = open_db(f"sqlite:///{workdir.db}")
    try:
        with run_lock(engine, RUN_LOCK):  # a live run (this process) holds the lock
            outcome = cli("delivery", "list")
            refused = cli("delivery", "settle", "<k-flight@dunwell.local>", "--delivered")
    finally:
        engine.dispose()
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert "a run is going on" in outcome.stdout
    assert "0 deliveries wait for a person" in outcome.stdout
    assert refused.exit_code == 2 and "whose delivery is unknown" in refused.stderr
    assert _status(workdir, "k-flight") == "sending"
