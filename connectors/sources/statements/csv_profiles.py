"""Banks' own CSV exports, described by YAML profiles in config/profiles, not coded.

A profile names the separator, encoding, preamble rows, the columns that
identify the layout, which column holds each contract field (an amount, a
debit/credit pair, or an amount with a sign column such as ING's "Af Bij"),
the date format, decimal and thousands separators, currency symbols to strip,
a fixed currency or a currency column, and which status values are booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from dunwell.errors import ConfigError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: every
# bank CSV conversion reads all profiles to recognise one

PROFILES_DIR = Path(__file__).resolve().parents[3] / "config" / "profiles"
FIELDS = ("booking_date", "amount", "debit", "credit", "sign", "currency", "account",
          "counterparty_name", "counterparty_iban", "remittance_info", "transaction_id", "status",
          "fee")
PROFILES_ENV = "DUNWELL_PROFILES_DIR"


@dataclass(frozen=True)
class CsvProfile:
    """One bank's CSV layout.

    Attributes:
      name: the profile's name (its file name without .yaml).
      header: column names that must all be in the header row to recognise the layout.
      columns: contract field -> source column(s); remittance_info may list several.
      separator, encoding, skip_rows: how to read the file (encoding None: UTF-8, else cp1252).
      date_formats: strptime formats of booking_date, tried in order (YAML: date_format,
        one or a list).
      decimal, thousands: separators in amounts ("," and "." for 1.234,56).
      strip: text removed from amounts, such as currency symbols ("$", "CHF").
      currency: fixed currency when the file has no currency column.
      debit_values, credit_values: values of the sign column meaning money out / in.
      status_booked: values of the status column that are booked; others are skipped.
      skip_undated: rows with an empty date cell (sub-amounts, notes) are skipped, and said so.
      skip_if: regular expressions; a row whose text matches one is skipped (footers).
      continuation: a row without date and amount continues the previous transaction's text.
      account_pattern: a regular expression finding the account in the preamble (group 1).
      counterparty_by_sign: counterparty_name lists the payer's column, then the payee's: the
        payer names the counterparty of money in, the payee that of money out (DKB).
      header_row: False for an export without a row of column names (ASN, Triodos, TD):
        its columns are then named by position, "column 1", "column 2", ...
      invert_sign: the amounts are signed from the other side (a card issuer's export
        prints purchases positive): every amount is negated so money in is positive.
      space_after_separator: every separator is followed by a space (AIB's ", "): the space
        is skipped, so a quoted cell after it is read as quoted.
      exact_header: the header row names these columns and no others: a layout whose few
        names other banks' exports also hold (Ally's "Date, Time, Amount, Type, Description"
        is inside Monzo's) is not taken for a wider export that states its own currency.
    """

    name: str
    header: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    separator: str = ","
    encoding: str | None = None
    skip_rows: int = 0
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    decimal: str = "."
    thousands: str = ""
    strip: tuple[str, ...] = ()
    currency: str | None = None
    debit_values: tuple[str, ...] = ("D", "DR", "DEBIT")
    credit_values: tuple[str, ...] = ("C", "CR", "CREDIT")
    status_booked: tuple[str, ...] = ()
    skip_undated: bool = False
    skip_if: tuple[str, ...] = ()
    continuation: bool = False
    account_pattern: str | None = None
    counterparty_by_sign: bool = False
    header_row: bool = True
    invert_sign: bool = False
    space_after_separator: bool = False
    exact_header: bool = False
    description: str = field(default="", compare=False)

    def fits(self, names: list[str]) -> bool:
        """True when a row of these column names is this layout's header: every identifying
        column is there (and, with exact_header, no other named one)."""
        found = set(names)
        wanted = set(self.header)
        return wanted <= found and (not self.exact_header or found - {""} <= wanted)

    def column(self, name: str) -> str | None:
        """The single source column of a field, None when the profile has none."""
        return self.single.get(name)

    def required(self, name: str) -> str:
        """The source column of a field the profile was checked to have (booking_date;
        debit and credit when there is no amount column)."""
        return self.single[name]

    @cached_property
    def single(self) -> dict[str, str]:
        """Field -> its first source column, worked out once (asked for on every row)."""
        return {name: found[0] for name, found in self.columns.items() if found}


@lru_cache(maxsize=8)
def load_profiles(directory: Path = PROFILES_DIR) -> dict[str, CsvProfile]:
    """Every profile in a folder, by name; a malformed profile is a ConfigError."""
    if not directory.is_dir():
        raise ConfigError(f"{directory}: no CSV profile folder")
    return {p.stem: _profile(p) for p in sorted(directory.glob("*.yaml"))}


def profile_folders(user: Path | None = None) -> list[Path]:
    """Where profiles are searched, in order: the user's folder (the argument, else
    DUNWELL_PROFILES_DIR, else profiles_dir of the settings), then the built-in one."""
    folder = user or _configured()
    if folder is None or folder.resolve() == PROFILES_DIR.resolve():
        return [PROFILES_DIR]
    return [folder, PROFILES_DIR]


def _configured() -> Path | None:
    """The user's profile folder from the environment or the settings file, if any."""
    from dunwell.connectors.settings.config import environment, one_setting

    env = environment().get(PROFILES_ENV)
    if env:
        return Path(env)

    try:
        folder = Path(one_setting("profiles_dir"))
    except ConfigError:
        return None
    return folder if folder.is_dir() else None  # a settings default that was never made


def default_currency() -> str | None:
    """The default_currency setting (DUNWELL_DEFAULT_CURRENCY, or the settings file): the
    currency of a statement that states none when --currency gives none."""
    from dunwell.connectors.settings.config import one_setting
    from dunwell.currencies import is_currency

    value = one_setting("default_currency")
    code = str(value).strip().upper() if value else None
    if code is not None and not is_currency(code):
        raise ConfigError(f"default_currency: {value!r} is not an ISO 4217 currency code "
                          "(DUNWELL_DEFAULT_CURRENCY or config/dunwell.yaml)")
    return code or None


def load_all(folders: list[Path]) -> dict[str, CsvProfile]:
    """Profiles of several folders by name, the first folder's winning a name they share;
    the dict lists them in search order (the user's first)."""
    found: dict[str, CsvProfile] = {}
    for folder in folders:
        for name, profile in load_profiles(folder).items():
            found.setdefault(name, profile)
    return found


def to_yaml(profile: CsvProfile) -> str:
    """A profile as the YAML a user can keep in their profile folder."""
    raw: dict[str, Any] = {"description": profile.description or f"{profile.name} export"}
    defaults = CsvProfile(name="", header=(), columns={})
    for key in ("separator", "encoding", "skip_rows", "decimal", "thousands", "currency",
                "skip_undated", "continuation", "account_pattern", "counterparty_by_sign",
                "header_row", "invert_sign", "space_after_separator", "exact_header"):
        value = getattr(profile, key)
        if value != getattr(defaults, key):
            raw[key] = value
    raw["header"] = list(profile.header)
    raw["date_format"] = (profile.date_formats[0] if len(profile.date_formats) == 1
                          else list(profile.date_formats))
    for key in ("strip", "debit_values", "credit_values", "status_booked", "skip_if"):
        if getattr(profile, key) != getattr(defaults, key):
            raw[key] = list(getattr(profile, key))
    raw["columns"] = {k: (v[0] if len(v) == 1 else list(v)) for k, v in profile.columns.items()}
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)


def _profile(path: Path) -> CsvProfile:
    """Parse and check one profile file."""
    try:
        raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read profile: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise ConfigError(f"{path}: a profile needs a 'columns' mapping")
    columns = {k: _strings(v, path, k) for k, v in raw.pop("columns").items()}
    unknown = set(columns) - set(FIELDS)
    if unknown:
        raise ConfigError(f"{path}: unknown column fields {sorted(unknown)}")
    if "booking_date" not in columns or not ({"amount"} & columns.keys()
                                             or {"debit", "credit"} <= columns.keys()):
        raise ConfigError(f"{path}: needs booking_date and amount (or debit and credit)")
    # keyword arguments of CsvProfile, like the rest of `raw`: a wrong one is a TypeError
    tuples: dict[str, Any] = {k: _strings(raw.pop(k), path, k) for k in
              ("header", "strip", "debit_values", "credit_values", "status_booked", "skip_if")
              if k in raw}
    if "date_format" in raw:
        tuples["date_formats"] = _strings(raw.pop("date_format"), path, "date_format")
    for key in ("skip_if", "account_pattern"):
        for pattern in tuples.get(key, ()) if key == "skip_if" else [raw.get(key) or ""]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{path}: {key} {pattern!r} is not a regular expression: "
                                  f"{exc}") from None
    try:
        return CsvProfile(name=path.stem, columns=columns, **tuples, **raw)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _strings(value: object, path: Path, key: str) -> tuple[str, ...]:
    """A string or a list of strings, as a tuple."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ConfigError(f"{path}: {key} must be a string or a list of strings")
    return tuple(items)
