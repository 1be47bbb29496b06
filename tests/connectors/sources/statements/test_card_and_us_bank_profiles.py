"""Built-in profiles for Capital One's card export, Ally Bank's account export and American
Express UK's card activity: each states the currency its bank's exports are in, is
recognised from its header alone, and converts its fixture into the golden canonical CSV
written by hand from the fixture's rows (sources in tests/fixtures/statements/banks/README.md).

Layouts whose header other banks' exports share in another currency stay refused for want
of a currency: a profile would read those exports in the wrong currency without a word."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.connectors.sources.statements import read_statement, write_canonical_csv
from tests.connectors.sources.statements.statement_testkit import (
    FIXTURES,
    golden_rows,
    raises_input_error,
)

BANKS = FIXTURES / "banks"
PROFILES = Path(__file__).resolve().parents[4] / "config" / "profiles"

# profile (= fixture name) -> (currency, net worked out by hand from the fixture's rows)
CASES = {
    # -6.75 + 250.00 + 42.18 - 1204.30: Debit is a charge, Credit a payment or a return
    "capital_one_card": ("USD", "-918.87"),
    # -1250.00 + 3100.55 - 64.19 + 0.87, signed as printed
    "ally": ("USD", "1787.23"),
    # the issuer prints a charge positive: -8.45 + 512.40 - 1149.00 + 35.00
    "amex_uk": ("GBP", "-610.05"),
}
AMEX_UK = ("Date,Description,Card Member,Account #,Amount,Extended Details,"
           "Appears On Your Statement As,Address,Town/City,Postcode,Country,Reference,Category")


@pytest.mark.parametrize("name", CASES)
def test_export_is_recognised_by_its_header_and_converts_to_its_golden_csv(
        name: str, tmp_path: Path) -> None:
    imp = read_statement(BANKS / f"{name}.csv")
    out = tmp_path / "bank.csv"
    write_canonical_csv(imp.transactions, out)
    with open(out, encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    currency, net = CASES[name]
    assert imp.profile == name
    assert written == golden_rows(BANKS / f"{name}.expected.csv")
    assert {t.currency for t in imp.transactions} == {currency}
    assert sum(t.amount for t in imp.transactions) == Decimal(net)


@pytest.mark.parametrize("name", CASES)
def test_each_profile_has_its_file(name: str) -> None:
    assert (PROFILES / f"{name}.yaml").is_file()


def test_amex_uk_export_with_the_card_member_columns_is_recognised_too(write) -> None:
    path = write("activity.csv", f"{AMEX_UK}\n14/03/2026,TESCO STORES 2231,MR J SMITH,-71004,"
                 "23.10,,TESCO STORES,,LONDON,E1 6AN,UNITED KINGDOM,'AT260730001',Groceries\n")
    imp = read_statement(path)
    assert imp.profile == "amex_uk"
    assert [(t.amount, t.currency) for t in imp.transactions] == [(Decimal("-23.10"), "GBP")]


def test_an_export_holding_allys_columns_among_others_is_not_read_as_ally(write) -> None:
    # Ally's five names inside a wider layout that states its own currency (as Monzo's does)
    path = write("statement.csv",
                 "Transaction ID,Date,Time,Type,Name,Category,Amount,Currency,Description\n"
                 "tx_01,2026-03-02,08:14:22,Card payment,Pret,Eating out,-6.45,GBP,PRET\n"
                 "tx_02,2026-03-03,09:00:00,Faster payment,ACME LTD,Income,2500.00,GBP,SALARY\n")
    imp = read_statement(path)
    assert imp.profile != "ally"
    assert {t.currency for t in imp.transactions} == {"GBP"}


@pytest.mark.parametrize("rows", [
    # BBVA México's, and Peru's BCP and Chile's cartolas alike
    "Fecha,Descripcion,Cargo,Abono,Saldo\n15/03/2026,OXXO PAGO,345.00,,8500.00\n"
    "14/03/2026,TRANSFERENCIA SPEI,,5000.00,8845.00\n",
    # a card list of any issuer, signed from the holder's side (Amex UK prints the other)
    "Date,Description,Amount,Category\n15/01/2026,Restaurant,-25.50,Dining\n"
    "14/01/2026,Grocery Store,-50.00,Groceries\n",
    # U.S. Bank's download, and Scotiabank's chequing (CAD) alike
    '"Date","Transaction","Name","Memo","Amount"\n"2026-07-05","CREDIT","ACME","WEB PMT",'
    '"892.95"\n"2026-07-04","DEBIT","SHELL OIL","POS","-58.94"\n',
])
def test_a_layout_banks_share_across_currencies_stays_refused_without_a_currency(
        write, rows: str) -> None:
    error = raises_input_error(read_statement, write("export.csv", rows))
    assert "no currency" in error.problem
