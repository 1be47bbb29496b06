"""Bad arguments: a wrong --as-of, an unknown option, a missing one. Exit 2, no traceback."""

from __future__ import annotations

import io
import logging

import pytest
from cli_harness import assert_refused, error_lines


@pytest.mark.parametrize("as_of", ["2026-02-30", "tomorrow", "20.11.2026", "2026-11-20T25:00"])
@pytest.mark.parametrize("command", ["dunning", "report"])
def test_bad_as_of_is_refused_before_anything_runs(cli, workdir, command, as_of):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    customers = workdir.copy("valid_customers.csv", "customers.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    args = {"dunning": ["--customers", customers],
            "report": ["--bank", bank]}[command]
    before = workdir.snapshot()
    outcome = cli(command, "--invoices", invoices, *args, "--as-of", as_of, "--out", "out")
    assert_refused(outcome, [("--as-of", None, None)], before, workdir.snapshot(), workdir.db)
    assert repr(as_of) in error_lines(outcome)[0]


def test_bad_as_of_for_the_demo_is_refused_before_data_is_generated(cli, workdir):
    outcome = cli("demo", "--as-of", "tomorrow", "--out", "demo-out")
    assert_refused(outcome, [("--as-of", None, None)], {}, workdir.snapshot(), workdir.db)


@pytest.mark.parametrize("args", [
    ["reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv", "--out", "out", "--bogus"],
    ["statement", "convert", "bank.csv", "-o", "x.csv", "--profil", "ing_nl"],
    ["reconcile", "--invoices", "invoices.csv", "--out", "out"],
    ["dunning", "--customers", "c.csv", "--out", "out"],
    ["dunning", "--invoices", "invoices.csv", "--customers", "c.csv", "--out", "out",
     "--dry-run=maybe"],
    ["statement", "convert"],
    ["frobnicate"],
    ["demo", "--customers", "0"],
    ["demo", "--invoices", "-5"],
    ["review", "list", "--limit", "0"],
])
def test_usage_error_exits_2_with_a_usage_message_and_no_traceback(cli, workdir, args):
    workdir.copy("valid_invoices.csv", "invoices.csv")
    workdir.copy("valid_bank.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli(*args)
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert "Usage:" in outcome.stderr or "Error" in outcome.stderr, outcome
    assert workdir.snapshot() == before
    assert not workdir.db.exists()


@pytest.mark.parametrize("address", ["controller", "a@b", "two@x.com,three@y.com", "@x.com"])
def test_report_refuses_an_address_that_is_not_one(cli, workdir, address):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli("report", "--invoices", invoices, "--bank", bank, "--out", "out",
                  "--email-to", "ok@example.com", "--email-to", address)
    assert_refused(outcome, [("--email-to", None, None)], before, workdir.snapshot(), workdir.db)


def _logged(logger_name: str, errors: tuple[BaseException, ...], message: str) -> str:
    """What the CLI's logging shows when each error is logged with its traceback on that
    logger, as Prefect and SQLAlchemy do, after `_quiet_prefect` set the filters."""
    from dunwell.cli import _quiet_prefect

    _quiet_prefect()
    logger = logging.getLogger(logger_name)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        for error in errors:
            try:
                raise error
            except BaseException:
                logger.error(message, error, exc_info=True)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_prefect_logs_an_error_of_ours_without_its_traceback(workdir):
    """A run that stops on a DunwellError prints one `error:` line; Prefect's log adds no
    traceback to it. A bug keeps its traceback."""
    from dunwell.errors import InputError

    shown = _logged("prefect.task_runs", (InputError("x.csv", "bad", 2, "amount"), KeyError("bug")),
                    "Task run failed with exception: %r")
    first, bug = shown.split("Task run failed with exception: KeyError")
    assert "Traceback" not in first and "InputError" in first
    assert "Traceback" in bug


def test_a_signal_during_a_connection_reset_is_not_shown_as_a_traceback(workdir):
    """Prefect turns SIGTERM into a TerminationSignal raised wherever the run is; inside
    SQLAlchemy's pool it is logged with a traceback. The user sees the one `interrupted` line
    of the CLI instead; an ordinary failure of the pool keeps its traceback."""
    from prefect.exceptions import TerminationSignal

    shown = _logged("sqlalchemy.pool.impl.QueuePool",
                    (TerminationSignal(signal=15), KeyboardInterrupt(), OSError("socket")),
                    "Exception during reset or similar (%r)")
    assert shown.count("Exception during reset") == 1
    assert "OSError: socket" in shown and "TerminationSignal" not in shown


def _error_after_a_signal() -> Exception:
    """What psycopg raises when SQLAlchemy's ping, stopped by Prefect's TerminationSignal,
    then restores autocommit on the busy connection: the signal is only its context."""
    from prefect.exceptions import TerminationSignal

    try:
        try:
            raise TerminationSignal(signal=15)
        except BaseException:  # as SQLAlchemy's finally does: a new error, the signal under it
            raise RuntimeError("can't change 'autocommit' now: connection in transaction "  # noqa: B904
                               "status ACTIVE")
    except RuntimeError as error:
        return error


def test_an_error_raised_while_a_signal_stops_the_run_is_said_as_an_interruption() -> None:
    """SIGTERM during a database ping came back as psycopg's ProgrammingError (CI, PostgreSQL
    under the Prefect API): the user got its traceback, not the one `interrupted` line."""
    import typer

    from dunwell.cli import _run

    error = _error_after_a_signal()
    assert error.__context__ is not None  # the signal lies under it, as in the real case

    def step() -> None:
        raise error

    with pytest.raises(typer.Exit) as stopped:
        _run(step)
    assert stopped.value.exit_code == 1

    shown = _logged("prefect.task_runs", (error, RuntimeError("a bug of ours")),
                    "Task run failed with exception: %r")
    assert "autocommit" not in shown
    assert "a bug of ours" in shown and "Traceback" in shown
