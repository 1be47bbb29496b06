"""How long each text the database keeps may be: checked when the inputs are read.

SQLite stores a 300-character invoice number in a VARCHAR(100) as it is;
PostgreSQL refuses it halfway through a run. The limits come from the models,
so the check and the schema cannot drift apart.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import String

from dunwell.connectors.storage.models import BankTransaction, Customer, Invoice
from dunwell.errors import InputError

_MODELS = {"invoices": Invoice, "customers": Customer, "transactions": BankTransaction}


def text_limits(dataset: str) -> dict[str, int]:
    """Column -> the most characters the database keeps, for `invoices`, `customers` or
    `transactions`."""
    table = _MODELS[dataset].__table__
    return {c.name: int(c.type.length) for c in table.columns
            if isinstance(c.type, String) and c.type.length}


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
