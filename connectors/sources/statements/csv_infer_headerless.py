"""An export without a header row (ASN, Triodos, TD, Desjardins): its columns placed by
their values alone, and only where that is unambiguous; otherwise InferenceUnsure.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from dunwell.currencies import is_currency

from .csv_infer_names import fold
from .csv_infer_values import (
    DEBIT_WORDS,
    MIN_ROWS,
    SAMPLE,
    SIGN_WORDS,
    InferenceUnsure,
    as_dates,
    cell_at,
    date_order,
    fitting_date_formats,
    is_money,
    runs_as_balance,
    to_decimal,
)
from .text import is_iban

_NO_HEADER = ("no header row found: a bank CSV needs a row of column names above its "
              "transactions, or columns whose values say unambiguously which is the date and "
              "which the amount")


def columns_by_values(table: list[tuple[int, list[str]]], source: str, currency: str | None
                      ) -> tuple[int, list[str], list[list[str]], dict[str, int]]:
    """An export without a header row (ASN, Triodos, TD): the columns placed by their
    values alone, and only where that is unambiguous: one date column first; one amount
    column, or several where all but one are running balances of it; a debit and a credit
    column, never both filled, whose orientation a balance column confirms; a debit/credit
    word column as the sign. Otherwise InferenceUnsure."""
    width = Counter(len(cells) for _, cells in table).most_common(1)[0][0] if table else 0
    rows = [(line, cells) for line, cells in table if len(cells) == width]
    if width < 2 or len(rows) < MIN_ROWS or len(rows) < 0.9 * len(table):
        raise InferenceUnsure(source, _NO_HEADER, 1)
    line = rows[0][0]
    body = [cells for _, cells in rows[:SAMPLE]]
    names = [f"column {i}" for i in range(1, width + 1)]
    values = [[cell_at(r, i) for r in body] for i in range(width)]
    order = date_order(currency)
    dates = [i for i in range(width) if all(values[i]) and fitting_date_formats(values[i], order)]
    money = [i for i in range(width) if i not in dates and is_money(values[i])]
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
        elif (folded and folded <= SIGN_WORDS and "amount" in columns
              and not (folded & {"+", "-"} and not folded >= {"+", "-"})):
            columns.setdefault("sign", i)  # a lone "-" is an empty cell, not a debit
    ibans = [i for i in range(width)
             if sum(is_iban(v.replace(" ", "").upper()) for v in values[i]) >= 0.8 * len(body)]
    for i in ibans:
        columns.setdefault("account" if len(set(values[i])) == 1 else "counterparty_iban", i)
    texts = [i for i in range(width) if i not in columns.values() and not is_money(values[i])
             and sum(bool(re.search(r"[A-Za-z]{3}", v)) for v in values[i]) >= len(body) / 2]
    if texts:
        columns["remittance_info"] = max(texts, key=lambda i: sum(len(v) for v in values[i]))
    return line, names, body, columns


def _signed_whole(values: list[list[str]]) -> dict[str, int] | None:
    """Whole-unit amounts (forints, yen) beside a debit/credit mark column (OTP's T/J): the
    one column of whole numbers negative on every debit row and positive on every credit
    row, debits and credits both seen; else None (a balance or an id never agrees)."""
    marks = [i for i, column in enumerate(values)
             if {fold(v) for v in column} <= SIGN_WORDS and all(column)]
    if len(marks) != 1:
        return None
    kinds = [fold(v) in DEBIT_WORDS for v in values[marks[0]]]
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
    numbers = [[to_decimal(v) for v in column] for column in values]
    plain = [i for i in money if all(values[i])]
    halves = [i for i in money if not all(values[i])]
    balances = {i for i in plain
                if any(runs_as_balance(numbers[i], numbers[j]) for j in plain if j != i)}
    amounts = [i for i in plain if i not in balances]
    if len(amounts) == 1 and not halves:
        return {"amount": amounts[0]}
    elif len(halves) == 2 and all(bool(values[halves[0]][r]) != bool(values[halves[1]][r])
                                  for r in range(len(body))):
        first, second = halves
        signed = [(numbers[second][r] or Decimal(0)) - (numbers[first][r] or Decimal(0))
                  for r in range(len(body))]
        when = as_dates(values[dated], order)
        ascending = 1 if when == sorted(when) else -1 if when == sorted(when, reverse=True) else 0
        fits = {runs_as_balance(numbers[i], signed) * ascending for i in plain}
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
KIND_IN = re.compile(r"\b(?:deposit|refund|payroll|salary|transfer from|e-transfer from|"
                      r"received)\b", re.I)


KIND_OUT = re.compile(r"\b(?:purchase|withdrawal|atm|fee|bill payment|transfer to|"
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
        into, out = bool(KIND_IN.search(text)), bool(KIND_OUT.search(text))
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
