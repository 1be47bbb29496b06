"""The people's commands (review, customer, invoice) on bad input: exit 2, database unchanged."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from cli_harness import assert_refused, error_lines


@pytest.fixture
def database(cli, workdir):
    """A migrated, empty database, as after a first run."""
    outcome = cli("review", "list")
    assert outcome.exit_code == 0, outcome
    assert workdir.db.exists()
    return workdir.db


def _state(workdir):
    """Files other than the database, and the database's content (its bytes move with WAL)."""
    files = {k: v for k, v in workdir.snapshot().items() if not k.startswith(workdir.db.name)}
    with closing(sqlite3.connect(workdir.db)) as connection:
        return files, list(connection.iterdump())


def _assert_db_unchanged(outcome, expected, before, workdir):
    everything = outcome.stdout + outcome.stderr
    assert "Traceback" not in everything, everything
    assert outcome.exit_code == 2, everything
    assert [e.split(":", 1)[0] for e in error_lines(outcome)] == expected, everything
    assert _state(workdir) == before, "a refused command changed the database or wrote files"


@pytest.mark.parametrize("args", [
    ["review", "accept", "T-404", "INV-404"],
    ["review", "reject", "T-404", "INV-404"],
    ["customer", "pause", "C-404"],
    ["customer", "resume", "C-404", "--note", "called back"],
    ["invoice", "dispute", "INV-404"],
    ["invoice", "promise", "INV-404", "2026-12-01"],
])
def test_unknown_id_is_refused_and_the_database_is_unchanged(cli, workdir, database, args):
    before = _state(workdir)
    outcome = cli(*args)
    _assert_db_unchanged(outcome, [args[0]], before, workdir)


@pytest.mark.parametrize("promised", ["2026-02-30", "next friday", "01.12.2026"])
def test_promise_with_a_bad_date_names_the_promise_not_as_of(cli, workdir, promised):
    before = workdir.snapshot()
    outcome = cli("invoice", "promise", "INV-1", promised)
    assert_refused(outcome, [("PROMISED", None, None)], before, workdir.snapshot(), workdir.db)


def test_pinning_a_segment_the_policy_does_not_have_is_refused(cli, workdir):
    before = workdir.snapshot()
    outcome = cli("customer", "pin-segment", "C1", "vip")
    assert_refused(outcome, [("SEGMENT", None, None)], before, workdir.snapshot(), workdir.db)
    assert "known: " in error_lines(outcome)[0]


def test_review_list_refuses_a_negative_limit(cli, workdir):
    outcome = cli("review", "list", "--limit", "-3")
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr
