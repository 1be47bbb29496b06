"""Built-in profiles of common bank exports: each fixture is recognised from its header
and gives the count and net sum worked out by hand from its rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES

BANKS = FIXTURES / "banks"

# fixture -> (profile, count, currency, net, first row's counterparty, account)
CASES = {
    "dkb.csv": ("dkb", 3, "EUR", "2777.02", "Netflix International B.V.",
                "DE12120300000000000000"),
    "ing_de.csv": ("ing_de", 3, "EUR", "2777.02", "Netflix International B.V.",
                   "DE12500105170648489890"),
    "commerzbank.csv": ("commerzbank", 3, "EUR", "2777.02", "Netflix International B.V.", None),
    "revolut.csv": ("revolut", 4, "GBP", "59.60", None, None),
    "wise.csv": ("wise", 3, "EUR", "1238.01", None, None),
    "rabobank.csv": ("rabobank", 2, "EUR", "1245.01", "Albert Heijn", "NL60RABO0330370596"),
    "abn_amro.csv": ("abn_amro", 2, "EUR", "914.50", None, "123456789"),
    "barclays.csv": ("barclays", 4, "GBP", "820.00", None, "20-00-00 12345678"),
    "monzo.csv": ("monzo", 3, "GBP", "2359.80", "Tesco", None),
    "chase_card.csv": ("chase_card", 3, "USD", "-569.42", None, None),
    "chase_checking.csv": ("chase_checking", 3, "USD", "2180.00", None, None),
    "bank_of_america.csv": ("bank_of_america", 3, "USD", "931.83", None, None),
}


@pytest.mark.parametrize("name", CASES)
def test_bank_export_is_recognised_and_sums_right(name: str) -> None:
    profile, count, ccy, net, counterparty, account = CASES[name]
    imp = read_statement(BANKS / name)
    assert imp.profile == profile
    assert len(imp.transactions) == count
    assert {t.currency for t in imp.transactions} == {ccy}
    assert sum(t.amount for t in imp.transactions) == Decimal(net)
    assert imp.transactions[0].counterparty_name == counterparty
    assert imp.transactions[0].account == account


def test_dkb_names_the_payer_of_money_in_and_the_payee_of_money_out() -> None:
    names = [t.counterparty_name for t in read_statement(BANKS / "dkb.csv").transactions]
    assert names == ["Netflix International B.V.", "Spotify AB", "Müller Bau GmbH"]


def test_revolut_fee_is_its_own_row_and_pending_rows_are_skipped_with_a_warning() -> None:
    imp = read_statement(BANKS / "revolut.csv")
    assert [t.amount for t in imp.transactions] == [Decimal("-39.90"), Decimal("200.00"),
                                                    Decimal("-100.00"), Decimal("-0.50")]
    assert imp.transactions[3].remittance_info == "fee: Exchanged to EUR"
    assert any("lines 5 (PENDING)" in w for w in imp.warnings)


def test_bank_of_america_summary_block_and_beginning_balance_are_not_transactions() -> None:
    imp = read_statement(BANKS / "bank_of_america.csv")
    assert imp.lines == [9, 10, 11]
    assert any("skip_if: lines 8" in w for w in imp.warnings)
