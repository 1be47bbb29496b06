"""Dunning before it goes out, through the service layer the CLI and the web share: the next
run's messages, approve, exclude, and the run itself holding what nobody approved."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dunwell import approvals
from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.errors import Forbidden, InputError
from tests.web.gate_seed import FRIENDLY_NEEDS_APPROVAL, RUN_DAY, seed_dunning
from tests.web.seed import actor

DAY = date.fromisoformat(RUN_DAY)


@pytest.fixture
def planned(desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):
    """The seeded desk plus D1-D3, friendly reminders needing approval, the run's files."""
    monkeypatch.setenv("DUNWELL_DUNNING_APPROVAL", FRIENDLY_NEEDS_APPROVAL)
    monkeypatch.setenv("DUNWELL_DATABASE_URL", db_url)
    monkeypatch.delenv("DUNWELL_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return seed_dunning(desk, tmp_path / "data")


def _group(outlook: approvals.Outlook, stage: str, segment: str) -> approvals.Group:
    return next(g for g in outlook.groups if (g.stage, g.segment) == (stage, segment))


def _by_customer(outlook: approvals.Outlook) -> dict[str, str]:
    return {r.customer_id: r.state for g in outlook.groups for r in g.rows}


def test_the_next_runs_messages_are_listed_by_stage_and_segment_waiting(desk, planned):
    seen = approvals.outlook(desk, actor("vera"), DAY)
    friendly = _group(seen, "friendly", "standard")
    assert friendly.needs_approval
    assert {r.customer_id: r.state for r in friendly.rows} == {
        "D1": "waiting", "D2": "waiting", "D3": "waiting"}
    assert sorted(str(r.total) for r in friendly.rows) == ["120.00", "240.00", "360.00"]


def test_the_preview_is_the_email_the_run_would_send(desk, planned):
    seen = approvals.outlook(desk, actor("vera"), DAY)
    row = next(r for r in _group(seen, "friendly", "standard").rows if r.customer_id == "D2")
    _, email = approvals.preview(desk, actor("vera"), DAY, row.key)
    assert email["To"] == "Dorado Tools <ap@d2.example>"
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "DI-2" in text and "240.00" in text


def test_approve_all_then_exclude_one_is_audited_and_exclusion_wins(desk, planned):
    count = approvals.approve(desk, actor("clara"), DAY, stage="friendly", segment="standard",
                              why="checked the list")
    assert count == 3
    key = next(r.key for g in approvals.outlook(desk, actor("clara"), DAY).groups
               for r in g.rows if r.customer_id == "D2")
    approvals.exclude(desk, actor("clara"), DAY, key, "they called: paying on Friday")
    assert _by_customer(approvals.outlook(desk, actor("vera"), DAY)) == {
        "D1": "approved", "D2": "excluded", "D3": "approved"}
    with storage.transaction(desk) as session:
        entries, _ = people.list_audit(session, text="dunning.")
        log = [(e.action, e.customer_id, e.why) for e in entries]
    assert ("dunning.exclude", "D2", "they called: paying on Friday") in log
    assert sum(1 for a, _, _ in log if a == "dunning.approve") == 3


def test_a_viewer_may_not_approve_and_an_exclusion_needs_a_reason(desk, planned):
    with pytest.raises(Forbidden):
        approvals.approve(desk, actor("vera"), DAY, stage="friendly")
    key = _group(approvals.outlook(desk, actor("clara"), DAY), "friendly", "standard").rows[0].key
    with pytest.raises(InputError, match="say why"):
        approvals.exclude(desk, actor("clara"), DAY, key, "  ")
    assert set(_by_customer(approvals.outlook(desk, actor("vera"), DAY)).values()) == {"waiting"}


def _dunning_run(planned: tuple[Path, Path], out: Path):  # noqa: ANN202 - (result, actions)
    from dunwell.cli import app

    invoices, customers = planned
    result = CliRunner().invoke(app, ["dunning", "--invoices", str(invoices), "--customers",
                                      str(customers), "--out", str(out), "--as-of", RUN_DAY])
    actions = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False) \
        if (out / "actions.csv").exists() else None
    return result, actions


def test_the_run_holds_what_waits_and_sends_only_what_was_approved(desk, planned, tmp_path):
    result, actions = _dunning_run(planned, tmp_path / "first")
    assert result.exit_code == 0, result.output
    mine = actions[actions["customer_id"].str.startswith("D")]
    assert set(mine["channel"]) == {"hold"} and set(mine["reason"]) == {"awaiting_approval"}

    approvals.approve(desk, actor("clara"), DAY, stage="friendly", segment="standard")
    key = next(r.key for g in approvals.outlook(desk, actor("clara"), DAY).groups
               for r in g.rows if r.customer_id == "D2")
    approvals.exclude(desk, actor("clara"), DAY, key, "they called")
    result, actions = _dunning_run(planned, tmp_path / "second")
    assert result.exit_code == 0, result.output
    rows = {r.customer_id: (r.channel, r.reason) for r in actions.itertuples()}
    assert rows["D1"][0] == "email" and rows["D3"][0] == "email"
    assert rows["D2"] == ("hold", "excluded_by_person")
    assert len(list((tmp_path / "second" / "outbox").glob("*.eml"))) == 2


def test_a_kept_payment_plan_holds_the_ladder_and_its_instalment_is_reminded(desk, planned,
                                                                             tmp_path):
    from dunwell import payment_plans

    plan_id = payment_plans.create(desk, actor("clara"), "D1", ["DI-1"],
                                   "2026-12-09 60.00\n2027-01-09 60.00", "two halves")
    result, actions = _dunning_run(planned, tmp_path / "run")
    assert result.exit_code == 0, result.output
    d1 = sorted((r.channel, r.stage, r.invoice_ids, r.reason)
                for r in actions.itertuples() if r.customer_id == "D1")
    assert d1[0][:3] == ("email", "instalment", f"{plan_id}#1"), d1
    assert d1[1] == ("hold", "friendly", "DI-1", f"payment_plan {plan_id}")


def _cli(*args: str):  # noqa: ANN202 - a click Result
    from dunwell.cli import app

    return CliRunner().invoke(app, list(args))


def test_the_shell_lists_approves_and_excludes_as_the_web_does(desk, planned, tmp_path):
    listed = _cli("dunning", "planned", "--as-of", RUN_DAY)
    assert listed.exit_code == 0, listed.output
    assert "3 messages wait for approval" in listed.output
    assert "friendly / standard (needs approval): waiting 3" in listed.output
    approved = _cli("dunning", "approve", "--stage", "friendly", "--customer", "D3",
                    "--as-of", RUN_DAY)
    assert approved.output.strip() == "approved 1 friendly message"
    excluded = _cli("dunning", "exclude", "D2", "--stage", "friendly", "--note", "in dispute",
                    "--as-of", RUN_DAY)
    assert excluded.exit_code == 0, excluded.output
    assert _by_customer(approvals.outlook(desk, actor("vera"), DAY)) == {
        "D1": "waiting", "D2": "excluded", "D3": "approved"}
    unknown = _cli("dunning", "exclude", "D9", "--stage", "friendly", "--note", "x",
                   "--as-of", RUN_DAY)
    assert unknown.exit_code == 2 and "0 planned friendly messages to 'D9'" in unknown.output
    result, _ = _dunning_run(planned, tmp_path / "run")
    assert result.exit_code == 0, result.output
    status = _cli("status")
    assert "approval: the run of 2026-12-07 held 1 awaiting_approval, 1 excluded_by_person" \
        in status.output


def test_a_cancelled_payment_plan_gives_its_invoices_back_to_the_ladder(desk, planned,
                                                                       tmp_path):
    from dunwell import payment_plans

    plan_id = payment_plans.create(desk, actor("clara"), "D1", ["DI-1"],
                                   "2026-12-09 60.00\n2027-01-09 60.00", "two halves")
    with pytest.raises(Forbidden):
        payment_plans.cancel(desk, actor("vera"), plan_id, "not mine to cancel")
    refused = _cli("customer", "plan", "D1", "--cancel", plan_id)
    assert refused.exit_code == 2 and "say why the plan is cancelled" in refused.output
    mixed = _cli("customer", "plan", "D1", "--cancel", plan_id, "--invoice", "DI-1")
    assert mixed.exit_code == 2 and "--cancel takes no --invoice" in mixed.output
    other = _cli("customer", "plan", "D2", "--cancel", plan_id, "--note", "wrong customer")
    assert other.exit_code == 2 and f"no payment plan '{plan_id}' is in force for D2" \
        in other.output

    cancelled = _cli("customer", "plan", "D1", "--cancel", plan_id, "--note", "missed a call")
    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.output.strip() == f"{plan_id}: cancelled; the ladder applies to DI-1 again"
    with storage.transaction(desk) as session:
        entries, _ = people.list_audit(session, text="payment_plan", limit=5)
    assert (entries[0].action, entries[0].subject, entries[0].customer_id, entries[0].why) == (
        "payment_plan.cancel", plan_id, "D1", "missed a call")
    [shown] = payment_plans.of_customer(desk, actor("vera"), "D1", DAY)
    assert (shown.plan_id, shown.status) == (plan_id, "cancelled")

    result, actions = _dunning_run(planned, tmp_path / "run")
    assert result.exit_code == 0, result.output
    d1 = [(r.channel, r.stage, r.reason) for r in actions.itertuples() if r.customer_id == "D1"]
    assert d1 == [("hold", "friendly", "awaiting_approval")], d1
    again = _cli("customer", "plan", "D1", "--cancel", plan_id, "--note", "twice")
    assert again.exit_code == 2 and "is in force" in again.output
    assert _cli("customer", "plan", "D1").exit_code == 2


def test_the_plan_is_kept_while_its_inputs_stand_and_made_again_when_they_change(
        desk, planned, monkeypatch):
    from dunwell import workbench

    made = []
    plan = approvals._plan
    monkeypatch.setattr(approvals, "_plan", lambda *a: made.append(a[1]) or plan(*a))
    first = approvals.outlook(desk, actor("vera"), DAY)
    row = _group(first, "friendly", "standard").rows[0]
    approvals.preview(desk, actor("vera"), DAY, row.key)
    approvals.approve(desk, actor("clara"), DAY, stage="friendly", keys=[row.key])
    assert _by_customer(approvals.outlook(desk, actor("vera"), DAY))[row.customer_id] \
        == "approved"
    assert made == [DAY]  # the page, its preview, an approval and the page again: one plan
    approvals.outlook(desk, actor("vera"), date(2026, 12, 8))
    assert made == [DAY, date(2026, 12, 8)]

    workbench.customer_state(desk, actor("clara"), "D2", "pause", note="in talks")
    assert "D2" not in _by_customer(approvals.outlook(desk, actor("vera"), DAY))
    assert made == [DAY, date(2026, 12, 8), DAY]


def test_dunwell_web_plans_the_next_run_ahead_so_the_first_visitor_does_not_wait(
        desk, planned, monkeypatch):
    import time

    from fastapi.testclient import TestClient

    from dunwell.web import create_app
    from tests.web.test_routes import _sign_in

    made = []
    plan = approvals._plan
    monkeypatch.setattr(approvals, "_plan", lambda *a: made.append(a[1]) or plan(*a))
    with TestClient(create_app(desk, plan_ahead=True), follow_redirects=False) as client:
        deadline = time.monotonic() + 60
        while not made or approvals._PLANNING.locked():
            assert time.monotonic() < deadline, "nothing was planned ahead"
            time.sleep(0.1)
        _sign_in(client, "vera")
        assert client.get("/dunning").status_code == 200
    assert made == [approvals.run_day("")]
