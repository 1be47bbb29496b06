"""Failures that are not the user's input: one line, exit 1, no password, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from cli_harness import PREFECT_ENV, Outcome, Workdir, error_lines


def _run_on(workdir: Workdir, url: str, *args: str) -> Outcome:
    """The real CLI in the workdir, on the database `url`."""
    env = {k: v for k, v in os.environ.items() if k not in PREFECT_ENV and k != "PREFECT_HOME"}
    env.update(DUNWELL_DATABASE_URL=url, COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "dunwell.cli", *args], cwd=workdir.path,
                          env=env, capture_output=True, text=True, timeout=300)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def test_an_unreachable_database_is_exit_1_with_one_line_and_no_password(
        workdir: Workdir) -> None:
    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    outcome = _run_on(workdir, "postgresql+psycopg://dunwell:s3cret-pw@127.0.0.1:1/books",
                      "reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                      "--out", "out")
    everything = outcome.stdout + outcome.stderr
    assert outcome.exit_code == 1, everything
    [line] = error_lines(outcome)
    assert line.startswith(
        "database postgresql+psycopg://dunwell:***@127.0.0.1:1/books unavailable")
    assert [x for x in everything.splitlines() if x.strip()] == [f"error: {line}"]
    assert "s3cret-pw" not in everything and not (workdir.path / "out").exists()


def test_a_password_with_an_unencoded_at_sign_is_masked_whole(workdir: Workdir) -> None:
    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    outcome = _run_on(workdir, "postgresql+psycopg://dunwell:s3cret@pw0rd@127.0.0.1:1/books",
                      "reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                      "--out", "out")
    everything = outcome.stdout + outcome.stderr
    assert outcome.exit_code in (1, 2), everything
    assert "Traceback" not in everything
    assert "s3cret" not in everything and "pw0rd" not in everything
    assert "dunwell:***@127.0.0.1:1/books" in everything


def test_a_statement_holding_only_a_byte_order_mark_is_refused(cli, workdir: Workdir) -> None:
    (workdir.path / "bom.csv").write_bytes(b"\xef\xbb\xbf")
    outcome = cli("statement", "convert", "bom.csv", "-o", "bank.csv")
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert error_lines(outcome)[0].startswith("bom.csv:1: ")
    assert "Traceback" not in outcome.stderr and not (workdir.path / "bank.csv").exists()


def test_a_bad_port_is_exit_1_with_one_line_naming_the_port(workdir: Workdir) -> None:
    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    for port, expected in (("abc", "the port 'abc' is not a number from 1 to 65535"),
                           ("99999", 'invalid port number: "99999"')):
        outcome = _run_on(workdir, f"postgresql+psycopg://dunwell:s3cret-pw@127.0.0.1:{port}/b",
                          "reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                          "--out", "out")
        everything = outcome.stdout + outcome.stderr
        assert outcome.exit_code == 1, everything
        assert [x for x in everything.splitlines() if x.strip()] == [
            f"error: database postgresql+psycopg://dunwell:***@127.0.0.1:{port}/b "
            f"{'unusable' if port == 'abc' else 'unavailable'}: "
            + (expected if port == "abc" else f"connection is bad: {expected}")]
        assert "s3cret-pw" not in everything and not (workdir.path / "out").exists()


def test_a_short_password_with_an_at_sign_leaks_not_even_a_piece(workdir: Workdir) -> None:
    """The driver reads 'p@ss@host' as host 'ss@host' and would print 'ss'."""
    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    outcome = _run_on(workdir, "postgresql+psycopg://dunwell:Xq@Zw@127.0.0.1:1/books",
                      "reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                      "--out", "out")
    everything = outcome.stdout + outcome.stderr
    assert outcome.exit_code == 1, everything
    assert "Xq" not in everything and "Zw" not in everything, everything
    assert error_lines(outcome) == [
        "database postgresql+psycopg://dunwell:***@127.0.0.1:1/books unavailable: the password "
        "holds an unencoded '@'; write it as %40 in DUNWELL_DATABASE_URL"]


def test_masking_keeps_the_host_when_the_query_holds_an_at_sign() -> None:
    from dunwell.connectors.settings.config import mask_url

    assert mask_url("postgresql://u:a@b@db.example:5432/x?options=-csearch_path%3Dy&z=q@r") == (
        "postgresql://u:***@db.example:5432/x?options=-csearch_path%3Dy&z=q@r")
    assert mask_url("postgresql://u:p/w@db/x") == "postgresql://u:***@db/x"


def test_a_run_waiting_for_the_lock_says_who_holds_it_and_since_when_then_exits_1(
        workdir: Workdir) -> None:
    import socket

    from dunwell.connectors.storage import open_db, run_lock

    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    url = f"sqlite:///{workdir.db}"
    engine = open_db(url)
    try:
        with run_lock(engine, "dunwell-run"):
            env = {k: v for k, v in os.environ.items()
                   if k not in PREFECT_ENV and k != "PREFECT_HOME"}
            env.update(DUNWELL_DATABASE_URL=url, DUNWELL_LOCK_WAIT_SECONDS="2", COLUMNS="200")
            proc = subprocess.run([sys.executable, "-m", "dunwell.cli", "reconcile",
                                   "--invoices", "invoices.csv", "--bank", "bank.csv",
                                   "--out", "out"], cwd=workdir.path, env=env,
                                  capture_output=True, text=True, timeout=300)
    finally:
        engine.dispose()
    holder = f"process {os.getpid()} on {socket.gethostname()}, since 20"
    assert proc.returncode == 1, proc.stderr
    waiting = [line for line in proc.stderr.splitlines() if "waiting up to 2 s" in line]
    assert len(waiting) == 1 and holder in waiting[0], proc.stderr
    assert "lock_wait_seconds" in waiting[0]
    [error] = error_lines(Outcome(proc.returncode, proc.stdout, proc.stderr))
    assert error.startswith("another run holds the lock 'dunwell-run' held by " + holder)
    assert "Traceback" not in proc.stderr and not (workdir.path / "out").exists()
