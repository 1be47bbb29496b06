"""Writes the third blind corpus of bank CSV exports (invented transactions).

Each writer builds its transactions as Decimals, formats them the way the bank
does and records the expected booked count / net (money in positive) in
EXPECTED. make_truth.py re-reads the written files independently and writes
truth.json only when both agree.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED: dict[str, dict] = {}


def days(start: date, n: int, rng: random.Random) -> list[date]:
    out, d = [], start
    for _ in range(n):
        d += timedelta(days=rng.choice([0, 1, 1, 2, 3]))
        out.append(d)
    return out


def de_num(x: D, thousands: str = ".", plus: bool = False) -> str:
    """1234.5 -> '1.234,50' (sign kept)."""
    sign = "-" if x < 0 else ("+" if plus else "")
    q = f"{abs(x):,.2f}"  # 1,234.50
    q = q.replace(",", "\x00").replace(".", ",").replace("\x00", thousands)
    return sign + q


def record(name, bank, booked, currency, pending=0, notes=""):
    EXPECTED[name] = {"bank": bank, "count": len(booked),
                      "net_sum": str(sum(booked, D("0.00"))), "currency": currency,
                      "pending_rows_not_counted": pending, "notes": notes}


# 1. Raiffeisen Austria, ELBA-internet "Umsätze" CSV: no header -------------
def at_raiffeisen():
    rng = random.Random(31)
    items = [
        ("Gutschrift  Auftraggeber:  Hofer Logistik GmbH  Verwendungszweck:  Gehalt 11/2026", D("2850.00")),
        ("Bezahlung Karte                              MC/000004711 BILLA DANKT  1230 WIEN", D("-47.83")),
        ("ELBA-INTERNET VOM 03.11 UM 19:02  Empfänger:  Hausverwaltung Gruber KG  Verwendungszweck:  Miete Top 7; November", D("-890.00")),
        ("Lastschrift  Auftraggeber:  Wien Energie GmbH  Kundendaten:  000301245 887612  Verwendungszweck:  Teilbetrag Strom/Gas", D("-96.00")),
        ("Bezahlung Karte                              MC/000004712 SPAR DANKT 5678 GRAZ", D("-23.40")),
        ("Gutschrift  Auftraggeber:  Kowalski Consulting e.U.  Verwendungszweck:  RE 2026-114; Kd 5531", D("1240.50")),
        ("Auszahlung Maestro                           MC/000004713 BANKOMAT 01234567 K1 06.11.UM 11.20", D("-200.00")),
        ("Lastschrift  Auftraggeber:  A1 Telekom Austria AG  Verwendungszweck:  Rechnung 7712345678", D("-39.90")),
        ("Bezahlung Karte                              MC/000004714 OMV 3141 LINZ", D("-68.12")),
        ("Gutschrift  Auftraggeber:  Steiner Anna  Verwendungszweck:  Anteil Urlaub Kaprun", D("150.00")),
        ("Lastschrift  Auftraggeber:  UNIQA Österreich Versicherungen AG  Verwendungszweck:  Polizze 4410-22", D("-57.35")),
        ("Bezahlung Karte                              MC/000004715 MERKUR MARKT 1100 WIEN", D("-112.64")),
        ("ELBA-INTERNET VOM 14.11 UM 08:41  Empfänger:  Finanzamt Österreich  Verwendungszweck:  ESt-Vorauszahlung Q4", D("-1210.00")),
        ("Gutschrift  Auftraggeber:  Sozialversicherung der Selbständigen  Verwendungszweck:  Rückerstattung", D("84.20")),
        ("Bezahlung Karte                              MC/000004716 ÖBB PERSONENVERKEHR", D("-59.80")),
        ("Lastschrift  Auftraggeber:  Netflix International B.V.  Verwendungszweck:  Abo", D("-13.99")),
        ("Bezahlung Karte                              MC/000004717 DM DROGERIE MARKT 1070", D("-18.45")),
        ("Gutschrift  Auftraggeber:  Huber & Partner OG  Verwendungszweck:  RE 2026-119", D("2316.00")),
        ("Bezahlung Karte                              MC/000004718 INTERSPAR 4020 LINZ", D("-94.27")),
        ("Entgelt Kontoführung", D("-6.65")),
        ("Kapitalertragsteuer", D("-0.15")),
        ("0,125 % p.a. Habenzinsen", D("0.58")),
    ]
    ds = days(date(2026, 10, 31), len(items), rng)
    lines = []
    for i, ((text, amt), d) in enumerate(zip(items, ds)):
        val = d + timedelta(days=rng.choice([0, 0, 1]))
        ts = f"{d:%d.%m.%Y} {rng.randint(0,23):02d}:{rng.randint(0,59):02d}:{rng.randint(0,59):02d}:{rng.randint(0,999):03d}"
        lines.append(f'{d:%d.%m.%Y};"{text}";{val:%d.%m.%Y};{de_num(amt)};EUR;{ts};')
    (HERE / "at_raiffeisen_elba.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    record("at_raiffeisen_elba.csv", "Raiffeisen ELBA (AT)", [a for _, a in items], "EUR")


# 2. Raiffeisenbank a.s. (CZ) ---------------------------------------------
def cz_raiffeisenbank():
    rng = random.Random(32)
    hdr = ["Datum provedení", "Datum zaúčtování", "Číslo účtu", "Název účtu", "Kategorie transakce",
           "Číslo protiúčtu", "Název protiúčtu", "Typ transakce", "Zpráva", "Poznámka", "VS", "KS", "SS",
           "Zaúčtovaná částka", "Měna účtu", "Původní částka a měna", "Původní částka a měna",
           "Poplatek", "Id transakce"]
    own, own_name = "1234567002/5500", "Novák Jiří"
    # (category, cp acct, cp name, type, message, note, vs, amount, orig(amount,ccy) or None)
    rows = [
        ("Příjem", "2345678901/0800", "Stavby Dvořák s.r.o.", "Příchozí platba", "Faktura 2026117", "", "2026117", D("48400.00"), None),
        ("Bydlení", "19-2000145399/0800", "SVJ Korunní 12", "Trvalá platba", "Zálohy 11/2026", "Zálohy SVJ", "1207", D("-4650.00"), None),
        ("Jídlo", "", "Rohlík.cz", "Platba kartou", "DEKUJEME, ROHLIK.CZ; Praha - Karlin; CZE", "DEKUJEME, ROHLIK.CZ; Praha - Karlin; CZE", "", D("-1258.11"), None),
        ("Cestování", "", "Booking.com", "Platba kartou", "BOOKING.COM HOTEL; Amsterdam; NLD", "Hotel Wien", "", D("-2431.60"), (D("-97.00"), "EUR")),
        ("Energie", "35-4120980247/0100", "ČEZ Prodej, a.s.", "Inkaso", "Záloha elektřina", "", "8801234567", D("-1890.00"), None),
        ("Příjem", "670100-2209876543/6210", "Horáková Petra", "Příchozí platba", "Vrácení za lístky", "", "", D("1200.00"), None),
        ("Jídlo", "", "Albert 0612", "Platba kartou", "ALBERT 0612; Brno; CZE", "ALBERT 0612; Brno; CZE", "", D("-684.30"), None),
        ("Telekomunikace", "2000380016/2010", "T-Mobile Czech Republic a.s.", "Inkaso", "Vyúčtování 11/2026", "", "3327781", D("-799.00"), None),
        ("Ostatní", "", "", "Výběr z bankomatu", "ATM KB Náměstí Svobody; Brno", "", "", D("-3000.00"), None),
        ("Příjem", "2345678901/0800", "Stavby Dvořák s.r.o.", "Příchozí platba", "Faktura 2026121", "", "2026121", D("12705.00"), None),
        ("Doprava", "", "Shell 4521", "Platba kartou", "SHELL 4521; Jihlava; CZE", "", "", D("-1732.45"), None),
        ("Pojištění", "2102445566/2700", "Kooperativa pojišťovna, a.s.", "Trvalá platba", "Pojistné 8840012", "", "8840012", D("-1120.00"), None),
        ("Zábava", "", "Spotify", "Platba kartou", "Spotify P2F8A1C; Stockholm; SWE", "", "", D("-169.00"), None),
        ("Daně", "3711-7627021/0710", "Finanční úřad pro Jihomoravský kraj", "Platba", "Záloha DPH", "", "6901234567", D("-8250.00"), None),
        ("Jídlo", "", "Lidl Česká republika", "Platba kartou", "LIDL DEKUJE ZA NAKUP; Brno; CZE", "", "", D("-945.20"), None),
        ("Příjem", "1002003004/5500", "Novák Jiří", "Převod mezi účty", "Ze spořicího účtu", "", "", D("10000.00"), None),
        ("Bydlení", "", "IKEA Brno", "Platba kartou", "IKEA BRNO; Brno; CZE", "", "", D("-3568.00"), None),
        ("Poplatky", "", "", "Správa účtu", "Vedení účtu", "", "", D("-99.00"), None),
        ("Úroky", "", "", "Kladný úrok", "Úrok", "", "", D("12.47"), None),
        ("Daně", "", "", "Srážka daně", "Daň z úroků", "", "", D("-1.87"), None),
    ]
    ds = days(date(2026, 11, 1), len(rows), rng)
    out = [";".join(f'"{h}"' for h in hdr)]
    for (cat, acct, name, typ, msg, note, vs, amt, orig), d in zip(rows, ds):
        post = d + timedelta(days=rng.choice([0, 1]))
        ks = "0308" if typ in ("Příchozí platba", "Platba", "Trvalá platba") else ""
        fields = [f"{d:%d.%m.%Y}", f"{post:%d.%m.%Y} {rng.randint(6,22):02d}:{rng.randint(0,59):02d}", own, own_name, cat,
                  acct, name, typ, msg, note, vs, ks, "", de_num(amt, " "), "CZK",
                  de_num(orig[0], " ").replace(",00", "") if orig else "", orig[1] if orig else "", "",
                  str(4329323639 + rng.randint(1, 99999))]
        out.append(";".join(f'"{f}"' for f in fields))
    (HERE / "cz_raiffeisenbank.csv").write_bytes(("\r\n".join(out) + "\r\n").encode("cp1250"))
    record("cz_raiffeisenbank.csv", "Raiffeisenbank a.s. (CZ)", [r[7] for r in rows], "CZK",
           notes="Původní částka a měna is the card payment's original EUR amount, not a second transaction")


# 3. Nordea Finland, legacy Netbank "Tapahtumaluettelo" (tab separated) ------
def fi_nordea():
    rng = random.Random(33)
    hdr = ["Kirjauspäivä", "Arvopäivä", "Maksupäivä", "Määrä", "Saaja/Maksaja", "Tilinumero", "BIC",
           "Tapahtuma", "Viite", "Maksajan viite", "Viesti", "Kortinnumero", "Kuitti"]
    rows = [
        ("Kesko Oyj / K-Citymarket Espoo", "", "", "Korttiosto", "", "", "", "-86,43", True),
        ("Tmi Virtanen Consulting", "FI21 1234 5600 0007 85", "NDEAFIHH", "Palkka", "", "", "Lasku 2026-041", "+3150,00", False),
        ("Helen Oy", "FI55 8000 1200 0513 97", "DABAFIHH", "E-lasku", "RF712348231", "", "", "-64,20", False),
        ("Asunto Oy Tapiolan Kulma", "FI79 5780 0720 0203 39", "OKOYFIHH", "Maksu", "1232", "", "Vastike marraskuu", "-412,00", False),
        ("S-Market Tapiola", "", "", "Korttiosto", "", "", "", "-45,90", True),
        ("Elisa Oyj", "FI39 2001 1800 0011 79", "NDEAFIHH", "E-lasku", "RF18539007547034", "", "", "-29,90", False),
        ("Korhonen Mikko", "FI62 1425 3000 1166 48", "NDEAFIHH", "Tilisiirto", "", "", "Mökkivuokra osuus", "+220,00", False),
        ("HSL Mobiili", "", "", "Korttiosto", "", "", "", "-64,70", True),
        ("Verohallinto", "FI30 1660 3000 1072 12", "NDEAFIHH", "Maksu", "1109845612", "", "Ennakkovero", "-980,00", False),
        ("Alko Oy", "", "", "Korttiosto", "", "", "", "-37,85", True),
        ("Lähitapiola Keskinäinen", "FI16 5000 0120 2402 24", "OKOYFIHH", "E-lasku", "RF441234560099", "", "", "-142,66", False),
        ("Oy Karhu Design Ab", "FI44 4006 0010 2255 00", "HELSFIHH", "Tilisiirto", "", "", "Lasku 2026-043", "+1860,00", False),
        ("Nordea Otto", "", "", "Käteisnosto", "", "", "", "-100,00", True),
        ("Prisma Iso Omena", "", "", "Korttiosto", "", "", "", "-153,12", True),
        ("Kela", "FI85 8000 1400 0302 10", "DABAFIHH", "Tilisiirto", "", "", "Asumistuki", "+318,40", False),
        ("Neste Espoo Olari", "", "", "Korttiosto", "", "", "", "-71,05", True),
        ("Nordea Pankki", "", "", "Palvelumaksu", "", "", "Palvelumaksu 11/2026", "-6,90", False),
        ("Stockmann Helsinki", "", "", "Korttiosto", "", "", "", "-229,00", True),
    ]
    ds = days(date(2026, 11, 1), len(rows), rng)
    out = ["Tilinumero\tFI12 1234 5600 0123 45", ""] + ["\t".join(hdr)]
    amounts = []
    for (name, acct, bic, typ, ref, pref, msg, amt, card), d in zip(rows, ds):
        paid = d - timedelta(days=rng.choice([0, 1, 2])) if card else d
        cardno = "492942******1234" if card else ""
        receipt = "Kyllä" if card else "Ei"
        out.append("\t".join([f"{d:%d.%m.%Y}", f"{d:%d.%m.%Y}", f"{paid:%d.%m.%Y}", amt, name, acct, bic,
                              typ, ref, pref, msg, cardno, receipt]))
        amounts.append(D(amt.replace(",", ".").replace("+", "")))
    # every line followed by an empty line, CRLF (importers split on "\n\r\n")
    (HERE / "fi_nordea.csv").write_bytes(("\r\n\r\n".join(x for x in out if x != "") .replace(
        "FI12 1234 5600 0123 45\r\n\r\n", "FI12 1234 5600 0123 45\r\n\r\n") + "\r\n\r\n").encode("utf-8"))
    record("fi_nordea.csv", "Nordea Finland (FI)", amounts, "EUR")


# 4. OTP Bank Hungary, legacy netbank CSV: no header, T/J indicator ---------
def hu_otp():
    rng = random.Random(34)
    own = "11773016-01234567-00000000"
    rows = [
        ("J", 486500, "10918001-00000012-34560001", "Duna Szoftver Kft.", "Munkabér 2026.10", "JÓVÁÍRÁS ÁTUTALÁS"),
        ("T", -12490, "", "TESCO GLOBAL ÁRUHÁZAK ZRT", "BUDAPEST", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("T", -165000, "11600006-00000000-87654321", "Kovácsné Szabó Éva", "Albérlet november", "ÁTUTALÁS"),
        ("T", -18950, "10402166-50526789-55431001", "ELMŰ-ÉMÁSZ Energiaszolgáltató Zrt.", "Számlaszám: 301245778", "CSOPORTOS BESZEDÉS"),
        ("T", -3450, "", "LIDL MAGYARORSZÁG", "SZEGED", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("J", 25000, "11773016-09876543-00000000", "Tóth Gábor", "Ebédpénz visszaadás", "JÓVÁÍRÁS ÁTUTALÁS"),
        ("T", -9990, "10700024-24764207-51100005", "Magyar Telekom Nyrt.", "Ügyfélszám 8830012; 2026/11", "CSOPORTOS BESZEDÉS"),
        ("T", -20000, "", "OTP ATM 0412", "BUDAPEST, ÜLLŐI ÚT", "KÉSZPÉNZFELVÉTEL"),
        ("T", -7860, "", "MOL TÖLTŐÁLLOMÁS 4711", "GÖDÖLLŐ", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("J", 150000, "12010855-01478523-00100006", "Fehér és Társa Bt.", "Számla 2026/118", "JÓVÁÍRÁS ÁTUTALÁS"),
        ("T", -4299, "", "SPAR MAGYARORSZÁG KFT", "DEBRECEN", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("T", -35600, "10032000-01076019-00000000", "Nemzeti Adó- és Vámhivatal", "SZJA befizetés", "ÁTUTALÁS"),
        ("T", -1250, "", "BKK AUTOMATA", "BUDAPEST", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("T", -11990, "", "DECATHLON BUDAÖRS", "BUDAÖRS", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("J", 8400, "11773016-01234567-00000000", "", "Kamatjóváírás", "KAMAT JÓVÁÍRÁS"),
        ("T", -1260, "", "", "Kamatadó", "KAMATADÓ"),
        ("T", -6990, "10918001-00000068-72440009", "Netflix International B.V.", "Havidíj", "VÁSÁRLÁS KÁRTYÁVAL"),
        ("T", -22800, "", "ALLIANZ HUNGÁRIA ZRT", "Kötvény 55012345", "CSOPORTOS BESZEDÉS"),
        ("T", -890, "", "", "Számlavezetési díj", "SZÁMLAVEZETÉSI DÍJ"),
        ("J", 42000, "11600006-00000000-44551122", "Nagy Eszter", "Közös kassza, balaton", "JÓVÁÍRÁS ÁTUTALÁS"),
    ]
    ds = days(date(2026, 11, 2), len(rows), rng)
    bal = 312450
    out = []
    for (dc, amt, acct, name, msg, typ), d in zip(rows, ds):
        bal += amt
        ref = f"{rng.randint(100000000, 999999999)}"
        fields = [own, dc, str(amt), "HUF", f"{d:%Y%m%d}", f"{d:%Y%m%d}", str(bal), acct, name, msg,
                  "", "", typ, ref, ""]
        out.append(";".join(f'"{f}"' for f in fields))
    (HERE / "hu_otp.csv").write_bytes(("\r\n".join(out) + "\r\n").encode("cp1250"))
    record("hu_otp.csv", "OTP Bank (HU)", [D(r[1]) for r in rows], "HUF",
           notes="column 7 is the running balance, not an amount")


# 5. Bank Millennium (PL) ---------------------------------------------------
def pl_millennium():
    rng = random.Random(35)
    hdr = ["Numer rachunku/karty", "Data transakcji", "Data rozliczenia", "Rodzaj transakcji",
           "Na konto/Z konta", "Odbiorca/Zleceniodawca", "Opis", "Obciążenia", "Uznania", "Saldo", "Waluta"]
    own = "PL61 1160 2202 0000 0003 1234 5678"
    rows = [
        ("PRZELEW PRZYCHODZĄCY", "PL27 1140 2004 0000 3002 0135 5387", "SOFTLAB SP. Z O.O. UL. PROSTA 20 00-850 WARSZAWA", "WYNAGRODZENIE 11/2026", D("9850.00")),
        ("PŁATNOŚĆ KARTĄ", "", "ŻABKA Z8812 K.1 WARSZAWA", "1234 XXXX XXXX 5678 ŻABKA Z8812", D("-23.47")),
        ("PRZELEW WYCHODZĄCY", "PL83 1020 1026 0000 1502 0123 4567", "WSPÓLNOTA MIESZKANIOWA ul. Lipowa 4", "CZYNSZ LISTOPAD, LOKAL 12", D("-1240.00")),
        ("PŁATNOŚĆ BLIK W INTERNECIE", "", "allegro.pl ul. Grunwaldzka 182 Poznań", "Zakup 8812-3391 PayU S.A.", D("-189.99")),
        ("POLECENIE ZAPŁATY", "PL11 1240 6247 1111 0000 4975 2186", "PGE OBRÓT S.A.", "Faktura 02/11/2026/EE", D("-214.36")),
        ("PŁATNOŚĆ KARTĄ", "", "BIEDRONKA 3211 WARSZAWA", "1234 XXXX XXXX 5678 BIEDRONKA", D("-87.12")),
        ("PRZELEW PRZYCHODZĄCY", "PL45 1090 1014 0000 0712 1981 2874", "ANNA WIŚNIEWSKA", "zwrot za bilety, dzięki!", D("120.00")),
        ("PŁATNOŚĆ BLIK W INTERNECIE", "", "jakdojade.pl Grunwaldzka 43/4 Poznań", "Bilet 45 minut CITY-NAV", D("-6.00")),
        ("PRZELEW NA TELEFON BLIK", "", "PIOTR KOWALCZYK", "pizza", D("-42.50")),
        ("WYPŁATA Z BANKOMATU", "", "EURONET ATM WARSZAWA CENTRALNA", "1234 XXXX XXXX 5678", D("-300.00")),
        ("PRZELEW DO US", "PL57 1010 1010 0165 2222 2222 2222", "URZĄD SKARBOWY WARSZAWA-ŚRÓDMIEŚCIE", "PIT-36L zaliczka 10/2026", D("-1872.00")),
        ("PŁATNOŚĆ KARTĄ", "", "ORLEN STACJA NR 4410 RADOM", "1234 XXXX XXXX 5678 ORLEN", D("-256.80")),
        ("PRZELEW PRZYCHODZĄCY", "PL69 1050 1445 1000 0090 3187 6543", "KANCELARIA NOWAK I WSPÓLNICY SP.K.", "FV 2026/11/07, umowa 44/2026", D("3690.00")),
        ("POLECENIE ZAPŁATY", "PL60 1030 1508 0000 0005 5000 0070", "ORANGE POLSKA S.A.", "Abonament 11/2026", D("-65.00")),
        ("PŁATNOŚĆ KARTĄ", "", "LIDL SP. Z O.O. SP.K. WARSZAWA", "1234 XXXX XXXX 5678 LIDL", D("-134.55")),
        ("PRZELEW WŁASNY", own, "", "Na oszczędności", D("-2000.00")),
        ("PŁATNOŚĆ KARTĄ", "", "NETFLIX.COM AMSTERDAM", "1234 XXXX XXXX 5678 NETFLIX", D("-60.00")),
        ("PŁATNOŚĆ KARTĄ", "", "ROSSMANN 212 WARSZAWA", "1234 XXXX XXXX 5678 ROSSMANN", D("-48.97")),
        ("OPŁATA ZA KARTĘ", "", "", "Opłata miesięczna za kartę", D("-9.00")),
        ("PRZELEW PRZYCHODZĄCY", "PL02 1600 1462 1808 9213 2000 0001", "TOMASZ ZIELIŃSKI", "Rozliczenie wyjazdu, Zakopane", D("375.40")),
        ("PŁATNOŚĆ KARTĄ", "", "IKEA WARSZAWA JANKI", "1234 XXXX XXXX 5678 IKEA", D("-699.00")),
        ("KAPITALIZACJA ODSETEK", "", "", "Odsetki", D("3.18")),
    ]
    ds = days(date(2026, 11, 1), len(rows), rng)
    bal = D("4512.30")
    body = []
    for (typ, acct, name, opis, amt), d in zip(rows, ds):
        bal += amt
        settle = d + timedelta(days=rng.choice([0, 0, 1, 2])) if "KART" in typ else d
        body.append([own, f"{d:%Y-%m-%d}", f"{settle:%Y-%m-%d}", typ, acct, name, opis,
                     f"{amt:.2f}" if amt < 0 else "", f"{amt:.2f}" if amt > 0 else "", f"{bal:.2f}", "PLN"])
    body.reverse()  # newest first
    out = [",".join(f'"{h}"' for h in hdr)] + [",".join(f'"{f}"' for f in r) for r in body]
    (HERE / "pl_millennium.csv").write_bytes(("\r\n".join(out) + "\r\n").encode("utf-8"))
    record("pl_millennium.csv", "Bank Millennium (PL)", [r[4] for r in rows], "PLN")


# 6. Crédit Agricole (FR) ---------------------------------------------------
def fr_credit_agricole():
    rng = random.Random(36)
    items = [
        (["VIREMENT EN VOTRE FAVEUR", "SARL BOULANGERIE DUVAL", "SALAIRE NOVEMBRE 2026"], None, D("2480.00")),
        (["PAIEMENT PAR CARTE", "X4417 CARREFOUR MARKET 03/11"], D("63.47"), None),
        (["PRELEVEMENT", "EDF clients particuliers", "EDF 000123456789 ECH 11/26", "Ref. Mandat : EDF-8812345"], D("87.00"), None),
        (["PAIEMENT PAR CARTE", "X4417 SNCF INTERNET 05/11"], D("118.00"), None),
        (["RETRAIT AU DISTRIBUTEUR", "X4417 CA TOULOUSE CAPITOLE 06/11"], D("60.00"), None),
        (["VIREMENT EMIS", "WEB M. LEROY ANTOINE", "Loyer garage novembre"], D("95.00"), None),
        (["PRELEVEMENT", "ORANGE SA", "Orange Internet/Mobile", "Ref. 1122334455"], D("54.99"), None),
        (["REMISE CHEQUE", "N° 8812345"], None, D("350.00")),
        (["PAIEMENT PAR CARTE", "X4417 LECLERC DRIVE BLAGNAC 10/11"], D("142.36"), None),
        (["PRELEVEMENT", "DGFIP IMPOT", "PRELEVEMENT A LA SOURCE", "REVENUS 2026"], D("1215.00"), None),
        (["VIREMENT EN VOTRE FAVEUR", "CAF DE LA HAUTE GARONNE", "ALLOCATIONS FAMILIALES 11/2026"], None, D("148.52")),
        (["PAIEMENT PAR CARTE", "X4417 PHARMACIE DU CENTRE 13/11"], D("23.80"), None),
        (["PRELEVEMENT", "PACIFICA", "ASSURANCE HABITATION", "CONTRAT 4455123"], D("31.42"), None),
        (["PAIEMENT PAR CARTE", "X4417 AMAZON PAYMENTS 15/11"], D("39.99"), None),
        (["VIREMENT EN VOTRE FAVEUR", "MME MARTIN SOPHIE", "Remboursement vacances; merci"], None, D("210.00")),
        (["COTISATION", "OFFRE GLOBE TROTTER", "COTISATION MENSUELLE"], D("8.95"), None),
        (["PAIEMENT PAR CARTE", "X4417 TOTALENERGIES RN20 19/11"], D("71.03"), None),
        (["PRELEVEMENT", "FREE MOBILE", "Forfait 2H"], D("2.00"), None),
        (["VIREMENT EN VOTRE FAVEUR", "SCI LES PINS", "Regularisation charges 2025"], None, D("1065.40")),
        (["PAIEMENT PAR CARTE", "X4417 DECATHLON PORTET 24/11"], D("1249.00"), None),
    ]
    ds = days(date(2026, 11, 2), len(items), rng)
    rows = list(zip(ds, items))
    rows.reverse()  # newest first
    fmt = lambda x: "" if x is None else de_num(x, " ")
    lines = ["Téléchargement du 30/11/2026;", ";", "M. ET MME MARTIN PIERRE;",
             "Compte de Dépôt carte n° 96012345678;", "Solde au 30/11/2026 3 482,15 €;", ";",
             "Liste des opérations du compte entre le 01/11/2026 et le 30/11/2026;", ";",
             "Date;Libellé;Débit euros;Crédit euros;"]
    for d, (lib, deb, cred) in rows:
        text = "\r\n".join(part.ljust(24) for part in lib)
        lines.append(f'{d:%d/%m/%Y};"{text}";{fmt(deb)};{fmt(cred)};')
    (HERE / "fr_credit_agricole.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    record("fr_credit_agricole.csv", "Crédit Agricole (FR)",
           [(c if c is not None else -db) for _, db, c in items], "EUR",
           notes="every Libellé is a quoted multi-line field; the 'Solde au' preamble line is not a transaction")


# 7. Montepio (PT) ----------------------------------------------------------
def pt_montepio():
    rng = random.Random(37)
    items = [
        ("TRF DE LUSOTECH SOLUCOES LDA ORDENADO NOV", D("1645.00")),
        ("COMPRA 4417 PINGO DOCE LISBOA AMOREIRAS", D("-34.56")),
        ("DD EDP COMERCIAL 0012345678", D("-58.21")),
        ("LEVANTAMENTO MB 4417 LISBOA CAMPO PEQUENO", D("-60.00")),
        ("COMPRA 4417 CONTINENTE COLOMBO", D("-112.83")),
        ("TRF MB WAY DE RITA FERREIRA", D("25.00")),
        ("PAG SERV 21312 MEO SERVICOS REF 123456789", D("-44.99")),
        ("COMPRA 4417 GALP AV LIBERDADE", D("-65.40")),
        ("TRF P/ SANTOS & FILHOS LDA RENDA DEZEMBRO", D("-750.00")),
        ("DD EPAL EMPRESA PORTUGUESA DAS AGUAS", D("-19.87")),
        ("COMPRA 4417 FNAC CHIADO", D("-129.99")),
        ("TRF DE JOAO MENDES PARTILHA JANTAR", D("18.50")),
        ("PAG ESTADO 0312 AUTORIDADE TRIBUTARIA IUC", D("-132.41")),
        ("COMPRA 4417 LIDL ALCANTARA", D("-27.16")),
        ("IMPOSTO SELO S/ COMISSAO", D("-0.20")),
        ("COMISSAO MANUTENCAO CONTA", D("-4.95")),
        ("TRF DE SEG SOCIAL REEMBOLSO", D("1214.36")),
        ("COMPRA 4417 WORTEN ALFRAGIDE", D("-349.00")),
        ("COMPRA 4417 CP COMBOIOS PORTUGAL", D("-24.30")),
        ("TRF MB WAY P/ MIGUEL COSTA", D("-15.00")),
    ]
    ds = days(date(2026, 11, 2), len(items), rng)
    bal = D("2318.44")
    rows = []
    for (desc, amt), d in zip(items, ds):
        bal += amt
        val = d + timedelta(days=rng.choice([0, 0, 1]))
        rows.append("\t".join([f"{d:%d-%m-%Y}", f"{val:%d-%m-%Y}", desc, de_num(amt), de_num(bal)]))
    rows.reverse()
    lines = ["CONSULTA DE MOVIMENTOS\t\t\t\t", "Conta\t000-12.345678-9 - CONTA MONTEPIO ORDEM\t\t\t",
             "Periodo\t01-11-2026 a 30-11-2026\t\t\t", "Moeda\tEUR\t\t\t", "\t\t\t\t",
             "DATA MOV.\tDATA VALOR\tDESCRIÇÃO\tIMPORTÂNCIA\tSALDO CONTABILÍSTICO"] + rows
    (HERE / "pt_montepio.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    record("pt_montepio.csv", "Banco Montepio (PT)", [a for _, a in items], "EUR")


# 8. Lloyds Bank (GB) -------------------------------------------------------
def uk_lloyds():
    rng = random.Random(38)
    items = [
        ("BGC", "HARGREAVES CONSTRUCTION SALARY", None, D("2875.40")),
        ("DEB", "TESCO STORES 2412", D("46.18"), None),
        ("DD", "THAMES WATER", D("38.50"), None),
        ("SO", "J SMITH RENT", D("950.00"), None),
        ("DEB", "SAINSBURYS S/MKTS", D("72.09"), None),
        ("FPI", "MORRIS K REF:INV-0412 2026", None, D("640.00")),
        ("DD", "BRITISH GAS", D("112.00"), None),
        ("DEB", "TFL TRAVEL CH", D("8.40"), None),
        ("CPT", "LLOYDS BANK 12NOV26 CD 4417", D("100.00"), None),
        ("FPO", "HMRC SELF ASSESSMENT", D("1340.00"), None),
        ("DD", "COUNCIL TAX LB CAMDEN", D("164.00"), None),
        ("DEB", "AMAZON* MK2HJ8PQ4", D("23.99"), None),
        ("FPI", "PATEL A HOLIDAY SHARE", None, D("185.00")),
        ("DEB", "PRET A MANGER", D("6.85"), None),
        ("DD", "VIRGIN MEDIA", D("57.00"), None),
        ("DEB", "SHELL KINGS CROSS", D("61.27"), None),
        ("FPO", "NATIONWIDE SAVINGS", D("300.00"), None),
        ("DEB", "BOOTS 1123", D("14.49"), None),
        ("DD", "AVIVA INSURANCE", D("29.83"), None),
        ("BGC", "HMRC TAX REFUND", None, D("212.60")),
        ("DEB", "JOHN LEWIS", D("1089.00"), None),
        ("PAY", "LLOYDS BANK PLC ARRANGED OVERDRAFT FEE", D("5.00"), None),
        ("FPI", "OKAFOR D INV 2026-118", None, D("1500.00")),
        ("DEB", "NETFLIX.COM", D("10.99"), None),
    ]
    ds = days(date(2026, 11, 1), len(items), rng)
    bal = D("1846.22")
    rows = []
    for (typ, desc, deb, cred), d in zip(items, ds):
        bal += (cred or 0) - (deb or 0)
        rows.append(",".join([f"{d:%d/%m/%Y}", typ, "'30-94-57", "12345678", desc,
                              f"{deb:.2f}" if deb else "", f"{cred:.2f}" if cred else "", f"{bal:.2f}"]))
    rows.reverse()
    hdr = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance"
    (HERE / "uk_lloyds.csv").write_bytes(("\r\n".join([hdr] + rows) + "\r\n").encode("utf-8"))
    record("uk_lloyds.csv", "Lloyds Bank (GB)", [(c if c else -db) for _, _, db, c in items], "GBP")


# 9. American Express card (US), with extended details ----------------------
def us_amex():
    rng = random.Random(39)
    hdr = ["Date", "Description", "Card Member", "Account #", "Amount", "Extended Details",
           "Appears On Your Statement As", "Address", "City/State", "Zip Code", "Country", "Reference", "Category"]
    items = [
        ("AMAZON MARKETPLACE NA PA", D("84.37"), "AMAZON.COM\nAMZN.COM/BILL\nWA", "410 TERRY AVE N", "SEATTLE\nWA", "98109", "Merchandise & Supplies-Internet Purchase"),
        ("WHOLE FOODS MARKET #10218", D("126.54"), "WHOLEFDS MKT 10218\nBROOKLYN\nNY", "214 3RD ST", "BROOKLYN\nNY", "11215", "Merchandise & Supplies-Groceries"),
        ("UBER TRIP HELP.UBER.COM", D("23.81"), "UBER *TRIP\nSAN FRANCISCO\nCA", "1455 MARKET ST", "SAN FRANCISCO\nCA", "94103", "Transportation-Taxis & Coach"),
        ("DELTA AIR LINES ATLANTA", D("412.60"), "Ticket Number: 00623412345678\nPassenger Name: SMITH/JOHN\nDocument Type: TICKET\nFrom: JFK To: ATL Carrier: DL", "1030 DELTA BLVD", "ATLANTA\nGA", "30354", "Travel-Airline"),
        ("AUTOPAY PAYMENT - THANK YOU", D("-1850.00"), "", "", "", "", ""),
        ("STARBUCKS STORE 08812", D("6.45"), "STARBUCKS 08812\nNEW YORK\nNY", "1585 BROADWAY", "NEW YORK\nNY", "10036", "Restaurant-Bar & Café"),
        ("NETFLIX.COM LOS GATOS CA", D("15.49"), "NETFLIX.COM\nLOS GATOS\nCA", "121 ALBRIGHT WAY", "LOS GATOS\nCA", "95032", "Merchandise & Supplies-Internet Purchase"),
        ("HILTON HOTELS, CHICAGO", D("689.22"), "HILTON CHICAGO\nArrival Date: 11/09/26\nDeparture Date: 11/12/26\nRoom Rate: 219.00", "720 S MICHIGAN AVE", "CHICAGO\nIL", "60605", "Travel-Lodging"),
        ("AMAZON MARKETPLACE NA PA - RETURN", D("-32.99"), "AMAZON.COM\nAMZN.COM/BILL\nWA", "410 TERRY AVE N", "SEATTLE\nWA", "98109", "Merchandise & Supplies-Internet Purchase"),
        ("SHELL OIL 57442113", D("54.10"), "SHELL OIL 57442113\nJERSEY CITY\nNJ", "350 MONTGOMERY ST", "JERSEY CITY\nNJ", "07302", "Transportation-Fuel"),
        ("TRADER JOE'S #558", D("73.28"), "TRADER JOE S #558\nNEW YORK\nNY", "142 E 14TH ST", "NEW YORK\nNY", "10003", "Merchandise & Supplies-Groceries"),
        ("PLATINUM UBER CREDIT", D("-15.00"), "Amex Uber Cash credit", "", "", "", "Fees & Adjustments-Fees & Adjustments"),
        ("APPLE.COM/BILL 866-712-7753 CA", D("2.99"), "APPLE.COM/BILL\nCUPERTINO\nCA", "ONE APPLE PARK WAY", "CUPERTINO\nCA", "95014", "Merchandise & Supplies-Internet Purchase"),
        ("BLUE RIBBON SUSHI, NEW YORK", D("148.70"), "BLUE RIBBON SUSHI\nNEW YORK\nNY\nTIP INCLUDED", "119 SULLIVAN ST", "NEW YORK\nNY", "10012", "Restaurant-Restaurant"),
        ("HOME DEPOT #1207", D("219.47"), "THE HOME DEPOT 1207\nBROOKLYN\nNY", "550 HAMILTON AVE", "BROOKLYN\nNY", "11232", "Merchandise & Supplies-Hardware Supplies"),
        ("LYFT *RIDE SUN 8PM", D("18.62"), "LYFT *RIDE\nSAN FRANCISCO\nCA", "185 BERRY ST", "SAN FRANCISCO\nCA", "94107", "Transportation-Taxis & Coach"),
        ("CVS/PHARMACY #02391", D("27.15"), "CVS/PHARMACY 02391\nNEW YORK\nNY", "1 COLUMBUS PL", "NEW YORK\nNY", "10019", "Merchandise & Supplies-Pharmacies"),
        ("ANNUAL MEMBERSHIP FEE", D("695.00"), "Platinum Card Annual Fee", "", "", "", "Fees & Adjustments-Fees & Adjustments"),
        ("COSTCO WHSE #0219", D("312.88"), "COSTCO WHSE 0219\nBROOKLYN\nNY", "976 3RD AVE", "BROOKLYN\nNY", "11232", "Merchandise & Supplies-Wholesale Stores"),
        ("MOBILE PAYMENT - THANK YOU", D("-500.00"), "", "", "", "", ""),
        ("SPOTIFY USA", D("11.99"), "SPOTIFY USA\nNEW YORK\nNY", "4 WORLD TRADE CTR", "NEW YORK\nNY", "10007", "Merchandise & Supplies-Internet Purchase"),
        ("PARKING CITATION NYC DOF", D("65.00"), "NYC DEPT OF FINANCE\nPARKING\nNY", "66 JOHN ST", "NEW YORK\nNY", "10038", "Other-Government Services"),
    ]
    ds = days(date(2026, 11, 1), len(items), rng)
    import csv, io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # quotes only where needed, as Amex does
    w.writerow(hdr)
    rows = []
    for (desc, amt, ext, addr, city, zipc, cat), d in zip(items, ds):
        appears = desc if amt > 0 else desc
        ref = f"'3202{rng.randint(10**14, 10**15 - 1)}'"
        rows.append([f"{d:%m/%d/%Y}", desc, "JOHN A SMITH", "-41007", f"{amt:.2f}", ext, appears, addr, city,
                     zipc, "UNITED STATES" if addr else "", ref, cat])
    rows.reverse()
    for r in rows:
        w.writerow(r)
    (HERE / "us_amex_card.csv").write_bytes(buf.getvalue().encode("utf-8"))
    record("us_amex_card.csv", "American Express card (US)", [-a for _, a, *_ in items], "USD",
           notes="card export: purchases positive, payments/credits negative; truth flips the sign (money out negative)")


# 10. PayPal activity download (UK account, GBP) ----------------------------
def paypal():
    rng = random.Random(40)
    hdr = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
           "From Email Address", "To Email Address", "Transaction ID", "Shipping Address", "Address Status",
           "Item Title", "Item ID", "Shipping and Handling Amount", "Insurance Amount", "Sales Tax",
           "Option 1 Name", "Option 1 Value", "Option 2 Name", "Option 2 Value", "Reference Txn ID",
           "Invoice Number", "Custom Number", "Quantity", "Receipt ID", "Balance", "Address Line 1",
           "Address Line 2/District/Neighborhood", "Town/City", "State/Province/Region/County/Territory/Prefecture/Republic",
           "Zip/Postal Code", "Country", "Contact Phone Number", "Subject", "Note", "Country Code",
           "Balance Impact"]
    me = "orders@greenleaf-prints.co.uk"
    # name, type, status, gross, fee, email, item, invoice, note
    items = [
        ("Oliver Bennett", "Express Checkout Payment", "Completed", D("48.00"), D("-1.98"), "o.bennett@example.co.uk", "A3 Botanical print", "GP-1041", ""),
        ("Charlotte Hughes", "Website Payment", "Completed", D("126.50"), D("-4.47"), "charlotte.h@example.com", "Framed set of 3, oak", "GP-1042", ""),
        ("Royal Mail Group Ltd", "Express Checkout Payment", "Completed", D("-23.40"), D("0.00"), "paypal@royalmail.com", "Click & Drop postage", "", ""),
        ("Amelia Clarke", "Mobile Payment", "Completed", D("35.00"), D("-1.58"), "amelia.clarke@example.org", "", "", "Card for Gran, thanks!"),
        ("Harry Evans", "Express Checkout Payment", "Completed", D("1250.00"), D("-36.45"), "h.evans@studio-evans.co.uk", "Commission: mural design, 50% deposit", "GP-1043", ""),
        ("Etsy Ireland UC", "Pre-approved Payment Bill User Payment", "Completed", D("-18.62"), D("0.00"), "billing@etsy.com", "Etsy seller fees October", "", ""),
        ("Charlotte Hughes", "Payment Refund", "Completed", D("-42.00"), D("1.49"), "charlotte.h@example.com", "Refund: damaged frame", "GP-1042", ""),
        ("", "General Withdrawal", "Completed", D("-1000.00"), D("0.00"), "", "", "", ""),
        ("George Wright", "Website Payment", "Completed", D("72.00"), D("-2.66"), "gwright@example.net", "Print bundle, 2x A4", "GP-1044", ""),
        ("Canva Pty Ltd", "Pre-approved Payment Bill User Payment", "Completed", D("-10.99"), D("0.00"), "billing@canva.com", "Canva Pro monthly", "", ""),
        ("Isla Roberts", "Express Checkout Payment", "Pending", D("95.00"), D("-3.42"), "isla.r@example.co.uk", "A2 Heron print", "GP-1045", ""),
        ("Jack Thompson", "Express Checkout Payment", "Completed", D("58.00"), D("-2.27"), "jackt@example.com", "A3 Fern print, \"unframed\"", "GP-1046", ""),
        ("Printful Inc.", "Express Checkout Payment", "Completed", D("-212.30"), D("0.00"), "payments@printful.com", "Order #88123411", "", ""),
        ("Sophie Walker", "Mobile Payment", "Completed", D("20.00"), D("0.00"), "sophie.walker@example.co.uk", "", "", "for the raffle"),
        ("Noah Green", "Website Payment", "Completed", D("340.00"), D("-10.21"), "noah@greenandco.example", "Wedding guest book, personalised", "GP-1047", ""),
        ("", "General Withdrawal", "Completed", D("-500.00"), D("0.00"), "", "", "", ""),
        ("Emily Johnson", "Express Checkout Payment", "Completed", D("64.50"), D("-2.48"), "emily.j@example.com", "A3 Botanical print + card", "GP-1048", ""),
        ("Royal Mail Group Ltd", "Express Checkout Payment", "Completed", D("-31.85"), D("0.00"), "paypal@royalmail.com", "Click & Drop postage", "", ""),
        ("Thomas Hall", "Website Payment", "Completed", D("2100.00"), D("-61.20"), "thall@hall-architects.example", "Commission: mural, final 50%; incl. varnish", "GP-1049", ""),
    ]
    ds = days(date(2026, 11, 2), len(items), rng)
    import csv, io
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(hdr)
    bal = D("412.07")
    booked = []
    money = lambda x: f"{x:,.2f}"
    for (name, typ, status, gross, fee, email, item, inv, note), d in zip(items, ds):
        net = gross + fee
        if status == "Completed":
            bal += net
            booked.append(net)
        incoming = gross > 0
        fr, to = (email, me) if incoming else (me, email)
        if typ == "General Withdrawal":
            fr, to, name = me, "", "Bank Account"
        txid = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(17))
        w.writerow([f"{d:%d/%m/%Y}", f"{rng.randint(7,22):02d}:{rng.randint(0,59):02d}:{rng.randint(0,59):02d}", "Europe/London",
                    name, typ, status, "GBP", money(gross), money(fee), money(net), fr, to, txid, "", "",
                    item, "", "0.00", "0.00", "0.00", "", "", "", "", "", inv, "", "1" if item else "", "",
                    money(bal), "", "", "", "", "", "", "", item, note, "GB" if name else "",
                    "Credit" if net > 0 else "Debit"])
    (HERE / "paypal_gbp.csv").write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
    record("paypal_gbp.csv", "PayPal activity download (GB)", booked, "GBP", pending=1,
           notes="net of fees (Net column) is what moves the PayPal balance; one Pending row is not counted")


# 11. Wise EUR balance statement -------------------------------------------
def wise():
    rng = random.Random(41)
    hdr = ["TransferWise ID", "Date", "Amount", "Currency", "Description", "Payment Reference",
           "Running Balance", "Exchange From", "Exchange To", "Exchange Rate", "Payer Name", "Payee Name",
           "Payee Account Number", "Merchant", "Card Last Four Digits", "Card Holder Full Name",
           "Attachment", "Note", "Total fees"]
    # kind, amount (balance change incl. fees), fees, descr, ref, payer, payee, merchant, exch
    items = [
        ("TRANSFER", D("2400.00"), D("0.00"), "Received money from Bakker Design B.V. with reference INV-2026-031", "INV-2026-031", "Bakker Design B.V.", "", "", None),
        ("CARD", D("-45.20"), D("0.00"), "Card transaction of 45.20 EUR issued by Lidl Berlin Mitte", "", "", "", "Lidl Berlin Mitte", None),
        ("TRANSFER", D("-850.00"), D("0.00"), "Sent money to Hans Müller", "Miete Dezember", "", "Hans Müller", "", None),
        ("CARD", D("-12.90"), D("0.00"), "Card transaction of 12.90 EUR issued by BVG Ticket App Berlin", "", "", "", "BVG Ticket App", None),
        ("CONVERSION", D("578.35"), D("0.00"), "Converted 500.00 GBP to 578.35 EUR", "", "", "", "", ("GBP", "EUR", "1.16670")),
        ("TRANSFER", D("-1203.87"), D("3.87"), "Sent money to Atelier Lemaire SARL", "Facture F-2026-118", "", "Atelier Lemaire SARL", "", None),
        ("CARD", D("-89.00"), D("0.00"), "Card transaction of 89.00 EUR issued by Deutsche Bahn Berlin", "", "", "", "DB Fernverkehr AG", None),
        ("TRANSFER", D("640.00"), D("0.00"), "Received money from Jansen, Pieter with reference INV-2026-033", "INV-2026-033", "Jansen, Pieter", "", "", None),
        ("CARD", D("-23.47"), D("0.00"), "Card transaction of 23.47 EUR issued by Rewe Markt GmbH", "", "", "", "REWE Markt", None),
        ("CARD", D("-31.18"), D("0.43"), "Card transaction of 35.00 CHF issued by SBB CFF FFS Zurich", "", "", "", "SBB CFF FFS", None),
        ("DIRECT_DEBIT", D("-39.99"), D("0.00"), "Direct debit payment to Vodafone GmbH", "Kd-Nr 88123401", "", "Vodafone GmbH", "", None),
        ("TRANSFER", D("1500.00"), D("0.00"), "Received money from Schmidt Consulting GmbH with reference INV-2026-034", "INV-2026-034", "Schmidt Consulting GmbH", "", "", None),
        ("CONVERSION", D("-1162.00"), D("4.08"), "Converted 1,162.00 EUR to 1,000.00 GBP", "", "", "", "", ("EUR", "GBP", "0.86360")),
        ("CARD", D("-7.80"), D("0.00"), "Card transaction of 7.80 EUR issued by Einstein Kaffee Berlin", "", "", "", "Einstein Kaffee", None),
        ("FEE", D("-4.00"), D("4.00"), "Wise card monthly fee", "", "", "", "", None),
        ("TRANSFER", D("-300.00"), D("0.00"), "Sent money to Anna Kowalski", "Geburtstag", "", "Anna Kowalski", "", None),
        ("CARD", D("-156.30"), D("0.00"), "Card transaction of 156.30 EUR issued by IKEA Berlin-Tempelhof", "", "", "", "IKEA Deutschland", None),
        ("INTEREST", D("2.14"), D("0.00"), "Interest earned on EUR balance", "", "", "", "", None),
        ("TRANSFER", D("275.00"), D("0.00"), "Received money from Fischer, Lena with reference Anteil Ferienwohnung", "Anteil Ferienwohnung", "Fischer, Lena", "", "", None),
        ("CARD", D("-64.99"), D("0.00"), "Card transaction of 64.99 EUR issued by Zalando SE", "", "", "", "Zalando SE", None),
    ]
    ds = days(date(2026, 11, 1), len(items), rng)
    import csv, io
    bal = D("1320.55")
    rows = []
    for (kind, amt, fee, desc, ref, payer, payee, merchant, exch), d in zip(items, ds):
        bal += amt
        ident = f"{kind}-{rng.randint(10**8, 10**9 - 1)}"
        card = kind == "CARD"
        rows.append([ident, f"{d:%d-%m-%Y}", f"{amt:.2f}", "EUR", desc, ref, f"{bal:.2f}",
                     exch[0] if exch else "", exch[1] if exch else "", exch[2] if exch else "",
                     payer, payee, "DE89 3704 0044 0532 0130 00" if payee == "Hans Müller" else "",
                     merchant, "4417" if card else "", "Mara Vogel" if card else "", "", "", f"{fee:.2f}"])
    rows.reverse()  # newest first
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(hdr)
    for r in rows:
        w.writerow(r)
    (HERE / "wise_eur.csv").write_bytes(buf.getvalue().encode("utf-8"))
    record("wise_eur.csv", "Wise EUR balance statement", [i[1] for i in items], "EUR",
           notes="Amount already includes Total fees (do not add them again); Exchange columns are informational")


# 12. Stripe "Balance change from activity" itemized report (USD) -----------
def stripe():
    rng = random.Random(42)
    hdr = ["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
           "reporting_category", "description"]
    # reporting_category, gross, fee, description
    items = [
        ("charge", D("249.00"), D("7.52"), "Invoice 7F3A21-0041 (Acme Robotics Inc.)"),
        ("charge", D("49.00"), D("1.72"), "Subscription update"),
        ("charge", D("1200.00"), D("35.10"), "Invoice 7F3A21-0042 (Northwind Traders, LLC)"),
        ("refund", D("-49.00"), D("0.00"), "REFUND FOR CHARGE (Subscription update)"),
        ("charge", D("99.00"), D("3.17"), "Subscription creation"),
        ("charge", D("3450.00"), D("100.35"), "Invoice 7F3A21-0043 (Globex Corporation)"),
        ("fee", D("-25.00"), D("0.00"), "Billing - Usage Fee (2026-10-01 - 2026-10-31)"),
        ("charge", D("99.00"), D("3.17"), "Subscription creation"),
        ("dispute", D("-575.25"), D("15.00"), "Chargeback withdrawal for ch_3QdM1xK2eZvKYlo2"),
        ("charge", D("575.25"), D("16.98"), "Invoice 7F3A21-0044 (Initech, Inc.)"),
        ("charge", D("49.00"), D("1.72"), "Subscription update"),
        ("charge", D("780.00"), D("22.92"), "Invoice 7F3A21-0045 (Umbrella Health)"),
        ("refund", D("-120.00"), D("0.00"), "REFUND FOR CHARGE (Invoice 7F3A21-0044 (Initech, Inc.))"),
        ("charge", D("99.00"), D("3.17"), "Subscription creation"),
        ("other_adjustment", D("12.40"), D("0.00"), "Refund of fee for dispute du_1QeA7"),
        ("charge", D("1875.50"), D("54.69"), "Invoice 7F3A21-0046 (Stark Logistics, Inc.)"),
    ]
    from datetime import datetime
    t = datetime(2026, 11, 2, 9, 0, 0)
    import csv, io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(hdr)
    alnum = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    for cat, gross, fee, desc in items:
        t += timedelta(hours=rng.randint(5, 40), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        avail = (t + timedelta(days=2)).replace(hour=0, minute=0, second=0) if cat == "charge" else t
        w.writerow(["txn_" + "".join(rng.choice(alnum) for _ in range(24)), f"{t:%Y-%m-%d %H:%M:%S}",
                    f"{avail:%Y-%m-%d %H:%M:%S}", "usd", f"{gross:.2f}", f"{fee:.2f}", f"{gross - fee:.2f}",
                    cat, desc])
    (HERE / "stripe_balance_usd.csv").write_bytes(buf.getvalue().encode("utf-8"))
    record("stripe_balance_usd.csv", "Stripe balance change from activity (US)", [g - f for _, g, f, _ in items],
           "USD", notes="gross is before Stripe's fee, net = gross - fee is the balance change; truth sums net; "
                        "payouts are in Stripe's separate payouts report, not here")


if __name__ == "__main__":
    for fn in (at_raiffeisen, cz_raiffeisenbank, fi_nordea, hu_otp, pl_millennium, fr_credit_agricole,
               pt_montepio, uk_lloyds, us_amex, paypal, wise, stripe):
        fn()
    (HERE / "expected_by_construction.json").write_text(json.dumps(EXPECTED, indent=2, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    for k, v in EXPECTED.items():
        print(f"{k:28} {v['count']:3} {v['net_sum']:>12} {v['currency']}")
