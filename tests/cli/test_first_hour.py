"""A new user's first hour: config mistakes are one line, state is visible, output folders
are not mixed up, and a bare --as-of means the morning in each customer's own timezone."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from cli_harness import error_lines

CONFIG = Path(__file__).resolve().parents[2] / "config"

CUSTOMERS = """customer_id,name,email,language,country,timezone
C1,Tokio Trading KK,ar@tokio-trading.example,en,JP,Asia/Tokyo
C2,Berlin Handel GmbH,ap@berlin-handel.example,de,DE,Europe/Berlin
"""
INVOICES = """invoice_id,customer_id,customer_name,currency,amount,issue_date,due_date
INV-1,C1,Tokio Trading KK,EUR,100.00,2026-10-15,2026-11-14
INV-2,C2,Berlin Handel GmbH,EUR,250.00,2026-10-15,2026-11-14
INV-3,C2,Berlin Handel GmbH,EUR,80.00,2026-10-20,2026-12-30
"""
BANK = """transaction_id,booking_date,amount,currency,counterparty_name,remittance_info
T1,2026-11-18,80.00,EUR,Berlin Handel GmbH,INV-3
"""


@pytest.fixture
def files(workdir) -> list[str]:  # noqa: ANN001
    (workdir.path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (workdir.path / "invoices.csv").write_text(INVOICES, encoding="utf-8")
    (workdir.path / "bank.csv").write_text(BANK, encoding="utf-8")
    return ["--invoices", "invoices.csv", "--customers", "customers.csv", "--bank", "bank.csv"]


def _config(workdir, monkeypatch, section: str, text: str) -> Path:  # noqa: ANN001
    """A copy of the shipped config with `text` appended to dunwell.yaml or dunning.yaml."""
    folder = workdir.path / "myconfig"
    shutil.copytree(CONFIG, folder)
    target = folder / ("dunwell.yaml" if section == "settings" else "dunning.yaml")
    target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")
    monkeypatch.setenv("DUNWELL_CONFIG", str(folder / "dunwell.yaml"))
    return target


def test_a_bare_as_of_is_the_send_time_in_each_customers_own_timezone(cli, workdir, files):
    # 09:00 UTC would be 18:00 in Tokyo, after business hours: the reminder would wait a day.
    outcome = cli("dunning", *files, "--as-of", "2026-11-20", "--out", "out")
    assert outcome.exit_code == 0, outcome.stderr
    with open(workdir.path / "out" / "actions.csv", encoding="utf-8") as handle:
        rows = {row["customer_id"]: row for row in csv.DictReader(handle)}
    assert rows["C1"]["channel"] == "email", rows["C1"]
    assert rows["C2"]["channel"] == "email", rows["C2"]


def test_an_explicit_utc_moment_still_holds_back_outside_the_customers_hours(cli, workdir,
                                                                             files):
    outcome = cli("dunning", *files, "--as-of", "2026-11-20T09:00+00:00", "--out", "out")
    assert outcome.exit_code == 0, outcome.stderr
    with open(workdir.path / "out" / "actions.csv", encoding="utf-8") as handle:
        rows = {row["customer_id"]: row for row in csv.DictReader(handle)}
    assert rows["C1"]["channel"] == "hold"
    # Monday 23 November is a public holiday in Japan (Labour Thanksgiving Day)
    assert rows["C1"]["reason"].startswith("not_before 2026-11-24T08:00+09:00"), rows["C1"]


def test_a_dry_run_digest_lists_planned_and_held_rows(cli, workdir, files):
    outcome = cli("dunning", *files, "--as-of", "2026-11-21", "--out", "out", "--dry-run")
    assert outcome.exit_code == 0, outcome.stderr
    digest = (workdir.path / "out" / "digest.md").read_text(encoding="utf-8")
    assert "| C1 | EUR | friendly |" in digest  # a Saturday: held back until Monday
    assert "not_before 2026-11-24T08:00+09:00" in digest  # the 23rd is a holiday in Japan
    assert "not_before 2026-11-23T08:00+01:00" in digest
    assert "digest: out/digest.md" in outcome.stdout
    assert "outbox" not in outcome.stdout  # nothing was written there


def test_only_paths_that_exist_are_printed(cli, workdir, files):
    outcome = cli("dunning", *files, "--as-of", "2026-11-21", "--out", "out")  # a Saturday
    assert outcome.exit_code == 0, outcome.stderr
    printed = [line.split(": ", 1)[1] for line in outcome.stdout.splitlines()
               if line.startswith(("actions.csv:", "outbox:", "digest:", "report:"))]
    assert printed, outcome.stdout
    assert all((workdir.path / path).exists() for path in printed), printed
    assert not (workdir.path / "out" / "outbox").exists()


def test_a_misspelt_matching_key_is_one_config_error_naming_file_key_and_choices(
        cli, workdir, files, monkeypatch):
    settings = _config(workdir, monkeypatch, "settings", "\nmatching:\n  auto_treshold: 95\n")
    outcome = cli("reconcile", *files, "--out", "out")
    assert outcome.exit_code == 2, outcome.stderr
    [line] = error_lines(outcome)
    assert line.startswith(f"{settings}: matching.auto_treshold: unknown key; allowed: ")
    assert "auto_threshold" in line
    assert "Traceback" not in outcome.stderr
    assert not (workdir.path / "out").exists()


def test_a_misspelt_quality_bound_is_refused_too(cli, workdir, files, monkeypatch):
    _config(workdir, monkeypatch, "settings", "\nquality:\n  match_rate_minimum: 0.4\n")
    outcome = cli("reconcile", *files, "--out", "out")
    assert outcome.exit_code == 2
    [line] = error_lines(outcome)
    assert "quality.match_rate_minimum: unknown key" in line and "match_rate_min" in line


@pytest.mark.parametrize(("text", "key"), [
    ("\nlimits_extra: 1\n", "limits_extra"),
    ("", "sending.send_tme"),
])
def test_a_misspelt_dunning_policy_key_names_the_policy_file(cli, workdir, files, monkeypatch,
                                                            text, key):
    policy = _config(workdir, monkeypatch, "policy", text)
    if not text:
        policy.write_text(policy.read_text(encoding="utf-8").replace(
            "send_time:", "send_tme:"), encoding="utf-8")
    outcome = cli("dunning", *files, "--as-of", "2026-11-20", "--out", "out")
    assert outcome.exit_code == 2, outcome.stderr
    [line] = error_lines(outcome)
    assert line.startswith(f"{policy}: {key}: unknown key; allowed: "), line


def test_a_second_run_into_the_same_folder_is_refused_unless_forced(cli, workdir, files):
    assert cli("reconcile", *files, "--out", "out").exit_code == 0
    before = {p.name: p.read_bytes() for p in (workdir.path / "out").glob("*.csv")}
    again = cli("reconcile", *files, "--out", "out")
    assert again.exit_code == 2
    assert error_lines(again) == ["out: is not empty (an earlier run's files?); choose a new "
                                  "--out, or add --force to write over them"]
    assert {p.name: p.read_bytes() for p in (workdir.path / "out").glob("*.csv")} == before
    assert cli("reconcile", *files, "--out", "out", "--force").exit_code == 0


def test_status_shows_the_database_runs_review_and_messages(cli, workdir, files):
    assert cli("dunning", *files, "--as-of", "2026-11-20", "--out", "out").exit_code == 0
    outcome = cli("status")
    assert outcome.exit_code == 0, outcome.stderr
    assert f"database: sqlite:///{workdir.db}" in outcome.stdout.replace("\n", "")
    assert "invoices: 3 (2 open)" in outcome.stdout
    assert "review: 0 payments wait for a person" in outcome.stdout
    assert "messages: sent 2" in outcome.stdout
    assert "dunning" in outcome.stdout and "succeeded" in outcome.stdout


def test_status_masks_a_database_password(cli, monkeypatch):
    monkeypatch.setenv("DUNWELL_DATABASE_URL",
                       "postgresql+psycopg://ar:s3cret@127.0.0.1:1/nowhere")
    outcome = cli("status")
    assert outcome.exit_code == 1  # the database is down: not the user's input (contract)
    assert "s3cret" not in outcome.stdout + outcome.stderr
    assert "ar:***@127.0.0.1" in outcome.stderr


def test_reset_asks_first_and_removes_only_the_sqlite_file(cli, workdir, files):
    assert cli("reconcile", *files, "--out", "out").exit_code == 0
    assert workdir.db.exists()
    from typer.testing import CliRunner

    from dunwell.cli import app

    declined = CliRunner().invoke(app, ["reset"], input="n\n")
    assert declined.exit_code == 1 and workdir.db.exists()
    accepted = CliRunner().invoke(app, ["reset"], input="y\n")
    assert accepted.exit_code == 0, accepted.stdout
    assert not workdir.db.exists()
    assert (workdir.path / "out" / "matches.csv").exists()
    assert "0 payments" in cli("review", "list").stdout
