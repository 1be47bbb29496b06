"""Dunning before it goes out, in a real browser (Debian's Chromium, Playwright): a clerk
approves all friendly reminders, excludes one with a reason, and the run sends only the
approved ones; a viewer may not approve; a form without the session's token is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from dunwell.connectors import storage
from dunwell.connectors.storage.models import DunningApproval
from tests.web.gate_seed import FRIENDLY_NEEDS_APPROVAL, RUN_DAY, seed_dunning
from tests.web.test_browser import _shot, _sign_in, browser, page, server  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def files(desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):
    """D1-D3 due a friendly reminder on the run day, which needs approval here."""
    monkeypatch.setenv("DUNWELL_DUNNING_APPROVAL", FRIENDLY_NEEDS_APPROVAL)
    monkeypatch.setenv("DUNWELL_DATABASE_URL", db_url)
    monkeypatch.delenv("DUNWELL_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return seed_dunning(desk, tmp_path / "data")


SLOW = 90_000  # ms: a plan and its first rendering take seconds on a loaded machine


def _decisions(desk) -> int:
    with storage.transaction(desk) as session:
        return session.execute(select(func.count()).select_from(DunningApproval)).scalar_one()


def _row(on, customer: str):  # noqa: ANN001, ANN202 - a Page, a Locator
    return on.locator("tr", has=on.get_by_role("link", name=customer))


def test_a_clerk_approves_all_excludes_one_and_the_run_sends_only_the_approved(
        page, desk, files, tmp_path):  # noqa: F811
    page.set_default_timeout(SLOW)
    _sign_in(page, "clara")
    page.goto(f"/dunning?day={RUN_DAY}")
    group = page.locator("section.group", has=page.get_by_role("heading", name="Friendly"))
    assert group.get_by_text("needs approval").is_visible()
    assert _row(page, "Dorado Tools").get_by_text("waiting").is_visible()
    _shot(page, "dunning")
    _row(page, "Dorado Tools").get_by_role("link", name="Preview").click()
    page.wait_for_url("**/dunning/preview?**")
    assert "ap@d2.example" in page.locator(".email-head").inner_text()
    assert "DI-2" in page.locator(".email-text").inner_text()
    _shot(page, "dunning-preview")
    page.go_back()

    group.get_by_role("button", name=re.compile(r"^Approve all \d+ waiting")).click()
    page.wait_for_url("**done=approved")
    assert _row(page, "Delta Foods").get_by_text("approved", exact=True).is_visible()
    _row(page, "Dorado Tools").get_by_text("Exclude…").click()
    # the open form drops below the row's buttons: Preview stays visible and clickable
    _row(page, "Dorado Tools").get_by_role("link", name="Preview").click(trial=True, timeout=2000)
    _shot(page, "dunning-exclude")
    _row(page, "Dorado Tools").get_by_label("Why is it held back?").fill(
        "they called: paying on Friday")
    _row(page, "Dorado Tools").get_by_role("button", name="Exclude from this run").click()
    page.wait_for_url("**done=excluded")
    assert _row(page, "Dorado Tools").get_by_text("they called: paying on Friday").is_visible()
    page.goto("/audit")
    assert page.get_by_role("cell", name="they called: paying on Friday").is_visible()

    invoices, customers = files
    from dunwell.cli import app

    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["dunning", "--invoices", str(invoices), "--customers",
                                      str(customers), "--out", str(out), "--as-of", RUN_DAY])
    assert result.exit_code == 0, result.output
    actions = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False)
    rows = {r.customer_id: (r.channel, r.reason) for r in actions.itertuples()}
    assert (rows["D1"][0], rows["D3"][0]) == ("email", "email")
    assert rows["D2"] == ("hold", "excluded_by_person")
    assert len(list((out / "outbox").glob("*.eml"))) == 2

    page.goto("/customer?id=D1")
    sent = page.locator("section", has=page.get_by_role("heading", name="Reminders as sent"))
    sent.get_by_role("link").first.click()
    page.wait_for_url("**/message?key=**")
    assert "DI-1" in page.locator(".email-text").inner_text()
    _shot(page, "message-as-sent")


def test_a_viewer_sees_no_approval_and_a_forged_approval_is_forbidden(
        page, desk, files):  # noqa: F811
    page.set_default_timeout(SLOW)
    _sign_in(page, "vera")
    page.goto(f"/dunning?day={RUN_DAY}")
    assert page.get_by_text("Dorado Tools").is_visible()
    assert page.get_by_role("button", name=re.compile(r"^Approve all \d+ waiting")).count() == 0
    assert page.get_by_text("Exclude…").count() == 0
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post("/dunning/approve", form={
        "csrf": token, "day": RUN_DAY, "stage": "friendly"}, max_redirects=0)
    assert response.status == 403
    assert "may not dunning.approve" in response.text()
    assert _decisions(desk) == 0


def test_the_approval_form_without_the_sessions_token_is_refused(page, desk, files):  # noqa: F811
    page.set_default_timeout(SLOW)
    _sign_in(page, "clara")
    page.goto(f"/dunning?day={RUN_DAY}")
    form = page.locator("form.approve-all").first
    form.locator("input[name=csrf]").evaluate("(field) => { field.value = 'forged-token'; }")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Not allowed").is_visible()
    assert "security token" in page.locator("main").inner_text()
    assert _decisions(desk) == 0
