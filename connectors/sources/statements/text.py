"""Bytes to text, and the cell-level parsing every reader shares: amounts and dates.

Each function raises `InputError` naming the source, line and field, so that a
reader never lets another exception type escape.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from dunwell.currencies import MINOR_UNITS, NO_CURRENCY, display_exponent, is_currency
from dunwell.errors import InputError
from dunwell.money import MAX_WHOLE_DIGITS, ROUNDING, D, MoneyError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DIGITS = re.compile(r"[0-9]+")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """Text of a file: a named encoding, else UTF-8 (BOM ok), else the 8-bit code page
    detected (Windows-1250 for Polish or Czech text, ...), else Windows-1252; with a warning."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff"), []
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(source, f"cannot be read as {encoding}: {exc}") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        name = detect_8bit(data)
        warning = f"{source}:{line}: not valid UTF-8; read as {_NAMES[name]}"
        return (cp1252(data) if name == "cp1252" else data.decode(name, "replace")), [warning]


_NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2"}


def detect_8bit(data: bytes) -> str:
    """The likeliest 8-bit code page of text that is not UTF-8: cp1252, cp1250 or iso8859_2.

    Windows-1252 unless another reads the non-ASCII bytes as fewer symbols and controls
    (Polish "OP\xa3ATA" is OPŁATA, not OP£ATA), or charset-normalizer finds Central
    European language in it (Czech "zbo\x9e\xed \xe8." is zboží č., not zboží è.).
    """
    high = bytes(sorted({b for b in data if b >= 0x80}))
    scores = {name: _odd(high, name) for name in _NAMES}
    best = min(scores.values())
    tied = [name for name in _NAMES if scores[name] == best]
    if len(tied) == 1:
        return tied[0]
    if "cp1252" in tied and all(high.decode(n, "replace") == cp1252(high) for n in tied):
        return "cp1252"  # German, say: the same letters in every candidate
    from charset_normalizer import from_bytes

    guess = from_bytes(data, cp_isolation=tied, preemptive_behaviour=False).best()
    if guess is not None and guess.encoding in tied and (
            guess.encoding == "cp1252" or guess.language in _CENTRAL):
        return guess.encoding
    return "cp1252" if "cp1252" in tied else tied[0]


_CENTRAL = {"Polish", "Czech", "Slovak", "Hungarian", "Slovene", "Croatian", "Romanian",
            "Bosnian", "Serbian"}


def _odd(high: bytes, name: str) -> int:
    """How many of the distinct high bytes decode to no letter in code page `name`."""
    odd = 0
    for byte in high:
        try:
            char = bytes([byte]).decode(name)
        except UnicodeDecodeError:
            odd += 2
            continue
        odd += not char.isalpha()
    return odd


def cp1252(data: bytes) -> str:
    """Windows-1252, falling back to Latin-1 for the five bytes cp1252 leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def amount(text: str, source: str, line: int | None, field: str, *,
           decimal: str = ".", thousands: str = "") -> Decimal:
    """Parse a localised amount ("1.234,56", "11'373.94", "-5", "2,", "(3.00)") into a Decimal."""
    plain = _PLAIN[decimal].fullmatch(text) if decimal in _PLAIN else None
    if plain is not None:  # the common shape ("-1234,56", "500"): one regex, no rewriting
        sign, whole, frac = plain.groups()
        # digits only, as the regex matched: D's own check would repeat it on every row
        return Decimal(f"{'-' if sign == '-' else ''}{whole}.{frac or '0'}")
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


_PLAIN = {mark: re.compile(rf"([+-]?)([0-9]+)(?:\{mark}([0-9]*))?") for mark in ".,"}


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
    if currency not in _KNOWN and not _statement_currency(currency):
        raise InputError(source, f"{currency} is not an ISO 4217 currency code", line, field)
    if value.adjusted() >= MAX_WHOLE_DIGITS:
        raise InputError(source, f"{value} is too large (at most {MAX_WHOLE_DIGITS} digits "
                         "before the decimal mark)", line, field)
    exact = value.quantize(quantum(currency), rounding=ROUNDING)
    if exact != value:
        raise InputError(source, f"{value} has more decimals than {currency} allows", line, field)
    return exact


def currency(text: str, source: str, line: int | None, field: str) -> str:
    """An ISO 4217 code: three letters, upper case."""
    if text in _KNOWN:
        return text
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise InputError(source, f"not a currency code: {text!r}", line, field)
    if not _statement_currency(code):
        raise InputError(source, f"{code} is not an ISO 4217 currency code", line, field)
    return code


def _statement_currency(code: str) -> bool:
    """An ISO 4217 currency, or XXX ('no currency') that banks' test statements carry."""
    return is_currency(code) or code == NO_CURRENCY


# Codes already checked, as written: a file states its currency on every row.
_KNOWN = frozenset(c for c in (*MINOR_UNITS, NO_CURRENCY) if _CURRENCY.match(c))


def parse_date(text: str, fmt: str, source: str, line: int | None, field: str) -> date:
    """A date in a strptime format; a bad one is an InputError at its line and field."""
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        raise InputError(source, f"not a date ({fmt}): {text!r}", line, field) from None


def yymmdd(text: str, source: str, line: int | None, field: str) -> date:
    """SWIFT/BAI YYMMDD, years 80-99 being 19xx."""
    found = _yymmdd(text)
    if found is None:
        raise InputError(source, f"not a YYMMDD date: {text!r}", line, field)
    if found is False:
        raise InputError(source, f"not a date: {text!r}", line, field)
    return found


@lru_cache(maxsize=4096)
def _yymmdd(text: str) -> date | Literal[False] | None:
    """The date, False for six digits that are no date, None for anything else (cached:
    a statement repeats its few dates on every line)."""
    if not _SIX.fullmatch(text):
        return None
    year = int(text[:2])
    try:
        return date(year + (1900 if year >= 80 else 2000), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return False


_SIX = re.compile(r"[0-9]{6}")


def is_iban(text: str | None) -> bool:
    """True for text shaped like an IBAN (country, check digits, 10-30 alphanumerics)."""
    return bool(text) and _IBAN.fullmatch(text or "") is not None


_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


def iban_valid(text: str) -> bool:
    """True for an IBAN whose check digits hold (ISO 13616 mod 97): a number merely
    shaped like one (a card or reference number) is not taken for an account."""
    if not is_iban(text):
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


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
