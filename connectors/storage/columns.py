"""Frame columns <-> database values: minor units and Decimal, datetime64 and date, "" and NULL.

Frames follow `dunwell.frames` (int64 minor units, datetime64 dates, "" for
missing text); the database holds `Numeric` amounts, dates and NULLs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
SLICE_ROWS = 100_000
EXECUTE_ROWS = 50_000
DEFER_INDEX_ROWS = 50_000  # an insert this large into a table no larger: indexes made after


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items, for bulk statements and IN lists."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def frame_slices(frame: pd.DataFrame, size: int = SLICE_ROWS) -> Iterator[pd.DataFrame]:
    """Consecutive row slices of a frame (one empty frame for an empty one), so that only
    one slice at a time is turned into Python values for the database."""
    for start in range(0, max(len(frame), 1), size):
        yield frame.iloc[start:start + size]


@contextmanager
def indexes_deferred(session: Session, table: Any, rows: int) -> Iterator[None]:
    """On SQLite, insert `rows` rows into `table` with its plain (not unique) indexes dropped
    and made again afterwards, when the insert is large and the table no larger than it.

    SQLite sorts once to build an index, several times faster than a million inserts at
    random places in it (1M statement rows: 20 s with their four indexes, 13 s so). Both
    happen inside the caller's transaction: the schema a failed run leaves is the one it
    found. Unique indexes stay, conflicts are found through them; PostgreSQL loads by COPY.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or rows < DEFER_INDEX_ROWS:
        yield
        return
    name = table.name
    stored = connection.exec_driver_sql(f'SELECT max(rowid) FROM "{name}"').scalar() or 0
    if stored > rows:  # remaking a large table's indexes would cost more than it saves
        yield
        return
    made = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE %'", (name,)).all()
    for index, _sql in made:
        connection.exec_driver_sql(f'DROP INDEX "{index}"')
    yield  # a failure ends here: its transaction rolls the dropped indexes back
    for _index, sql in made:
        connection.exec_driver_sql(sql)


def dialect_insert(db: Session | Engine | Connection, table: Any) -> Any:
    """INSERT for the database's dialect, so that ON CONFLICT is available on both."""
    bind = db.get_bind() if isinstance(db, Session) else db
    module = postgresql if bind.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def insert_rows(session: Session, table: Any, columns: dict[str, list[Any]], *,
                conflict: tuple[str, ...] = (), update: bool = False) -> int:
    """INSERT equal-length column lists as rows, the fast way for a million of them.

    `conflict` names the unique key: a row whose key is stored is skipped, or with
    `update` overwrites the stored row's other columns (the last of repeated keys wins).
    PostgreSQL gets COPY (through a temporary table when there is a key); other databases
    one DBAPI executemany of plain tuples. Column defaults missing from `columns` are
    filled in, and values pass through the columns' own type conversions, so what is
    stored is what SQLAlchemy's executemany of dicts stores. Returns the rows the
    database wrote (a skipped conflict is not one).
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_rows(connection, table, columns, conflict, update)
    statement = dialect_insert(connection, table)
    if conflict and update:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={c: statement.excluded[c] for c in names if c not in conflict})
    elif conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    return execute_rows(connection, statement, _with_defaults(table, columns))


def execute_rows(connection: Connection, statement: Any, columns: dict[str, list[Any]]) -> int:
    """Run `statement` once per row of `columns` (keyed by bind name): executemany of plain
    tuples, the columns' bind conversions applied column by column, a slice at a time so
    that the converted copy of a million rows never exists at once."""
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(columns))
    processors = compiled._bind_processors  # noqa: SLF001 - SQLAlchemy's per-type conversions
    names = list(compiled.positiontup or []) if connection.dialect.positional else list(columns)
    count = len(next(iter(columns.values())))
    changed = 0
    for start in range(0, count, EXECUTE_ROWS):
        part = [columns[n][start:start + EXECUTE_ROWS] for n in names]
        part = [_converted(processors[n], cells) if n in processors else cells
                for n, cells in zip(names, part, strict=True)]
        rows: list[Any] = list(zip(*part, strict=True))
        if not connection.dialect.positional:
            rows = [dict(zip(names, row, strict=True)) for row in rows]
        changed += max(connection.exec_driver_sql(compiled.string, rows).rowcount, 0)
    return changed


def _converted(process: Callable[[Any], Any], cells: list[Any]) -> list[Any]:
    """`process` over a column's cells; dates and timestamps (formatted in Python, and few
    distinct ones: due dates, the run's own timestamp) are converted once per value."""
    sample = next((v for v in cells if v is not None), None)
    if not isinstance(sample, date):  # datetime is a date too; equal dates are the same text
        return list(map(process, cells))
    table = {v: process(v) for v in set(cells)}
    return list(map(table.__getitem__, cells))


def _with_defaults(table: Any, columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """`columns` plus every other column's Python-side default (one value for the batch)."""
    count = len(next(iter(columns.values())))
    out = dict(columns)
    for col in table.columns:
        default = col.default
        if col.key in out or default is None or not (default.is_callable or default.is_scalar):
            continue
        out[col.key] = [default.arg(None) if default.is_callable else default.arg] * count
    return out


def _copy_rows(connection: Connection, table: Any, columns: dict[str, list[Any]],
               conflict: tuple[str, ...], update: bool) -> int:
    """PostgreSQL: COPY into the table, or into a temporary one then INSERT .. SELECT with
    ON CONFLICT (row order kept: the first of repeated keys stays, or with `update` the last)."""
    full = _with_defaults(table, columns)
    processors = {c.key: c.type._cached_bind_processor(connection.dialect)  # noqa: SLF001
                  for c in table.columns if c.key in full}
    values = {n: (list(map(p, full[n])) if (p := processors.get(n)) else full[n]) for n in full}
    names = list(values)
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    target = connection.dialect.identifier_preparer.format_table(table)
    if not conflict:
        _copy(cursor, f"COPY {target} ({quoted}) FROM STDIN", values)
        return len(values[names[0]])
    cursor.execute("DROP TABLE IF EXISTS dunwell_load")
    cursor.execute(f"CREATE TEMPORARY TABLE dunwell_load ON COMMIT DROP AS SELECT {quoted}, "
                   f"0::bigint AS dunwell_n FROM {target} WITH NO DATA")
    values["dunwell_n"] = list(range(len(values[names[0]])))
    _copy(cursor, f"COPY dunwell_load ({quoted}, dunwell_n) FROM STDIN", values)
    keys = ", ".join(connection.dialect.identifier_preparer.quote(k) for k in conflict)
    if update:
        rest = [n for n in columns if n not in conflict]
        chosen = (f"SELECT DISTINCT ON ({keys}) {quoted} FROM dunwell_load "
                  f"ORDER BY {keys}, dunwell_n DESC")
        sets = ", ".join(f"{q} = EXCLUDED.{q}" for q in
                         (connection.dialect.identifier_preparer.quote(n) for n in rest))
        action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    else:
        chosen = f"SELECT {quoted} FROM dunwell_load ORDER BY dunwell_n"
        action = "DO NOTHING"
    cursor.execute(f"INSERT INTO {target} ({quoted}) {chosen} ON CONFLICT ({keys}) {action}")
    written = max(cursor.rowcount, 0)
    cursor.execute("DROP TABLE dunwell_load")
    return written


def _copy(cursor: Any, sql: str, values: dict[str, list[Any]]) -> None:
    with cursor.copy(sql) as copy:
        for row in zip(*values.values(), strict=True):
            copy.write_row(row)


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




def amounts(db: Session | Connection, minor: Iterable[Any], currencies: Sequence[str]
            ) -> list[Decimal | float | None]:
    """Minor units as the database stores amounts; NA stays None.

    PostgreSQL (numeric) gets `decimals`. SQLite keeps `Numeric` as REAL: SQLAlchemy would
    turn each Decimal into its float, and the same float (the correctly rounded quotient
    minor / 10**exponent) is computed here for the whole column at once: a million
    Decimals and their conversion took seconds.
    """
    bind = db.get_bind() if isinstance(db, Session) else db
    if bind.dialect.name != "sqlite":
        exact: list[Decimal | float | None] = list(decimals(minor, currencies))
        return exact
    numbers = pd.to_numeric(pd.Series(minor, dtype="object").reset_index(drop=True),
                            errors="raise").to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = pd.factorize(pd.Series(list(currencies), dtype="object"), sort=False,
                                  use_na_sentinel=False)
    if len(codes) != len(numbers):
        raise ValueError(f"{len(numbers)} amounts, {len(codes)} currencies")
    used = set(codes[~np.isnan(numbers)].tolist())  # a currency's exponent, as decimals asks
    scale = np.array([10.0 ** exponent(c) if i in used else 1.0
                      for i, c in enumerate(uniques)])[codes]
    values = (numbers / scale).astype("object")
    values[np.isnan(numbers)] = None
    return values.tolist()


def dates(column: pd.Series) -> list[date | None]:
    """A datetime64 (or date/str) column as dates; NaT becomes None. Each distinct day is
    made once (a million rows have a few hundred)."""
    codes, uniques = pd.factorize(pd.to_datetime(column, errors="coerce"), sort=False)
    days: list[date | None] = [*pd.DatetimeIndex(uniques).date.tolist(), None]
    return [days[c] for c in codes.tolist()]




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
