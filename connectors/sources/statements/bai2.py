"""BAI2 cash management balance reports, by an own parser of the specification.

Records 01 file, 02 group (as-of date, currency), 03 account (currency,
status and summary codes), 16 transaction detail, 88 continuation, 49/98/99
trailers. Amounts are in minor units without a decimal point; detail type
codes 100-399 are credits, 400-699 debits. The currency is the 03 record's,
else the 02 record's, else the given default (USD by the specification).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId
from dunwell.money import from_minor

from .records import StatementBalance
from .text import clean, currency, yymmdd

_FUNDS_FIELDS = {"": 0, "0": 0, "1": 0, "2": 0, "Z": 0, "V": 2, "S": 3}
_RECORD_LEN = 80
_DIGITS = re.compile(r"[0-9]+")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CODES = ("01", "02", "03", "16", "49", "98", "99")
_CUT = re.compile(r"/(?=(?:01|02|03|16|49|88|98|99),)")
# What may follow a '/' inside 16 text for it to be a record boundary: a detail with its
# type code and amount, a continuation, or an account trailer with amount and count.
_AFTER_TEXT = re.compile(r"16,[0-9]{3},[+-]?[0-9]*,|88,|49,[+-]?[0-9]+,[0-9]+(?:/|$)")


@dataclass
class _Record:
    """A logical record: its 88 continuations joined, and where it starts."""

    code: str
    line: int
    text: str
    last_len: int = 0


@dataclass
class _Account:
    """An 03 account section being read."""

    number: str
    currency: str
    line: int
    opening: Decimal | None = None
    closing: Decimal | None = None
    rows: list[BankTxn] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def records(text: str, source: str) -> list[_Record]:
    """Physical lines -> logical records, 88 continuations appended to their record; a line
    holding several records ("16,...,/16,...,/") is split at each record's closing '/'."""
    out: list[_Record] = []
    for number, raw in enumerate(_NEWLINE.split(text), 1):
        stripped = raw.rstrip()
        if not stripped:
            continue
        for line in _pieces(stripped, out[-1].code if out else ""):
            _add(out, line, (number, len(stripped)), source)
    if not out or out[0].code != "01":
        raise InputError(source, "BAI2 file must start with an 01 header record", 1, "01")
    if out[-1].code != "99":
        raise InputError(source, "BAI2 file ends without a 99 trailer (truncated?)",
                         out[-1].line, "99")
    return out


def _pieces(line: str, previous: str) -> list[str]:
    """The records on one physical line. After a '/' a record starts only where a record
    code and its comma follow; inside the text of a 16 record (which may itself hold '/'),
    only where a whole 16, 88 or 49 record start follows, so "INV 2025/16, PAID" stays text."""
    if "/" not in line[:-1]:
        return [line]
    pieces: list[str] = []
    start = 0
    code = line[:2] if line[2:3] == "," else previous
    for cut in _CUT.finditer(line):
        at = cut.start() + 1
        if at <= start:
            continue
        following = line[at:at + 2]
        in_text = code == "16" or (code == "88" and previous == "16")
        if in_text and not _AFTER_TEXT.match(line, at):
            continue
        pieces.append(line[start:at])
        previous = code if code != "88" else previous
        start, code = at, following
    pieces.append(line[start:])
    return pieces


def _add(out: list[_Record], line: str, where: tuple[int, int], source: str) -> None:
    """One record's text (a whole record, an 88, or the wrapped rest of a 16) into `out`;
    `where` is the physical line's number and width."""
    number, width = where
    code, _, rest = line.partition(",")
    if code == "88" and out:
        prev = out[-1]
        prev.text = prev.text.removesuffix("/") + _joiner(prev) + rest
        prev.last_len = width
    elif code in _CODES:
        out.append(_Record(code, number, line, width))
    elif out and out[-1].code == "16" and not out[-1].text.endswith("/"):
        out[-1].text += line  # a 16 record wrapped onto the next physical line
        out[-1].last_len = width
    else:
        raise InputError(source, f"unknown BAI2 record type {code!r}", number, "record")


def _joiner(prev: _Record) -> str:
    """',' after a complete record; inside 16 text, nothing after a full 80-column line."""
    if prev.code != "16" or prev.text.endswith("/"):
        return ","
    return "" if prev.last_len >= _RECORD_LEN else " "


def read(text: str, source: str, default_currency: str | None
         ) -> tuple[list[BankTxn], list[int], list[StatementBalance], list[str]]:
    """Transactions and per-account balances of a BAI2 file."""
    group_ccy, as_of = default_currency or "USD", None
    accounts: list[_Account] = []
    for rec in records(text, source):
        fields = _fields(rec.text)
        if rec.code == "02":
            as_of = yymmdd(_at(fields, 4, rec, source), source, rec.line, "02 as-of date")
            group_ccy = _ccy(fields, 6, rec, source) or default_currency or "USD"
        elif rec.code == "03":
            accounts.append(_account(fields, rec, group_ccy, source))
        elif rec.code == "16":
            if not accounts or as_of is None:
                raise InputError(source, "16 record outside an 02/03 section", rec.line, "16")
            accounts[-1].rows.append(_detail(fields, rec, accounts[-1], as_of, source))
            accounts[-1].lines.append(rec.line)
    txns = [t for a in accounts for t in a.rows]
    return (txns, [n for a in accounts for n in a.lines], [_balance(a, as_of) for a in accounts],
            [])


def _fields(text: str) -> list[str]:
    """Comma-separated fields, the record's closing '/' removed."""
    return text.removesuffix("/").split(",")


def _at(fields: list[str], index: int, rec: _Record, source: str) -> str:
    """A mandatory field of a record."""
    if index >= len(fields) or not fields[index].strip():
        raise InputError(source, f"record {rec.code} is missing field {index + 1}", rec.line,
                         f"{rec.code} field {index + 1}")
    return fields[index].strip()


def _ccy(fields: list[str], index: int, rec: _Record, source: str) -> str | None:
    """An optional currency field."""
    value = fields[index].strip() if index < len(fields) else ""
    return currency(value, source, rec.line, f"{rec.code} currency") if value else None


def _minor(text: str, ccy: str, rec: _Record, source: str, field: str) -> Decimal:
    """A signed amount in minor units ("+000000000208500", "-500000")."""
    raw = text.strip()
    digits = raw.lstrip("+-")
    if not _DIGITS.fullmatch(digits) or len(digits) > 18:
        raise InputError(source, f"not a BAI2 amount: {text!r}", rec.line, field)
    value = from_minor(int(digits), ccy)
    return -value if raw.startswith("-") else value


def _account(fields: list[str], rec: _Record, group_ccy: str, source: str) -> _Account:
    """03 record: account number, currency, and the 010/015 opening/closing ledger."""
    acct = _Account(_at(fields, 1, rec, source), _ccy(fields, 2, rec, source) or group_ccy,
                    rec.line)
    i = 3
    while i + 1 < len(fields):
        code, value = fields[i].strip(), fields[i + 1].strip()
        if not code:  # a stray empty field, as some banks write ",,,/" before an 88
            i += 1
            continue
        if code in ("010", "015") and value:
            amount = _minor(value, acct.currency, rec, source, f"03 type {code}")
            if code == "010":
                acct.opening = amount
            else:
                acct.closing = amount
        funds = fields[i + 3].strip().upper() if i + 3 < len(fields) else ""
        i += 4 + _funds_width(funds, fields, i + 4, rec, source)
    return acct


def _detail(fields: list[str], rec: _Record, acct: _Account, as_of: date,
            source: str) -> BankTxn:
    """16 record: type code, amount, funds type, bank ref, customer ref, text."""
    code = _at(fields, 1, rec, source)
    if not _DIGITS.fullmatch(code) or not 100 <= int(code) <= 699:
        raise InputError(source, f"type code {code!r} is not a credit (100-399) or debit "
                         "(400-699) detail", rec.line, "16 type code")
    value = _minor(_at(fields, 2, rec, source), acct.currency, rec, source, "16 amount")
    funds = fields[3].strip().upper() if len(fields) > 3 else ""
    skip = _funds_width(funds, fields, 4, rec, source)
    rest = fields[4 + skip:]
    bank_ref = rest[0].strip() if rest else ""
    text = ",".join(rest[2:]) if len(rest) > 2 else ""
    signed = value if int(code) < 400 else -value
    return BankTxn(TransactionId(bank_ref), as_of, signed, acct.currency, None, None,
                   clean(text), acct.number)


def _funds_width(funds: str, fields: list[str], at: int, rec: _Record, source: str) -> int:
    """How many fields the funds type adds from index `at` (D: a count, then day/amount pairs)."""
    if funds == "D":
        count = fields[at].strip() if len(fields) > at else ""
        if not _DIGITS.fullmatch(count):
            raise InputError(source, "funds type D without a distribution count", rec.line,
                             "16 funds type")
        return 1 + 2 * int(count)
    if funds not in _FUNDS_FIELDS:
        raise InputError(source, f"unknown funds type {funds!r}", rec.line, "16 funds type")
    return _FUNDS_FIELDS[funds]


def _balance(acct: _Account, as_of: date | None) -> StatementBalance:
    """The account's ledger balances and the count and sum of its details."""
    total = sum((t.amount for t in acct.rows), Decimal(0))
    return StatementBalance(acct.number, f"{acct.number}@{as_of}", acct.currency, acct.opening,
                            acct.closing, as_of, as_of, len(acct.rows), total, acct.line,
                            (acct.currency,))
