"""The dunning outbox: a message key is claimed once, even by two runs at the same moment."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dunwell.connectors.storage import (
    begin_attempt,
    claim_message,
    mark_failed,
    mark_sent,
    record_bounce,
    sent_history,
    transaction,
)


@dataclass(frozen=True)
class Message:
    """The attributes claim_message reads from a planned message."""

    key: str
    customer_id: str = "C1"
    currency: str = "EUR"
    stage: str = "friendly"
    channel: str = "email"
    language: str = "de"
    template: str = "friendly"
    recipient: str = "ap@example.com"
    invoice_ids: tuple[str, ...] = ("INV-1", "INV-2")
    facts: dict[str, object] = field(default_factory=lambda: {"days_past_due": 9})


def test_a_key_is_claimed_again_until_its_delivery_is_attempted(db_engine: Engine) -> None:
    assert claim_message(db_engine, Message("k1"), "run-1")
    assert sent_history(db_engine).empty  # planned: nothing reached the customer
    assert claim_message(db_engine, Message("k1"), "run-2")  # a killed run's plan resumes
    assert begin_attempt(db_engine, "k1", "<k1@dunwell>")
    assert not begin_attempt(db_engine, "k1", "<k1@dunwell>")
    assert not claim_message(db_engine, Message("k1"), "run-3")
    history = sent_history(db_engine)
    assert history[["customer_id", "stage", "invoice_ids", "key", "status"]].values.tolist() == [
        ["C1", "friendly", "INV-1 INV-2", "k1", "sending"]]


def test_a_claim_by_key_and_keywords_works_in_the_callers_transaction(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        assert claim_message(session, "k2", "run-1", customer_id="C2", currency="USD",
                             stage="firm", invoice_ids=["INV-9"], reason="overdue")
        mark_sent(session, "k2", "<abc@dunwell>", datetime(2026, 11, 20, 9, tzinfo=UTC))
    history = sent_history(db_engine)
    row = history.iloc[0]
    assert (row["customer_id"], row["currency"], row["invoice_ids"]) == ("C2", "USD", "INV-9")
    assert row["sent_at"] == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert row["status"] == "sent"


def test_a_claim_rolled_back_with_its_transaction_leaves_the_key_free(db_engine: Engine) -> None:
    try:
        with transaction(db_engine) as session:
            assert claim_message(session, Message("k3"), "run-1")
            raise RuntimeError("the run died")
    except RuntimeError:
        pass
    assert claim_message(db_engine, Message("k3"), "run-2")


def test_a_failed_send_can_be_claimed_again_but_a_sent_one_never(db_engine: Engine) -> None:
    claim_message(db_engine, Message("k4"), "run-1")
    mark_failed(db_engine, "k4", "SMTPServerDisconnected")
    assert sent_history(db_engine).empty
    assert claim_message(db_engine, Message("k4"), "run-2")
    mark_sent(db_engine, "k4", "<k4@dunwell>")
    assert not claim_message(db_engine, Message("k4"), "run-3")


def test_a_bounce_is_recorded_against_the_message_id(db_engine: Engine) -> None:
    claim_message(db_engine, Message("k5"), "run-1")
    mark_sent(db_engine, "k5", "<k5@dunwell>")
    assert record_bounce(db_engine, "<k5@dunwell>", "550 mailbox unknown")
    assert not record_bounce(db_engine, "<nope@dunwell>")
    assert sent_history(db_engine)["status"].tolist() == ["bounced"]


def test_two_concurrent_runs_claim_a_key_exactly_once(db_engine: Engine) -> None:
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def run(run_id: str) -> None:
        try:
            with Session(db_engine) as session, session.begin():
                barrier.wait()
                claimed = claim_message(session, Message("same-key"), run_id)
                time.sleep(0.3)  # hold the transaction open while the other run tries
                if claimed:
                    mark_sent(session, "same-key", f"<{run_id}@dunwell>")
            results.append(claimed)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"run-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(sent_history(db_engine)) == 1


CLAIM_IN_CHILD = """
import sys, time
from sqlalchemy.orm import Session
from dunwell.connectors.storage import claim_message, create_db_engine, mark_sent
engine = create_db_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with Session(engine) as session, session.begin():
    claimed = claim_message(session, "proc-key", sys.argv[3], customer_id="C1",
                            currency="EUR", stage="firm", invoice_ids=["INV-1"])
    time.sleep(0.5)
    if claimed:
        mark_sent(session, "proc-key", "<" + sys.argv[3] + "@dunwell>")
sys.exit(0 if claimed else 3)
"""


def test_two_processes_claim_a_key_exactly_once(db_url: str, db_engine: Engine) -> None:
    start = str(time.time() + 3)
    children = [subprocess.Popen([sys.executable, "-c", CLAIM_IN_CHILD, db_url, start, f"p{i}"])
                for i in range(2)]
    codes = sorted(child.wait(timeout=120) for child in children)
    assert codes == [0, 3]
    assert sent_history(db_engine)["status"].tolist() == ["sent"]
