"""Dunning on its own, without a statement: a dry run plans, a real run sends exactly the plan."""

from __future__ import annotations

import email
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select

from dunwell.connectors.storage.models import OutboxMessage, Run

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _rows(db_url: str, table: type) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()


def test_a_dry_run_writes_the_plan_and_previews_and_records_nothing(
        prefect_server: None, company, dunwell_env: Path, db_url: str) -> None:
    from dunwell.flows.dunning import dunning

    folder, _ = company
    summary = dunning(str(folder / "invoices.csv"), str(folder / "customers.csv"), None,
                      str(dunwell_env), "2026-12-07", dry_run=True)
    actions = _read(dunwell_env / "actions.csv")
    planned = actions[actions["channel"] == "email"]
    previews = list((dunwell_env / "preview").glob("*.eml"))
    assert summary.dry_run and len(planned) > 0
    assert len(previews) == len(planned)
    assert not (dunwell_env / "outbox").exists()
    digest = (dunwell_env / "digest.md").read_text(encoding="utf-8")
    assert all(customer in digest for customer in planned["customer_id"])
    assert _rows(db_url, OutboxMessage) == 0 and _rows(db_url, Run) == 0


def test_the_real_run_sends_what_the_dry_run_planned(
        prefect_server: None, company, dunwell_env: Path, tmp_path: Path) -> None:
    from dunwell.flows.dunning import dunning

    folder, _ = company
    args = (str(folder / "invoices.csv"), str(folder / "customers.csv"), None)
    dunning(*args, str(tmp_path / "plan"), "2026-12-07", dry_run=True)
    dunning(*args, str(dunwell_env), "2026-12-07")
    planned = _read(tmp_path / "plan" / "actions.csv")
    sent = _read(dunwell_env / "actions.csv")
    columns = ["customer_id", "currency", "invoice_ids", "stage"]
    emailed = sent[sent["channel"] == "email"]
    assert sorted(map(tuple, emailed[columns].values)) == sorted(
        map(tuple, planned[planned["channel"] == "email"][columns].values))
    outbox = [email.message_from_bytes(p.read_bytes())
              for p in (dunwell_env / "outbox").glob("*.eml")]
    assert sorted(m["Message-ID"] for m in outbox) == sorted(emailed["message_id"])
