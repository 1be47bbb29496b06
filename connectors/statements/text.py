"""Bytes to text, and the cell-level parsing every reader shares: amounts and dates.

Each function raises `InputError` naming the source, line and field, so that a
reader never lets another exception type escape.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from dunwell.currencies import display_exponent
from dunwell.errors import InputError
from dunwell.money import ROUNDING, D, MoneyError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DIGITS = re.compile(r"[0-9]+")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """Text of a file: a named encoding, else UTF-8 (BOM ok), else Windows-1252 with a warning."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff"), []
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(source, f"cannot be read as {encoding}: {exc}") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warning = f"{source}:{line}: not valid UTF-8; read as Windows-1252"
        return cp1252(data), [warning]


def cp1252(data: bytes) -> str:
    """Windows-1252, falling back to Latin-1 for the five bytes cp1252 leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def amount(text: str, source: str, line: int | None, field: str, *,
           decimal: str = ".", thousands: str = "") -> Decimal:
    """Parse a localised amount ("1.234,56", "11'373.94", "-5", "2,", "(3.00)") into a Decimal."""
    raw, negative = _sign(text.translate(_SPACES))
    whole, _, frac = raw.partition(decimal)
    for sep in thousands:
        whole = whole.replace(sep, "")
    if not _DIGITS.fullmatch(whole) and not (whole == "" and frac):
        raise InputError(source, f"not an amount: {text!r}", line, field)
    if frac and not _DIGITS.fullmatch(frac):
        raise InputError(source, f"not an amount: {text!r}", line, field)
    try:
        value = D(f"{whole or 0}.{frac or 0}")
    except MoneyError:  # pragma: no cover - the checks above already guard
        raise InputError(source, f"not an amount: {text!r}", line, field) from None
    return -value if negative else value


def _sign(raw: str) -> tuple[str, bool]:
    """Strip one sign: leading + or -, trailing -, or accounting brackets."""
    if raw[:1] in ("+", "-"):
        return raw[1:], raw[0] == "-"
    if raw.endswith("-"):
        return raw[:-1], True
    if raw.startswith("(") and raw.endswith(")"):
        return raw[1:-1], True
    return raw, False


@lru_cache(maxsize=512)
def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a Decimal exponent (0.01 for EUR; XXX as 0.01), cached."""
    return Decimal(1).scaleb(-display_exponent(currency))


def check_precision(value: Decimal, currency: str, source: str, line: int | None,
                    field: str) -> Decimal:
    """The amount at its currency's precision; more decimals than that is an InputError."""
    exact = value.quantize(quantum(currency), rounding=ROUNDING)
    if exact != value:
        raise InputError(source, f"{value} has more decimals than {currency} allows", line, field)
    return exact


def currency(text: str, source: str, line: int | None, field: str) -> str:
    """An ISO 4217 code: three letters, upper case."""
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise InputError(source, f"not a currency code: {text!r}", line, field)
    return code


def parse_date(text: str, fmt: str, source: str, line: int | None, field: str) -> date:
    """A date in a strptime format; a bad one is an InputError at its line and field."""
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        raise InputError(source, f"not a date ({fmt}): {text!r}", line, field) from None


def yymmdd(text: str, source: str, line: int | None, field: str) -> date:
    """SWIFT/BAI YYMMDD, years 80-99 being 19xx."""
    if not re.fullmatch(r"[0-9]{6}", text):
        raise InputError(source, f"not a YYMMDD date: {text!r}", line, field)
    year = int(text[:2])
    try:
        return date(year + (1900 if year >= 80 else 2000), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise InputError(source, f"not a date: {text!r}", line, field) from None


def is_iban(text: str | None) -> bool:
    """True for text shaped like an IBAN (country, check digits, 10-30 alphanumerics)."""
    return bool(text) and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", text or "") is not None


def clean(text: str | None) -> str | None:
    """Collapse runs of whitespace; empty text becomes None."""
    if text is None:
        return None
    out = " ".join(text.split())
    return out or None


def with_behalf(remittance: str | None, party: str | None, payer: str | None) -> str | None:
    """The remittance text with the party the payer paid for, when a statement names one
    other than the payer."""
    if not party or party.casefold() == (payer or "").casefold():
        return remittance
    return f"{remittance} / on behalf of {party}" if remittance else f"on behalf of {party}"
