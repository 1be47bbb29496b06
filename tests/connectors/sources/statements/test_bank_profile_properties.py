"""Property: a bank export written in a built-in profile's number and sign conventions
reads back with the same count and the same net sum, whatever the amounts.

The rows are formatted here, independently of the reader (decimal comma, "." or "'"
or space thousands, Soll/Haben or Belastung/Gutschrift columns, a Debit/Credit type
column with "$"), so a profile whose separators or signs are wrong fails on the
amounts hypothesis picks (large ones with thousands groups, small ones, whole ones)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources.statements import read_statement

PROPS = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])
AMOUNTS = st.lists(st.integers(min_value=-250_000_000, max_value=250_000_000)
                   .filter(lambda c: c != 0).map(lambda c: Decimal(c) / 100),
                   min_size=1, max_size=12)


def grouped(value: Decimal, decimal: str, thousands: str) -> str:
    """|value| with its whole part in groups of three."""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return thousands.join([whole, *groups]) + decimal + frac


def signed(value: Decimal, decimal: str, thousands: str) -> str:
    return ("-" if value < 0 else "") + grouped(value, decimal, thousands)


def kbc(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;Valuta;"
            "Bedrag;Saldo;credit;debet"]
    for i, a in enumerate(amounts):
        rows.append(f"BE61734041478017; ;JANSSENS BV;EUR;  0202600{i % 9};0{i % 9 + 1}/02/2026;"
                    f"OMSCHRIJVING {i};0{i % 9 + 1}/02/2026;{signed(a, ',', '.')};0,00;;")
    return "\n".join(rows) + "\n", "cp1252"


def zkb(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ['"Datum";"Buchungstext";"Whg";"Betrag Detail";"ZKB-Referenz";"Referenznummer";'
            '"Belastung CHF";"Gutschrift CHF";"Valuta";"Saldo CHF";"Zahlungszweck";"Details"']
    for i, a in enumerate(amounts):
        money = grouped(a, ".", "'")
        debit, credit = (money, "") if a < 0 else ("", money)
        rows.append(f'"1{i % 9}.03.2026";"Text {i}";"";"";"Z{i:09d}";"";"{debit}";"{credit}";'
                    f'"1{i % 9}.03.2026";"";"";""')
    return "\n".join(rows) + "\n", "utf-8"


def deutsche_bank(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Umsätze Girokonto;Zeitraum: 01.03.2026 - 31.03.2026;;;;;;;;;;;;;;;;",
            "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;"
            "Kundenreferenz;Mandatsreferenz ;Gläubiger ID;Fremde Gebühren;Betrag;Abweichender "
            "Empfänger;Anzahl der Aufträge;Anzahl der Schecks;Soll;Haben;Währung"]
    for i, a in enumerate(amounts):
        soll, haben = (signed(a, ",", "."), "") if a < 0 else ("", grouped(a, ",", "."))
        rows.append(f"0{i % 9 + 1}.03.2026;0{i % 9 + 1}.03.2026;SEPA-Überweisung;Müller {i};"
                    f"Zweck {i};DE89370400440532013000;COBADEFFXXX;;;;;;;;;{soll};{haben};EUR")
    rows.append("Kontostand;31.03.2026;;;0,00;EUR")
    return "\n".join(rows) + "\n", "cp1252"


def boursobank(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["dateOp;dateVal;label;category;categoryParent;supplierFound;amount;comment;"
            "accountNum;accountLabel;accountbalance"]
    for i, a in enumerate(amounts):
        rows.append(f'2026-04-0{i % 9 + 1};2026-04-0{i % 9 + 1};"CARTE {i}";"Divers";"Divers";'
                    f"x;{signed(a, ',', ' ')};;00040613484;BoursoBank;0,00")
    return "\n".join(rows) + "\n", "utf-8"


def capital_one_360(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Account Number,Transaction Date,Transaction Amount,Transaction Type,"
            "Transaction Description,Balance"]
    for i, a in enumerate(amounts):
        kind = "Debit" if a < 0 else "Credit"
        rows.append(f'1234,05/0{i % 9 + 1}/26,"${grouped(a, ".", ",")}",{kind},Item {i},0.00')
    return "\n".join(rows) + "\n", "utf-8"


def capital_one_card(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Transaction Date,Posted Date,Card No.,Description,Category,Debit,Credit"]
    for i, a in enumerate(amounts):
        money = f"{abs(a):.2f}"
        debit, credit = (money, "") if a < 0 else ("", money)
        rows.append(f"2026-05-0{i % 9 + 1},2026-05-0{i % 9 + 1},4417,ITEM {i},Other,"
                    f"{debit},{credit}")
    return "\n".join(rows) + "\n", "utf-8"


def ally(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Date, Time, Amount, Type, Description"]
    for i, a in enumerate(amounts):
        kind = "Withdrawal" if a < 0 else "Deposit"
        rows.append(f"2026-06-0{i % 9 + 1}, 1{i % 9}:04:05, {a:.2f}, {kind}, ITEM {i}")
    return "\n".join(rows) + "\n", "utf-8"


def amex_uk(amounts: list[Decimal]) -> tuple[str, str]:
    rows = ["Date,Description,Amount,Extended Details,Appears On Your Statement As,Address,"
            "Town/City,Postcode,Country,Reference,Category"]
    for i, a in enumerate(amounts):
        # the issuer's side: a charge (money out for the holder) is printed positive
        rows.append(f'0{i % 9 + 1}/07/2026,ITEM {i},"{signed(-a, ".", ",")}",,ITEM {i},,'
                    f"LONDON,N1 9GU,UNITED KINGDOM,'AT{i:09d}',Other")
    return "\n".join(rows) + "\n", "utf-8"


WRITERS: dict[str, Callable[[list[Decimal]], tuple[str, str]]] = {
    "kbc": kbc, "zkb": zkb, "deutsche_bank": deutsche_bank, "boursobank": boursobank,
    "capital_one_360": capital_one_360, "capital_one_card": capital_one_card, "ally": ally,
    "amex_uk": amex_uk}


@PROPS
@given(profile=st.sampled_from(sorted(WRITERS)), amounts=AMOUNTS)
def test_written_export_reads_back_count_and_net(tmp_path: Path, profile: str,
                                                 amounts: list[Decimal]) -> None:
    text, encoding = WRITERS[profile](amounts)
    path = tmp_path / f"{profile}.csv"
    path.write_bytes(text.encode(encoding))
    for name in (None, profile):  # recognised from the header, and named explicitly
        imp = read_statement(path, name)
        assert imp.profile == profile
        assert [t.amount for t in imp.transactions] == amounts
        assert sum(t.amount for t in imp.transactions) == sum(amounts)
