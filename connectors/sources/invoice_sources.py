"""Invoice sources: the canonical CSV, Excel workbooks and SQL queries, mapped by profiles.

What `--invoices` takes (a "spec"):

    invoices.csv       the contract's canonical CSV, read by `canonical.read_invoices`
    invoices.xlsx      an Excel workbook: the canonical column names in row 1, or the
                       layout of an Excel profile in config/invoice_profiles, recognised
                       from its sheet's header (or named with `profile=`)
    profile:NAME       a SQL profile: its query, run on the database whose SQLAlchemy URL
                       is in the environment variable the profile names (`url_env`)

Every source is turned into a text table under the canonical column names, with a
`line` column, and checked by the same code as the CSV (`canonical.read_invoices`), so
a bad cell is refused the same way: `file.xlsx:7: column amount: ...` (the Excel row,
header = row 1 as Excel numbers it) or `profile:NAME: query row 12: column amount: ...`
(the 1-based row of the query's result).

Profiles (one YAML file per layout, `config/invoice_profiles/NAME.yaml`)::

    description: free text
    columns:                 # canonical column: the source's column (header or SQL name)
      invoice_id: Belegnummer
    fixed:                   # canonical column: a value for every row (e.g. currency: EUR)
    sheet: Tabelle1          # Excel: the sheet (default: the first); header_row (default 1)
    date_format: "%d.%m.%Y"  # dates that arrive as text (default ISO, %Y-%m-%d)
    decimal: ","             # amounts that arrive as text: decimal and thousands
    thousands: "."           #   separators; a trailing minus (SAP: 1.234,56-) is negative
    url_env: ERP_DATABASE_URL   # SQL: the variable holding the URL (never the URL itself)
    query: SELECT ...           # SQL: the query; it runs in a transaction rolled back after

A password, URL or DSN in a profile is refused: secrets come from the environment.

Numbers in Excel. A cell Excel stored as a number is an IEEE double, and Excel itself
keeps 15 significant digits of it. Such a cell is read with openpyxl (not pandas, whose
float conversion would give `1234.5` or `0.30000000000000004`) and written as decimal
text rounded to 15 significant digits, without exponent: 1234.5 -> "1234.5" (which the
canonical check turns into 123450 minor units, 1234.50), a formula's 0.1+0.2 -> "0.3".
The cell's display format is not used to round money (a format "0" would silently make
1234.5 into 1235); an amount finer than its currency allows is refused as in the CSV.
The number format is used only where it carries meaning: dates (openpyxl returns
datetimes for date formats; they become YYYY-MM-DD, the time of day dropped) and
zero-padded codes (format "000000" on 1234 -> "001234", as Excel shows it).
A formula cell is read as the value Excel last calculated and saved.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dunwell.connectors.settings.config import environment
from dunwell.connectors.sources import canonical
from dunwell.connectors.sources.csvio import RawTable
from dunwell.errors import ConfigError, InputError, InputErrors

PROFILES_DIR = Path(__file__).resolve().parents[2] / "config" / "invoice_profiles"
PREFIX = "profile:"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CANONICAL = tuple(canonical.INVOICE_OUT)
_KEYS = {"description", "columns", "fixed", "sheet", "header_row", "date_format", "decimal",
         "thousands", "url_env", "query"}
_SECRET_KEYS = {"url", "database_url", "dsn", "password", "connection", "connection_string"}
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:[^@\s]+@")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AMOUNT_COLUMNS = ("amount", "open_amount")
_DATE_COLUMNS = ("issue_date", "due_date", "promise_to_pay_date")
_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class InvoiceProfile:
    """One ERP's invoice layout, in an Excel export or behind a SQL query.

    Attributes:
      name: the file name without .yaml; `profile:NAME` on the command line.
      path: the YAML file, for messages.
      columns: canonical column -> the source's column name.
      fixed: canonical column -> a value for every row (a currency the export omits).
      sheet, header_row: where an Excel export's header is (default: first sheet, row 1).
      date_format: strptime format of dates that arrive as text.
      decimal, thousands: separators of amounts that arrive as text.
      url_env, query: a SQL source: the environment variable with the URL, and the query.
    """

    name: str
    path: Path
    columns: dict[str, str]
    fixed: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int = 1
    date_format: str = "%Y-%m-%d"
    decimal: str = "."
    thousands: str = ""
    url_env: str | None = None
    query: str | None = None
    description: str = field(default="", compare=False)

    @property
    def is_sql(self) -> bool:
        """True for a SQL source, False for an Excel layout."""
        return self.query is not None

    @property
    def amount_example(self) -> str:
        """How an amount looks in this layout, for messages (1.234,56)."""
        return f"1{self.thousands}234{self.decimal}56"

    @property
    def date_example(self) -> str:
        """How a date looks in this layout, for messages (DD.MM.YYYY)."""
        words = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon", "%B": "Month"}
        return re.sub(r"%[a-zA-Z]", lambda m: words.get(m.group(), m.group()), self.date_format)


class QueryRowError(InputError):
    """A bad cell in a SQL result: `line` is the 1-based row of the result, not a file line."""

    @property
    def message(self) -> str:
        where = self.source
        if self.line is not None:
            where += f": query row {self.line}"
        if self.column is not None and self.column != "":
            where += f": column {self.column}"
        return f"{where}: {self.problem}"


# --- entry point -------------------------------------------------------------------------

def read_invoice_source(spec: str | Path, profile: str | None = None,
                        warnings: list[str] | None = None, *, profiles_dir: Path | None = None,
                        env: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Any invoice source -> invoices frame (dunwell.frames.INVOICE_COLUMNS).

    `spec` is a file (.csv canonical, .xlsx Excel) or `profile:NAME` (SQL); `profile` names
    the Excel layout (or the SQL profile) instead of recognising it. `env` is where the SQL
    profile's URL is looked up (default: the process environment).
    """
    folder = Path(profiles_dir) if profiles_dir is not None else PROFILES_DIR
    text = str(spec)
    if text.startswith(PREFIX):
        name = text.removeprefix(PREFIX).strip()
        return _read_sql(load_profile(name, folder, text), environment() if env is None else env)
    path = Path(spec)
    chosen = load_profile(profile, folder, "--invoices profile") if profile else None
    if chosen is not None and chosen.is_sql:
        return _read_sql(chosen, environment() if env is None else env)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel_invoices(path, chosen, folder)
    if suffix == ".xls":
        raise InputError(str(path), "is an Excel 97-2003 workbook (.xls); save it as .xlsx")
    if chosen is not None:
        raise InputError(str(path), f"profile {chosen.name!r} describes an Excel export; a "
                         "CSV file is read as the canonical invoices.csv, without a profile")
    return canonical.read_invoices(path, warnings)


# --- profiles ------------------------------------------------------------------------------

def load_profile(name: str, folder: Path = PROFILES_DIR,
                 source: str = "--invoices") -> InvoiceProfile:
    """The profile NAME in `folder`; an unknown name is an InputError listing the known ones."""
    path = folder / f"{name}.yaml"
    if not _NAME.fullmatch(name or "") or not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
        raise InputError(source, f"unknown invoice profile {name!r}; profiles in {folder}: "
                         f"{known}")
    return parse_profile(path)


def load_profiles(folder: Path = PROFILES_DIR) -> list[InvoiceProfile]:
    """Every profile in a folder, sorted by name (none when the folder does not exist)."""
    return [parse_profile(p) for p in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []


def parse_profile(path: Path) -> InvoiceProfile:
    """Read and check one profile file; every problem is a ConfigError naming file and key."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read invoice profile: {_one_line(exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: an invoice profile is a mapping (columns:, ...)")
    problems = _secrets(path, raw)
    problems += [f"{path}: {key}: unknown setting; known: {', '.join(sorted(_KEYS))}"
                 for key in raw if key not in _KEYS and key not in _SECRET_KEYS]
    columns = _mapping(path, raw, "columns", problems)
    fixed = _mapping(path, raw, "fixed", problems)
    for key in [*columns, *fixed]:
        if key not in CANONICAL:
            problems.append(f"{path}: {key}: not a canonical invoice column; known: "
                            f"{', '.join(CANONICAL)}")
    missing = [c for c in canonical.INVOICE_REQUIRED if c not in columns and c not in fixed]
    if missing:
        problems.append(f"{path}: columns: no source for {', '.join(missing)}")
    problems += _shape(path, raw)
    if problems:
        raise ConfigError("\n".join(problems))
    return InvoiceProfile(
        name=path.stem, path=path, columns=columns, fixed=fixed,
        sheet=str(raw["sheet"]) if raw.get("sheet") is not None else None,
        header_row=int(raw.get("header_row", 1)),
        date_format=str(raw.get("date_format", "%Y-%m-%d")),
        decimal=str(raw.get("decimal", ".")), thousands=str(raw.get("thousands", "")),
        url_env=raw.get("url_env"), query=raw.get("query"),
        description=str(raw.get("description", "")))


def _secrets(path: Path, raw: dict[str, Any]) -> list[str]:
    """A password, URL or DSN in the file is refused: it belongs in the environment."""
    problems = [f"{path}: {key}: secrets are never read from files; name the environment "
                "variable that holds the URL in url_env" for key in raw if key in _SECRET_KEYS]
    for key, value in raw.items():
        if key not in _SECRET_KEYS and _URL_PASSWORD.search(str(value)):
            problems.append(f"{path}: {key}: contains a URL with a password; secrets come "
                            "from the environment (url_env)")
    return problems


def _mapping(path: Path, raw: dict[str, Any], key: str, problems: list[str]) -> dict[str, str]:
    value = raw.get(key) or {}
    if not isinstance(value, dict) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()):
        problems.append(f"{path}: {key}: expected a mapping of canonical column: text")
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _shape(path: Path, raw: dict[str, Any]) -> list[str]:
    """Checks of the settings that are not column mappings."""
    problems = []
    sql = raw.get("query") is not None
    if sql != (raw.get("url_env") is not None):
        problems.append(f"{path}: a SQL profile needs both url_env and query")
    env_name = raw.get("url_env")
    if env_name is not None and not (isinstance(env_name, str) and _ENV_NAME.fullmatch(env_name)):
        problems.append(f"{path}: url_env: the name of an environment variable "
                        "(ERP_DATABASE_URL), not the URL itself")
    if sql and not (isinstance(raw["query"], str) and raw["query"].strip()):
        problems.append(f"{path}: query: expected the SQL text")
    if raw.get("decimal", ".") not in (".", ","):
        problems.append(f"{path}: decimal: '.' or ','")
    thousands = raw.get("thousands", "")
    if thousands not in ("", ".", ",", " ", "'", "\u00a0") or thousands == raw.get("decimal", "."):
        problems.append(f"{path}: thousands: '', '.', ',', ' ' or \"'\", and not the decimal")
    header_row = raw.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        problems.append(f"{path}: header_row: a row number from 1")
    try:
        datetime(2026, 1, 31).strftime(str(raw.get("date_format", "%Y-%m-%d")))
    except ValueError:
        problems.append(f"{path}: date_format: not a strftime format")
    return problems


# --- cells to canonical text ---------------------------------------------------------------

def cell_text(value: object, number_format: str = "General") -> str:
    """One Excel cell or SQL value as canonical text (see the module's note on numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return _zero_padded(str(value), number_format)
    if isinstance(value, float):
        return _zero_padded(float_text(value), number_format)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return str(value)


def float_text(value: float) -> str:
    """A double as decimal text at Excel's 15 significant digits, no exponent, no float noise."""
    if not math.isfinite(value):
        return str(value)
    text = format(Decimal(format(value, ".15g")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _zero_padded(text: str, number_format: str) -> str:
    """A code shown with leading zeros (format 000000) is read as Excel shows it."""
    if number_format and set(number_format) == {"0"} and text.isdigit():
        return text.zfill(len(number_format))
    return text


class _Converter:
    """Text cells in a profile's date and number formats -> canonical text; problems kept."""

    def __init__(self, source: str, profile: InvoiceProfile | None,
                 error: type[InputError] = InputError) -> None:
        self.source = source
        self.profile = profile
        self.error = error
        self.errors: list[InputError] = []

    def __call__(self, column: str, value: object, text: str, line: int) -> str:
        profile = self.profile
        if profile is None or not isinstance(value, str) or not text.strip():
            return text
        if column in _AMOUNT_COLUMNS and (profile.decimal != "." or profile.thousands
                                          or text.strip().endswith("-")):
            return self._amount(column, text, line)
        if column in _DATE_COLUMNS and profile.date_format != "%Y-%m-%d":
            try:
                return datetime.strptime(text.strip(), profile.date_format).date().isoformat()
            except ValueError:
                self._flag(line, column, f"{text!r} is not a date as {profile.date_example} "
                           f"(profile {profile.name})")
        return text

    def _amount(self, column: str, text: str, line: int) -> str:
        profile = self.profile
        assert profile is not None
        value = text.strip()
        negative = value.endswith("-")
        value = value.removesuffix("-").strip()
        if profile.thousands:
            value = value.replace(profile.thousands, "")
        if profile.decimal == ",":
            value = value.replace(",", ".") if "." not in value else value + "?"
        value = ("-" + value) if negative and not value.startswith("-") else value
        if not _AMOUNT.fullmatch(value):
            self._flag(line, column, f"{text!r} is not an amount as {profile.amount_example} "
                       f"(profile {profile.name})")
            return text
        return value

    def _flag(self, line: int, column: str, problem: str) -> None:
        if len(self.errors) <= canonical.MAX_ERRORS:  # one more tells _checked to stop there
            self.errors.append(self.error(self.source, problem, line, column))


def _checked(raw: RawTable, converter: _Converter, error: type[InputError] = InputError,
             warnings: list[str] | None = None) -> pd.DataFrame:
    """The canonical checks on a mapped table; their problems and the converter's, together."""
    errors = list(converter.errors)
    try:
        frame = canonical.read_invoices(raw, warnings)
    except InputErrors as many:
        flagged = {(e.line, e.column) for e in errors}
        errors += [e for e in many.errors if (e.line, e.column) not in flagged]
    else:
        if not errors:
            return frame
    ordered = sorted(errors, key=lambda e: (e.line is None, e.line or 0, str(e.column)))
    if len(ordered) > canonical.MAX_ERRORS:
        ordered = [e for e in ordered if e.line is not None][:canonical.MAX_ERRORS]
        ordered.append(InputError(raw.source, f"stopped after {canonical.MAX_ERRORS} problems; "
                                  "fix these and run again to see the rest"))
    raise InputErrors([e if type(e) is error or e.line is None else
                       error(e.source, e.problem, e.line, e.column) for e in ordered])


def _table(source: str, columns: dict[str, list[str]], lines: list[int]) -> RawTable:
    """A RawTable of text columns and their line numbers."""
    frame = pd.DataFrame({c: pd.Series(v, dtype="str") for c, v in columns.items()})
    frame["line"] = pd.Series(lines, dtype="int64")
    return RawTable(source, frame.reset_index(drop=True))


def _map_rows(source: str, header: Sequence[str], rows: Iterable[tuple[int, Sequence[Any]]],
              profile: InvoiceProfile | None, converter: _Converter) -> RawTable:
    """Rows of cells ((value, number_format) pairs) under a header -> canonical text table."""
    if profile is None:
        wanted = {name: i for i, name in enumerate(header) if name}
    else:
        wanted = {canon: _position(header, src) for canon, src in profile.columns.items()}
    columns: dict[str, list[str]] = {c: [] for c in wanted}
    fixed = profile.fixed if profile is not None else {}
    for c in fixed:
        columns.setdefault(c, [])
    lines: list[int] = []
    for line, cells in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v, _ in cells):
            continue  # a blank row, as a CSV reader skips a blank line
        lines.append(line)
        for canon, i in wanted.items():
            value, fmt = cells[i] if i < len(cells) else (None, "General")
            columns[canon].append(converter(canon, value, cell_text(value, fmt), line))
        for canon, value in fixed.items():
            if canon not in wanted:
                columns[canon].append(value)
    return _table(source, columns, lines)


def _position(header: Sequence[str], name: str) -> int:
    """Index of a column by exact name, else ignoring case (SQL folds identifiers)."""
    if name in header:
        return list(header).index(name)
    lowered = [h.lower() for h in header]
    return lowered.index(name.lower())


def _has(header: Sequence[str], name: str) -> bool:
    return name in header or name.lower() in (h.lower() for h in header)


# --- Excel ---------------------------------------------------------------------------------

def read_excel_invoices(path: Path, profile: InvoiceProfile | None = None,
                        profiles_dir: Path = PROFILES_DIR) -> pd.DataFrame:
    """An .xlsx export -> invoices frame; rows numbered as Excel numbers them."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError(source, "file not found" if not path.exists() else "not a file")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(source, f"not an Excel workbook (.xlsx): {_one_line(exc)}") from None
    try:
        if profile is None:
            profile = _recognise(book, source, profiles_dir)
        sheet = _sheet(book, source, profile)
        header_row = profile.header_row if profile else 1
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        rows = sheet.iter_rows(min_row=header_row)
        first = next(rows, ())
        header = [cell_text(c.value).strip() for c in first]
        _check_header(source, header, header_row, profile, sheet.title)
        cells = ((header_row + 1 + i, [(c.value, getattr(c, "number_format", "General"))
                                       for c in row]) for i, row in enumerate(rows))
        converter = _Converter(source, profile)
        raw = _map_rows(source, header, cells, profile, converter)
    finally:
        book.close()
    return _checked(raw, converter)


def _sheet(book: Any, source: str, profile: InvoiceProfile | None) -> Any:
    if profile is None or profile.sheet is None:
        return book.worksheets[0]
    if profile.sheet not in book.sheetnames:
        raise InputError(source, f"has no sheet {profile.sheet!r} (profile {profile.name}); "
                         f"its sheets: {', '.join(book.sheetnames)}")
    return book[profile.sheet]


def _header_of(book: Any, profile: InvoiceProfile | None) -> list[str]:
    name = profile.sheet if profile is not None else None
    if name is not None and name not in book.sheetnames:
        return []
    sheet = book[name] if name is not None else book.worksheets[0]
    row = profile.header_row if profile is not None else 1
    first = next(sheet.iter_rows(min_row=row, max_row=row, values_only=True), ())
    return [cell_text(v).strip() for v in first]


def _recognise(book: Any, source: str, folder: Path) -> InvoiceProfile | None:
    """None for canonical headers, else the Excel profile whose columns the header has."""
    header = _header_of(book, None)
    if set(canonical.INVOICE_REQUIRED) <= set(header):
        return None
    for profile in load_profiles(folder):
        if not profile.is_sql and all(_has(_header_of(book, profile), src)
                                      for src in profile.columns.values()):
            return profile
    missing = [c for c in canonical.INVOICE_REQUIRED if c not in header]
    raise InputErrors([InputError(source, "required column is missing from the header, and "
                                  f"no invoice profile in {folder} matches this sheet",
                                  line=1, column=c) for c in missing])


def _check_header(source: str, header: list[str], row: int, profile: InvoiceProfile | None,
                  sheet: str) -> None:
    names = [h for h in header if h]
    twice = sorted({h for h in names if names.count(h) > 1})
    errors = [InputError(source, f"column {h!r} appears twice in the header", row, h)
              for h in twice]
    if profile is None:
        errors += [InputError(source, "required column is missing from the header", row, c)
                   for c in canonical.INVOICE_REQUIRED if c not in header]
    else:
        errors += [InputError(source, f"column {src!r} (for {canon}) is missing from the header "
                              f"of sheet {sheet!r} (profile {profile.name})", row, src)
                   for canon, src in profile.columns.items() if not _has(header, src)]
    if errors:
        raise InputErrors(errors)


# --- SQL -----------------------------------------------------------------------------------

def _read_sql(profile: InvoiceProfile, env: Mapping[str, str]) -> pd.DataFrame:
    """Run a SQL profile's query; rows are numbered as result rows in messages."""
    source = f"{PREFIX}{profile.name}"
    if not profile.is_sql:
        raise InputError(source, f"profile {profile.name!r} describes an Excel export; give the "
                         "file: --invoices FILE.xlsx")
    assert profile.url_env is not None and profile.query is not None
    url = (env.get(profile.url_env) or "").strip()
    if not url:
        raise InputError(source, f"environment variable {profile.url_env} is not set; set it to "
                         "the ERP database's SQLAlchemy URL (url_env in "
                         f"{profile.path.name})")
    header, rows = _query(source, url, profile)
    missing = [(canon, src) for canon, src in profile.columns.items() if not _has(header, src)]
    if missing:
        returned = ", ".join(header) or "no columns"
        raise InputErrors([InputError(source, f"the query returns no column {src!r} (for "
                                      f"{canon}); it returns: {returned}", column=src)
                           for canon, src in missing])
    converter = _Converter(source, profile, QueryRowError)
    cells = ((i + 1, [(v, "General") for v in row]) for i, row in enumerate(rows))
    raw = _map_rows(source, header, cells, profile, converter)
    return _checked(raw, converter, QueryRowError)


def _query(source: str, url: str, profile: InvoiceProfile) -> tuple[list[str], list[Any]]:
    """Column names and rows of the query, read in a transaction that is rolled back."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        engine = create_engine(url, poolclass=NullPool)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise InputError(source, f"{profile.url_env} is not a usable SQLAlchemy URL: "
                         f"{_masked(exc, url)}") from None
    try:
        with engine.connect() as connection:
            result = connection.execute(text(str(profile.query)))
            if not result.returns_rows:
                raise InputError(source, "the query returns no rows (it must be a SELECT)")
            header = [str(k) for k in result.keys()]
            rows = list(result.fetchall())
            connection.rollback()
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise InputError(source, f"the query failed: {_masked(reason, url)}") from None
    finally:
        engine.dispose()
    return header, rows


def _masked(exc: BaseException, url: str) -> str:
    """The first line of an error, with the URL's password (if any) never shown."""
    line = _one_line(exc)
    try:
        from sqlalchemy import make_url

        password = make_url(url).password
    except Exception:  # noqa: BLE001 - an unparsable URL: mask by pattern only
        password = None
    if password:
        line = line.replace(str(password), "***")
    return re.sub(r"(://[^:/@\s]+:)[^@\s]*(@)", r"\1***\2", line)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
