"""The whole daily job on a generated company: outputs correct, exactly once, harmless failures."""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select

from dunwell.connectors.storage.models import BankTransaction, MatchRow, OutboxMessage
from tests.integration.conftest import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

CONTRACT_ACTIONS = [
    "run_date",
    "customer_id",
    "currency",
    "invoice_ids",
    "stage",
    "channel",
    "template",
    "language",
    "reason",
    "message_id",
]
CONTRACT_MATCHES = [
    "transaction_id",
    "invoice_id",
    "applied_amount",
    "confidence",
    "decision",
    "reasons",
]


def _run_daily(company: tuple[Path, object], out: Path, as_of: str = AS_OF.isoformat()):  # noqa: ANN202
    from dunwell.flows.daily import daily

    folder, _ = company
    return daily(
        str(folder / "invoices.csv"),
        str(folder / "customers.csv"),
        [str(folder / "bank.csv")],
        str(out),
        as_of,
    )


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _emails(out: Path) -> list[email.message.Message]:
    return [
        email.message_from_bytes(p.read_bytes()) for p in sorted((out / "outbox").glob("*.eml"))
    ]


def _counts(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        counts = {
            t.__tablename__: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (BankTransaction, MatchRow, OutboxMessage)
        }
    engine.dispose()
    return counts


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_daily_job_writes_contract_outputs_that_agree_with_the_data(
    prefect_server: None, company, dunwell_env: Path
) -> None:
    summary = _run_daily(company, dunwell_env)
    _, data = company
    matches = _read(dunwell_env / "matches.csv")
    assert list(matches.columns) == CONTRACT_MATCHES
    auto = matches[matches["decision"] == "auto"]
    assert len(auto) > 0.5 * len(data.truth[data.truth["expected"] == "auto"])
    truth = set(zip(data.truth["transaction_id"], data.truth["invoice_id"], strict=True))
    wrong = [
        (t, i)
        for t, i in zip(auto["transaction_id"], auto["invoice_id"], strict=True)
        if (t, i) not in truth
    ]
    assert len(wrong) <= max(1, len(auto) // 100)
    amounts = dict(
        zip(data.transactions["transaction_id"], data.transactions["amount_minor"], strict=True)
    )
    applied = auto.assign(minor=auto["applied_amount"].map(lambda a: int(Decimal(a) * 100)))
    for txn, total in applied.groupby("transaction_id")["minor"].sum().items():
        assert total <= amounts[txn]
    assert summary.payments_in == int((data.transactions["amount_minor"] > 0).sum())
    assert not list(dunwell_env.glob(".staging-*"))
    assert (dunwell_env / "report.html").stat().st_size > 2000


def test_every_email_action_has_exactly_one_message_in_the_outbox(
    prefect_server: None, company, dunwell_env: Path
) -> None:
    _run_daily(company, dunwell_env)
    actions = _read(dunwell_env / "actions.csv")
    assert list(actions.columns) == CONTRACT_ACTIONS
    sent = actions[actions["channel"] == "email"]
    assert len(sent) > 0
    assert not sent.duplicated(["customer_id", "currency"]).any()
    ids = [m["Message-ID"] for m in _emails(dunwell_env)]
    assert sorted(ids) == sorted(sent["message_id"])
    assert all(i.startswith("<") and i.endswith(">") for i in ids)


def test_a_second_run_on_the_same_day_sends_nothing_twice(
    prefect_server: None, company, dunwell_env: Path, db_url: str
) -> None:
    _run_daily(company, dunwell_env)
    first = {m["Message-ID"] for m in _emails(dunwell_env)}
    before = _counts(db_url)
    _run_daily(company, dunwell_env)
    assert {m["Message-ID"] for m in _emails(dunwell_env)} == first
    after = _counts(db_url)
    assert after["bank_transactions"] == before["bank_transactions"]
    assert after["matches"] == before["matches"]
    actions = _read(dunwell_env / "actions.csv")
    assert (actions["channel"] != "email").all()
    assert (actions["reason"] == "already_sent").sum() >= len(first)


def _config_with(tmp_path: Path, **quality: object) -> Path:
    """config/dunwell.yaml with some quality settings changed and absolute folders."""
    text = Path("config/dunwell.yaml").read_text(encoding="utf-8")
    for key, value in quality.items():
        text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text)
    for name in ("dunning_policy_path: dunning.yaml", "profiles_dir: profiles",
                 "templates_dir: templates"):
        key, _, relative = name.partition(": ")
        text = text.replace(name, f"{key}: {Path('config', relative).resolve()}")
    path = tmp_path / "dunwell.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_match_rate_out_of_bounds_is_reported_and_the_run_writes_everything(
    prefect_server: None, company, dunwell_env: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DUNWELL_CONFIG", str(_config_with(tmp_path, match_rate_min=0.999)))
    summary = _run_daily(company, dunwell_env)
    assert summary.findings == [
        next(f for f in summary.findings if f.startswith(
            "reconciliation: match rate outside the configured bounds (observed "))]
    assert len(_read(dunwell_env / "matches.csv")) > 0
    assert _emails(dunwell_env)
    assert "match rate outside the configured bounds" in (dunwell_env / "report.html").read_text(
        encoding="utf-8")


def test_a_finding_holds_back_reminders_where_the_config_says_so(
    prefect_server: None, company, dunwell_env: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DUNWELL_CONFIG", str(_config_with(
        tmp_path, match_rate_min=0.999, hold_dunning_on_findings="true")))
    summary = _run_daily(company, dunwell_env)
    actions = _read(dunwell_env / "actions.csv")
    assert summary.findings and not _emails(dunwell_env)
    assert (actions["channel"] != "email").all()
    assert (actions["reason"] == "quality_finding").sum() > 0
    assert len(_read(dunwell_env / "matches.csv")) > 0


def test_a_broken_invariant_is_a_bug_and_leaves_database_and_outputs_as_before(
    prefect_server: None,
    company,
    dunwell_env: Path,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dunwell.errors import InvariantBroken
    from dunwell.tasks import reconcile as matching_task

    _run_daily(company, dunwell_env)
    before_db, before_files = _counts(db_url), _tree(dunwell_env)
    engine = matching_task.reconcile

    def clears_twice(*args, **kwargs):  # noqa: ANN002,ANN003,ANN202 - a planted bug
        result = engine(*args, **kwargs)
        auto = result.matches[result.matches["decision"] == "auto"]
        # Another payment of this run books the whole invoice again.
        again = auto.head(1).assign(transaction_id=auto["transaction_id"].iloc[-1],
                                    applied_minor=10**12)
        return replace(result, matches=pd.concat([result.matches, again], ignore_index=True))

    monkeypatch.setattr(matching_task, "reconcile", clears_twice)
    folder, data = company
    moved = tmp_path / "bank2.csv"
    bank = _read(folder / "bank.csv")
    bank["transaction_id"] = "X" + bank["transaction_id"]
    bank.to_csv(moved, index=False)
    from dunwell.flows.daily import daily

    monkeypatch.chdir(tmp_path)  # the failure alert goes to ./.dunwell/alerts: not the checkout's
    with pytest.raises(InvariantBroken, match="dunwell bug.*invoice cleared twice"):
        daily(
            str(folder / "invoices.csv"),
            str(folder / "customers.csv"),
            [str(moved)],
            str(dunwell_env),
            "2026-11-24",
        )
    assert _counts(db_url) == before_db
    assert _tree(dunwell_env) == before_files
    assert len(list((tmp_path / ".dunwell" / "alerts").glob("*.eml"))) == 1
