"""The workbench's customer page (reminders as sent, payment plans) and Today page (trends,
starting a run) over HTTP, with FastAPI's TestClient."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from dunwell.connectors import storage
from dunwell.connectors.storage.models import MessageCopy, OutboxMessage, Run
from tests.web.test_routes import _csrf, _sign_in

DUES = "2026-12-10 40.00\n2027-01-10 40.00"


@pytest.fixture
def clerk(app_client):
    _sign_in(app_client, "clara")
    return app_client


def test_a_clerk_agrees_a_payment_plan_and_the_customer_page_shows_it(clerk, desk):
    response = clerk.post("/customer/plan", data={
        "csrf": _csrf(clerk, "/customer?id=C1"), "customer_id": "C1", "invoice": "INV-4",
        "instalments": DUES, "note": "agreed on the phone"})
    assert response.status_code == 303
    assert response.headers["location"] == "/customer?id=C1&done=plan"
    page = clerk.get("/customer?id=C1").text
    assert "PP-C1-1" in page and ">kept<" in page
    assert "2027-01-10" in page and "agreed by clara" in page
    assert "agreed on the phone" in clerk.get("/audit?q=payment_plan").text


def test_instalments_that_do_not_add_up_are_refused_and_nothing_is_stored(clerk, desk):
    response = clerk.post("/customer/plan", data={
        "csrf": _csrf(clerk, "/customer?id=C1"), "customer_id": "C1", "invoice": "INV-4",
        "instalments": "2026-12-10 40.00"})
    assert response.status_code == 400
    assert "add up to 40.00 EUR, the invoices owe 80 EUR" in response.text
    assert "No payment plan." in clerk.get("/customer?id=C1").text


def test_a_viewer_may_not_agree_a_payment_plan(app_client, desk):
    _sign_in(app_client, "vera")
    assert "Agree a payment plan" not in app_client.get("/customer?id=C1").text
    response = app_client.post("/customer/plan", data={
        "csrf": _csrf(app_client, "/customer?id=C1"), "customer_id": "C1", "invoice": "INV-4",
        "instalments": DUES})
    assert response.status_code == 403


def test_the_reminder_as_sent_is_readable_from_the_customer_page(clerk, desk):
    sent_at = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    with storage.transaction(desk) as session:
        session.add(OutboxMessage(key="k-1", customer_id="C1", currency="EUR", stage="firm",
                                  invoice_ids="INV-1 INV-2", channel="email",
                                  recipient="ap@acme.example", status="sent", sent_at=sent_at,
                                  message_id="<m1@example.com>"))
        session.add(MessageCopy(key="k-1", subject="Second reminder: <b>€300.00</b> open",
                                recipient="ap@acme.example", text_body="Dear Acme,\nplease pay.",
                                html_body="<p>Dear Acme, <script>alert(1)</script>please</p>"))
    page = clerk.get("/customer?id=C1").text
    assert 'href="/message?key=k-1"' in page
    assert "Second reminder: &lt;b&gt;€300.00&lt;/b&gt; open" in page
    message = clerk.get("/message?key=k-1")
    assert "Dear Acme,\nplease pay." in message.text and "&lt;m1@example.com&gt;" in message.text
    framed = clerk.get("/message.html?key=k-1")
    assert framed.text.startswith("<p>Dear Acme")
    assert "sandbox" in framed.headers["content-security-policy"]
    assert "script-src" not in framed.headers["content-security-policy"]
    assert clerk.get("/message?key=nope").status_code == 400


def test_today_draws_match_rate_and_dso_over_the_last_runs(clerk, desk):
    with storage.transaction(desk) as session:
        for number, (auto, dso) in enumerate([(40, "52.5"), (70, "48.0")], start=2):
            session.add(Run(id=f"run-{number}", kind="daily", as_of=f"2026-12-0{number + 3}",
                            status="succeeded", parameters={},
                            started_at=datetime(2026, 12, number + 3, 6, tzinfo=UTC),
                            summary={"payments_in": 100, "matched_auto": auto,
                                     "dso": {"EUR": dso}}))
    page = clerk.get("/today").text
    labels = re.findall(r'<svg [^>]*aria-label="([^"]+)"', page)
    assert labels == ["Match rate per run: 2026-12-04 0.0%, 2026-12-05 40.0%, 2026-12-06 70.0%",
                      "DSO EUR per run: 2026-12-05 52.5 d, 2026-12-06 48.0 d"]
    assert "<polyline" in page and "cdn" not in page.lower()


def test_without_a_prefect_api_today_says_so_and_offers_no_button(clerk, monkeypatch):
    monkeypatch.setattr("dunwell.launch.prefect_api", lambda: None)
    page = clerk.get("/today").text
    assert "No Prefect server is configured" in page
    assert 'action="/runs/start"' not in page
    response = clerk.post("/runs/start", data={"csrf": _csrf(clerk, "/today"), "what": "adhoc"})
    assert response.status_code in (400, 403)


def test_the_runs_started_from_today_get_the_parameters_a_person_chose():
    from dunwell.errors import InputError
    from dunwell.launch import _parameters

    assert _parameters("daily-dry-run", "2026-12-07", False) == {
        "dry_run": True, "as_of": "2026-12-07"}
    assert _parameters("adhoc", "2026-12-07", True) == {"dry_run": True}
    with pytest.raises(InputError, match="not a date"):
        _parameters("daily-dry-run", "07.12.2026", False)
    with pytest.raises(InputError, match="is not one of adhoc, daily-dry-run"):
        _parameters("weekly", "", False)


def test_a_clerk_may_not_start_a_run_even_with_a_prefect_api(clerk, monkeypatch):
    monkeypatch.setattr("dunwell.launch.prefect_api", lambda: "http://127.0.0.1:9/api")
    assert "A controller starts runs from here." in clerk.get("/today").text
    response = clerk.post("/runs/start", data={"csrf": _csrf(clerk, "/today"), "what": "adhoc"})
    assert response.status_code == 403


def test_a_clerk_cancels_a_payment_plan_from_the_customer_page(clerk, desk):
    clerk.post("/customer/plan", data={
        "csrf": _csrf(clerk, "/customer?id=C1"), "customer_id": "C1", "invoice": "INV-4",
        "instalments": DUES})
    page = clerk.get("/customer?id=C1").text
    assert "Cancel plan PP-C1-1" in page
    without_why = clerk.post("/customer/plan/cancel", data={
        "csrf": _csrf(clerk, "/customer?id=C1"), "customer_id": "C1", "plan_id": "PP-C1-1"})
    assert without_why.status_code == 400 and ">kept<" in clerk.get("/customer?id=C1").text
    response = clerk.post("/customer/plan/cancel", data={
        "csrf": _csrf(clerk, "/customer?id=C1"), "customer_id": "C1", "plan_id": "PP-C1-1",
        "note": "customer went insolvent"})
    assert response.headers["location"] == "/customer?id=C1&done=plan_cancelled"
    page = clerk.get("/customer?id=C1&done=plan_cancelled").text
    assert "Payment plan cancelled" in page and ">cancelled<" in page
    assert "Cancel plan PP-C1-1" not in page
    assert "customer went insolvent" in clerk.get("/audit?q=payment_plan.cancel").text


def test_a_viewer_may_not_cancel_a_payment_plan(app_client, desk):
    from dunwell import payment_plans
    from tests.web.seed import actor

    payment_plans.create(desk, actor("clara"), "C1", ["INV-4"], DUES)
    _sign_in(app_client, "vera")
    assert "Cancel plan" not in app_client.get("/customer?id=C1").text
    response = app_client.post("/customer/plan/cancel", data={
        "csrf": _csrf(app_client, "/customer?id=C1"), "customer_id": "C1",
        "plan_id": "PP-C1-1", "note": "no"})
    assert response.status_code == 403
    assert ">kept<" in app_client.get("/customer?id=C1").text
