"""One camt Ntry -> its rows: amount, sign, booking date, counterparty, remittance.

The counterparty is the debtor (Dbtr, else UltmtDbtr) of a credit and the
creditor (Cdtr, else UltmtCdtr) of a debit; remittance is Ustrd plus the
structured creditor and document references, else the additional info text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from lxml import etree

from dunwell.errors import InputError

from . import camt
from .text import amount, check_precision, clean, currency, is_iban

_BOOKED = {"BOOK", ""}


class Row(NamedTuple):
    """A transaction as read from an entry, before the statement's account is added."""

    ref: str
    booked: date
    amount: Decimal
    currency: str
    name: str | None
    iban: str | None
    remittance: str | None
    line: int


def entry_rows(ntry: etree._Element, source: str) -> list[Row] | None:
    """Rows of a booked entry; None for a pending or information-only entry."""
    status = camt.text_at(ntry, "Sts") or camt.text_at(ntry, "Sts/Cd")
    if status.upper() not in _BOOKED:
        return None
    value, ccy = _money(ntry, ntry, source, "Ntry/Amt")
    credit = _credit(ntry, ntry, source)
    signed = value if credit else -value
    booked = _booking_date(ntry, source)
    ref = camt.text_at(ntry, "AcctSvcrRef") or camt.text_at(ntry, "NtryRef")
    details = ntry.findall(camt.path(ntry, "NtryDtls/TxDtls"))
    parts = _split(details, signed, ccy, credit, source)
    if parts is None:
        detail = details[0] if len(details) == 1 else None
        return [_row(ref, booked, signed, ccy, detail, ntry, credit)]
    return [
        _row(camt.text_at(d, "Refs/AcctSvcrRef") or (f"{ref}/{i}" if ref else ""),
             booked, amt, ccy, d, ntry, amt > 0 or (amt == 0 and credit), split=True)
        for i, (d, amt) in enumerate(parts, 1)
    ]


def _split(details: list[etree._Element], signed: Decimal, ccy: str, credit: bool,
           source: str) -> list[tuple[etree._Element, Decimal]] | None:
    """Details with signed amounts when there are several and they add up to the entry."""
    if len(details) < 2:
        return None
    parts: list[tuple[etree._Element, Decimal]] = []
    for d in details:
        amt = d.find(camt.path(d, "Amt"))
        if amt is None:
            amt = d.find(camt.path(d, "AmtDtls/TxAmt/Amt"))
        if amt is None:
            return None
        value, dccy = _money(d, amt, source, "TxDtls/Amt")
        if dccy != ccy:
            return None
        parts.append((d, value if _credit(d, None, source, credit) else -value))
    return parts if sum(a for _, a in parts) == signed else None


def _money(owner: etree._Element, el: etree._Element, source: str,
           field: str) -> tuple[Decimal, str]:
    """(amount, currency) of an Amt element, or of owner's Amt child."""
    amt = el if camt.is_tag(el, "Amt") else owner.find(camt.path(owner, "Amt"))
    if amt is None or not (amt.text or "").strip():
        raise InputError(source, "entry without amount", owner.sourceline, field)
    ccy = currency(amt.get("Ccy", ""), source, amt.sourceline, f"{field}/@Ccy")
    value = amount(amt.text or "", source, amt.sourceline, field)
    if value < 0:
        raise InputError(source, f"negative amount {amt.text!r}", amt.sourceline, field)
    return check_precision(value, ccy, source, amt.sourceline, field), ccy


def _credit(el: etree._Element, required: etree._Element | None, source: str,
            default: bool = True) -> bool:
    """CdtDbtInd: CRDT is money in; required on entries, inherited by details."""
    ind = camt.text_at(el, "CdtDbtInd")
    if not ind and required is None:
        return default
    if ind not in ("CRDT", "DBIT"):
        raise InputError(source, f"CdtDbtInd must be CRDT or DBIT, not {ind!r}",
                         el.sourceline, "CdtDbtInd")
    return ind == "CRDT"


def _booking_date(ntry: etree._Element, source: str) -> date:
    """BookgDt (Dt or DtTm), else ValDt; an entry without either is an InputError."""
    text = (camt.text_at(ntry, "BookgDt/Dt") or camt.text_at(ntry, "BookgDt/DtTm")[:10]
            or camt.text_at(ntry, "ValDt/Dt") or camt.text_at(ntry, "ValDt/DtTm")[:10])
    if not text:
        raise InputError(source, "entry without booking date", ntry.sourceline, "BookgDt")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(source, f"not a date: {text!r}", ntry.sourceline, "BookgDt") from None


def _row(ref: str, booked: date, signed: Decimal, ccy: str, detail: etree._Element | None,
         ntry: etree._Element, credit: bool, split: bool = False) -> Row:
    """A row with the counterparty and remittance of its detail (if any), at its line."""
    name = iban = remittance = None
    if detail is not None:
        name, iban = _party(detail, "Dbtr" if credit else "Cdtr")
        remittance = _remittance(detail)
    remittance = remittance or clean(camt.text_at(ntry, "AddtlNtryInf"))
    line = detail.sourceline if split and detail is not None else ntry.sourceline
    return Row(ref, booked, signed, ccy, name, iban, remittance, line)


def _party(detail: etree._Element, role: str) -> tuple[str | None, str | None]:
    """Name and IBAN of the debtor or creditor, the ultimate party as fallback name."""
    name = None
    for who in (role, f"Ultmt{role}"):
        name = name or clean(camt.text_at(detail, f"RltdPties/{who}/Nm")
                             or camt.text_at(detail, f"RltdPties/{who}/Pty/Nm"))
    account = (camt.text_at(detail, f"RltdPties/{role}Acct/Id/IBAN")
               or camt.text_at(detail, f"RltdPties/{role}Acct/Id/Othr/Id")).replace(" ", "").upper()
    return name, account if is_iban(account) else None


def _remittance(detail: etree._Element) -> str | None:
    """Ustrd lines, structured creditor/document references, else AddtlTxInf."""
    texts = [t.text or "" for t in detail.iterfind(camt.path(detail, "RmtInf/Ustrd"))]
    for expr in ("RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Strd/RfrdDocInf/Nb"):
        texts += [t.text or "" for t in detail.iterfind(camt.path(detail, expr))]
    return clean(" ".join(texts)) or clean(camt.text_at(detail, "AddtlTxInf"))
