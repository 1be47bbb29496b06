"""Runs: their record, their lock, their quarantine, and all-or-nothing writes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from storage_samples import customers_frame, invoices_frame, txn

from dunwell.connectors.storage import (
    claim_message,
    finish_run,
    load_invoices,
    open_db,
    record_statement_import,
    run_lock,
    save_quarantine,
    save_reconciliation,
    start_run,
    transaction,
    upsert_customers,
    upsert_invoices,
)
from dunwell.connectors.storage.models import Base, QuarantineRow, Run, RunLock
from dunwell.connectors.storage.runs import process_identity
from dunwell.errors import ConcurrentRunError


def _counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}


def test_a_run_is_recorded_with_parameters_and_summary(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        run_id = start_run(session, "daily", date(2026, 11, 20), {"out": "demo-out", "n": 3})
    with transaction(db_engine) as session:
        finish_run(session, run_id, "succeeded", {"matched": 12, "as_of": date(2026, 11, 20)})
    with transaction(db_engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        assert (run.kind, run.status, run.as_of) == ("daily", "succeeded", "2026-11-20")
        assert run.parameters == {"out": "demo-out", "n": 3}
        assert run.summary == {"matched": 12, "as_of": "2026-11-20"}
        assert run.finished_at is not None and run.finished_at.tzinfo is not None


def test_quarantined_rows_keep_dataset_line_reason_and_content(db_engine: Engine) -> None:
    frame = pd.DataFrame({
        "invoice_id": ["INV-7"], "amount_minor": [100], "due_date": pd.to_datetime(["2026-01-01"]),
        "line": [7], "reason": ["due_before_issue"], "dataset": ["invoices"],
    })
    with transaction(db_engine) as session:
        assert save_quarantine(session, "run-x", frame) == 1
        row = session.scalars(select(QuarantineRow)).one()
    assert (row.dataset, row.line, row.reason) == ("invoices", 7, "due_before_issue")
    assert row.row == {"invoice_id": "INV-7", "amount_minor": 100,
                       "due_date": "2026-01-01T00:00:00"}


def test_a_run_that_fails_halfway_leaves_the_database_unchanged(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 100)]))
    before = _counts(db_engine)
    with pytest.raises(RuntimeError, match="disk full"), transaction(db_engine) as session:
        run_id = start_run(session, "daily", "2026-11-20", {})
        upsert_customers(session, customers_frame("C1", "C2"))
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 999), ("INV-2", "C2",
                                                                              "EUR", 5)]))
        record_statement_import(session, "s.sta", "h", "mt940", [txn("T1"), txn("T2")])
        save_reconciliation(session, run_id, pd.DataFrame({
            "transaction_id": ["T1"], "invoice_id": ["INV-1"], "applied_minor": [100],
            "currency": ["EUR"], "confidence": [99], "decision": ["auto"], "reasons": ["ref"]}),
            pd.DataFrame(columns=["kind", "transaction_id", "invoice_id", "amount", "detail"]))
        claim_message(session, "key-1", run_id, customer_id="C1", currency="EUR",
                      stage="friendly", invoice_ids=["INV-1"])
        raise RuntimeError("disk full")
    assert _counts(db_engine) == before
    with transaction(db_engine) as session:
        assert load_invoices(session)["amount_minor"].tolist() == [100]


def test_run_lock_refuses_a_second_holder(db_engine: Engine) -> None:
    with run_lock(db_engine, "daily"):
        with pytest.raises(ConcurrentRunError, match="daily"), run_lock(db_engine, "daily"):
            pass
        with run_lock(db_engine, "other-work"):
            pass
    with run_lock(db_engine, "daily"):
        pass


def test_run_lock_waits_for_the_holder_up_to_a_timeout(db_engine: Engine) -> None:
    with run_lock(db_engine, "daily"), pytest.raises(ConcurrentRunError):
        with run_lock(db_engine, "daily", wait_seconds=0.3, poll_seconds=0.1):
            pass


def test_run_lock_is_held_across_processes(db_url: str, db_engine: Engine) -> None:
    child = (
        "import sys\n"
        "from dunwell.connectors.storage import open_db, run_lock\n"
        "from dunwell.errors import ConcurrentRunError\n"
        "try:\n"
        "    with run_lock(open_db(sys.argv[1]), 'daily'):\n"
        "        sys.exit(0)\n"
        "except ConcurrentRunError:\n"
        "    sys.exit(3)\n"
    )
    with run_lock(db_engine, "daily"):
        held = subprocess.run([sys.executable, "-c", child, db_url], check=False, timeout=60)
    free = subprocess.run([sys.executable, "-c", child, db_url], check=False, timeout=60)
    assert (held.returncode, free.returncode) == (3, 0)


def test_a_sqlite_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 'd.db'}")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with transaction(engine) as session:
        session.add(RunLock(name="daily", owner=f"{socket.gethostname()}:{dead}:x"))
    with run_lock(engine, "daily"):
        pass
    engine.dispose()


def test_a_waiting_run_hears_who_holds_the_lock_and_since_when(db_engine: Engine) -> None:
    heard: list[object] = []
    with run_lock(db_engine, "daily"), pytest.raises(ConcurrentRunError) as info:
        with run_lock(db_engine, "daily", wait_seconds=0.3, poll_seconds=0.1,
                      on_wait=heard.append):
            pass
    [holder] = heard
    assert f"process {os.getpid()} on {socket.gethostname()}, since 20" in str(holder)
    assert str(holder) in str(info.value) and "lock_wait_seconds" in str(info.value)


def _lock_row(engine: Engine, owner: str, age_seconds: float = 0.0) -> None:
    with transaction(engine) as session:
        session.add(RunLock(name="daily", owner=owner,
                            acquired_at=datetime.now(UTC) - timedelta(seconds=age_seconds)))


def test_a_sqlite_lock_whose_pid_now_belongs_to_another_process_is_taken_over(
        tmp_path: Path) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 'd.db'}")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        identity = process_identity(other.pid)
        host, pid, started = identity.split(":")
        _lock_row(engine, f"{host}:{pid}:{int(started) + 1}:x")  # same pid, not that process
        with run_lock(engine, "daily"):
            pass
        _lock_row(engine, f"{identity}:x")  # that very process: still running, so it holds
        with pytest.raises(ConcurrentRunError, match=f"process {pid} on {host}"):
            with run_lock(engine, "daily"):
                pass
    finally:
        other.kill()
        other.wait()
    with run_lock(engine, "daily"):  # and once it is gone, the lock is free
        pass
    engine.dispose()


def test_a_sqlite_lock_from_another_host_is_broken_only_by_age(tmp_path: Path) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 'd.db'}")
    _lock_row(engine, "elsewhere:123:456:x", age_seconds=60)
    with pytest.raises(ConcurrentRunError, match="process 123 on elsewhere"):
        with run_lock(engine, "daily", stale_seconds=3600):
            pass
    with run_lock(engine, "daily", stale_seconds=30):
        pass
    engine.dispose()
