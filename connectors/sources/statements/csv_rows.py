"""One bank CSV data row -> BankTxn, by column positions resolved once per file.

A profile names its columns; `Layout` turns those names into positions in the file's
header once, so that a row is read by index, not by a name lookup per cell. Dates and
currencies are cached by the text of their cell: an export repeats its booking days and
its currency on row after row. Every check and every error message (file, line, column)
is the one the profile reader always gave.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId
from dunwell.money import MAX_WHOLE_DIGITS, ROUNDING

from .csv_profiles import CsvProfile
from .text import amount, check_precision, currency, is_iban, parse_date, quantum


class Layout:
    """Where a profile's fields are in one file's header, and what its rows have shown.

    Positions are None for a field the profile does not have (a column named "" is the
    blank-headed one for sign, and no column for the other optional fields, as before).
    """

    __slots__ = ("profile", "source", "index", "date", "amount", "pair", "sign", "ccy",
                 "ccy_column", "tid", "account", "iban", "name", "by_sign", "texts",
                 "preamble_account", "default_currency", "dates", "currencies", "plain")
    pair: tuple[int, int] | None  # debit, credit: where there is no amount column
    by_sign: tuple[int | None, int | None] | None  # payer's, payee's name (DKB)
    plain: tuple[re.Pattern[str], int] | None  # an amount cell's plain shape, its position

    def __init__(self, profile: CsvProfile, source: str, index: dict[str, int],
                 default_currency: str | None, preamble_account: str | None) -> None:
        single = profile.single

        def at(field: str) -> int | None:
            return index[single[field]] if single.get(field) else None

        self.profile, self.source, self.index = profile, source, index
        self.date = index[single["booking_date"]]
        self.amount, self.ccy, self.tid = at("amount"), at("currency"), at("transaction_id")
        self.account, self.iban, self.name = (at("account"), at("counterparty_iban"),
                                              at("counterparty_name"))
        self.ccy_column = single.get("currency") or "currency"
        self.pair = (None if self.amount is not None
                     else (index[single["debit"]], index[single["credit"]]))
        self.sign = index[single["sign"]] if "sign" in single else None
        names = [index[n] if n else None for n in profile.columns.get("counterparty_name", ())]
        self.by_sign = ((names[0], names[1])
                        if profile.counterparty_by_sign and len(names) == 2 else None)
        self.texts = tuple(index[c] for c in profile.columns.get("remittance_info", ()))
        self.preamble_account, self.default_currency = preamble_account, default_currency
        self.dates: dict[str, date] = {}
        self.currencies: dict[str, tuple[str, Decimal]] = {}
        # an amount column alone, nothing to strip: the common shape is read in one step
        self.plain = ((_PLAIN[profile.decimal], self.amount) if self.amount is not None
                      and self.sign is None and not profile.strip and profile.decimal in _PLAIN
                      else None)

    def text(self, row: list[str], column: str) -> str:
        """A row's stripped cell by column name (the rarer rules: skip, continuation, fee)."""
        return row[self.index[column]].strip()

    def txn(self, row: list[str], line: int) -> BankTxn:
        """One data row (at least as wide as the header) -> BankTxn."""
        raw = row[self.date]
        booked = self.dates.get(raw) or self._date(raw, line)
        raw = row[self.ccy] if self.ccy is not None else ""
        ccy, unit = self.currencies.get(raw) or self._currency(raw, line)
        plain = self.plain
        if plain is not None and plain[0].fullmatch(text := row[plain[1]].strip()):
            value = Decimal(text.replace(",", "."))  # what `amount` makes of this shape
        else:
            value = self._amount(row, line)
        if value.adjusted() < MAX_WHOLE_DIGITS and (
                exact := value.quantize(unit, rounding=ROUNDING)) == value:
            value = exact
        else:  # `check_precision` says what is wrong, of the amount as `amount` reads it
            value = check_precision(self._amount(row, line), ccy, self.source, line, "amount")
        if self.profile.invert_sign:
            value = -value
        return self._record(row, booked, value, ccy)

    def _record(self, row: list[str], booked: date, value: Decimal, ccy: str) -> BankTxn:
        """The record of a row whose date, amount and currency are read."""
        name = self.name if self.by_sign is None else self.by_sign[0 if value > 0 else 1]
        iban = row[self.iban].strip().replace(" ", "").upper() if self.iban is not None else ""
        texts = self.texts
        remittance = row[texts[0]] if len(texts) == 1 else " ".join([row[i] for i in texts])
        account = (" ".join(row[self.account].split()) or None if self.account is not None
                   else None) or self.preamble_account
        return BankTxn(TransactionId(row[self.tid].strip() if self.tid is not None else ""),
                       booked, value, ccy,
                       " ".join(row[name].split()) or None if name is not None else None,
                       iban if iban and is_iban(iban) else None,
                       " ".join(remittance.split()) or None, account)

    def _date(self, raw: str, line: int) -> date:
        """The booking date in the first of the profile's formats that reads it (remembered
        by its cell's text); none reads it: an InputError at the line."""
        text = raw.strip()
        found = first_date(text, self.profile.date_formats)
        if found is None:
            column = self.profile.required("booking_date")
            found = parse_date(text, self.profile.date_formats[-1], self.source, line, column)
        self.dates[raw] = found
        return found

    def _currency(self, raw: str, line: int) -> tuple[str, Decimal]:
        """The row's currency: its cell, else the profile's, else the default (remembered by
        the cell's text), with its minor unit; none, or no ISO 4217 code: an InputError at the
        line."""
        code = raw.strip() or self.profile.currency or self.default_currency
        if not code:
            raise InputError(self.source, "no currency in the row or the profile: pass --currency "
                             "CODE (or set currency: in the profile, or the default_currency "
                             "setting, DUNWELL_DEFAULT_CURRENCY)", line, self.ccy_column)
        found = currency(code, self.source, line, self.ccy_column)
        self.currencies[raw] = found, quantum(found)
        return found, quantum(found)

    def parse(self, row: list[str], line: int, column: str) -> Decimal:
        """A localised amount cell, currency symbols stripped."""
        profile = self.profile
        text = row[self.index[column]].strip()
        for symbol in profile.strip:
            text = text.replace(symbol, "")
        return amount(text, self.source, line, column, decimal=profile.decimal,
                      thousands=profile.thousands)

    def _amount(self, row: list[str], line: int) -> Decimal:
        """Signed amount from an amount column (with an optional sign column) or debit/credit."""
        single = self.profile.single
        if self.amount is not None:
            value = self.parse(row, line, single["amount"])
            return value if self.sign is None else self._signed(value, row[self.sign], line)
        assert self.pair is not None  # there is no amount column
        debit, credit = single["debit"], single["credit"]
        paid, received = row[self.pair[0]].strip(), row[self.pair[1]].strip()
        if not paid and not received:
            raise InputError(self.source, "neither debit nor credit amount", line,
                             f"{debit}/{credit}")
        out = abs(self.parse(row, line, credit)) if received else Decimal(0)
        return out - (abs(self.parse(row, line, debit)) if paid else Decimal(0))

    def _signed(self, value: Decimal, raw: str, line: int) -> Decimal:
        """Apply the sign column's mark (Af/Bij, C/D)."""
        profile = self.profile
        cell = raw.strip()
        mark = cell.upper()
        if mark in (v.upper() for v in profile.debit_values):
            return -abs(value)
        if mark in (v.upper() for v in profile.credit_values):
            return abs(value)
        raise InputError(self.source, f"sign {cell!r} is neither debit nor credit", line,
                         profile.required("sign"))


# "-1234.56", "500", "2,": the shape `amount` reads as the number itself, per decimal mark
_PLAIN = {mark: re.compile(rf"[+-]?[0-9]+(?:\{mark}[0-9]*)?") for mark in ".,"}


@lru_cache(maxsize=8192)
def first_date(text: str, formats: tuple[str, ...]) -> date | None:
    """The date in the first format that reads it, None when none does (cached: strptime is
    slow, and the same days come back file after file)."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
