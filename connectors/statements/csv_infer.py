"""A profile for a bank CSV nobody described: header row, separator, columns, formats.

The header row is the first row after any preamble whose cells are mostly names
and below which rows keep the same width. Columns are placed by their names in
English, German, Dutch, French, Spanish, Italian and Polish, then checked
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
from datetime import datetime

from dunwell.errors import InputError

from .csv_profiles import CsvProfile
from .text import amount, is_iban

_SAMPLE = 200
_SEPARATORS = ";,\t|"
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y",
                 "%Y%m%d", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y", "%d-%m-%y", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y")

# Header names by field, lower-cased and without accents; the earlier a name, the better.
NAMES: dict[str, tuple[str, ...]] = {
    "booking_date": (
        "booking date", "posting date", "transaction date", "date", "completed date",
        "date completed (utc)", "started date", "buchungstag", "buchungsdatum", "datum",
        "boekdatum", "transactiedatum", "date operation", "date d'operation",
        "date de comptabilisation", "date comptable", "fecha operacion", "fecha",
        "fecha contable", "data operazione", "data contabile", "data", "data ksiegowania",
        "data operacji", "data transakcji", "posted date", "trans. date", "date posted"),
    "value_date": ("value date", "valuta", "wertstellung", "valutadatum", "rentedatum",
                   "date de valeur", "fecha valor", "data valuta", "data waluty"),
    "amount": (
        "amount", "transaction amount", "amount (eur)", "betrag", "betrag (eur)", "umsatz",
        "bedrag", "bedrag (eur)", "montant", "importe", "importo", "kwota", "kwota operacji",
        "value", "net amount", "amount eur", "betrag (€)", "montant (eur)"),
    "debit": ("debit", "debit amount", "withdrawal", "withdrawals", "money out", "paid out",
              "soll", "lastschrift", "af", "debet", "debit (eur)", "debito", "cargo", "addebiti",
              "uscite", "obciazenia", "wydatki", "debit (€)"),
    "credit": ("credit", "credit amount", "deposit", "deposits", "money in", "paid in",
               "haben", "gutschrift", "bij", "credit (eur)", "credito", "abono", "abonos",
               "accrediti", "entrate", "uznania", "wplywy", "credit (€)"),
    "currency": ("currency", "ccy", "valuta",
                 "wahrung", "waehrung", "valuta code", "munt", "devise",
                 "monnaie", "divisa", "moneda", "waluta", "currency code"),
    "counterparty_name": (
        "counterparty", "counterparty name", "payee", "payer", "payee/payer", "name", "merchant",
        "beneficiary", "beguenstigter/zahlungspflichtiger", "begunstigter/zahlungspflichtiger",
        "zahlungsempfanger", "auftraggeber/empfanger", "empfanger", "auftraggeber",
        "zahlungspflichtige*r", "zahlungsempfanger*in", "naam", "naam / omschrijving",
        "tegenpartij", "naam tegenpartij", "beneficiaire", "tiers", "contrepartie",
        "beneficiario", "ordenante", "controparte", "kontrahent", "nazwa kontrahenta",
        "odbiorca", "nadawca", "counter party", "other party"),
    "counterparty_iban": (
        "iban", "counterparty iban", "counterparty account", "iban/kontonummer",
        "kontonummer/iban", "iban zahlungsempfanger", "tegenrekening", "tegenrekening iban",
        "rekening tegenpartij", "compte", "iban contrepartie", "cuenta", "conto",
        "rachunek kontrahenta", "numer rachunku"),
    "remittance_info": (
        "description", "reference", "memo", "details", "payment reference", "narrative",
        "transaction description", "verwendungszweck", "buchungstext", "vorgang/verwendungszweck",
        "umsatztext", "omschrijving", "mededelingen", "mededeling", "libelle", "libelle operation",
        "communication", "concepto", "descripcion", "causale", "descrizione", "tytul",
        "tytul operacji", "opis", "opis operacji", "text", "purpose", "remittance information"),
    "transaction_id": ("transaction id", "transaction reference", "id", "reference number",
                       "transaktions-id", "referenz", "kenmerk", "reference operation",
                       "numero de transaction"),
    "sign": ("debit/credit", "af bij", "d/c", "cr/dr", "soll/haben", "credit/debit", "s/h",
             "debit credit"),
    "status": ("status", "state", "estado", "stato"),
    "account": ("account", "account number", "iban account", "auftragskonto", "konto",
                "rekening", "rekeningnummer", "numero de compte", "my account",
                "own account", "rachunek"),
}
_REQUIRED = ("booking_date",)
_BOOKED = ("completed", "posted", "booked", "gebucht", "umsatz gebucht", "settled", "cleared")


class InferenceUnsure(InputError):
    """Inference could not place the columns a statement needs; the message says which."""


def fold(name: str) -> str:
    """A header name compared loosely: lower case, no accents, single spaces, no quotes,
    without a currency after it ("Betrag (EUR)", "Débit euros", "Amount in GBP")."""
    text = unicodedata.normalize("NFKD", name.strip().strip('"').lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss")
    text = " ".join(text.replace("_", " ").split())
    return _CURRENCY_SUFFIX.sub("", text) or text


_CURRENCY_SUFFIX = re.compile(r"\s*(\((?:[a-z]{3}|[€$£])\)|(?:in )?(?:eur|euros?|usd|gbp|chf|"
                              r"pln|[€$£]))$")
_DAY_FIRST = {"EUR", "GBP", "CHF", "PLN", "MXN", "SEK", "NOK", "DKK", "CZK", "HUF", "AUD", "NZD",
              "BRL", "INR", "ZAR"}


def infer(text: str, source: str, name: str = "inferred", currency: str | None = None
          ) -> tuple[CsvProfile, list[str]]:
    """A profile for the CSV text and a line per decision, for the user to read.

    `currency` (the user's --currency) also settles 01/02/2025: day first for EUR, GBP
    and most others, month first for USD; without it such dates are refused."""
    separator = _separator(text)
    table = _table(text, separator, source)
    header_at = _header_row(table)
    if header_at is None:
        raise InferenceUnsure(source, "no header row found: a bank CSV needs a row of column "
                              "names above its transactions", 1)
    line, header = table[header_at]
    names = [c.strip().lstrip("\ufeff") for c in header]
    body = [cells for _, cells in table[header_at + 1:header_at + 1 + _SAMPLE]]
    columns = _placed(names, body, source, line)
    notes: list[str] = []
    date_column = names[columns["booking_date"]]
    amount_cols = [columns[f] for f in ("amount", "debit", "credit") if f in columns]
    found_ccy = None if "currency" in columns else (
        _currency_in(names) or _symbol_currency([_at(r, i) for r in body for i in amount_cols]))
    order = _order(currency or found_ccy)
    formats = _date_formats([_at(r, columns["booking_date"]) for r in body], order)
    if not formats:
        raise InferenceUnsure(source, f"the dates in column {date_column!r} match no one date "
                              "format (or two ambiguously, like 01/02/2025: --currency USD "
                              "reads month first, EUR or GBP day first); " + HOW, line,
                              date_column)
    decimal, thousands = _number_format([_at(r, i) for r in body for i in amount_cols])
    if decimal is None:
        raise InferenceUnsure(source, "the amounts use no one decimal mark; " + HOW, line,
                              names[amount_cols[0]])
    mapped = {f: (names[i],) for f, i in columns.items() if f != "value_date"}
    currency = found_ccy or (None if "currency" in columns else currency)
    if currency is None and "currency" not in columns:
        notes.append("no currency column: pass --currency (or set currency: in the profile)")
    status_booked = _booked(columns, body)
    if not status_booked:
        mapped.pop("status", None)
    preamble = " ".join(" ".join(cells) for _, cells in table[:header_at])
    ibans = set(re.findall(r"\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b", preamble))
    account_pattern = None
    if "account" not in columns and len(ibans) == 1:
        account_pattern = r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b"
        notes.append(f"account {next(iter(ibans))} from the lines above the header")
    profile = CsvProfile(
        name=name, header=tuple(names[i] for f, i in sorted(columns.items(), key=lambda x: x[1])
                                if f in ("booking_date", "amount", "debit", "credit")),
        columns=mapped, separator=separator, skip_rows=line - 1, date_formats=formats,
        decimal=decimal, thousands=thousands, currency=currency,
        strip=_symbols([_at(r, i) for r in body for i in amount_cols]),
        status_booked=status_booked, skip_undated=True, account_pattern=account_pattern,
        description=f"inferred from {source}")
    notes[:0] = [f"header on line {line}, separator {separator!r}, dates {' or '.join(formats)}"
                 f", decimal mark {decimal!r}",
                 "columns: " + ", ".join(f"{f} = {v[0]!r}" for f, v in mapped.items())]
    return profile, notes


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


def _booked(columns: dict[str, int], body: list[list[str]]) -> tuple[str, ...]:
    """Status values meaning booked ("Gebucht", "COMPLETED"), when there is a status column."""
    if "status" not in columns:
        return ()
    values = {_at(r, columns["status"]) for r in body}
    return tuple(sorted(v for v in values if fold(v) in _BOOKED))


HOW = ("write a profile for it (dunwell statement profile infer FILE -o NAME.yaml gives a "
        "start; see connectors/statements/README.md) and pass "
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


def _table(text: str, separator: str, source: str) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
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
    """The first row of mostly names whose width the rows below it keep."""
    for i, (_, cells) in enumerate(table[:40]):
        filled = [c for c in cells if c.strip()]
        if len(filled) < 2 or any(_looks_number_or_date(c) for c in filled):
            continue
        below = [c for _, c in table[i + 1:i + 6]]
        same = [c for c in below if abs(len(c) - len(cells)) <= 1]
        dated = any(_is_date(v.strip(), f) for c in same[:3] for v in c for f in _DATE_FORMATS)
        if below and len(same) >= max(1, len(below) - 1) and dated:
            return i
    return None


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
    taken: set[int] = set()
    for field, candidates in NAMES.items():
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
    if "booking_date" not in placed and "value_date" in placed:
        placed["booking_date"] = placed.pop("value_date")
    if "amount" in placed and ({"debit", "credit"} & placed.keys()):
        for f in ("debit", "credit"):
            placed.pop(f, None)
    if "counterparty_iban" in placed and not any(
            is_iban(_at(r, placed["counterparty_iban"]).replace(" ", "").upper()) for r in body):
        del placed["counterparty_iban"]
    return placed


def _values_fit(field: str, values: list[str]) -> bool:
    """Do a column's values look like the field (dates, amounts, a currency code)?"""
    filled = [v for v in values if v]
    if field in ("booking_date", "value_date"):
        return bool(filled) and bool(_date_formats(filled, "day"))
    if field in ("debit", "credit"):  # one of the pair may be empty in a short export
        return not filled or _number_format(filled)[0] is not None
    if field in ("amount", "fee"):
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
    for day, month in (("%d/%m/%Y", "%m/%d/%Y"), ("%d/%m/%y", "%m/%d/%y")):
        if {day, month} <= set(fits):
            if order is None:
                return ()  # 01/02/2025: January or February? Refuse rather than guess.
            fits.remove(month if order == "day" else day)
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
    marks = Counter()
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
    return text.strip()


def _symbols(values: list[str]) -> tuple[str, ...]:
    return tuple(s for s in _SYMBOLS if any(s in v for v in values))


def _currency_in(names: list[str]) -> str | None:
    """A currency named in an amount header ("Betrag (EUR)", "Amount (GBP)")."""
    for n in names:
        found = re.search(r"\(([A-Z]{3})\)|\b(EUR|USD|GBP|CHF|PLN)\b", n)
        if found:
            return found.group(1) or found.group(2)
    if any("€" in n or re.search(r"\beuros?\b", n, re.I) for n in names):
        return "EUR"
    return None


def _symbol_currency(values: list[str]) -> str | None:
    """The currency of a symbol every amount carries that names one currency (€, £)."""
    filled = [v for v in values if v.strip()]
    for symbol, code in (("€", "EUR"), ("£", "GBP")):
        if filled and all(symbol in v for v in filled):
            return code
    return None
