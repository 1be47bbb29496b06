"""Writes the blind4 corpus: 10 bank CSV exports, written from each bank's
published/observed layout without reading dunwell's code. Truth (count, net
from the account holder's view, currency) comes from the transaction lists
here; check_truth.py re-parses the written files independently."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent
rnd = random.Random(20261205)
D = Decimal


def money(lo, hi):
    return D(rnd.randint(int(lo * 100), int(hi * 100))) / 100


def de_num(x: Decimal, thousands=".", dec=",") -> str:
    """1234.5 -> 1.234,50 (sign kept)."""
    s = f"{abs(x):,.2f}"  # 1,234.50
    s = s.replace(",", "\0").replace(".", dec).replace("\0", thousands)
    return ("-" if x < 0 else "") + s


def en_num(x: Decimal, thousands=",") -> str:
    s = f"{abs(x):,.2f}".replace(",", thousands)
    return ("-" if x < 0 else "") + s


def q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def txns(n, start, payees_in, payees_out, in_rng=(150, 4800), out_rng=(3, 1900), p_in=0.35):
    """n (date, amount, name, text) sorted by date ascending."""
    rows = []
    days = sorted(rnd.randint(1, 27) for _ in range(n))
    for i in range(n):
        d = start + timedelta(days=days[i])
        if rnd.random() < p_in:
            name, text = rnd.choice(payees_in)
            amt = money(*in_rng)
        else:
            name, text = rnd.choice(payees_out)
            amt = -money(*out_rng)
        rows.append([d, amt, name, text])
    return rows


truth = {}


def record(fname, bank, rows, currency, source, notes=None):
    booked = [r for r in rows if r.get("booked", True)]
    entry = {"bank": bank, "source": source, "count": len(booked),
             "net_sum": str(sum((r["amount"] for r in booked), D("0.00")).quantize(D("0.01"))),
             "currency": currency}
    if notes:
        entry["notes"] = notes
    truth[fname] = entry


def write(fname, text, encoding, bom=False, newline="\r\n"):
    data = text.replace("\n", newline) if newline != "\n" else text
    raw = data.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    (OUT / fname).write_bytes(raw)


# ---------------------------------------------------------------- 1 Postbank (DE), old Umsatzauskunft, cp1252
def postbank():
    ins = [("Müller Bau GmbH", "RE-2026-1042 Müller Bau"), ("Schäfer & Söhne KG", "Rechnung 2026-0815, Kd-Nr. 4471"),
           ("Bäckerei Kühn", "RG 10233 Danke"), ("Ingenieurbüro Weiß", "Zahlung RE 2026/117")]
    outs = [("Stadtwerke Köln", "Abschlag Strom 11/2026"), ("Telekom Deutschland GmbH", "Kundenkonto 551234 Rechnung"),
            ("REWE Markt GmbH", "Kartenzahlung girocard"), ("Finanzamt Köln-Ost", "USt-VA 10/2026 St-Nr. 215/5712/1234"),
            ("Allianz Versicherungs-AG", "Beitrag Betriebshaftpflicht"), ("Vermietung Krüger", "Miete Büro Dez.; Nebenkosten")]
    t = txns(22, date(2026, 10, 31), ins, outs)
    t[5][1] = D("12450.00"); t[5][2:] = ["Großkunde Rhein AG", "RE-2026-0999 Teilzahlung"]
    t[9][1] = D("-1850.00")
    start = D("10734.12")
    bal = start
    lines = []
    for d, a, n, x in t:
        bal += a
        kind = "Gutschrift" if a > 0 else rnd.choice(["Lastschrift", "Überweisung", "Kartenzahlung", "Dauerauftrag"])
        lines.append((d, a, n, x, kind, bal))
    out = ["Umsatzauskunft;", "Name;Dunwell Test GmbH;", "BLZ;37010050;", "Kontonummer;0123456789;",
           "IBAN;DE41370100500123456789;", f"Aktueller Kontostand;{de_num(bal)} €;",
           f"Verfügbarer Betrag;{de_num(bal + D('2000'))} €;", "",
           "Buchungstag;Wertstellung;Umsatzart;Buchungsdetails;Auftraggeber;Empfänger;Betrag (€);Saldo (€)"]
    for d, a, n, x, kind, b in reversed(lines):  # newest first
        who_from, who_to = (n, "Dunwell Test GmbH") if a > 0 else ("Dunwell Test GmbH", n)
        details = f"Referenz NOTPROVIDED Verwendungszweck {x}"
        out.append(";".join([d.strftime("%d.%m.%Y"), d.strftime("%d.%m.%Y"), kind, q(details),
                             who_from, who_to, f"{de_num(a)} €", f"{de_num(b)} €"]))
    write("de_postbank.csv", "\n".join(out) + "\n", "cp1252")
    record("de_postbank.csv", "Postbank (DE)", [{"amount": r[1]} for r in t], "EUR",
           "Postbank online-banking 'Umsatzauskunft' CSV as described by a public bank-statement-to-HomeBank converter "
           "profile (name: postbank, encoding cp1252, locale de, lines matched 'Umsatzauskunft;', 'Name;…;', 'BLZ;…;', "
           "'Kontonummer;…;') plus memory of the column row: ';', preamble of key;value; lines, amounts with decimal comma, "
           "'.' thousands and a trailing ' €' (0x80 in Windows-1252), running Saldo column, newest first",
           notes="Saldo (€) is the running balance, not an amount; Aktueller/Verfügbarer Betrag in the preamble are balances")


# ---------------------------------------------------------------- 2 Volksbank (VR, DE) old S/H layout
def volksbank():
    ins = [("Hansen Logistik GmbH", "RE 2026-311 Hansen"), ("Dr. med. Peters", "Rechnung Nr. 2026-0412"),
           ("Zahnarztpraxis Lüdtke", "Kd 1044 RE 2026-0388")]
    outs = [("Stadtwerke Musterstadt", "Abschlag Gas/Strom"), ("AOK Niedersachsen", "Beitrag 11/2026 Betriebsnr. 12345678"),
            ("Bürobedarf Schröder", "RG 88731"), ("Vodafone GmbH", "Kundennr. 99812 Rechnung 11/2026"),
            ("Lohn Mitarbeiter", "Lohn/Gehalt 11/2026")]
    t = txns(20, date(2026, 11, 2), ins, outs)
    t[3][1] = D("-2310.45")
    t[11][1] = D("7140.00")
    start = D("15230.77")
    end = start + sum(r[1] for r in t)
    hdr = ['"Volksbank Musterstadt eG"', '""', '"Umsatzanzeige"', '""',
           '"BLZ:";"26991066";;"Datum:";"30.11.2026"',
           '"Konto:";"1234567800";;"Uhrzeit:";"17:42:08"',
           '"Abfrage von:";"Dunwell Test";;"Kontoinhaber:";"Dunwell Test GmbH"', '""',
           '"Zeitraum:";"von:";"01.11.2026";"bis:";"30.11.2026"',
           '"Betrag in EUR:";"von:";" ";"bis:";" "',
           '"Sortiert nach:";"Buchungstag";"absteigend"', '""',
           ";".join(q(h) for h in ["Buchungstag", "Valuta", "Auftraggeber/Zahlungsempfänger",
                                   "Empfänger/Zahlungspflichtiger", "Konto-Nr.", "IBAN", "BLZ", "BIC",
                                   "Vorgang/Verwendungszweck", "Kundenreferenz", "Währung", "Umsatz", " "])]
    body = []
    for i, (d, a, n, x) in enumerate(reversed(t)):
        vorgang = ("Gutschrift" if a > 0 else rnd.choice(["Basislastschrift", "Überweisung", "Dauerauftrag"]))
        purpose = f"{vorgang}\n{x}\nEREF+NOTPROVIDED" if i % 3 else f"{vorgang}\n{x}"
        iban = f"DE{rnd.randint(10, 99)}2699{rnd.randint(10**13, 10**14 - 1)}"
        a_from, a_to = (n, "Dunwell Test GmbH") if a > 0 else ("Dunwell Test GmbH", n)
        body.append(";".join([q(d.strftime("%d.%m.%Y")), q(d.strftime("%d.%m.%Y")), q(a_from), q(a_to), q(""),
                              q(iban), q(""), q("GENODEF1XXX"), q(purpose), q(""), q("EUR"),
                              q(de_num(abs(a))), q("H" if a > 0 else "S")]))
    foot = ['""',
            ";".join([q("01.11.2026"), "", "", "", "", "", "", "", "", q("Anfangssaldo"), q("EUR"), q(de_num(start)), q("H")]),
            ";".join([q("30.11.2026"), "", "", "", "", "", "", "", "", q("Endsaldo"), q("EUR"), q(de_num(end)), q("H")])]
    write("de_volksbank_vr.csv", "\n".join(hdr + body + foot) + "\n", "cp1252")
    record("de_volksbank_vr.csv", "Volksbank / VR-Bank (DE), classic Umsatzanzeige", [{"amount": r[1]} for r in t], "EUR",
           "Classic Volksbank/Raiffeisenbank (Fiducia 'VR-NetWorld'/eBanking) 'Umsatzanzeige' CSV as read by a public "
           "'Volksbanken / Girokonto' importer config (delimiter ';', ignore_header_rows, ignore pattern for the "
           "'dd.mm.yyyy;;;;;;;;;…' balance rows, columns Buchungstag…Umsatz + Soll/Haben) and memory of the layout: "
           "quoted preamble of 12 lines, 13 columns, unsigned Umsatz with 'S'/'H' in an unnamed last column, "
           "Vorgang/Verwendungszweck with embedded newlines, Anfangssaldo/Endsaldo footer rows, Windows-1252",
           notes="the two footer rows (Anfangssaldo, Endsaldo) are balances, not transactions; S = debit (money out)")


# ---------------------------------------------------------------- 3 Handelsbanken (SE)
def handelsbanken():
    ins = [("", "BG 5050-1055 Kund AB"), ("", "Inbetalning Öresunds Bygg AB"), ("", "Swish från 46701234567")]
    outs = [("", "Kortköp ICA Kvantum Åre"), ("", "Autogiro Telia Sverige"), ("", "Bankgiro Fortnox AB"),
            ("", "Lön november"), ("", "Skatteverket 16 5567123456"), ("", "Kortköp Circle K Göteborg")]
    t = txns(24, date(2026, 11, 1), ins, outs, in_rng=(800, 46000), out_rng=(40, 21000))
    t[7][1] = D("-38500.00"); t[7][3] = "Lön november"
    start = D("284230.55")
    bal = start
    rows = []
    for d, a, _, x in t:
        bal += a
        rows.append((d, a, x, bal))
    out = ["Kontoutdrag;;;;", "Konto:;Allkonto Företag 6123-123 456 789;;;",
           "Period:;2026-11-01 - 2026-11-30;;;", "Utskriven:;2026-12-01 09:14;;;", ";;;;",
           "Reskontradatum;Transaktionsdatum;Text;Belopp;Saldo"]
    for d, a, x, b in reversed(rows):
        tdate = d - timedelta(days=rnd.choice([0, 0, 1, 2]))
        out.append(";".join([d.isoformat(), tdate.isoformat(), x, de_num(a, thousands=" "), de_num(b, thousands=" ")]))
    write("se_handelsbanken.csv", "\n".join(out) + "\n", "iso-8859-1")
    record("se_handelsbanken.csv", "Handelsbanken (SE)", [{"amount": r[1]} for r in t], "SEK",
           "Handelsbanken internet bank 'Kontoutdrag'/account transactions export as I recall it (Reskontradatum, "
           "Transaktionsdatum, Text, Belopp, Saldo; the Swedish Reskontradatum = booking date), with jomgra/shb-kontotransaktioner "
           "confirming the Handelsbanken export as a download of this transaction list: ';', yyyy-mm-dd, decimal comma, "
           "space as thousands separator ('38 500,00'), signed Belopp, running Saldo, newest first, a short preamble, "
           "ISO-8859-1; no currency anywhere in the file",
           notes="Saldo is the running balance")


# ---------------------------------------------------------------- 4 Erste Bank / George (AT)
def george():
    ins = [("Alpenblick Hotel GmbH", "Rechnung 2026-214"), ("Mag. Gruber Elisabeth", "RE 2026/0931, danke"),
           ("Steirer Holz OG", "Zahlung Rg. 2026-118")]
    outs = [("BILLA DANKT 1234", "Bezahlung Karte MC/000001234 Wien"), ("A1 Telekom Austria AG", "Rechnung 11/2026"),
            ("Wiener Stadtwerke", "Fernwärme Teilbetrag"), ("Österreichische Gesundheitskasse", "Beitrag 10/2026"),
            ("Spar Österr. Warenhandels-AG", "Bezahlung Karte MC/000001234 Graz, Herrengasse"),
            ("Finanzamt Österreich", "UVA 09/2026")]
    t = txns(21, date(2026, 11, 2), ins, outs)
    t[4][1] = D("3960.00")
    hdr = ["Buchungsdatum", "Partnername", "Partner IBAN", "BIC/SWIFT", "Partner Kontonummer", "Bankleitzahl",
           "Betrag", "Währung", "Buchungs-Info", "Buchungsreferenz", "Notiz", "Valutadatum"]
    out = [",".join(q(h) for h in hdr)]
    for i, (d, a, n, x) in enumerate(reversed(t)):
        iban = "" if "Karte" in x else f"AT{rnd.randint(10, 99)}20111{rnd.randint(10**10, 10**11 - 1)}"
        ref = f"{d.strftime('%y%m%d')}{rnd.randint(100000, 999999)}IPG-{rnd.randint(10000, 99999)}"
        out.append(",".join(q(v) for v in [d.strftime("%d.%m.%Y"), n, iban, "GIBAATWWXXX" if iban else "", "", "",
                                           de_num(a), "EUR", x, ref, "", d.strftime("%d.%m.%Y")]))
    write("at_erste_george.csv", "\n".join(out) + "\n", "utf-8", bom=True)
    record("at_erste_george.csv", "Erste Bank / Sparkasse George (AT)", [{"amount": r[1]} for r in t], "EUR",
           "George (Erste Bank und Sparkassen, AT) transaction list CSV export as I recall it: every field quoted, "
           "',' separator, German headers Buchungsdatum, Partnername, Partner IBAN, BIC/SWIFT, Partner Kontonummer, "
           "Bankleitzahl, Betrag, Währung, Buchungs-Info, Buchungsreferenz, Notiz, Valutadatum; amounts with decimal "
           "comma inside the quotes ('-1.234,56' — the comma separator makes quoting mandatory), dd.mm.yyyy, UTF-8 "
           "with BOM (not verified from a public importer: the search found none for the CSV variant)")


# ---------------------------------------------------------------- 5 AIB (IE)
def aib():
    ins = [("", "BOI 365 MURPHY CONS"), ("", "SEPA CR KELLY & CO INV 2026-44"), ("", "LODGMENT 000123")]
    outs = [("", "VDP-TESCO IRELAND"), ("", "D/D ELECTRIC IRELAND"), ("", "*MOBI REVENUE VAT"),
            ("", "VDC-CIRCLE K DUBLIN"), ("", "D/D VODAFONE IRELAN"), ("", "ATM CASH O'CONNELL ST")]
    t = txns(23, date(2026, 11, 2), ins, outs)
    start = D("6012.40")
    bal = start
    out = ['Posted Account, Posted Transactions Date, Description, Debit Amount, Credit Amount, Balance, Transaction Type']
    for d, a, _, x in t:
        bal += a
        typ = "Credit" if a > 0 else "Debit"
        desc = q(x) if "," in x or "'" in x else x
        out.append(", ".join(["931152-12345678", d.strftime("%d/%m/%Y"), desc,
                              f"{-a:.2f}" if a < 0 else "", f"{a:.2f}" if a > 0 else "", f"{bal:.2f}", typ]))
    write("ie_aib.csv", "\n".join(out) + "\n", "utf-8")
    record("ie_aib.csv", "AIB - Allied Irish Banks (IE)", [{"amount": r[1]} for r in t], "EUR",
           "AIB internet banking transaction CSV as read by a public ledger-autosync plugin for AIB (AIBConverter, "
           "FIELDSET Posted Account, Posted Transactions Date, Description, Debit Amount, Credit Amount, Balance, "
           "Transaction Type): ',' plus a space after every comma (header and rows), dd/mm/yyyy, unsigned amounts in "
           "separate Debit/Credit columns, dot decimals, oldest first; no currency in the file",
           notes="Balance is the running balance; a space follows each comma")


# ---------------------------------------------------------------- 6 Nationwide (UK)
def nationwide():
    ins = [("Bank credit", "SMITH J INV 2044"), ("Transfer from", "HARGREAVES LTD"), ("Bank credit", "FPS ACME DESIGN LTD")]
    outs = [("Contactless Payment", "TESCO STORES 2041"), ("Direct debit", "BRITISH GAS"), ("Payment to", "HMRC VAT"),
            ("Visa purchase", "AMAZON UK, MARKETPLACE"), ("Standing order", "RENT - 14 HIGH ST"),
            ("Cash withdrawal", "NATIONWIDE, SWINDON")]
    t = txns(25, date(2026, 11, 1), ins, outs, in_rng=(100, 3500), out_rng=(2, 1400))
    t[12][1] = D("-1250.00"); t[12][2:] = ["Standing order", "RENT - 14 HIGH ST"]
    start = D("9120.18")
    bal = start
    rows = []
    for d, a, typ, x in t:
        bal += a
        rows.append((d, a, typ, x, bal))
    gbp = lambda v: ("-" if v < 0 else "") + "£" + f"{abs(v):,.2f}"
    out = [q("Account Name:") + "," + q("FlexAccount ****12345"), q("Account Balance:") + "," + q(gbp(bal)),
           q("Available Balance: ") + "," + q(gbp(bal + D("250"))), "",
           ",".join(q(h) for h in ["Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance"])]
    for d, a, typ, x, b in rows:
        out.append(",".join(q(v) for v in [d.strftime("%d %b %Y"), typ, x, gbp(-a) if a < 0 else "",
                                           gbp(a) if a > 0 else "", gbp(b)]))
    write("uk_nationwide.csv", "\n".join(out) + "\n", "cp1252")
    record("uk_nationwide.csv", "Nationwide Building Society (UK)", [{"amount": r[1]} for r in t], "GBP",
           "Nationwide current-account statement CSV as read by a public beangulp NationwideReader (Date(0, '%d %b %Y'), "
           "type column 1, narration column 2, CreditOrDebit(paid in 4, paid out 3)), a NationwideIngestor that requires "
           "amounts to start with '£', a JS import preset ('Paid out'/'Paid in', 'DD MMM YYYY') and "
           "WillOnGit/nationwide-transaction-parser (account named in a header at the top, GBP only): 4-line preamble "
           "(Account Name, Account Balance, Available Balance, blank), every field quoted, '£1,234.56' with thousands "
           "commas, Windows-1252 '£' byte, oldest first",
           notes="Balance and the preamble balances are not amounts")


# ---------------------------------------------------------------- 7 Scotiabank (CA), headerless chequing
def scotia():
    ins = [("Deposit", "MOBILE DEPOSIT"), ("Customer Transfer Cr.", "E-TRANSFER FROM LAVAL RENOS INC"),
           ("Payroll Dep.", "CLIENT PAYMENT INV-3321")]
    outs = [("Point of Sale Purchase", "TIM HORTONS #2231 TORONTO ON"), ("Bill Payment", "ROGERS WIRELESS"),
            ("Pre-Authorized Debit", "CRA GST/HST"), ("Point of Sale Purchase", "CANADIAN TIRE #0144, OTTAWA ON"),
            ("Service Charge", "MONTHLY FEE"), ("Customer Transfer Dr.", "E-TRANSFER TO J. TREMBLAY")]
    t = txns(20, date(2026, 11, 2), ins, outs)
    out = []
    for d, a, typ, x in t:
        desc = q(x) if "," in x else x
        out.append(",".join([d.strftime("%m/%d/%Y"), f"{a:.2f}", "-", typ, desc]))
    write("ca_scotiabank.csv", "\n".join(out) + "\n", "utf-8", newline="\n")
    record("ca_scotiabank.csv", "Scotiabank (CA), chequing", [{"amount": r[1]} for r in t], "CAD",
           "Scotiabank account-activity CSV as read by garyhubley/transactionParser (pymodules/scotia.py: no header, "
           "row[0] date '%m/%d/%Y', row[1] amount, row[3] transaction type, row[4] description) and the Scotia "
           "chequing beancount importer in the same search; the '-' filler in column 3 as I recall it: no header row, "
           "mm/dd/yyyy, signed dot-decimal amount (withdrawals negative), no currency, LF line ends",
           notes="mm/dd/yyyy: several days are > 12, so the order is unambiguous from the data")


# ---------------------------------------------------------------- 8 Mercury (US)
def mercury():
    ins = [("Stripe", "STRIPE TRANSFER ST-X8Y2"), ("Acme Robotics Inc", "ACH ACME ROBOTICS INV-1042"),
           ("Gusto Refund", "GUSTO REFUND")]
    outs = [("AWS", "AMAZON WEB SERVICES AWS.AMAZON.CO"), ("Gusto", "GUSTO NET PAY 1042"), ("WeWork", "WEWORK, INC."),
            ("Google Workspace", "GOOGLE *GSUITE_acme"), ("Figma", "FIGMA MONTHLY"), ("IRS", "IRS USATAXPYMT")]
    t = txns(26, date(2026, 11, 2), ins, outs, in_rng=(500, 48000), out_rng=(12, 16000))
    status = ["Sent"] * len(t)
    for i in (23, 24, 25):
        status[i] = "Pending"
    status[10] = "Failed"
    status[17] = "Cancelled"
    hdr = ["Date (UTC)", "Description", "Amount", "Status", "Source Account", "Bank Description", "Reference", "Note",
           "Last Four Digits", "Name On Card", "Mercury Category", "Category", "GL Code", "Timestamp",
           "Original Currency", "Check Number", "Tags"]
    out = [",".join(hdr)]
    for (d, a, n, x), s in reversed(list(zip(t, status))):
        card = ("4821" if n in ("AWS", "Google Workspace", "Figma") else "")
        ts = f"{d.strftime('%m-%d-%Y')} {rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}"
        vals = [d.strftime("%m-%d-%Y"), n, f"{a:.2f}", s, "Mercury Checking ••2210", x, "", "",
                card, "Dana Lee" if card else "", "Software" if card else "", "", "", ts, "USD", "", ""]
        out.append(",".join(q(v) if ("," in v or "•" in v) else v for v in vals))
    write("us_mercury.csv", "\n".join(out) + "\n", "utf-8")
    rows = [{"amount": r[1], "booked": s == "Sent"} for r, s in zip(t, status)]
    record("us_mercury.csv", "Mercury (US business banking)", rows, "USD",
           "Mercury transactions CSV export as read by public Mercury importers: a 'Mercury Bank V2' importer "
           "(Date (UTC), Description, Amount, Status, Source Account, Mercury Category) and a MercuryCsvParser "
           "(one export for all sub-accounts routed by 'Source Account', Failed/Cancelled rows filtered out, "
           "Timestamp column); remaining columns and mm-dd-yyyy dates as I recall them: ',' separator, signed "
           "dot-decimal amounts, newest first, Status Sent / Pending / Failed / Cancelled",
           notes="only Status=Sent rows are booked: 3 Pending, 1 Failed and 1 Cancelled rows are excluded")


# ---------------------------------------------------------------- 9 PNC (US), headerless with summary line
def pnc():
    ins = [("", "DEPOSIT"), ("", "ACH CREDIT ACME CORP PAYROLL"), ("", "ONLINE TRANSFER FROM XXXXXX4410"),
           ("", "ZELLE FROM SMITH CONSULTING LLC")]
    outs = [("", "POS PURCHASE TARGET T-1234 PITTSBURGH PA"), ("", "ACH DEBIT DUQUESNE LIGHT"),
            ("", "DEBIT CARD PURCHASE XXXX1234 SHEETZ 0311"), ("", "ATM WITHDRAWAL 5TH AVE PLACE"),
            ("", "CHECK 1043"), ("", "ONLINE BILL PAY VERIZON")]
    t = txns(22, date(2026, 9, 30), ins, outs, in_rng=(100, 5200), out_rng=(4, 1700))
    begin = D("5234.11")
    end = begin + sum(r[1] for r in t)
    out = [f"XXXXXX1234,2026/10/01,2026/10/31,{begin:.2f},{end:.2f}"]
    for d, a, _, x in t:
        ref = str(rnd.randint(10**9, 10**10 - 1))
        out.append(",".join([d.strftime("%Y/%m/%d"), f"{abs(a):.2f}", x, "", ref, "CREDIT" if a > 0 else "DEBIT"]))
    write("us_pnc.csv", "\n".join(out) + "\n", "utf-8")
    record("us_pnc.csv", "PNC Bank (US), Virtual Wallet", [{"amount": r[1]} for r in t], "USD",
           "PNC online-banking 'Download transactions' CSV as I recall it (no public importer found in the search): "
           "no header; a first summary line account,start date,end date,beginning balance,ending balance; then "
           "date (yyyy/mm/dd), unsigned amount, description, memo, reference number, type CREDIT/DEBIT; no currency",
           notes="line 1 is the period summary (begin/end balances), not a transaction; the amount sign comes from "
                 "the last column")


# ---------------------------------------------------------------- 10 BBVA (ES), movements export saved as CSV
def bbva():
    ins = [("Transferencia recibida", "TRANSFERENCIA DE SUMINISTROS LEVANTE SL, FRA 2026-0412"),
           ("Abono", "ABONO TPV COMERCIO 0034512"), ("Transferencia recibida", "TRANSF. DE GARCIA LOPEZ, MARIA")]
    outs = [("Recibo", "ADEUDO RECIBO IBERDROLA CLIENTES"), ("Pago con tarjeta", "MERCADONA VALENCIA"),
            ("Recibo", "RECIBO TELEFONICA DE ESPANA"), ("Impuestos", "AEAT MODELO 303 3T"),
            ("Transferencia realizada", "TRANSFERENCIA A ALQUILERES DEL TURIA SL"),
            ("Comisiones", "COMISION MANTENIMIENTO")]
    t = txns(19, date(2026, 11, 3), ins, outs)
    start = D("21455.30")
    bal = start
    rows = []
    for d, a, kind, x in t:
        bal += a
        rows.append((d, a, kind, x, bal))
    out = ["Últimos movimientos;;;;;;;;", "Cuenta;ES91 0182 1234 5612 3456 7890;;;;;;;",
           "Fecha de la consulta;01/12/2026;;;;;;;", ";;;;;;;;",
           "F.Valor;Fecha;Concepto;Movimiento;Importe;Divisa;Disponible;Divisa;Observaciones"]
    for d, a, kind, x, b in reversed(rows):
        fv = d + timedelta(days=rnd.choice([0, 0, 1]))
        obs = q("Ref. 2026-" + str(rnd.randint(1000, 9999)) + "; concepto adicional") if rnd.random() < .3 else ""
        concept = q(x) if ";" in x else x
        out.append(";".join([fv.strftime("%d/%m/%Y"), d.strftime("%d/%m/%Y"), concept, kind, de_num(a), "EUR",
                             de_num(b), "EUR", obs]))
    write("es_bbva.csv", "\n".join(out) + "\n", "cp1252")
    record("es_bbva.csv", "BBVA (ES)", [{"amount": r[1]} for r in t], "EUR",
           "BBVA web-banking 'Últimos movimientos' export as I recall it (no public importer found in the search): "
           "columns F.Valor, Fecha, Concepto, Movimiento, Importe, Divisa, Disponible, Divisa, Observaciones — two "
           "columns share the header 'Divisa'; BBVA exports .xlsx, so this is that sheet saved as CSV by Spanish "
           "Excel: ';', Windows-1252, dd/mm/yyyy, decimal comma with '.' thousands, signed Importe, running Disponible "
           "balance, 4 preamble lines, newest first",
           notes="F.Valor is the value date, Fecha the booking date; Disponible is the running balance")


for f in (postbank, volksbank, handelsbanken, george, aib, nationwide, scotia, mercury, pnc, bbva):
    f()
(OUT / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
for k, v in truth.items():
    print(f"{k:24} {v['count']:3} {v['net_sum']:>12} {v['currency']}")
