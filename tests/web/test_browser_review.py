# ruff: noqa: F811 - the browser fixtures are imported from test_browser
"""The review queue and unmatched money in a real browser (Debian's Chromium): the keyboard
path, accept with a difference, park, bulk accept, single sign-on, and axe-core on every page.

axe-core comes vendored in tests/web/vendor (from npm); nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select, update

from dunwell import access
from dunwell.connectors import storage
from dunwell.connectors.storage.models import DiscrepancyRow, Invoice, PaymentMark
from tests.web.test_browser import (  # noqa: F401 - fixtures
    _free_port,
    _shot,
    _sign_in,
    _status,
    browser,
    page,
    server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 200))}));
}"""


@contextmanager
def _served(desk, auth: access.HeaderAuth | None) -> Iterator[str]:
    """The workbench with this sign-in mode on a free loopback port."""
    from dunwell.web import create_app

    port = _free_port()
    running = uvicorn.Server(uvicorn.Config(create_app(desk, auth), host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)


def _short_by(desk, invoice_id: str, amount: str) -> None:
    with storage.transaction(desk) as session:
        session.execute(update(Invoice).where(Invoice.invoice_id == invoice_id).values(
            open_amount=Invoice.open_amount + Decimal(amount)))


def test_the_keyboard_path_moves_accepts_rejects_and_shows_help(page, desk):
    _sign_in(page, "clara")
    page.keyboard.press("?")
    assert page.get_by_role("dialog", name="Keyboard shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("Enter")  # the first row: T-1
    page.wait_for_url("**/review/payment?id=T-1")
    page.keyboard.press("j")  # candidate 2: INV-9
    page.keyboard.press("r")
    page.wait_for_url("**/review/payment?id=T-1&done=rejected")
    assert _status(desk, "T-1", "INV-9") == "rejected"
    assert _status(desk, "T-1", "INV-1") == "proposed"
    page.keyboard.press("a")
    page.wait_for_url("**/review/payment?id=T-2&done=accepted")  # on to the next payment
    assert _status(desk, "T-1", "INV-1") == "booked"


def test_a_clerk_parks_with_the_keyboard_and_finds_it_under_parked(page, desk):
    _sign_in(page, "clara")
    page.goto("/review/payment?id=T-3")
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == "park-note"
    page.keyboard.type("asked the customer which invoice")
    page.keyboard.press("Enter")
    page.wait_for_url("**done=parked")
    with storage.transaction(desk) as session:
        assert session.get(PaymentMark, "T-3").kind == "parked"
    page.goto("/review")
    assert page.locator("a.open[href*='T-3']").count() == 0
    page.get_by_role("link", name="Parked").click()
    page.wait_for_url("**/review?parked=1")  # the click waits for the new page to commit only
    assert page.get_by_role("cell", name="asked the customer which invoice").is_visible()
    _shot(page, "review-parked")
    page.get_by_role("button", name="Un-park").click()
    page.wait_for_url("**done=unparked")
    assert page.get_by_role("button", name="Accept INV-3").is_visible()


def test_a_clerk_accepts_with_the_difference_booked_as_a_bank_fee(page, desk):
    _short_by(desk, "INV-1", "1.50")
    _sign_in(page, "clara")
    page.goto("/review/payment?id=T-1")
    form = page.locator("form.difference")
    assert "Difference: EUR 1.50" in form.inner_text()
    form.get_by_label("Book the difference as").select_option("bank_fee")
    form.get_by_label("Note for the audit log (optional)").fill("bank kept 1.50")
    _shot(page, "review-difference")
    form.get_by_role("button", name="Accept INV-1 with the difference").click()
    page.wait_for_url("**done=difference")
    with storage.transaction(desk) as session:
        invoice = session.get(Invoice, "INV-1")
        fee = session.execute(select(DiscrepancyRow.amount).where(
            DiscrepancyRow.kind == "bank_fee")).scalar_one()
    assert (invoice.open_amount - invoice.pending_applied, fee) == (0, Decimal("1.50"))


def test_a_bulk_accept_names_the_count_before_booking(page, desk):
    _sign_in(page, "clara")
    page.get_by_label("Search payer, text, payment or invoice").fill("acme")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=acme")
    page.get_by_role("link", name="Accept the best candidate of all 2 matching “acme”…").click()
    page.wait_for_url("**/review/bulk**")
    assert _status(desk, "T-1", "INV-1") == "proposed"
    _shot(page, "review-bulk")
    page.get_by_role("button", name="Yes, accept all 2").click()
    page.wait_for_url("**done=bulk&n=2")
    assert page.get_by_role("status").inner_text().startswith("Booked the best candidate of 2")
    assert (_status(desk, "T-1", "INV-1"), _status(desk, "T-2", "INV-2")) == ("booked",) * 2


def test_a_viewer_sees_no_park_or_difference_form_and_a_forged_park_is_forbidden(page, desk):
    _short_by(desk, "INV-1", "1.50")
    _sign_in(page, "vera")
    page.goto("/review/payment?id=T-1")
    assert page.locator("form[action='/review/park'], form.difference").count() == 0
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post("/review/park", form={
        "csrf": token, "transaction_id": "T-1", "note": "forged"}, max_redirects=0)
    assert response.status == 403
    with storage.transaction(desk) as session:
        assert session.get(PaymentMark, "T-1") is None


def test_a_post_without_the_session_token_is_refused(page, desk):
    _sign_in(page, "clara")
    response = page.request.post("/review/park", form={
        "csrf": "not-the-token", "transaction_id": "T-1", "note": "csrf"}, max_redirects=0)
    assert response.status == 403
    with storage.transaction(desk) as session:
        assert session.get(PaymentMark, "T-1") is None


def test_unmatched_money_is_marked_as_a_refund(page, desk):
    _sign_in(page, "clara")
    page.goto("/unmatched/payment?id=T-4")
    page.get_by_label("Mark it as").select_option("refund")
    page.get_by_label("What it is (required)").fill("supplier returned a double charge")
    page.get_by_role("button", name="Mark", exact=True).click()
    page.wait_for_url("**/unmatched?done=refund")
    assert page.get_by_text("No unmatched money").is_visible()
    page.get_by_role("link", name="Refunds and unrelated").click()
    page.wait_for_url("**/unmatched?marked=1")  # the click waits for the new page to commit only
    assert page.get_by_text("supplier returned a double charge").is_visible()


def test_single_sign_on_believes_the_header_from_a_trusted_proxy_only(browser, desk):
    trusted = access.HeaderAuth.of("X-Remote-User", ["127.0.0.1/32"])
    elsewhere = access.HeaderAuth.of("X-Remote-User", ["10.9.8.7/32"])
    with _served(desk, trusted) as base:
        context = browser.new_context(base_url=base,
                                      extra_http_headers={"X-Remote-User": "clara"})
        opened = context.new_page()
        opened.goto("/review")
        assert opened.locator(".who").inner_text().startswith("clara")
        opened.keyboard.press("a")  # a POST with the session's CSRF token, no password
        opened.wait_for_url("**/review?done=accepted")
        assert _status(desk, "T-1", "INV-1") == "booked"
        unknown = browser.new_context(base_url=base,
                                      extra_http_headers={"X-Remote-User": "mallory"})
        refused = unknown.new_page().goto(f"{base}/review")
        assert refused.status == 403 and "no role in the workbench" in refused.text()
        context.close()
        unknown.close()
    with _served(desk, elsewhere) as base:
        context = browser.new_context(base_url=base,
                                      extra_http_headers={"X-Remote-User": "ada"})
        response = context.new_page().goto(f"{base}/review")
        assert response.status == 403 and "did not come through it" in response.text()
        context.close()


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def test_no_page_has_a_serious_accessibility_violation(browser, server, desk):
    _short_by(desk, "INV-1", "1.50")
    context = browser.new_context(base_url=server, bypass_csp=True,  # axe is injected
                                  viewport={"width": 1360, "height": 900})
    opened = context.new_page()
    found = {}
    opened.goto("/login?next=/today")
    found["login"] = _axe(opened)
    opened.get_by_label("Name").fill("clara")
    opened.get_by_label("Password").fill("correct horse battery")
    opened.get_by_role("button", name="Sign in").click()
    opened.wait_for_url("**/today")
    for path in ("/today", "/review", "/review?parked=1", "/review?q=acme",
                 "/review/bulk?q=acme", "/review/payment?id=T-1", "/unmatched",
                 "/unmatched?marked=1", "/unmatched/payment?id=T-4", "/customer?id=C1",
                 "/audit", "/review/payment?id=T-404"):
        opened.goto(path)
        found[path] = _axe(opened)
    opened.keyboard.press("?")
    found["help dialog"] = _axe(opened)
    context.close()
    assert {page: problems for page, problems in found.items() if problems} == {}, json.dumps(
        found, indent=1)
