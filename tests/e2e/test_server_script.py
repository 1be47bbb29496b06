"""`make server` end to end: scripts/server.sh brings everything up, Ctrl-C takes it all down.

The script runs on a free port with its own PREFECT_HOME, deploying prefect.yaml from a temp
folder with a bank statement waiting in data/inbox; the hourly statement pull is started
by hand as the script tells operators to, and must import the file. After SIGINT (Ctrl-C)
the server and the worker must be gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.e2e.prefect_stack import REPO, base_env, free_port, run_cli, tail, wait_for_run

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(300)]
SCRIPT = REPO / "scripts" / "server.sh"


def _alive(pid_file: Path) -> int | None:
    """The process group named in a pid file, if any of it still runs."""
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip())
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _wait_for_line(log: Path, proc: subprocess.Popen[bytes], text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in (log.read_text(errors="replace") if log.exists() else ""):
            return
        assert proc.poll() is None, f"server.sh exited early:\n{tail(log)}"
        time.sleep(0.5)
    raise AssertionError(f"server.sh did not print {text!r} in {timeout}s:\n{tail(log)}")


def test_server_script_serves_deployments_and_stops_everything_on_ctrl_c(
        tmp_path: Path) -> None:
    from dunwell.connectors.sources.canonical import write_bank
    from dunwell.synth import generate

    project, home = tmp_path / "project", tmp_path / "prefect-home"
    (project / "data" / "inbox").mkdir(parents=True)
    shutil.copy(REPO / "prefect.yaml", project / "prefect.yaml")
    write_bank(generate(3, 20, 100, date(2026, 11, 20)).transactions,
               project / "data" / "inbox" / "bank-2026-11-20.csv")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = base_env(home, api_url, {
        "DUNWELL_PREFECT_PORT": str(port), "DUNWELL_DEPLOY_DIR": str(project),
        "DUNWELL_DATABASE_URL": f"sqlite:///{tmp_path / 'dunwell.db'}",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "1",
    })
    env.pop("PREFECT_API_URL")  # the script sets it from the port
    env["PREFECT_LOGGING_LEVEL"] = "WARNING"  # as `make` used to export: run logs still at INFO
    log = tmp_path / "server-sh.log"
    with log.open("wb") as sink:
        script = subprocess.Popen(["bash", str(SCRIPT)], env=env, cwd=tmp_path, stdout=sink,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_line(log, script, "dunwell is running", 150)
        printed = log.read_text()
        assert "prefect deployment run 'dunwell-reconcile/adhoc'" in printed
        for name in ("dunwell-daily/daily", "dunwell-statements/hourly",
                     "dunwell-reconcile/adhoc", "dunwell-report/weekly",
                     "dunwell-reconcile-partitioned/large"):
            answer = httpx.get(f"{api_url}/deployments/name/{name}", timeout=10)
            assert answer.status_code == 200, name

        output = run_cli(["deployment", "run", "dunwell-statements/hourly"],
                         {**env, "PREFECT_API_URL": api_url}, tmp_path)
        run_id = re.search(r"UUID: ([0-9a-f-]{36})", output).group(1)
        state = wait_for_run(api_url, run_id, 120)["state"]
        assert state["type"] == "COMPLETED", (state, tail(home / "logs" / "worker.log"))
        assert (project / "data" / "inbox" / "processed" / "bank-2026-11-20.csv").exists()
        logs = httpx.post(f"{api_url}/logs/filter", timeout=10, json={
            "logs": {"flow_run_id": {"any_": [run_id]}}}).json()
        assert any(entry["level"] == 20 for entry in logs), logs  # INFO lines in the UI
        for name in ("invoices.csv", "customers.csv", "bank.csv"):  # seeded from the demo
            assert (project / "data" / name).stat().st_size > 1000, name

        os.killpg(script.pid, signal.SIGINT)
        assert script.wait(timeout=60) != 0
        assert "[dunwell] stopped" in log.read_text()
        assert _alive(home / "server.pid") is None and _alive(home / "worker.pid") is None
        assert not (home / "server.pid").exists()
    finally:
        for pid_file in (home / "worker.pid", home / "server.pid"):
            pid = _alive(pid_file)
            if pid:
                os.killpg(pid, signal.SIGKILL)
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait()


@pytest.mark.timeout(900)
def test_a_kill_9_of_the_script_takes_the_server_with_it(tmp_path: Path) -> None:
    """No trap runs on SIGKILL: the script's watchdog must stop the server it started (and
    the worker, the same way, once there is one)."""
    project, home = tmp_path / "project", tmp_path / "prefect-home"
    (project / "data").mkdir(parents=True)
    shutil.copy(REPO / "prefect.yaml", project / "prefect.yaml")
    for name in ("invoices.csv", "customers.csv", "bank.csv"):  # skip the demo seeding
        (project / "data" / name).write_text("x\n")
    port = free_port()
    env = base_env(home, f"http://127.0.0.1:{port}/api", {
        "DUNWELL_PREFECT_PORT": str(port), "DUNWELL_DEPLOY_DIR": str(project),
        "DUNWELL_DATABASE_URL": f"sqlite:///{tmp_path / 'dunwell.db'}",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false"})
    env.pop("PREFECT_API_URL")
    log = tmp_path / "server-sh.log"
    with log.open("wb") as sink:
        script = subprocess.Popen(["bash", str(SCRIPT)], env=env, cwd=tmp_path, stdout=sink,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_line(log, script, "work pool dunwell-process", 600)  # the server is healthy
        server = _alive(home / "server.pid")
        assert server
        os.kill(script.pid, signal.SIGKILL)  # the script alone, as an OOM killer would
        script.wait()
        deadline = time.monotonic() + 60
        while _alive(home / "server.pid") and time.monotonic() < deadline:
            time.sleep(0.5)
        with pytest.raises(ProcessLookupError):
            os.killpg(server, 0)
    finally:
        for pid_file in (home / "worker.pid", home / "server.pid"):
            pid = _alive(pid_file)
            if pid:
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(script.pid, signal.SIGKILL)
