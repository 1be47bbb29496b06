"""`dunwell review accept --difference`, `review park`/`unpark` and `unmatched mark`/`unmark`:
the shell's side of the workbench's decisions, through the same service layer."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from dunwell.connectors import storage
from dunwell.connectors.storage.models import AuditEntry, DiscrepancyRow, Invoice, PaymentMark
from tests.web.seed import seed


def _seeded(workdir):
    engine = storage.open_db(f"sqlite:///{workdir.db}")
    seed(engine)
    return engine


def _actions(engine) -> list[tuple[str, str, str]]:
    with storage.transaction(engine) as session:
        return [tuple(r) for r in session.execute(
            select(AuditEntry.via, AuditEntry.action, AuditEntry.subject)
            .where(AuditEntry.action != "user.add").order_by(AuditEntry.id))]


def test_accepting_with_a_difference_in_the_shell_books_the_fee(cli, workdir):
    engine = _seeded(workdir)
    with storage.transaction(engine) as session:
        session.execute(update(Invoice).where(Invoice.invoice_id == "INV-1").values(
            open_amount=Decimal("102.00")))
    outcome = cli("review", "accept", "T-1", "INV-1", "--difference", "bank_fee",
                  "--note", "bank kept 2.00")
    assert outcome.exit_code == 0, outcome
    assert "the difference booked as bank_fee" in outcome.stdout
    with storage.transaction(engine) as session:
        fee = session.execute(select(DiscrepancyRow.kind, DiscrepancyRow.amount).where(
            DiscrepancyRow.transaction_id == "T-1")).one()
    assert tuple(fee) == ("bank_fee", Decimal("2.00"))
    assert _actions(engine) == [("cli", "review.accept", "T-1")]


def test_an_unknown_difference_kind_is_one_line_and_exit_2(cli, workdir):
    _seeded(workdir)
    outcome = cli("review", "accept", "T-1", "INV-1", "--difference", "rounding")
    assert outcome.exit_code == 2, outcome
    assert "'rounding' is not one of bank_fee, early_payment_discount, short_payment" in (
        outcome.stderr)
    assert "Traceback" not in outcome.stderr


def test_park_and_unpark_in_the_shell(cli, workdir):
    engine = _seeded(workdir)
    assert cli("review", "park", "T-2", "--note", "asked Acme").exit_code == 0
    with storage.transaction(engine) as session:
        assert session.get(PaymentMark, "T-2").note == "asked Acme"
    assert cli("review", "unpark", "T-2").exit_code == 0
    assert _actions(engine) == [("cli", "review.park", "T-2"), ("cli", "review.unpark", "T-2")]


def test_unmatched_money_is_marked_and_unmarked_in_the_shell(cli, workdir):
    engine = _seeded(workdir)
    outcome = cli("unmatched", "mark", "T-4", "unrelated", "--note", "bank interest")
    assert (outcome.exit_code, outcome.stdout.strip()) == (0, "T-4 marked unrelated"), outcome
    refused = cli("unmatched", "mark", "T-1", "refund", "--note", "waits in review")
    assert refused.exit_code == 2, refused
    assert cli("unmatched", "unmark", "T-4").exit_code == 0
    assert _actions(engine) == [("cli", "payment.unrelated", "T-4"),
                                ("cli", "payment.unmark", "T-4")]


def test_a_parked_payment_leaves_the_shells_review_list_until_unparked(cli, workdir):
    _seeded(workdir)
    before = cli("review", "list")
    assert before.exit_code == 0, before
    assert "\nT-2  " in before.stdout and "parked" not in before.stdout
    waiting = int(before.stdout.split(" payments wait")[0].split()[-1])
    assert cli("review", "park", "T-2", "--note", "asked Acme").exit_code == 0
    after = cli("review", "list")
    assert "\nT-2  " not in after.stdout
    assert f"{waiting - 1} payments wait for a person" in after.stdout
    assert "1 more parked with a note: dunwell review list --parked" in after.stdout
    parked = cli("review", "list", "--parked")
    assert "1 payments are parked with a note" in parked.stdout and "\nT-2  " in parked.stdout
    assert cli("review", "unpark", "T-2").exit_code == 0
    assert "\nT-2  " in cli("review", "list").stdout
