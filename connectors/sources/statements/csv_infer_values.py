"""What a column's values are, for bank CSV inference: dates in one format, amounts with
one decimal mark, currency signs and codes, debit/credit words, running balances.

Also the refusal every inference step raises, `InferenceUnsure`, and the advice it ends
with (`HOW`): inference names what it could not place, never guesses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from dunwell.currencies import is_currency
from dunwell.errors import InputError

from .text import amount

SAMPLE = 200


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y",
                "%m-%d-%Y", "%Y%m%d", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y", "%d-%m-%y",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d %b %Y",
                "%d-%b-%Y", "%b %d, %Y", "%d-%m-%Y %H:%M:%S", "%m-%d-%Y %H:%M:%S",
                "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S",
                "%d-%m-%Y %H:%M", "%m-%d-%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M",
                "%Y.%m.%d", "%Y.%m.%d.", "%d-%b-%y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M:%SZ", "%Y/%m/%d %H:%M:%S")


class InferenceUnsure(InputError):
    """Inference could not place the columns a statement needs; the message says which."""


_DAY_FIRST = {"EUR", "GBP", "CHF", "PLN", "MXN", "SEK", "NOK", "DKK", "CZK", "HUF", "AUD", "NZD",
              "BRL", "INR", "ZAR"}


MIN_ROWS = 5


# Debit/credit marks: English, Dutch, German Soll/Haben (S/H), Italian/Portuguese,
# Hungarian Terhelés/Jóváírás (T/J), the Baltic D/K (Deebet/Kreedit, Debetas/Kreditas), +/-.
DEBIT_WORDS = {"d", "dr", "debit", "debet", "af", "s", "soll", "debito", "db", "t", "terheles",
               "deebet", "debetas", "debets", "-", "withdrawal", "cargo", "uscita"}
CREDIT_WORDS = {"c", "cr", "credit", "bij", "h", "haben", "credito", "cd", "j", "jovairas",
                "k", "kredit", "kreedit", "kreditas", "kredits", "+", "deposit", "abono",
                "entrata"}


SIGN_WORDS = DEBIT_WORDS | CREDIT_WORDS


def is_money(values: list[str]) -> bool:
    """A column of amounts with decimals (not ids, codes or whole numbers), gaps allowed."""
    filled = [v for v in values if v]
    return bool(filled) and number_format_of(filled)[0] is not None and sum(
        bool(re.search(r"[.,]\d{2}\)?-?$", without_symbols(v)))
        for v in filled) >= 0.8 * len(filled)


def to_decimal(value: str) -> Decimal | None:
    """A cell's amount, whichever of "." or "," is its decimal mark; None when empty."""
    if not value:
        return None
    decimal, thousands = number_format_of([value])
    if decimal is None:
        return None
    return amount(without_symbols(value), "", None, "", decimal=decimal, thousands=thousands)


def runs_as_balance(balance: list[Decimal | None], amounts: Sequence[Decimal | None]) -> int:
    """1 when `balance` is a running balance adding the amounts row by row (the balance
    before or after each row), -1 when it subtracts them (rows newest first), else 0."""
    known = [b for b in balance if b is not None]
    if len(balance) < MIN_ROWS or len(known) < len(balance):
        return 0
    steps = [known[r + 1] - known[r] for r in range(len(known) - 1)]
    for shift in (0, 1):
        moved = [amounts[r + shift] for r in range(len(steps))]
        for sign in (1, -1):
            if all(m is not None and step == sign * m
                   for step, m in zip(steps, moved, strict=True)):
                return sign
    return 0


def as_dates(values: list[str], order: str | None) -> list[datetime]:
    """The values as dates in their one format (for the rows' order)."""
    fmt = fitting_date_formats(values, order)[0]
    return [datetime.strptime(v, fmt) for v in values]


HOW = ("write a profile for it (dunwell statement profile infer FILE -o NAME.yaml gives a "
        "start; see connectors/sources/statements/README.md) and pass "
        "--profiles DIR --profile NAME")


def looks_number_or_date(cell: str) -> bool:
    return bool(re.fullmatch(r"[-+(]?[0-9][0-9.,' /:-]*\)?", cell.strip()))


def cell_at(row: list[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


def date_order(currency: str | None) -> str | None:
    """Which comes first in a d/m or m/d date where the currency's country says so."""
    if currency == "USD":
        return "month"
    return "day" if currency in _DAY_FIRST else None


def fitting_date_formats(values: list[str], order: str | None = None) -> tuple[str, ...]:
    """The one format every non-empty value reads in; () when none, or when day and month
    could be either way round and `order` does not say which."""
    filled = [v for v in values if v][:SAMPLE]
    if not filled:
        return ()
    fits = [f for f in DATE_FORMATS if all(is_date(v, f) for v in filled)]
    for day in [f for f in fits if "%m" in f and f.index("%d") < f.index("%m")]:
        month = day.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
        if month not in fits:
            continue
        if order is None and not day.startswith("%d-"):
            return ()  # 01/02/2025: January or February? Refuse rather than guess.
        # dashes: day first unless USD says month
        fits.remove(day if order == "month" else month)
    return (fits[0],) if fits else ()


def is_date(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def number_format_of(values: list[str]) -> tuple[str | None, str]:
    """(decimal mark, thousands separators) under which every amount parses; the decimal
    mark is the one found last in a value with a fraction ("1.234,56": ",")."""
    filled = [without_symbols(v) for v in values if v.strip()]
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


_SYMBOLS = ("R$", "€", "$", "£", "EUR", "USD", "GBP", "CHF", "PLN", "zł", "kr", "Kč", "Ft", "TL")
# Symbols that name one currency each ($ names a dozen).
_SYMBOL_CODES = (("€", "EUR"), ("£", "GBP"), ("R$", "BRL"), ("zł", "PLN"), ("Kč", "CZK"),
                 ("Ft", "HUF"), ("TL", "TRY"))


def without_symbols(value: str) -> str:
    text = value.strip()
    for symbol in _SYMBOLS:
        text = text.replace(symbol, "")
    return re.sub(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])", "", text).strip()


def symbols_in(values: list[str]) -> tuple[str, ...]:
    codes = sorted({m for v in values for m in re.findall(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])",
                                                           v) if is_currency(m)})
    return tuple(s for s in dict.fromkeys([*_SYMBOLS, *codes]) if any(s in v for v in values))


def currency_in_names(names: list[str]) -> str | None:
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


def symbol_currency(values: list[str]) -> str | None:
    """The currency every amount carries: a symbol that names one currency (€, £; not $,
    which is a dozen currencies) or the same ISO code ("-1 234,56 PLN")."""
    filled = [v for v in values if v.strip()]
    for symbol, code in _SYMBOL_CODES:
        if filled and all(symbol in v for v in filled):
            return code
    codes = {m.group(1) for v in filled
             for m in [re.search(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", v)] if m}
    if filled and len(codes) == 1 and all(re.search(r"[A-Z]{3}", v) for v in filled):
        code = next(iter(codes))
        return code if is_currency(code) else None
    return None
