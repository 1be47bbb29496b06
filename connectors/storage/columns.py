"""Frame columns <-> database values: minor units and Decimal, datetime64 and date, "" and NULL.

Frames follow `dunwell.frames` (int64 minor units, datetime64 dates, "" for
missing text); the database holds `Numeric` amounts, dates and NULLs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Connection, Engine, String, case, cast, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dunwell.money import exponent

T = TypeVar("T")
CHUNK = 5_000


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items, for bulk statements and IN lists."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def dialect_insert(db: Session | Engine | Connection, table: Any) -> Any:
    """INSERT for the database's dialect, so that ON CONFLICT is available on both."""
    bind = db.get_bind() if isinstance(db, Session) else db
    module = postgresql if bind.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def decimals(minor: Iterable[Any], currencies: Iterable[str]) -> list[Decimal | None]:
    """Minor units to Decimal amounts at each currency's precision; NA stays None."""
    exps: dict[str, int] = {}
    out: list[Decimal | None] = []
    for value, currency in zip(minor, currencies, strict=True):
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out.append(None)
            continue
        if currency not in exps:
            exps[currency] = exponent(currency)
        out.append(Decimal(int(value)).scaleb(-exps[currency]))
    return out




def dates(column: pd.Series) -> list[date | None]:
    """A datetime64 (or date/str) column as dates; NaT becomes None."""
    values = pd.to_datetime(column, errors="coerce")
    return [None if pd.isna(v) else v for v in values.dt.date]




def text_or_none(column: pd.Series) -> list[str | None]:
    """Text cells with "" and NA turned into None, for nullable columns."""
    values = column.astype("object")
    blank = values.isna() | (values.astype("str").str.strip() == "")
    return [None if b else str(v) for v, b in zip(values.tolist(), blank.tolist(), strict=True)]


def text(values: Iterable[str | None]) -> pd.Series:
    """Database text as a frame column: None becomes ""."""
    return pd.Series(["" if v is None else str(v) for v in values], dtype="str")


def column(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    """A frame's column, or `default` on every row when the frame lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index)


def minor_units_sql(session: Session, amount: Any, currency: Any) -> Any:
    """SQL for an amount in integer minor units, exact on PostgreSQL's numeric.

    Converting in the database keeps a million rows out of Python's Decimal.
    """
    codes = session.execute(select(currency).distinct()).scalars().all()
    if not codes:
        return literal(0, BigInteger)
    scaled = {c: cast(func.round(amount * 10 ** exponent(c)), BigInteger) for c in codes}
    return case(scaled, value=currency)


def to_frame(rows: Sequence[Any], names: Sequence[str], kinds: dict[str, str]) -> pd.DataFrame:
    """Database rows as a frame: kinds "int64", "bool", "datetime64"; anything else is text."""
    values = list(zip(*rows, strict=True)) or [()] * len(names)
    raw = {n: pd.Series(v, dtype="object") for n, v in zip(names, values, strict=True)}
    out: dict[str, pd.Series] = {}
    for name in names:
        kind = kinds.get(name, "str")
        if kind == "datetime64":
            out[name] = pd.to_datetime(raw[name].astype("str").str[:10], format="%Y-%m-%d",
                                       errors="coerce").astype("datetime64[ns]")
        elif kind == "int64":
            out[name] = raw[name].fillna(0).astype("int64")
        elif kind == "bool":
            out[name] = raw[name].fillna(0).astype("bool")
        else:
            out[name] = raw[name].astype("object").fillna("").astype("str")
    return pd.DataFrame(out)


def date_text(value: Any) -> Any:
    """A date column read as ISO text, which pandas parses far faster than date objects."""
    return cast(value, String)


def as_rows(columns: Mapping[str, Sequence[object]]) -> list[dict[str, Any]]:
    """Equal-length column lists as row dicts, for executemany."""
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def json_safe(value: Any) -> Any:
    """A frame cell as something JSON can hold: numpy scalars, timestamps and NA converted."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value
