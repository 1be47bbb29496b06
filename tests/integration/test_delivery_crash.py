"""Every reminder exactly once, in order, when the process is killed while sending.

`dunning` runs as a real CLI process against a real SMTP server; it is
`kill -9`ed once the server has received N messages, then rerun the same day;
a person settles the deliveries left `unknown` by checking the server's log;
then the following weeks run. What the customers received must equal what a
run without any crash sends on the same days, each Message-ID once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from dunwell.dunning.ladder import STAGES
from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(1500)]  # real CLI runs
DAYS = ["2026-12-07", "2026-12-14", "2026-12-21"]
KILL_AFTER = {0: [2, 9], 1: [5]}  # day index -> kill once the server holds this many new ones


def _cli(folder: Path, db_url: str, port: int, day: str, out: Path) -> subprocess.Popen:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "DUNWELL_DATABASE_URL": db_url, "DUNWELL_SMTP_HOST": "127.0.0.1",
           "DUNWELL_SMTP_PORT": str(port), "DUNWELL_SMTP_SECURITY": "none",
           "DUNWELL_SMTP_TIMEOUT": "5", "PREFECT_API_URL": str(PREFECT_API_URL.value()),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("DUNWELL_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dunwell.cli", "dunning", "--invoices",
         str(folder / "invoices.csv"), "--customers", str(folder / "customers.csv"),
         "--as-of", day, "--out", str(out)],
        env=env, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _run_killed(proc: subprocess.Popen, server: FaultySmtp, after: int) -> bool:
    """Kill -9 the run once the server accepted `after` more messages; False if it ended first."""
    start = len(server.accepted)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if len(server.accepted) - start >= after:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.communicate()
    return False


def _run_to_the_end(proc: subprocess.Popen) -> str:
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output
    return output


def _settle_unknown_from_the_server_log(db_url: str, server: FaultySmtp) -> int:
    """What an operator does: look each unknown Message-ID up in the server's log."""
    from dunwell.connectors.storage import create_db_engine, settle_unknown
    from dunwell.connectors.storage.models import OutboxMessage

    received = set(server.headers("Message-ID"))
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            unknown = connection.execute(select(OutboxMessage.key, OutboxMessage.message_id)
                                         .where(OutboxMessage.status == "unknown")).all()
        for key, message_id in unknown:
            settle_unknown(engine, key, delivered=message_id in received)
    finally:
        engine.dispose()
    return len(unknown)


def _received(db_url: str, server: FaultySmtp) -> list[tuple[str, str, str, str]]:
    """(day, customer, invoices, stage) of every message the server accepted, in order."""
    from dunwell.connectors.storage import create_db_engine
    from dunwell.connectors.storage.models import OutboxMessage

    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = {m: (k, c, i, s) for m, k, c, i, s in connection.execute(select(
                OutboxMessage.message_id, OutboxMessage.key, OutboxMessage.customer_id,
                OutboxMessage.invoice_ids, OutboxMessage.stage))}
    finally:
        engine.dispose()
    keys = server.headers("X-Dunwell-Key")
    ids = server.headers("Message-ID")
    out = []
    for key, mid in zip(keys, ids, strict=True):
        stored_key, customer, invoices, stage = rows[mid]
        assert stored_key == key
        out.append((customer, invoices, stage, mid))
    return out


def _weeks(folder: Path, db_url: str, tmp: Path, kills: dict[int, list[int]]
           ) -> tuple[FaultySmtp, int]:
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.02)})
    settled = 0
    with faulty_smtp(server) as (_, port):
        for index, day in enumerate(DAYS):
            for attempt, after in enumerate(kills.get(index, [])):
                out = tmp / f"{day}-killed-{attempt}"
                proc = _cli(folder, db_url, port, day, out)
                assert _run_killed(proc, server, after), "the run ended before the kill"
            _run_to_the_end(_cli(folder, db_url, port, day, tmp / f"{day}-done"))
            settled += _settle_unknown_from_the_server_log(db_url, server)
    return server, settled


@pytest.fixture(scope="module")
def clean_weeks(prefect_server: None, company, tmp_path_factory: pytest.TempPathFactory
                ) -> list[tuple[str, str, str, str]]:
    """What the same weeks send without any crash (on SQLite; the same for every database)."""
    folder, _ = company
    clean_db = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    clean, _ = _weeks(folder, clean_db, tmp_path_factory.mktemp("clean-out"), {})
    return _received(clean_db, clean)


def test_kill_9_while_sending_then_rerun_sends_each_stage_once_and_in_order(
        prefect_server: None, company, db_url: str, tmp_path: Path,
        clean_weeks: list[tuple[str, str, str, str]]) -> None:
    folder, _ = company
    killed, settled = _weeks(folder, db_url, tmp_path, KILL_AFTER)

    got = _received(db_url, killed)
    message_ids = [mid for *_, mid in got]
    assert len(message_ids) == len(set(message_ids)), "a reminder was delivered twice"
    assert sorted(g[:3] for g in got) == sorted(w[:3] for w in clean_weeks)
    assert len(clean_weeks) > 20
    by_invoice: dict[tuple[str, str], list[int]] = defaultdict(list)
    for customer, invoices, stage, _ in got:
        for invoice in invoices.split():
            by_invoice[customer, invoice].append(STAGES.index(stage))
    assert all(stages == sorted(set(stages)) for stages in by_invoice.values())
    assert any(len(stages) >= 2 for stages in by_invoice.values())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_sending_stops_cleanly_and_the_rerun_finishes_once(
        prefect_server: None, company, db_url: str, tmp_path: Path, sig: int) -> None:
    folder, _ = company
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.05)})
    with faulty_smtp(server) as (_, port):
        out = tmp_path / "stopped"
        proc = _cli(folder, db_url, port, DAYS[0], out)
        deadline = time.monotonic() + 300
        while len(server.accepted) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(sig)
        output, _ = proc.communicate(timeout=120)
        assert proc.returncode == 1, output
        assert "error: interrupted" in output and "Traceback" not in output
        assert not out.exists() or not any(out.iterdir())  # no output, no staging folder
        stopped_at = len(server.accepted)
        _run_to_the_end(_cli(folder, db_url, port, DAYS[0], tmp_path / "rerun"))
        _settle_unknown_from_the_server_log(db_url, server)
    ids = server.headers("Message-ID")
    assert len(ids) == len(set(ids)) > stopped_at
