"""A killed run leaves no Prefect server behind.

Without PREFECT_API_URL the CLI runs its flow in-process and starts no Prefect
server; with it, the server is the team's and outlives any run by design. Each
test marks the processes it starts with a unique environment variable (children
inherit it, even those that start a new session), kills the run with SIGKILL
and looks for any process still carrying the mark. The second test shows that
the search finds what it is meant to find: a plain Prefect flow run without an
API starts a temporary server, which survives its parent's kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(900)]
MARK = "DUNWELL_TEST_PROCESS_MARK"


def _marked(mark: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment carries `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if f"{MARK}={mark}".encode() in environ.split(b"\0") and state != "Z":
            found.append((int(entry.name), cmdline))
    return found


def _survivors(mark: str, grace: float = 5.0) -> list[tuple[int, str]]:
    """Processes still marked after a grace period (a child may take a moment to notice)."""
    deadline = time.monotonic() + grace
    while (left := _marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _env(mark: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DUNWELL_"))}
    return {**env, MARK: mark, "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_cli_run_killed_while_sending_leaves_no_process_behind(company, tmp_path: Path) -> None:
    folder, _ = company
    mark = uuid.uuid4().hex
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.05)})
    with faulty_smtp(server) as (_, port):
        env = {**_env(mark, tmp_path / "prefect"),
               "DUNWELL_DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
               "DUNWELL_SMTP_HOST": "127.0.0.1", "DUNWELL_SMTP_PORT": str(port),
               "DUNWELL_SMTP_SECURITY": "none"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "dunwell.cli", "dunning", "--invoices",
             str(folder / "invoices.csv"), "--customers", str(folder / "customers.csv"),
             "--as-of", "2026-12-07", "--out", str(tmp_path / "out")],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 600
        while len(server.accepted) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be killed"
        running = _marked(mark)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # the run started no server; the Data Docs helper may still be writing the site
    helpers = [pid for pid, cmd in running if "dunwell.connectors.quality.gx_engine" in cmd]
    assert sorted(pid for pid, _ in running) == sorted([proc.pid, *helpers]), running
    assert len(helpers) <= 1, running
    assert _survivors(mark) == []  # a helper ends with its run


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_the_search_finds_the_server_a_plain_prefect_flow_leaves_behind(tmp_path: Path) -> None:
    """Without dunwell's local runner, Prefect starts a temporary server for a flow run."""
    mark = uuid.uuid4().hex
    script = ("from prefect import flow\nimport time\n"
              "@flow\ndef f():\n    print('FLOW-BODY-STARTED', flush=True); time.sleep(600)\nf()\n")
    env = {**_env(mark, tmp_path / "prefect"),
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 400
        line = ""
        while ("FLOW-BODY-STARTED" not in line and time.monotonic() < deadline
               and proc.poll() is None):
            line = proc.stdout.readline()
        assert "FLOW-BODY-STARTED" in line, "the flow never ran"
        before = _marked(mark)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = _survivors(mark)
        assert left and any("uvicorn" in cmd for _, cmd in left), (line, before, left)
    finally:
        for pid, _ in _marked(mark):
            os.kill(pid, signal.SIGKILL)
