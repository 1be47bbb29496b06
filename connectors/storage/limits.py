"""How long each text the database keeps may be: checked when the inputs are read.

SQLite stores a 300-character invoice number in a VARCHAR(100) as it is;
PostgreSQL refuses it halfway through a run. The limits of VARCHAR columns come
from the models, so the check and the schema cannot drift apart; unbounded TEXT
columns get the limits in `TEXT_LIMITS`, so that a 10 MB cell (a broken export)
is refused rather than stored, matched against and mailed.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import String

from dunwell.connectors.storage.models import BankTransaction, Customer, Invoice
from dunwell.errors import InputError

_MODELS = {"invoices": Invoice, "customers": Customer, "transactions": BankTransaction}
NAME_LIMIT = 300  # a payer's name is learned as an alias: aliases.value is VARCHAR(300)
TEXT_LIMITS = {"name": NAME_LIMIT, "customer_name": NAME_LIMIT,
               "counterparty_name": NAME_LIMIT, "email": 1_000, "remittance_info": 10_000}
"""Limits of the TEXT columns read from the user's files (the database would take any size)."""


def text_limits(dataset: str) -> dict[str, int]:
    """Column -> the most characters the database keeps, for `invoices`, `customers` or
    `transactions`."""
    table = _MODELS[dataset].__table__
    bounded = {c.name: int(c.type.length) for c in table.columns
               if isinstance(c.type, String) and c.type.length}
    unbounded = {c.name: TEXT_LIMITS[c.name] for c in table.columns
                 if c.name not in bounded and c.name in TEXT_LIMITS}
    return {**bounded, **unbounded}


def too_long(frame: pd.DataFrame, source: str, dataset: str) -> list[InputError]:
    """One error per cell longer than its column's limit, naming file, line, column and limit."""
    errors = []
    lines = frame["line"] if "line" in frame.columns else pd.Series(None, index=frame.index)
    for column, limit in text_limits(dataset).items():
        if column not in frame.columns:
            continue
        lengths = frame[column].fillna("").astype("str").str.len()
        for index in lengths.index[lengths > limit]:
            line = lines.get(index)
            errors.append(InputError(
                source, f"{lengths[index]:,} characters; at most {limit} are allowed here",
                None if pd.isna(line) or not int(line) else int(line), column))
    return errors
