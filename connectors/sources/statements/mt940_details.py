"""The :86: information field of MT940: counterparty and remittance from its dialects.

Three layouts are common: German/SEPA `?nn` subfields (GVC, ?20-?29 and ?60-?63
remittance with EREF+/SVWZ+ tags, ?31 IBAN, ?32/?33 name), Dutch `/KEY/value`
pairs (/NAME/, /IBAN/, /REMI/, /EREF/), and free text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .text import clean, is_iban, with_behalf

WRAP = 65
_SUBFIELDS = {mark: re.compile(rf"\{mark}(\d{{2}})") for mark in "?>"}
_SEPA_TAG = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_KEYS = "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|ORDP|BENM|ADDR|ISDT|PREF|RTRN|ULTC|ULTD|PURP|CNTP"
_KEY = re.compile(rf"/({_KEYS})/")
_REMITTANCE_FIELDS = {f"{n:02d}" for n in (*range(20, 30), *range(60, 64))}
_LAYOUT = re.compile(r"(?:\d{3})?([?>])\d\d")


class Details(NamedTuple):
    """What :86: tells about a transaction."""

    name: str | None
    iban: str | None
    remittance: str | None


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no gap after a full 65-character line, a space otherwise."""
    out = ""
    for i, line in enumerate(lines):
        if i and len(lines[i - 1]) < WRAP:
            out += " "
        out += line
    return out


def parse_details(lines: list[str]) -> Details:
    """Counterparty name, IBAN and remittance text from the lines of a :86: field."""
    raw = "".join(lines)
    layout = _LAYOUT.match(raw)
    if layout:  # "?20" by the standard; some banks write ">20"
        return _subfields(raw, layout.group(1))
    if raw.startswith("/") and _KEY.search(raw):
        found = _keyed(raw)
        if found is not None:
            return found
    return Details(None, None, clean(join_lines(lines)))


def _subfields(raw: str, mark: str) -> Details:
    """German `?nn` (or `>nn`) layout: ?20-?29/?60-?63 remittance, ?31 IBAN, ?32/?33 name."""
    parts = _SUBFIELDS[mark].split(raw)
    keys, values = parts[1::2], parts[2::2]
    fields = dict(zip(keys, values, strict=True))
    if len(fields) < len(keys):  # a repeated subfield: its pieces join, in order
        fields = {}
        for key, value in zip(keys, values, strict=True):
            fields[key] = fields.get(key, "") + value
    get = fields.get
    # in subfield order, whatever order the bank wrote them in
    remittance = "".join([fields[k] for k in sorted(_REMITTANCE_FIELDS.intersection(fields))])
    name, iban = _party(get("32", "") + get("33", ""), get("31"))
    return Details(name, iban, _purpose(remittance, name))


@lru_cache(maxsize=4096)
def _party(name: str, iban: str | None) -> tuple[str | None, str | None]:
    """The counterparty's name and IBAN from ?32/?33 and ?31 (cached: a statement names
    the same customers and accounts again and again)."""
    iban = iban.replace(" ", "").upper() if iban else ""
    return clean(name), iban if iban and is_iban(iban) else None


def _purpose(remittance: str, payer: str | None) -> str | None:
    """SVWZ+ text when SEPA tags are present, else the whole remittance; the ultimate
    debtor (ABWA+) as 'on behalf of NAME'."""
    if "SVWZ+" not in remittance:  # no SVWZ tag (no other tag can overlap "SVWZ+")
        return clean(remittance)
    parts = _SEPA_TAG.split(remittance)
    tags = dict(zip(parts[1::2], parts[2::2], strict=False))
    purpose = clean(tags["SVWZ"])
    if not purpose:
        return clean(remittance)
    party = tags.get("ABWA")
    return with_behalf(purpose, clean(party), payer) if party else purpose


def _keyed(raw: str) -> Details | None:
    """Dutch `/KEY/value` layout; None when no name, IBAN or remittance key is present."""
    parts = _KEY.split(raw)
    fields: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(key, value.strip("/ ").strip())
    if not {"NAME", "IBAN", "REMI"} & fields.keys():
        return None
    remittance = fields.get("REMI", "")
    for prefix in ("USTD//", "USTD/", "STRD/CUR/"):
        remittance = remittance.removeprefix(prefix)
    iban = fields.get("IBAN", "").replace(" ", "").upper()
    # /ULTD/name/id: the ultimate debtor, the party the payer paid for.
    ultimate = next((p for p in fields.get("ULTD", "").split("/") if p.strip()), None)
    name = clean(fields.get("NAME"))
    return Details(name, iban if is_iban(iban) else None,
                   with_behalf(clean(remittance), clean(ultimate), name))
