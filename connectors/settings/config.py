"""Settings: `config/dunwell.yaml` (no secrets) overridden by `DUNWELL_*` environment variables.

This module is the one place that reads or sets `os.environ`; the composition root
calls it once and hands the values on. Problems become one `ConfigError` with
one line per problem, naming the file (or variable) and the key.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from dunwell.errors import ConfigError

ENV_PREFIX = "DUNWELL_"
CONFIG_ENV = "DUNWELL_CONFIG"
PACKAGED_CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
SECRET_KEYS = frozenset({"smtp_password"})
_PATH_KEYS = ("dunning_policy_path", "profiles_dir", "templates_dir", "outbox_dir")
_PATH_DEFAULTS = {
    "dunning_policy_path": "dunning.yaml", "profiles_dir": "profiles", "templates_dir": "templates",
}
# the password runs to the LAST "@" of the URL: an unencoded "@" inside it stays hidden
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)\S*(@)")


class Settings(BaseSettings):
    """Everything dunwell needs from its operator; secrets are `SecretStr` and never shown.

    Attributes:
      config_file: the settings file these values came from.
      database_url: SQLAlchemy URL (SQLite file or PostgreSQL); may hold a password, so
        it is masked in repr (`database_url_display`).
      smtp_*: the mail server; without smtp_host, messages go to the outbox folder.
        smtp_port defaults by smtp_security: 587 starttls, 465 ssl, 25 none.
      mail_from: the sender customers see.
      report_recipients, report_subject: who gets the daily report, and its subject.
      company_timezone: IANA zone of the company, for "today" and business days.
      dunning_policy_path, profiles_dir, templates_dir: the other config files.
      matching: the match policy's numbers (auto_threshold, ...), passed on as they are.
      quality: bounds for the quality suites (match_rate_min, ...), passed on as they are.
      dask_scheduler_address: a Dask scheduler for large runs; None runs in-process.
      outbox_dir: where .eml files go without SMTP; None means OUT/outbox of each run.
      smtp_timeout: seconds any one SMTP step may take before it counts as failed.
      mail_failure_limit, mail_failure_seconds: a run stops sending after this many
        failed deliveries in a row, or once its failed attempts took this many seconds
        in all; the rest stays planned for the next run.
      lock_wait_seconds: how long a run waits for another run to finish.
      record_helper_rows: a run with at least this many invoice and statement rows
        stores them from a second process while it matches (0: every run does).
      read_helper_bytes: statement files of at least this many bytes in all are read by a
        second process while the run reads the invoices (0: always).
      dunning_approval: stages a person must approve before they are sent (`stages`,
        default final and human_review), per segment (`segments`), and how many days an
        approval holds (`valid_days`); read by `dunwell.dunning.approval.load_rule`.
      web_auth: how the workbench knows who someone is: `password` (its own sign-in
        page) or `header` (single sign-on: a reverse proxy puts the user name into
        web_auth_header; only requests from web_trusted_proxies are believed).
      web_auth_header: the request header that carries the signed-in user's name.
      web_trusted_proxies: addresses or networks (CIDR) of the reverse proxies.
      default_currency: the currency (ISO 4217) of statements that state none, when
        `--currency` does not give one (a bank CSV without a currency column, OFX
        without CURDEF): the currency the company's accounts are kept in.
    """

    model_config = SettingsConfigDict(extra="forbid", frozen=True, env_prefix=ENV_PREFIX)

    config_file: Path | None = None
    database_url: str = Field(default="", repr=False)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)  # set by _default_port when not given
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    mail_from: str = "Accounts Receivable <receivables@example.com>"
    report_recipients: list[str] = Field(default_factory=list)
    alert_recipients: list[str] = Field(default_factory=list)
    report_subject: str = "dunwell daily report"
    company_timezone: str = "UTC"
    dunning_policy_path: Path = Path("dunning.yaml")
    profiles_dir: Path = Path("profiles")
    templates_dir: Path = Path("templates")
    matching: dict[str, Any] = Field(default_factory=dict)
    quality: dict[str, Any] = Field(default_factory=dict)
    dask_scheduler_address: str | None = None
    outbox_dir: Path | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    mail_failure_limit: int = Field(default=5, ge=1)
    mail_failure_seconds: float = Field(default=300.0, gt=0)
    lock_wait_seconds: float = Field(default=900.0, ge=0)
    record_helper_rows: int = Field(default=200_000, ge=0)
    read_helper_bytes: int = Field(default=50_000_000, ge=0)
    dunning_approval: dict[str, Any] = Field(default_factory=dict)
    web_auth: Literal["password", "header"] = "password"
    web_auth_header: str = Field(default="X-Remote-User", pattern=r"^[A-Za-z0-9-]+$")
    web_trusted_proxies: list[str] = Field(default_factory=list)
    default_currency: str | None = None

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        *_other: PydanticBaseSettingsSource, **_named: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only explicit values: `load_settings` reads the file and environment itself."""
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _default_port(cls, data: Any) -> Any:
        """Without an explicit port, use the one that goes with the security mode."""
        if isinstance(data, dict) and data.get("smtp_port") in (None, ""):
            ports = {"ssl": 465, "none": 25}
            data = {**data, "smtp_port": ports.get(str(data.get("smtp_security")), 587)}
        return data

    @field_validator("company_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("default_currency")
    @classmethod
    def _iso_currency(cls, value: str | None) -> str | None:
        from dunwell.currencies import is_currency

        if value is None or not value.strip():
            return None
        code = value.strip().upper()
        if not is_currency(code):
            raise ValueError(f"{value!r} is not an ISO 4217 currency code")
        return code

    @field_validator("web_trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return value

    @model_validator(mode="after")
    def _header_needs_proxies(self) -> Settings:
        if self.web_auth == "header" and not self.web_trusted_proxies:
            raise ValueError("web_auth header needs web_trusted_proxies: the addresses of the "
                             "proxies whose user-name header is believed")
        return self

    @property
    def smtp_enabled(self) -> bool:
        """True when email goes over SMTP rather than into the outbox folder."""
        return bool(self.smtp_host)

    @property
    def database_url_display(self) -> str:
        """The database URL with any password masked, for logs and messages."""
        return mask_url(self.database_url)

    def __repr_args__(self) -> Any:
        yield from super().__repr_args__()
        yield "database_url", self.database_url_display


def mask_url(url: str) -> str:
    """Replace the password in a URL with `***`: everything between `user:` and the last
    "@" before the query, so that an unencoded "@" in the password hides it whole, and
    an "@" in the query (`?options=...`) keeps the host in view."""
    base, mark, query = url.partition("?")
    return _URL_PASSWORD.sub(r"\1***\2", base) + mark + query


def find_config_file(env: Mapping[str, str], cwd: Path) -> Path:
    """DUNWELL_CONFIG (a file, or a folder holding dunwell.yaml), else ./config/dunwell.yaml,
    else the packaged default."""
    if env.get(CONFIG_ENV):
        named = Path(env[CONFIG_ENV]).expanduser()
        return named / "dunwell.yaml" if named.is_dir() else named
    local = cwd / "config" / "dunwell.yaml"
    return local if local.is_file() else PACKAGED_CONFIG_DIR / "dunwell.yaml"


def environment() -> dict[str, str]:
    """A copy of the process environment: the one place that reads it."""
    return dict(os.environ)


def gx_analytics_off() -> None:
    """Great Expectations reads GX_ANALYTICS_ENABLED when it is imported: off, before that."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"


def prepare_process(defaults: Mapping[str, str], home_variable: str, home: Path) -> Path:
    """Set library defaults the operator has not set, and make the folder that
    `home_variable` names (else `home`), absolute; returns that folder."""
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    folder = Path(os.environ.get(home_variable) or home).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[home_variable] = str(folder.resolve())
    return folder


def use_database(url: str) -> None:
    """Point this process, and the flow runs it starts, at the database `url` (the demo)."""
    os.environ[f"{ENV_PREFIX}DATABASE_URL"] = url


def load_settings(
    config_path: Path | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Settings:
    """Read the settings file, overlay `DUNWELL_*` variables, validate; raise ConfigError."""
    env = environment() if env is None else dict(env)
    cwd = Path.cwd() if cwd is None else cwd
    path = Path(config_path) if config_path is not None else find_config_file(env, cwd)
    from_file = _read_yaml(path)
    from_env = _read_env(env)
    values = {**_resolve_paths(from_file, path.parent), **_resolve_paths(from_env, cwd)}
    values["config_file"] = path
    for key, default in _PATH_DEFAULTS.items():
        values.setdefault(key, path.parent / default)
    if not values.get("database_url"):
        values["database_url"] = _default_database_url(cwd)
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path, set(from_env))) from None
    problems = _section_problems(settings, path, set(from_env))
    if problems:
        raise ConfigError("\n".join(problems))
    return settings


def one_setting(key: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
                ) -> Any:
    """One setting as given (`DUNWELL_<KEY>`, else the settings file, else its default),
    paths resolved as `load_settings` resolves them, without validating the others: reading
    a statement needs its folder of profiles and its default currency, not the whole
    configuration (which imports the policy modules it checks)."""
    env = environment() if env is None else dict(env)
    cwd = Path.cwd() if cwd is None else cwd
    path = find_config_file(env, cwd)
    given = env.get(ENV_PREFIX + key.upper())
    if given is not None:
        return _resolve_paths({key: given}, cwd)[key]
    from_file = _read_yaml(path) if path.is_file() else {}
    if key in from_file:
        return _resolve_paths(from_file, path.parent)[key]
    if key in _PATH_DEFAULTS:
        return path.parent / _PATH_DEFAULTS[key]
    return Settings.model_fields[key].default


def unknown_keys(where: str, section: str, given: Any, allowed: Iterable[str]) -> list[str]:
    """One line per key of a config section that dunwell does not know, and what it knows.

    A misspelt key would otherwise be ignored (the default silently used) or crash later.
    """
    if given is None:
        return []
    if not isinstance(given, Mapping):
        return [f"{where}: {section}: expected a mapping of key: value"]
    known = sorted(allowed)
    return [f"{where}: {section}.{key}: unknown key; allowed: {', '.join(known)}"
            for key in given if str(key) not in known]


def _section_problems(settings: Settings, path: Path, env_keys: set[str]) -> list[str]:
    """The free-form sections (`matching`, `quality`) checked against what reads them."""
    from dataclasses import fields

    from dunwell.dunning.approval import RULE_KEYS
    from dunwell.matching import MatchPolicy

    def where(key: str) -> str:
        return f"environment {ENV_PREFIX}{key.upper()}" if key in env_keys else str(path)

    return [
        *unknown_keys(where("matching"), "matching", settings.matching,
                      (f.name for f in fields(MatchPolicy))),
        *unknown_keys(where("quality"), "quality", settings.quality,
                      quality_bounds() | {HOLD_SETTING}),
        *unknown_keys(where("dunning_approval"), "dunning_approval", settings.dunning_approval,
                      RULE_KEYS),
    ]


HOLD_SETTING = "hold_dunning_on_findings"
"""The one `quality` key that is not a suite bound: result findings hold reminders back."""


def quality_bounds() -> set[str]:
    """The bounds the quality suites take from config (their `meta.defaults`)."""
    names: set[str] = set()
    for suite in sorted(SUITES_DIR.glob("*.json")):
        spec = json.loads(suite.read_text(encoding="utf-8"))
        names.update(spec.get("meta", {}).get("defaults", {}))
    return names


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> Any:
    return yaml.safe_load(text)


def parse_yaml(text: str) -> Any:
    """`yaml.safe_load` of a config file's text, parsed once per distinct text: the
    workbench reads the settings and the policy on every page, and parsing them took
    most of a page's time. The file is still read each time, so an edit counts at once;
    each caller gets its own copy."""
    return copy.deepcopy(_parsed(text))


def _read_yaml(path: Path) -> dict[str, Any]:
    """The YAML mapping in `path`, refusing secrets and passwords in URLs."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: settings file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of setting: value at the top level")
    problems = [
        f"{path}: {key}: secrets are never read from files; set {ENV_PREFIX}{key.upper()}"
        for key in data if key in SECRET_KEYS
    ]
    if _URL_PASSWORD.search(str(data.get("database_url") or "")):
        problems.append(f"{path}: database_url: contains a password; set {ENV_PREFIX}DATABASE_URL")
    if problems:
        raise ConfigError("\n".join(problems))
    return {str(k): v for k, v in data.items()}


def _read_env(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings given as `DUNWELL_<NAME>` variables; lists and dicts as JSON or comma lists."""
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None or name == "config_file":
            continue
        if raw.strip().startswith(("[", "{")):
            try:
                values[name] = json.loads(raw)
                continue
            except json.JSONDecodeError:
                pass
        if field.annotation == list[str]:
            values[name] = [part.strip() for part in raw.split(",") if part.strip()]
        else:
            values[name] = raw
    return values


def _resolve_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths are relative to the file that names them (or the working folder)."""
    out = dict(values)
    for key in _PATH_KEYS:
        if isinstance(out.get(key), str) and out[key]:
            out[key] = base / Path(out[key]).expanduser()
    return out


def _default_database_url(cwd: Path) -> str:
    """A SQLite file under `.dunwell/` in the working folder, created on demand."""
    folder = cwd / ".dunwell"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder.resolve() / 'dunwell.db'}"


def _describe(exc: ValidationError, path: Path, env_keys: set[str]) -> str:
    """One line per problem: where the value came from, the key, what is wrong."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in error["loc"]) or "(settings)"
        top = str(error["loc"][0]) if error["loc"] else ""
        source = f"environment {ENV_PREFIX}{top.upper()}" if top in env_keys else str(path)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            allowed = sorted(name for name in Settings.model_fields if name != "config_file")
            message = f"unknown setting; allowed: {', '.join(allowed)}"
        lines.append(f"{source}: {key}: {message}")
    return "\n".join(lines)


def prefect_api_url(env: Mapping[str, str] | None = None) -> str | None:
    """The Prefect API the team's flows run under (`PREFECT_API_URL`), or None.

    Read here, without importing Prefect, so that a page can say whether runs can be
    started from it without paying Prefect's import time.
    """
    env = os.environ if env is None else env
    return (env.get("PREFECT_API_URL") or "").strip() or None
