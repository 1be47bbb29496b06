"""Write the blind bank CSV corpus and its ground truth, by construction.

Each writer lays out one real bank's published export (source in SOURCES and
truth.json): its preamble, header, separator, encoding, date and number
format. The transactions are invented; the truth (count, net sum, currency)
is summed here from the Decimal amounts before they are formatted, never by
reading the files back and never by running dunwell. Amounts are signed from
the account holder's side: money coming in is positive.

Run: python bench/bank_csv_blind/make_corpus.py  (rewrites the files; stable)
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Txn:
    day: date
    amount: Decimal  # signed, incoming positive
    party: str
    text: str
    iban: str


PAYEES = {
    "nl": ["Albert Heijn 1403", "Gemeente Utrecht", "Eneco Services", "Bol.com BV",
           "NS Reizigers", "Vattenfall Klantenservice", "Stichting Natuurmonumenten",
           "Jansen Installatietechniek BV", "De Vries & Zn", "Coolblue BV"],
    "be": ["Colruyt Halle", "Proximus NV", "Delhaize Leuven", "Engie Electrabel",
           "Stad Antwerpen", "Van den Broeck BV", "Peeters Logistiek NV", "Luminus NV"],
    "se": ["ICA Kvantum Lund", "Telia Sverige AB", "Skatteverket", "Vattenfall AB",
           "Öresundskraft AB", "Åhlens City", "Björkman Bygg AB", "Systembolaget 0123"],
    "dk": ["Netto Nørrebro", "MobilePay Søren", "Ørsted Salg & Service", "DSB Billet",
           "Føtex Aarhus", "Carlsberg Danmark A/S", "Jensen Tømrer ApS", "Sparekassen"],
    "fi": ["K-Citymarket Espoo", "Helen Oy", "Elisa Oyj", "Kesko Oyj",
           "Mäkinen Rakennus Oy", "Verohallinto", "HSL Matkakortti", "Alko Töölö"],
    "cz": ["Albert Česká republika", "ČEZ Prodej a.s.", "Vodafone Czech Republic",
           "Dvořák Stavby s.r.o.", "Rohlík.cz", "Pražská energetika", "Kovárna Říčany"],
    "pl": ["Biedronka Kraków", "Orange Polska", "PGE Obrót S.A.", "Żabka Polska",
           "Zakład Usług Wodnych", "Łukasz Wójcik", "Allegro.pl", "Kowalski Sp. z o.o."],
    "uk": ["TESCO STORES 2231", "THAMES WATER", "BRITISH GAS", "HMRC VAT",
           "SMITH & JONES LTD", "TFL TRAVEL CH", "SAINSBURYS S/MKTS", "OCTOPUS ENERGY"],
    "ca": ["LOBLAWS #1234", "HYDRO ONE", "TIM HORTONS #0412", "BELL CANADA",
           "CANADIAN TIRE #288", "ROGERS WIRELESS", "TREMBLAY CONSTRUCTION INC"],
    "us": ["WHOLEFDS CBL 10033", "COMCAST CALIFORNIA", "SHELL OIL 57444103",
           "CHIPOTLE 3293", "PG&E WEB ONLINE", "ACME SUPPLY CO", "TRADER JOES #178"],
    "it": ["ESSELUNGA MILANO", "ENEL ENERGIA", "TIM SPA", "ROSSI COSTRUZIONI SRL",
           "AUTOSTRADE PER L'ITALIA", "FERRARI & BIANCHI SNC", "COOP LOMBARDIA"],
}
INCOME = ["Invoice 2026-{n:04d}", "Factuur {n}", "Faktura {n}", "Lasku {n}",
          "Payment INV-{n}"]


def make_txns(seed: int, n: int, start: date, region: str, big: bool = False) -> list[Txn]:
    """n invented transactions, oldest first; some large enough for thousands separators."""
    rnd = random.Random(seed)
    out = []
    day = start
    for i in range(n):
        day += timedelta(days=rnd.choice([0, 0, 1, 1, 2, 3]))
        incoming = rnd.random() < 0.35
        if big and rnd.random() < 0.3:
            cents = rnd.randint(100_000, 2_500_000)
        else:
            cents = rnd.randint(150, 95_000)
        if rnd.random() < 0.15:
            cents -= cents % 100  # whole amounts
        amount = Decimal(cents) / 100
        party = rnd.choice(PAYEES[region])
        text = (rnd.choice(INCOME).format(n=1000 + i) if incoming
                else f"{party} {rnd.randint(10000, 99999)}")
        iban = f"NL{rnd.randint(10, 99)}RABO0{rnd.randint(100000000, 999999999)}"
        out.append(Txn(day, amount if incoming else -amount, party, text, iban))
    return out


def dot(d: Decimal, plus: bool = False) -> str:
    s = f"{d:.2f}"
    return "+" + s if plus and d > 0 else s


def comma(d: Decimal, thousands: str = "", plus: bool = False) -> str:
    sign = "-" if d < 0 else ("+" if plus and d > 0 else "")
    whole, frac = f"{abs(d):.2f}".split(".")
    if thousands:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = thousands.join([whole, *groups])
    return f"{sign}{whole},{frac}"


def running(txns: list[Txn], opening: Decimal) -> list[Decimal]:
    bal, out = opening, []
    for t in txns:
        bal += t.amount
        out.append(bal)
    return out


Writer = Callable[[], tuple[bytes, list[Txn], str]]
WRITERS: dict[str, tuple[str, str, Writer]] = {}


def writer(name: str, bank: str, source: str):
    def register(fn: Writer) -> Writer:
        WRITERS[name] = (bank, source, fn)
        return fn
    return register


@writer("nl_asn.csv", "ASN Bank (NL)",
        "ASN CSV spec (asnbank.nl 'Formaatbeschrijving CSV'), as used by the beancount ASN "
        "importers (field_names Boekingsdatum..Afschriftnummer, no header row)")
def asn() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(1, 24, date(2026, 9, 1), "nl")
    lines = []
    bal = Decimal("2150.40")
    for i, t in enumerate(txns):
        d = t.day.strftime("%d-%m-%Y")
        code = "IC" if t.amount < 0 else "GEA"
        lines.append(",".join([
            d, "NL81ASNB0708271398", t.iban, t.party, "", "", "", "EUR", dot(bal), "EUR",
            dot(t.amount), d, d, "8810", code, str(48000000 + i), "",
            f"'{t.text}'", "9"]))
        bal += t.amount
    return ("\n".join(lines) + "\n").encode("utf-8"), txns, "EUR"


@writer("nl_triodos.csv", "Triodos Bank (NL)",
        "beancount Triodos importer (FIELDS Boekdatum, Rekeningnummer, Bedrag, Debet/Credit, "
        "Naam tegenrekening, Tegenrekening, Code, Omschrijving; iso-8859-15; no header)")
def triodos() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(2, 31, date(2026, 8, 3), "nl", big=True)
    lines = []
    for t in txns:
        dc = "Debet" if t.amount < 0 else "Credit"
        lines.append(",".join([
            f'"{t.day:%d-%m-%Y}"', '"NL42TRIO0212345678"', f'"{comma(abs(t.amount), ".")}"',
            f'"{dc}"', f'"{t.party}"', f'"{t.iban}"', '"IC"' if t.amount < 0 else '"ET"',
            f'"{t.text}"']))
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-15"), txns, "EUR"


@writer("be_belfius.csv", "Belfius (BE)",
        "Belfius export as in renardeau/ofxstatement-be-belfius and firefly/other importers: "
        "filter preamble, 'Laatste saldo', ';' line, header Rekening;Boekingsdatum;"
        "Rekeninguittrekselnummer;...;Bedrag;Devies;BIC;Landcode;Mededelingen")
def belfius() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(3, 27, date(2026, 10, 1), "be")
    bal = running(txns, Decimal("5310.22"))[-1]
    pre = ["Boekingsdatum vanaf;01/10/2026", "Boekingsdatum tot en met;31/10/2026",
           "Bedrag vanaf;", "Bedrag tot en met;", "Rekeninguittrekselnummer vanaf;",
           "Rekeninguittrekselnummer tot en met;", "Mededeling;", "Naam tegenpartij bevat;",
           "Rekening tegenpartij;", f"Laatste saldo;{comma(bal, '.')} EUR",
           "Datum/uur van het laatste saldo;02/11/2026 09:14:02", ";",
           "Rekening;Boekingsdatum;Rekeninguittrekselnummer;Transactienummer;"
           "Rekening tegenpartij;Naam tegenpartij bevat;Straat en nummer;Postcode en plaats;"
           "Transactie;Valutadatum;Bedrag;Devies;BIC;Landcode;Mededelingen"]
    rows = []
    for i, t in enumerate(reversed(txns)):  # newest first
        d = f"{t.day:%d/%m/%Y}"
        rows.append(";".join([
            "BE81 0637 5694 4024", d, "00010", str(60 - i), "BE12 3456 7890 1234", t.party,
            "Kerkstraat 12", "3000  Leuven",
            ("OVERSCHRIJVING" if t.amount > 0 else "BANCONTACT - AANKOOP") + " - " + t.party,
            d, comma(t.amount), "EUR", "GKCCBEBB", "BE", t.text]))
    return ("\r\n".join(pre + rows) + "\r\n").encode("cp1252"), txns, "EUR"


@writer("se_nordea.csv", "Nordea (SE)",
        "Nordea netbank export Bokföringsdag;Belopp;Avsändare;Mottagare;Namn;Rubrik;Saldo;"
        "Valuta (yyyy/mm/dd, decimal comma, 'Reserverat' pending rows, UTF-8 BOM), as in "
        "several public Nordea parsers (e.g. hledger rules, budget tools)")
def nordea() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(4, 36, date(2026, 6, 1), "se", big=True)
    bals = running(txns, Decimal("18250.00"))
    rows = ["Bokföringsdag;Belopp;Avsändare;Mottagare;Namn;Rubrik;Saldo;Valuta;"]
    rows.append("Reserverat;-89,00;;;Espresso House;Kortköp ESPRESSO HOUSE;;SEK;")  # pending
    for t, b in reversed(list(zip(txns, bals, strict=True))):
        src, dst = ("1709 20 72840", "") if t.amount < 0 else ("", "1709 20 72840")
        rows.append(";".join([f"{t.day:%Y/%m/%d}", comma(t.amount), src, dst, t.party,
                              t.text, comma(b), "SEK"]) + ";")
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig"), txns, "SEK"


@writer("se_swedbank.csv", "Swedbank (SE)",
        "Swedbank 'Transaktioner' export: '* Transaktioner Period ...' preamble, header "
        "Radnummer,Clearingnummer,Kontonummer,Produkt,Valuta,Bokföringsdag,...,Belopp,"
        "Bokfört saldo (pownas/Privatekonomi docs and tests)")
def swedbank() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(5, 22, date(2026, 5, 2), "se")
    bals = running(txns, Decimal("9120.55"))
    rows = ["* Transaktioner Period 2026-05-01 – 2026-05-31 Skapad 2026-06-01 08:15 CEST",
            "Radnummer,Clearingnummer,Kontonummer,Produkt,Valuta,Bokföringsdag,"
            "Transaktionsdag,Valutadag,Referens,Beskrivning,Belopp,Bokfört saldo"]
    for n, (t, b) in enumerate(reversed(list(zip(txns, bals, strict=True))), start=1):
        d = f"{t.day:%Y-%m-%d}"
        rows.append(",".join([str(n), "8327-9", "123 456 789-0", "Företagskonto", "SEK", d,
                              d, d, f'"{t.party}"', f'"{t.text}"', dot(t.amount), dot(b)]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "SEK"


@writer("dk_danske.csv", "Danske Bank (DK)",
        "Danske Bank netbank export \"Dato\";\"Tekst\";\"Beløb\";\"Saldo\";\"Status\";"
        "\"Afstemt\" (dd.mm.yyyy, 1.234,56; YNAB converters, Business Central test data)")
def danske() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(6, 29, date(2026, 3, 2), "dk", big=True)
    bals = running(txns, Decimal("43500.00"))
    rows = ['"Dato";"Tekst";"Beløb";"Saldo";"Status";"Afstemt"']
    for t, b in zip(txns, bals, strict=True):
        rows.append(";".join(f'"{v}"' for v in [
            f"{t.day:%d.%m.%Y}", f"{t.party} {t.text}", comma(t.amount, "."), comma(b, "."),
            "Udført", "Nej"]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "DKK"


@writer("fi_op.csv", "OP Financial Group (FI)",
        "OP 'Tositetiliote' CSV Kirjauspäivä;Arvopäivä;Määrä EUROA;Laji;Selitys;"
        "Saaja/Maksaja;Saajan tilinumero ja pankin BIC;Viite;Viesti;Arkistointitunnus "
        "(ofxstatement OP plugin, Tilitin docs)")
def op() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(7, 18, date(2026, 4, 1), "fi")
    rows = ["Kirjauspäivä;Arvopäivä;Määrä EUROA;Laji;Selitys;Saaja/Maksaja;"
            "Saajan tilinumero ja pankin BIC;Viite;Viesti;Arkistointitunnus"]
    for i, t in enumerate(txns):
        d = f"{t.day:%d.%m.%Y}"
        rows.append(";".join([
            d, d, comma(t.amount, plus=True), "106" if t.amount > 0 else "710",
            "TILISIIRTO" if t.amount > 0 else "KORTTIOSTO", t.party,
            "FI1415723000369314 NDEAFIHH" if t.amount < 0 else "",
            f"{1009 + i}", t.text, f"2026040{i % 9 + 1}5930PU{i:06d}"]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "EUR"


@writer("cz_fio.csv", "Fio banka (CZ)",
        "Fio banka CSV (API/internet banking): accountId/bankId/currency/iban/... preamble, "
        "header ID pohybu;Datum;Objem;Měna;Protiúčet;Název protiúčtu;Kód banky;... "
        "(fio.cz API_Bankovnictvi.pdf; fiocz-rs CSV_HEADER_TRANSACTIONS)")
def fio() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(8, 40, date(2026, 2, 2), "cz", big=True)
    opening = Decimal("125400.00")
    closing = running(txns, opening)[-1]
    rows = ["accountId;2101234567", "bankId;2010", "currency;CZK",
            "iban;CZ6520100000002101234567", "bic;FIOBCZPPXXX",
            f"openingBalance;{comma(opening)}", f"closingBalance;{comma(closing)}",
            "dateStart;01.02.2026", "dateEnd;28.02.2026", "idFrom;26150001", "idTo;26150040",
            "",
            "ID pohybu;Datum;Objem;Měna;Protiúčet;Název protiúčtu;Kód banky;Název banky;KS;"
            "VS;SS;Uživatelská identifikace;Zpráva pro příjemce;Typ;Provedl;Upřesnění;"
            "Komentář;BIC;ID pokynu"]
    for i, t in enumerate(txns):
        rows.append(";".join([
            str(26150001 + i), f"{t.day:%d.%m.%Y}", comma(t.amount), "CZK",
            f"{rnd_acct(i)}", t.party, "0800", "Česká spořitelna, a.s.", "0308",
            str(2026000 + i), "", t.party, t.text,
            "Bezhotovostní příjem" if t.amount > 0 else "Platba převodem uvnitř banky",
            "Novák, Jan", "", t.text, "", str(31000000 + i)]))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8"), txns, "CZK"


def rnd_acct(i: int) -> str:
    return f"{19 + i}-{2000145399 + 7 * i}"


@writer("pl_mbank.csv", "mBank (PL)",
        "mBank 'Lista operacji' CSV: address/client preamble, #Waluta;#Wpływy;#Wydatki "
        "summary, header #Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota; with "
        "'-1 234,56 PLN' amounts, Windows-1250 (mquery, mbank_ynab_parser, mbank parsers)")
def mbank() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(9, 33, date(2026, 1, 5), "pl", big=True)
    inflow = sum((t.amount for t in txns if t.amount > 0), Decimal(0))
    outflow = sum((t.amount for t in txns if t.amount < 0), Decimal(0))
    rows = ["mBank S.A. Bankowość Detaliczna;", "Skrytka Pocztowa 2108;", "90-959 Łódź 2;",
            "www.mBank.pl;", "mLinia: 801 300 800;", "+48 (42) 6 300 800;", "",
            "#Klient;", "JAN KOWALSKI;", "", "Lista operacji;", "", "#Za okres:;",
            "01.01.2026;31.01.2026;", "", "#zgodnie z wybranymi filtrami wyszukiwania;",
            "#dla rachunków:;", "eKonto - 11114020040000300201355387;", "",
            "#Lista nie jest dokumentem w rozumieniu art. 7 Ustawy Prawo Bankowe "
            "(Dz. U. Nr 140 z 2002 roku, poz. 939 z późn. zm.).;", "",
            "#Waluta;#Wpływy;#Wydatki;",
            f"PLN;{comma(inflow, ' ')};{comma(outflow, ' ')};", "",
            "#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;"]
    for t in reversed(txns):
        rows.append(";".join([
            f"{t.day:%Y-%m-%d}", f'"{t.text.upper()}  "', '"eKonto 1111 ... 5387"',
            "Wpływy" if t.amount > 0 else "Zakupy", f"{comma(t.amount, ' ')} PLN"]) + ";")
    return ("\r\n".join(rows) + "\r\n").encode("cp1250"), txns, "PLN"


@writer("pl_pko.csv", "PKO Bank Polski (PL)",
        "PKO BP (iPKO) history CSV \"Data operacji\",\"Data waluty\",\"Typ transakcji\","
        "\"Kwota\",\"Waluta\",\"Saldo po transakcji\",\"Opis transakcji\",\"\",\"\",... "
        "signed '+1800.00' amounts, Windows-1250 (several public PKO parsers' fixtures)")
def pko() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(10, 26, date(2026, 7, 1), "pl")
    bals = running(txns, Decimal("3120.00"))
    rows = ['"Data operacji","Data waluty","Typ transakcji","Kwota","Waluta",'
            '"Saldo po transakcji","Opis transakcji","","",""']
    for t, b in reversed(list(zip(txns, bals, strict=True))):
        d = f"{t.day:%Y-%m-%d}"
        kind = "Przelew na rachunek" if t.amount > 0 else "Płatność kartą"
        rows.append(",".join(f'"{v}"' for v in [
            d, d, kind, dot(t.amount, plus=True), "PLN", dot(b, plus=True),
            f"Tytuł: {t.text}", f"Nazwa nadawcy: {t.party}" if t.amount > 0
            else f"Lokalizacja: Adres: {t.party} Miasto: KRAKÓW Kraj: POLSKA", ""]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1250"), txns, "PLN"


@writer("uk_natwest.csv", "NatWest (UK)",
        "NatWest online banking CSV: blank line, 'Date, Type, Description, Value, Balance, "
        "Account Name, Account Number', apostrophe-prefixed quoted fields, trailing comma "
        "(many public NatWest parsers)")
def natwest() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(11, 30, date(2026, 9, 7), "uk")
    bals = running(txns, Decimal("1781.21"))
    rows = ["", "Date, Type, Description, Value, Balance, Account Name, Account Number", ""]
    for t, b in reversed(list(zip(txns, bals, strict=True))):
        kind = "BAC" if t.amount > 0 else "D/D" if abs(t.amount) > 100 else "POS"
        rows.append(",".join([f"{t.day:%d/%m/%Y}", kind, f"\"'{t.party}, {t.text}\"",
                              dot(t.amount), dot(b), "\"'FERRIER NJ\"",
                              "\"'600008-49127454\""]) + ",")
    return ("\r\n".join(rows) + "\r\n").encode("utf-8"), txns, "GBP"


@writer("ca_rbc.csv", "RBC Royal Bank (CA)",
        "RBC online banking CSV: Account Type,Account Number,Transaction Date,Cheque Number,"
        "Description 1,Description 2,CAD$,USD$ (m/d/yyyy; many public RBC parsers)")
def rbc() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(12, 25, date(2026, 10, 1), "ca")
    rows = ["Account Type,Account Number,Transaction Date,Cheque Number,Description 1,"
            "Description 2,CAD$,USD$"]
    for t in txns:
        rows.append(",".join(["Chequing", "03489-5086459", f"{t.day.month}/{t.day.day}/"
                              f"{t.day.year}", "", f'"{t.party}"', f'"{t.text}"',
                              dot(t.amount), ""]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "CAD"


@writer("ca_td.csv", "TD Canada Trust (CA)",
        "TD EasyWeb account activity CSV: no header; date (mm/dd/yyyy), description, "
        "withdrawal, deposit, balance (public TD parsers: 'Date,Description,Debit,Credit,"
        "Balance' columns applied to a header-less file)")
def td() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(13, 21, date(2026, 11, 2), "ca")
    bals = running(txns, Decimal("2480.00"))
    rows = []
    for t, b in zip(txns, bals, strict=True):
        rows.append(",".join([f"{t.day:%m/%d/%Y}", t.party,
                              f"{-t.amount:.2f}" if t.amount < 0 else "",
                              f"{t.amount:.2f}" if t.amount > 0 else "", f"{b:.2f}"]))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8"), txns, "CAD"


@writer("us_usbank.csv", "U.S. Bank (US)",
        "U.S. Bank download \"Date\",\"Transaction\",\"Name\",\"Memo\",\"Amount\" "
        "(Transaction CREDIT/DEBIT, signed amount; public US Bank parsers' fixtures)")
def usbank() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(14, 28, date(2026, 6, 1), "us")
    rows = ['"Date","Transaction","Name","Memo","Amount"']
    for i, t in enumerate(reversed(txns)):
        kind = "CREDIT" if t.amount > 0 else "DEBIT"
        memo = f"2443106618{i:013d}; 05814; ; ; ;" if t.amount < 0 else "WEB AUTHORIZED PMT"
        rows.append(",".join(f'"{v}"' for v in [f"{t.day:%Y-%m-%d}", kind, t.party, memo,
                                                 dot(t.amount)]))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8"), txns, "USD"


@writer("us_citi_card.csv", "Citi credit card (US)",
        "Citi card download Status,Date,Description,Debit,Credit (charges positive in Debit, "
        "payments negative in Credit; public Citi parsers' fixtures)")
def citi() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(15, 20, date(2026, 3, 1), "us")
    rows = ["Status,Date,Description,Debit,Credit"]
    for t in reversed(txns):
        # From the card holder's side a charge is money out (negative); Citi prints it
        # positive in Debit. A payment to the card is money in; Citi prints it negative
        # in Credit.
        debit = f"{-t.amount:.2f}" if t.amount < 0 else ""
        credit = f"{-t.amount:.2f}" if t.amount > 0 else ""
        rows.append(",".join(["Cleared", f"{t.day:%m/%d/%Y}", f'"{t.party}"', debit, credit]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "USD"


@writer("it_unicredit.csv", "UniCredit (IT)",
        "UniCredit 'Elenco movimenti' CSV Data Registrazione;Data valuta;Descrizione;"
        "Importo (EUR); (dd.mm.yyyy, 1.202,00, trailing ';'; public UniCredit parsers)")
def unicredit() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(16, 23, date(2026, 2, 2), "it", big=True)
    rows = ["Data Registrazione;Data valuta;Descrizione;Importo (EUR);"]
    for t in reversed(txns):
        d = f"{t.day:%d.%m.%Y}"
        kind = "BONIFICO A VOSTRO FAVORE" if t.amount > 0 else "PAGAMENTO POS"
        rows.append(";".join([d, d, f"{kind}   {t.party} {t.text}", comma(t.amount, ".")])
                    + ";")
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "EUR"


def main() -> None:
    truth = {}
    for name, (bank, source, fn) in WRITERS.items():
        data, txns, currency = fn()
        (HERE / name).write_bytes(data)
        truth[name] = {"bank": bank, "source": source, "count": len(txns),
                       "net_sum": str(sum((t.amount for t in txns), Decimal("0.00"))),
                       "currency": currency}
    (HERE / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    print(f"{len(truth)} files written")


if __name__ == "__main__":
    main()
