"""The workbench in a real browser: Debian's Chromium driven by Playwright.

Chromium must be at /usr/bin/chromium (`apt-get install -y chromium`); these
tests fail, not skip, when it is missing. Set DUNWELL_WEB_SCREENSHOTS=DIR to
keep a screenshot of each page (docs/web/ holds the ones in the repository).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from dunwell.connectors import storage
from dunwell.connectors.storage.models import MatchRow
from tests.web.seed import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(desk) -> Iterator[str]:
    """The workbench on the seeded desk, served by uvicorn on a free loopback port."""
    from dunwell.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(desk), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1360, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("DUNWELL_WEB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _sign_in(page, name: str) -> None:
    page.goto("/review")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/review")


def _status(desk, transaction_id: str, invoice_id: str) -> str:
    with storage.transaction(desk) as session:
        return session.execute(select(MatchRow.status).where(
            MatchRow.transaction_id == transaction_id,
            MatchRow.invoice_id == invoice_id)).scalar_one()


def test_sign_in_lands_on_the_page_asked_for(page):
    page.goto("/today")
    assert "/login" in page.url
    _shot(page, "login")
    page.get_by_label("Name").fill("clara")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/today")
    assert page.get_by_role("heading", name="Today").is_visible()
    _shot(page, "today")


def test_a_clerk_accepts_the_second_payment_with_the_keyboard_alone(page, desk):
    _sign_in(page, "clara")
    _shot(page, "review-queue")
    page.keyboard.press("j")
    assert "current" in page.locator("tr[data-row]").nth(1).get_attribute("class")
    page.keyboard.press("a")
    page.wait_for_url("**/review?done=accepted")
    assert page.get_by_role("status").inner_text().startswith("Booked.")
    assert _status(desk, "T-2", "INV-2") == "booked"
    assert _status(desk, "T-1", "INV-1") == "proposed"
    page.keyboard.press("Enter")  # the first row's link has the focus: open it
    page.wait_for_url("**/review/payment?id=T-1")
    _shot(page, "review-payment")
    page.keyboard.press("a")
    page.wait_for_url("**/review/payment?id=T-2&done=accepted")  # T-2 still has 100.00 left
    assert _status(desk, "T-1", "INV-1") == "booked"


def test_a_clerk_books_one_payment_to_two_invoices(page, desk):
    _sign_in(page, "clara")
    page.goto("/review/payment?id=T-2")
    page.get_by_label("Pick INV-2").check()
    page.get_by_label("Pick INV-1").check()
    page.get_by_label("Note for the audit log (optional)").fill("customer paid both")
    page.get_by_role("button", name="Accept the ticked invoices").click()
    page.wait_for_url("**done=accepted")
    assert (_status(desk, "T-2", "INV-2"), _status(desk, "T-2", "INV-1")) == ("booked", "booked")
    page.goto("/audit")
    assert page.get_by_role("cell", name="customer paid both").is_visible()
    _shot(page, "audit")
    page.goto("/customer?id=C1")
    assert page.get_by_text("INV-2 paid: EUR 200.00", exact=True).is_visible()
    _shot(page, "customer")


def test_a_viewer_has_no_accept_button_and_a_forged_post_is_forbidden(page, desk):
    _sign_in(page, "vera")
    assert page.get_by_role("button", name="Accept best").count() == 0
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post("/review/accept", form={
        "csrf": token, "transaction_id": "T-1", "invoice": "INV-1"}, max_redirects=0)
    assert response.status == 403
    page.keyboard.press("a")  # the shortcut finds no form to submit
    assert _status(desk, "T-1", "INV-1") == "proposed"
