"""The workbench over HTTP (FastAPI's TestClient): sign-in, CSRF, roles, escaping."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dunwell.connectors import storage
from dunwell.connectors.storage.models import MatchRow, OutboxMessage
from tests.web.seed import HOSTILE, PASSWORD

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _sign_in(client, name: str, password: str = PASSWORD, target: str = "/today"):
    page = client.get(f"/login?next={target}")
    token = CSRF.search(page.text).group(1)
    return client.post("/login", data={"csrf": token, "name": name, "password": password,
                                       "next": target})


def _csrf(client, path: str = "/review") -> str:
    return CSRF.search(client.get(path).text).group(1)


def _status(desk, transaction_id: str, invoice_id: str) -> str:
    with storage.transaction(desk) as session:
        return session.execute(select(MatchRow.status).where(
            MatchRow.transaction_id == transaction_id,
            MatchRow.invoice_id == invoice_id)).scalar_one()


def test_a_page_without_a_session_sends_the_browser_to_sign_in(app_client):
    response = app_client.get("/review?q=acme")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Freview%3Fq%3Dacme"


def test_signing_in_opens_the_page_asked_for_with_a_session_cookie(app_client):
    response = _sign_in(app_client, "clara", target="/review")
    assert (response.status_code, response.headers["location"]) == (303, "/review")
    cookie = response.headers["set-cookie"].lower()
    assert "dunwell_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    page = app_client.get("/review")
    assert page.status_code == 200 and "3 payments" in page.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app_client):
    response = _sign_in(app_client, "clara", "not the password")
    assert response.status_code == 401
    assert "That name and password do not match." in response.text
    assert app_client.get("/today").status_code == 303


def test_sign_in_never_redirects_off_the_site(app_client):
    response = _sign_in(app_client, "clara", target="//evil.example/")
    assert response.headers["location"] == "/today"


def test_the_sign_in_form_needs_its_token(app_client):
    response = app_client.post("/login", data={"name": "clara", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(
        app_client, desk, token):
    _sign_in(app_client, "clara")
    form = {"transaction_id": "T-1", "invoice": "INV-1"}
    if token is not None:
        form["csrf"] = token
    response = app_client.post("/review/accept", data=form)
    assert response.status_code == 403
    assert "security token" in response.text
    assert _status(desk, "T-1", "INV-1") == "proposed"


def test_a_clerk_accepts_and_is_taken_to_the_next_payment(app_client, desk):
    _sign_in(app_client, "clara")
    response = app_client.post("/review/accept", data={
        "csrf": _csrf(app_client), "transaction_id": "T-1", "invoice": "INV-1"})
    assert response.status_code == 303
    assert response.headers["location"] == "/review/payment?id=T-2&done=accepted"
    assert _status(desk, "T-1", "INV-1") == "booked"
    assert "Booked." in app_client.get(response.headers["location"]).text


def test_several_invoices_are_accepted_from_one_form(app_client, desk):
    _sign_in(app_client, "clara")
    response = app_client.post("/review/accept", data={
        "csrf": _csrf(app_client), "transaction_id": "T-2", "invoice": ["INV-2", "INV-1"],
        "back": "list"})
    assert response.headers["location"] == "/review?done=accepted"
    assert (_status(desk, "T-2", "INV-2"), _status(desk, "T-2", "INV-1")) == ("booked", "booked")


def test_a_viewer_sees_no_decision_buttons_and_a_forged_decision_is_forbidden(app_client, desk):
    _sign_in(app_client, "vera")
    page = app_client.get("/review/payment?id=T-1")
    assert page.status_code == 200 and "Accept" not in page.text
    response = app_client.post("/review/accept", data={
        "csrf": _csrf(app_client), "transaction_id": "T-1", "invoice": "INV-1"})
    assert response.status_code == 403
    assert "may not review.decide" in response.text
    assert _status(desk, "T-1", "INV-1") == "proposed"
    response = app_client.post("/customer/state", data={
        "csrf": _csrf(app_client), "customer_id": "C1", "action": "pause"})
    assert response.status_code == 403


def test_every_value_is_escaped(app_client):
    _sign_in(app_client, "clara")
    for path in ("/review", "/review/payment?id=T-3", "/customer?id=C3"):
        text = app_client.get(path).text
        assert HOSTILE not in text and "<script>alert" not in text, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in text, path


def test_pages_carry_a_strict_content_security_policy(app_client):
    response = app_client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_a_wrong_id_is_a_page_that_says_so(app_client):
    _sign_in(app_client, "clara")
    response = app_client.get("/review/payment?id=T-404")
    assert response.status_code == 400 and "no payment &#39;T-404&#39; is stored" in response.text


def test_customer_actions_from_the_customer_page(app_client):
    _sign_in(app_client, "clara")
    token = _csrf(app_client, "/customer?id=C1")
    response = app_client.post("/customer/state", data={
        "csrf": token, "customer_id": "C1", "action": "pause", "note": "in talks"})
    assert response.headers["location"] == "/customer?id=C1&done=pause"
    page = app_client.get("/customer?id=C1").text
    assert "reminders paused" in page and "Resume reminders" in page
    app_client.post("/invoice/promise", data={
        "csrf": token, "customer_id": "C1", "invoice_id": "INV-2", "promised": "2026-12-24"})
    app_client.post("/invoice/dispute", data={
        "csrf": token, "customer_id": "C1", "invoice_id": "INV-4", "resolved": "no",
        "note": "wrong price"})
    page = app_client.get("/customer?id=C1").text
    assert "INV-2: Promise to pay by 2026-12-24" in page
    assert "INV-4: Disputed" in page and "wrong price" in page


def test_a_bad_promise_date_is_refused(app_client):
    _sign_in(app_client, "clara")
    response = app_client.post("/invoice/promise", data={
        "csrf": _csrf(app_client, "/customer?id=C1"), "customer_id": "C1",
        "invoice_id": "INV-2", "promised": "next friday"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.text


def test_audit_log_lists_decisions_and_a_controller_exports_it(app_client):
    _sign_in(app_client, "clara")
    app_client.post("/review/reject", data={
        "csrf": _csrf(app_client), "transaction_id": "T-1", "invoice": "INV-9",
        "why": "other customer"})
    page = app_client.get("/audit").text
    assert "review.reject" in page and "other customer" in page
    assert app_client.get("/audit.csv").status_code == 403
    _sign_in(app_client, "conrad")
    export = app_client.get("/audit.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "clara,clerk,web,review.reject,T-1,C2,not INV-9,other customer" in export.text


def test_today_shows_the_last_run_and_deliveries_that_bounced(app_client, desk):
    with storage.transaction(desk) as session:
        session.add(OutboxMessage(key="k1", customer_id="C1", currency="EUR", stage="firm",
                                  invoice_ids="INV-1", status="bounced", facts={}))
    _sign_in(app_client, "vera")
    page = app_client.get("/today").text
    assert "Cash in" in page and "EUR 450.00" in page
    assert "ambiguous match" in page and "promise to pay" in page
    assert "deliveries failed (0) or bounced (1)" in page


def test_signing_out_ends_the_session(app_client):
    _sign_in(app_client, "clara")
    app_client.post("/logout", data={"csrf": _csrf(app_client)})
    assert app_client.get("/today").status_code == 303


def test_unmatched_money_is_searched_and_booked_from_the_browser(app_client, desk):
    _sign_in(app_client, "clara")
    listing = app_client.get("/unmatched").text
    assert "Unknown Payer Ltd" in listing and "1 payment" in listing
    page = app_client.get("/unmatched/payment?id=T-4").text
    assert 'value="INV-4"' in page and 'value="INV-9"' not in page  # 80.00 give or take 1.00
    response = app_client.post("/unmatched/allocate", data={
        "csrf": CSRF.search(page).group(1), "transaction_id": "T-4", "invoice": "INV-4"})
    assert response.headers["location"] == "/unmatched?done=allocated"
    assert _status(desk, "T-4", "INV-4") == "booked"


def test_a_filtered_list_is_accepted_in_bulk_after_a_confirmation_naming_the_count(
        app_client, desk):
    _sign_in(app_client, "clara")
    page = app_client.get("/review?q=acme").text
    assert "Accept the best candidate of all 2 matching “acme”" in page
    assert "Accept the best candidate of all" not in app_client.get("/review").text
    confirm = app_client.get("/review/bulk?q=acme").text
    assert "Yes, accept all 2" in confirm
    assert re.findall(r'name="transaction_id" value="([^"]+)"', confirm) == ["T-1", "T-2"]
    assert (_status(desk, "T-1", "INV-1"), _status(desk, "T-2", "INV-2")) == ("proposed",) * 2
    response = app_client.post("/review/accept-best", data={
        "csrf": CSRF.search(confirm).group(1), "transaction_id": ["T-1", "T-2"]})
    assert response.headers["location"] == "/review?done=bulk&n=2"
    assert "Booked the best candidate of 2 payments." in app_client.get(
        response.headers["location"]).text
    assert (_status(desk, "T-1", "INV-1"), _status(desk, "T-2", "INV-2")) == ("booked", "booked")
    assert _status(desk, "T-3", "INV-3") == "proposed"


def test_a_bulk_accept_without_a_search_or_by_a_viewer_is_refused(app_client):
    _sign_in(app_client, "clara")
    assert app_client.get("/review/bulk?q=").status_code == 400
    assert app_client.get("/review/bulk?q=nobody-pays-like-this").status_code == 400
    app_client.post("/logout", data={"csrf": _csrf(app_client)})
    _sign_in(app_client, "vera")
    assert app_client.get("/review/bulk?q=acme").status_code == 403


def test_park_leaves_the_queue_shows_under_parked_and_unpark_brings_it_back(app_client, desk):
    _sign_in(app_client, "clara")
    token = _csrf(app_client)
    response = app_client.post("/review/park", data={
        "csrf": token, "transaction_id": "T-1", "note": "asked Acme for the remittance"})
    assert response.status_code == 303
    queue = app_client.get("/review").text
    assert "/review/payment?id=T-1" not in queue and "2 payments" in queue
    parked = app_client.get("/review?parked=1").text
    assert "/review/payment?id=T-1" in parked and "asked Acme for the remittance" in parked
    assert "Parked by clara" in app_client.get("/review/payment?id=T-1").text
    app_client.post("/review/unpark", data={"csrf": token, "transaction_id": "T-1"})
    assert "/review/payment?id=T-1" in app_client.get("/review").text


def test_parking_without_a_note_changes_nothing(app_client):
    _sign_in(app_client, "clara")
    response = app_client.post("/review/park", data={
        "csrf": _csrf(app_client), "transaction_id": "T-1", "note": "  "})
    assert response.status_code == 400
    assert "/review/payment?id=T-1" in app_client.get("/review").text


def test_unmatched_money_marked_as_refund_leaves_the_list_and_can_be_undone(app_client):
    _sign_in(app_client, "clara")
    token = _csrf(app_client, "/unmatched")
    response = app_client.post("/unmatched/mark", data={
        "csrf": token, "transaction_id": "T-4", "kind": "refund", "note": "supplier credit"})
    assert response.headers["location"] == "/unmatched?done=refund"
    assert "T-4" not in app_client.get("/unmatched").text
    marked = app_client.get("/unmatched?marked=1").text
    assert "T-4" in marked and "supplier credit" in marked
    app_client.post("/unmatched/unmark", data={"csrf": token, "transaction_id": "T-4"})
    assert "T-4" in app_client.get("/unmatched").text


def test_keyset_pages_link_forward_and_back(app_client):
    _sign_in(app_client, "vera")
    from dunwell.web import routes

    routes.PAGE, saved = 1, routes.PAGE
    try:
        first = app_client.get("/review").text
        following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        second = app_client.get(following).text
        assert "/review/payment?id=T-2" in second and "/review/payment?id=T-1" not in second
        back = re.search(r'href="([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
        assert "/review/payment?id=T-1" in app_client.get(back).text
    finally:
        routes.PAGE = saved
