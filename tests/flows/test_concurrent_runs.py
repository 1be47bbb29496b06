"""Runs at the same time on the same data never book a payment twice nor send a reminder twice.

The scheduled daily run, an operator's ad-hoc daily run and an ad-hoc reconciliation start
in three processes within milliseconds of each other, on one PostgreSQL database (a fresh
one per test: advisory locks are per database). Whatever interleaving happens, every
payment is booked once and every reminder leaves once: the runs take turns on the run lock
(each completes), and rerunning afterwards books and sends nothing new.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]
AS_OF = date(2026, 11, 20)
CHILD = Path(__file__).with_name("concurrent_child.py")


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    import psycopg
    from sqlalchemy import make_url

    url = make_url(TEST_DATABASE_URL)
    name = f"dunwell_conc_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def company(tmp_path: Path) -> Path:
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    folder = tmp_path / "data"
    data = generate(23, 50, 400, AS_OF)
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")
    return folder


def _kwargs(data: Path, out: Path) -> dict[str, object]:
    return {"invoices": str(data / "invoices.csv"), "customers": str(data / "customers.csv"),
            "bank": [str(data / "bank.csv")], "out": str(out), "as_of": AS_OF.isoformat()}


def _start_children(specs: dict[str, dict[str, object]], tmp: Path, env: dict[str, str]
                    ) -> dict[str, subprocess.Popen[str]]:
    procs = {}
    for name, spec in specs.items():
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(spec))
        procs[name] = subprocess.Popen([sys.executable, str(CHILD), str(path)], env=env,
                                       cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
    return procs


def _release_together(specs: dict[str, dict[str, object]], go: Path,
                      procs: dict[str, subprocess.Popen[str]]) -> None:
    """Wait until every child has imported everything, then let them all go at once."""
    deadline = time.monotonic() + 150
    while not all(Path(str(s["ready"])).exists() for s in specs.values()):
        dead = [n for n, p in procs.items() if p.poll() is not None]
        assert not dead, {n: procs[n].communicate()[1][-3000:] for n in dead}
        assert time.monotonic() < deadline, "children did not get ready"
        time.sleep(0.05)
    go.touch()


def _results(procs: dict[str, subprocess.Popen[str]]) -> dict[str, dict[str, str]]:
    results = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=200)
        assert proc.returncode == 0, f"{name}: {stderr[-3000:]}"
        results[name] = json.loads(stdout.strip().splitlines()[-1])
    return results


def _kill(procs: dict[str, subprocess.Popen[str]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _books(url: str) -> dict[str, object]:
    """What the database says was booked and sent."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as db:
            def rows(sql: str) -> list[tuple[object, ...]]:
                return [tuple(r) for r in db.execute(text(sql))]
            return {
                "pair_dupes": rows("SELECT transaction_id, invoice_id FROM matches "
                                   "GROUP BY 1, 2 HAVING COUNT(*) > 1"),
                "booked_by_runs": rows("SELECT transaction_id FROM matches WHERE status IN "
                                       "('booked', 'accepted') GROUP BY 1 "
                                       "HAVING COUNT(DISTINCT run_id) > 1"),
                "booked": rows("SELECT COUNT(*) FROM matches WHERE status IN "
                               "('booked', 'accepted')")[0][0],
                "sent": rows("SELECT message_id FROM outbox WHERE status = 'sent'"),
                "sent_dupes": rows("SELECT customer_id, currency, stage, invoice_ids FROM outbox"
                                   " WHERE status = 'sent' GROUP BY 1, 2, 3, 4 "
                                   "HAVING COUNT(*) > 1"),
            }
    finally:
        engine.dispose()


def _message_ids(folders: list[Path]) -> list[str]:
    ids = []
    for folder in folders:
        for eml in sorted((folder / "outbox").glob("*.eml")):
            ids.append(str(message_from_bytes(eml.read_bytes(), policy=policy.default)
                           ["Message-ID"]).strip())
    return ids


def test_scheduled_and_adhoc_runs_at_once_book_each_payment_and_send_each_reminder_once(
        prefect_api: None, pg_database: str, company: Path, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": str(PREFECT_API_URL.value()), "DUNWELL_DATABASE_URL": pg_database}
    env.pop("DUNWELL_SMTP_HOST", None)
    go = tmp_path / "go"
    outs = {name: tmp_path / f"out-{name}" for name in ("scheduled", "adhoc", "reconcile")}
    specs = {name: {"flow": "reconcile" if name == "reconcile" else "daily",
                    "kwargs": _kwargs(company, out), "ready": str(tmp_path / f"{name}.ok"),
                    "go": str(go)} for name, out in outs.items()}
    procs = _start_children(specs, tmp_path, env)
    try:
        _release_together(specs, go, procs)
        results = _results(procs)
    finally:
        _kill(procs)

    print("concurrent runs:", results)
    assert all(r["type"] == "COMPLETED" for r in results.values()), results
    first = _books(pg_database)
    assert first["pair_dupes"] == [] and first["booked_by_runs"] == []
    assert first["booked"] > 0 and first["sent"] and first["sent_dupes"] == []
    emails = _message_ids(list(outs.values()))
    assert sorted(emails) == sorted(str(m) for (m,) in first["sent"])
    assert len(set(emails)) == len(emails)

    rerun_out = tmp_path / "out-rerun"
    rerun = _start_children({"rerun": {"flow": "daily", "kwargs": _kwargs(company, rerun_out),
                                       "ready": str(tmp_path / "rerun.ok"), "go": str(go)}},
                            tmp_path, env)
    try:
        again = _results(rerun)["rerun"]
    finally:
        _kill(rerun)
    assert again["type"] == "COMPLETED", again
    after = _books(pg_database)
    resent = (rerun_out / "actions.csv").read_text() if after["sent"] != first["sent"] else ""
    assert after["booked"] == first["booked"], (results, again)
    assert after["sent"] == first["sent"], (results, again, resent)
    assert _message_ids([rerun_out]) == []
