"""Inference on what real exports carry: no header row, pending rows, decorated and
Nordic headers, a currency only in the amounts or in a column's name, Windows-1252
text that a detector takes for Central European. Each case is a general convention,
written here small; the blind corpora in bench/ measure it on whole exports."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources.statements import infer_profile, read_statement
from dunwell.connectors.sources.statements.csv_infer import InferenceUnsure
from dunwell.errors import FormatNotRecognised, InputError


def _sum(imp) -> Decimal:
    return sum((t.amount for t in imp.transactions), Decimal(0))


def test_hash_decorated_headers_and_a_code_in_every_amount_give_the_columns_and_currency(
        write) -> None:
    text = ("#Za okres:;\n01.01.2026;31.01.2026;\n\n#Waluta;#Wpływy;#Wydatki;\n"
            "PLN;1 000,00;-20,00;\n\n#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;\n"
            "2026-01-05;LASKU 1;eKonto;Wpływy;1 000,00 PLN;\n"
            "2026-01-06;ZABKA;eKonto;Zakupy;-20,00 PLN;\n")
    imp = read_statement(write("mbank.csv", text.encode("cp1250")))
    assert [t.amount for t in imp.transactions] == [Decimal("1000.00"), Decimal("-20.00")]
    assert {t.currency for t in imp.transactions} == {"PLN"}


def test_a_key_value_preamble_line_is_not_taken_for_the_header(write) -> None:
    text = ("accountId;2101234567\ncurrency;CZK\nbic;FIOBCZPPXXX\ndateStart;01.02.2026\n\n"
            "ID pohybu;Datum;Objem;Měna;Protiúčet;Název protiúčtu\n"
            "1;02.02.2026;-254,62;CZK;19-2000145399;Albert\n"
            "2;04.02.2026;603,29;CZK;20-2000145406;Dvořák Stavby\n")
    imp = read_statement(write("fio.csv", text))
    assert _sum(imp) == Decimal("348.67")
    assert {t.currency for t in imp.transactions} == {"CZK"}


def test_rows_dated_as_pending_are_skipped_and_said(write) -> None:
    text = ("\ufeffBokföringsdag;Belopp;Namn;Rubrik;Saldo;Valuta;\n"
            "Reserverat;-89,00;Espresso House;Kortköp;;SEK;\n"
            "2026/07/01;-665,59;Systembolaget;Systembolaget 61354;37113,57;SEK;\n"
            "2026/06/30;232,64;Åhlens;Lasku 1031;37779,16;SEK;\n")
    imp = read_statement(write("nordea.csv", text))
    assert [t.amount for t in imp.transactions] == [Decimal("-665.59"), Decimal("232.64")]
    assert any("pending" in w and "Reserverat" in w for w in imp.warnings)


def test_a_windows_1252_danish_header_is_read_as_danish_not_czech(write) -> None:
    rows = "".join(f'"0{d}.03.2026";"Føtex Ørsted {d}";"-{d}4,00";"4{d}.156,00"\n'
                   for d in range(1, 8))
    data = ('"Dato";"Tekst";"Beløb";"Saldo"\n' + rows).encode("cp1252")
    profile, notes = infer_profile(write("danske.csv", data), currency="DKK")
    assert profile.encoding == "cp1252" and profile.column("amount") == "Beløb"
    imp = read_statement(write("danske.csv", data), currency="DKK")
    assert _sum(imp) == -sum(Decimal(f"{d}4.00") for d in range(1, 8))
    assert any("Føtex" in (t.remittance_info or "") for t in imp.transactions)


def test_an_amount_column_named_by_its_currency_is_the_amount_when_the_other_is_empty(
        write) -> None:
    text = ("Account Type,Account Number,Transaction Date,Description 1,CAD$,USD$\n"
            "Chequing,03489-5086459,10/2/2026,HYDRO ONE,695.04,\n"
            "Chequing,03489-5086459,10/16/2026,TIM HORTONS,-578.28,\n")
    imp = read_statement(write("rbc.csv", text))
    assert _sum(imp) == Decimal("116.76") and {t.currency for t in imp.transactions} == {"CAD"}


def test_without_any_currency_the_refusal_names_the_option(write) -> None:
    text = '"Date","Name","Amount"\n"2026-07-05","ACME","892.95"\n"2026-07-04","SHELL","-8.94"\n'
    with pytest.raises(InputError, match="--currency"):
        read_statement(write("usbank.csv", text))


def _asn_like(amounts: list[Decimal], start: Decimal) -> str:
    lines, balance = [], start
    for day, value in enumerate(amounts, 1):
        lines.append(f"{day:02d}-09-2026,NL81ASNB0708271398,NL70RABO0799642630,Party {day},"
                     f"EUR,{balance:.2f},EUR,{value:.2f},{day:02d}-09-2026,8810,4800{day:04d},"
                     f"'Factuur {day}'")
        balance += value
    return "\n".join(lines) + "\n"


def test_without_a_header_a_running_balance_tells_the_amount_from_the_balance(write) -> None:
    amounts = [Decimal(v) for v in ("-84.21", "-124.52", "852.87", "603.91", "-575.44", "12.00")]
    imp = read_statement(write("asn.csv", _asn_like(amounts, Decimal("2150.40"))))
    assert [t.amount for t in imp.transactions] == amounts
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert {t.account for t in imp.transactions} == {"NL81ASNB0708271398"}
    assert any("no header row" in w for w in imp.warnings)


def test_without_a_header_a_debit_credit_word_column_signs_the_amount(write) -> None:
    rows = [("223,12", "Credit"), ("2.000,68", "Debet"), ("239,84", "Debet"),
            ("565,98", "Credit"), ("657,96", "Debet")]
    text = "".join(f'"0{i + 1}-08-2026","NL42TRIO0212345678","{a}","{s}","Party {i}",'
                   f'"NL87RABO0327868215","ET","Faktura {i}"\n' for i, (a, s) in enumerate(rows))
    imp = read_statement(write("triodos.csv", text.encode("iso-8859-15")), currency="EUR")
    assert _sum(imp) == Decimal("223.12") - Decimal("2000.68") - Decimal("239.84") + Decimal(
        "565.98") - Decimal("657.96")


def _td_like(flows: list[tuple[str, str]], newest_first: bool = False) -> str:
    balance, lines = Decimal("2480.00"), []
    for day, (out, into) in enumerate(flows, 13):
        balance += Decimal(into or 0) - Decimal(out or 0)
        lines.append(f"11/{day:02d}/2026,SHOP {day},{out},{into},{balance:.2f}")
    return "\n".join(reversed(lines) if newest_first else lines) + "\n"


@pytest.mark.parametrize("newest_first", [False, True])
def test_without_a_header_the_balance_says_which_column_is_money_out(write,
                                                                      newest_first) -> None:
    flows = [("", "898.13"), ("247.00", ""), ("", "898.24"), ("573.97", ""), ("722.00", ""),
             ("", "155.32")]
    imp = read_statement(write("td.csv", _td_like(flows, newest_first)), currency="CAD")
    assert _sum(imp) == Decimal("898.13") - Decimal("247.00") + Decimal("898.24") - Decimal(
        "573.97") - Decimal("722.00") + Decimal("155.32")


def test_without_a_header_two_money_columns_and_no_balance_are_refused(write) -> None:
    text = "".join(f"0{d}.11.2025;{d}0,00;{d}1,50;Text {d}\n" for d in range(1, 8))
    with pytest.raises(FormatNotRecognised, match="no header row"):
        read_statement(write("two.csv", text), currency="EUR")


def test_without_a_header_debit_and_credit_without_a_balance_are_refused(write) -> None:
    text = "".join(f"11/0{d}/2026,SHOP,{'' if d % 2 else '5.00'},{'7.00' if d % 2 else ''}\n"
                   for d in range(1, 8))
    with pytest.raises(FormatNotRecognised, match="which is which"):
        read_statement(write("noba.csv", text), currency="USD")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.lists(st.integers(-500_000, 500_000).filter(bool), min_size=5, max_size=30),
       seed=st.integers(0, 10_000))
def test_a_headerless_export_is_read_right_or_refused_never_summed_wrong(write, cents,
                                                                         seed) -> None:
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    order = list(range(12))
    random.Random(seed).shuffle(order)
    cells = [line.split(",") for line in _asn_like(amounts, Decimal("100.00")).splitlines()]
    text = "".join(",".join(row[i] for i in order) + "\n" for row in cells)
    try:
        imp = read_statement(write("any.csv", text))
    except InputError:
        return
    assert _sum(imp) == sum(amounts, Decimal(0)) and len(imp.transactions) == len(amounts)


def test_a_short_headerless_file_is_still_refused(write) -> None:
    with pytest.raises(InferenceUnsure):
        infer_profile(write("short.csv", "03.11.2025;10,00;x\n04.11.2025;-2,00;y\n"))
