"""Balance findings are values: mismatches, gaps between statements, mixed currencies."""

from __future__ import annotations

from decimal import Decimal

from dunwell.connectors.sources.statements import (
    StatementBalance,
    StatementImport,
    check_balances,
    read_statement,
)
from tests.connectors.sources.statements.statement_testkit import FIXTURES


def _bal(sid: str, opening: str, total: str, closing: str, *currencies: str) -> StatementBalance:
    return StatementBalance("ACC", sid, "EUR", Decimal(opening), Decimal(closing), count=1,
                            total=Decimal(total), currencies=currencies or ("EUR",))


def test_balanced_chain_has_no_findings() -> None:
    imp = StatementImport("mt940", [], [_bal("1", "0", "5", "5"), _bal("2", "5", "-1", "4")])
    assert check_balances(imp) == []


def test_mismatch_and_gap_are_reported_not_raised() -> None:
    imp = StatementImport("mt940", [], [_bal("1", "0", "5", "6"), _bal("2", "7", "1", "8")])
    findings = check_balances(imp)
    assert len(findings) == 2
    assert "closing balance is 6" in findings[0] and "difference 1" in findings[0]
    assert "opens at 7" in findings[1] and "gap 1" in findings[1]


def test_mixed_currencies_in_a_statement_are_reported() -> None:
    imp = StatementImport("camt053", [], [_bal("1", "0", "0", "0", "EUR", "SEK")])
    assert "mixes currencies EUR, SEK" in check_balances(imp)[0]


def test_statements_without_opening_balance_are_not_checked() -> None:
    imp = StatementImport("ofx", [], [StatementBalance("A", "s", "EUR", None, Decimal(3))])
    assert check_balances(imp) == []


def test_broken_mt940_chain_is_a_finding(write) -> None:
    text = (FIXTURES / "sepa_86.sta").read_text(encoding="utf-8")
    second = text.replace(":60F:C251030EUR1000,00", ":60F:C251103EUR2200,00")
    second = second.replace(":62F:C251103EUR2249,50", ":62F:C251103EUR3449,50")
    findings = check_balances(read_statement(write("two.sta", text + second)))
    assert len(findings) == 1 and "gap -49.50" in findings[0]
