"""A real Prefect stack for end-to-end tests: server, work pool, deployments, process worker.

Every process runs in its own process group and is stopped by `stop_group` (SIGINT, then
SIGKILL), so a failing test leaves nothing running. The server's database is SQLite in
the test's folder, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
REPO = Path(__file__).resolve().parents[2]
POOL = "dunwell-process"
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(home: Path, api_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every child: no telemetry, its own PREFECT_HOME, our server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url,
        "PREFECT_UI_URL": api_url.removesuffix("/api"),
        "PREFECT_LOGGING_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
        "PREFECT_CLI_PROMPT": "false",
    })
    env.update(extra or {})
    return env


def start(args: list[str], env: Mapping[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start a long-running child in its own process group, output into `log`."""
    with log.open("ab") as sink:
        return subprocess.Popen(args, env=dict(env), cwd=cwd, stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)


def stop_group(proc: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    """Stop a child and everything it started: SIGINT to its group, SIGKILL after `grace`."""
    if proc is None:
        return
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # the group may outlive its leader (flow-run subprocesses)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_cli(args: list[str], env: Mapping[str, str], cwd: Path, timeout: float = 90) -> str:
    """Run a short `prefect ...` command; its output, or AssertionError with the output."""
    done = subprocess.run([PREFECT, *args], env=dict(env), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, start_new_session=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{output[-4000:]}"
    return output


def wait_healthy(api_url: str, server: subprocess.Popen[bytes], log: Path,
                 timeout: float = 90) -> None:
    """Block until the API answers /health, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"prefect server exited:\n{tail(log)}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    else:
        raise AssertionError(f"prefect server not healthy after {timeout}s:\n{tail(log)}")
    time.sleep(1)  # a server that lost the port to another process exits right away
    if server.poll() is not None:
        raise AssertionError(f"prefect server exited (port taken?):\n{tail(log)}")


def create_pool(api_url: str, queues: Mapping[str, int | None]) -> None:
    """The process work pool (with the process worker's job template) and its queues."""
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    answer = httpx.post(f"{api_url}/work_pools/", timeout=30, json={
        "name": POOL, "type": "process", "base_job_template": template})
    assert answer.status_code == 201, (answer.status_code, answer.text)
    for name, limit in queues.items():
        answer = httpx.post(f"{api_url}/work_pools/{POOL}/queues", timeout=30,
                            json={"name": name, "concurrency_limit": limit})
        assert answer.status_code == 201, (answer.status_code, answer.text)


def wait_for_run(api_url: str, flow_run_id: str, timeout: float) -> dict[str, Any]:
    """Poll a flow run until it reaches a terminal state; returns the run as JSON."""
    deadline = time.monotonic() + timeout
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = httpx.get(f"{api_url}/flow_runs/{flow_run_id}", timeout=10).json()
        if (run.get("state") or {}).get("type") in TERMINAL:
            return run
        time.sleep(1)
    state = (run.get("state") or {}).get("type")
    raise AssertionError(f"flow run {flow_run_id} still {state} after {timeout}s")


def tail(path: Path, chars: int = 6000) -> str:
    """The end of a log file, for assertion messages."""
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


@contextmanager
def server_database(test_database_url: str, folder: Path) -> Iterator[str]:
    """The Prefect server's database URL: a fresh PostgreSQL database (dropped afterwards)
    when a test PostgreSQL is given, else a SQLite file in `folder`."""
    if not test_database_url:
        yield f"sqlite+aiosqlite:///{folder / 'prefect.db'}"
        return
    import psycopg
    from sqlalchemy import make_url

    url = make_url(test_database_url)
    name = f"prefect_e2e_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+asyncpg", database=name,
                      query={}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
