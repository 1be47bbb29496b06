"""Reading a bank CSV through its profile, and recognising the profile from the header."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId

from .csv_profiles import CsvProfile
from .csv_rows import Layout
from .readers import collector_paused
from .text import check_precision, clean, cp1252, decode

csv.field_size_limit(10_000_000)


def profile_text(data: bytes, source: str, profile: CsvProfile) -> tuple[str, list[str]]:
    """The file's text in the profile's encoding (UTF-8/cp1252 fallback when it names none)."""
    if profile.encoding and profile.encoding.lower().replace("-", "") in ("cp1252", "windows1252"):
        return cp1252(data).lstrip("\ufeff"), []
    return decode(data, source, profile.encoding)


def rows(text: str, profile: CsvProfile, source: str, names: list[str] | None = None
         ) -> Iterator[tuple[int, list[str]]]:
    """(physical line, cells) of every row, preamble included.

    A quoted cell whose closing quote never comes (a file cut off in transfer, a
    stray quote) swallows the rest of the file into the last row: that is an
    InputError at the line and column where the quote opens, named by `names`.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=profile.separator,
                        skipinitialspace=profile.space_after_separator)
    start, last = 1, None
    try:
        for cells in reader:
            if last is not None:
                yield last
            last = (start, cells)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"bad CSV: {exc}", start) from None
    if last is not None and _runs_off_the_end(text, last[0], profile):
        position = len(last[1])
        column = names[position - 1] if names and 0 < position <= len(names) else position
        raise InputError(source, "a quoted cell starts in this row and its closing quote is "
                         "missing (the file may be cut off)", last[0], column)
    if last is not None:
        yield last


def _fits(cells: list[str], header: list[str], source: str, line: int) -> None:
    """A row with filled cells beyond the header's columns is refused: a stray quote
    that joined two rows would otherwise lose the second without a word."""
    extra = [c for c in cells[len(header):] if c.strip()]
    if extra:
        raise InputError(source, f"this row has {len(cells)} cells, the header names "
                         f"{len(header)} columns (a stray quote joining two rows?)", line,
                         len(header) + 1)


def _runs_off_the_end(text: str, line: int, profile: CsvProfile) -> bool:
    """True when the last record, starting at physical `line`, ends inside a quoted cell."""
    tail = after_lines(text, line - 1)
    if '"' not in tail:
        return False
    strict = csv.reader(io.StringIO(tail, newline=""), delimiter=profile.separator,
                        skipinitialspace=profile.space_after_separator, strict=True)
    try:
        next(strict, None)
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


def after_lines(text: str, count: int) -> str:
    """`text.split("\n", count)[-1]` for a count of 0 or more, found from the end: the lines
    before it (a whole export's, for its last record) are not split only to be dropped."""
    if count <= 0:
        return text
    pos = len(text)
    for _ in range(max(text.count("\n") - count, 0) + 1):
        pos = text.rfind("\n", 0, pos)
    return text[pos + 1:]


def header_of(text: str, profile: CsvProfile, source: str) -> tuple[int, list[str]] | None:
    """The header row after the preamble, names stripped; None for a file too short.

    With identifying columns, the first row (after skip_rows) holding them all, so a
    preamble of varying length (account, period, balance lines) needs no counting."""
    first = None
    for line, cells in rows(text, profile, source):
        if line <= profile.skip_rows or not any(c.strip() for c in cells):
            continue
        if not profile.header_row:  # columns by position; the data starts here
            return line - 1, positional(len(cells))
        names = [c.strip().lstrip("\ufeff") for c in cells]
        if first is None:
            first = (line, names)
        if not profile.header or profile.fits(names):
            return line, names
        if line > profile.skip_rows + _HEADER_SEARCH:
            break
    return first


_HEADER_SEARCH = 40


def positional(width: int) -> list[str]:
    """Column names of an export without a header row: "column 1", "column 2", ..."""
    return [f"column {i}" for i in range(1, width + 1)]


def matches(text: str, profile: CsvProfile, source: str) -> bool:
    """True when a header row holds every column the profile identifies itself by."""
    try:
        found = header_of(text, profile, source)
    except InputError:
        return False
    return found is not None and profile.fits(found[1])


def read(text: str, profile: CsvProfile, source: str, default_currency: str | None
         ) -> tuple[list[BankTxn], list[int], list[str]]:
    """Transactions of a bank CSV. Rows whose status is not booked, undated rows
    (skip_undated) and rows matching skip_if are skipped, each with a warning;
    continuation rows add their text to the transaction before them."""
    found = header_of(text, profile, source)
    if found is None:
        raise InputError(source, "no header row" + (f" with the columns {list(profile.header)}"
                                                     if profile.header else ""),
                         profile.skip_rows + 1)
    header_line, header = found
    layout = Layout(profile, source, _index(header, profile, source, header_line),
                    default_currency, _preamble_account(text, profile, source, header_line))
    # the records form no cycles: the collector's passes over them are time lost
    with collector_paused():
        txns, lines, skipped = _records(text, profile, source, header, header_line, layout)
    warnings = [f"{source}: skipped {len(at)} rows {why}: lines {', '.join(at[:20])}"
                + (", ..." if len(at) > 20 else "") for why, at in skipped.items()]
    if txns and not profile.column("account") and not layout.preamble_account:
        warnings.append(f"{source}: the export states no account; the account column stays blank")
    return txns, lines, warnings


def _records(text: str, profile: CsvProfile, source: str, header: list[str], header_line: int,
             layout: Layout) -> tuple[list[BankTxn], list[int], dict[str, list[str]]]:
    """The data rows' transactions, their lines, and the lines skipped by reason."""
    txns: list[BankTxn] = []
    lines: list[int] = []
    skipped: dict[str, list[str]] = {}
    patterns = [re.compile(p) for p in profile.skip_if]
    width, blank, fees = len(header), [""] * len(header), bool(profile.column("fee"))
    # without these rules every data row is a transaction: no need to ask _skip per row
    plain = not (patterns or profile.status_booked or profile.continuation
                 or profile.skip_undated)
    for line, cells in rows(text, profile, source, header):
        if line <= header_line or not "".join(cells).strip():
            continue
        if len(cells) > width:
            _fits(cells, header, source, line)
        # a short row's missing cells are empty
        row = cells if len(cells) >= width else cells + blank[len(cells):]
        why = None if plain else _skip(cells, row, layout, patterns)
        if why == "continuation" and txns:
            txns[-1] = _continued(txns[-1], row, layout)
            continue
        if why:
            why, _, status = why.partition("\0")
            skipped.setdefault(why, []).append(f"{line} ({status})" if status else str(line))
            continue
        txn = layout.txn(row, line)
        txns.append(txn)
        lines.append(line)
        fee = _fee(row, layout, line, txn) if fees else None
        if fee is not None:
            txns.append(fee)
            lines.append(line)
    return txns, lines, skipped


def _skip(cells: list[str], row: list[str], layout: Layout,
          patterns: list[re.Pattern[str]]) -> str | None:
    """Why a data row is not a transaction: a footer, a continuation, not booked, undated;
    None to read it."""
    profile = layout.profile
    if patterns and any(p.search(profile.separator.join(cells)) for p in patterns):
        return "matching skip_if"
    columns = profile.single
    dated = bool(layout.text(row, columns["booking_date"]))
    if dated and not profile.status_booked:
        return None
    amounts = [columns[c] for c in ("amount", "debit", "credit") if c in columns]
    if not dated and profile.continuation and not any(layout.text(row, c) for c in amounts):
        return "continuation"
    status_column = columns.get("status") if profile.status_booked else None
    status = layout.text(row, status_column) if status_column else ""
    if status_column and status not in profile.status_booked:
        return f"not booked\0{status}"
    if not dated and profile.skip_undated:
        return "without a date"
    return None


def _continued(txn: BankTxn, row: list[str], layout: Layout) -> BankTxn:
    """The transaction with a continuation row's text added to its remittance."""
    columns = layout.profile.columns.get("remittance_info", ())
    more = " ".join(layout.text(row, c) for c in columns) if columns else " ".join(row)
    return replace(txn, remittance_info=clean(f"{txn.remittance_info or ''} {more}"))


def _fee(row: list[str], layout: Layout, line: int, txn: BankTxn) -> BankTxn | None:
    """A fee column's charge as its own row (money out), so the net sum is what the bank
    booked and the payment keeps the amount the payer sent."""
    column = layout.profile.column("fee")
    if not column or not layout.text(row, column):
        return None
    value = abs(layout.parse(row, line, column))
    value = check_precision(value, txn.currency, layout.source, line, column)
    if not value:
        return None
    ref = f"{txn.transaction_id}-fee" if txn.transaction_id else ""
    return BankTxn(TransactionId(ref), txn.booking_date, -value, txn.currency, None, None,
                   clean(f"fee: {txn.remittance_info or txn.counterparty_name or ''}"),
                   txn.account)


def _preamble_account(text: str, profile: CsvProfile, source: str, header_line: int
                      ) -> str | None:
    """The account named in the lines before the header, by the profile's pattern."""
    if not profile.account_pattern:
        return None
    preamble = "\n".join(text.splitlines()[: header_line - 1])
    found = re.search(profile.account_pattern, preamble, re.MULTILINE)
    if not found:
        raise InputError(source, f"account_pattern {profile.account_pattern!r} finds no account "
                         "before the header", header_line, "account")
    return clean((found.group(1) if found.groups() else found.group(0)).replace(" ", ""))


def _index(header: list[str], profile: CsvProfile, source: str, line: int) -> dict[str, int]:
    """Column name -> position for every column the profile uses; a missing one is an error."""
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    for names in profile.columns.values():
        for name in names:
            if name not in index:
                raise InputError(source, f"column {name!r} missing from the header", line, name)
    return index
