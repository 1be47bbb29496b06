"""Inference on conventions real exports share, each written here small: a word in the
date column for pending rows, a footer below the rows, a key/value preamble naming the
currency in the bank's own abbreviation, on the account line or by a grouped IBAN,
Estonian and Turkish (Windows-1254) column names, a signed amount beside a debit/credit
mark, a status column of settled, pending and declined rows, dates with a time, and a
checking account whose AUTOPAY rows are bills paid. The blind corpora in bench/ measure
them on whole exports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import infer_profile, read_statement
from dunwell.connectors.sources.statements.csv_infer import InferenceUnsure
from dunwell.errors import FormatNotRecognised, InputError


def _amounts(imp) -> list[Decimal]:
    return [t.amount for t in imp.transactions]


_GIRO = (';\n"Umsätze Girokonto";"Zeitraum: 30 Tage";\n'
         '"Neuer Kontostand";"1.215,10 EUR";\n\n'
         '"Buchungstag";"Wertstellung (Valuta)";"Vorgang";"Buchungstext";"Umsatz in EUR";\n'
         '"offen";"28.11.2026";"Visa-Umsatz";"Tankstelle Karte Nr. 4871";"-64,90";\n'
         '"23.11.2026";"23.11.2026";"Überweisung";"Auftraggeber: Brandt";"1.170,79";\n'
         '"21.11.2026";"21.11.2026";"Lastschrift";"Empfänger: REWE Markt";"-55,69";\n'
         '\n"Alter Kontostand";"100,00 EUR";\n')


def test_rows_dated_offen_are_pending_and_a_balance_footer_is_no_row(write) -> None:
    imp = read_statement(write("giro.csv", _GIRO.encode("cp1252")))
    assert _amounts(imp) == [Decimal("1170.79"), Decimal("-55.69")]
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert any("pending" in w and "'offen'" in w for w in imp.warnings)


_CAIXA = ("Consultar saldos e movimentos à ordem - 05-12-2026\n\n"
          "Conta ;0412012345600 - EUR - Conta Extracto\nData de início ;01-10-2026\n"
          "Data de fim ;30-11-2026\n\n"
          "Data mov. ;Data valor ;Descrição ;Débito ;Crédito ;Saldo contabilístico ;"
          "Saldo disponível ;Categoria ;\n"
          "01-10-2026;01-10-2026;TRF DE LUSOTECH LDA;;3.185,21;15.229,31;15.229,31;Outros;\n"
          "01-10-2026;01-10-2026;DD MEO SA;967,90;;14.261,41;14.261,41;Outros;\n"
          "03-10-2026;03-10-2026;PAG SERV AT IMPOSTOS;1.000,00;;13.261,41;13.261,41;Outros;\n"
          " ; ; ;Saldo contabilístico ;13.261,41 EUR ;\n")


def test_a_footer_below_the_rows_leaves_the_debit_and_credit_columns_placed(write) -> None:
    imp = read_statement(write("caixa.csv", _CAIXA.encode("cp1252")), currency="EUR")
    assert _amounts(imp) == [Decimal("3185.21"), Decimal("-967.90"), Decimal("-1000.00")]


def test_the_one_currency_code_on_the_account_line_above_the_header_is_the_currency(
        write) -> None:
    imp = read_statement(write("caixa.csv", _CAIXA.encode("cp1252")))
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert any("account line 'Conta'" in w for w in imp.warnings)


def test_an_account_line_naming_two_currencies_gives_none(write) -> None:
    text = _CAIXA.replace("- EUR - Conta", "- EUR - USD - Conta")
    with pytest.raises(InputError, match="--currency"):
        read_statement(write("caixa.csv", text.encode("cp1252")))


_GARANTI = ("Hesap Hareketleri\nMüşteri Adı Soyadı:;DERİN YAZILIM LTD.\n"
            "IBAN:;TR32 0006 2000 1230 0006 2912 34\nDöviz Cinsi:;TL\n"
            "Tarih Aralığı:;01.10.2026 - 30.11.2026\n\n"
            "Tarih;Açıklama;Etiket;Tutar;Bakiye;Dekont No\n"
            "27.10.2026;BSMV/MASRAF;Gider;-15.259,38;184.731,04;496512011\n"
            "22.10.2026;FAST GELEN - ÖZGÜR GIDA;Gelir;117.445,31;199.990,42;749778571\n"
            "21.10.2026;İSKİ SU FATURASI;Gider;-29.868,48;82.545,11;372832536\n")


def test_turkish_names_and_a_currency_line_in_the_local_abbreviation(write) -> None:
    imp = read_statement(write("garanti.csv", _GARANTI.encode("cp1254")))
    assert _amounts(imp) == [Decimal("-15259.38"), Decimal("117445.31"), Decimal("-29868.48")]
    assert {t.currency for t in imp.transactions} == {"TRY"}
    assert [t.transaction_id for t in imp.transactions][0] == "496512011"
    assert imp.transactions[2].remittance_info == "İSKİ SU FATURASI"  # Windows-1254


def test_an_iban_in_groups_of_four_above_the_header_gives_the_account_and_currency(
        write) -> None:
    text = ("Rekening;BE68 5390 0754 7034\nPeriode;01/07/2026 - 31/07/2026\n\n"
            "Boekingsdatum;Omschrijving;Bedrag\n"
            + "".join(f"0{n}/07/2026;Colruyt {n};-{n}2,50\n" for n in range(1, 6)))
    imp = read_statement(write("belfius.csv", text))
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert {t.account for t in imp.transactions} == {"BE68539007547034"}


def _lhv(rows: list[tuple[str, str]]) -> str:
    head = ('\ufeff"Kliendi konto","Dokumendi number","Kuupäev","Saaja/maksja konto",'
            '"Saaja/maksja nimi","Deebet/Kreedit (D/C)","Summa","Arhiveerimistunnus",'
            '"Selgitus","Valuuta"\n')
    return head + "".join(
        f'"EE717700771001735865","{n}","2026-10-0{n}","EE458237244525620693","Kask OÜ",'
        f'"{mark}","{value}","202657327111675{n}","Arve nr {n}","EUR"\n'
        for n, (mark, value) in enumerate(rows, start=1))


def test_estonian_names_and_a_signed_amount_beside_a_mark_that_agrees(write) -> None:
    rows = [("C", "1351.13"), ("D", "-2343.13"), ("C", "3021.99"), ("D", "-823.23")]
    imp = read_statement(write("lhv.csv", _lhv(rows)))
    assert _amounts(imp) == [Decimal(v) for _, v in rows]
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert imp.transactions[0].counterparty_name == "Kask OÜ"


def test_a_negative_amount_marked_credit_is_refused_not_signed_by_the_mark(write) -> None:
    rows = [("C", "1351.13"), ("C", "-2343.13"), ("C", "3021.99"), ("D", "-823.23")]
    with pytest.raises(FormatNotRecognised, match="marks the amount -2343.13 as money in"):
        read_statement(write("lhv.csv", _lhv(rows)))


_QONTO = ("Status;Settlement date (UTC);Operation date (UTC);Total amount (incl. VAT);Currency;"
          "Local amount;Local currency;Counterparty name;Transaction ID\n"
          "declined;;29-11-2026 08:00:31;-1240,00;EUR;-1240,00;EUR;Apple Store;3bae80\n"
          "pending;;28-11-2026 08:01:31;-89,00;EUR;-89,00;EUR;Adobe;e42039\n"
          "settled;18-10-2026 09:02:00;18-10-2026 08:02:31;-2334,47;EUR;-2334,47;EUR;AWS;a78303\n"
          "settled;17-10-2026 09:04:00;17-10-2026 08:04:31;-252,78;EUR;-217,39;GBP;Uber BV;b5c02f\n"
          "settled;14-10-2026 09:06:00;14-10-2026 08:06:31;4881,25;EUR;4881,25;EUR;Atelier;21703\n")


def test_settled_rows_are_booked_and_the_local_amount_is_not_the_amount(write) -> None:
    imp = read_statement(write("qonto.csv", _QONTO))
    assert _amounts(imp) == [Decimal("-2334.47"), Decimal("-252.78"), Decimal("4881.25")]
    assert {t.currency for t in imp.transactions} == {"EUR"}
    assert imp.transactions[0].booking_date.isoformat() == "2026-10-18"
    assert any("not booked" in w and "declined" in w for w in imp.warnings)


def test_a_status_column_with_pending_rows_and_no_booked_word_is_refused(write) -> None:
    text = _QONTO.replace("settled;", "done;")
    with pytest.raises(FormatNotRecognised, match="'declined' or 'pending'"):
        read_statement(write("qonto.csv", text))


@pytest.mark.parametrize(("currency", "first"), [("USD", "2026-01-02"), ("EUR", "2026-02-01")])
def test_slashed_dates_with_a_time_are_day_or_month_first_as_the_currency_says(
        write, currency: str, first: str) -> None:
    text = ("Date,Description,Amount\n01/02/2026 10:15,SHOP,-5.00\n"
            "03/02/2026 11:00,SHOP,-7.00\n")
    imp = read_statement(write("timed.csv", text), currency=currency)
    assert imp.transactions[0].booking_date.isoformat() == first


def test_slashed_dates_with_a_time_and_no_currency_are_refused_not_guessed(write) -> None:
    text = "Date,Description,Amount\n01/02/2026 10:15,SHOP,-5.00\n03/02/2026 11:00,SHOP,-7.00\n"
    with pytest.raises(InferenceUnsure, match="no one date format"):
        infer_profile(write("timed.csv", text))


_USAA = ("Date,Description,Original Description,Category,Amount,Status\n"
         "2026-12-01,Zelle From K Nguyen,ZELLE FROM K NGUYEN,Income,250.00,Pending\n"
         "2026-10-26,Cps Energy Billpay,CPS ENERGY BILLPAY,Shopping,-639.13,Posted\n"
         "2026-10-25,Usaa P&C Int Autopay,USAA P&C INT AUTOPAY,Shopping,-1130.53,Posted\n"
         "2026-10-23,Zelle From J Ramirez,ZELLE FROM J RAMIREZ,Income,861.54,Posted\n"
         "2026-10-21,Amazon Mktpl*2K4,AMAZON MKTPL*2K4,Shopping,-50.72,Posted\n"
         "2026-10-20,H-E-B,H-E-B #592 SAN ANTONIO TX,Shopping,-903.72,Posted\n")


def test_autopay_rows_paid_out_like_the_others_are_a_checking_account_not_a_card(
        write) -> None:
    imp = read_statement(write("usaa.csv", _USAA), currency="USD")
    assert _amounts(imp) == [Decimal("-639.13"), Decimal("-1130.53"), Decimal("861.54"),
                             Decimal("-50.72"), Decimal("-903.72")]
    assert any("not booked" in w and "Pending" in w for w in imp.warnings)


def test_autopay_rows_positive_like_most_others_are_still_refused(write) -> None:
    text = _USAA.replace(",-", ",").replace(",861.54,", ",-861.54,")
    with pytest.raises(FormatNotRecognised, match="card export"):
        read_statement(write("usaa.csv", text), currency="USD")


@pytest.mark.parametrize(("header", "rows"), [
    ("Data tranzactiei;Descriere;Debit;Credit;Sold", ["02.11.2026;Plata;150,00;;850,00",
                                                     "03.11.2026;Incasare;;1.200,50;2.050,50"]),
    ("Datum knjiženja;Opis;Isplata;Uplata;Stanje", ["02.11.2026;Račun;150,00;;850,00",
                                                    "03.11.2026;Uplata;;1.200,50;2.050,50"]),
    ("Data;Descrizione operazione;Dare;Avere", ["02/11/2026;Bonifico;150,00;",
                                                "03/11/2026;Accredito;;1.200,50"]),
    ("Buchungsdatum;Buchungstext;Belastung;Gutschrift;Saldo",
     ["02.11.2026;Zahlung;150.00;;850.00", "03.11.2026;Eingang;;1200.50;2050.50"]),
    ("Date;Narration;Withdrawal Amt.;Deposit Amt.;Closing Balance",
     ["02/11/26;UPI-SWIGGY;150.00;;850.00", "03/11/26;NEFT CR-ACME;;1200.50;2050.50"]),
    ("Fecha;Descripción;Monto", ["02/11/2026;OXXO;-150,00", "03/11/2026;SPEI RECIBIDO;1200,50"]),
])
def test_debit_credit_and_amount_names_in_more_languages(write, header: str,
                                                          rows: list[str]) -> None:
    imp = read_statement(write("bank.csv", "\n".join([header, *rows]) + "\n"), currency="EUR")
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]


def test_a_baltic_d_k_column_signs_unsigned_amounts(write) -> None:
    text = ('"Kuupäev","Saaja/Maksja","Selgitus","Summa","Valuuta","D/K"\n'
            '"02.11.2026","Telia Eesti AS","Arve 1","150.00","EUR","D"\n'
            '"03.11.2026","Kask OÜ","Arve 2","1200.50","EUR","K"\n')
    imp = read_statement(write("swedbank.csv", text))
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]


@pytest.mark.parametrize("dates", [("2026.11.02.", "2026.11.03."),
                                   ("2026-11-02T09:15:00", "2026-11-03T10:00:00"),
                                   ("02-Nov-26", "03-Nov-26")])
def test_dates_written_year_first_with_dots_or_iso_with_a_time_or_a_month_name(
        write, dates: tuple[str, str]) -> None:
    text = f"Date;Text;Amount\n{dates[0]};A;-150,00\n{dates[1]};B;1200,50\n"
    imp = read_statement(write("dated.csv", text), currency="EUR")
    assert [t.booking_date.isoformat() for t in imp.transactions] == ["2026-11-02", "2026-11-03"]


@pytest.mark.parametrize(("sign", "code"), [("TL", "TRY"), ("Kč", "CZK"), ("R$", "BRL")])
def test_a_local_currency_sign_on_every_amount_gives_the_currency(write, sign: str,
                                                                   code: str) -> None:
    text = (f"Date;Text;Amount\n02.11.2026;A;-150,00 {sign}\n"
            f"03.11.2026;B;1.200,50 {sign}\n")
    imp = read_statement(write("signed.csv", text))
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]
    assert {t.currency for t in imp.transactions} == {code}


def test_a_status_value_unknown_beside_booked_ones_is_refused_not_skipped(write) -> None:
    text = _QONTO.replace("declined;", "on hold;")
    with pytest.raises(FormatNotRecognised, match="'on hold' beside the booked 'settled'"):
        read_statement(write("qonto.csv", text))


def _with_fees(fee_in_amount: bool, balance: bool = True) -> str:
    rows, running = [], Decimal("1000.00")
    for n, (value, fee) in enumerate([("-39.90", "0.00"), ("200.00", "0.00"),
                                      ("-100.00", "0.50"), ("-12.00", "0.00"),
                                      ("-50.00", "1.25"), ("75.00", "0.00")], start=1):
        running += Decimal(value) - (0 if fee_in_amount else Decimal(fee))
        rows.append(f"Card Payment,2026-02-0{n} 10:00:00,Shop {n},{value},{fee},GBP,COMPLETED"
                    + (f",{running}" if balance else ""))
    head = "Type,Completed Date,Description,Amount,Fee,Currency,State" + (
        ",Balance" if balance else "")
    return "\n".join([head, *rows]) + "\n"


def test_fees_the_balance_shows_besides_the_amounts_are_booked_as_their_own_rows(
        write) -> None:
    imp = read_statement(write("fees.csv", _with_fees(fee_in_amount=False)))
    assert sum(_amounts(imp), Decimal(0)) == Decimal("71.35")
    assert len(imp.transactions) == 8


def test_fees_the_balance_shows_inside_the_amounts_are_not_booked_again(write) -> None:
    imp = read_statement(write("fees.csv", _with_fees(fee_in_amount=True)))
    assert sum(_amounts(imp), Decimal(0)) == Decimal("73.10")
    assert len(imp.transactions) == 6


def test_fees_beside_the_amounts_without_a_balance_are_refused(write) -> None:
    with pytest.raises(FormatNotRecognised, match="column 'Fee' holds fees"):
        read_statement(write("fees.csv", _with_fees(fee_in_amount=False, balance=False)))


@pytest.mark.parametrize(("date", "amount"), [("Datum:", "Montant en euros"),
                                              ("Date", "Transaction Amount (INR )"),
                                              ("Tarih", "Tutar TRY"), ("Date", "Amount INR")])
def test_a_currency_or_a_colon_after_a_column_name_leaves_the_name(write, date: str,
                                                                    amount: str) -> None:
    text = f"{date};Text;{amount}\n02.11.2026;A;-150,00\n03.11.2026;B;1.200,50\n"
    imp = read_statement(write("named.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]


def test_a_plus_minus_column_signs_unsigned_amounts(write) -> None:
    text = ("Data;Descrizione;Importo;Segno\n02/11/2026;Bonifico;150,00;-\n"
            "03/11/2026;Accredito;1.200,50;+\n")
    imp = read_statement(write("segno.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]


def test_a_positive_amount_marked_debit_among_signed_ones_is_refused(write) -> None:
    rows = [("C", "1351.13"), ("D", "2343.13"), ("C", "3021.99"), ("D", "-823.23")]
    with pytest.raises(FormatNotRecognised, match="marks the amount 2343.13 as money out"):
        read_statement(write("lhv.csv", _lhv(rows)))


def test_a_headerless_column_of_dashes_is_no_sign(write) -> None:
    amounts = ["-84.21", "-124.52", "852.87", "603.91", "-575.44", "12.00"]
    text = "".join(f"0{d}.09.2026;Party {d};{a};-\n" for d, a in enumerate(amounts, 1))
    imp = read_statement(write("dashes.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal(a) for a in amounts]


def test_a_card_export_thanking_for_a_payment_in_portuguese_is_negated(write) -> None:
    text = ("date,title,amount\n2026-11-03,Padaria Real,15.90\n2026-11-04,Uber *Trip,23.10\n"
            "2026-11-05,Pagamento recebido,-500.00\n2026-11-06,iFood,41.00\n")
    imp = read_statement(write("nubank.csv", text), currency="BRL")
    assert _amounts(imp) == [Decimal("-15.90"), Decimal("-23.10"), Decimal("500.00"),
                             Decimal("-41.00")]
    assert imp.transactions[0].remittance_info == "Padaria Real"


def test_baltic_opening_turnover_and_closing_rows_are_no_transactions(write) -> None:
    rows = [("10", "01.11.2026", "", "Algsaldo", "1000.00", "K"),
            ("20", "03.11.2026", "RIMI", "Kaardimakse", "150.00", "D"),
            ("20", "04.11.2026", "ACME OÜ", "Arve 1", "1200.50", "K"),
            ("20", "05.11.2026", "ELISA", "Arve 2", "35.20", "D"),
            ("82", "30.11.2026", "", "Käive", "185.20", "D"),
            ("82", "30.11.2026", "", "Käive", "1200.50", "K"),
            ("86", "30.11.2026", "", "lõppsaldo", "2015.30", "K")]
    text = ('"Kliendi konto","Reatüüp","Kuupäev","Saaja/Maksja","Selgitus","Summa","Valuuta",'
            '"Deebet/Kreedit","Arhiveerimistunnus"\n'
            + "".join(f'"EE382200221020145685","{t}","{d}","{p}","{x}","{a}","EUR","{m}",'
                      f'"20261103{n:05d}"\n' for n, (t, d, p, x, a, m) in enumerate(rows)))
    imp = read_statement(write("swedbank.csv", text))
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50"), Decimal("-35.20")]


def test_a_column_of_booked_and_pending_words_is_the_status_whatever_its_name(write) -> None:
    text = ('"Buchungstag";"Verwendungszweck";"Betrag";"Waehrung";"Info"\n'
            '"05.11.26";"REWE SAGT DANKE";"-45,20";"EUR";"Umsatz vorgemerkt"\n'
            '"04.11.26";"RE 2026-1";"1.200,50";"EUR";"Umsatz gebucht"\n'
            '"03.11.26";"Strom";"-150,00";"EUR";"Umsatz gebucht"\n')
    imp = read_statement(write("sparkasse.csv", text.encode("cp1252")))
    assert _amounts(imp) == [Decimal("1200.50"), Decimal("-150.00")]
    assert any("not booked" in w and "Umsatz vorgemerkt" in w for w in imp.warnings)


def test_a_withdrawal_deposit_column_signs_unsigned_amounts(write) -> None:
    text = ("Date,Description,Amount,Type\n11/03/2026,WALMART,150.00,Withdrawal\n"
            "11/04/2026,ACME PAYROLL,1200.50,Deposit\n11/05/2026,SHELL,35.20,Withdrawal\n")
    imp = read_statement(write("type.csv", text), currency="USD")
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50"), Decimal("-35.20")]


def test_unsigned_amounts_on_rows_naming_withdrawals_and_deposits_are_refused(write) -> None:
    text = ("Date,Description,Amount,Type\n11/03/2026,WALMART,150.00,Debit Card\n"
            "11/04/2026,ACME PAYROLL,1200.50,Direct Deposit\n"
            "11/05/2026,SHELL,35.20,Debit Card\n11/06/2026,ATM,20.00,ATM Withdrawal\n")
    with pytest.raises(FormatNotRecognised, match="never negative, yet some rows name money"):
        read_statement(write("type.csv", text), currency="USD")


@pytest.mark.parametrize("word", ["Saldo", "Balance", "Ending balance", "Kontostand"])
def test_a_last_row_named_a_balance_by_the_word_alone_is_no_transaction(write,
                                                                        word: str) -> None:
    text = ("Datum;Omschrijving;Tegenpartij;Bedrag\n"
            + "".join(f"0{d}.11.2026;Factuur {d};Partij {d};-{d}0,00\n" for d in range(1, 6))
            + f"30.11.2026;{word};;1.234,56\n")
    imp = read_statement(write("saldo.csv", text), currency="EUR")
    assert _amounts(imp) == [Decimal(f"-{d}0.00") for d in range(1, 6)]


def test_latvian_names_with_a_debets_kredits_column(write) -> None:
    text = ('"Datums";"Saņēmējs/Maksātājs";"Informācija saņēmējam";"Summa";"Valūta";'
            '"Debets/Kredīts"\n'
            '"03.11.2026";"RIMI LATVIA";"Pirkums";"150,00";"EUR";"D"\n'
            '"04.11.2026";"ACME SIA";"Rēķins 1";"1200,50";"EUR";"K"\n')
    imp = read_statement(write("swedbank_lv.csv", text))
    assert _amounts(imp) == [Decimal("-150.00"), Decimal("1200.50")]
    assert imp.transactions[1].counterparty_name == "ACME SIA"
