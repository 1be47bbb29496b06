"""Write the second, held-out blind bank CSV corpus and its ground truth, by construction.

Each writer lays out one real bank's published export (source in truth.json): its
preamble, header (or none), separator, quoting, encoding, date and number format,
line endings. None of these banks has a built-in profile and none is in the first
blind corpus (bench/bank_csv_blind) or the development corpus (bench/bank_csv).
The transactions are invented; the truth (count, net sum, currency) is summed here
from the Decimal amounts before they are formatted, never by reading the files back
and never by running dunwell. Amounts are signed from the account holder's side:
money coming in is positive (so a card purchase is negative even where the card
issuer prints it positive).

Written without reading dunwell's inference code or its tests.

Run: python bench/bank_csv_blind2/make_corpus.py  (rewrites the files; stable)
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


PAYEES = {
    "no": ["REMA 1000 STORO", "KIWI 505 BISLETT", "Ruter AS", "Telenor Norge AS",
           "Vinmonopolet Majorstuen", "Fjordkraft AS", "Skatteetaten", "Bøgh Rørlegger AS",
           "Ørsta Møbel AS", "Coop Extra Tøyen"],
    "se": ["ICA NARA FALUN", "PRESSBYRAN", "Skatteverket", "Telia Sverige AB",
           "Vattenfall AB", "Åhléns City", "Björk & Söner AB", "SJ AB"],
    "be": ["Colruyt Gent", "Proximus NV", "Delhaize Brugge", "Luminus NV",
           "Stad Gent", "Janssens & Zonen BV", "De Lijn", "Fluvius"],
    "de": ["REWE Markt GmbH", "Telekom Deutschland GmbH", "Stadtwerke München",
           "Müller Gebäudetechnik GmbH", "Deutsche Bahn AG", "Bäckerei Schäfer",
           "Allianz Versicherungs-AG", "Amazon EU S.a.r.l."],
    "fr": ["CARREFOUR CITY PARIS", "EDF CLIENTS PARTICULIERS", "SNCF VOYAGEURS",
           "BOUYGUES TELECOM", "DGFIP IMPOTS", "BOULANGERIE DUPRÉ", "LEROY MERLIN",
           "SARL MARTIN & FILS"],
    "es": ["MERCADONA", "ENDESA ENERGIA", "TELEFONICA DE ESPAÑA", "RENFE VIAJEROS",
           "AGENCIA TRIBUTARIA", "FERRETERIA GÓMEZ SL", "EL CORTE INGLES", "IBERDROLA"],
    "uk": ["TESCO STORES 3341", "THAMES WATER", "BRITISH GAS", "HMRC PAYE",
           "PATEL & SONS LTD", "TFL TRAVEL CH", "WAITROSE 812", "OCTOPUS ENERGY"],
    "ca": ["LOBLAWS #1234", "HYDRO ONE", "TIM HORTONS #0412", "BELL CANADA",
           "CANADIAN TIRE #288", "ROGERS WIRELESS", "GAGNON PLOMBERIE INC"],
    "us": ["WHOLEFDS MKT 10233", "COMCAST CALIFORNIA", "SHELL OIL 57444103",
           "CHIPOTLE 3293", "PG&E WEB ONLINE", "ACME SUPPLY CO", "TRADER JOE S #178"],
}
INCOME = ["Invoice 2026-{n:04d}", "Faktura {n}", "Factuur {n}", "Facture F{n}",
          "Rechnung {n}", "Payment INV-{n}"]


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
        if rnd.random() < 0.2:
            cents -= cents % 100  # whole amounts
        elif rnd.random() < 0.15:
            cents -= cents % 10  # one significant decimal (34.90)
        amount = Decimal(cents) / 100
        party = rnd.choice(PAYEES[region])
        text = (rnd.choice(INCOME).format(n=1000 + i) if incoming
                else f"{party} {rnd.randint(10000, 99999)}")
        out.append(Txn(day, amount if incoming else -amount, party, text))
    return out


def dot(d: Decimal, places: int = 2) -> str:
    return f"{d:.{places}f}"


def dot_thousands(d: Decimal) -> str:
    return f"{d:,.2f}"


def bare(d: Decimal) -> str:
    """Shortest plain form: 45, 34.9, 1250.5 (what a float-printing export writes)."""
    return f"{d.normalize():f}"


def pyfloat(d: Decimal) -> str:
    """Python/Java float style: -50.0, 0.01, -68.3."""
    s = bare(d)
    return s if "." in s else s + ".0"


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


def q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


Writer = Callable[[], tuple[bytes, list[Txn], str]]
WRITERS: dict[str, tuple[str, str, Writer]] = {}


def writer(name: str, bank: str, source: str):
    def register(fn: Writer) -> Writer:
        WRITERS[name] = (bank, source, fn)
        return fn
    return register


@writer("no_dnb.csv", "DNB (NO)",
        "DNB 'Last ned fil' (.txt/.csv) as read by public DNB parsers (e.g. a YnabOfx "
        "Parsers::Dnb spec and Norwegian budget tools): header "
        "\"Dato\";\"Forklaring\";\"Rentedato\";\"Ut fra konto\";\"Inn på konto\", every field "
        "quoted except the amount, bare dot-decimal amounts (34.9, 1250.5, 45), both "
        "columns unsigned, CRLF, no newline after the last row, newest first; ISO-8859-1 "
        "per a Norwegian CSV guide")
def dnb() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(101, 22, date(2026, 9, 1), "no")
    rows = ['"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"']
    for t in reversed(txns):
        d = f"{t.day:%d.%m.%Y}"
        rente = f"{t.day + timedelta(days=1):%d.%m.%Y}"
        if t.amount < 0:
            text = f"Varekjøp {t.party} Oslo Dato {t.day:%d.%m} kl. 18.40 "
            rows.append(f'"{d}";{q(text)};"{rente}";{bare(-t.amount)};""')
        else:
            text = f"Overføring Innland  12340000001 {t.party} {t.text} "
            rows.append(f'"{d}";{q(text)};"{rente}";"";{bare(t.amount)}')
    return "\r\n".join(rows).encode("iso-8859-1"), txns, "NOK"


@writer("no_sparebank1.csv", "SpareBank 1 (NO)",
        "SpareBank 1 deposit-account CSV as read by beancount-no-sparebank1 and other "
        "public importers: UTF-8 with BOM, header Dato;Beskrivelse;Rentedato;Inn;Ut;"
        "Til konto;Fra konto; (trailing ';', unquoted), rows quoted, dd.mm.yyyy, decimal "
        "comma, Ut negative ('-1500,00', also '-1 234,5'), own account in Fra konto for "
        "money out and Til konto for money in, text may hold ';' and doubled quotes")
def sparebank1() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(102, 26, date(2026, 9, 1), "no", big=True)
    own = "12345678903"
    rows = ["Dato;Beskrivelse;Rentedato;Inn;Ut;Til konto;Fra konto;"]
    for i, t in enumerate(txns):
        d = f"{t.day:%d.%m.%Y}"
        if t.amount < 0:
            text = t.party if i % 7 else f'Til: 7777 88 99001 Betaling for "{t.party}"; siste del'
            amt = comma(t.amount, " ")
            if i % 5 == 0 and amt.endswith("0"):
                amt = amt[:-1]  # "-1 234,5": the bank drops a trailing zero
            rows.append(f'"{d}";{q(text)};;;"{amt}";"{88889900000 + i}";"{own}";')
        else:
            rows.append(f'"{d}";{q(t.text)};;"{comma(t.amount, " ")}";;"{own}";'
                        f'"{33334400000 + i}";')
    return ("\n".join(rows) + "\n").encode("utf-8-sig"), txns, "NOK"


@writer("se_seb.csv", "SEB (SE)",
        "SEB Privatkonto CSV export as read by several public SEB parsers: UTF-8 with BOM, "
        "Bokföringsdatum;Valutadatum;Verifikationsnummer;Text;Belopp;Saldo, ISO dates, "
        "amounts and balance with three decimals and a dot ('-30.000', '10000.000'), newest "
        "first, Swish numbers and 'NAME /YY-MM-DD' as text")
def seb() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(103, 25, date(2026, 8, 3), "se", big=True)
    bals = running(txns, Decimal("58210.45"))
    rows = ["Bokföringsdatum;Valutadatum;Verifikationsnummer;Text;Belopp;Saldo"]
    for i in reversed(range(len(txns))):
        t = txns[i]
        text = (f"{t.party.upper()[:12]}/{t.day - timedelta(days=1):%y-%m-%d}"
                if t.amount < 0 else f"4670{1000000 + i}")
        rows.append(";".join([f"{t.day:%Y-%m-%d}", f"{t.day:%Y-%m-%d}",
                              str(5490990000 + i), text, dot(t.amount, 3), dot(bals[i], 3)]))
    return ("\n".join(rows) + "\n").encode("utf-8-sig"), txns, "SEK"


@writer("be_ing.csv", "ING Belgium (BE)",
        "ING Belgium Home'Bank CSV as read by public ING BE parsers (ing_be.parse_from_io "
        "tests, PHP and TS importers): Rekeningnummer;Naam van de rekening;Rekening "
        "tegenpartij;Omzetnummer;Boekingsdatum;Valutadatum;Bedrag;Munteenheid;Omschrijving;"
        "Detail van de omzet;Bericht, dd/mm/yyyy, decimal comma, EUR column, long "
        "Bancontact texts, UTF-8 with BOM")
def ing_be() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(104, 21, date(2026, 7, 1), "be")
    rows = ["Rekeningnummer;Naam van de rekening;Rekening tegenpartij;Omzetnummer;"
            "Boekingsdatum;Valutadatum;Bedrag;Munteenheid;Omschrijving;Detail van de omzet;"
            "Bericht"]
    for i, t in enumerate(reversed(txns)):
        d = f"{t.day:%d/%m/%Y}"
        v = f"{t.day - timedelta(days=1):%d/%m/%Y}"
        if t.amount < 0 and i % 2:
            desc = (f"Betaling Bancontact {t.day:%d/%m/%y} - 9.26 uur - {t.party.upper()}   "
                    f"9000 - GENT - BEL Kaartnummer 6703 39XX XXXX 1548 2 ")
            rows.append(";".join(["BE68539007547034", "ZICHTREKENING", "", str(120 - i), d, v,
                                  comma(t.amount), "EUR", desc, "", ""]))
        else:
            desc = "Europese overschrijving" if t.amount < 0 else "Overschrijving ten gunste van"
            rows.append(";".join(["BE68539007547034", "ZICHTREKENING", f"BE{71 + i}096123456769",
                                  str(120 - i), d, v, comma(t.amount), "EUR", desc,
                                  t.party, t.text]))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig"), txns, "EUR"


@writer("ca_bmo.csv", "BMO Bank of Montreal chequing (CA)",
        "deb-sig/double-entry-generator example/bmo/debit/example-bmo-records.csv: "
        "'Following data is valid as of ...' line, two blank lines, header "
        "'First Bank Card,Transaction Type,Date Posted, Transaction Amount,Description' "
        "(leading space), two blank lines, card number in single quotes, CREDIT/DEBIT, "
        "yyyymmdd, signed float-style amounts (-50.0), space-padded descriptions; no currency")
def bmo() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(105, 20, date(2026, 10, 1), "ca")
    rows = ["Following data is valid as of 20261130224512 (Year/Month/Day/Hour/Minute/Second)",
            "", "",
            "First Bank Card,Transaction Type,Date Posted, Transaction Amount,Description",
            "", ""]
    for i, t in enumerate(txns):
        kind = "CREDIT" if t.amount > 0 else "DEBIT"
        code = "[DN]" if t.amount > 0 else ("[CW]" if i % 2 else "[DS]")
        desc = f"{code}{t.party}".ljust(88)
        rows.append(f"'5678653123124124',{kind},{t.day:%Y%m%d},{pyfloat(t.amount)},{desc}")
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "CAD"


@writer("ca_cibc.csv", "CIBC chequing (CA)",
        "CIBC account activity CSV as read by public CIBC parsers: no header row, "
        "date (yyyy-mm-dd), description, money out, money in (one of the two empty), "
        "plain dot decimals; no currency anywhere")
def cibc() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(106, 23, date(2026, 9, 2), "ca", big=True)
    rows = []
    for t in reversed(txns):
        out = dot(-t.amount) if t.amount < 0 else ""
        inn = dot(t.amount) if t.amount > 0 else ""
        desc = (f"Point of Sale - Interac RETAIL PURCHASE {t.party}" if t.amount < 0
                else f"Electronic Funds Transfer DEPOSIT {t.party}")
        rows.append(",".join([f"{t.day:%Y-%m-%d}", desc, out, inn]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "CAD"


@writer("us_wells_fargo.csv", "Wells Fargo checking (US)",
        "Wells Fargo 'Download account activity' comma-delimited: no header, every field "
        "quoted, Date (mm/dd/yyyy), signed Amount, '*', empty check number, Description "
        "(public Wells Fargo parsers: 'NO HEADERS: Date, Amount, (empty), (empty), "
        "Description'; ofxgen Wells Fargo profile EnclosedInQuotes); no currency")
def wells_fargo() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(107, 24, date(2026, 10, 5), "us", big=True)
    rows = []
    for i, t in enumerate(reversed(txns)):
        if t.amount < 0:
            desc = (f"PURCHASE AUTHORIZED ON {t.day - timedelta(days=2):%m/%d} {t.party} "
                    f"S38{6000000 + i} CARD 4417")
        else:
            desc = f"ACH CREDIT {t.party} {t.text}"
        rows.append(",".join(q(x) for x in [f"{t.day:%m/%d/%Y}", dot(t.amount), "*", "", desc]))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8"), txns, "USD"


@writer("us_ally.csv", "Ally Bank (US)",
        "Ally Bank CSV as read by public Ally parsers: header 'Date, Time, Amount, Type, "
        "Description' with a space after each comma (also in rows), yyyy-mm-dd, hh:mm:ss, "
        "signed amount, Type Deposit/Withdrawal; no currency")
def ally() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(108, 22, date(2026, 9, 8), "us")
    rnd = random.Random(8)
    rows = ["Date, Time, Amount, Type, Description"]
    for t in reversed(txns):
        kind = "Deposit" if t.amount > 0 else "Withdrawal"
        tm = f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}"
        rows.append(", ".join([f"{t.day:%Y-%m-%d}", tm, dot(t.amount), kind, t.party]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "USD"


@writer("us_discover_card.csv", "Discover card (US)",
        "Discover card 'Trans. Date,Post Date,Description,Amount,Category' as in "
        "beancount_reds_importers' Discover importer and other public parsers: mm/dd/yyyy, "
        "purchases positive, payments and credits negative ('Payments and Credits'); "
        "truth is from the card holder's side (a purchase is money out); no currency")
def discover() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(109, 19, date(2026, 8, 10), "us")
    cats = ["Merchandise", "Restaurants", "Gasoline", "Supermarkets", "Services"]
    rows = ["Trans. Date,Post Date,Description,Amount,Category"]
    for i, t in enumerate(txns):
        post = t.day + timedelta(days=i % 2)
        if t.amount > 0:
            desc, cat = "INTERNET PAYMENT - THANK YOU", "Payments and Credits"
        else:
            desc, cat = t.party, cats[i % len(cats)]
        desc = q(desc) if "," in desc or i % 3 == 0 else desc
        rows.append(",".join([f"{t.day:%m/%d/%Y}", f"{post:%m/%d/%Y}", desc,
                              dot(-t.amount), cat]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "USD"


@writer("de_consorsbank.csv", "Consorsbank (DE)",
        "Consorsbank Girokonto 'Kontoumsätze' CSV as in public importer test fixtures: "
        "section lines Konto / Allgemeine Informationen / Kontostand / Kontoumsätze before "
        "the header Buchung;Valuta;Sender / Empfänger;IBAN;BIC;Buchungstext;"
        "Verwendungszweck;Kategorie;Stichwörter;Umsatz geteilt;Betrag;Währung, dd.mm.yyyy, "
        "'5.000,00' and '-250,50', 'n/a' fillers, UTF-8")
def consorsbank() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(110, 24, date(2026, 5, 1), "de", big=True)
    rows = ["Konto", "Allgemeine Informationen", "Kontostand", "Kontoumsätze",
            "Buchung;Valuta;Sender / Empfänger;IBAN;BIC;Buchungstext;Verwendungszweck;"
            "Kategorie;Stichwörter;Umsatz geteilt;Betrag;Währung"]
    for i, t in enumerate(reversed(txns)):
        d = f"{t.day:%d.%m.%Y}"
        kind = ("GUTSCHRIFT" if t.amount > 0
                else ("KARTENZAHLUNG" if i % 3 == 0 else "LASTSCHRIFT"))
        rows.append(";".join([d, d, t.party, f"DE{10 + i}200400000000{100000 + i}",
                              "COBADEFFXXX", kind, t.text, "n/a", "n/a", "n/a",
                              comma(t.amount, "."), "EUR"]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "EUR"


@writer("fr_banque_postale.csv", "La Banque Postale (FR)",
        "La Banque Postale CCP CSV (OpenFlyers import model, Rust-Radinus csv_statement.rs, "
        "public test fixtures): key lines 'Numéro Compte ;...', 'Type ;CCP', 'Compte tenu "
        "en ;euros', 'Date ;dd/mm/yyyy', 'Solde (EUROS) ;+1234,56', an empty line, header "
        "Date;Libellé;Montant(EUROS), quoted Libellé, explicit '+' on credits, newest "
        "first, Windows-1252")
def banque_postale() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(111, 21, date(2026, 6, 2), "fr")
    bal = running(txns, Decimal("9520.18"))[-1]
    rows = ["Numéro Compte ;0123456X020", "Type ;Compte Courant Postal",
            "Compte tenu en ;euros", "Date ;05/12/2026", f"Solde (EUROS) ;{comma(bal, plus=True)}",
            "", "Date;Libellé;Montant(EUROS)"]
    for t in reversed(txns):
        lib = (f"VIREMENT DE {t.party} {t.text}" if t.amount > 0
               else f"PRELEVEMENT DE {t.party}")
        rows.append(f"{t.day:%d/%m/%Y};{q(lib)};{comma(t.amount, plus=True)}")
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "EUR"


@writer("fr_credit_mutuel.csv", "Crédit Mutuel (FR)",
        "Crédit Mutuel / CIC account CSV (public CreditMutuelParser: 'Date;Date de valeur;"
        "Débit;Crédit;Libellé;Solde', Latin-1, ';', dd/mm/yyyy, '1 234,56'; debits printed "
        "negative in Débit as in other public fixtures), oldest first, ISO-8859-15")
def credit_mutuel() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(112, 23, date(2026, 9, 1), "fr", big=True)
    bals = running(txns, Decimal("42000.00"))
    rows = ["Date;Date de valeur;Débit;Crédit;Libellé;Solde"]
    for t, b in zip(txns, bals, strict=True):
        deb = comma(t.amount, " ") if t.amount < 0 else ""
        cre = comma(t.amount, " ") if t.amount > 0 else ""
        lib = (f"VIR SEPA RECU /DE {t.party} /MOTIF {t.text}" if t.amount > 0
               else f"PRLV SEPA {t.party}")
        rows.append(";".join([f"{t.day:%d/%m/%Y}", f"{t.day:%d/%m/%Y}", deb, cre, lib,
                              comma(b, " ")]))
    return ("\r\n".join(rows) + "\r\n").encode("iso-8859-15"), txns, "EUR"


@writer("es_sabadell.csv", "Banco Sabadell (ES)",
        "Banco Sabadell movements download as in cooperm81/ofxgen data.txt and bs.profile "
        "(separator '|', no header, date field 0 dd/mm/yyyy, description 1, amount 3): "
        "F.Operativa|Concepto|F.Valor|Importe|Saldo|Referencia 1|Referencia 2, dot "
        "decimals without thousands ('-1659.00', '19908.82'), newest first; Windows-1252 "
        "assumed (the sample's encoding is not stated); no currency anywhere")
def sabadell() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(113, 22, date(2026, 3, 2), "es", big=True)
    bals = running(txns, Decimal("96150.00"))
    rows = []
    for i in reversed(range(len(txns))):
        t = txns[i]
        concepto = (f"TRANSFERENCIA DE {t.party}" if t.amount > 0
                    else f"COMPRA TARJ. 5402XXXXXXXX3012 {t.party}")
        rows.append("|".join([f"{t.day:%d/%m/%Y}", concepto,
                              f"{t.day + timedelta(days=i % 2):%d/%m/%Y}",
                              dot(t.amount), dot(bals[i]),
                              f"A{48037642010 + i}" if i % 3 == 0 else "",
                              "5402052566057018" if t.amount < 0 else ""]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252"), txns, "EUR"


@writer("uk_hsbc.csv", "HSBC UK (GB)",
        "HSBC UK transaction download as read by public parsers ('HSBC UK CSV: no header "
        "row; Date / Description / SignedAmount, dd/MM/yyyy; amounts may be quoted with "
        "thousands separators, e.g. \"-2,300.00\"'); no currency")
def hsbc() -> tuple[bytes, list[Txn], str]:
    txns = make_txns(114, 24, date(2026, 10, 1), "uk", big=True)
    rows = []
    for t in reversed(txns):
        amt = dot_thousands(t.amount)
        amt = q(amt) if "," in amt else amt
        desc = (f"{t.party} {t.text}" if t.amount > 0 else f"{t.party}")
        rows.append(",".join([f"{t.day:%d/%m/%Y}", desc, amt]))
    return ("\n".join(rows) + "\n").encode("utf-8"), txns, "GBP"


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
