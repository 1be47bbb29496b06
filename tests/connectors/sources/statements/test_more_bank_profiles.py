"""Built-in profiles for more banks' CSV exports (bunq, ZKB, PostFinance, Raiffeisen CH,
KBC, BNP Paribas Fortis, Santander ES, Capital One 360, Deutsche Bank, Starling,
BoursoBank, Société Générale, UBS German).

Each fixture in tests/fixtures/statements/banks was written from the bank's published
layout (sources in that folder's README); the counts and net sums below were added up by
hand from the fixture's rows when it was written, not taken from dunwell's output."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES

BANKS = FIXTURES / "banks"
PROFILES = Path(__file__).resolve().parents[4] / "config" / "profiles"

# fixture -> (profile, count, currency, net, account of the first row)
CASES = {
    # 1149.50 - 121.00 - 12.50 + 0.05
    "bunq.csv": ("bunq", 4, "EUR", "1016.05", None),
    # -23.40 - 150.00 + 5200.00 - 21.37; the collective order's two detail rows are not
    # transactions (the 150.00 total is)
    "zkb.csv": ("zkb", 4, "CHF", "5005.23", None),
    # -45.80 + 5400.00 - 420.00 - 12.40; the disclaimer footer is not a transaction
    "postfinance.csv": ("postfinance", 4, "CHF", "4921.80", "CH9300762011623852957"),
    # -251 - 243.78 + 2500.50 - 1967; the undated row continues the second one's text
    "raiffeisen_ch.csv": ("raiffeisen_ch", 4, "CHF", "38.72", "CH3580808008146396840"),
    # -775.08 + 2450.00 - 63.17 - 3.40
    "kbc.csv": ("kbc", 4, "EUR", "1608.35", "BE61734041478017"),
    # -12.05 + 2750.00 - 84.99; the refused (Geweigerd) -1250.00 is not booked
    "bnp_paribas_fortis.csv": ("bnp_paribas_fortis", 3, "EUR", "2652.96", "BE82001453755568"),
    # -123.45 + 1000.00 - 82.30 + 2100.00
    "santander_es.csv": ("santander_es", 4, "EUR", "2894.25", None),
    # -45.50 + 1500.00 - 75.00 + 1012.40 (Transaction Type gives the sign)
    "capital_one_360.csv": ("capital_one_360", 4, "USD", "2391.90", "1234"),
    # -13.99 + 2500.00 - 1086.40 - 13.99 (Soll/Haben); the Kontostand footer is skipped
    "deutsche_bank.csv": ("deutsche_bank", 4, "EUR", "1385.62", None),
    # 2500.00 - 1100.00 - 50.00 - 42.10 + 1.27
    "starling.csv": ("starling", 5, "GBP", "1309.17", None),
    # -568.13 - 8.99 + 2450.00 - 1100.50 (space thousands)
    "boursobank.csv": ("boursobank", 4, "EUR", "772.38", "00040613484"),
    # -26.01 + 2100.00 - 100.00 - 8.30; the account from the line above the header
    "societe_generale.csv": ("societe_generale", 4, "EUR", "1965.69", "00012345678"),
    # -23.40 - 150.00 + 5200.00 - 8.50: the pending row (no Buchungsdatum) and the
    # collective order's two Einzelbetrag rows are not booked transactions
    "ubs_ch_de.csv": ("ubs_ch_de", 4, "CHF", "5018.10", "CH9300762011623852957"),
}


@pytest.mark.parametrize("name", CASES)
def test_bank_export_is_recognised_and_sums_right(name: str) -> None:
    profile, count, ccy, net, account = CASES[name]
    imp = read_statement(BANKS / name)
    assert imp.profile == profile
    assert len(imp.transactions) == count
    assert {t.currency for t in imp.transactions} == {ccy}
    assert sum(t.amount for t in imp.transactions) == Decimal(net)
    assert imp.transactions[0].account == account


@pytest.mark.parametrize("name", CASES)
def test_each_new_profile_has_its_file_and_fixture(name: str) -> None:
    assert (PROFILES / f"{CASES[name][0]}.yaml").is_file()


def test_zkb_amounts_are_the_booked_totals_not_the_details() -> None:
    amounts = [t.amount for t in read_statement(BANKS / "zkb.csv").transactions]
    assert amounts == [Decimal("-23.40"), Decimal("-150.00"), Decimal("5200.00"),
                       Decimal("-21.37")]


def test_raiffeisen_continuation_row_joins_the_previous_text() -> None:
    txns = read_statement(BANKS / "raiffeisen_ch.csv").transactions
    assert "HOTEL LA VETTA" in (txns[1].remittance_info or "")
    assert "inclus taxe pour achat à l'étranger CHF 4.81" in (txns[1].remittance_info or "")
    assert txns[1].amount == Decimal("-243.78")


def test_bnp_refused_order_is_skipped_with_a_warning() -> None:
    imp = read_statement(BANKS / "bnp_paribas_fortis.csv")
    assert all(t.amount != Decimal("-1250.00") for t in imp.transactions)
    assert any("not booked" in w and "Geweigerd" in w for w in imp.warnings)


def test_deutsche_bank_names_payer_and_payee_and_reads_cp1252() -> None:
    txns = read_statement(BANKS / "deutsche_bank.csv").transactions
    assert [t.counterparty_name for t in txns[:3]] == [
        "Netflix International B.V.", "Müller Bau GmbH", "Stadtwerke München"]
    assert [t.amount for t in txns] == [Decimal("-13.99"), Decimal("2500.00"),
                                         Decimal("-1086.40"), Decimal("-13.99")]


def test_capital_one_360_sign_comes_from_the_transaction_type() -> None:
    amounts = [t.amount for t in read_statement(BANKS / "capital_one_360.csv").transactions]
    assert amounts == [Decimal("-45.50"), Decimal("1500.00"), Decimal("-75.00"),
                       Decimal("1012.40")]


def test_ubs_de_skips_pending_and_single_amounts_and_says_so() -> None:
    imp = read_statement(BANKS / "ubs_ch_de.csv")
    assert [t.amount for t in imp.transactions] == [Decimal("-23.40"), Decimal("-150.00"),
                                                     Decimal("5200.00"), Decimal("-8.50")]
    assert imp.transactions[1].counterparty_name == "Sammelauftrag"
    assert any("without a date" in w for w in imp.warnings)
    assert any("skip_if" in w for w in imp.warnings)
