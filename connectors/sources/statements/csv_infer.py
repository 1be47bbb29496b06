"""A profile for a bank CSV nobody described: header row, separator, columns, formats.

The header row is the first row after any preamble whose cells are mostly names
and below which rows keep the same width (csv_infer_layout). Columns are placed by their
names in English, German, Dutch, French, Spanish, Italian, Portuguese, Polish, Czech,
Hungarian, Estonian, Turkish and the Nordic languages (csv_infer_names), then checked
against the values (csv_infer_values: a date column must read as dates in one format,
amounts as amounts with one decimal mark); a file without a header is placed by its values
alone (csv_infer_headerless). When the date or the amount cannot be placed, or two columns
fit equally, inference refuses with `InferenceUnsure` naming what it could not place:
never a silent guess. This module puts the pieces together and settles the currency and
the sign.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dunwell.currencies import is_currency, national_currency
from dunwell.errors import InputError

from .csv_card import CardSignUnsure, holder_sign
from .csv_infer_headerless import KIND_IN, KIND_OUT, columns_by_values
from .csv_infer_layout import (
    bare_end_rows,
    find_header_row,
    find_separator,
    read_table,
    skip_patterns,
    spaced_after_separator,
    without_footer,
)
from .csv_infer_names import (
    BOOKED,
    FEE,
    NAMES,
    NET,
    NOT_BOOKED,
    PENDING,
    fold,
    known_names,
    place_columns,
)
from .csv_infer_values import (
    CREDIT_WORDS,
    DEBIT_WORDS,
    HOW,
    SAMPLE,
    SIGN_WORDS,
    InferenceUnsure,
    cell_at,
    currency_in_names,
    date_order,
    fitting_date_formats,
    number_format_of,
    runs_as_balance,
    symbol_currency,
    symbols_in,
    to_decimal,
    without_symbols,
)
from .csv_profiles import CsvProfile
from .text import amount, iban_valid

__all__ = ["HOW", "InferenceUnsure", "fold", "infer", "known_names"]


def infer(text: str, source: str, name: str = "inferred", currency: str | None = None
          ) -> tuple[CsvProfile, list[str]]:
    """A profile for the CSV text and a line per decision, for the user to read.

    `currency` (the user's --currency) also settles 01/02/2025: day first for EUR, GBP
    and most others, month first for USD; without it such dates are refused."""
    separator = find_separator(text)
    spaced = spaced_after_separator(text, separator)
    table = read_table(text, separator, source, spaced)
    header_at = find_header_row(table)
    notes: list[str] = []
    if header_at is None:
        line, names, body, columns = columns_by_values(table, source, currency)
        notes.append("no header row: columns placed by their values")
    else:
        line, header = table[header_at]
        names = [c.strip().lstrip("\ufeff") for c in header]
        body = without_footer([cells for _, cells in
                               table[header_at + 1:header_at + 1 + SAMPLE]])
        columns = place_columns(names, body, source, line)
    date_column = names[columns["booking_date"]]
    amount_cols = [columns[f] for f in ("amount", "debit", "credit") if f in columns]
    found_ccy = None if "currency" in columns else (
        currency_in_names([names[i] for i in amount_cols])
        or symbol_currency([cell_at(r, i) for r in body for i in amount_cols])
        or currency_in_names(names))
    preamble = (" ".join(" ".join(cells) for _, cells in table[:header_at])
                if header_at is not None else "")  # no header: every row is data
    if currency is None and found_ccy is None and "currency" not in columns:
        found_ccy = (_preamble_currency(table[:header_at or 0], notes)
                     or _account_currency(preamble, columns, body, notes))
    order = date_order(currency or found_ccy)
    dates = [cell_at(r, columns["booking_date"]) for r in body]
    pending = sorted({d for d in dates if fold(d) in PENDING})
    formats = fitting_date_formats([d for d in dates if d not in pending], order)
    if not formats:
        raise InferenceUnsure(source, f"the dates in column {date_column!r} match no one date "
                              "format (or two ambiguously, like 01/02/2025: --currency USD "
                              "reads month first, EUR or GBP day first); " + HOW, line,
                              date_column)
    decimal, thousands = number_format_of([cell_at(r, i) for r in body for i in amount_cols])
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
    mapped.update(_fee_column(names, columns, body, source, line, notes))
    status_booked = _booked(names, columns, body, source, line)
    if not status_booked:
        mapped.pop("status", None)
    ibans = _preamble_ibans(preamble)
    first = re.search(rf"\b({_IBAN})\b", preamble)  # what the pattern reads as the account
    account_pattern = None
    if "account" not in columns and ibans == {(first.group(1) if first else "").replace(" ", "")}:
        account_pattern = rf"\b({_IBAN})\b"
        notes.append(f"account {next(iter(ibans))} from the lines above the header")
    debit_values, credit_values = CsvProfile.debit_values, CsvProfile.credit_values
    if "sign" in columns:  # every word for debit and credit, also those not in the sample
        debit_values = tuple(sorted(w.upper() for w in DEBIT_WORDS))
        credit_values = tuple(sorted(w.upper() for w in CREDIT_WORDS))
    rows = table[header_at + 1:] if header_at is not None else table
    skip_if = (*skip_patterns(separator, columns["booking_date"], pending, rows, notes),
               *bare_end_rows(rows, separator, source, notes))
    profile = CsvProfile(
        name=name, header=tuple(names[i] for f, i in sorted(columns.items(), key=lambda x: x[1])
                                if f in ("booking_date", "amount", "debit", "credit")),
        columns=mapped, separator=separator, skip_rows=line - 1,
        date_formats=formats, header_row=header_at is not None,
        decimal=decimal, thousands=thousands, currency=currency,
        strip=symbols_in([cell_at(r, i) for r in body for i in amount_cols]),
        status_booked=status_booked, skip_undated=True, account_pattern=account_pattern,
        skip_if=skip_if, invert_sign=invert, space_after_separator=spaced,
        debit_values=debit_values, credit_values=credit_values,
        description=f"inferred from {source}")
    where = f"header on line {line}" if header_at is not None else "no header row"
    notes[:0] = [f"{where}, separator {separator!r}, dates {' or '.join(formats)}"
                 f", decimal mark {decimal!r}",
                 "columns: " + ", ".join(f"{f} = {v[0]!r}" for f, v in mapped.items())]
    return profile, notes


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


# An IBAN printed whole or in groups of four ("FI12 1234 5600 0123 45").
_IBAN = r"[A-Z]{2}\d{2}(?:[A-Z0-9]{10,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"


def _preamble_ibans(preamble: str) -> set[str]:
    """The IBANs above the header, spaces removed. One printed in groups and followed by a
    short word ("... 0123 45 EUR") is cut back to the groups that make it valid; one
    valid at no length is kept whole, so its country gives no currency."""
    found = set()
    for match in re.finditer(rf"\b{_IBAN}\b", preamble):
        groups = match.group(0).split(" ")
        whole = [("".join(groups[:n])) for n in range(len(groups), 2, -1)]
        found.add(next((g for g in whole if iban_valid(g)), "".join(groups)))
    return found


def _account_currency(preamble: str, columns: dict[str, int], body: list[list[str]],
                      notes: list[str]) -> str | None:
    """The national currency of the account's IBAN country (the account column, else the
    one IBAN above the header), when the file names no currency and none is configured:
    an account in BE is kept in EUR unless the bank says otherwise. Said in the notes."""
    found = {v.replace(" ", "").upper() for v in
             ([cell_at(r, columns["account"]) for r in body] if "account" in columns else [])}
    if not found:
        found = _preamble_ibans(preamble)
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
            return amount(without_symbols(text), "", None, "", decimal=decimal, thousands=thousands)
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
    numbers = [to_decimal(cell_at(r, columns["amount"])) for r in body]
    if not any(numbers) or any((n or 0) < 0 for n in numbers):
        return
    for i, name in enumerate(names):
        values = [cell_at(r, i) for r in body]
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
    _refuse_kinds_both_ways(names, columns, body, source, line)


def _refuse_kinds_both_ways(names: list[str], columns: dict[str, int], body: list[list[str]],
                            source: str, line: int) -> None:
    """InferenceUnsure for amounts never negative whose rows name money going both ways
    ("ATM Withdrawal" on one, "Direct Deposit" on another): read unsigned, every withdrawal
    would count as money in."""
    amount_at = columns["amount"]
    kinds = set()
    for row in body:
        text = " ".join(c for i, c in enumerate(row) if i != amount_at)
        into, out = bool(KIND_IN.search(text)), bool(KIND_OUT.search(text))
        if into != out:
            kinds.add("in" if into else "out")
    if kinds == {"in", "out"}:
        raise InferenceUnsure(source, f"the amounts in column {names[amount_at]!r} are never "
                              "negative, yet some rows name money out (a withdrawal, a "
                              "purchase) and others money in (a deposit): nothing in the file "
                              "says which amounts to negate; " + HOW, line, names[amount_at])


def _fee_column(names: list[str], columns: dict[str, int], body: list[list[str]],
                source: str, line: int, notes: list[str]) -> dict[str, tuple[str, ...]]:
    """A Fee column beside one amount column (Revolut's), when any fee is not zero: booked
    as its own row when the running balance moves by the amount less the fee, left out
    when it moves by the amount alone (the fee is in it); InferenceUnsure when no balance
    says which, as either reading could be a wrong sum. {} when there is no such fee."""
    if "amount" not in columns or fold(names[columns["amount"]]) in NET:
        return {}  # a Gross/Fee/Net report's net already has the fee taken off
    at = next((i for i, n in enumerate(names) if fold(n) in FEE), None)
    if at is None or not any(to_decimal(cell_at(r, at)) for r in body):
        return {}
    rows = [r for r in body if "balance" in columns and cell_at(r, columns["balance"])]
    fees = [abs(to_decimal(cell_at(r, at)) or Decimal(0)) for r in rows]
    if any(fees):  # a fee the balance saw: it tells whether the amount holds it
        balance = [to_decimal(cell_at(r, columns["balance"])) for r in rows]
        amounts = [to_decimal(cell_at(r, columns["amount"])) for r in rows]
        if runs_as_balance(balance, [a - f if a is not None else None
                                     for a, f in zip(amounts, fees, strict=True)]):
            notes.append(f"column {names[at]!r}: fees charged besides the amounts (the "
                         "balance says so), each booked as its own row")
            return {"fee": (names[at],)}
        if runs_as_balance(balance, amounts):
            notes.append(f"column {names[at]!r}: fees already in the amounts (the balance "
                         "says so), not booked again")
            return {}
    raise InferenceUnsure(source, f"column {names[at]!r} holds fees beside the amounts in "
                          f"{names[columns['amount']]!r}, and no running balance says whether "
                          "the amounts include them; " + HOW, line, names[at])


def _refuse_disagreeing_marks(names: list[str], columns: dict[str, int],
                              body: list[list[str]], source: str, line: int) -> None:
    """InferenceUnsure for signed amounts beside a debit/credit column that contradicts
    them (a negative amount marked credit, or a positive one marked debit where other
    amounts are negative): the mark would sign the row, and which of the two the bank
    meant nothing tells. Amounts that agree with their marks (LHV's signed Summa beside
    D/C) are read; amounts never negative take their sign from the mark."""
    if "amount" not in columns or "sign" not in columns:
        return
    rows = [(to_decimal(cell_at(r, columns["amount"])), fold(cell_at(r, columns["sign"])),
             cell_at(r, columns["amount"])) for r in body]
    signed = any(value is not None and value < 0 for value, _, _ in rows)
    for value, mark, shown in rows:
        if not signed or not value or mark not in SIGN_WORDS:
            continue
        if (value < 0) != (mark in DEBIT_WORDS):
            side = "money in" if value < 0 else "money out"
            raise InferenceUnsure(source, f"column {names[columns['sign']]!r} marks the amount "
                                  f"{shown} as {side}; " + HOW, line, names[columns["sign"]])


def _booked(names: list[str], columns: dict[str, int], body: list[list[str]], source: str,
            line: int) -> tuple[str, ...]:
    """Status values meaning booked ("Gebucht", "COMPLETED", "settled"), when there is a
    status column. InferenceUnsure when its values say some rows are not booked (pending,
    declined) and none says which are: reading them all would count what never moved; or
    when beside booked ones it holds a value inference does not know: skipping those rows
    could drop money that moved."""
    if "status" not in columns:
        return ()
    values = {cell_at(r, columns["status"]) for r in body}
    booked = tuple(sorted(v for v in values if fold(v) in BOOKED))
    unbooked = sorted(v for v in values if fold(v) in NOT_BOOKED)
    unknown = sorted(v for v in values if v and fold(v) not in (*BOOKED, *NOT_BOOKED))
    column = names[columns["status"]]
    if unbooked and not booked:
        raise InferenceUnsure(source, f"column {column!r} says rows are "
                              f"{' or '.join(repr(v) for v in unbooked)} but no value there "
                              "means booked; " + HOW, line, column)
    if booked and unknown:
        raise InferenceUnsure(source, f"column {column!r} holds {', '.join(map(repr, unknown))} "
                              f"beside the booked {', '.join(map(repr, booked))}: whether those "
                              "rows are booked inference cannot tell; " + HOW, line, column)
    return booked
