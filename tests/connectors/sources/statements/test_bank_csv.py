"""Canonical bank.csv: pass-through with validation, and atomic writing."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.connectors.sources.statements import read_statement, write_canonical_csv
from dunwell.model import BankTxn, TransactionId
from tests.connectors.sources.statements.statement_testkit import raises_input_error

HEADER = "transaction_id,booking_date,amount,currency\n"


def _txn(tid: str, amount: str = "1.00", account: str | None = None) -> BankTxn:
    return BankTxn(TransactionId(tid), date(2025, 11, 3), Decimal(amount), "EUR", account=account)


@pytest.mark.parametrize(("body", "line", "column"), [
    ("T1,2025-11-03,1.00,EUR\nT1,2025-11-04,2.00,EUR\n", 3, "transaction_id"),
    ("T1,2025-13-03,1.00,EUR\n", 2, "booking_date"),
    ("T1,2025-11-03,\"1,00\",EUR\n", 2, "amount"),
    ("T1,2025-11-03,1.001,EUR\n", 2, "amount"),
    ("T1,2025-11-03,1.00,\n", 2, "currency"),
    (",2025-11-03,1.00,EUR\n", 2, "transaction_id"),
])
def test_bad_canonical_rows_raise_input_error(write, body: str, line: int, column: str) -> None:
    error = raises_input_error(read_statement, write("bank.csv", HEADER + body))
    assert (error.line, error.column) == (line, column)


def test_canonical_with_bom_and_extra_columns_reads(write) -> None:
    text = "\ufefftransaction_id,booking_date,amount,currency,note\nT1,2025-11-03,5,EUR,x\n"
    imp = read_statement(write("bank.csv", text))
    assert imp.format == "canonical"
    assert imp.transactions[0].amount == Decimal(5)


def test_account_column_is_always_written(tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    write_canonical_csv([_txn("a"), _txn("b", account="NL91ABNA0417164300")], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",account")
    assert lines[1] == "a,2025-11-03,1.00,EUR,,,,"
    assert lines[2].endswith(",NL91ABNA0417164300")


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    out.write_text("old\n")

    def rows():
        yield _txn("a")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_canonical_csv(rows(), out)
    assert out.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["bank.csv"]


def test_failed_first_write_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    with pytest.raises(AttributeError):
        write_canonical_csv([object()], out)  # type: ignore[list-item]
    assert os.listdir(tmp_path) == []


def _edge_records() -> list[BankTxn]:
    cases = [("a\x00b", "-0.004", "EUR"), ("x\ry", "-5", "JPY"), ("x\r\ny", "1.234", "BHD"),
             ("q\"uote,", "-0.5", "XXX")]
    return [BankTxn(TransactionId(f"T{i}"), date(2026, 1, 2), Decimal(a), c, text, "nl91 abna",
                    text, "ACC") for i, (text, a, c) in enumerate(cases)]


def test_records_and_frames_are_written_with_one_cell_rule_and_amount_text(tmp_path: Path) -> None:
    import pandas as pd

    from dunwell.connectors.sources.canonical import write_bank

    records = _edge_records()
    write_canonical_csv(records, tmp_path / "records.csv")
    frame = pd.DataFrame({
        "transaction_id": [t.transaction_id for t in records],
        "booking_date": pd.to_datetime(["2026-01-02"] * 4).astype("datetime64[s]"),
        "amount_minor": pd.Series([0, -5, 1234, -50], dtype="int64"),
        "currency": ["EUR", "JPY", "BHD", "XXX"],
        "counterparty_name": [t.counterparty_name for t in records],
        "counterparty_iban": ["NL91ABNA"] * 4,
        "remittance_info": [t.remittance_info for t in records], "account": ["ACC"] * 4,
    })
    write_bank(frame, tmp_path / "frame.csv")
    written = (tmp_path / "records.csv").read_bytes()
    assert written == (tmp_path / "frame.csv").read_bytes()
    assert written.decode("utf-8").split("\n")[1:] == [
        "T0,2026-01-02,0.00,EUR,ab,NL91ABNA,ab,ACC",
        'T1,2026-01-02,-5,JPY,"x', 'y",NL91ABNA,"x', 'y",ACC',
        'T2,2026-01-02,1.234,BHD,"x', 'y",NL91ABNA,"x', 'y",ACC',
        'T3,2026-01-02,-0.50,XXX,"q""uote,",NL91ABNA,"q""uote,",ACC', ""]


def test_writing_statement_records_does_not_import_pandas(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from datetime import date; from decimal import Decimal\n"
            "from dunwell.model import BankTxn\n"
            "from dunwell.connectors.sources.statements import write_canonical_csv\n"
            "write_canonical_csv([BankTxn('a', date(2026, 1, 2), Decimal('1'), 'EUR')], "
            f"{str(tmp_path / 'bank.csv')!r})\n"
            "print('pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
    assert (tmp_path / "bank.csv").read_text().splitlines()[1] == "a,2026-01-02,1.00,EUR,,,,"
