"""One way in: each statement format is one reader that identifies its content, then reads it.

beangulp's importer shape: `identify(head)` says whether (and as which kind) a reader
takes a file from its first bytes, never from its name; `read(...)` returns the
StatementImport, the physical line of every transaction travelling with it in `lines`.
`READERS` are tried in order; a file none identifies is a bank CSV (profiles, inference).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from dunwell.errors import InputError, InputErrors
from dunwell.model import BankTxn, TransactionId

from . import bai2, mt940, ofx
from .bank_csv import looks_canonical
from .identity import assign_ids, with_fingerprints
from .records import StatementBalance, StatementImport
from .text import clean, decode

_MT940_TAG = re.compile(r"(?:^|\n|\{4:)[ \t]*:(20|25|28C?|60[FM]|61|62[FM]):")
_CAMT = {"BkToCstmrStmt": "camt053", "BkToCstmrDbtCdtNtfctn": "camt054",
         "BkToCstmrAcctRpt": "camt052"}
_OFX_XML = re.compile(r"<\?OFX|<OFX>", re.I)


class Reader(Protocol):
    """A statement format: identify it from the file's first text, then read the file.

    may_lack_currency: True when a file of the format may state no currency (OFX without
    CURDEF, BAI2): the caller then passes the configured default."""

    may_lack_currency: bool

    def identify(self, start: str, head: str) -> str | None:
        """The kind of statement (camt053, ofx, ...) when this reader takes the file, else None;
        `start` is the head without leading blanks and framing characters."""

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        """The file's transactions (with their lines), balances and warnings; bad input
        raises InputError naming file, line and field."""


class Camt:
    """ISO 20022 camt.053/.054/.052, streamed with lxml (imported for XML files only)."""

    may_lack_currency = False

    def identify(self, start: str, head: str) -> str | None:
        if not start.startswith("<"):
            return None
        return next((kind for root, kind in _CAMT.items()
                     if f"{root}>" in head or f"{root} " in head), None)

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        from . import camt

        txns, lines, balances, warnings = camt.read(path, source)
        return with_ids(kind, txns, lines, balances, warnings)


class Ofx:
    """OFX/QFX, SGML 1.x (an OFXHEADER) or XML 2.x."""

    may_lack_currency = True

    def identify(self, start: str, head: str) -> str | None:
        if start.startswith("<"):
            return "ofx" if _OFX_XML.search(head) and Camt().identify(start, head) is None \
                else None
        return "ofx" if start.upper().startswith("OFXHEADER") else None

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        text, warnings = ofx.decode(file_bytes(path, source), source)
        txns, lines, balances, more = ofx.read(text, source, currency)
        return with_ids(kind, txns, lines, balances, warnings + more)


class Bai2:
    """BAI2 cash management reports: the file starts with its 01 record."""

    may_lack_currency = True

    def identify(self, start: str, head: str) -> str | None:
        return "bai2" if start.startswith("01,") else None

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        text, warnings = decode(file_bytes(path, source), source)
        txns, lines, balances, more = bai2.read(text, source, currency)
        return with_ids(kind, txns, lines, balances, warnings + more)


class Mt940:
    """SWIFT MT940: at least two different statement tags near the start."""

    may_lack_currency = False

    def identify(self, start: str, head: str) -> str | None:
        if start.startswith("<"):
            return None
        tags = {m.group(1) for m in _MT940_TAG.finditer(head.replace("\r", ""))}
        return "mt940" if len(tags) >= 2 else None

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        text, warnings = decode(file_bytes(path, source), source)
        with collector_paused():
            rows, lines, balances, more = mt940.read(text, source)
            # MT940 carries no transaction ids: each record is built once, with its fingerprint
            txns = with_fingerprints(rows)
        return StatementImport(kind, txns, balances, warnings + more, None, lines)


class Canonical:
    """The contract's bank.csv, through the one canonical reader (the flows' own)."""

    may_lack_currency = False

    def identify(self, start: str, head: str) -> str | None:
        return "canonical" if not start.startswith("<") and looks_canonical(start) else None

    def read(self, path: Path, source: str, kind: str, currency: str | None) -> StatementImport:
        from dunwell.connectors.sources.canonical import read_bank_csv
        from dunwell.money import from_minor

        warnings: list[str] = []
        try:
            frame = read_bank_csv(path, warnings)
        except InputErrors as many:  # its first problem is the InputError
            raise many.errors[0] from None
        txns: list[BankTxn] = []
        lines: list[int] = []
        for tid, booked, minor, ccy, name, iban, text, account, line in frame[
                list(_CANONICAL_COLUMNS)].itertuples(index=False):
            txns.append(BankTxn(TransactionId(tid), booked.date(), from_minor(minor, ccy), ccy,
                                clean(name), iban or None, clean(text), clean(account)))
            lines.append(int(line))
        return StatementImport(kind, txns, [], warnings, lines=lines)


_CANONICAL_COLUMNS = ("transaction_id", "booking_date", "amount_minor", "currency",
                      "counterparty_name", "counterparty_iban", "remittance_info", "account",
                      "line")
READERS: tuple[Reader, ...] = (Camt(), Ofx(), Bai2(), Mt940(), Canonical())


def identify(head: str) -> tuple[Reader, str] | None:
    """The first reader that takes a file with this head text, and the kind it says."""
    start = head.lstrip(" \t\r\n\x00\x01")
    for reader in READERS:
        kind = reader.identify(start, head)
        if kind is not None:
            return reader, kind
    return None


def with_ids(kind: str, txns: list[BankTxn], lines: list[int], balances: list[StatementBalance],
            warnings: list[str], profile: str | None = None) -> StatementImport:
    """The import with ids filled in and made unique."""
    return StatementImport(kind, assign_ids(txns), balances, warnings, profile, lines)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a reader builds its records: they form no cycles,
    and the collector's passes over the growing heap of fields and records cost ~15% of
    reading 100,000 MT940 transactions. The collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_bytes(path: Path, source: str) -> bytes:
    """The whole file."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
