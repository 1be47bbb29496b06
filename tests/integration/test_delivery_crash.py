"""Every reminder exactly once, in order, when the process is killed at any step.

`dunning` runs as a real CLI process against a real SMTP server; it is
`kill -9`ed at a step of the run (reading, the first SMTP transaction, after N
messages, after the last message), then rerun the same day into the same
folder; a person settles the deliveries left `unknown` by checking the server's
log; then the following weeks run. What the customers received must equal what
a run without any crash sends on the same days, each Message-ID once; no
staging folder is left and every killed run's record is closed.
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
# day index -> the kills of that day, each at a step of the run:
#   "staging"  inputs being read and matched, nothing recorded yet
#   "mail"     recorded; the first SMTP transaction has begun, nothing delivered
#   N          while sending, once the server accepted N more messages
#   "all"      every message of the day accepted: recording outcomes, writing files
KILLS: dict[int, list[str | int]] = {0: ["staging", 2, 9], 1: ["mail", 5], 2: ["all"]}


def _cli(folder: Path, db_url: str, port: int, day: str, out: Path, *extra: str,
         api: bool = True) -> subprocess.Popen:
    """The CLI under the test's Prefect API, or (api=False) as on a laptop: no API at all."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "DUNWELL_DATABASE_URL": db_url, "DUNWELL_SMTP_HOST": "127.0.0.1",
           "DUNWELL_SMTP_PORT": str(port), "DUNWELL_SMTP_SECURITY": "none",
           "DUNWELL_SMTP_TIMEOUT": "5", "PREFECT_API_URL": str(PREFECT_API_URL.value()),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("DUNWELL_CONFIG", None)
    if not api:
        env.pop("PREFECT_API_URL")
    return subprocess.Popen(
        [sys.executable, "-m", "dunwell.cli", "dunning", "--invoices",
         str(folder / "invoices.csv"), "--customers", str(folder / "customers.csv"),
         "--as-of", day, "--out", str(out), *extra],
        env=env, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _run_killed(proc: subprocess.Popen, server: FaultySmtp, at: str | int, out: Path,
                remaining: int) -> bool:
    """Kill -9 the run when it reaches step `at` (see KILLS); False if it ended first."""
    start, mails = len(server.accepted), server.transactions

    def reached() -> bool:
        if at == "staging":
            return any(out.glob(".staging-*"))
        if at == "mail":
            return server.transactions > mails
        wanted = remaining if at == "all" else int(at)
        return len(server.accepted) - start >= wanted

    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if reached():
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


def _weeks(folder: Path, db_url: str, tmp: Path, kills: dict[int, list[str | int]],
           per_day: list[int] | None = None) -> tuple[FaultySmtp, int, list[int]]:
    """Run the days, killing runs as `kills` says; the server, unknowns settled, and how
    many messages the server accepted each day."""
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.02)})
    settled, counts = 0, []
    with faulty_smtp(server) as (_, port):
        for index, day in enumerate(DAYS):
            before = len(server.accepted)
            out = tmp / day  # the operator reruns into the same folder
            for at in kills.get(index, []):
                remaining = (per_day or [0] * len(DAYS))[index] - (len(server.accepted) - before)
                proc = _cli(folder, db_url, port, day, out, "--force")
                assert _run_killed(proc, server, at, out, remaining), f"ended before {at!r}"
                settled += _settle_unknown_from_the_server_log(db_url, server)
            _run_to_the_end(_cli(folder, db_url, port, day, out, "--force"))
            assert not list(out.glob(".staging-*")), "a killed run's staging folder was left"
            settled += _settle_unknown_from_the_server_log(db_url, server)
            counts.append(len(server.accepted) - before)
    return server, settled, counts


@pytest.fixture(scope="module")
def clean_weeks(prefect_server: None, company, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[list[tuple[str, str, str, str]], list[int]]:
    """What the same weeks send without any crash (on SQLite; the same for every database),
    and how many messages each day."""
    folder, _ = company
    clean_db = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    clean, _, per_day = _weeks(folder, clean_db, tmp_path_factory.mktemp("clean-out"), {})
    return _received(clean_db, clean), per_day


def test_kill_9_at_each_step_then_rerun_sends_each_stage_once_and_in_order(
        prefect_server: None, company, db_url: str, tmp_path: Path,
        clean_weeks: tuple[list[tuple[str, str, str, str]], list[int]]) -> None:
    folder, _ = company
    wanted, per_day = clean_weeks
    assert all(n > 0 for n in per_day), per_day  # every day has something to kill "all" in
    killed, settled, _ = _weeks(folder, db_url, tmp_path, KILLS, per_day)

    got = _received(db_url, killed)
    message_ids = [mid for *_, mid in got]
    assert len(message_ids) == len(set(message_ids)), "a reminder was delivered twice"
    assert sorted(g[:3] for g in got) == sorted(w[:3] for w in wanted)
    assert len(wanted) > 20
    by_invoice: dict[tuple[str, str], list[int]] = defaultdict(list)
    for customer, invoices, stage, _ in got:
        for invoice in invoices.split():
            by_invoice[customer, invoice].append(STAGES.index(stage))
    assert all(stages == sorted(set(stages)) for stages in by_invoice.values())
    assert any(len(stages) >= 2 for stages in by_invoice.values())
    assert _run_records(db_url) == {"succeeded": len(DAYS), "failed": sum(map(len, KILLS.values()))
                                    - 1}  # the kill before recording leaves no run record


def _run_records(db_url: str) -> dict[str, int]:
    """Run records by status: a killed run's record is closed as failed by the next run."""
    from dunwell.connectors.storage import create_db_engine
    from dunwell.connectors.storage.models import Run

    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            statuses = [s for (s,) in connection.execute(select(Run.status))]
    finally:
        engine.dispose()
    return {s: statuses.count(s) for s in sorted(set(statuses))}


@pytest.mark.parametrize("api", [True, False], ids=["prefect-api", "local"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_sending_stops_cleanly_and_the_rerun_finishes_once(
        prefect_server: None, company, db_url: str, tmp_path: Path, sig: int, api: bool
        ) -> None:
    folder, _ = company
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.05)})
    with faulty_smtp(server) as (_, port):
        out = tmp_path / "stopped"
        proc = _cli(folder, db_url, port, DAYS[0], out, api=api)
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
