"""Which format a statement is, from its first bytes (never from its name)."""

from __future__ import annotations

import re

from .bank_csv import looks_canonical

HEAD = 65536
_MT940_TAG = re.compile(r"(?:^|\n|\{4:)[ \t]*:(20|25|28C?|60[FM]|61|62[FM]):")
_CAMT = {"BkToCstmrStmt": "camt053", "BkToCstmrDbtCdtNtfctn": "camt054",
         "BkToCstmrAcctRpt": "camt052"}


def head_text(data: bytes) -> str:
    """The first bytes as text, for sniffing only (undecodable bytes replaced)."""
    return data[:HEAD].decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff(head: str) -> str | None:
    """mt940, camt053/054/052, ofx, bai2 or canonical; None when it may be a bank CSV."""
    start = head.lstrip(" \t\r\n\x00\x01")
    if start.startswith("<"):
        for root, kind in _CAMT.items():
            if f"{root}>" in head or f"{root} " in head:
                return kind
        if re.search(r"<\?OFX|<OFX>", head, re.I):
            return "ofx"
        return None
    if start.upper().startswith("OFXHEADER"):
        return "ofx"
    if start.startswith("01,"):
        return "bai2"
    if len({m.group(1) for m in _MT940_TAG.finditer(head.replace("\r", ""))}) >= 2:
        return "mt940"
    if looks_canonical(start):
        return "canonical"
    return None
