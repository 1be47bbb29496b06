"""Review decisions beyond accept and reject, through the service layer: accept with a
difference, park, mark unmatched money; single sign-on's trust rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from dunwell import access, workbench
from dunwell.connectors import storage
from dunwell.connectors.settings.config import load_settings
from dunwell.connectors.storage import marks
from dunwell.connectors.storage.models import AuditEntry, DiscrepancyRow, Invoice
from dunwell.errors import ConfigError, Forbidden, InputError
from tests.web.seed import actor


def _owed(engine, invoice_id: str) -> Decimal:
    with storage.transaction(engine) as session:
        invoice = session.get(Invoice, invoice_id)
        return invoice.open_amount - invoice.pending_applied


def _discrepancies(engine) -> list[tuple]:
    with storage.transaction(engine) as session:
        return [tuple(r) for r in session.execute(select(
            DiscrepancyRow.kind, DiscrepancyRow.transaction_id, DiscrepancyRow.invoice_id,
            DiscrepancyRow.amount).where(DiscrepancyRow.kind != "unmatched_payment"))]


def _last_audit(engine) -> AuditEntry:
    with storage.transaction(engine) as session:
        return session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())
                               .limit(1)).scalars().one()


def _short_by(engine, invoice_id: str, amount: str) -> None:
    """The invoice owes `amount` more than its proposal books (as if the bank kept a fee)."""
    with storage.transaction(engine) as session:
        session.execute(update(Invoice).where(Invoice.invoice_id == invoice_id).values(
            open_amount=Invoice.open_amount + Decimal(amount)))


@pytest.mark.parametrize(("kind", "still_owed"), [
    ("bank_fee", Decimal("0")), ("early_payment_discount", Decimal("0")),
    ("short_payment", Decimal("1.50"))])
def test_accept_with_a_difference_books_it_as_that_kind(desk, kind, still_owed):
    _short_by(desk, "INV-1", "1.50")
    workbench.review_accept(desk, actor("clara"), "T-1", ["INV-1"], why="fee", difference=kind)
    assert _owed(desk, "INV-1") == still_owed
    assert _discrepancies(desk) == [(kind, "T-1", "INV-1", Decimal("1.50"))]
    entry = _last_audit(desk)
    assert (entry.action, entry.detail) == ("review.accept",
                                            f"booked to INV-1; EUR 1.50 booked as {kind}")


def test_accept_with_a_difference_where_there_is_none_changes_nothing(desk):
    with pytest.raises(InputError) as caught:
        workbench.review_accept(desk, actor("clara"), "T-1", ["INV-1"], difference="bank_fee")
    assert caught.value.source == "difference"
    assert _owed(desk, "INV-1") == Decimal("100.00") and _discrepancies(desk) == []


@pytest.mark.parametrize(("invoices", "kind"), [(["INV-1"], "rounding"),
                                                (["INV-2", "INV-1"], "bank_fee")])
def test_an_unknown_difference_kind_or_several_invoices_is_refused(desk, invoices, kind):
    _short_by(desk, "INV-1", "1.50")
    with pytest.raises(InputError):
        workbench.review_accept(desk, actor("clara"), "T-2" if len(invoices) > 1 else "T-1",
                                invoices, difference=kind)
    assert _discrepancies(desk) == []


def test_a_parked_payment_leaves_the_queue_until_unparked_and_both_are_audited(desk):
    workbench.review_park(desk, actor("clara"), "T-1", "waiting for Acme's answer")
    assert [r.transaction_id for r in workbench.review_queue(desk, actor("vera")).rows] == [
        "T-2", "T-3"]
    parked = workbench.review_queue(desk, actor("vera"), parked=True)
    assert [(r.transaction_id, r.parked_note, r.parked_by) for r in parked.rows] == [
        ("T-1", "waiting for Acme's answer", "clara")]
    assert (_last_audit(desk).action, _last_audit(desk).why) == (
        "review.park", "waiting for Acme's answer")
    workbench.review_unpark(desk, actor("clara"), "T-1")
    assert workbench.review_queue(desk, actor("vera")).total == 3
    assert _last_audit(desk).action == "review.unpark"


def test_accepting_a_parked_payment_unparks_it(desk):
    workbench.review_park(desk, actor("clara"), "T-1", "checking")
    workbench.review_accept(desk, actor("clara"), "T-1", ["INV-1"])
    assert workbench.review_queue(desk, actor("vera"), parked=True).rows == []


@pytest.mark.parametrize(("who", "transaction_id", "note", "error"), [
    ("vera", "T-1", "why", Forbidden), ("clara", "T-1", " ", InputError),
    ("clara", "T-4", "unmatched, not in review", InputError)])
def test_parking_is_refused_without_a_role_a_note_or_a_waiting_payment(desk, who,
                                                                       transaction_id, note,
                                                                       error):
    with pytest.raises(error):
        workbench.review_park(desk, actor(who), transaction_id, note)
    assert workbench.review_queue(desk, actor("vera"), parked=True).rows == []


def test_marking_unmatched_money_takes_it_off_the_list_and_into_what_the_report_reads(desk):
    workbench.payment_mark(desk, actor("clara"), "T-4", "unrelated", "interest from the bank")
    rows, total, _ = workbench.unmatched(desk, actor("vera"))
    assert (rows, total) == ([], 0)
    rows, total, found = workbench.unmatched(desk, actor("vera"), marked=True)
    assert [r.transaction_id for r in rows] == ["T-4"] and found["T-4"].kind == "unrelated"
    with storage.transaction(desk) as session:
        listed = marks.marked_money(session)
    assert [(t, k, n, a) for t, k, n, a, *_ in listed] == [
        ("T-4", "unrelated", "interest from the bank", "clara")]
    assert _last_audit(desk).action == "payment.unrelated"
    workbench.payment_unmark(desk, actor("clara"), "T-4")
    assert workbench.unmatched(desk, actor("vera"))[1] == 1


@pytest.mark.parametrize(("transaction_id", "kind", "note"), [
    ("T-1", "refund", "a review item is not unmatched"), ("T-4", "gift", "no such kind"),
    ("T-4", "refund", ""), ("T-404", "refund", "not stored")])
def test_marking_what_is_not_unmatched_money_is_refused(desk, transaction_id, kind, note):
    with pytest.raises(InputError):
        workbench.payment_mark(desk, actor("clara"), transaction_id, kind, note)
    assert workbench.unmatched(desk, actor("vera"), marked=True)[1] == 0


def test_a_single_sign_on_user_gets_a_session_only_when_dunwell_knows_them(desk):
    opened = access.header_sign_in(desk, "clara")
    assert opened is not None and opened[1].actor == access.Actor("clara", "clerk")
    assert access.session_of(desk, opened[0]).actor.name == "clara"
    assert access.header_sign_in(desk, "mallory") is None


def test_a_user_added_without_a_password_cannot_sign_in_with_one(desk):
    access.add_user(desk, access.cli_actor(), "sam", "viewer", None)
    assert access.sign_in(desk, "sam", "!single-sign-on") is None
    assert access.header_sign_in(desk, "sam") is not None


@pytest.mark.parametrize(("address", "trusted"), [
    ("10.0.0.7", True), ("10.0.1.7", False), ("127.0.0.1", False), ("::1", True),
    ("", False), ("not an address", False)])
def test_only_the_configured_proxies_are_trusted(address, trusted):
    auth = access.HeaderAuth.of("X-Remote-User", ["10.0.0.0/24", "::1"])
    assert auth.trusts(address) is trusted


def test_header_mode_without_trusted_proxies_is_a_config_error(tmp_path):
    config = tmp_path / "dunwell.yaml"
    config.write_text("web_auth: header\n")
    with pytest.raises(ConfigError, match="web_trusted_proxies"):
        load_settings(config, env={}, cwd=tmp_path)
    config.write_text("web_auth: header\nweb_trusted_proxies: [10.0.0.1, 'proxy.local']\n")
    with pytest.raises(ConfigError, match="proxy.local"):
        load_settings(config, env={}, cwd=tmp_path)
    config.write_text("web_auth: header\nweb_auth_header: X-Forwarded-User\n"
                      "web_trusted_proxies: [10.0.0.1]\n")
    settings = load_settings(config, env={}, cwd=tmp_path)
    assert (settings.web_auth, settings.web_auth_header) == ("header", "X-Forwarded-User")



@pytest.mark.parametrize(("text", "found"), [
    ("1 and inv-2", ["T-2"]), ("INV-3", ["T-3"]), ("acme", ["T-1", "T-2"]), ("%%%", []),
    ("inv_1", []), ("DE44", []), ("t-1", ["T-1"])])
def test_search_finds_the_whole_phrase_and_takes_wildcards_literally(desk, text, found):
    page = workbench.review_queue(desk, actor("vera"), text=text)
    assert ([r.transaction_id for r in page.rows], page.total) == (found, len(found))


def test_a_search_finding_more_than_it_counts_walks_the_queue_and_says_so(desk, monkeypatch):
    from dunwell.connectors.storage import queue

    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 1)
    monkeypatch.setattr(queue, "PROBE_ROWS", 1)
    page = workbench.review_queue(desk, actor("vera"), text="acme", limit=1)
    assert ([r.transaction_id for r in page.rows], page.total, page.total_capped) == (
        ["T-1"], 1, True)
    following = workbench.review_queue(desk, actor("vera"), text="acme", after=str(page.after))
    assert [r.transaction_id for r in following.rows] == ["T-2"]
    whole = workbench.review_queue(desk, actor("vera"), text="acme")
    assert (len(whole.rows), whole.total, whole.total_capped) == (2, 2, False)


def test_a_search_shorter_than_three_characters_is_refused(desk):
    with pytest.raises(InputError, match="at least 3 characters"):
        workbench.review_queue(desk, actor("vera"), text=" 7 ")


def test_parked_payments_are_counted_apart_from_those_waiting_on_today_and_in_status(
        desk, db_url, app_client, monkeypatch):
    from typer.testing import CliRunner

    from dunwell.cli import app
    from tests.web.test_routes import _sign_in

    workbench.review_park(desk, actor("clara"), "T-1", "waiting for Acme's answer")
    facts = workbench.today(desk, actor("vera"))
    assert (facts["review"], facts["parked"]) == (2, 1)
    _sign_in(app_client, "vera")
    page = app_client.get("/today").text
    assert '<span class="big">2</span> payments wait for review' in page
    assert ('<a class="tile" href="/review?parked=1"><span class="big">1</span> parked with '
            'a note</a>') in page
    monkeypatch.setenv("DUNWELL_DATABASE_URL", db_url)
    status = CliRunner().invoke(app, ["status"])
    assert status.exit_code == 0, status.output
    assert "review: 2 payments wait for a person" in status.stdout
    assert "parked: 1 payment parked with a note" in status.stdout
    workbench.review_unpark(desk, actor("clara"), "T-1")
    again = CliRunner().invoke(app, ["status"]).stdout
    assert "review: 3 payments wait" in again and "\nparked:" not in again
