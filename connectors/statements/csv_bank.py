"""Reading a bank CSV through its profile, and recognising the profile from the header."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId

from .csv_profiles import CsvProfile
from .text import amount, check_precision, clean, cp1252, currency, decode, is_iban, parse_date

csv.field_size_limit(10_000_000)
Cell = Callable[[str], str]


def profile_text(data: bytes, source: str, profile: CsvProfile) -> tuple[str, list[str]]:
    """The file's text in the profile's encoding (UTF-8/cp1252 fallback when it names none)."""
    if profile.encoding and profile.encoding.lower().replace("-", "") in ("cp1252", "windows1252"):
        return cp1252(data).lstrip("\ufeff"), []
    return decode(data, source, profile.encoding)


def rows(text: str, profile: CsvProfile, source: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line, cells) of every row, preamble included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=profile.separator)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"bad CSV: {exc}", start) from None


def header_of(text: str, profile: CsvProfile, source: str) -> tuple[int, list[str]] | None:
    """The header row after the preamble, names stripped; None for a file too short."""
    for line, cells in rows(text, profile, source):
        if line > profile.skip_rows and any(c.strip() for c in cells):
            return line, [c.strip().lstrip("\ufeff") for c in cells]
    return None


def matches(text: str, profile: CsvProfile, source: str) -> bool:
    """True when the header row holds every column the profile identifies itself by."""
    try:
        found = header_of(text, profile, source)
    except InputError:
        return False
    return found is not None and set(profile.header) <= set(found[1])


def read(text: str, profile: CsvProfile, source: str, default_currency: str | None
         ) -> tuple[list[BankTxn], list[int], list[str]]:
    """Transactions of a bank CSV; rows whose status is not booked are skipped with a warning."""
    found = header_of(text, profile, source)
    if found is None:
        raise InputError(source, "no header row", profile.skip_rows + 1)
    header_line, header = found
    index = _index(header, profile, source, header_line)
    txns: list[BankTxn] = []
    lines: list[int] = []
    skipped: list[str] = []
    for line, cells in rows(text, profile, source):
        if line <= header_line or not any(c.strip() for c in cells):
            continue
        cell = _cells(cells, index)
        status_column = profile.column("status") if profile.status_booked else None
        if status_column and cell(status_column) not in profile.status_booked:
            skipped.append(f"{line} ({cell(status_column)})")
            continue
        txns.append(_txn(cell, profile, source, line, default_currency))
        lines.append(line)
    warnings = [f"{source}: skipped {len(skipped)} rows not booked: lines {', '.join(skipped)}"
                ] if skipped else []
    if txns and not profile.column("account"):
        warnings.append(f"{source}: the export states no account; the account column stays blank")
    return txns, lines, warnings


def _index(header: list[str], profile: CsvProfile, source: str, line: int) -> dict[str, int]:
    """Column name -> position for every column the profile uses; a missing one is an error."""
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    for names in profile.columns.values():
        for name in names:
            if name not in index:
                raise InputError(source, f"column {name!r} missing from the header", line, name)
    return index


def _cells(cells: list[str], index: dict[str, int]) -> Cell:
    """A lookup of a row's stripped cell by column name ("" past the row's end)."""
    def cell(name: str) -> str:
        i = index[name]
        return cells[i].strip() if i < len(cells) else ""
    return cell


def _txn(cell: Cell, profile: CsvProfile, source: str, line: int,
         default_currency: str | None) -> BankTxn:
    """One data row -> BankTxn."""
    booked = parse_date(cell(profile.column("booking_date")), profile.date_format, source, line,
                        profile.column("booking_date"))
    ccy_column = profile.column("currency")
    code = (cell(ccy_column) if ccy_column else "") or profile.currency or default_currency
    if not code:
        raise InputError(source, "no currency in the row or the profile (pass a currency)", line,
                         ccy_column or "currency")
    ccy = currency(code, source, line, ccy_column or "currency")
    value = check_precision(_amount(cell, profile, source, line), ccy, source, line, "amount")
    remittance = " ".join(cell(c) for c in profile.columns.get("remittance_info", ()))
    optional = {k: (cell(profile.column(k)) if profile.column(k) else "") for k in
                ("account", "counterparty_name", "counterparty_iban", "transaction_id")}
    iban = optional["counterparty_iban"].replace(" ", "").upper()
    return BankTxn(TransactionId(optional["transaction_id"]), booked, value, ccy,
                   clean(optional["counterparty_name"]), iban if is_iban(iban) else None,
                   clean(remittance),
                   clean(optional["account"]))


def _amount(cell: Cell, profile: CsvProfile, source: str, line: int) -> Decimal:
    """Signed amount from an amount column (with an optional sign column) or debit/credit."""
    def parse(column: str) -> Decimal:
        text = cell(column)
        for symbol in profile.strip:
            text = text.replace(symbol, "")
        return amount(text, source, line, column, decimal=profile.decimal,
                      thousands=profile.thousands)

    if profile.column("amount"):
        value = parse(profile.column("amount"))
        return _signed(value, cell, profile, source, line)
    debit, credit = profile.column("debit"), profile.column("credit")
    if not cell(debit) and not cell(credit):
        raise InputError(source, "neither debit nor credit amount", line, f"{debit}/{credit}")
    out = abs(parse(credit)) if cell(credit) else Decimal(0)
    return out - (abs(parse(debit)) if cell(debit) else Decimal(0))


def _signed(value: Decimal, cell: Cell, profile: CsvProfile, source: str, line: int) -> Decimal:
    """Apply the sign column (Af/Bij, C/D) when the profile has one."""
    sign_column = profile.column("sign")
    if not sign_column:
        return value
    mark = cell(sign_column).upper()
    if mark in (v.upper() for v in profile.debit_values):
        return -abs(value)
    if mark in (v.upper() for v in profile.credit_values):
        return abs(value)
    raise InputError(source, f"sign {cell(sign_column)!r} is neither debit nor credit", line,
                     sign_column)
