"""Where a bank CSV's table is, for inference: the separator, the header row after any
preamble, the footer below the rows, and the rows inside the table that are no
transactions (pending rows, opening or closing balances, a bare balance line at the end).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from dunwell.errors import InputError

from .csv_infer_values import (
    DATE_FORMATS,
    HOW,
    MIN_ROWS,
    SAMPLE,
    InferenceUnsure,
    is_date,
    looks_number_or_date,
)

_SEPARATORS = ";,\t|"


def skip_patterns(separator: str, dated: int, pending: list[str],
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
    seen = rows if len(rows) <= 2 * SAMPLE else [*rows[:SAMPLE], *rows[-SAMPLE:]]
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


def bare_end_rows(rows: list[tuple[int, list[str]]], separator: str, source: str,
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
    if not bare or len(others) < MIN_ROWS or others[len(others) // 2] < 4:
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
                    "utgående saldo", "saldo początkowe", "saldo końcowe",
                    # Swedbank's Baltic exports: balances and the period's turnover rows
                    "algsaldo", "lõppsaldo", "käive", "sākuma atlikums", "beigu atlikums",
                    "apgrozījums", "pradinis likutis", "galutinis likutis", "apyvarta",
                    "turnover",
                    # a balance line named by the word alone, or as US banks word it
                    "saldo", "kontostand", "balance", "solde", "bakiye", "stanje", "sold",
                    "zůstatek", "egyenleg", "saldo contabilístico", "saldo disponível",
                    "current balance", "available balance", "ending balance",
                    "beginning balance", "starting balance", "previous balance", "new balance")


def _balance_rows(separator: str) -> str:
    """A skip_if pattern for a row whose one text is a balance marker: every other cell
    a date, a number, a currency code or a debit/credit mark, so no counterparty and no
    other text (a payment whose text reads "Endsaldo" keeps its payer and is read)."""
    sep = re.escape(separator)
    other = f"[^a-z{sep}]*(?:[a-z]{{1,3}}[^a-z{sep}]*)?"
    marker = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in _BALANCE_MARKERS)
    return (f"(?i)^(?:{other}{sep})*[^a-z{sep}]*(?:{marker})[^a-z{sep}]*"
            f"(?:{sep}{other})*$")


def find_separator(text: str) -> str:
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


def spaced_after_separator(text: str, separator: str) -> bool:
    """True when a space follows every separator on nine lines in ten of those with two or
    more (AIB's ", "): a quoted cell starts after that space."""
    lines = [ln for ln in text.splitlines()[:60] if ln.count(separator) >= 2]
    spaced = [ln for ln in lines if not re.search(f"{re.escape(separator)}(?! )", ln.rstrip())]
    return bool(lines) and separator != " " and len(spaced) >= 0.9 * len(lines)


def read_table(text: str, separator: str, source: str, spaced: bool = False
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


def find_header_row(table: list[tuple[int, list[str]]]) -> int | None:
    """The first row of mostly names, as wide as the table's rows usually are, whose width
    the rows below it keep (a preamble of "key;value" lines is narrower than the table)."""
    widths = Counter(len(cells) for _, cells in table[:SAMPLE + 40])
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
            if len(filled) < 2 or any(looks_number_or_date(c) for c in filled):
                continue
            if abs(len(cells) - usual) > 1 and len(filled) < min(3, usual):
                continue
            below = [c for _, c in table[i + 1:i + 6]]
            same = [c for c in below if abs(len(c) - len(cells)) <= 1]
            dated = any(is_date(v.strip(), f) for c in same[:3] for v in c
                        for f in DATE_FORMATS)
            if below and len(same) >= max(1, len(below) - 1) and dated:
                return i
    return None


def without_footer(body: list[list[str]]) -> list[list[str]]:
    """The rows below the header less those after the last row holding a date: a footer
    (the closing balance, "Alter Kontostand";"8.412,37 EUR") says nothing of the columns.
    Reading still meets it: skipped as undated or as a balance row, else refused."""
    end = len(body)
    while end and not any(is_date(c.strip(), f) for c in body[end - 1]
                          if re.search(r"\d", c) for f in DATE_FORMATS):
        end -= 1
    return body[:end]
