"""Every reminder exactly once, in order, when the process is killed at any step.

`dunning` runs as a real CLI process against a real SMTP server; it is
`kill -9`ed at a step of the run (reading, the first SMTP transaction, after N
messages, after the last message), the rerun into the same folder is itself
killed at the next step, and so on until a rerun finishes the day; a person
settles the deliveries left `unknown` by checking the server's log; then the
following weeks run. After each day, what the customers received equals what a
run without any crash sends on the same days, each Message-ID once, each
invoice's stages in order; no staging folder is left and every killed run's
record is closed.

SQLite runs as on a laptop (no Prefect API: the flow runs in-process), PostgreSQL
as on the team's server (under the Prefect API), so that a kill is tried in both
ways of running. The crash-free reference runs once per test session, shared by
the pytest-xdist workers, as on a laptop: the way of running must not change what
is sent either.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from dunwell.dunning.ladder import STAGES
from tests.smtp_faults import Fault, FaultySmtp, faulty_smtp

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(1500)]  # real CLI runs
DAYS = ["2026-12-07", "2026-12-14", "2026-12-21"]
# day index -> the kills of that day, each at a step of the run; each kill is of the
# rerun of the one before (one chain per day, a last run finishes the day):
#   "staging"  inputs being read and matched, nothing recorded yet
#   "mail"     recorded; the first SMTP transaction has begun, nothing delivered
#   N          while sending: the server accepted N more messages and the next one is in
#              flight (its transaction begun, its data not answered), so that the killed
#              run leaves a message `sending` that never arrived
#   "all"      every message of the day accepted: recording outcomes, writing files
KILLS: dict[int, list[str | int]] = {0: ["staging", 2, 9], 1: ["mail", 5], 2: ["all"]}
Sent = tuple[str, str, str]  # (customer, invoices, stage) of a message the server accepted


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
        accepted = len(server.accepted) - start
        if at == "all":
            return accepted >= remaining
        return accepted >= int(at) and server.transactions - mails > accepted

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
    """What an operator does after a kill: `dunwell delivery list` (which first makes safe
    what the dead run was sending: no run is alive now), then looks each unknown Message-ID
    up in the server's log."""
    from dunwell.connectors.storage import create_db_engine, recover_when_idle, settle_unknown
    from dunwell.connectors.storage.models import OutboxMessage

    received = set(server.headers("Message-ID"))
    engine = create_db_engine(db_url)
    try:
        assert recover_when_idle(engine) is not None, "no run is alive, yet the lock is held"
        with engine.connect() as connection:
            unknown = connection.execute(select(OutboxMessage.key, OutboxMessage.message_id)
                                         .where(OutboxMessage.status == "unknown")).all()
        for key, message_id in unknown:
            settle_unknown(engine, key, delivered=message_id in received)
    finally:
        engine.dispose()
    return len(unknown)


def _received(db_url: str, server: FaultySmtp) -> list[tuple[str, str, str, str]]:
    """(customer, invoices, stage, Message-ID) of every message the server accepted, in order."""
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


def _weeks(folder: Path, db_url: str, tmp: Path, kills: dict[int, list[str | int]],
           per_day: list[int] | None = None, *, api: bool = True,
           after_day: Callable[[int, FaultySmtp], None] | None = None
           ) -> tuple[FaultySmtp, list[int]]:
    """Run the days, killing runs as `kills` says and settling unknowns after each kill and
    each day; `after_day(index, server)` checks each finished day. The server, and how many
    messages it accepted each day."""
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.02)})
    counts: list[int] = []
    with faulty_smtp(server) as (_, port):
        for index, day in enumerate(DAYS):
            before = len(server.accepted)
            out = tmp / day  # the operator reruns into the same folder
            for at in kills.get(index, []):
                remaining = (per_day or [0] * len(DAYS))[index] - (len(server.accepted) - before)
                proc = _cli(folder, db_url, port, day, out, "--force", api=api)
                assert _run_killed(proc, server, at, out, remaining), f"ended before {at!r}"
                _settle_unknown_from_the_server_log(db_url, server)
            _run_to_the_end(_cli(folder, db_url, port, day, out, "--force", api=api))
            assert not list(out.glob(".staging-*")), "a killed run's staging folder was left"
            _settle_unknown_from_the_server_log(db_url, server)
            counts.append(len(server.accepted) - before)
            if after_day is not None:
                after_day(index, server)
    return server, counts


def _clean_weeks(folder: Path, tmp: Path) -> tuple[list[list[Sent]], list[int]]:
    """What the days send without any crash, day by day, and how many messages each day."""
    clean_db = f"sqlite:///{tmp / 'clean.db'}"
    server, per_day = _weeks(folder, clean_db, tmp, {}, api=False)
    sent = [tuple(r[:3]) for r in _received(clean_db, server)]
    days, start = [], 0
    for count in per_day:
        days.append(sent[start:start + count])
        start += count
    return days, per_day


@pytest.fixture(scope="session")
def clean_weeks(company, tmp_path_factory: pytest.TempPathFactory, testrun_uid: str,
                worker_id: str) -> tuple[list[list[Sent]], list[int]]:
    """The crash-free reference, computed by the first worker that needs it and read from a
    file by the others (the same generated company in every worker: checked by its hash)."""
    folder, _ = company
    inputs = hashlib.sha256(b"".join((folder / name).read_bytes() for name in
                                     ("customers.csv", "invoices.csv"))).hexdigest()[:16]
    run_temp = tmp_path_factory.getbasetemp()  # the workers' folders share their parent
    run_temp = run_temp if worker_id == "master" else run_temp.parent
    shared = run_temp / f"dunwell-clean-{testrun_uid}-{inputs}"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait for the first one's runs
        if not Path(f"{shared}.json").exists():
            days, per_day = _clean_weeks(folder, tmp_path_factory.mktemp("clean"))
            Path(f"{shared}.json").write_text(json.dumps({"days": days, "per_day": per_day}))
        saved = json.loads(Path(f"{shared}.json").read_text())
    return [[tuple(m) for m in day] for day in saved["days"]], saved["per_day"]


def _assert_exactly_once_in_order(got: list[tuple[str, str, str, str]],
                                  wanted: list[Sent]) -> None:
    message_ids = [mid for *_, mid in got]
    assert len(message_ids) == len(set(message_ids)), "a reminder was delivered twice"
    assert sorted(g[:3] for g in got) == sorted(wanted)
    by_invoice: dict[tuple[str, str], list[int]] = defaultdict(list)
    for customer, invoices, stage, _ in got:
        for invoice in invoices.split():
            by_invoice[customer, invoice].append(STAGES.index(stage))
    assert all(stages == sorted(set(stages)) for stages in by_invoice.values())


def test_kill_9_at_each_step_then_rerun_sends_each_stage_once_and_in_order(
        prefect_server: None, company, db_url: str, tmp_path: Path,
        clean_weeks: tuple[list[list[Sent]], list[int]]) -> None:
    folder, _ = company
    days, per_day = clean_weeks
    assert all(n > 0 for n in per_day), per_day  # every day has something to kill "all" in
    assert sum(per_day) > 20

    def after_day(index: int, server: FaultySmtp) -> None:
        got = _received(db_url, server)
        _assert_exactly_once_in_order(got, [m for day in days[:index + 1] for m in day])
        kills = [at for i in range(index + 1) for at in KILLS.get(i, [])]
        # a kill before recording ("staging") leaves no run record; the others are closed
        assert _run_records(db_url) == {"succeeded": index + 1,
                                        "failed": len(kills) - kills.count("staging")}

    killed, _ = _weeks(folder, db_url, tmp_path, KILLS, per_day,
                       api=not db_url.startswith("sqlite"), after_day=after_day)
    by_invoice: dict[tuple[str, str], list[str]] = defaultdict(list)
    for customer, invoices, stage, _ in _received(db_url, killed):
        for invoice in invoices.split():
            by_invoice[customer, invoice].append(stage)
    assert any(len(stages) >= 2 for stages in by_invoice.values())


@pytest.mark.parametrize("api", [True, False], ids=["prefect-api", "local"])
def test_sigterm_then_sigint_while_sending_stop_cleanly_and_the_last_run_sends_the_rest_once(
        prefect_server: None, company, db_url: str, tmp_path: Path, api: bool) -> None:
    """The run stopped by SIGTERM is rerun and that rerun stopped by SIGINT (Ctrl-C): each
    stops with one line and no output; a last run sends the rest, each message once."""
    folder, _ = company
    server = FaultySmtp(faults={"*": Fault("delay", seconds=0.05)})
    with faulty_smtp(server) as (_, port):
        for sig in (signal.SIGTERM, signal.SIGINT):
            out = tmp_path / f"stopped-{sig.name}"
            start = len(server.accepted)
            proc = _cli(folder, db_url, port, DAYS[0], out, api=api)
            deadline = time.monotonic() + 300
            while (len(server.accepted) < start + 3 and proc.poll() is None
                   and time.monotonic() < deadline):
                time.sleep(0.005)
            proc.send_signal(sig)
            output, _ = proc.communicate(timeout=120)
            assert proc.returncode == 1, (sig.name, output)
            assert "error: interrupted" in output and "Traceback" not in output, output
            assert not out.exists() or not any(out.iterdir())  # no output, no staging folder
            assert len(server.accepted) > start, f"{sig.name} came before any message"
            _settle_unknown_from_the_server_log(db_url, server)
        stopped_at = len(server.accepted)
        _run_to_the_end(_cli(folder, db_url, port, DAYS[0], tmp_path / "rerun", api=api))
        _settle_unknown_from_the_server_log(db_url, server)
    ids = server.headers("Message-ID")
    assert len(ids) == len(set(ids)) > stopped_at
