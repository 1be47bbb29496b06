"""A profile for a bank CSV nobody described: header row, separator, columns, formats.

The header row is the first row after any preamble whose cells are mostly names
and below which rows keep the same width. Columns are placed by their names in
English, German, Dutch, French, Spanish, Italian, Portuguese, Polish, Czech, Hungarian and
the Nordic languages, then checked
against the values (a date column must read as dates in one format, amounts as
amounts with one decimal mark). When the date or the amount cannot be placed,
or two columns fit equally, inference refuses with `InferenceUnsure` naming what
it could not place: never a silent guess.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from dunwell.currencies import is_currency, national_currency
from dunwell.errors import InputError

from .csv_card import CardSignUnsure, holder_sign
from .csv_profiles import CsvProfile
from .text import amount, iban_valid, is_iban

_SAMPLE = 200
_SEPARATORS = ";,\t|"
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y",
                 "%m-%d-%Y", "%Y%m%d", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y", "%d-%m-%y",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d %b %Y",
                 "%d-%b-%Y", "%b %d, %Y", "%d-%m-%Y %H:%M:%S", "%m-%d-%Y %H:%M:%S",
                 "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S",
                 "%d-%m-%Y %H:%M", "%m-%d-%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")

# Header names by field, lower-cased and without accents; the earlier a name, the better.
NAMES: dict[str, tuple[str, ...]] = {
    "booking_date": ("booking date", "posting date", "transaction date", "date", "completed date",
        "date completed (utc)", "started date", "buchungstag", "buchungsdatum", "datum",
        "boekdatum", "boekingsdatum", "transactiedatum", "date operation", "date d'operation",
        "date de comptabilisation", "date comptable", "fecha operacion", "fecha", "fecha contable",
        "data operazione", "data contabile", "data", "data ksiegowania", "data operacji",
        "data transakcji", "posted date", "trans. date", "date posted", "bokforingsdag",
        "bokforingsdatum", "transaktionsdag", "transaktionsdatum", "dato", "bogforingsdato",
        "bokforingsdato", "kirjauspaiva", "tapahtumapaiva", "maksupaiva", "datum zauctovani",
        "datum provedeni", "data wykonania", "data ksiegowania operacji", "data mov.",
        "data mov", "data movimento", "data do movimento", "data lancamento",
        "data de lancamento", "konyvelesi datum", "konyveles datuma", "konyvelesi nap",
        "created", "created utc", "created (utc)", "created date", "settlement date",
        "kuupaev", "tarih", "islem tarihi"),
    "value_date": ("value date", "valuta", "wertstellung", "valutadatum", "rentedatum",
        "date de valeur", "fecha valor", "data valuta", "data waluty", "valutadag", "arvopaiva",
        "valuteringsdato", "rentedato", "datum valuty", "data valor", "data-valor",
        "erteknap", "available on", "available on utc"),
    "amount": ("amount", "transaction amount", "amount (eur)", "betrag", "betrag (eur)", "umsatz",
        "bedrag", "bedrag (eur)", "montant", "importe", "importo", "kwota", "kwota operacji",
        "value", "net amount", "amount eur", "betrag (€)", "montant (eur)", "belopp", "belob",
        "maara", "summa", "objem", "castka", "kwota transakcji", "suma", "belop",
        "amount in account currency", "importancia", "montante", "valor", "zauctovana castka",
        "osszeg", "terheles osszege", "total amount", "total amount (incl. vat)", "tutar",
        "islem tutari"),
    "debit": ("debit", "debit amount", "withdrawal", "withdrawals", "money out", "paid out",
        "soll", "lastschrift", "af", "debet", "debit (eur)", "debito", "cargo", "addebiti",
        "uscite", "obciazenia", "wydatki", "debit (€)", "utgift", "uttag", "udbetaling", "ut",
        "veloitus", "nosto", "obciazenie", "wyplaty", "odchozi", "ut fra konto", "ut av konto",
        "uttak", "charge", "charges", "terheles", "deebet", "borc"),
    "credit": ("credit", "credit amount", "deposit", "deposits", "money in", "paid in", "haben",
        "gutschrift", "bij", "credit (eur)", "credito", "abono", "abonos", "accrediti", "entrate",
        "uznania", "wplywy", "credit (€)", "insattning", "inbetalning", "indbetaling", "in",
        "pano", "hyvitys", "uznanie", "prichozi", "inn pa konto", "inn", "innskudd",
        "payment", "payments", "jovairas", "kreedit", "alacak"),
    "currency": ("currency", "ccy", "valuta", "wahrung", "waehrung", "valuta code", "munt",
        "devise", "monnaie", "divisa", "moneda", "waluta", "currency code", "devies", "valuutta",
        "mena", "mynt", "waluta operacji", "moeda", "mena uctu", "deviza", "penznem",
        "valuuta", "doviz", "doviz cinsi", "para birimi"),
    "counterparty_name": ("counterparty", "counterparty name", "payee", "payer", "payee/payer",
        "name", "merchant", "beneficiary", "beguenstigter/zahlungspflichtiger",
        "begunstigter/zahlungspflichtiger", "zahlungsempfanger", "auftraggeber/empfanger",
        "empfanger", "auftraggeber", "zahlungspflichtige*r", "zahlungsempfanger*in", "naam",
        "naam / omschrijving", "tegenpartij", "naam tegenpartij", "beneficiaire", "tiers",
        "contrepartie", "beneficiario", "ordenante", "controparte", "kontrahent",
        "nazwa kontrahenta", "odbiorca", "nadawca", "counter party", "other party", "namn",
        "mottagare", "saaja/maksaja", "saaja", "maksaja", "nazev protiuctu",
        "nazwa odbiorcy/nadawcy", "modtager", "betalningsmottagare", "naam tegenpartij bevat",
        "navn", "nome", "partner neve", "kedvezmenyezett neve", "kedvezmenyezett",
        "ellenoldali nev", "saaja/maksja nimi", "saaja/maksja"),
    "counterparty_iban": ("iban", "counterparty iban", "counterparty account", "iban/kontonummer",
        "kontonummer/iban", "iban zahlungsempfanger", "tegenrekening", "tegenrekening iban",
        "rekening tegenpartij", "compte", "iban contrepartie", "cuenta", "conto",
        "rachunek kontrahenta", "numer rachunku", "protiucet", "saajan tilinumero",
        "saajan tilinumero ja pankin bic", "motkonto", "rachunek nadawcy/odbiorcy", "tilinumero",
        "saaja/maksja konto"),
    "remittance_info": ("description", "reference", "memo", "details", "payment reference",
        "narrative", "transaction description", "verwendungszweck", "buchungstext",
        "vorgang/verwendungszweck", "umsatztext", "omschrijving", "mededelingen", "mededeling",
        "libelle", "libelle operation", "communication", "concepto", "descripcion", "causale",
        "descrizione", "tytul", "tytul operacji", "opis", "opis operacji", "text", "purpose",
        "remittance information", "beskrivning", "rubrik", "tekst", "viesti", "selitys",
        "meddelande", "zprava pro prijemce", "poznamka", "specifikation", "transaktionstext",
        "opis transakcji", "forklaring", "beskrivelse", "descricao", "descritivo",
        "descricao do movimento", "zprava", "kozlemeny", "megjegyzes", "aciklama"),
    "transaction_id": ("transaction id", "transaction reference", "id", "reference number",
        "transaktions-id", "referenz", "kenmerk", "reference operation", "numero de transaction",
        "id pohybu", "arkistointitunnus", "transactienummer", "radnummer", "id transakce",
        "balance transaction id", "tranzakcio azonosito", "arhiveerimistunnus", "dekont no"),
    "sign": ("debit/credit", "af bij", "d/c", "cr/dr", "soll/haben", "credit/debit", "s/h",
        "debit credit", "t/j", "terheles/jovairas", "d/h", "deebet/kreedit (d/c)",
        "deebet/kreedit", "borc/alacak"),
    "status": ("status", "state", "estado", "stato", "stav", "allapot"),
    "balance": ("balance", "running balance", "saldo", "bokfort saldo", "kontostand", "solde",
        "saldo po operacji", "saldo na koncie", "available balance", "ledger balance", "zustatek",
        "saldo contabilistico", "saldo disponivel", "egyenleg", "bakiye"),
    "account": ("account", "account number", "iban account", "auftragskonto", "konto", "rekening",
        "rekeningnummer", "numero de compte", "my account", "own account", "rachunek",
        "cislo uctu", "szamlaszam", "conta", "kliendi konto"),
}
_REQUIRED = ("booking_date",)
_PENDING = {"reserverat", "reserveret", "reservert", "pending", "vorgemerkt", "reserviert",
            "varaus", "in behandeling", "en cours", "en attente", "pendiente", "in attesa",
            "oczekujaca", "blokada", "rezervace", "authorised", "authorized", "pendente",
            "fuggoben", "zpracovava se", "offen", "ausstehend"}
_NOT_BOOKED = _PENDING | {"declined", "rejected", "refused", "cancelled", "canceled", "failed",
                         "reversed", "reverted", "abgelehnt", "storniert", "void"}
_BOOKED = ("completed", "posted", "booked", "gebucht", "umsatz gebucht", "settled", "cleared",
           "sent",
           "concluido", "zauctovano", "teljesitett")


class InferenceUnsure(InputError):
    """Inference could not place the columns a statement needs; the message says which."""


def fold(name: str) -> str:
    """A header name compared loosely: lower case, no accents, single spaces, no quotes,
    without a currency after it ("Betrag (EUR)", "Débit euros", "Amount in GBP")."""
    text = unicodedata.normalize("NFKD", name.strip().strip('"').lstrip("#*").lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)
    text = " ".join(text.replace("_", " ").split())
    return _CURRENCY_SUFFIX.sub("", text) or text


_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ı": "i",
                         "œ": "oe", "þ": "th"})
_CURRENCY_SUFFIX = re.compile(r"\s*(\((?:[a-z]{3}|euros?|[€$£])\)|(?:in )?(?:eur|euros?|euroa|"
                              r"usd|gbp|chf|pln|sek|dkk|nok|czk|huf|cad|aud|[€$£]))$")
_DAY_FIRST = {"EUR", "GBP", "CHF", "PLN", "MXN", "SEK", "NOK", "DKK", "CZK", "HUF", "AUD", "NZD",
              "BRL", "INR", "ZAR"}


def infer(text: str, source: str, name: str = "inferred", currency: str | None = None
          ) -> tuple[CsvProfile, list[str]]:
    """A profile for the CSV text and a line per decision, for the user to read.

    `currency` (the user's --currency) also settles 01/02/2025: day first for EUR, GBP
    and most others, month first for USD; without it such dates are refused."""
    separator = _separator(text)
    spaced = _spaced(text, separator)
    table = _table(text, separator, source, spaced)
    header_at = _header_row(table)
    notes: list[str] = []
    if header_at is None:
        line, names, body, columns = _by_values(table, source, currency)
        notes.append("no header row: columns placed by their values")
    else:
        line, header = table[header_at]
        names = [c.strip().lstrip("\ufeff") for c in header]
        body = _without_footer([cells for _, cells in
                                table[header_at + 1:header_at + 1 + _SAMPLE]])
        columns = _placed(names, body, source, line)
    date_column = names[columns["booking_date"]]
    amount_cols = [columns[f] for f in ("amount", "debit", "credit") if f in columns]
    found_ccy = None if "currency" in columns else (
        _currency_in([names[i] for i in amount_cols])
        or _symbol_currency([_at(r, i) for r in body for i in amount_cols])
        or _currency_in(names))
    preamble = (" ".join(" ".join(cells) for _, cells in table[:header_at])
                if header_at is not None else "")  # no header: every row is data
    if currency is None and found_ccy is None and "currency" not in columns:
        found_ccy = (_preamble_currency(table[:header_at or 0], notes)
                     or _account_currency(preamble, columns, body, notes))
    order = _order(currency or found_ccy)
    dates = [_at(r, columns["booking_date"]) for r in body]
    pending = sorted({d for d in dates if fold(d) in _PENDING})
    formats = _date_formats([d for d in dates if d not in pending], order)
    if not formats:
        raise InferenceUnsure(source, f"the dates in column {date_column!r} match no one date "
                              "format (or two ambiguously, like 01/02/2025: --currency USD "
                              "reads month first, EUR or GBP day first); " + HOW, line,
                              date_column)
    decimal, thousands = _number_format([_at(r, i) for r in body for i in amount_cols])
    if decimal is None:
        raise InferenceUnsure(source, "the amounts use no one decimal mark; " + HOW, line,
                              names[amount_cols[0]])
    mapped: dict[str, tuple[str, ...]] = {f: (names[i],) for f, i in columns.items()
                                          if f not in ("value_date", "balance")}
    currency = found_ccy or (None if "currency" in columns else currency)
    if currency is None and "currency" not in columns:
        notes.append("no currency column: pass --currency CODE (or set currency: in the "
                     "profile, or the default_currency setting)")
    invert = _card_sign(names, columns, body, source, line, decimal, thousands, notes)
    _refuse_unsigned(names, columns, body, source, line)
    _refuse_disagreeing_marks(names, columns, body, source, line)
    status_booked = _booked(names, columns, body, source, line)
    if not status_booked:
        mapped.pop("status", None)
    ibans = set(re.findall(r"\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b", preamble))
    account_pattern = None
    if "account" not in columns and len(ibans) == 1:
        account_pattern = r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b"
        notes.append(f"account {next(iter(ibans))} from the lines above the header")
    debit_values, credit_values = CsvProfile.debit_values, CsvProfile.credit_values
    if "sign" in columns:  # every word for debit and credit, also those not in the sample
        debit_values = tuple(sorted(w.upper() for w in _DEBIT_WORDS))
        credit_values = tuple(sorted(w.upper() for w in _CREDIT_WORDS))
    rows = table[header_at + 1:] if header_at is not None else table
    skip_if = (*_skips(separator, columns["booking_date"], pending, rows, notes),
               *_bare_ends(rows, separator, source, notes))
    profile = CsvProfile(
        name=name, header=tuple(names[i] for f, i in sorted(columns.items(), key=lambda x: x[1])
                                if f in ("booking_date", "amount", "debit", "credit")),
        columns=mapped, separator=separator, skip_rows=line - 1,
        date_formats=formats, header_row=header_at is not None,
        decimal=decimal, thousands=thousands, currency=currency,
        strip=_symbols([_at(r, i) for r in body for i in amount_cols]),
        status_booked=status_booked, skip_undated=True, account_pattern=account_pattern,
        skip_if=skip_if, invert_sign=invert, space_after_separator=spaced,
        debit_values=debit_values, credit_values=credit_values,
        description=f"inferred from {source}")
    where = f"header on line {line}" if header_at is not None else "no header row"
    notes[:0] = [f"{where}, separator {separator!r}, dates {' or '.join(formats)}"
                 f", decimal mark {decimal!r}",
                 "columns: " + ", ".join(f"{f} = {v[0]!r}" for f, v in mapped.items())]
    return profile, notes


def _skips(separator: str, dated: int, pending: list[str],
           rows: list[tuple[int, list[str]]], notes: list[str]) -> tuple[str, ...]:
    """skip_if patterns: rows dated "Pending" (not booked), and opening or closing balance
    rows; said in the notes when the rows below the header hold any."""
    skip_if: tuple[str, ...] = ()
    if pending:
        before = "" if dated == 0 else (
            f"^(?:[^{re.escape(separator)}]*{re.escape(separator)}){{{dated}}}")
        skip_if = (f"{before or '^'}(?:{'|'.join(re.escape(p) for p in pending)})\\s*"
                   f"(?:{re.escape(separator)}|$)",)
        notes.append(f"rows dated {' or '.join(repr(p) for p in pending)} are pending, not "
                     "booked: skipped")
    balance = _balance_rows(separator)
    seen = rows if len(rows) <= 2 * _SAMPLE else [*rows[:_SAMPLE], *rows[-_SAMPLE:]]
    found = sum(bool(re.search(balance, separator.join(cells))) for _, cells in seen)
    if found:
        notes.append(f"{found} rows of an opening or closing balance, not transactions: "
                     "skipped")
    return (*skip_if, balance)


_LETTER = re.compile(r"[^\W\d_]")
# A row without one letter: only a date and numbers (a balance, a total), never a payee.


def _bare_row(separator: str) -> str:
    """A skip_if pattern for a row of at most two filled cells, each with a digit and no
    letter (a date and an amount); every other cell empty."""
    sep = re.escape(separator)
    char = rf"(?:(?![^\W\d_]){'[^' + sep + ']'})"  # neither a letter nor the separator
    cell = rf"{char}*\d{char}*"
    return rf"^(?:\s*{sep})*{cell}(?:{sep}(?:\s*{sep})*{cell})?(?:{sep}\s*)*$"


def _bare_ends(rows: list[tuple[int, list[str]]], separator: str, source: str,
               notes: list[str]) -> tuple[str, ...]:
    """A first or last row of only a date and a number, without one letter, where the other
    rows fill four cells or more, is the account's balance or a total (LCL's export ends
    with its balance), not a transaction: skipped, and said. Such a row between the others
    is refused: a subtotal or a payment without text, nothing tells which."""
    filled = [(line, [c for c in cells if c.strip()]) for line, cells in rows]
    filled = [(line, cells) for line, cells in filled if cells]
    bare = [i for i, (_, cells) in enumerate(filled)
            if len(cells) <= 2 and not any(_LETTER.search(c) for c in cells)]
    others = sorted(len(cells) for i, (_, cells) in enumerate(filled) if i not in bare)
    if not bare or len(others) < _MIN_ROWS or others[len(others) // 2] < 4:
        return ()  # no such row, or rows as thin as it: nothing to tell apart
    inside = [filled[i][0] for i in bare if 0 < i < len(filled) - 1]
    if inside:
        raise InferenceUnsure(source, f"line {inside[0]} holds a date and numbers but no text, "
                              "between rows that all carry text: a subtotal or a payment? "
                              + HOW, inside[0], None)
    notes.append(f"{len(bare)} row(s) at the {'start' if bare == [0] else 'end'} with a date "
                 "and numbers but no text: the account's balance or a total, not a "
                 "transaction: skipped")
    return (_bare_row(separator),)


# Opening/closing balance rows some exports print among the transactions (VR-Bank's
# "Anfangssaldo"/"Endsaldo" with a date and an amount), in the common languages.
_BALANCE_MARKERS = ("anfangssaldo", "endsaldo", "schlusssaldo", "alter kontostand",
                    "neuer kontostand", "opening balance", "closing balance", "balance brought "
                    "forward", "balance carried forward", "beginsaldo", "eindsaldo",
                    "saldo iniziale", "saldo finale", "solde initial", "solde final",
                    "saldo inicial", "saldo final", "saldo anterior", "ingående saldo",
                    "utgående saldo", "saldo początkowe", "saldo końcowe")


def _balance_rows(separator: str) -> str:
    """A skip_if pattern for a row whose one text is a balance marker: every other cell
    a date, a number, a currency code or a debit/credit mark, so no counterparty and no
    other text (a payment whose text reads "Endsaldo" keeps its payer and is read)."""
    sep = re.escape(separator)
    other = f"[^a-z{sep}]*(?:[a-z]{{1,3}}[^a-z{sep}]*)?"
    marker = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in _BALANCE_MARKERS)
    return (f"(?i)^(?:{other}{sep})*[^a-z{sep}]*(?:{marker})[^a-z{sep}]*"
            f"(?:{sep}{other})*$")


# The sign or abbreviation a bank prints for its own currency instead of the ISO code.
_LOCAL_CODES = {"TL": "TRY", "YTL": "TRY", "KČ": "CZK", "ZŁ": "PLN", "FT": "HUF", "LEI": "RON",
                "€": "EUR", "£": "GBP", "EURO": "EUR", "EUROS": "EUR"}


def _preamble_currency(preamble: list[tuple[int, list[str]]], notes: list[str]) -> str | None:
    """The currency a preamble line states as "Currency;EUR" ("Moeda", "Währung", "Döviz
    Cinsi:;TL"): its first cell a currency column's name, its next filled cell an ISO code
    or the bank's local abbreviation; else the one ISO code an account line names among its
    words ("Conta ;0412012345600 - EUR - Conta Extracto")."""
    found = set()
    for _, cells in preamble:
        filled = [c.strip().rstrip(":").strip() for c in cells if c.strip()]
        if len(filled) != 2:
            continue
        key, value = fold(filled[0]), filled[1]
        code = _LOCAL_CODES.get(value.upper(), value)
        if key in NAMES["currency"] and re.fullmatch(r"[A-Z]{3}", code) and is_currency(code):
            notes.append(f"currency {code} from the line {filled[0]!r} above the header")
            return code
        if key in NAMES["account"]:
            found |= {(c, filled[0]) for c in re.findall(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])",
                                                        value) if is_currency(c)}
    if len({c for c, _ in found}) == 1:
        code, key = found.pop()
        notes.append(f"currency {code} from the account line {key!r} above the header")
        return code
    return None


def _account_currency(preamble: str, columns: dict[str, int], body: list[list[str]],
                      notes: list[str]) -> str | None:
    """The national currency of the account's IBAN country (the account column, else the
    one IBAN above the header), when the file names no currency and none is configured:
    an account in BE is kept in EUR unless the bank says otherwise. Said in the notes."""
    found = {v.replace(" ", "").upper() for v in
             ([_at(r, columns["account"]) for r in body] if "account" in columns else [])}
    if not found:
        found = set(re.findall(r"\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b", preamble))
    countries = {i[:2] for i in found if iban_valid(i)}
    if len(countries) != 1 or len(found) != sum(iban_valid(i) for i in found):
        return None
    country = countries.pop()
    code = national_currency(country)
    if code:
        notes.append(f"currency {code}: the national currency of the account's IBAN country "
                     f"{country} (pass --currency if the account is kept in another)")
    return code


def _card_sign(names: list[str], columns: dict[str, int], body: list[list[str]], source: str,
               line: int, decimal: str, thousands: str, notes: list[str]) -> bool:
    """True when a card export's one amount column is signed from the issuer's side and so
    must be negated; InferenceUnsure when it is a card export that does not say which."""
    if "amount" not in columns or "sign" in columns:
        return False

    def value(text: str) -> Decimal | None:
        try:
            return amount(_bare(text), "", None, "", decimal=decimal, thousands=thousands)
        except InputError:
            return None

    try:
        found = holder_sign([fold(n) for n in names], columns["amount"], body, value)
    except CardSignUnsure as unsure:
        raise InferenceUnsure(source, f"{unsure}; " + HOW, line,
                              names[columns["amount"]]) from None
    if found is None:
        return False
    notes.append(found[1])
    return found[0] == -1


def _refuse_unsigned(names: list[str], columns: dict[str, int], body: list[list[str]],
                     source: str, line: int) -> None:
    """InferenceUnsure for one amount column never negative beside an unplaced column of two
    short values on every row (a debit/credit mark in words inference does not know, "Wn"
    and "Ma"): money evidently goes both ways, and reading every amount as money in would
    give a wrong sum without a word."""
    if "amount" not in columns or "sign" in columns:
        return
    numbers = [_decimal(_at(r, columns["amount"])) for r in body]
    if not any(numbers) or any((n or 0) < 0 for n in numbers):
        return
    for i, name in enumerate(names):
        values = [_at(r, i) for r in body]
        kinds = set(values)
        if (i in columns.values() or len(kinds) != 2 or "" in kinds
                or any(len(k) > 6 or is_currency(k.upper()) for k in kinds)):
            continue
        shown = " and ".join(repr(k) for k in sorted(kinds))
        raise InferenceUnsure(source, f"the amounts in column {names[columns['amount']]!r} are "
                              f"never negative and column {name!r} holds only {shown}: if that "
                              "says money in or out, inference cannot tell which is which (set "
                              "a sign column with debit_values and credit_values); " + HOW,
                              line, names[columns["amount"]])


def _refuse_disagreeing_marks(names: list[str], columns: dict[str, int],
                              body: list[list[str]], source: str, line: int) -> None:
    """InferenceUnsure for signed amounts beside a debit/credit column that contradicts
    them (a negative amount marked credit): the mark would sign the row, and which of the
    two the bank meant nothing tells. Amounts that agree with their marks (LHV's signed
    Summa beside D/C) are read."""
    if "amount" not in columns or "sign" not in columns:
        return
    for row in body:
        value, mark = _decimal(_at(row, columns["amount"])), fold(_at(row, columns["sign"]))
        if not value or value > 0 or mark not in _SIGN_WORDS:
            continue  # unsigned amounts take their sign from the mark
        if mark not in _DEBIT_WORDS:
            raise InferenceUnsure(source, f"column {names[columns['sign']]!r} marks a negative "
                                  f"amount ({_at(row, columns['amount'])}) as money in; "
                                  + HOW, line, names[columns["sign"]])


_NO_HEADER = ("no header row found: a bank CSV needs a row of column names above its "
              "transactions, or columns whose values say unambiguously which is the date and "
              "which the amount")
_MIN_ROWS = 5


def _by_values(table: list[tuple[int, list[str]]], source: str, currency: str | None
               ) -> tuple[int, list[str], list[list[str]], dict[str, int]]:
    """An export without a header row (ASN, Triodos, TD): the columns placed by their
    values alone, and only where that is unambiguous: one date column first; one amount
    column, or several where all but one are running balances of it; a debit and a credit
    column, never both filled, whose orientation a balance column confirms; a debit/credit
    word column as the sign. Otherwise InferenceUnsure."""
    width = Counter(len(cells) for _, cells in table).most_common(1)[0][0] if table else 0
    rows = [(line, cells) for line, cells in table if len(cells) == width]
    if width < 2 or len(rows) < _MIN_ROWS or len(rows) < 0.9 * len(table):
        raise InferenceUnsure(source, _NO_HEADER, 1)
    line = rows[0][0]
    body = [cells for _, cells in rows[:_SAMPLE]]
    names = [f"column {i}" for i in range(1, width + 1)]
    values = [[_at(r, i) for r in body] for i in range(width)]
    order = _order(currency)
    dates = [i for i in range(width) if all(values[i]) and _date_formats(values[i], order)]
    money = [i for i in range(width) if i not in dates and _is_money(values[i])]
    signed = None if money or not dates else _signed_whole(values)
    if not dates or not (money or signed):
        raise InferenceUnsure(source, _NO_HEADER, line)
    columns = {"booking_date": dates[0],
               **(signed or _money(values, money, dates[0], order, source, line))}
    for i in range(width):
        folded = {fold(v) for v in values[i] if v}
        if folded and all(re.fullmatch(r"[a-z]{3}", f) and is_currency(f.upper())
                          for f in folded):
            columns.setdefault("currency", i)
        elif folded and folded <= _SIGN_WORDS and "amount" in columns:
            columns.setdefault("sign", i)
    ibans = [i for i in range(width)
             if sum(is_iban(v.replace(" ", "").upper()) for v in values[i]) >= 0.8 * len(body)]
    for i in ibans:
        columns.setdefault("account" if len(set(values[i])) == 1 else "counterparty_iban", i)
    texts = [i for i in range(width) if i not in columns.values() and not _is_money(values[i])
             and sum(bool(re.search(r"[A-Za-z]{3}", v)) for v in values[i]) >= len(body) / 2]
    if texts:
        columns["remittance_info"] = max(texts, key=lambda i: sum(len(v) for v in values[i]))
    return line, names, body, columns


# Debit/credit marks: English, Dutch, German Soll/Haben (S/H), Italian/Portuguese,
# Hungarian Terhelés/Jóváírás (T/J).
_DEBIT_WORDS = {"d", "dr", "debit", "debet", "af", "s", "soll", "debito", "db", "t", "terheles"}
_CREDIT_WORDS = {"c", "cr", "credit", "bij", "h", "haben", "credito", "cd", "j", "jovairas"}
_SIGN_WORDS = _DEBIT_WORDS | _CREDIT_WORDS


def _signed_whole(values: list[list[str]]) -> dict[str, int] | None:
    """Whole-unit amounts (forints, yen) beside a debit/credit mark column (OTP's T/J): the
    one column of whole numbers negative on every debit row and positive on every credit
    row, debits and credits both seen; else None (a balance or an id never agrees)."""
    marks = [i for i, column in enumerate(values)
             if {fold(v) for v in column} <= _SIGN_WORDS and all(column)]
    if len(marks) != 1:
        return None
    kinds = [fold(v) in _DEBIT_WORDS for v in values[marks[0]]]
    if len(set(kinds)) != 2:
        return None
    agree = [i for i, column in enumerate(values)
             if all(re.fullmatch(r"[-+]?\d+", v) for v in column)
             and all((Decimal(v) < 0) == debit and Decimal(v) != 0
                     for v, debit in zip(column, kinds, strict=True))]
    return {"amount": agree[0], "sign": marks[0]} if len(agree) == 1 else None


def _money(values: list[list[str]], money: list[int], dated: int, order: str | None,
           source: str, line: int) -> dict[str, int]:
    """The amount column, or the debit and credit columns, of an export without a header:
    running balances set aside; a debit/credit pair oriented by a balance column."""
    body = values[dated]
    numbers = [[_decimal(v) for v in column] for column in values]
    plain = [i for i in money if all(values[i])]
    halves = [i for i in money if not all(values[i])]
    balances = {i for i in plain if any(_runs(numbers[i], numbers[j]) for j in plain if j != i)}
    amounts = [i for i in plain if i not in balances]
    if len(amounts) == 1 and not halves:
        return {"amount": amounts[0]}
    elif len(halves) == 2 and all(bool(values[halves[0]][r]) != bool(values[halves[1]][r])
                                  for r in range(len(body))):
        first, second = halves
        signed = [(numbers[second][r] or Decimal(0)) - (numbers[first][r] or Decimal(0))
                  for r in range(len(body))]
        when = _dates(values[dated], order)
        ascending = 1 if when == sorted(when) else -1 if when == sorted(when, reverse=True) else 0
        fits = {_runs(numbers[i], signed) * ascending for i in plain}
        told = None if plain else _told_by_kinds(values, first, second, {*money, dated})
        if told:
            return told
        if len(amounts) > len(fits & {1, -1}) or fits & {1, -1} in ({1, -1}, set()):
            raise InferenceUnsure(source, _NO_HEADER + " (two amount columns, one for money "
                                  "out and one for money in, and no balance column that says "
                                  "which is which)", line)
        debit, credit = (first, second) if 1 in fits else (second, first)
        return {"debit": debit, "credit": credit}
    raise InferenceUnsure(source, _NO_HEADER + f" ({len(amounts) + len(halves)} columns could be "
                          "the amount)", line)


# What a transaction's text calls it, in banks' own wording: money in or money out.
_KIND_IN = re.compile(r"\b(?:deposit|refund|payroll|salary|transfer from|e-transfer from|"
                      r"received)\b", re.I)
_KIND_OUT = re.compile(r"\b(?:purchase|withdrawal|atm|fee|bill payment|transfer to|"
                       r"e-transfer to|cheque|check)\b", re.I)


def _told_by_kinds(values: list[list[str]], first: int, second: int, taken: set[int]
                   ) -> dict[str, int] | None:
    """A debit/credit pair without a balance, oriented by the kind each row's text names
    ("RETAIL PURCHASE" in one column, "DEPOSIT" in the other): every row that names one
    kind agrees, both kinds are seen, and at least a quarter of the rows (3 or more) name
    one; else None."""
    rows = len(values[first])
    agree = {(first, second): 0, (second, first): 0}
    for r in range(rows):
        text = " ".join(values[i][r] for i in range(len(values)) if i not in taken)
        into, out = bool(_KIND_IN.search(text)), bool(_KIND_OUT.search(text))
        if into == out:
            continue
        filled = first if values[first][r] else second
        other = second if filled == first else first
        agree[(filled, other) if out else (other, filled)] += 1
    named = sum(agree.values())
    votes = [pair for pair, n in agree.items() if n]
    if len(votes) != 1 or named < max(3, rows / 4):
        return None
    debit, credit = votes[0]
    sides = {bool(values[debit][r]) for r in range(rows)}
    return {"debit": debit, "credit": credit} if sides == {True, False} else None


def _is_money(values: list[str]) -> bool:
    """A column of amounts with decimals (not ids, codes or whole numbers), gaps allowed."""
    filled = [v for v in values if v]
    return bool(filled) and _number_format(filled)[0] is not None and sum(
        bool(re.search(r"[.,]\d{2}\)?-?$", _bare(v))) for v in filled) >= 0.8 * len(filled)


def _decimal(value: str) -> Decimal | None:
    """A cell's amount, whichever of "." or "," is its decimal mark; None when empty."""
    if not value:
        return None
    decimal, thousands = _number_format([value])
    if decimal is None:
        return None
    return amount(_bare(value), "", None, "", decimal=decimal, thousands=thousands)


def _runs(balance: list[Decimal | None], amounts: Sequence[Decimal | None]) -> int:
    """1 when `balance` is a running balance adding the amounts row by row (the balance
    before or after each row), -1 when it subtracts them (rows newest first), else 0."""
    known = [b for b in balance if b is not None]
    if len(balance) < _MIN_ROWS or len(known) < len(balance):
        return 0
    steps = [known[r + 1] - known[r] for r in range(len(known) - 1)]
    for shift in (0, 1):
        moved = [amounts[r + shift] for r in range(len(steps))]
        for sign in (1, -1):
            if all(m is not None and step == sign * m
                   for step, m in zip(steps, moved, strict=True)):
                return sign
    return 0


def _dates(values: list[str], order: str | None) -> list[datetime]:
    """The values as dates in their one format (for the rows' order)."""
    fmt = _date_formats(values, order)[0]
    return [datetime.strptime(v, fmt) for v in values]


def known_names(text: str) -> tuple[int, int]:
    """How many cells of the file's first lines are column names inference knows, then how
    many amounts carry a currency sign: of two readings of an 8-bit file, the one with more
    is the right code page ("Beløb" in Windows-1252, not "Belřb" in Windows-1250; "£8.50",
    not "Ł8.50")."""
    vocabulary = {n for names in NAMES.values() for n in names}
    head = "\n".join(text.splitlines()[:40])
    cells = re.split(r"[;,\t|\n]", head)
    return (sum(fold(c) in vocabulary for c in cells if c.strip()),
            len(re.findall(r"[£€¥]\s?\d", head)))


def _placed(names: list[str], body: list[list[str]], source: str, line: int
            ) -> dict[str, int]:
    """The columns placed, or InferenceUnsure naming what could not be placed."""
    try:
        columns = _columns(names, body)
    except _Ambiguous as both:
        raise InferenceUnsure(source, f"columns {' and '.join(repr(c) for c in both.columns)} "
                              f"could both be the {both.field.replace('_', ' ')}; " + HOW,
                              line) from None
    missing = [f for f in _REQUIRED if f not in columns]
    if "amount" not in columns and not {"debit", "credit"} <= columns.keys():
        missing.append("amount (or debit and credit)")
    if missing:
        raise InferenceUnsure(source, _unsure(missing, names), line)
    return columns


def _booked(names: list[str], columns: dict[str, int], body: list[list[str]], source: str,
            line: int) -> tuple[str, ...]:
    """Status values meaning booked ("Gebucht", "COMPLETED", "settled"), when there is a
    status column. InferenceUnsure when its values say some rows are not booked (pending,
    declined) and none says which are: reading them all would count what never moved."""
    if "status" not in columns:
        return ()
    values = {_at(r, columns["status"]) for r in body}
    booked = tuple(sorted(v for v in values if fold(v) in _BOOKED))
    unbooked = sorted(v for v in values if fold(v) in _NOT_BOOKED)
    if unbooked and not booked:
        raise InferenceUnsure(source, f"column {names[columns['status']]!r} says rows are "
                              f"{' or '.join(repr(v) for v in unbooked)} but no value there "
                              "means booked; " + HOW, line, names[columns["status"]])
    return booked


HOW = ("write a profile for it (dunwell statement profile infer FILE -o NAME.yaml gives a "
        "start; see connectors/sources/statements/README.md) and pass "
        "--profiles DIR --profile NAME")


def _unsure(missing: list[str], names: list[str]) -> str:
    return (f"cannot tell which column holds the {' and the '.join(missing)} among "
            f"{', '.join(repr(n) for n in names)}; " + HOW)


def _separator(text: str) -> str:
    """The separator that splits the most records into the same number (>1) of cells
    (records, not lines: a quoted cell may span lines)."""
    best, score = ",", 0
    for sep in _SEPARATORS:
        widths: Counter[int] = Counter()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        try:
            for count, cells in enumerate(reader):
                if count >= 60:
                    break
                if any(c.strip() for c in cells):
                    widths[len(cells)] += 1
        except csv.Error:
            continue
        width, count = max(widths.items(), key=lambda kv: (kv[1] * (kv[0] > 1), kv[0]),
                           default=(1, 0))
        if width > 1 and count * width > score:
            best, score = sep, count * width
    return best


def _spaced(text: str, separator: str) -> bool:
    """True when a space follows every separator on nine lines in ten of those with two or
    more (AIB's ", "): a quoted cell starts after that space."""
    lines = [ln for ln in text.splitlines()[:60] if ln.count(separator) >= 2]
    spaced = [ln for ln in lines if not re.search(f"{re.escape(separator)}(?! )", ln.rstrip())]
    return bool(lines) and separator != " " and len(spaced) >= 0.9 * len(lines)


def _table(text: str, separator: str, source: str, spaced: bool = False
           ) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator,
                        skipinitialspace=spaced)
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"bad CSV: {exc}", start) from None
    return out


def _header_row(table: list[tuple[int, list[str]]]) -> int | None:
    """The first row of mostly names, as wide as the table's rows usually are, whose width
    the rows below it keep (a preamble of "key;value" lines is narrower than the table)."""
    widths = Counter(len(cells) for _, cells in table[:_SAMPLE + 40])
    usual = max(widths.items(), key=lambda kv: (kv[1], kv[0]))[0] if widths else 0
    # a row as wide as the table before a narrower preamble row; a row of names filled
    # before a preamble's "key<TAB>value" row padded to the table's width
    for exact, full in ((True, True), (True, False), (False, False)):
        for i, (_, cells) in enumerate(table[:40]):
            if exact and len(cells) != usual:
                continue
            filled = [c for c in cells if c.strip()]
            if full and 2 * len(filled) <= len(cells):
                continue
            if len(filled) < 2 or any(_looks_number_or_date(c) for c in filled):
                continue
            if abs(len(cells) - usual) > 1 and len(filled) < min(3, usual):
                continue
            below = [c for _, c in table[i + 1:i + 6]]
            same = [c for c in below if abs(len(c) - len(cells)) <= 1]
            dated = any(_is_date(v.strip(), f) for c in same[:3] for v in c
                        for f in _DATE_FORMATS)
            if below and len(same) >= max(1, len(below) - 1) and dated:
                return i
    return None


def _without_footer(body: list[list[str]]) -> list[list[str]]:
    """The rows below the header less those after the last row holding a date: a footer
    (the closing balance, "Alter Kontostand";"8.412,37 EUR") says nothing of the columns.
    Reading still meets it: skipped as undated or as a balance row, else refused."""
    end = len(body)
    while end and not any(_is_date(c.strip(), f) for c in body[end - 1]
                          if re.search(r"\d", c) for f in _DATE_FORMATS):
        end -= 1
    return body[:end]


def _looks_number_or_date(cell: str) -> bool:
    return bool(re.fullmatch(r"[-+(]?[0-9][0-9.,' /:-]*\)?", cell.strip()))


def _at(row: list[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


_MONEY_AND_DATE = ("booking_date", "amount", "debit", "credit")


class _Ambiguous(Exception):
    """Two columns fit a field equally well."""

    def __init__(self, field: str, columns: list[str]) -> None:
        super().__init__(field)
        self.field, self.columns = field, columns


def _columns(names: list[str], body: list[list[str]]) -> dict[str, int]:
    """Field -> column index, by name then checked (and tie-broken) by the values."""
    folded = [fold(n) for n in names]
    placed: dict[str, int] = {}
    # A name the header repeats is the first column's: the second "Původní částka a měna"
    # is the first's currency, an original-currency amount is never the booked one.
    # Names equal only once folded ("Amount (EUR)", "Amount (USD)") stay ambiguous.
    given = [n.strip() for n in names]
    taken = {i for i, n in enumerate(given) if n and n in given[:i]}
    net = _net_of_fees(folded, body)
    if net is not None:
        placed["amount"] = net
        taken.add(net)
    for field, candidates in NAMES.items():
        if field in placed:
            continue
        for wanted in candidates:
            hits = [i for i, f in enumerate(folded) if i not in taken and f == wanted]
            if not hits:
                continue
            fits = [i for i in hits if _values_fit(field, [_at(r, i) for r in body])]
            if len(fits) > 1 and field in _MONEY_AND_DATE:
                raise _Ambiguous(field, [names[i] for i in fits])
            if fits:
                placed[field] = fits[0]
                taken.add(fits[0])
                break
    return _settled(placed, taken, names, body)


_GROSS = ("gross", "gross amount", "amount", "brutto")
_FEE = ("fee", "fees", "fee amount", "total fees", "gebuhr", "frais", "poplatek")
_NET = ("net", "net amount", "netto")


def _net_of_fees(folded: list[str], body: list[list[str]]) -> int | None:
    """The Net column of a payment platform's Gross/Fee/Net export (PayPal, Stripe): the
    money that moved on the balance. Only when every row's net is its gross less the fee
    (fees printed negative or positive, one way for the whole file); else None, and the
    amount is placed by name as usual."""
    found = [next((i for i, f in enumerate(folded) if f in names), None)
             for names in (_GROSS, _FEE, _NET)]
    gross, fee, net = found
    if gross is None or fee is None or net is None:
        return None
    signs = set()
    for row in body:
        g, f, n = (_decimal(_at(row, i)) for i in (gross, fee, net))
        if g is None or n is None:
            return None
        f = f or Decimal(0)
        if not f and n != g:
            return None
        if f:
            signs.add(1 if n == g + f else -1 if n == g - f else 0)
    return net if len(signs) == 1 and 0 not in signs else None


def _settled(placed: dict[str, int], taken: set[int], names: list[str],
             body: list[list[str]]) -> dict[str, int]:
    """The columns placed by name, completed and made consistent: an amount column named by
    its currency alone, the value date when there is no booking date, no debit/credit
    beside an amount, no counterparty IBAN column without an IBAN in it."""
    if "amount" not in placed and not {"debit", "credit"} <= placed.keys():
        by_currency = [i for i in _currency_columns(names, body) if i not in taken]
        if len(by_currency) > 1:
            raise _Ambiguous("amount", [names[i] for i in by_currency])
        if by_currency:
            placed["amount"] = by_currency[0]
    _by_values_too(placed, taken, names, body)
    if "booking_date" not in placed and "value_date" in placed:
        placed["booking_date"] = placed.pop("value_date")
    if "amount" in placed and ({"debit", "credit"} & placed.keys()):
        for f in ("debit", "credit"):
            placed.pop(f, None)
    if "counterparty_iban" in placed and not any(
            is_iban(_at(r, placed["counterparty_iban"]).replace(" ", "").upper()) for r in body):
        del placed["counterparty_iban"]
    return placed


def _by_values_too(placed: dict[str, int], taken: set[int], names: list[str],
                   body: list[list[str]]) -> None:
    """Places what names alone left out: the sign column of unsigned amounts, the booking
    date in a column named a date in words inference does not list."""
    if "amount" in placed and "sign" not in placed:
        mark = _mark_column(names, body, placed["amount"], taken | set(placed.values()))
        if mark is not None:
            placed["sign"] = mark
    if "booking_date" not in placed and "value_date" not in placed:
        dated = _named_a_date(names, body, taken | set(placed.values()))
        if dated is not None:
            placed["booking_date"] = dated


_DATE_WORDS = {"date", "datum", "fecha", "data", "dato", "datetime"}


def _named_a_date(names: list[str], body: list[list[str]], taken: set[int]) -> int | None:
    """The one column of dates whose name has a date word in it ("Posted Transactions
    Date"), when no name inference knows placed the booking date; None unless just one."""
    dated = [i for i, n in enumerate(names) if i not in taken
             and set(fold(n).split()) & _DATE_WORDS
             and _values_fit("booking_date", [_at(r, i) for r in body])]
    return dated[0] if len(dated) == 1 else None


def _mark_column(names: list[str], body: list[list[str]], amount_at: int, taken: set[int]
                 ) -> int | None:
    """The sign of unsigned amounts: the one column, headed blank or by a name inference does
    not know (VR-Bank's " " beside "Umsatz"), whose every value is a debit or credit mark
    (S/H, D/C, DR/CR, Soll/Haben, T/J), both kinds seen; None when the amounts carry their
    own sign or no one column fits."""
    if any((_decimal(_at(r, amount_at)) or 0) < 0 for r in body):
        return None
    known = {n for field in NAMES.values() for n in field}
    given = [n.strip() for n in names]
    fits = []
    for i, name in enumerate(names):
        marks = {fold(_at(r, i)) for r in body if _at(r, i)}
        if (i in taken or fold(name) in known or given.count(given[i]) > 1
                or not marks <= _SIGN_WORDS):
            continue
        if marks & _DEBIT_WORDS and marks & _CREDIT_WORDS:
            fits.append(i)
    return fits[0] if len(fits) == 1 else None


def _values_fit(field: str, values: list[str]) -> bool:
    """Do a column's values look like the field (dates, amounts, a currency code)?"""
    filled = [v for v in values if v and fold(v) not in _PENDING]
    if field in ("booking_date", "value_date"):
        return bool(filled) and bool(_date_formats(filled, "day"))
    if field in ("debit", "credit"):  # one of the pair may be empty in a short export
        return not filled or _number_format(filled)[0] is not None
    if field in ("amount", "fee", "balance"):
        return bool(filled) and _number_format(filled)[0] is not None
    if field == "currency":
        return bool(filled) and all(re.fullmatch(r"[A-Za-z]{3}", v) for v in filled)
    return True


def _order(currency: str | None) -> str | None:
    """Which comes first in a d/m or m/d date where the currency's country says so."""
    if currency == "USD":
        return "month"
    return "day" if currency in _DAY_FIRST else None


def _date_formats(values: list[str], order: str | None = None) -> tuple[str, ...]:
    """The one format every non-empty value reads in; () when none, or when day and month
    could be either way round and `order` does not say which."""
    filled = [v for v in values if v][:_SAMPLE]
    if not filled:
        return ()
    fits = [f for f in _DATE_FORMATS if all(_is_date(v, f) for v in filled)]
    for day in [f for f in fits if "%m" in f and f.index("%d") < f.index("%m")]:
        month = day.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
        if month not in fits:
            continue
        if order is None and not day.startswith("%d-"):
            return ()  # 01/02/2025: January or February? Refuse rather than guess.
        # dashes: day first unless USD says month
        fits.remove(day if order == "month" else month)
    return (fits[0],) if fits else ()


def _is_date(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _number_format(values: list[str]) -> tuple[str | None, str]:
    """(decimal mark, thousands separators) under which every amount parses; the decimal
    mark is the one found last in a value with a fraction ("1.234,56": ",")."""
    filled = [_bare(v) for v in values if v.strip()]
    if not filled:
        return None, ""
    marks: Counter[str] = Counter()
    for v in filled:
        found = re.search(r"[.,](\d{1,3})\)?-?$", v)
        if found and not re.fullmatch(r"[-+(]?\d{1,3}([.,]\d{3})+\)?-?", v):
            marks[v[found.start()]] += 1
    if len(marks) > 1:
        return None, ""
    decimal = next(iter(marks), ".")
    if not marks and any(re.search(r",\d{3}\b", v) for v in filled):
        decimal = "."
    thousands = "." if decimal == "," else ","
    extra = "'" if any("'" in v for v in filled) else ""
    for v in filled:
        try:
            amount(v, "", None, "", decimal=decimal, thousands=thousands + extra)
        except InputError:
            return None, ""
    return decimal, thousands + extra


_SYMBOLS = ("€", "$", "£", "EUR", "USD", "GBP", "CHF", "PLN", "zł", "kr")


def _bare(value: str) -> str:
    text = value.strip()
    for symbol in _SYMBOLS:
        text = text.replace(symbol, "")
    return re.sub(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])", "", text).strip()


def _symbols(values: list[str]) -> tuple[str, ...]:
    codes = sorted({m for v in values for m in re.findall(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])",
                                                           v) if is_currency(m)})
    return tuple(s for s in dict.fromkeys([*_SYMBOLS, *codes]) if any(s in v for v in values))


def _currency_in(names: list[str]) -> str | None:
    """A currency named in an amount header ("Betrag (EUR)", "Amount (GBP)", "CAD$",
    "Määrä EUROA")."""
    for n in names:
        for code in re.findall(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", n):
            if is_currency(code) and code not in _NOT_CURRENCY_WORDS:
                return code
    if any("€" in n or re.search(r"\beur(?:os?|oa)\b", n, re.I) for n in names):
        return "EUR"
    return None


_NOT_CURRENCY_WORDS = {"ALL", "TOP", "CUP", "MOP", "BAM"}


def _currency_columns(names: list[str], body: list[list[str]]) -> list[int]:
    """Columns named by a currency alone ("CAD$", "USD$", "EUR") that hold amounts: an
    account's amounts split by currency, of which only one may be filled."""
    found = []
    for i, name in enumerate(names):
        code = re.fullmatch(r"\s*([A-Z]{3})\s*\$?\s*", name)
        values = [_at(r, i) for r in body]
        if code and is_currency(code.group(1)) and any(values) and _values_fit("amount",
                                                                              values):
            found.append(i)
    return found


def _symbol_currency(values: list[str]) -> str | None:
    """The currency every amount carries: a symbol that names one currency (€, £; not $,
    which is a dozen currencies) or the same ISO code ("-1 234,56 PLN")."""
    filled = [v for v in values if v.strip()]
    for symbol, code in (("€", "EUR"), ("£", "GBP")):
        if filled and all(symbol in v for v in filled):
            return code
    codes = {m.group(1) for v in filled
             for m in [re.search(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", v)] if m}
    if filled and len(codes) == 1 and all(re.search(r"[A-Z]{3}", v) for v in filled):
        code = next(iter(codes))
        return code if is_currency(code) else None
    return None
