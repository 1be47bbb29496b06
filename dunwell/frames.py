"""Canonical column sets of the frames that hot paths pass around.

Frames are pandas DataFrames with these columns (extra columns are allowed
and kept). Amounts are int64 minor units (`*_minor`) next to a `currency`
column; dates are `datetime64` columns normalised to midnight; text is
`str` with "" for missing. `line` is the physical line in the source file
(header = line 1) so that quality findings and quarantine can point at it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types

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


_KIND_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda dtype: types.is_string_dtype(dtype) or types.is_object_dtype(dtype),
    "int64": types.is_integer_dtype,
    "datetime64": types.is_datetime64_any_dtype,
    "bool": types.is_bool_dtype,
}


@dataclass(frozen=True, slots=True)
class FrameSchema:
    """A frame that crosses the seam between the edge and the core: its columns and kinds.

    `required` columns must be there with their kind; `optional` ones are checked only
    when present (readers of some sources leave them out and the core fills a default).
    """

    name: str
    required: Mapping[str, str]
    optional: Mapping[str, str]

    def problems(self, frame: pd.DataFrame) -> list[str]:
        """One line per missing column or column of the wrong kind; [] for a good frame."""
        found = []
        for column, kind in {**self.optional, **self.required}.items():
            if column not in frame.columns:
                if column in self.required:
                    found.append(f"{self.name}: column {column!r} is missing")
                continue
            dtype = frame[column].dtype
            if len(frame) and not _KIND_CHECKS[kind](dtype):  # an empty column has no kind
                found.append(f"{self.name}: column {column!r} is {dtype}, expected {kind}")
        return found


def schema(name: str, columns: Mapping[str, str], optional: tuple[str, ...] = ()) -> FrameSchema:
    """A schema from one of the column tables above; `optional` names may be absent."""
    return FrameSchema(name, {c: k for c, k in columns.items() if c not in optional},
                       {c: k for c, k in columns.items() if c in optional})


INVOICES = schema("invoices", INVOICE_COLUMNS,
                  optional=("customer_name", "email", "disputed", "promise_to_pay_date", "line"))
CUSTOMERS = schema("customers", CUSTOMER_COLUMNS,
                   optional=("email", "iban", "segment", "language", "country", "timezone",
                             "do_not_contact", "line"))
TRANSACTIONS = schema("transactions", TRANSACTION_COLUMNS,
                      optional=("counterparty_name", "counterparty_iban", "remittance_info",
                                "account", "line"))
"""The frames the edge hands the core; `tasks` checks them where they cross."""


def scale(currency: pd.Series) -> np.ndarray:
    """10**exponent per row, so that minor units can be turned back into amounts."""
    powers: np.ndarray = np.power(10, exponents(currency))
    return powers


def exponents(currency: pd.Series) -> np.ndarray:
    """Each row's decimals (unknown codes as 2: validation reports them), looked up once per
    distinct code: a dict's Series.map took 0.5 s for a million rows."""
    codes, uniques = pd.factorize(currency)
    found: np.ndarray = np.array([display_exponent(c) for c in uniques] + [2],
                                 dtype="int64")[codes]
    return found


def minor_to_text(minor: pd.Series, currency: pd.Series) -> pd.Series:
    """Canonical decimal strings (`1234.50`) from minor units, by Arrow's kernels (1M: 0.2 s;
    numpy's string functions took 1.1 s)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    exps = exponents(currency)
    values = minor.to_numpy(dtype="int64")
    scale = np.power(10, exps)
    magnitude = np.abs(values)
    # the decimals: the remainder plus the scale ("105" for 5 cents) without its leading 1
    decimals = pc.utf8_slice_codeunits(pa.array(magnitude % scale + scale).cast(pa.string()), 1)
    text = pc.binary_join_element_wise(
        pc.if_else(pa.array(values < 0), "-", ""), pa.array(magnitude // scale).cast(pa.string()),
        pc.if_else(pa.array(exps > 0), ".", ""), decimals, "")
    return pd.Series(text.to_pandas().array, index=minor.index, dtype="str")


def positions(keys: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Where each `wanted` value stands among `keys` (unique), -1 where it is absent.

    Two text columns are encoded together by Arrow and compared as integer codes (1M: 0.4 s);
    anything else as Python objects (1.2 s): searching pandas 3's Arrow string index, as
    `.map` and `merge` on string keys do, is several times slower still.
    """
    if isinstance(keys.dtype, pd.StringDtype) and keys.dtype == wanted.dtype:
        codes = pd.factorize(pd.concat([keys, wanted], ignore_index=True),
                             use_na_sentinel=False)[0]
        spot = np.full(int(codes.max(initial=-1)) + 1, -1, dtype=np.intp)
        spot[codes[:len(keys)]] = np.arange(len(keys))
        at: np.ndarray = spot[codes[len(keys):]]
        return at
    index = pd.Index(keys.to_numpy(dtype=object), dtype=object)
    found: np.ndarray = index.get_indexer(wanted.to_numpy(dtype=object))
    return found


def shared_codes(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of both sides' values from one factorisation (-1 for a missing value),
    so that looking up one side's keys in the other compares integers. As text, the
    values are encoded by Arrow, never as Python objects."""
    both = pd.concat([left.astype("str"), right.astype("str")], ignore_index=True)
    codes = pd.factorize(both)[0]
    return codes[:len(left)], codes[len(left):]


def check(frame: pd.DataFrame, expected: FrameSchema) -> pd.DataFrame:
    """`frame` unchanged if it has the columns `expected` names; else InvariantBroken: a
    frame that reaches the core malformed is dunwell's bug, never the user's input."""
    from dunwell.errors import InvariantBroken

    problems = expected.problems(frame)
    if problems:
        raise InvariantBroken("; ".join(problems))
    return frame
