"""End to end on a real Prefect server: deploy prefect.yaml, run the daily job through a worker.

What an operator does after `make server`, in a temp folder: start `prefect server start`
(SQLite, or a fresh PostgreSQL database when TEST_DATABASE_URL is set), create the
`dunwell-process` pool, `prefect deploy --all`, start a process worker, then
`prefect deployment run 'dunwell-daily/daily'` and wait for it. The run must complete and
leave its CSVs, report, outbox and database rows behind.
"""

from __future__ import annotations

import csv
import os
import re
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.e2e.prefect_stack import (
    POOL,
    PREFECT,
    REPO,
    base_env,
    create_pool,
    free_port,
    run_cli,
    server_database,
    start,
    stop_group,
    tail,
    wait_for_run,
    wait_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(300)]

AS_OF = date(2026, 11, 20)
RUN_TIMEOUT = 150
EXPECTED = {
    "dunwell-daily/daily": ("0 6 * * 1-5", "Europe/Berlin"),
    "dunwell-statements/hourly": ("0 * * * *", "Europe/Berlin"),
    "dunwell-report/weekly": ("0 7 * * 1", "Europe/Berlin"),
    "dunwell-reconcile/adhoc": None,
    "dunwell-reconcile-partitioned/large": None,
}


def write_company(folder: Path) -> None:
    """A small generated company as the deployments' default inputs (data/*.csv)."""
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    data = generate(5, 40, 300, AS_OF)
    (folder / "data" / "inbox").mkdir(parents=True)
    write_customers(data.customers, folder / "data" / "customers.csv")
    write_invoices(data.invoices, folder / "data" / "invoices.csv")
    write_bank(data.transactions, folder / "data" / "bank.csv")


def write_project(folder: Path, database_url: str) -> None:
    """The repository's prefect.yaml, with the dunwell database passed to every flow run."""
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    for deployment in config["deployments"]:
        pool = deployment["work_pool"] = dict(deployment["work_pool"])
        pool["job_variables"] = {"env": {"DUNWELL_DATABASE_URL": database_url,
                                         "DO_NOT_TRACK": "1"}}
    config["deployments"].append({
        "name": "broken", "entrypoint": f"{Path(__file__).with_name('failing_flow.py')}:broken",
        "work_pool": {"name": POOL, "work_queue_name": "intake",
                      "job_variables": {"env": {"DUNWELL_DATABASE_URL": database_url}}}})
    (folder / "prefect.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def check_deployments(api_url: str) -> None:
    """Four deployments on the dunwell pool, with the schedules prefect.yaml promises."""
    for name, schedule in EXPECTED.items():
        answer = httpx.get(f"{api_url}/deployments/name/{name}", timeout=10)
        assert answer.status_code == 200, f"{name} not deployed"
        deployment = answer.json()
        assert deployment["work_pool_name"] == POOL
        crons = [(s["schedule"].get("cron"), s["schedule"].get("timezone"))
                 for s in deployment["schedules"]]
        assert crons == ([schedule] if schedule else [])
        assert "set_working_directory" in str(deployment["pull_steps"])


def check_outputs(out: Path, db_file: Path, flow_run: dict[str, Any]) -> None:
    """The run's CSVs, report and outbox, and what it recorded in the dunwell database."""
    for name in ("matches.csv", "actions.csv", "report.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    matches, actions = rows(out / "matches.csv"), rows(out / "actions.csv")
    emails = sorted((out / "outbox").glob("*.eml"))
    assert matches and emails
    sent = [a for a in actions if a["channel"] == "email"]
    assert {a["message_id"] for a in sent} <= {
        re.search(r"^Message-ID: (.+)$", e.read_text(errors="replace"),
                  re.MULTILINE | re.IGNORECASE).group(1).strip() for e in emails}
    with sqlite3.connect(db_file) as db:
        runs = db.execute("SELECT kind, status FROM runs").fetchall()
        booked = db.execute("SELECT COUNT(*) FROM matches").fetchone()[0]
        outbox = db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
        dupes = db.execute("SELECT COUNT(*) FROM (SELECT transaction_id, invoice_id FROM matches"
                           " GROUP BY 1, 2 HAVING COUNT(*) > 1)").fetchone()[0]
    assert ("daily", "succeeded") in runs and all(s != "running" for _, s in runs), runs
    assert booked >= len(matches) and dupes == 0
    assert outbox == len(sent) == len(emails)
    assert flow_run["deployment_id"] and flow_run["parameters"]["out"] == "out/daily"


def check_alert(folder: Path, flow_run_id: str) -> None:
    """The failed run's alert, written by the hook in the worker's flow-run process."""
    alerts = list(folder.glob("*.eml"))
    assert len(alerts) == 1, alerts
    text = alerts[0].read_text()
    assert flow_run_id in text and "dunwell-broken" in text and "unreachable" in text


def assert_server_recorded_run(prefect_db: str, flow_run_id: str) -> None:
    """The run is in the server's own database (PostgreSQL when TEST_DATABASE_URL is set)."""
    if not prefect_db.startswith("postgresql"):
        assert prefect_db.startswith("sqlite")
        return
    import psycopg
    from sqlalchemy import make_url

    conninfo = make_url(prefect_db).set(drivername="postgresql").render_as_string(
        hide_password=False)
    with psycopg.connect(conninfo) as db:
        found = db.execute("SELECT state_type FROM flow_run WHERE id = %s",
                           (flow_run_id,)).fetchone()
    assert found is not None and str(found[0]).endswith("COMPLETED"), found


def test_daily_deployment_runs_on_a_real_server_through_a_process_worker(
        tmp_path: Path) -> None:
    started = time.monotonic()

    def phase(what: str) -> None:
        print(f"e2e: {what} after {time.monotonic() - started:.1f}s")

    project, home, logs = tmp_path / "project", tmp_path / "prefect-home", tmp_path / "logs"
    for folder in (project, home, logs):
        folder.mkdir()
    db_file = tmp_path / "dunwell.db"
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    server = worker = None
    with server_database(os.environ.get("TEST_DATABASE_URL", ""), home) as prefect_db:
        env = base_env(home, api_url, {
            "PREFECT_API_DATABASE_CONNECTION_URL": prefect_db,
            # No scheduled runs during the test: only the run we start reaches the worker.
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
        })
        try:
            server = start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port",
                            str(port)], env, logs / "server.log", project)
            write_company(project)  # while the server boots
            write_project(project, f"sqlite:///{db_file}")
            wait_healthy(api_url, server, logs / "server.log")
            phase("server healthy")
            create_pool(api_url, {"books": 1, "intake": None})
            worker = start([PREFECT, "worker", "start", "--pool", POOL], env,
                           logs / "worker.log", project)
            run_cli(["--no-prompt", "deploy", "--all"], env, project, timeout=120)
            phase("deployed")
            check_deployments(api_url)
            output = run_cli(["deployment", "run", "dunwell-daily/daily",
                              "-p", f"as_of={AS_OF.isoformat()}"], env, project)
            flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", output).group(1)
            output = run_cli(["deployment", "run", "dunwell-broken/broken"], env, project)
            broken_id = re.search(r"UUID: ([0-9a-f-]{36})", output).group(1)
            flow_run = wait_for_run(api_url, flow_run_id, RUN_TIMEOUT)
            phase("flow run finished")
            assert flow_run["state"]["type"] == "COMPLETED", (
                f"{flow_run['state']}\n--- worker log ---\n{tail(logs / 'worker.log')}")
            check_outputs(project / "out" / "daily", db_file, flow_run)
            assert_server_recorded_run(prefect_db, flow_run_id)
            assert wait_for_run(api_url, broken_id, 60)["state"]["type"] == "FAILED"
            check_alert(project / ".dunwell" / "alerts", broken_id)
        finally:
            stop_group(worker)
            stop_group(server)
            phase("stopped")
    elapsed = time.monotonic() - started
    print(f"e2e daily deployment on a real Prefect server: {elapsed:.1f}s")
    assert elapsed < 180, f"the e2e run took {elapsed:.0f}s; CI allows 3 minutes"
