"""A large run recorded by a second process (connectors/storage/recorder.py).

The helper holds the run's one transaction: it stores the inputs while the run
matches, then the results, and commits when told. What it stores must be what an
in-process run stores, and a run that fails or is killed at any point must leave
the database as it was, with no helper left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
MARK = "DUNWELL_TEST_PROCESS_MARK"
HELPER = "dunwell.connectors.storage.recorder"
# What differs between two recordings of the same run by nature: keys, clocks, run ids.
VOLATILE = {"id", "run_id", "import_id", "created_at", "updated_at", "started_at",
            "finished_at", "imported_at", "recorded_at", "at", "parameters", "summary",
            "as_of", "holder", "acquired_at", "decided_at"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 invoices and their statement: the matching takes long enough to kill a run
    while its helper holds the transaction."""
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    folder = tmp_path_factory.mktemp("record-helper")
    data = generate(23, 200, 2000, date(2026, 11, 23))
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")
    return folder


def _env(url: str, helper_rows: int, mark: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DUNWELL_"))}
    # with the recording helper, the statement reader helper too; without, neither
    reader = "0" if helper_rows == 0 else str(10**12)
    return {**env, "DUNWELL_DATABASE_URL": url, "DUNWELL_RECORD_HELPER_ROWS": str(helper_rows),
            "DUNWELL_READ_HELPER_BYTES": reader,
            "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", MARK: mark}


def _argv(files: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "dunwell.cli", "reconcile", "--invoices",
            str(files / "invoices.csv"), "--customers", str(files / "customers.csv"),
            "--bank", str(files / "bank.csv"), "--out", str(out)]


def _reconcile(files: Path, url: str, out: Path, helper_rows: int) -> subprocess.CompletedProcess:
    return subprocess.run(_argv(files, out), env=_env(url, helper_rows), cwd=out.parent,
                          capture_output=True, text=True, timeout=500)


def _cell(value: Any) -> Any:
    """One stored value in a form both dialects agree on (SQLite read without types gives
    numbers, text dates, 0/1 and JSON text; PostgreSQL Decimals, dates, bools and dicts)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str) and value[:1] in "{[":
        value = json.loads(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every table's rows without the columns that differ by nature, sorted."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = sorted(set(inspect(connection).get_table_names()) - {"alembic_version",
                                                                          "run_locks"})
            dump = {}
            for table in tables:
                result = connection.execute(text(f'SELECT * FROM "{table}"'))
                keep = [i for i, name in enumerate(result.keys()) if name not in VOLATILE]
                rows = [tuple(_cell(row[i]) for i in keep) for row in result]
                dump[table] = sorted(rows, key=repr)
            return dump
    finally:
        engine.dispose()


def _helpers(mark: str) -> list[int]:
    """Live recording helpers started under `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if f"{MARK}={mark}".encode() in environ and HELPER in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_for(condition: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := condition()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


@pytest.fixture(scope="module")
def in_process(files: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """What an in-process run (no helper) stores and writes: the reference, made once."""
    folder = tmp_path_factory.mktemp("in-process")
    url = f"sqlite:///{folder / 'plain.db'}"
    plain = _reconcile(files, url, folder / "out", helper_rows=10**9)
    assert plain.returncode == 0, plain.stderr
    return _dump(url), folder / "out"


def test_a_run_recorded_by_the_helper_stores_what_an_in_process_run_stores(
        files: Path, in_process: tuple[dict, Path], db_url: str, tmp_path: Path) -> None:
    helper = _reconcile(files, db_url, tmp_path / "helper", helper_rows=0)
    assert helper.returncode == 0, helper.stderr

    recorded, (expected, plain_out) = _dump(db_url), in_process
    assert recorded["matches"] and recorded["bank_transactions"] and recorded["invoices"]
    assert recorded == expected
    for name in ("matches.csv", "discrepancies.csv", "review_queue.csv"):
        assert (tmp_path / "helper" / name).read_bytes() == (plain_out / name).read_bytes()


def test_a_second_run_recorded_by_the_helper_stores_what_an_in_process_run_stores(
        files: Path, tmp_path: Path) -> None:
    """The helper gets this run's findings before they are joined with earlier runs'
    (flows.steps.reconcile_and_check): a statement that repeats half of yesterday's rows
    brings yesterday's matches into the join, and what is stored must not change."""
    from dunwell.connectors.sources.canonical import read_bank_csv, write_bank

    rows = read_bank_csv(files / "bank.csv")
    days = [tmp_path / "day1", tmp_path / "day2"]
    for day, part in zip(days, (rows.iloc[:len(rows) * 2 // 3], rows.iloc[len(rows) // 3:]),
                         strict=True):
        day.mkdir()
        for name in ("invoices.csv", "customers.csv"):
            (day / name).write_bytes((files / name).read_bytes())
        write_bank(part.reset_index(drop=True), day / "bank.csv")
    dumps = []
    for name, second_day_rows in (("plain", 10**9), ("helper", 0)):
        url = f"sqlite:///{tmp_path / name}.db"
        for day, helper_rows in zip(days, (10**9, second_day_rows), strict=True):
            done = _reconcile(day, url, day / f"out-{name}", helper_rows)
            assert done.returncode == 0, done.stderr
        dumps.append(_dump(url))
    plain, helper = dumps
    # the second day matched new money and met yesterday's decisions for the repeated rows
    assert len({row[0] for row in helper["runs"]}) >= 1 and helper["matches"]
    assert len(helper["bank_transactions"]) == len(rows)
    assert helper == plain
    for name in ("matches.csv", "discrepancies.csv", "review_queue.csv"):
        assert ((days[1] / "out-helper" / name).read_bytes()
                == (days[1] / "out-plain" / name).read_bytes())


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_run_killed_while_its_helper_holds_the_transaction_leaves_nothing(
        files: Path, db_url: str, tmp_path: Path) -> None:
    first = _reconcile(files, db_url, tmp_path / "first", helper_rows=10**9)
    assert first.returncode == 0, first.stderr
    before = _dump(db_url)
    mark = uuid.uuid4().hex
    out = tmp_path / "killed"
    proc = subprocess.Popen(_argv(files, out), env=_env(db_url, 0, mark), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    seen = _wait_for(lambda: _helpers(mark), 300)
    assert seen, "the run never started its recording helper"
    time.sleep(0.3)  # into the helper's transaction: it stores the inputs meanwhile
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert _wait_for(lambda: not _helpers(mark), 10), "the helper outlived its run"
    assert _dump(db_url) == before
    assert not (out / "matches.csv").exists()
    again = _reconcile(files, db_url, tmp_path / "again", helper_rows=0)
    assert again.returncode == 0, again.stderr  # the write lock went with the helper


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_helper_that_dies_fails_the_run_with_exit_1_and_nothing_stored(
        files: Path, db_url: str, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = subprocess.Popen(_argv(files, out), env=_env(db_url, 0, mark), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    helpers = _wait_for(lambda: _helpers(mark), 300)
    assert helpers, "the run never started its recording helper"
    os.kill(helpers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)

    assert proc.returncode == 1, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "nothing was stored" in lines[-1] and "Traceback" not in stderr
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM invoices")).scalar() == 0
            assert connection.execute(text("SELECT count(*) FROM matches")).scalar() == 0
    finally:
        engine.dispose()
    assert not (out / "matches.csv").exists()


def test_an_abandoned_recording_rolls_back_and_frees_the_database(db_url: str) -> None:
    import pandas as pd

    from dunwell.connectors.storage import open_db, transaction
    from dunwell.connectors.storage.recorder import Recorder, RecordingFailed
    from dunwell.frames import CUSTOMER_COLUMNS, INVOICE_COLUMNS

    engine = open_db(db_url)
    customers = pd.DataFrame({c: [] for c in CUSTOMER_COLUMNS})
    invoices = pd.DataFrame({c: [] for c in INVOICE_COLUMNS})
    recorder = Recorder(db_url, _env(db_url, 0))
    recorder.inputs(customers, invoices, [])
    recorder.abandon()
    with transaction(engine) as session:  # would wait for a write lock still held
        session.execute(text("SELECT 1"))
    broken = Recorder(db_url, _env(db_url, 0))
    broken.inputs("not a frame", invoices, [])
    with pytest.raises(RecordingFailed, match="recording the run failed"):
        broken.commit()
    engine.dispose()


def test_a_run_that_fails_before_its_inputs_are_sent_stops_the_helper_it_started(
        files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper starts as soon as the inputs are read, before they are checked: a run
    that fails in between (here the checks, given no date to check against) stops it."""
    from dunwell.connectors.root import build
    from dunwell.flows.steps import reconcile_and_check
    from dunwell.tasks.local import _local

    mark = uuid.uuid4().hex
    for name, value in _env(f"sqlite:///{tmp_path / 'early.db'}", 0, mark).items():
        if name.startswith("DUNWELL_") or name == MARK:
            monkeypatch.setenv(name, value)
    adapters = build(tmp_path / "out", run_id="early")
    started: list[int] = []
    monkeypatch.setattr("dunwell.flows.steps.check_inputs",
                        lambda *args: started.extend(_helpers(mark)) or args[1].date())

    with _local(), pytest.raises(AttributeError):  # as a run from the command line
        reconcile_and_check(adapters, None, str(files / "invoices.csv"),  # type: ignore[arg-type]
                            str(files / "customers.csv"), [str(files / "bank.csv")],
                            record_as=("early", "reconcile", {}))

    assert started, "the helper was not started before the checks"
    assert _wait_for(lambda: not _helpers(mark), 10), "the helper outlived the failed run"
    adapters.engine.dispose()
