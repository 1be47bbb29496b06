"""OFX/QFX bank and credit-card statements, SGML 1.x and XML 2.x, by an own tokenizer.

One tolerant scanner reads both: SGML leaves have no closing tags, XML ones
do, and CDATA is unwrapped. Text that is not UTF-8 is Windows-1252, silently
when the header declares CHARSET:1252 or an ISO-8859 encoding, else with a warning.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId

from .records import StatementBalance
from .text import amount, check_precision, clean, cp1252, currency, is_iban

_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._]*)>([^<]*)")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DECLARED_8BIT = re.compile(
    r"CHARSET:\s*(1252|8859|ISO-8859|WINDOWS)|encoding=[\"'](iso-8859|windows-125|cp125|latin)",
    re.I)
_STATEMENTS = ("STMTRS", "CCSTMTRS", "INVSTMTRS")
_SCANNER_TAGS = frozenset({*_STATEMENTS, "STMTTRN", "OFX"})  # tags that move the scanner
_COMMA_AMOUNT = re.compile(r"[+-]?\d*,\d+")
# Investment transactions of an INVSTMTRS: not bank transactions, counted and skipped.
_INVESTMENT = frozenset({
    "BUYDEBT", "BUYMF", "BUYOPT", "BUYOTHER", "BUYSTOCK", "CLOSUREOPT", "INCOME", "INVEXPENSE",
    "JRNLFUND", "JRNLSEC", "MARGININTEREST", "REINVEST", "RETOFCAP", "SELLDEBT", "SELLMF",
    "SELLOPT", "SELLOTHER", "SELLSTOCK", "SPLIT", "TRANSFER"})


def decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """UTF-8, else Windows-1252 (with a warning unless the header declares an 8-bit charset)."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = cp1252(data)
        if _DECLARED_8BIT.search(text[:1000]):
            return text, []
        line = data[: exc.start].count(b"\n") + 1
        return text, [f"{source}:{line}: not valid UTF-8; read as Windows-1252"]


@dataclass
class _Stmt:
    """A statement aggregate being read."""

    line: int
    currency: str = ""
    account: str = ""
    values: dict[str, str] = field(default_factory=dict)
    txns: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    investments: int = 0


@dataclass
class _Scan:
    """Scanner state: the open statement and transaction and where we are inside them."""

    stmts: list[_Stmt] = field(default_factory=list)
    stmt: _Stmt | None = None
    txn: dict[str, str] | None = None
    path: list[str] = field(default_factory=list)
    closed: bool = False
    outer: list[str] = field(default_factory=list)


def read(text: str, source: str, default_currency: str | None
         ) -> tuple[list[BankTxn], list[int], list[StatementBalance], list[str]]:
    """Transactions, (closing-only) balances and warnings of every statement in an OFX file."""
    body = text
    if "<![CDATA[" in body:
        body = _CDATA.sub(lambda m: html.escape(m.group(1)), body)
    if "<!--" in body:  # each pattern scans the whole file: only when it can match
        body = _COMMENT.sub("", body)
    scan = _Scan()
    line, last = 1, 0
    count, unescape = body.count, html.unescape
    match: re.Match[str] | None = None
    for match in _TOKEN.finditer(body):
        slash, tag, value = match.groups()
        tag = tag.upper()
        value = (unescape(value) if "&" in value else value).strip()
        txn = scan.txn
        if txn is not None and value and not slash and tag not in _SCANNER_TAGS:
            # a leaf inside a transaction, most of a file: what _token would do, inline
            # (it needs no line number: lines are counted up to the next token that does)
            txn[f"{scan.path[-1]}.{tag}" if scan.path else tag] = value
            continue
        start = match.start()
        line += count("\n", last, start)
        last = start
        _token(scan, slash == "/", tag, value, line, source)
    if match is not None:  # the last token's line, for a file that ends too soon
        line += count("\n", last, match.start())
    if not scan.closed or scan.stmt is not None:
        raise InputError(source, "file ends before </OFX> (truncated?)", line, "OFX")
    if not scan.stmts:
        raise InputError(source, "no statement (STMTRS, CCSTMTRS or INVSTMTRS) in the file", 1,
                         "STMTRS")
    txns: list[BankTxn] = []
    balances: list[StatementBalance] = []
    warnings: list[str] = []
    for stmt in scan.stmts:
        rows, balance = _statement(stmt, source, default_currency, warnings)
        txns.extend(rows)
        balances.append(balance)
        if stmt.investments:
            warnings.append(f"{source}:{stmt.line}: {stmt.investments} investment transactions "
                            "(BUYSTOCK, INCOME, ...) are not bank transactions; skipped")
    return txns, [line for stmt in scan.stmts for line, _ in stmt.txns], balances, warnings


def _token(scan: _Scan, closing: bool, tag: str, value: str, line: int, source: str) -> None:
    """Advance the scanner by one tag."""
    if tag in _STATEMENTS:
        if closing:
            _close_stmt(scan, line, source)
        else:
            scan.stmt, scan.path = _Stmt(line), []
    elif tag == "STMTTRN":
        _transaction_tag(scan, closing, line, source)
    elif tag == "OFX" and closing:
        scan.closed = True
    elif scan.stmt is None:
        _outside(scan, closing, tag, value)
    elif closing:
        if tag in scan.path:
            del scan.path[len(scan.path) - 1 - scan.path[::-1].index(tag):]
    elif not value:
        scan.path.append(tag)
        scan.stmt.investments += tag in _INVESTMENT and scan.txn is None
    elif scan.txn is not None:
        scan.txn[_key(scan.path, tag)] = value
    else:
        scan.stmt.values.setdefault(_key(scan.path, tag), value)


def _outside(scan: _Scan, closing: bool, tag: str, value: str) -> None:
    """Aggregates open outside any statement, to say where a stray STMTTRN was found."""
    if closing and tag in scan.outer:
        del scan.outer[len(scan.outer) - 1 - scan.outer[::-1].index(tag):]
    elif not closing and not value:
        scan.outer.append(tag)


def _key(path: list[str], tag: str) -> str:
    """The innermost aggregate and the tag: 'BANKACCTTO.ACCTID', 'LEDGERBAL.BALAMT'."""
    return f"{path[-1]}.{tag}" if path else tag


def _transaction_tag(scan: _Scan, closing: bool, line: int, source: str) -> None:
    """<STMTTRN> opens a transaction, </STMTTRN> files it under the open statement."""
    if scan.stmt is None:
        inside = " > ".join(scan.outer[-3:]) or "nothing"
        raise InputError(source, f"STMTTRN outside a statement: found inside {inside}, not "
                         "inside STMTRS, CCSTMTRS or INVSTMTRS", line, "STMTTRN")
    if not closing:
        if scan.txn is not None:
            raise InputError(source, "STMTTRN not closed before the next one", line, "STMTTRN")
        scan.txn = {"_line": str(line)}
        scan.path = []
        return
    if scan.txn is None:
        raise InputError(source, "</STMTTRN> without <STMTTRN>", line, "STMTTRN")
    scan.stmt.txns.append((int(scan.txn.pop("_line")), scan.txn))
    scan.txn = None
    scan.path = []


def _close_stmt(scan: _Scan, line: int, source: str) -> None:
    """A statement ends: it must not leave a transaction open."""
    if scan.stmt is None or scan.txn is not None:
        raise InputError(source, "statement closed while a transaction is open", line, "STMTTRN")
    scan.stmts.append(scan.stmt)
    scan.stmt = None
    scan.path = []


def _statement(stmt: _Stmt, source: str, default_currency: str | None, warnings: list[str]
               ) -> tuple[list[BankTxn], StatementBalance]:
    """Transactions and the ledger balance of one statement aggregate."""
    values = stmt.values
    account = next((v for k, v in values.items() if k.endswith("ACCTFROM.ACCTID")), "")
    if not account:
        raise InputError(source, "statement without ACCTID", stmt.line, "ACCTID")
    code = values.get("CURDEF") or default_currency
    if not code:
        raise InputError(source, "statement without CURDEF: pass --currency CODE (or set the "
                         "default_currency setting, DUNWELL_DEFAULT_CURRENCY)", stmt.line,
                         "CURDEF")
    ccy = currency(code, source, stmt.line, "CURDEF")
    rows = [_txn(line, t, account, ccy, source) for line, t in stmt.txns]
    total = sum((r.amount for r in rows), Decimal(0))
    closing = values.get("LEDGERBAL.BALAMT")
    closing_value = closing_date = start = None
    try:  # the balance is optional: a malformed one is a warning, the transactions stay
        closing_value = _amount(closing, ccy, source, stmt.line, "BALAMT") if closing else None
        closing_date = _date(values.get("LEDGERBAL.DTASOF", ""), source, stmt.line, "DTASOF",
                             True)
        start = _date(values.get("BANKTRANLIST.DTSTART", ""), source, stmt.line, "DTSTART",
                      True)
    except InputError as error:
        warnings.append(f"{error.message}; ignored, the balance cannot be checked")
        closing_value = None
    return rows, StatementBalance(
        account, values.get("BANKTRANLIST.DTEND", ""), ccy, None, closing_value, start,
        closing_date, len(rows), total, stmt.line, (ccy,))


def _txn(line: int, t: dict[str, str], account: str, ccy: str, source: str) -> BankTxn:
    """One STMTTRN aggregate -> BankTxn; TRNAMT and DTPOSTED are mandatory."""
    if "TRNAMT" not in t:
        raise InputError(source, "transaction without TRNAMT", line, "TRNAMT")
    if "DTPOSTED" not in t:
        raise InputError(source, "transaction without DTPOSTED", line, "DTPOSTED")
    value = _amount(t["TRNAMT"], ccy, source, line, "TRNAMT")
    booked = _date(t["DTPOSTED"], source, line, "DTPOSTED", False)
    assert booked is not None
    other = (t.get("BANKACCTTO.ACCTID") or t.get("CCACCTTO.ACCTID") or "").replace(" ", "").upper()
    return BankTxn(TransactionId(t.get("FITID", "")), booked, value, ccy,
                   clean(t.get("NAME") or t.get("PAYEE.NAME")), other if is_iban(other) else None,
                   clean(t.get("MEMO")), account)


def _amount(text: str, ccy: str, source: str, line: int, field: str) -> Decimal:
    """OFX amounts have a dot, or a comma in some European exports."""
    comma = "," in text and _COMMA_AMOUNT.fullmatch(text.strip()) is not None
    value = amount(text, source, line, field, decimal="," if comma else ".")
    return check_precision(value, ccy, source, line, field)


def _date(text: str, source: str, line: int, field: str, optional: bool) -> date | None:
    """YYYYMMDD[HHMMSS[.XXX]][tz]: the date part only."""
    if not text and optional:
        return None
    found = _day(text[:8])
    if found is None:
        raise InputError(source, f"not an OFX date: {text!r}", line, field)
    return found


@lru_cache(maxsize=4096)
def _day(text: str) -> date | None:
    """YYYYMMDD as a date, None when it is none (cached: a statement repeats its days)."""
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
