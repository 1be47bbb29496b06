"""`dunwell reconcile` from the shell: findings about the results never stop it (issue 17)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import PREFECT_ENV, Outcome

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _company(folder: Path) -> None:
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices
    from dunwell.synth import generate

    data = generate(5, 40, 300, __import__("datetime").date(2026, 11, 23))
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")


def _strict_config(folder: Path) -> Path:
    """The shipped config with a match-rate bound no real day meets."""
    text = (REPO / "config" / "dunwell.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  match_rate_min: .*$", "  match_rate_min: 0.999", text)
    for key, relative in (("dunning_policy_path", "dunning.yaml"), ("profiles_dir", "profiles"),
                          ("templates_dir", "templates")):
        text = text.replace(f"{key}: {relative}", f"{key}: {REPO / 'config' / relative}")
    path = folder / "dunwell.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _dunwell(workdir, *args: str) -> Outcome:  # noqa: ANN001 - the harness's Workdir
    """The real process, as the harness runs it, with room for a loaded CI machine."""
    env = {k: v for k, v in os.environ.items() if k not in PREFECT_ENV and k != "PREFECT_HOME"}
    env["DUNWELL_DATABASE_URL"] = f"sqlite:///{workdir.db}"
    proc = subprocess.run([sys.executable, "-m", "dunwell.cli", *args], cwd=workdir.path,
                          env=env, capture_output=True, text=True, timeout=900)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def test_a_match_rate_out_of_bounds_is_a_finding_with_exit_0_and_every_output(
        workdir, monkeypatch: pytest.MonkeyPatch) -> None:
    _company(workdir.path)
    monkeypatch.setenv("DUNWELL_CONFIG", str(_strict_config(workdir.path)))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    outcome = _dunwell(workdir, "reconcile", "--invoices", "invoices.csv", "--bank",
                       "bank.csv", "--customers", "customers.csv", "--out", "out")
    assert outcome.exit_code == 0, outcome.stderr
    assert "finding: reconciliation: match rate outside the configured bounds" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    for name in ("matches.csv", "discrepancies.csv", "review_queue.csv"):
        assert (workdir.path / "out" / name).stat().st_size > 0


def test_a_statement_read_twice_is_counted_as_already_imported(
        workdir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary is made while the run is recorded; what recording tells (rows known
    before) and publishing (where the files went) still reach it."""
    _company(workdir.path)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    rows = len((workdir.path / "bank.csv").read_text(encoding="utf-8").splitlines()) - 1
    args = ["reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv", "--customers",
            "customers.csv"]
    first = _dunwell(workdir, *args, "--out", "first")
    second = _dunwell(workdir, *args, "--out", "second")
    assert first.exit_code == second.exit_code == 0, first.stderr + second.stderr
    assert "already imported before" not in first.stdout
    known = re.search(r"already imported before\s*\S?\s*([\d,]+)", second.stdout)
    assert known, second.stdout
    assert int(known.group(1).replace(",", "")) == rows
    assert "matches.csv: second/matches.csv" in second.stdout
