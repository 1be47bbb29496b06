"""Inference on more conventions of real exports, each written here small: Norwegian
out/in columns, a key/value preamble narrower than the table, the currency of the
account's IBAN country or of the default_currency setting, card exports signed from the
issuer's side, and headerless debit/credit columns oriented by the kind of transaction
the text names. The blind corpora in bench/ measure them on whole exports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunwell.connectors.settings.config import load_settings
from dunwell.connectors.sources.statements import read_statement
from dunwell.errors import ConfigError, FormatNotRecognised, InputError


def _amounts(imp) -> list[Decimal]:
    return [t.amount for t in imp.transactions]


def test_norwegian_out_of_and_into_account_columns_are_money_out_and_in(write) -> None:
    text = ('"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"\r\n'
            '"24.09.2026";"Varekjøp KIWI";"25.09.2026";284;""\r\n'
            '"24.09.2026";"Overføring Innland";"25.09.2026";"";891.32\r\n'
            '"23.09.2026";"Varekjøp Fjordkraft";"24.09.2026";258.1;""')
    imp = read_statement(write("dnb.csv", text.encode("iso-8859-1")), currency="NOK")
    assert _amounts(imp) == [Decimal("-284"), Decimal("891.32"), Decimal("-258.1")]
    assert imp.transactions[0].remittance_info == "Varekjøp KIWI"


def test_short_norwegian_in_and_out_columns_take_an_out_column_printed_negative(write) -> None:
    text = ("\ufeffDato;Beskrivelse;Rentedato;Inn;Ut;Til konto;Fra konto;\n"
            '"01.09.2026";"Til: 7777 Betaling for ""Skatteetaten""; siste del";;;"-728,18";'
            '"88889900000";"12345678903";\n'
            '"04.09.2026";"Rechnung 1002";;"3 217,29";;"12345678903";"33334400002";\n')
    imp = read_statement(write("sparebank.csv", text), currency="NOK")
    assert _amounts(imp) == [Decimal("-728.18"), Decimal("3217.29")]


def test_a_key_value_preamble_narrower_than_the_table_is_not_the_header(write) -> None:
    text = ("Numéro Compte ;0123456X020\nType ;Compte Courant Postal\nCompte tenu en ;euros\n"
            "Date ;05/12/2026\nSolde (EUROS) ;+5465,78\n\nDate;Libellé;Montant(EUROS)\n"
            '28/06/2026;"VIREMENT DE DGFIP";+698,00\n27/06/2026;CB CARREFOUR;-1 254,30\n'
            + "".join(f"2{d}/06/2026;CB BOULANGERIE;-{d},10\n" for d in range(6, 0, -1)))
    imp = read_statement(write("postale.csv", text.encode("cp1252")))
    assert _amounts(imp)[:3] == [Decimal("698.00"), Decimal("-1254.30"), Decimal("-6.10")]
    assert len(imp.transactions) == 8
    assert {t.currency for t in imp.transactions} == {"EUR"}


def _ing_be(account: str) -> str:
    rows = "".join(f"{account};ZICHTREKENING;;{n};0{n}/07/2026;0{n}/07/2026;-{n}2,50;"
                   f"Betaling;Colruyt\n" for n in range(1, 6))
    return ("Rekeningnummer;Naam van de rekening;Rekening tegenpartij;Omzetnummer;"
            "Boekingsdatum;Valutadatum;Bedrag;Omschrijving;Detail\n" + rows)


def test_the_account_iban_country_gives_the_currency_when_nothing_else_does(write) -> None:
    imp = read_statement(write("ing_be.csv", _ing_be("BE68539007547034")))
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert [t.booking_date.month for t in imp.transactions] == [7] * 5  # day first, as in EUR
    assert any("IBAN country BE" in w for w in imp.warnings)


def test_an_account_number_that_fails_the_iban_check_gives_no_currency(write) -> None:
    with pytest.raises(InputError, match="DUNWELL_DEFAULT_CURRENCY|--currency"):
        read_statement(write("ing_be.csv", _ing_be("BE68539007547035")))


def test_the_default_currency_setting_fills_in_for_a_file_without_one(write, monkeypatch
                                                                     ) -> None:
    text = "Date,Description,Amount\n" + "".join(
        f"2026-03-0{d},Shop {d},-{d}.50\n" for d in range(1, 6))
    path = write("plain.csv", text)
    with pytest.raises(InputError, match="DUNWELL_DEFAULT_CURRENCY"):
        read_statement(path)
    monkeypatch.setenv("DUNWELL_DEFAULT_CURRENCY", "chf")
    assert {t.currency for t in read_statement(path).transactions} == {"CHF"}
    assert {t.currency for t in read_statement(path, currency="USD").transactions} == {"USD"}


def test_a_default_currency_that_is_no_iso_code_is_a_config_error(monkeypatch) -> None:
    monkeypatch.setenv("DUNWELL_DEFAULT_CURRENCY", "EURO")
    with pytest.raises(ConfigError, match="default_currency"):
        load_settings()


_DISCOVER = ("Trans. Date,Post Date,Description,Amount,Category\n"
             '08/11/2026,08/11/2026,"INTERNET PAYMENT - THANK YOU",-591.30,Payments and Credits\n'
             "08/12/2026,08/13/2026,COMCAST CALIFORNIA,681.00,Restaurants\n"
             "08/16/2026,08/17/2026,SHELL OIL 57444103,416.00,Gasoline\n"
             "08/19/2026,08/19/2026,AMAZON MKTPLACE RETURN,-20.00,Payments and Credits\n"
             "08/20/2026,08/21/2026,WHOLEFDS,17.22,Supermarkets\n")


def test_a_card_export_printing_purchases_positive_and_payments_negative_is_negated(write
                                                                                    ) -> None:
    imp = read_statement(write("card.csv", _DISCOVER), currency="USD")
    assert _amounts(imp) == [Decimal("591.30"), Decimal("-681.00"), Decimal("-416.00"),
                             Decimal("20.00"), Decimal("-17.22")]
    assert any("issuer's side" in w for w in imp.warnings)


def test_a_card_member_export_whose_payments_are_positive_is_kept(write) -> None:
    text = ("Date,Description,Card Member,Account #,Amount\n"
            "01/05/2026,AUTOPAY PAYMENT RECEIVED,J SMITH,-41005,812.00\n"
            "01/06/2026,DELTA AIR LINES,J SMITH,-41005,-456.10\n"
            "01/07/2026,UBER TRIP,J SMITH,-41005,-23.45\n")
    imp = read_statement(write("amex.csv", text), currency="USD")
    assert _amounts(imp) == [Decimal("812.00"), Decimal("-456.10"), Decimal("-23.45")]


def test_a_card_export_whose_rows_do_not_say_the_sign_is_refused_not_guessed(write) -> None:
    text = "Transaction Date,Post Date,Description,Amount\n" + "".join(
        f"03/1{d}/2026,03/1{d}/2026,SHOP {d},{d}4.10\n" for d in range(5))
    with pytest.raises(FormatNotRecognised, match="card export.*invert_sign"):
        read_statement(write("card.csv", text), currency="USD")


def test_charge_and_payment_columns_are_money_out_and_money_in(write) -> None:
    text = ("Date,Description,Charge,Payment\n2026-02-01,HOTEL,120.00,\n"
            "2026-02-03,PAYMENT THANK YOU,,300.00\n2026-02-04,TAXI,31.50,\n")
    imp = read_statement(write("charges.csv", text), currency="USD")
    assert _amounts(imp) == [Decimal("-120.00"), Decimal("300.00"), Decimal("-31.50")]


def _cibc_like(rows: list[tuple[str, str, str]]) -> str:
    return "".join(f"2026-09-{20 - i:02d},{text},{out},{into}\n"
                   for i, (text, out, into) in enumerate(rows))


def test_without_a_header_the_kind_each_text_names_says_which_column_is_money_out(write
                                                                                  ) -> None:
    rows = [("Point of Sale - Interac RETAIL PURCHASE HYDRO ONE", "204.73", ""),
            ("Electronic Funds Transfer DEPOSIT ROGERS", "", "535.49"),
            ("Point of Sale - Interac RETAIL PURCHASE LOBLAWS", "443.50", ""),
            ("Electronic Funds Transfer DEPOSIT TIM HORTONS", "", "86.10"),
            ("Point of Sale - Interac RETAIL PURCHASE BELL", "18.00", "")]
    imp = read_statement(write("cibc.csv", _cibc_like(rows)), currency="CAD")
    assert _amounts(imp) == [Decimal("-204.73"), Decimal("535.49"), Decimal("-443.50"),
                             Decimal("86.10"), Decimal("-18.00")]


def test_without_a_header_texts_naming_kinds_on_both_sides_are_refused(write) -> None:
    rows = [("RETAIL PURCHASE HYDRO", "204.73", ""), ("DEPOSIT ROGERS", "", "535.49"),
            ("RETAIL PURCHASE LOBLAWS", "", "443.50"), ("DEPOSIT TIM", "", "86.10"),
            ("RETAIL PURCHASE BELL", "18.00", "")]
    with pytest.raises(FormatNotRecognised, match="which is which"):
        read_statement(write("cibc.csv", _cibc_like(rows)), currency="CAD")


def test_without_a_header_the_counterparties_ibans_give_no_currency(write) -> None:
    rows = "".join(f"0{d}-08-2026,{d}3.10,Shop {d},BE68539007547034\n" for d in range(1, 7))
    with pytest.raises(InputError, match="DUNWELL_DEFAULT_CURRENCY"):
        read_statement(write("headerless.csv", rows.replace(",BE", ",Party BE")))


def test_portuguese_column_names_and_a_currency_line_above_the_header(write) -> None:
    text = ("CONSULTA DE MOVIMENTOS\t\t\t\nConta\t000-1 - ORDEM\t\t\nMoeda\tEUR\t\t\n\t\t\t\n"
            "DATA MOV.\tDATA VALOR\tDESCRIÇÃO\tIMPORTÂNCIA\tSALDO CONTABILÍSTICO\n"
            + "".join(f"0{d}-12-2026\t0{d}-12-2026\tCOMPRA {d}\t-1.0{d}0,50\t9.000,00\n"
                      for d in range(5, 0, -1)))
    imp = read_statement(write("montepio.csv", text.encode("cp1252")))
    assert _amounts(imp)[:2] == [Decimal("-1050.50"), Decimal("-1040.50")]
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert imp.transactions[0].remittance_info == "COMPRA 5"


def test_czech_names_and_an_original_amount_header_given_twice_are_not_the_amount(write
                                                                                ) -> None:
    text = ('"Datum zaúčtování";"Zaúčtovaná částka";"Měna účtu";'
            + '"Původní částka a měna";' * 2 + '"Zpráva"\n'
            + "".join(f'"0{d}.11.2026 10:00";"-{d}00,00";"CZK";"-{d}";"EUR";"Platba {d}"\n'
                      for d in range(1, 6)))
    imp = read_statement(write("rb.csv", text.encode("cp1250")))
    assert _amounts(imp) == [Decimal(f"-{d}00.00") for d in range(1, 6)]
    assert {t.currency for t in imp.transactions} == {"CZK"}


def test_twice_the_same_amount_header_is_the_first_column_not_ambiguous(write) -> None:
    text = "Date;Amount;Amount;Currency\n" + "".join(
        f"2026-11-0{d};-{d},00;-{d}0,00;EUR\n" for d in range(1, 6))
    assert _amounts(read_statement(write("twice.csv", text))) == [
        Decimal(f"-{d}.00") for d in range(1, 6)]


def test_a_lower_case_currency_code_is_read_as_the_iso_code(write) -> None:
    text = "created_utc,currency,amount,description\n" + "".join(
        f"2026-11-0{d} 10:00:00,usd,{d}.25,Invoice {d}\n" for d in range(1, 6))
    assert {t.currency for t in read_statement(write("low.csv", text)).transactions} == {"USD"}


_STRIPE = ("balance_transaction_id,created_utc,currency,gross,fee,net,description\n"
           "txn_1,2026-11-02 21:01:47,usd,249.00,7.52,241.48,Invoice 41\n"
           "txn_2,2026-11-04 12:28:01,usd,-49.00,0.00,-49.00,Refund\n"
           "txn_3,2026-11-05 10:19:03,usd,1200.00,35.10,1164.90,Invoice 42\n")


def test_with_gross_fee_and_net_columns_the_net_is_what_moved_on_the_account(write) -> None:
    imp = read_statement(write("stripe.csv", _STRIPE))
    assert _amounts(imp) == [Decimal("241.48"), Decimal("-49.00"), Decimal("1164.90")]
    paypal = ('"Date","Status","Currency","Gross","Fee","Net","Balance"\n'
              '"04/11/2026","Completed","GBP","48.00","-1.98","46.02","458.09"\n'
              '"18/11/2026","Completed","GBP","-23.40","0.00","-23.40","434.69"\n')
    assert _amounts(read_statement(write("paypal.csv", paypal))) == [Decimal("46.02"),
                                                                     Decimal("-23.40")]


def test_a_net_column_that_is_not_gross_less_fee_is_not_taken_for_the_amount(write) -> None:
    text = _STRIPE.replace("241.48", "240.00")
    with pytest.raises((InputError, FormatNotRecognised), match="amount"):
        read_statement(write("stripe.csv", text))


def test_rows_whose_status_is_pending_are_skipped_with_a_warning(write) -> None:
    text = ("Date,Name,Status,Currency,Gross,Fee,Net\n"
            "18/11/2026,A,Completed,GBP,10.00,-0.50,9.50\n"
            "19/11/2026,B,Pending,GBP,95.00,-3.42,91.58\n"
            "20/11/2026,C,Completed,GBP,20.00,-1.00,19.00\n")
    imp = read_statement(write("activity.csv", text))
    assert _amounts(imp) == [Decimal("9.50"), Decimal("19.00")]
    assert any("not booked" in w and "Pending" in w for w in imp.warnings)


def _otp(mark_debit: str, mark_credit: str) -> str:
    rows = [(mark_credit, "486500", "798950"), (mark_debit, "-12490", "786460"),
            (mark_debit, "-165000", "621460"), (mark_credit, "25000", "646460"),
            (mark_debit, "-3450", "643010"), (mark_debit, "-9990", "633020")]
    return "".join(f'"11773016-01234567";"{m}";"{a}";"HUF";"2026110{n}";"{b}";'
                   f'"Partner {n}";"Közlemény {n}";"{n}0157643"\n'
                   for n, (m, a, b) in enumerate(rows, start=1))


@pytest.mark.parametrize(("debit", "credit"), [("T", "J"), ("S", "H"), ("D", "C")])
def test_a_headerless_file_with_a_debit_credit_mark_takes_the_whole_amounts_it_signs(
        write, debit: str, credit: str) -> None:
    imp = read_statement(write("otp.csv", _otp(debit, credit).encode("cp1250")))
    assert _amounts(imp) == [Decimal(v) for v in
                             ("486500", "-12490", "-165000", "25000", "-3450", "-9990")]
    assert [t.booking_date.day for t in imp.transactions] == [1, 2, 3, 4, 5, 6]


def test_a_headerless_mark_column_that_disagrees_with_every_amount_sign_is_refused(write
                                                                                  ) -> None:
    text = _otp("T", "J").replace('"J";"25000"', '"T";"25000"')
    with pytest.raises((InputError, FormatNotRecognised)):
        read_statement(write("otp.csv", text.encode("cp1250")))


def _umsatzanzeige(marks: tuple[str, str] = ("S", "H"), footer: bool = True) -> bytes:
    """A VR-Bank "Umsatzanzeige": unsigned Umsatz, Soll/Haben in a last column headed " ",
    opening and closing balance rows after the transactions."""
    debit, credit = marks
    rows = [("28.11.2026", "Stadtwerke", "Abschlag Gas", "1.268,11", debit),
            ("25.11.2026", "Hansen GmbH", "RE 2026-311", "3.320,20", credit),
            ("22.11.2026", "AOK", "Beitrag 11/2026", "85,27", debit),
            ("17.11.2026", "Dr. Peters", "Rechnung 412", "7.140,00", credit),
            ("16.11.2026", "Büro Schröder", "RG 88731", "1.195,33", debit)]
    text = ('"Umsatzanzeige"\r\n""\r\n"Konto:";"1234567800"\r\n""\r\n'
            '"Buchungstag";"Valuta";"Empfänger/Zahlungspflichtiger";"Vorgang/Verwendungszweck";'
            '"Währung";"Umsatz";" "\r\n'
            + "".join(f'"{d}";"{d}";"{n}";"{t}";"EUR";"{a}";"{m}"\r\n' for d, n, t, a, m in rows))
    if footer:
        text += ('""\r\n"01.11.2026";;;"Anfangssaldo";"EUR";"15.230,77";"H"\r\n'
                 '"30.11.2026";;;"Endsaldo";"EUR";"23.142,26";"H"\r\n')
    return text.encode("cp1252")


@pytest.mark.parametrize("marks", [("S", "H"), ("D", "C"), ("DR", "CR"), ("Soll", "Haben")])
def test_an_unnamed_column_of_debit_credit_marks_signs_unsigned_amounts(write, marks) -> None:
    imp = read_statement(write("vr.csv", _umsatzanzeige(marks, footer=False)))
    assert _amounts(imp) == [Decimal(v) for v in
                             ("-1268.11", "3320.20", "-85.27", "7140.00", "-1195.33")]


def test_opening_and_closing_balance_rows_without_a_counterparty_are_skipped(write) -> None:
    imp = read_statement(write("vr.csv", _umsatzanzeige()))
    assert len(imp.transactions) == 5
    assert sum(_amounts(imp)) == Decimal("7911.49")
    assert any("skipped 2 rows" in w for w in imp.warnings)


def test_a_transaction_whose_text_names_a_balance_but_has_a_counterparty_is_kept(write
                                                                                 ) -> None:
    text = _umsatzanzeige(footer=False).replace(b'"Dr. Peters";"Rechnung 412"',
                                                b'"Dr. Peters";"Endsaldo"')
    assert len(read_statement(write("vr.csv", text)).transactions) == 5


def test_unsigned_amounts_beside_an_unread_two_value_column_are_refused(write) -> None:
    text = _umsatzanzeige(("Wn", "Ma"), footer=False)  # Polish Winien/Ma: not a known mark
    with pytest.raises(InputError, match="never negative"):
        read_statement(write("vr.csv", text))


def test_a_column_named_a_date_in_other_words_is_the_booking_date(write) -> None:
    text = ("Posted Account, Posted Transactions Date, Description, Debit Amount, Credit Amount,"
            " Balance, Transaction Type\n"
            "931152-1, 06/11/2026, VDC-CIRCLE K DUBLIN, 1128.55, , 4883.85, Debit\n"
            "931152-1, 07/11/2026, SALARY ACME LTD, , 2500.00, 7383.85, Credit\n"
            "931152-1, 08/11/2026, VDP-TESCO IRELAND, 74.00, , 7309.85, Debit\n")
    imp = read_statement(write("aib.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal("-1128.55"), Decimal("2500.00"), Decimal("-74.00")]
    assert [t.booking_date.day for t in imp.transactions] == [6, 7, 8]


def test_pound_signs_in_an_8_bit_file_are_read_as_windows_1252_pounds(write) -> None:
    text = ('"Account Name:","FlexAccount ****12345"\r\n"Account Balance:","£1,387.38"\r\n'
            '"Available Balance: ","£1,637.38"\r\n\r\n'
            '"Date","Transaction type","Description","Paid out","Paid in","Balance"\r\n'
            '"02 Nov 2026","Visa purchase","AMAZON UK, MARKETPLACE","£546.26","","£1,073.92"\r\n'
            '"03 Nov 2026","Bank credit","ACME LTD","","£1,200.00","£2,273.92"\r\n'
            '"05 Nov 2026","Cash withdrawal","NATIONWIDE, SWINDON","£311.75","","£1,962.17"\r\n')
    imp = read_statement(write("nationwide.csv", text.encode("cp1252")))
    assert _amounts(imp) == [Decimal("-546.26"), Decimal("1200.00"), Decimal("-311.75")]
    assert {t.currency for t in imp.transactions} == {"GBP"}


def test_only_sent_rows_of_a_status_column_are_booked_with_month_first_dashed_dates(write
                                                                                   ) -> None:
    text = ("Date (UTC),Description,Amount,Status,Source Account\n"
            "11-29-2026,Acme Robotics,31178.77,Pending,Checking\n"
            "11-21-2026,Figma,-13231.60,Sent,Checking\n"
            "11-20-2026,Stripe,17462.04,Sent,Checking\n"
            "11-19-2026,Gusto,-10.00,Failed,Checking\n"
            "11-02-2026,AWS,-99.00,Cancelled,Checking\n"
            "11-01-2026,Rent,-5000.00,Sent,Checking\n")
    imp = read_statement(write("mercury.csv", text), currency="USD")
    assert _amounts(imp) == [Decimal("-13231.60"), Decimal("17462.04"), Decimal("-5000.00")]
    assert [t.booking_date.day for t in imp.transactions] == [21, 20, 1]


def test_a_quoted_cell_after_a_comma_and_a_space_is_read_as_one_cell(write) -> None:
    text = ("Posted Account, Posted Transactions Date, Description, Debit Amount, Credit Amount,"
            " Balance\n"
            '931152-1, 06/11/2026, "ATM CASH O\'CONNELL ST, DUBLIN", 132.13, , 4883.85\n'
            "931152-1, 07/11/2026, SALARY ACME LTD, , 2500.00, 7383.85\n")
    imp = read_statement(write("aib.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal("-132.13"), Decimal("2500.00")]
    assert imp.transactions[0].remittance_info == "ATM CASH O'CONNELL ST, DUBLIN"


def _lcl(rows: list[str]) -> bytes:
    """A header-less export in the manner of LCL's: date;amount;kind;;text;0;category;"""
    return "".join(f"{r}\r\n" for r in rows).encode("cp1252")


_LCL_ROWS = ["02/10/2026;1782,63;Virement;;VIR SEPA CPAM PARIS;0;Divers;",
             "03/10/2026;2768,24;Chèque;;REMISE CHEQUE;0;Divers;",
             "03/10/2026;1079,4;Virement;;VIR SEPA CPAM PARIS;0;Divers;",
             "04/10/2026;-855,38;Chèque;;CHQ. 8123456;0;Divers;",
             "06/10/2026;3716,98;Virement;;VIR SEPA SARL LES TILLEULS;0;Divers;",
             "20/10/2026;-1150,18;Prélèvement;;PRLV SEPA ORANGE;0;Divers;"]


def test_a_last_row_of_only_a_date_and_a_balance_is_not_a_transaction(write) -> None:
    """LCL ends its export with the account's balance: a date and an amount, nothing else,
    below rows that fill six cells. It was summed as money in (a wrong sum)."""
    imp = read_statement(write("lcl.csv", _lcl([*_LCL_ROWS, "20/10/2026;10419,63;;;;;;"])),
                         currency="EUR")
    assert len(imp.transactions) == 6
    assert sum(_amounts(imp)) == Decimal("7341.69")
    assert any("skip" in w for w in imp.warnings)


def test_a_row_of_only_a_date_and_an_amount_between_full_rows_is_refused(write) -> None:
    rows = [*_LCL_ROWS[:3], "03/10/2026;500,00;;;;;;", *_LCL_ROWS[3:]]
    with pytest.raises(InputError, match="no text"):
        read_statement(write("lcl.csv", _lcl(rows)), currency="EUR")


def test_rows_whose_text_is_a_number_are_still_transactions(write) -> None:
    """SEB prints a Swish payment's text as the payer's number: all cells filled, no letter."""
    text = ("Bokföringsdatum;Valutadatum;Verifikationsnummer;Text;Belopp;Saldo\n"
            "2026-08-30;2026-08-30;5490990024;SKATTEVERKET/26-08-29;-12706.400;53870.930\n"
            "2026-08-29;2026-08-29;5490990023;SJ AB/26-08-28;-905.500;66577.330\n"
            "2026-08-29;2026-08-29;5490990022;TELIA SVERIG/26-08-28;-759.040;67482.830\n"
            "2026-08-29;2026-08-29;5490990021;46701000021;120.040;68241.870\n"
            "2026-08-29;2026-08-29;5490990020;PRESSBYRAN/26-08-28;-782.960;68121.830\n"
            "2026-08-28;2026-08-28;5490990019;46701000019;15716.930;68904.790\n")
    imp = read_statement(write("seb.csv", text), currency="SEK")
    assert len(imp.transactions) == 6
