"""ISO 20022 camt.053 statements, camt.052 reports and camt.054 notifications.

Streamed with lxml iterparse and looked up by local names, so every version
from 001.02 to 001.08 (or no namespace) reads alike and a 100,000-entry file
stays in bounded memory. Only booked entries become transactions; an entry whose details each
carry an amount adding up to the entry's is one row per detail (a batch).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree

from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId

from .camt_entry import Row, entry_rows, iso_date
from .records import StatementBalance
from .text import amount, check_precision, cp1252, currency

_CONTAINERS = ("Stmt", "Rpt", "Ntfctn")
_OPENING = ("OPBD", "PRCD")


@lru_cache(maxsize=1024)
def _path(expr: str, ns: str) -> str:
    """'A/B' -> '{ns}A/{ns}B' (exact tags are much faster than {*} wildcards)."""
    return "/".join(ns + part for part in expr.split("/"))


def path(el: etree._Element, expr: str) -> str:
    """An ElementPath relative to el, in el's own namespace (whatever camt version it is)."""
    tag = el.tag
    return _path(expr, tag[: tag.index("}") + 1] if tag[:1] == "{" else "")


def text_at(el: etree._Element, expr: str) -> str:
    """Stripped text at a path, "" when absent."""
    return (el.findtext(path(el, expr)) or "").strip()


def is_tag(el: etree._Element, name: str) -> bool:
    """True when el's local name is `name`, in any namespace."""
    tag = el.tag
    return tag == name or (isinstance(tag, str) and tag.endswith("}" + name))


@dataclass
class _Section:
    """A statement being read: its header and the running count and sum of its rows."""

    elem: etree._Element
    account: str
    statement_id: str
    line: int | None
    day: date | None = None
    count: int = 0
    total: Decimal = Decimal(0)
    currencies: set[str] = field(default_factory=set)


Result = tuple[list[BankTxn], list[int], list[StatementBalance], list[str]]


def read(file: Path, source: str) -> Result:
    """Transactions, their lines, balances and warnings of a camt file (read as a stream)."""
    try:
        return _read(str(file), source, [])
    except etree.XMLSyntaxError as exc:
        if "encoding" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise InputError(source, f"not well-formed XML: {_first_line(exc.msg)}",
                             exc.lineno) from None
    data = cp1252(file.read_bytes())
    data = re.sub(r"^(<\?xml[^>]*?)encoding=['\"][^'\"]*['\"]", r"\1", data.lstrip("\ufeff"))
    warning = f"{source}: not valid in its declared encoding; read as Windows-1252"
    try:
        return _read(io.BytesIO(data.encode("utf-8")), source, [warning])
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"not well-formed XML: {_first_line(exc.msg)}",
                             exc.lineno) from None


def _first_line(message: str) -> str:
    """libxml2's message without the ", line 1, column 2" it sometimes puts on a second
    line: the error names the line itself, in one line."""
    return (message or "").strip().splitlines()[0] if (message or "").strip() else "parse error"


def _read(src: str | IO[bytes], source: str, warnings: list[str]) -> Result:
    """The streaming loop: entries as they end, statements when they close."""
    txns: list[BankTxn] = []
    lines: list[int] = []
    balances: list[StatementBalance] = []
    skipped = 0
    notes: list[tuple[str, int]] = []
    section: _Section | None = None
    tags = tuple("{*}" + t for t in ("Ntry", *_CONTAINERS))
    for _, elem in etree.iterparse(src, events=("end",), tag=tags, resolve_entities=False,
                                   no_network=True, load_dtd=False, remove_comments=True):
        parent = elem.getparent()
        if is_tag(elem, "Ntry"):
            if section is None or section.elem is not parent:
                section = _section(parent, source, warnings)
            rows = entry_rows(elem, source, section.day, notes)
            skipped += rows is None
            _add(rows or [], section, txns, lines)
            parent.remove(elem)
            continue
        if section is None or section.elem is not elem:
            section = _section(elem, source, warnings)
        balances.append(_balance(section, source, warnings))
        section = None
        elem.clear()
    if skipped:
        warnings.append(f"{source}: {skipped} entries not booked (pending or information) skipped")
    for how in dict.fromkeys(how for how, _ in notes):
        at = [str(line) for kind, line in notes if kind == how]
        more = ", ..." if len(at) > 10 else ""
        warnings.append(f"{source}: {len(at)} entries without a booking date were booked on "
                        f"{how}: lines {', '.join(at[:10])}{more}")
    return txns, lines, balances, warnings


def _add(rows: list[Row], section: _Section, txns: list[BankTxn], lines: list[int]) -> None:
    """Turn rows into transactions of this statement, adding to its count and sum."""
    for row in rows:
        lines.append(row.line)
        txns.append(BankTxn(TransactionId(row.ref), row.booked, row.amount, row.currency,
                            row.name, row.iban, row.remittance, section.account))
        section.count += 1
        section.total += row.amount
        section.currencies.add(row.currency)


def _section(elem: etree._Element, source: str, warnings: list[str]) -> _Section:
    """Header of a Stmt/Rpt/Ntfctn: account, id, and its date (for entries without one)."""
    account = text_at(elem, "Acct/Id/IBAN") or text_at(elem, "Acct/Id/Othr/Id")
    if not account:
        warnings.append(f"{source}:{elem.sourceline}: statement has no account (Acct/Id); "
                        "the account column stays blank")
    when = text_at(elem, "FrToDt/ToDtTm") or text_at(elem, "CreDtTm")
    try:
        day = iso_date(when, source, elem.sourceline, "CreDtTm") if when else None
    except InputError:
        day = None
    return _Section(elem, account, text_at(elem, "Id"), elem.sourceline, day)


def _balance(section: _Section, source: str, warnings: list[str]) -> StatementBalance:
    """Opening (OPBD/PRCD) and closing (CLBD) booked balances of a finished statement;
    a malformed balance is a warning (the balance check is then not possible)."""
    found: dict[str, tuple[date | None, Decimal, str]] = {}
    for bal in section.elem.iterfind(path(section.elem, "Bal")):
        code = text_at(bal, "Tp/CdOrPrtry/Cd")
        if code in (*_OPENING, "CLBD") and code not in found:
            try:
                found[code] = _balance_amount(bal, source)
            except InputError as error:
                warnings.append(f"{error.message}; balance ignored, it cannot be checked")
    opening = found.get("OPBD") or found.get("PRCD")
    closing = found.get("CLBD")
    ccy = (opening or closing or (None, None, ""))[2] or text_at(section.elem, "Acct/Ccy")
    seen = set(section.currencies) | {b[2] for b in (opening, closing) if b}
    ccy = ccy or (sorted(seen)[0] if seen else "")
    return StatementBalance(
        section.account, section.statement_id, ccy,
        opening[1] if opening else None, closing[1] if closing else None,
        opening[0] if opening else None, closing[0] if closing else None,
        section.count, section.total, section.line, tuple(sorted(seen)))


def _balance_amount(bal: etree._Element, source: str) -> tuple[date | None, Decimal, str]:
    """A Bal element -> (date, signed amount, currency)."""
    amt = bal.find(path(bal, "Amt"))
    if amt is None or not (amt.text or "").strip():
        raise InputError(source, "balance without amount", bal.sourceline, "Bal/Amt")
    ccy = currency(amt.get("Ccy", ""), source, amt.sourceline, "Bal/Amt/@Ccy")
    value = check_precision(amount(amt.text or "", source, amt.sourceline, "Bal/Amt"), ccy,
                            source, amt.sourceline, "Bal/Amt")
    sign = text_at(bal, "CdtDbtInd")
    when = text_at(bal, "Dt/Dt") or text_at(bal, "Dt/DtTm")
    day = iso_date(when, source, bal.sourceline, "Bal/Dt") if when else None
    return day, -value if sign == "DBIT" else value, ccy
