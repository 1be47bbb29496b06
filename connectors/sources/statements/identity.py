"""Transaction ids: the bank's reference when unique, else a stable fingerprint.

A fingerprint hashes account, date, amount, currency, counterparty, remittance
and the occurrence index of that combination in the file, so that two
identical rows stay distinct and re-reading the file yields the same ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from hashlib import sha256
from operator import attrgetter

from dunwell.model import BankTxn, TransactionId
from dunwell.money import ROUNDING

from .text import quantum


def fingerprint(txn: BankTxn, occurrence: int) -> str:
    """sha256(account|date|amount|currency|counterparty|remittance|occurrence)[:16]."""
    return _digest(_key(txn), occurrence)


def _key(txn: BankTxn) -> tuple[str | None, ...]:
    """What a fingerprint hashes, as text (strings hash faster than dates and Decimals)."""
    return (txn.account, txn.booking_date.isoformat(),
            f"{txn.amount.quantize(quantum(txn.currency), rounding=ROUNDING):f}", txn.currency,
            txn.counterparty_name, txn.counterparty_iban, txn.remittance_info)


def _digest(key: tuple[str | None, ...], occurrence: int) -> str:
    account, day, amount, ccy, name, iban, text = key
    parts = [account or "", day or "", amount or "", ccy or "", name or iban or "", text or "",
             str(occurrence)]
    return sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def assign_ids(txns: list[BankTxn]) -> list[BankTxn]:
    """Fill empty ids with fingerprints and make every id unique within the file."""
    ids = set(map(attrgetter("transaction_id"), txns))
    if len(ids) == len(txns) and all(ids):  # the bank's references, each its own
        return list(txns)
    seen_keys: dict[tuple[str | None, ...], int] = {}
    used: set[str] = set()
    out: list[BankTxn] = []
    for txn in txns:
        tid: str = txn.transaction_id
        if not tid:
            key = _key(txn)
            occurrence = seen_keys.get(key, 0)
            seen_keys[key] = occurrence + 1
            tid = _digest(key, occurrence)
        if tid in used:
            tid = _unique(tid, used)
        used.add(tid)
        out.append(txn if tid == txn.transaction_id else _with_id(txn, tid))
    return out


# A record before its id: booking date, amount (already at its currency's precision),
# currency, counterparty name, counterparty IBAN, remittance text, account.
Row = tuple[date, Decimal, str, str | None, str | None, str | None, str | None]


def with_fingerprints(rows: Iterable[Row]) -> list[BankTxn]:
    """Records for rows that carry no bank reference, each built once with its fingerprint
    id made unique: what `assign_ids` gives for them, without a record built twice."""
    seen_keys: dict[tuple[str | None, ...], int] = {}
    used: set[str] = set()
    days: dict[date, str] = {}  # a file repeats its few booking dates on every row
    out: list[BankTxn] = []
    for booked, value, ccy, name, iban, text, account in rows:
        day = days.get(booked) or days.setdefault(booked, booked.isoformat())
        # the amount is exact already: its text is what `_key` makes of it
        amount = f"{value:f}"
        key = (account, day, amount, ccy, name, iban, text)
        occurrence = seen_keys.get(key, 0)
        seen_keys[key] = occurrence + 1
        # `_digest(key, occurrence)`, inline: a call per row is a tenth of this loop
        tid = sha256("|".join((account or "", day, amount, ccy, name or iban or "", text or "",
                               str(occurrence))).encode("utf-8")).hexdigest()[:16]
        if tid in used:
            tid = _unique(tid, used)
        used.add(tid)
        out.append(BankTxn(TransactionId(tid), booked, value, ccy, name, iban, text, account))
    return out


def _with_id(t: BankTxn, tid: str) -> BankTxn:
    """A copy with another id (positional: dataclasses.replace is slow at 100,000 rows)."""
    return BankTxn(TransactionId(tid), t.booking_date, t.amount, t.currency, t.counterparty_name,
                   t.counterparty_iban, t.remittance_info, t.account)


def _unique(tid: str, used: set[str]) -> str:
    """The id itself, or the id with the first free `-n` suffix when it is taken."""
    if tid not in used:
        return tid
    n = 2
    while f"{tid}-{n}" in used:
        n += 1
    return f"{tid}-{n}"
