"""The workbench's service layer on a real database: decisions, permissions, the audit log."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from dunwell import access, workbench
from dunwell.connectors import storage
from dunwell.connectors.storage.models import Alias, AuditEntry, Invoice, MatchRow, WebSession
from dunwell.errors import Forbidden, InputError
from tests.web.seed import PASSWORD, actor


def _statuses(engine, transaction_id):
    with storage.transaction(engine) as session:
        rows = session.execute(select(MatchRow.invoice_id, MatchRow.status, MatchRow.applied_amount)
                               .where(MatchRow.transaction_id == transaction_id)).all()
    return {invoice: (status, amount) for invoice, status, amount in rows}


def _pending(engine, invoice_id):
    with storage.transaction(engine) as session:
        return session.get(Invoice, invoice_id).pending_applied


def _audit(engine):
    with storage.transaction(engine) as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_queue_lists_payments_most_confident_first_with_their_best_candidate(desk):
    page = workbench.review_queue(desk, actor("vera"))
    rows, total = page.rows, page.total
    assert total == 3
    assert [(r.transaction_id, r.best_invoice, r.candidates) for r in rows] == [
        ("T-1", "INV-1", 2), ("T-2", "INV-2", 2), ("T-3", "INV-3", 1)]
    assert rows[0].amount == Decimal("100.00") and rows[0].counterparty_name == "ACME GMBH"


def test_queue_search_finds_a_payment_by_its_remittance_text_and_pages(desk):
    page = workbench.review_queue(desk, actor("vera"), text="inv-1 and")
    assert (page.total, [r.transaction_id for r in page.rows]) == (1, ["T-2"])
    first = workbench.review_queue(desk, actor("vera"), limit=1)
    second = workbench.review_queue(desk, actor("vera"), limit=1, after=str(first.after))
    assert (second.total, [r.transaction_id for r in second.rows]) == (3, ["T-2"])
    third = workbench.review_queue(desk, actor("vera"), limit=1, after=str(second.after))
    assert ([r.transaction_id for r in third.rows], third.after) == (["T-3"], None)
    back = workbench.review_queue(desk, actor("vera"), limit=1, before=str(third.before))
    assert [r.transaction_id for r in back.rows] == ["T-2"]
    assert first.before is None and back.before is not None


def test_one_payment_shows_candidates_ranked_and_the_customers_other_open_items(desk):
    payment = workbench.review_payment(desk, actor("vera"), "T-2")
    assert payment.remittance_info == "INV-1 and INV-2"
    assert payment.counterparty_iban == "DE44500105175407324931"
    assert [(c.invoice_id, c.rank) for c in payment.candidates] == [("INV-2", 1), ("INV-1", 2)]
    assert [c.invoice_id for c in payment.other_open] == ["INV-4"]


def test_accepting_books_learns_the_payer_and_records_who_and_why(desk):
    workbench.review_accept(desk, actor("clara"), "T-1", ["INV-1"], why="text names INV-1")
    assert _statuses(desk, "T-1") == {"INV-1": ("booked", Decimal("100.00")),
                                      "INV-9": ("rejected", Decimal("100.00"))}
    assert _pending(desk, "INV-1") == Decimal("100.00")
    with storage.transaction(desk) as session:
        aliases = set(session.execute(select(Alias.customer_id, Alias.kind, Alias.value)).all())
    assert aliases == {("C1", "name", "ACME GMBH"), ("C1", "iban", "DE89370400440532013000")}
    [entry] = _audit(desk)[-1:]
    assert (entry.actor, entry.role, entry.via, entry.action, entry.subject, entry.customer_id,
            entry.why) == ("clara", "clerk", "web", "review.accept", "T-1", "C1",
                           "text names INV-1")


def test_accepting_several_invoices_books_each_what_it_owes(desk):
    workbench.review_accept(desk, actor("clara"), "T-2", ["INV-2", "INV-1"])
    assert _statuses(desk, "T-2") == {"INV-2": ("booked", Decimal("200.00")),
                                      "INV-1": ("booked", Decimal("100.00"))}
    assert (_pending(desk, "INV-2"), _pending(desk, "INV-1")) == (Decimal("200.00"),
                                                                  Decimal("100.00"))
    assert _audit(desk)[-1].detail == "booked to INV-2 (200.00), INV-1 (100.00)"


def test_an_open_item_not_proposed_can_take_the_rest_of_a_payment(desk):
    workbench.review_accept(desk, actor("clara"), "T-2", ["INV-2", "INV-4"])
    statuses = _statuses(desk, "T-2")
    assert statuses["INV-2"] == ("booked", Decimal("200.00"))
    assert statuses["INV-4"] == ("booked", Decimal("80.00"))
    assert statuses["INV-1"][0] == "proposed"  # 20.00 of the payment is still unbooked
    assert _pending(desk, "INV-4") == Decimal("80.00")


@pytest.mark.parametrize("invoices", [["INV-2", "INV-1", "INV-4"], ["INV-2", "INV-404"]])
def test_an_impossible_several_invoice_booking_is_refused_and_nothing_is_booked(desk, invoices):
    before = _statuses(desk, "T-2")
    with pytest.raises(InputError):
        workbench.review_accept(desk, actor("clara"), "T-2", invoices)
    assert _statuses(desk, "T-2") == before
    assert (_pending(desk, "INV-2"), _pending(desk, "INV-1")) == (Decimal(0), Decimal(0))


@pytest.mark.parametrize("name", ["vera"])
def test_a_viewer_may_look_but_not_decide(desk, name):
    with pytest.raises(Forbidden):
        workbench.review_accept(desk, actor(name), "T-1", ["INV-1"])
    with pytest.raises(Forbidden):
        workbench.customer_state(desk, actor(name), "C1", "pause", note="no")
    assert _statuses(desk, "T-1")["INV-1"][0] == "proposed"
    assert [e.action for e in _audit(desk)] == ["user.add"] * 4


def test_pinning_a_segment_needs_a_controller(desk):
    with pytest.raises(Forbidden):
        workbench.customer_state(desk, actor("clara"), "C1", "pin", segment="standard")
    workbench.customer_state(desk, actor("conrad"), "C1", "pin", segment="standard", note="key")
    assert _audit(desk)[-1].action == "customer.pin"


def test_rejecting_keeps_the_other_candidates_waiting(desk):
    workbench.review_reject(desk, actor("clara"), "T-1", "INV-9", why="wrong customer")
    assert _statuses(desk, "T-1") == {"INV-1": ("proposed", Decimal("100.00")),
                                      "INV-9": ("rejected", Decimal("100.00"))}


def test_customer_timeline_shows_disputes_promises_pauses_and_payments(desk):
    clara = actor("clara")
    workbench.review_accept(desk, clara, "T-1", ["INV-1"])
    workbench.invoice_dispute(desk, clara, "INV-2", False, "", "price wrong")
    workbench.invoice_promise(desk, clara, "INV-4", date(2026, 12, 20), "", "on the phone")
    workbench.customer_state(desk, clara, "C1", "pause", note="talking to them")
    view = workbench.customer_view(desk, actor("vera"), "C1")
    assert view.paused
    kinds = {(e.kind, e.invoice_id) for e in view.timeline}
    assert {("payment", "INV-1"), ("dispute", "INV-2"), ("promise", "INV-4"),
            ("invoice", "INV-1"), ("hold", "")} <= kinds


def test_audit_export_needs_a_controller_and_defuses_spreadsheet_formulas(desk):
    workbench.review_reject(desk, actor("clara"), "T-1", "INV-9", why="=HYPERLINK(\"x\")")
    with pytest.raises(Forbidden):
        workbench.audit_csv(desk, actor("clara"))
    rows = list(csv.DictReader(io.StringIO(workbench.audit_csv(desk, actor("conrad")))))
    assert rows[0]["action"] == "review.reject" and rows[0]["why"] == "'=HYPERLINK(\"x\")"
    assert len(rows) == 5


def test_sign_in_needs_the_right_password_and_a_session_expires(desk):
    assert access.sign_in(desk, "clara", "wrong password!") is None
    assert access.sign_in(desk, "nobody", PASSWORD) is None
    cookie, signed = access.sign_in(desk, "clara", PASSWORD)
    assert signed.actor == access.Actor("clara", "clerk")
    assert access.session_of(desk, cookie).csrf_token == signed.csrf_token
    with storage.transaction(desk) as session:
        session.execute(update(WebSession).values(expires_at=WebSession.created_at))
    assert access.session_of(desk, cookie) is None


def test_passwords_are_stored_as_argon2_hashes(desk):
    from dunwell.connectors.storage.models import User

    with storage.transaction(desk) as session:
        stored = session.get(User, "clara").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(("name", "role", "password", "source"), [
    ("eve", "boss", PASSWORD, "--role"), ("e ve", "clerk", PASSWORD, "NAME"),
    ("eve", "clerk", "short", "password")])
def test_a_bad_user_is_refused(desk, name, role, password, source):
    with pytest.raises(InputError) as caught:
        access.add_user(desk, access.cli_actor(), name, role, password)
    assert caught.value.source == source


def test_only_an_admin_adds_users(desk):
    with pytest.raises(Forbidden):
        access.add_user(desk, actor("conrad"), "eve", "admin", PASSWORD)


def test_unmatched_money_is_found_and_booked_by_hand_to_an_invoice_searched_by_amount(desk):
    rows, total, _ = workbench.unmatched(desk, actor("vera"))
    assert (total, [t.transaction_id for t in rows]) == (1, ["T-4"])
    found = workbench.search_open_invoices(desk, actor("vera"), "EUR", amount="79.50",
                                           tolerance="1")
    assert [c.invoice_id for c in found] == ["INV-4"]
    assert [c.invoice_id for c in workbench.search_open_invoices(
        desk, actor("vera"), "EUR", text="borealis")] == ["INV-9"]
    workbench.allocate(desk, actor("clara"), "T-4", ["INV-4"], why="phoned them")
    assert _statuses(desk, "T-4") == {"INV-4": ("booked", Decimal("80.00"))}
    assert workbench.unmatched(desk, actor("vera"))[:2] == ([], 0)
    entry = _audit(desk)[-1]
    assert (entry.action, entry.detail, entry.customer_id) == (
        "payment.allocate", "booked to INV-4 (80.00)", "C1")
    with storage.transaction(desk) as session:
        assert ("C1", "name", "Unknown Payer Ltd") in set(session.execute(
            select(Alias.customer_id, Alias.kind, Alias.value)).all())


@pytest.mark.parametrize(("amount", "tolerance", "text", "source"), [
    ("eighty", "1", "", "amount"), ("80", "-1", "", "tolerance"), ("", "", "", "search"),
    ("NaN", "1", "", "amount")])
def test_a_bad_search_for_open_invoices_says_which_field(desk, amount, tolerance, text, source):
    with pytest.raises(InputError) as caught:
        workbench.search_open_invoices(desk, actor("vera"), "EUR", amount=amount,
                                       tolerance=tolerance, text=text)
    assert caught.value.source == source


def test_a_viewer_may_not_allocate_money(desk):
    with pytest.raises(Forbidden):
        workbench.allocate(desk, actor("vera"), "T-4", ["INV-4"])
    assert _statuses(desk, "T-4") == {}


def test_bulk_accept_books_the_best_candidate_of_each_payment_shown(desk):
    rows = workbench.review_queue(desk, actor("clara"), text="acme").rows
    assert [r.transaction_id for r in rows] == ["T-1", "T-2"]
    booked = workbench.review_accept_best(desk, actor("clara"), ["T-1", "T-2"], why="checked")
    assert booked == 2
    assert _statuses(desk, "T-1")["INV-1"][0] == "booked"
    assert _statuses(desk, "T-2")["INV-2"][0] == "booked"
    assert [e.subject for e in _audit(desk) if e.action == "review.accept"] == ["T-1", "T-2"]


def test_bulk_accept_of_a_stale_list_books_nothing(desk):
    workbench.review_accept(desk, actor("clara"), "T-3", ["INV-3"])
    with pytest.raises(InputError):
        workbench.review_accept_best(desk, actor("clara"), ["T-1", "T-3"])
    assert _statuses(desk, "T-1")["INV-1"][0] == "proposed"
