"""Which format a statement is, from its first bytes (never from its name)."""

from __future__ import annotations

HEAD = 65536


def head_text(data: bytes) -> str:
    """The first bytes as text, for sniffing only (undecodable bytes replaced)."""
    return data[:HEAD].decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff(head: str) -> str | None:
    """mt940, camt053/054/052, ofx, bai2 or canonical; None when it may be a bank CSV
    (the kind the first of `readers.READERS` to identify the head says)."""
    from .readers import identify

    found = identify(head)
    return found[1] if found else None
