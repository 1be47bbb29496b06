"""A failing mail server costs a run little: the failure budget stops sending, the rest stays
planned and goes out exactly once with the next run; bounces are kept with code and recipient."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from dunwell.connectors.storage.models import CustomerState, OutboxMessage
from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp, free_port

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
DAY = "2026-12-07"


def _statuses(db_url: str) -> pd.DataFrame:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(
                OutboxMessage.key, OutboxMessage.customer_id, OutboxMessage.recipient,
                OutboxMessage.status, OutboxMessage.smtp_code, OutboxMessage.attempts,
                OutboxMessage.channel)).all()
    finally:
        engine.dispose()
    frame = pd.DataFrame(rows, columns=["key", "customer_id", "recipient", "status", "smtp_code",
                                        "attempts", "channel"])
    return frame[frame["channel"] == "email"]


def _smtp_env(monkeypatch: pytest.MonkeyPatch, port: int, **extra: str) -> None:
    for name, value in {"DUNWELL_SMTP_HOST": "127.0.0.1", "DUNWELL_SMTP_PORT": str(port),
                        "DUNWELL_SMTP_SECURITY": "none", "DUNWELL_SMTP_TIMEOUT": "2",
                        **extra}.items():
        monkeypatch.setenv(name, value)


def test_the_failure_budget_stops_sending_and_the_next_run_sends_the_rest_once(
        prefect_server: None, company, dunwell_env: Path, db_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dunwell.flows.dunning import dunning

    folder, _ = company
    args = (str(folder / "invoices.csv"), str(folder / "customers.csv"), None)
    server = FaultySmtp(faults={"*": Fault("data_code", "421 4.3.2 try later")})
    with faulty_smtp(server) as (_, port):
        _smtp_env(monkeypatch, port, DUNWELL_MAIL_FAILURE_LIMIT="3")
        first = dunning(*args, str(dunwell_env / "1"), DAY)
        after_first = _statuses(db_url)
        server.faults.clear()
        second = dunning(*args, str(dunwell_env / "2"), DAY)
    assert sorted(after_first["status"].value_counts().items()) == [
        ("failed", 3), ("planned", len(after_first) - 3)]
    assert set(after_first.loc[after_first["status"] == "failed", "smtp_code"]) == {421}
    assert any("sending stopped after 3 failed deliveries" in n for n in first.notes)
    assert first.undelivered == len(after_first) and first.needs_a_person
    assert first.reminders == {}
    actions = pd.read_csv(dunwell_env / "1" / "actions.csv", dtype=str, keep_default_na=False)
    assert set(actions.loc[actions["channel"] == "hold", "reason"]) >= {
        "delivery_failed 421", "mail_budget_spent"}

    final = _statuses(db_url)
    assert set(final["status"]) == {"sent"} and len(final) == len(after_first)
    ids = server.headers("Message-ID")
    assert len(ids) == len(set(ids)) == len(final)
    assert second.undelivered == 0
    assert sum(v.get("sent", 0) for v in second.deliveries.values()) == len(final)
    assert final.set_index("key").loc[after_first.loc[
        after_first["status"] == "failed", "key"], "attempts"].tolist() == [2, 2, 2]


def test_a_bounce_is_kept_with_code_and_recipient_and_the_customer_paused(
        prefect_server: None, company, dunwell_env: Path, db_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dunwell.flows.dunning import dunning

    folder, _ = company
    args = (str(folder / "invoices.csv"), str(folder / "customers.csv"), None)
    with faulty_smtp() as (server, port):
        _smtp_env(monkeypatch, port)
        dunning(*args, str(dunwell_env / "plan"), DAY, dry_run=True)
        recipients = [_to(p) for p in sorted((dunwell_env / "plan" / "preview").glob("*.eml"))]
        address = recipients[0]
        server.faults[address] = Fault("rcpt_code", "550 5.1.1 no such user")
        summary = dunning(*args, str(dunwell_env / "1"), DAY)
    rows = _statuses(db_url)
    bounced = rows[rows["status"] == "bounced"]
    assert bounced["recipient"].tolist() == [address] * recipients.count(address)
    assert set(bounced["smtp_code"]) == {550}
    assert set(rows.loc[rows["recipient"] != address, "status"]) == {"sent"}
    assert sum(v.get("bounced", 0) for v in summary.deliveries.values()) == len(bounced)
    assert address not in [r for _, rs, _ in server.accepted for r in rs]
    [customer] = set(bounced["customer_id"])
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            paused, notes = connection.execute(select(CustomerState.paused, CustomerState.notes)
                                               .where(CustomerState.customer_id == customer)).one()
    finally:
        engine.dispose()
    assert paused and "550" in notes and address in notes


def _to(path: Path) -> str:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)[
        "To"].addresses[0].addr_spec


def test_strict_exits_1_and_says_so_when_the_mail_server_is_down(
        prefect_server: None, company, tmp_path: Path, db_url: str) -> None:
    from prefect.settings import PREFECT_API_URL

    folder, _ = company
    env = {**os.environ, "DUNWELL_DATABASE_URL": db_url, "DUNWELL_SMTP_HOST": "127.0.0.1",
           "DUNWELL_SMTP_PORT": str(free_port()), "DUNWELL_SMTP_SECURITY": "none",
           "PREFECT_API_URL": str(PREFECT_API_URL.value()), "COLUMNS": "200"}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dunwell.cli", "dunning", "--invoices",
         str(folder / "invoices.csv"), "--customers", str(folder / "customers.csv"),
         "--as-of", DAY, "--out", str(tmp_path / "out"), "--strict"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "sending stopped after 5 failed deliveries in a row" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    rows = _statuses(db_url)
    assert (rows["status"] == "failed").sum() == 5
    assert took < 120


def test_the_daily_report_and_the_prefect_artifact_count_deliveries_after_sending(
        prefect_server: None, company, dunwell_env: Path, db_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5xx and a 4xx at the mail server show up, per stage, in report.html and in the flow
    run's markdown artifact: the report is built after the sending step, not before."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from dunwell.flows.daily import daily
    from dunwell.flows.dunning import dunning

    folder, _ = company
    with faulty_smtp() as (server, port):
        _smtp_env(monkeypatch, port, DUNWELL_MAIL_FAILURE_LIMIT="50")
        # the plan after the same statement the daily run matches: these customers get mail
        dunning(str(folder / "invoices.csv"), str(folder / "customers.csv"),
                [str(folder / "bank.csv")], str(dunwell_env / "plan"), DAY, dry_run=True)
        recipients = sorted({_to(p) for p in (dunwell_env / "plan" / "preview").glob("*.eml")})
        server.faults[recipients[0]] = Fault("rcpt_code", "550 5.1.1 no such user")
        server.faults[recipients[1]] = Fault("data_code", "451 4.3.0 try later")
        summary = daily(str(folder / "invoices.csv"), str(folder / "customers.csv"),
                        [str(folder / "bank.csv")], str(dunwell_env / "daily"), DAY)
    rows = _statuses(db_url)
    counts = rows.groupby("status").size().to_dict()
    assert counts.get("bounced", 0) >= 1 and counts.get("failed", 0) >= 1, counts
    assert {s: sum(v.get(s, 0) for v in summary.deliveries.values())
            for s in ("sent", "bounced", "failed")} == {
        s: counts.get(s, 0) for s in ("sent", "bounced", "failed")}
    html = Path(summary.paths["report"]).read_text(encoding="utf-8")
    assert "Deliveries not completed" in html
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td>((?:<td[^>]*>\d+</td>){5})</tr>", html)
    shown = {label.strip().lower(): [int(n) for n in re.findall(r">(\d+)<", cells)]
             for label, cells in rows}
    statuses = ("sent", "failed", "bounced", "unknown", "planned")
    assert shown == {stage.replace("_", " "): [by_status.get(s, 0) for s in statuses]
                     for stage, by_status in summary.deliveries.items()}, shown
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dunwell-run-files"])))
    [note] = [a.data for a in artifacts if summary.run_id in str(a.data)]
    assert "| stage | sent | failed | bounced | unknown | planned |" in note
    for stage, by_status in summary.deliveries.items():
        cells = " | ".join(str(by_status.get(s, 0))
                           for s in ("sent", "failed", "bounced", "unknown", "planned"))
        assert f"| {stage} | {cells} |" in note
