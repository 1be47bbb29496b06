"""`dunwell delivery list|settle`: what a person does with bounced and unknown emails."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage import (
    begin_attempt,
    claim_message,
    mark_bounced,
    mark_unknown,
    open_db,
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
