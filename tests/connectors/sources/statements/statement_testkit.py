"""Paths and helpers shared by the statement reader tests (not a conftest, so importable)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from dunwell.errors import InputError

REPO = Path(__file__).resolve().parents[4]
SAMPLES = (REPO.parent / "shared" / "samples").resolve()
FIXTURES = REPO / "tests" / "fixtures" / "statements"
FIXTURE_PROFILES = FIXTURES / "profiles"


def golden_rows(path: Path) -> list[dict[str, str]]:
    """Expected canonical rows; an empty transaction_id becomes the contract's fingerprint."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        if not row["transaction_id"]:
            key = tuple(row[c] for c in ("account", "booking_date", "amount", "currency",
                                         "counterparty_name", "counterparty_iban",
                                         "remittance_info"))
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            counterparty = row["counterparty_name"] or row["counterparty_iban"]
            text = "|".join([row["account"], row["booking_date"], row["amount"], row["currency"],
                             counterparty, row["remittance_info"], str(occurrence)])
            row["transaction_id"] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return rows


def raises_input_error(func, *args, **kwargs) -> InputError:  # noqa: ANN001
    """Call and return the InputError it must raise."""
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    return info.value
