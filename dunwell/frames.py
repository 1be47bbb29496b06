"""Canonical column sets of the frames that hot paths pass around.

Frames are pandas DataFrames with these columns (extra columns are allowed
and kept). Amounts are int64 minor units (`*_minor`) next to a `currency`
column; dates are `datetime64` columns normalised to midnight; text is
`str` with "" for missing. `line` is the physical line in the source file
(header = line 1) so that quality findings and quarantine can point at it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.currencies import display_exponent

INVOICE_COLUMNS: dict[str, str] = {
    "invoice_id": "str",
    "customer_id": "str",
    "customer_name": "str",
    "currency": "str",
    "amount_minor": "int64",
    "open_minor": "int64",
    "issue_date": "datetime64",
    "due_date": "datetime64",
    "status": "str",  # open | paid | cancelled | credit_note
    "email": "str",
    "disputed": "bool",
    "promise_to_pay_date": "datetime64",  # NaT when none
    "line": "int64",
}

CUSTOMER_COLUMNS: dict[str, str] = {
    "customer_id": "str",
    "name": "str",
    "email": "str",
    "iban": "str",  # electronic form, upper case, no spaces
    "segment": "str",  # "" when not pinned
    "language": "str",  # default "en"
    "country": "str",
    "timezone": "str",
    "do_not_contact": "bool",
    "line": "int64",
}

TRANSACTION_COLUMNS: dict[str, str] = {
    "transaction_id": "str",
    "booking_date": "datetime64",
    "amount_minor": "int64",  # signed: incoming money is positive
    "currency": "str",
    "counterparty_name": "str",
    "counterparty_iban": "str",
    "remittance_info": "str",
    "account": "str",
    "line": "int64",
}

MATCH_COLUMNS = [
    "transaction_id",
    "invoice_id",
    "applied_amount",
    "confidence",
    "decision",
    "reasons",
]
DISCREPANCY_COLUMNS = ["kind", "transaction_id", "invoice_id", "amount", "detail"]
ACTION_COLUMNS = [
    "run_date",
    "customer_id",
    "currency",
    "invoice_ids",
    "stage",
    "channel",
    "template",
    "language",
    "reason",
    "message_id",
]


def scale(currency: pd.Series) -> np.ndarray:
    """10**exponent per row, so that minor units can be turned back into amounts."""
    return np.power(10, currency.map(scale_exponents(currency)).to_numpy(dtype="int64"))


def scale_exponents(currency: pd.Series) -> dict[str, int]:
    """Each distinct code's decimals (unknown codes as 2: validation reports them)."""
    return {c: display_exponent(c) for c in pd.unique(currency)}


def minor_to_text(minor: pd.Series, currency: pd.Series) -> pd.Series:
    """Canonical decimal strings (`1234.50`) from minor units, vectorised."""
    exps = currency.map(scale_exponents(currency)).to_numpy(dtype="int64")
    values = minor.to_numpy(dtype="int64")
    out = np.empty(len(values), dtype=object)
    for e in np.unique(exps):
        mask = exps == e
        v = values[mask]
        if e == 0:
            out[mask] = v.astype(str)
            continue
        sign = np.where(v < 0, "-", "")
        a = np.abs(v)
        whole = (a // 10**e).astype(str)
        frac = pd.Series(a % 10**e).astype(str).str.zfill(int(e)).to_numpy()
        out[mask] = np.char.add(
            np.char.add(np.char.add(sign.astype(str), whole), "."), frac.astype(str)
        )
    return pd.Series(out, index=minor.index, dtype="str")
