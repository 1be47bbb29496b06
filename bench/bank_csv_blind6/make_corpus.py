"""Generate the blind6 bank CSV corpus and its truth.json.

Every file is rendered from a transaction model (a list of booked
transactions, plus rows a user would not count: pending/reserved rows and
balance lines).  The truth is computed from the model, never from the
rendered bytes: count = number of booked transactions, net_sum = sum of
their signed amounts seen from the account holder (money in positive).

All names, account numbers and amounts are fictional.
Run: python3 make_corpus.py   (writes the CSVs and truth.json next to it)
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
CENT = Decimal("0.01")


@dataclass
class Txn:
    date: dt.date
    amount: Decimal          # signed, account holder's view
    name: str                # counterparty
    text: str                # free text / reference
    kind: str = ""           # bank's own type word, filled per bank
    extra: dict = field(default_factory=dict)


def D(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT)


def make_txns(rng: random.Random, n: int, start: dt.date, days: int,
              outs: list[tuple[str, str, float, float]],
              ins: list[tuple[str, str, float, float]],
              big_in: tuple[str, str, float] | None = None,
              big_out: tuple[str, str, float] | None = None) -> list[Txn]:
    """n booked transactions in date order; a salary-like credit and a rent-like
    debit over 1000 so that thousands separators appear."""
    txns: list[Txn] = []
    if big_in:
        txns.append(Txn(start + dt.timedelta(days=rng.randint(0, 4)), D(big_in[2]),
                        big_in[0], big_in[1], "in"))
    if big_out:
        txns.append(Txn(start + dt.timedelta(days=rng.randint(1, 6)), -D(big_out[2]),
                        big_out[0], big_out[1], "out"))
    while len(txns) < n:
        day = start + dt.timedelta(days=rng.randint(0, days - 1))
        if rng.random() < 0.25:
            name, text, lo, hi = rng.choice(ins)
            amt = D(rng.uniform(lo, hi))
            txns.append(Txn(day, amt, name, text, "in"))
        else:
            name, text, lo, hi = rng.choice(outs)
            amt = D(rng.uniform(lo, hi))
            txns.append(Txn(day, -amt, name, text, "out"))
    txns.sort(key=lambda t: (t.date, t.name))
    return txns


def num(d: Decimal, dec: str = ".", thou: str = "", plus: bool = False) -> str:
    """Format a Decimal with a decimal mark and an optional thousands separator."""
    sign = "-" if d < 0 else ("+" if plus and d > 0 else "")
    whole, frac = f"{abs(d):.2f}".split(".")
    if thou:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = thou.join(groups)
    return f"{sign}{whole}{dec}{frac}"


def q(s: str, sep: str) -> str:
    """Quote a field only when it needs it (separator or quote inside)."""
    if sep in s or '"' in s or "\n" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def qa(s: str) -> str:
    """Always quote."""
    return '"' + s.replace('"', '""') + '"'


TRUTH: dict[str, dict] = {}


def record(fname: str, bank: str, source: str, txns: list[Txn], currency: str, notes: str,
           data: bytes) -> None:
    (HERE / fname).write_bytes(data)
    TRUTH[fname] = {
        "bank": bank,
        "source": source,
        "count": len(txns),
        "net_sum": f"{sum((t.amount for t in txns), Decimal(0)):.2f}",
        "currency": currency,
        "notes": notes,
    }


# --------------------------------------------------------------------------
# 1. Nordea Finland (new netbank export)
# --------------------------------------------------------------------------
def nordea_fi() -> None:
    rng = random.Random(601)
    own = "FI12 3456 7890 1234 56"
    txns = make_txns(
        rng, 16, dt.date(2026, 10, 1), 31,
        outs=[("K-Citymarket Kamppi", "Korttiosto", 8, 140),
              ("S-Market Sörnäinen", "Korttiosto", 5, 90),
              ("HSL Mobiili", "Korttiosto", 2.95, 64.7),
              ("Helen Oy", "Sähkölasku lokakuu", 40, 120),
              ("Elisa Oyj", "Laskunro 88812", 19.9, 39.9),
              ("Alko Kaisaniemi", "Korttiosto", 12, 60)],
        ins=[("Matti Virtanen", "Mökkivuokra osuus", 50, 300),
             ("Verohallinto", "Veronpalautus", 100, 600)],
        big_in=("Nordic Forest Tech Oy", "Palkka 10/2026", 3412.55),
        big_out=("Asunto Oy Vallilan Helmi", "Vastike + vuokra lokakuu", 1185.00))
    opening = D("2310.44")
    bal = opening
    for t in txns:
        bal += t.amount
        t.extra["bal"] = bal
        t.extra["ref"] = f"{rng.randint(10000, 999999)}" if "lasku" in t.text.lower() or "Vastike" in t.text else ""
    lines = ["Kirjauspäivä;Määrä;Maksaja;Maksunsaaja;Nimi;Otsikko;Viitenumero;Saldo;Valuutta"]
    # reservations (pending card holds) are listed first, without a date and without a balance
    pend = [(D("-23.80"), "R-kioski Rautatientori", "Korttiosto"),
            (D("-61.35"), "Prisma Itis", "Korttiosto")]
    for amt, name, title in pend:
        lines.append(f"Varaus;{num(amt, ',')};{own};;{name};{title};;;EUR")
    for t in reversed(txns):  # newest first
        payer, payee = (own, "") if t.amount < 0 else ("FI98 7654 3210 9876 54", own)
        lines.append(";".join([
            t.date.strftime("%Y/%m/%d"), num(t.amount, ","), payer, payee, t.name, t.text,
            t.extra["ref"], num(t.extra["bal"], ","), "EUR"]))
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    record("fi_nordea.csv", "Nordea (FI), Netbank tilitapahtumat",
           "Nordea Finland netbank transaction CSV as described by a public hledger rules file "
           "for Nordea (skip 1; separator ';'; fields date_or_status, amount, from, to, name, "
           "note, code, balance, currency; newest-first; decimal-mark ','; date-format "
           "%Y/%m/%d; pending rows carry 'Varaus' in the date column) and a public C# "
           "NordeaMapper header 'Kirjauspäivä;Määrä;Maksaja;Maksunsaaja;Nimi;Otsikko;"
           "Viitenumero' (vergiFinance); Saldo/Valuutta column names, UTF-8 BOM and CRLF from memory",
           txns, "EUR",
           "2 'Varaus' (reserved, pending) rows excluded; Saldo is a running balance", data)


# --------------------------------------------------------------------------
# 2. Swedbank Sweden
# --------------------------------------------------------------------------
def swedbank_se() -> None:
    rng = random.Random(602)
    txns = make_txns(
        rng, 18, dt.date(2026, 10, 1), 31,
        outs=[("ICA Nara Sodermalm", "ICA NARA SODERMALM", 25, 480),
              ("Systembolaget", "SYSTEMBOLAGET STHLM", 89, 420),
              ("SL", "SL ACCESS", 39, 970),
              ("Swish", "Swish betalning", 50, 600),
              ("Telia", "TELIA SVERIGE AB", 199, 449),
              ("Pressbyrån", "PRESSBYRÅN T-CENTRALEN", 19, 75)],
        ins=[("Swish", "Swish inbetalning", 100, 900),
             ("Överföring", "Överföring från sparkonto", 500, 2500)],
        big_in=("Lön", "LÖN NORRSKEN DATA AB", 31250.00),
        big_out=("Hyra", "HYRA BOSTADS AB, LGH 1204", 9850.00))
    for t in txns:
        t.extra["tday"] = t.date - dt.timedelta(days=rng.choice([0, 0, 1, 2]))
    opening = D("14520.18")
    bal = opening
    for t in txns:
        bal += t.amount
        t.extra["bal"] = bal
    lines = ["* Transaktioner Period 2026-10-01-2026-10-31 Skapad 2026-11-02 09:14 CET",
             "Radnummer,Clearingnummer,Kontonummer,Produkt,Valuta,Bokföringsdag,"
             "Transaktionsdag,Valutadag,Referens,Beskrivning,Belopp,Bokfört saldo"]
    for i, t in enumerate(reversed(txns), start=1):
        lines.append(",".join([
            str(i), "84525", "9123456789", "Privatkonto", "SEK", t.date.isoformat(),
            t.extra["tday"].isoformat(), t.date.isoformat(), q(t.name, ","), q(t.text, ","),
            num(t.amount, "."), num(t.extra["bal"], ".")]))
    data = ("\r\n".join(lines) + "\r\n").encode("iso-8859-15")
    record("se_swedbank.csv", "Swedbank (SE), Privatkonto",
           "Swedbank internetbank 'Exportera till Excel' CSV as read by the public beancount "
           "Swedbank importer (vonshednob beancount-swedbank-importer, CSVImporter: encoding "
           "iso-8859-15; first line '* Transaktioner Period <from>.<to> Skapad <date> <time> CET'; "
           "then ',' header Radnummer, Clearingnummer, Kontonummer, Produkt, Valuta, "
           "Bokföringsdag, Transaktionsdag, Valutadag, Referens, Beskrivning, Belopp, "
           "Bokfört saldo; Belopp read as a dot decimal) and pownas/Privatekonomi "
           "CSV_IMPORT_GUIDE.md (example rows with '-39.00', newest first)",
           txns, "SEK", "first line is a title line; 'Bokfört saldo' is a running balance",
           data)


# --------------------------------------------------------------------------
# 3. mBank Poland
# --------------------------------------------------------------------------
def mbank_pl() -> None:
    rng = random.Random(603)
    txns = make_txns(
        rng, 20, dt.date(2026, 10, 1), 31,
        outs=[("ŻABKA Z1748 K.1", "ZAKUP PRZY UŻYCIU KARTY", 6, 80),
              ("BIEDRONKA 3311", "ZAKUP PRZY UŻYCIU KARTY", 20, 260),
              ("ORLEN STACJA NR 412", "ZAKUP PRZY UŻYCIU KARTY", 90, 320),
              ("PGNIG OBROT DETALICZNY", "PRZELEW ZEWNĘTRZNY WYCHODZĄCY", 80, 240),
              ("JAKDOJADE.PL", "BLIK ZAKUP E-COMMERCE", 3.4, 19.8),
              ("ALLEGRO.PL", "BLIK ZAKUP E-COMMERCE", 25, 450)],
        ins=[("TOMASZ KOWALCZYK", "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY", 40, 400),
             ("URZĄD SKARBOWY", "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY", 150, 900)],
        big_in=("WISŁA SOFTWARE SP. Z O.O.", "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY", 8940.27),
        big_out=("SPÓŁDZIELNIA MIESZKANIOWA", "PRZELEW ZEWNĘTRZNY WYCHODZĄCY", 1320.40))
    opening = D("4512.09")
    bal = opening
    for t in txns:
        bal += t.amount
        t.extra["bal"] = bal
    credits = [t for t in txns if t.amount > 0]
    debits = [t for t in txns if t.amount < 0]
    sp = " "
    p = [
        "mBank S.A. Bankowość Detaliczna;", "Skrytka Pocztowa 2108;", "90-959 Łódź 2;",
        "www.mBank.pl;", "mLinia: 801 300 800;", "+48 (42) 6 300 800;", ";",
        "#Klient;", "ANNA NOWAK-WIŚNIEWSKA;", ";",
        "Elektroniczne zestawienie operacji;", "#Za okres:;01.10.2026;31.10.2026;", ";",
        "#zgodnie z wybranymi filtrami wyszukiwania;", "#dla rachunków:;",
        "eKonto osobiste - 12114020040000300201355387;", "#dla operacji:;", "Wszystkie;",
        "#dla kategorii:;", "Wszystkie;", ";",
        "#Lista nie jest dokumentem w rozumieniu art. 7 Ustawy Prawo Bankowe "
        "(Dz. U. Nr 140 z 1997 roku, poz. 939 z późniejszymi zmianami).;", ";",
        "#Rodzaj rachunku;", "eKonto osobiste;", ";", "#Waluta;", "PLN;", ";",
        "#Numer rachunku;", "12 1140 2004 0000 3002 0135 5387;", ";",
        f"#Saldo początkowe;{num(opening, ',', sp)} PLN;", ";",
        "#Podsumowanie obrotów na rachunkach;#Liczba operacji;#Wartość operacji;",
        f"Uznania;{len(credits)};{num(sum((t.amount for t in credits), Decimal(0)), ',', sp)};",
        f"Obciążenia;{len(debits)};{num(sum((t.amount for t in debits), Decimal(0)), ',', sp)};",
        f"Razem;{len(txns)};{num(sum((t.amount for t in txns), Decimal(0)), ',', sp)};",
    ]
    assert len(p) == 38
    lines = p + ["#Data księgowania;#Data operacji;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;"
                 "#Numer konta;#Kwota;#Saldo po operacji;"]
    for t in reversed(txns):  # newest first
        opdate = t.date - dt.timedelta(days=rng.choice([0, 1, 1, 2]))
        if t.text.startswith("ZAKUP"):
            title = f'"{t.name}    /WARSZAWA    DATA TRANSAKCJI: {opdate.isoformat()}"'
            who, acct = '"  "', "''"
        elif t.text.startswith("BLIK"):
            title = f'"{t.name} REF {rng.randint(10**9, 10**10 - 1)}"'
            who, acct = '"  "', "''"
        else:
            title = ('"CZYNSZ; LOKAL 12, PAŹDZIERNIK 2026"' if t.amount < 0 else
                     '"WYNAGRODZENIE / ZWROT 10/2026"')
            who = f'"{t.name}  UL. DŁUGA 5 00-001 WARSZAWA"'
            acct = f"'{rng.randint(10**25, 10**26 - 1)}'"
        lines.append(";".join([t.date.isoformat(), opdate.isoformat(), t.text, title, who, acct,
                               num(t.amount, ",", sp), num(t.extra["bal"], ",", sp)]) + ";")
    lines += [";", f";;;;;;#Saldo końcowe;{num(bal, ',', sp)};"]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1250")
    record("pl_mbank.csv", "mBank (PL), eKonto osobiste",
           "mBank 'Elektroniczne zestawienie operacji' CSV as read by a public Python "
           "MBankCSVParser (windows-1250, ';', '#Klient' / '#Za okres:;d;d' / '#Rodzaj rachunku' / "
           "'#Waluta' / '#Numer rachunku' key lines followed by value lines, '#Saldo początkowe;', "
           "'#Podsumowanie obrotów' with Uznania/Obciążenia/Razem count+amount lines, "
           "transaction header on line 39, columns booking date, operation date, type, title "
           "('... DATA TRANSAKCJI: yyyy-mm-dd'), sender/recipient, account in quotes \"'...'\", "
           "amount, balance after; decimal comma, space thousands; footer lines) and the "
           "ofxstatement mBank PL plugin (cp1250, amount column 6); '#Saldo końcowe' footer "
           "from memory",
           txns, "PLN",
           "38 preamble lines incl. opening balance and a turnover summary; '#Saldo końcowe' "
           "footer and 'Saldo po operacji' are balances; one title contains ';' inside quotes",
           data)


# --------------------------------------------------------------------------
# 4. Fio banka (CZ)
# --------------------------------------------------------------------------
def fio_cz() -> None:
    rng = random.Random(604)
    txns = make_txns(
        rng, 15, dt.date(2026, 10, 1), 31,
        outs=[("Albert Hypermarket", "Nákup: ALBERT 0712, PRAHA", 80, 1400),
              ("Rohlik.cz", "Nákup: ROHLIK.CZ, PRAHA", 300, 2100),
              ("Pražská energetika", "Platba elektřina", 900, 1900),
              ("Lékárna Dr.Max", "Nákup: DR.MAX 221, BRNO", 60, 600),
              ("T-Mobile Czech Republic", "Trvalý příkaz", 499, 899)],
        ins=[("Petra Svobodová", "Vrácení za lístky", 200, 1500),
             ("Jan Dvořák", "Nájem garáž", 1200, 1800)],
        big_in=("Vltava Analytics s.r.o.", "Mzda 10/2026", 48750.00),
        big_out=("SVJ Vinohradská 112", "Nájem + služby", 16900.00))
    opening = D("23411.70")
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    base = 26410000000 + rng.randint(0, 99999)
    card_types = {"Albert Hypermarket", "Rohlik.cz", "Lékárna Dr.Max"}
    lines = [
        "accountId;2801234567", "bankId;2010", "currency;CZK",
        "iban;CZ6520100000002801234567", "bic;FIOBCZPPXXX",
        f"openingBalance;{num(opening, ',')}", f"closingBalance;{num(closing, ',')}",
        "dateStart;01.10.2026", "dateEnd;31.10.2026",
        f"idFrom;{base}", f"idTo;{base + 3 * len(txns)}", "",
        "ID pohybu;Datum;Objem;Měna;Protiúčet;Název protiúčtu;Kód banky;Název banky;KS;VS;SS;"
        "Uživatelská identifikace;Zpráva pro příjemce;Typ;Provedl;Upřesnění;Komentář;BIC;"
        "ID pokynu;",
    ]
    for i, t in enumerate(txns):
        card = t.name in card_types
        if card:
            typ, acct, bank, bname = "Platba kartou", "", "", ""
            msg = ""
            who = "Novák, Karel"
        elif t.amount > 0:
            typ = "Bezhotovostní příjem"
            acct, bank, bname = f"{rng.randint(10**8, 10**10)}", "0800", "Česká spořitelna, a.s."
            msg = t.text
            who = ""
        else:
            typ = "Bezhotovostní platba" if "Trvalý" not in t.text else "Platba převodem uvnitř banky"
            acct, bank = f"{rng.randint(10**8, 10**10)}", "2010" if "Trvalý" in t.text else "0300"
            bname = "Fio banka, a.s." if bank == "2010" else "Československá obchodní banka, a.s."
            msg = t.text if "Nájem" not in t.text else "Nájem; služby 10/2026"
            who = "Novák, Karel"
        vs = f"{rng.randint(1000, 99999999)}" if not card and rng.random() < 0.7 else ""
        comment = t.text if card else ""
        row = [str(base + 3 * i), t.date.strftime("%d.%m.%Y"), num(t.amount, ","), "CZK",
               acct, t.name if not card else "", bank, bname, "0308" if vs else "", vs, "",
               t.text if not card else t.text, msg, typ, who, "", comment, "", str(base + 3 * i + 1)]
        lines.append(";".join(q(x, ";") for x in row) + ";")
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    record("cz_fio.csv", "Fio banka (CZ), běžný účet",
           "Fio banka transaction list CSV: column header exactly as in the public Rust fiocz "
           "crate's CSV_HEADER_TRANSACTIONS ('ID pohybu;Datum;Objem;Měna;Protiúčet;Název "
           "protiúčtu;Kód banky;Název banky;KS;VS;SS;Uživatelská identifikace;Zpráva pro "
           "příjemce;Typ;Provedl;Upřesnění;Komentář;BIC;ID pokynu;' with trailing ';', Objem "
           "decimal comma, dd.mm.yyyy, Typ 'Platba kartou'); the key;value info preamble "
           "(accountId, bankId, currency, iban, bic, openingBalance, closingBalance, dateStart, "
           "dateEnd, idFrom, idTo) follows the field names of the public FioBankApiClient Info "
           "model, its CSV layout from memory; UTF-8, oldest first",
           txns, "CZK",
           "11 info lines (openingBalance/closingBalance are balances) and a blank line before "
           "the header; one message contains ';' inside quotes",
           data)


# --------------------------------------------------------------------------
# 5. Belfius (BE)
# --------------------------------------------------------------------------
def belfius_be() -> None:
    rng = random.Random(605)
    txns = make_txns(
        rng, 17, dt.date(2026, 10, 1), 31,
        outs=[("DELHAIZE GENT ZUID", "Betaling Bancontact", 9, 160),
              ("COLRUYT LEDEBERG", "Betaling Bancontact", 14, 210),
              ("NMBS/SNCB", "Betaling via Belfius Mobile", 3, 89),
              ("ENGIE ELECTRABEL", "Europese domiciliëring", 70, 190),
              ("PROXIMUS", "Europese domiciliëring", 35, 80),
              ("APOTHEEK DE LINDE", "Betaling Maestro", 6, 48)],
        ins=[("VAN DAMME PIETER", "Overschrijving", 25, 350),
             ("MUTUALITEIT CM", "Overschrijving", 12, 140)],
        big_in=("SCHELDE LOGISTICS NV", "Overschrijving", 3126.48),
        big_out=("IMMO VERHAEGHE BV", "Doorlopende opdracht", 1050.00))
    own = "BE68 0630 1234 5678"
    opening = D("1875.36")
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    lines = [
        "Boekingsdatum vanaf;01/10/2026", "Boekingsdatum tot en met;31/10/2026",
        "Bedrag vanaf;", "Bedrag tot en met;", "Rekeningnummer;" + own,
        "Mededeling bevat;", "Naam tegenpartij bevat;", "Rekening tegenpartij;",
        f"Laatste saldo;{num(closing, ',', '.')} EUR",
        "Datum/uur van het laatste saldo;31/10/2026 23:59:59",
        "Sorteer op;Boekingsdatum aflopend",
        ";;;;;;;;;;;;;;",
        "Rekening;Boekingsdatum;Afschriftnummer;Transactienummer;Rekening tegenpartij;"
        "Naam tegenpartij bevat;Straat en nummer;Postcode en plaats;Transactie;Valutadatum;"
        "Bedrag;Devies;BIC;Landcode;Mededelingen",
    ]
    for i, t in enumerate(reversed(txns)):
        seq = len(txns) - i
        card = t.text.startswith("Betaling")
        cp = "" if card else f"BE{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        street = "" if card else rng.choice(["Kouter 12", "Veldstraat 3", "Brusselsesteenweg 401"])
        city = "" if card else rng.choice(["9000 Gent", "1000 Brussel", "2000 Antwerpen"])
        desc = (f"{t.text} {t.name} {t.date.strftime('%d/%m')} {rng.randint(10, 23)}:{rng.randint(10, 59)} "
                f"met KAART 6703 12XX XXXX 1 234 2" if card else f"{t.text} {t.name}")
        comm = "" if card else (f"+++{rng.randint(100, 999)}/{rng.randint(1000, 9999)}/{rng.randint(10000, 99999)}+++"
                                if t.amount < 0 else "Terugbetaling; ref. 2026/10")
        row = [own, t.date.strftime("%d/%m/%Y"), "00010", f"{seq:05d}" if not card else "",
               cp, t.name if not card else "", street, city, desc,
               t.date.strftime("%d/%m/%Y"), num(t.amount, ",", "."), "EUR",
               "" if card else rng.choice(["GKCCBEBB", "GEBABEBB", "KREDBEBB"]),
               "" if card else "BE", comm]
        lines.append(";".join(q(x, ";") for x in row))
    data = ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")
    record("be_belfius.csv", "Belfius (BE), zichtrekening",
           "Belfius Direct Net CSV as read by renardeau/ofxstatement-be-belfius "
           "src/ofxstatement/plugins/belfius.py (ISO-8859-1, ';', a query header ended by a "
           "line starting with ';', then the column line Rekening;Boekingsdatum;Afschriftnummer;"
           "Transactienummer;Rekening tegenpartij;Naam tegenpartij bevat;Straat en nummer;"
           "Postcode en plaats;Transactie;Valutadatum;Bedrag;Devies;BIC;Landcode;Mededelingen, "
           "dd/mm/yyyy, amount '1.234,56') and a public Python Belfius CSVImporter (15 columns, "
           "13 header lines skipped, structured '+++...+++' communications); preamble wording "
           "from memory",
           txns, "EUR",
           "12 preamble lines incl. 'Laatste saldo' (a balance); newest first; card rows have "
           "no counterparty account",
           data)


# --------------------------------------------------------------------------
# 6. Boursorama / BoursoBank (FR)
# --------------------------------------------------------------------------
def boursorama_fr() -> None:
    rng = random.Random(606)
    txns = make_txns(
        rng, 22, dt.date(2026, 10, 1), 31,
        outs=[("Monoprix", "CARTE {d} MONOPRIX PARIS 11 CB*4417", 6, 95),
              ("Amazon", "CARTE {d} AMZN Mktp FR*2K7 CB*4417", 8, 140),
              ("SNCF", "CARTE {d} SNCF CONNECT CB*4417", 19, 180),
              ("Free Mobile", "PRLV SEPA FREE MOBILE", 15.99, 19.99),
              ("EDF", "PRLV SEPA EDF clients particuliers", 45, 130),
              ("Boulangerie", "CARTE {d} BOULANGERIE DU MARCHE CB*4417", 2.1, 14)],
        ins=[("Lydia", "VIR SEPA LYDIA SOLUTIONS", 10, 120),
             ("CPAM", "VIR SEPA CPAM PARIS REMBT", 15, 90)],
        big_in=("Employeur", "VIR SEPA ATELIERS DU CANAL SALAIRE OCT", 2894.62),
        big_out=("Loyer", "VIR SEPA Loyer M. Lefebvre", 1240.00))
    cats = {"out": [("Alimentation", "Vie quotidienne"), ("Transports", "Auto & Transports"),
                    ("Factures", "Logement"), ("Shopping", "Achats")],
            "in": [("Virements reçus", "Virements reçus"), ("Remboursements", "Santé")]}
    opening = D("1523.17")
    bal = opening
    for t in txns:
        bal += t.amount
        t.extra["bal"] = bal
    lines = ["dateOp;dateVal;label;category;categoryParent;supplierFound;amount;comment;"
             "accountNum;accountLabel;accountbalance"]
    for t in reversed(txns):  # newest first
        label = t.text.replace("{d}", t.date.strftime("%d/%m/%y"))
        cat, parent = rng.choice(cats[t.kind])
        if "Loyer" in t.text:
            cat, parent = "Loyer", "Logement"
        lines.append(";".join([
            t.date.isoformat(), (t.date + dt.timedelta(days=rng.choice([0, 0, 1]))).isoformat(),
            qa(label), qa(cat), qa(parent), qa(t.name.lower()), num(t.amount, ",", " "), "",
            "00040612345", qa("BoursoBank"), num(t.extra["bal"], ".")]))
    data = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    record("fr_boursorama.csv", "BoursoBank / Boursorama Banque (FR), compte courant",
           "BoursoBank 'export-operations-<date>.csv' as in azerpas/bourso-api "
           "src/bourso_api/src/client/transaction.rs (test TRANSACTIONS_CSV: header dateOp;dateVal;"
           "label;category;categoryParent;supplierFound;amount;comment;accountNum;accountLabel;"
           "accountbalance, ISO dates, quoted label/category, amount '1 718,70' / '-8,99', "
           "accountbalance with a dot, a balance after the row) and a public TypeScript BoursoramaParser (UTF-8 with BOM, ';')",
           txns, "EUR",
           "accountbalance is the balance after each row (dot decimal, no thousands separator), "
           "not a transaction; newest first", data)


# --------------------------------------------------------------------------
# 7. Danske Bank Norway
# --------------------------------------------------------------------------
def danske_no() -> None:
    rng = random.Random(607)
    txns = make_txns(
        rng, 15, dt.date(2026, 10, 1), 31,
        outs=[("REMA 1000 GRUNERLOKKA", "Dagligvarer", 35, 900),
              ("KIWI 312 TORSHOV", "Dagligvarer", 20, 650),
              ("RUTER AS", "Transport", 42, 890),
              ("VINMONOPOLET", "Mat og drikke", 150, 700),
              ("TELENOR NORGE AS", "Bolig og strøm", 299, 599),
              ("FJORDKRAFT AS", "Bolig og strøm", 400, 1400)],
        ins=[("Vipps *Ola Nordmann", "Overføringer", 100, 900)],
        big_in=("Lønn NORDLYS AS", "Lønn", 38210.00),
        big_out=("Husleie Vestre Torg 4", "Bolig og strøm", 12500.00))
    sub = {"Dagligvarer": "Matbutikk", "Transport": "Kollektivtransport", "Mat og drikke": "Alkohol",
           "Bolig og strøm": "Strøm og oppvarming", "Overføringer": "Vipps", "Lønn": "Lønn"}
    opening = D("8734.55")
    bal = opening
    lines = ['"Dato";"Kategori";"Underkategori";"Tekst";"Beløp";"Saldo";"Status";"Avstemt"']
    for t in txns:
        bal += t.amount
        lines.append(";".join(qa(x) for x in [
            t.date.strftime("%d.%m.%Y"), t.text, sub[t.text], t.name,
            num(t.amount, ",", "."), num(bal, ",", "."), "Utført", "Nei"]))
    # reserved card transactions at the end (not yet booked, no balance)
    for d, amt, name in [(dt.date(2026, 10, 31), D("-189.90"), "NARVESEN OSLO S"),
                         (dt.date(2026, 10, 31), D("-1249.00"), "ELKJOP STORO")]:
        lines.append(";".join(qa(x) for x in [
            d.strftime("%d.%m.%Y"), "Diverse", "Annet", name, num(amt, ",", "."), "",
            "Venter", "Nei"]))
    data = ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")
    record("no_danske.csv", "Danske Bank (NO), brukskonto",
           "Danske Bank Norway nettbank CSV as read by a public Kotlin "
           "DanskeBankCsvExportImporter (com.dehnes.accounting.bank.importers): header Dato;"
           "Kategori;Underkategori;Tekst;Beløp;Saldo;Status;Avstemt, ISO-8859-1, dd.MM.yyyy, "
           "amount with '.' thousands and ',' decimals, only Status 'Utført' rows are booked, "
           "online-banking export in ascending order; ';' separator with every field quoted and "
           "the pending status word 'Venter' from memory",
           txns, "NOK",
           "2 'Venter' (pending) rows excluded; Saldo is a running balance", data)


# --------------------------------------------------------------------------
# 8. RBC Royal Bank (CA)
# --------------------------------------------------------------------------
def rbc_ca() -> None:
    rng = random.Random(608)
    txns = make_txns(
        rng, 20, dt.date(2026, 10, 1), 31,
        outs=[("TIM HORTONS #2451", "", 2.1, 18),
              ("LOBLAWS 1042", "", 25, 240),
              ("PRESTO AUTL", "", 10, 150),
              ("ROGERS ******1234", "BILL PAYMENT", 60, 140),
              ("Interac purchase - 4417 SHOPPERS DRUG M", "", 6, 85),
              ("e-Transfer sent", "M. TREMBLAY", 20, 300)],
        ins=[("e-Transfer received", "J. GAGNON", 20, 400),
             ("GST CANADA", "FEDERAL PAYMENT", 80, 120)],
        big_in=("Payroll Deposit", "MAPLE LEAF ROBOTICS", 3618.44),
        big_out=("Cheque - 112", "", 1600.00))
    lines = ['"Account Type","Account Number","Transaction Date","Cheque Number",'
             '"Description 1","Description 2","CAD$","USD$"']
    for t in txns:
        cheque = "112" if t.name.startswith("Cheque") else ""
        d = f"{t.date.month}/{t.date.day}/{t.date.year}"
        lines.append(",".join(["Chequing", "06702-5012345", d, cheque, qa(t.name), qa(t.text),
                               num(t.amount, "."), ""]))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    record("ca_rbc.csv", "RBC Royal Bank (CA), chequing",
           "RBC online banking 'Download Transactions' CSV as read by Nef10 SwiftBeanCount "
           "RBCImporter.swift (header Account Type, Account Number, Transaction Date, Cheque "
           "Number, Description 1, Description 2, CAD$, USD$; date format M/d/yyyy; amount in "
           "CAD$) and a public Python RBCBusinessParser with the same columns; quoting of the "
           "header and descriptions from memory",
           txns, "CAD",
           "single signed CAD$ column (withdrawals negative); USD$ empty; no balance column", data)


# --------------------------------------------------------------------------
# 9. Ally Bank (US)
# --------------------------------------------------------------------------
def ally_us() -> None:
    rng = random.Random(609)
    txns = make_txns(
        rng, 18, dt.date(2026, 10, 1), 31,
        outs=[("TRADER JOE'S #552", "", 12, 160),
              ("SHELL OIL 5744", "", 25, 70),
              ("NETFLIX.COM", "", 15.49, 22.99),
              ("VENMO PAYMENT", "", 15, 120),
              ("COMCAST CABLE COMM", "", 70, 110),
              ("ATM Withdrawal", "", 40, 200)],
        ins=[("Interest Paid", "", 1, 9),
             ("Internet transfer from Online Savings account XXXXXX4417", "", 200, 900)],
        big_in=("ACH Deposit BLUE RIDGE MEDIC PAYROLL", "", 2977.13),
        big_out=("ACH Withdrawal WELLS FARGO HOME MTG", "", 1894.20))
    lines = ["Date, Time, Amount, Type, Description"]
    for t in reversed(txns):  # newest first
        tm = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        typ = "Deposit" if t.amount > 0 else "Withdrawal"
        lines.append(", ".join([t.date.isoformat(), tm, num(t.amount, "."), typ, t.name]))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    record("us_ally.csv", "Ally Bank (US), Interest Checking",
           "Ally Bank online 'Export' CSV as read by public Ally importers (a Python "
           "AllyParser with FirstLineFits == 'Date, Time, Amount, Type, Description' and fields "
           "' Amount', ' Description', ' Type' with a leading space, DATE_FORMAT %Y-%m-%d; a "
           "beancount Ally importer with row fields Date, Time, Amount, Type, Description; "
           "notes in another project: Type is Deposit/Withdrawal, Amount negative = withdrawal)",
           txns, "USD",
           "', ' separator (values carry a leading space); Time column; newest first", data)


# --------------------------------------------------------------------------
# 10. TD Canada Trust (CA)
# --------------------------------------------------------------------------
def td_ca() -> None:
    rng = random.Random(610)
    txns = make_txns(
        rng, 16, dt.date(2026, 10, 1), 31,
        outs=[("METRO #812", "", 15, 180),
              ("PETRO-CANADA 04412", "", 35, 95),
              ("SEND E-TFR ***7Qe", "", 20, 250),
              ("HYDRO ONE BPY", "", 90, 210),
              ("MONTHLY ACCOUNT FEE", "", 16.95, 16.95),
              ("TTC PRESTO", "", 10, 60)],
        ins=[("E-TRANSFER ***kP2", "", 30, 350),
             ("CANADA GST", "", 80, 120)],
        big_in=("NORTHERN LIGHTS INC PAY", "", 2745.10),
        big_out=("RENT BPY TORONTO HSG", "", 1725.00))
    opening = D("2104.66")
    bal = opening
    lines = []
    for t in txns:
        bal += t.amount
        wd = num(-t.amount, ".") if t.amount < 0 else ""
        dep = num(t.amount, ".") if t.amount > 0 else ""
        lines.append(",".join([t.date.strftime("%m/%d/%Y"), t.name, wd, dep, num(bal, ".")]))
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    record("ca_td.csv", "TD Canada Trust (CA), chequing",
           "TD EasyWeb chequing 'Download' CSV as read by the public beansoup TD Canada Trust "
           "importer (fxtlabs, csv dialect 'tdcanadatrust': ',' QUOTE_MINIMAL, rows of date, "
           "description, amount, balance; no way to tell the account from the file) plus memory "
           "of the layout: NO header row, MM/DD/YYYY, separate unsigned withdrawal and deposit "
           "columns, running balance last",
           txns, "CAD",
           "no header; column 3 is money out, column 4 money in, column 5 the running balance",
           data)


def main() -> None:
    for fn in (nordea_fi, swedbank_se, mbank_pl, fio_cz, belfius_be, boursorama_fr,
               danske_no, rbc_ca, ally_us, td_ca):
        fn()
    (HERE / "truth.json").write_text(json.dumps(TRUTH, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    for name, t in TRUTH.items():
        print(f"{name:18} {t['count']:3} {t['net_sum']:>11} {t['currency']}")


if __name__ == "__main__":
    main()
