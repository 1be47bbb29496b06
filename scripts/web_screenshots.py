"""Screenshots of every workbench page on a real database (the demo's), for docs/web/.

    .venv/bin/python scripts/web_screenshots.py sqlite:///demo-out/demo.sqlite docs/web

Adds a user `screenshots` (admin) to that database, serves the workbench on a
free loopback port, and drives Debian's Chromium (/usr/bin/chromium) through
the pages a clerk uses. Changes nothing else in the database.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import uvicorn
from playwright.sync_api import sync_playwright

from dunwell import access
from dunwell.connectors.storage import open_db
from dunwell.web import create_app

PASSWORD = "screenshots only"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]


def _serve(url: str) -> tuple[uvicorn.Server, str]:
    engine = open_db(url)
    access.add_user(engine, access.cli_actor(), "screenshots", "admin", PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main(url: str, folder: Path) -> None:
    """Sign in, then save one PNG per page into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    server, base = _serve(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(base_url=base, viewport={"width": 1360, "height": 900})
        page.goto("/login")
        page.screenshot(path=str(folder / "login.png"))
        page.get_by_label("Name").fill("screenshots")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/today")
        page.screenshot(path=str(folder / "today.png"), full_page=True)
        page.goto("/review")
        page.keyboard.press("j")
        page.screenshot(path=str(folder / "review-queue.png"))
        page.goto(f"/review?q={quote('payment')}")  # a word many remittance texts carry
        page.locator("a[href^='/review/bulk']").click()
        page.wait_for_url("**/review/bulk**")
        page.screenshot(path=str(folder / "review-bulk.png"), full_page=True)
        page.goto("/review")
        page.locator("tr[data-row] a.open").nth(1).click()
        page.wait_for_url("**/review/payment**")
        page.screenshot(path=str(folder / "review-payment.png"), full_page=True)
        page.locator("td a[href^='/customer']").first.click()
        page.wait_for_url("**/customer**")
        page.screenshot(path=str(folder / "customer.png"))
        page.goto("/unmatched")
        page.screenshot(path=str(folder / "unmatched.png"))
        page.locator("tr[data-row] a.open").first.click()
        page.wait_for_url("**/unmatched/payment**")
        page.screenshot(path=str(folder / "unmatched-payment.png"), full_page=True)
        page.goto("/audit")
        page.screenshot(path=str(folder / "audit.png"))
        _outgoing(page, folder, url)
        browser.close()
    server.should_exit = True


def _outgoing(page, folder: Path, url: str) -> None:  # noqa: ANN001 - a Playwright Page
    """Dunning before it goes out (the plan, one preview) and a reminder as it was sent.

    The plan is for the run day given as a third argument (default: today).
    """
    from sqlalchemy import select

    from dunwell.connectors.storage.models import OutboxMessage

    day = sys.argv[3] if len(sys.argv) > 3 else ""
    page.set_default_timeout(180_000)  # the plan of a whole ledger takes seconds
    page.goto(f"/dunning?day={day}" if day else "/dunning")
    page.screenshot(path=str(folder / "dunning.png"))  # the first groups; the page is long
    preview = page.get_by_role("link", name="Preview")
    if preview.count():
        preview.first.click()
        page.wait_for_url("**/dunning/preview**")
        page.screenshot(path=str(folder / "dunning-preview.png"), full_page=True)
    with open_db(url).connect() as connection:
        customer = connection.execute(select(OutboxMessage.customer_id).where(
            OutboxMessage.status == "sent", OutboxMessage.channel == "email").limit(1)).scalar()
    if customer:
        page.goto(f"/customer?id={customer}")
        page.screenshot(path=str(folder / "customer-sent.png"), full_page=True)
        page.locator("a[href^='/message?key=']").first.click()
        page.wait_for_url("**/message?key=**")
        page.screenshot(path=str(folder / "message-as-sent.png"), full_page=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
