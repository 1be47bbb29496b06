"""SWIFT MT940 customer statements, by an own tolerant tokenizer.

Accepts the dialects banks really send: SOH/ETX framing, {1:}{2:}{4: blocks,
header lines ("ABNANL2A", "940"), prose before the first tag, "-" trailers,
marks C/D/RC/RD with a funds code ("CR", "DK"), amounts like "2," and "0,3".
A reversal (RC, RD) is booked in the opposite direction of its original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from dunwell.errors import InputError

from .identity import Row
from .mt940_details import parse_details
from .records import StatementBalance
from .text import amount, check_precision, clean, currency, is_iban, yymmdd

_TAG = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$", re.ASCII)
_END = re.compile(r"^-(\}.*|[A-Z]{0,4})\s*$")
_MAY_END = ("-", " ", "\t")  # how a "-" trailer line can start (before strip)
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})(\d+(?:[,.]\d*)?)\s*$", re.ASCII)
_LINE61 = re.compile(
    r"^(?P<vdate>\d{6})(?P<edate>\d{4}|\s{4})?\s*(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<whole>\d+)(?:[,.](?P<frac>\d*))?(?=[NFS][A-Z0-9]{3}|[\s/]|$)"
    r"\s*(?P<ttype>[NFS][A-Z0-9]{3})?(?P<ref>.*)$", re.ASCII
)


@dataclass(slots=True)
class _Field:
    """A tag with its value lines and the physical line where it starts."""

    tag: str
    line: int
    lines: list[str]


@dataclass(slots=True)
class _Statement:
    """The fields of one :20: .. :62a: message."""

    line: int
    fields: list[_Field] = field(default_factory=list)

    def first(self, *tags: str) -> _Field | None:
        return next((f for f in self.fields if f.tag in tags), None)


def tokenize(text: str, source: str) -> list[_Statement]:
    """Split the text into statements of tagged fields, skipping framing and header lines."""
    statements: list[_Statement] = []
    current: _Field | None = None
    framed = text.replace("\x01", "").replace("\x03", "")
    framed = framed.replace("\r\n", "\n").replace("\r", "\n") if "\r" in framed else framed
    match_tag, match_end = _TAG.match, _END.match
    blocks = "{4:" in framed  # SWIFT {1:}{2:}{4: framing; most files have none
    fields: list[_Field] = []  # of the current statement
    for number, line in enumerate(framed.split("\n"), 1):
        if blocks and "{4:" in line:
            line = line.split("{4:", 1)[1]
        start = line[:1]
        match = match_tag(line) if start == ":" else None
        if match:
            tag, value = match.groups()
            current = _Field(tag, number, [value.rstrip()])
            if tag == "20" or not statements:
                statements.append(_Statement(number))
                fields = statements[-1].fields
            fields.append(current)
        elif start in _MAY_END and match_end(line.strip()):
            current = None
        elif current is not None:
            current.lines.append(line.rstrip())
    if not statements:
        raise InputError(source, "no MT940 statement found (no :20: tag)", 1, ":20:")
    return statements


def read(text: str, source: str
         ) -> tuple[list[Row], list[int], list[StatementBalance], list[str]]:
    """All transactions as rows yet without ids (with the line of their :61:), per-statement
    balances and warnings."""
    txns: list[Row] = []
    lines: list[int] = []
    balances: list[StatementBalance] = []
    warnings: list[str] = []
    for stmt in tokenize(text, source):
        rows, balance = _statement(stmt, source, warnings)
        txns.extend(rows)
        lines.extend(f.line for f in stmt.fields if f.tag == "61")
        balances.append(balance)
    return txns, lines, balances, warnings


def _statement(stmt: _Statement, source: str, warnings: list[str]
               ) -> tuple[list[Row], StatementBalance]:
    """One statement: its header fields, balances and :61:/:86: pairs."""
    if stmt.fields[0].tag != "20":
        raise InputError(source, "statement does not start with :20:", stmt.line, ":20:")
    account = _account(_required(stmt, source, "25"))
    opening = _balance(_required(stmt, source, "60F", "60M"), source)
    closing_field = stmt.first("62F", "62M")
    closing = _balance(closing_field, source) if closing_field else None
    if closing is None:
        warnings.append(f"{source}:{stmt.line}: statement has no closing balance (:62F:); "
                        "its balance cannot be checked")
    number = stmt.first("28C", "28")
    statement_id = stmt.fields[0].lines[0].strip()
    if number:
        statement_id += f"/{number.lines[0].strip()}"
    pairs = _pairs(stmt, source)
    days: dict[tuple[str, str | None], date] = {}  # booking date by :61: date text
    rows = [_transaction(f, details, account, opening[2], source, days) for f, details in pairs]
    total = sum((row[1] for row in rows), Decimal(0))
    currencies = {opening[2], closing[2]} if closing else {opening[2]}
    balance = StatementBalance(account, statement_id, opening[2], opening[1],
                               closing[1] if closing else None, opening[0],
                               closing[0] if closing else None, len(rows), total, stmt.line,
                               tuple(sorted(currencies)))
    return rows, balance


def _required(stmt: _Statement, source: str, *tags: str) -> _Field:
    """The first field with one of the tags; a missing mandatory tag is an InputError."""
    found = stmt.first(*tags)
    if found is None:
        raise InputError(source, "mandatory tag missing from the statement (truncated file?)",
                         stmt.line, f":{tags[0]}:")
    return found


def _account(f: _Field) -> str:
    """:25: account, without the currency some banks append ("NL34RABO0142623393 EUR")."""
    parts = f.lines[0].split()
    if len(parts) == 2 and re.fullmatch(r"[A-Z]{3}", parts[1]):
        return parts[0]
    return " ".join(parts)


def _balance(f: _Field, source: str) -> tuple[date, Decimal, str]:
    """:60a:/:62a: -> (date, signed amount, currency)."""
    match = _BALANCE.match(f.lines[0])
    if not match:
        raise InputError(source, f"bad balance {f.lines[0]!r}", f.line, f":{f.tag}:")
    tag = f":{f.tag}:"
    value = _amount(match.group(4), source, f.line, tag)
    when = yymmdd(match.group(2), source, f.line, tag)
    code = currency(match.group(3), source, f.line, tag)
    return when, -value if match.group(1) == "D" else value, code


def _pairs(stmt: _Statement, source: str) -> list[tuple[_Field, list[str]]]:
    """Each :61: with the lines of the :86: fields that follow it (not the statement's own);
    without an :86:, the text of its :NS: fields (banks that put the details there)."""
    pairs: list[tuple[_Field, list[str], list[str]]] = []
    details: list[str] | None = None  # of the last :61:, None before the first
    ns: list[str] = []
    closed = False
    for f in stmt.fields:
        tag = f.tag
        if tag == "61":
            if closed:
                raise InputError(source, ":61: after the closing balance (missing :20:?)",
                                 f.line, ":61:")
            details, ns = [], []
            pairs.append((f, details, ns))
        elif details is None or closed:
            closed = closed or tag.startswith("62")
        elif tag == "86":
            details.extend(f.lines)
        elif tag == "NS":
            ns.extend(_ns_text(f.lines))
        else:
            closed = tag.startswith("62")
    return [(f, details or ([" ".join(ns)] if ns else [])) for f, details, ns in pairs]


def _ns_text(lines: list[str]) -> list[str]:
    """:NS: lines carry a two-digit code before each piece of text ("22Jan Kowalski")."""
    return [line[2:].strip() if line[:2].isdigit() else line.strip() for line in lines
            if line.strip()]


def _amount(text: str, source: str, line: int, tag: str) -> Decimal:
    """An MT940 amount: "1500,00" by the standard, "1500.00" or "500" as some banks write."""
    return amount(text, source, line, tag, decimal="." if "." in text else ",")


def _transaction(f: _Field, details: list[str], account: str, currency: str,
                 source: str, days: dict[tuple[str, str | None], date]) -> Row:
    """One :61: statement line with its :86: details; `days` keeps the booking dates already
    read from the same value and entry date text (a statement repeats its few days)."""
    match = _LINE61.match(f.lines[0])
    if not match:
        raise InputError(source, f"bad statement line {f.lines[0]!r}", f.line, ":61:")
    vdate, edate, mark, _funds, whole, frac, _ttype, ref = match.groups()
    booked = days.get((vdate, edate))
    if booked is None:
        value_date = yymmdd(vdate, source, f.line, ":61:")
        booked = days[vdate, edate] = _entry_date(edate, value_date, source, f.line)
    # what `_amount` makes of these digits ("1500,00", "2,", "500"), without parsing twice
    value = Decimal(f"{whole}.{frac or '0'}")
    value = check_precision(value, currency, source, f.line, ":61:")
    signed = -value if mark in ("D", "RC") else value
    name, iban, remittance = parse_details(details)
    if iban is None and len(f.lines) > 1:
        extra = f.lines[1].strip().replace(" ", "")
        iban = extra if is_iban(extra) else None
    if not details:
        remittance = clean(ref.split("//")[0].replace("NONREF", ""))
    return booked, signed, currency, name, iban, remittance, account


def _entry_date(edate: str | None, value_date: date, source: str, line: int) -> date:
    """Booking (entry) date MMDD, its year taken from the value date across a year end."""
    if not edate or not edate.strip():
        return value_date
    found = _entry_day(edate, value_date)
    if found is None:
        raise InputError(source, f"bad entry date {edate!r}", line, ":61:")
    return found


@lru_cache(maxsize=4096)
def _entry_day(edate: str, value_date: date) -> date | None:
    """The entry date MMDD in the value date's year (cached: a statement repeats its days);
    None when it is no date."""
    month, day = int(edate[:2]), int(edate[2:])
    year = value_date.year
    if month == 12 and value_date.month == 1:
        year -= 1
    elif month == 1 and value_date.month == 12:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return None
