"""The one composition root: settings in, adapters out.

Nothing else decides which database, mail transport or policy a run uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy.engine import Engine

from dunwell.connectors.settings.config import parse_yaml
from dunwell.errors import ConfigError

if TYPE_CHECKING:
    from dunwell.connectors.outbound.mail import FileOutbox, SmtpTransport
    from dunwell.connectors.settings.config import Settings
    from dunwell.dunning import DunningPolicy
    from dunwell.matching import MatchPolicy


@dataclass(frozen=True)
class Adapters:
    """Everything a run talks to, chosen once from the settings."""

    settings: Settings
    engine: Engine
    transport: SmtpTransport | FileOutbox
    match_policy: MatchPolicy
    dunning_policy: DunningPolicy
    templates_dir: Path
    out_dir: Path
    work_dir: Path
    made_out_dir: bool = False

    def discard_stale_staging(self) -> list[Path]:
        """Staging folders that runs killed earlier left in the output folder, removed.

        Call it holding the run lock: no other run can be writing into one of them.
        """
        import shutil

        stale = [p for p in self.out_dir.glob(".staging-*")
                 if p.is_dir() and p != self.work_dir]
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)
        return stale

    def discard_work(self) -> None:
        """Remove the run's staging folder, and an output folder this run made but left empty;
        Data Docs still being written into it are stopped first, and a recording not
        committed is rolled back."""
        import shutil

        from dunwell.connectors.quality import data_docs
        from dunwell.connectors.storage import recorder

        data_docs.abandon()
        recorder.abandon_all()
        shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.made_out_dir and self.out_dir.is_dir() and not any(self.out_dir.iterdir()):
            self.out_dir.rmdir()


def load(env: Mapping[str, str] | None = None) -> Settings:
    """This process's settings: the config file overlaid with `DUNWELL_*` variables."""
    from dunwell.connectors.settings.config import load_settings

    return load_settings(env=env)


def database(settings: Settings | None = None) -> Engine:
    """The database the settings name, migrated to the newest revision."""
    from dunwell.connectors.storage import open_db

    return open_db((settings or load()).database_url)


def dunning_policy(settings: Settings | None = None) -> DunningPolicy:
    """The dunning policy the settings name, checked key by key."""
    return read_policy((settings or load()).dunning_policy_path)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a config file, or a ConfigError naming the file and line."""
    try:
        data = parse_yaml(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{path}{where}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


POLICY_KEYS: dict[str, tuple[str, ...]] = {
    "": ("sending", "limits", "segmentation", "segments", "instalment_reminder_days", "company",
         "packs"),
    "sending": ("send_time", "business_hours", "business_days", "default_timezone",
                "default_country", "default_language", "languages"),
    "sending.business_hours": ("start", "end"),
    "limits": ("min_gap_days", "max_messages_per_30_days", "min_balance"),
    "segmentation": ("history_days", "new_customer_days", "likelihood_high", "likelihood_low"),
    "segmentation.likelihood_high": ("min_on_time_share", "max_avg_days_late"),
    "segmentation.likelihood_low": ("max_on_time_share", "min_avg_days_late"),
    "company": ("name", "bank_name", "iban", "bic", "contact_name", "contact_email",
                "contact_phone", "mail_from", "payment_link"),
    "packs": ("regulation_f", "eu_late_payment"),
    "packs.regulation_f": ("enabled", "max_attempts_7_days", "hours"),
    "packs.eu_late_payment": ("enabled", "fixed_compensation", "reference_rate", "margin_points"),
}
"""Every section of the dunning policy and the keys it takes: a misspelt key is an error."""


def read_policy(path: Path) -> DunningPolicy:
    """The dunning policy from its YAML file; unknown keys and bad values are a ConfigError
    naming the file, the key and what is allowed."""
    from dunwell.connectors.settings.config import unknown_keys
    from dunwell.dunning import load_policy

    data = read_yaml(path)
    problems = []
    for section, allowed in POLICY_KEYS.items():
        given: Any = data
        for part in section.split(".") if section else []:
            given = given.get(part) if isinstance(given, dict) else None
        if section and given is None:
            continue
        lines = unknown_keys(str(path), section or "(top level)", given, allowed)
        problems += [line.replace("(top level).", "") for line in lines]
    if problems:
        raise ConfigError("\n".join(problems))
    try:
        return load_policy(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def build(out_dir: Path, settings: Settings | None = None, run_id: str = "run") -> Adapters:
    """Settings -> database engine, mail transport, policies.

    Files of the run are made in a staging folder inside `out_dir` and moved in at
    the end, so that a run that fails leaves the output folder as it was.
    """
    from dunwell.connectors.outbound.mail import FileOutbox, SmtpTransport
    from dunwell.matching import MatchPolicy

    settings = settings or load()
    out_dir = Path(out_dir)
    if settings.smtp_host:
        transport: SmtpTransport | FileOutbox = SmtpTransport.from_settings(settings)
    else:
        outbox = Path(settings.outbox_dir) if settings.outbox_dir else out_dir / "outbox"
        transport = FileOutbox(outbox)
    dunning_policy = read_policy(settings.dunning_policy_path)
    try:
        match_policy = MatchPolicy(**(settings.matching or {}))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{settings.config_file}: matching: {exc}") from None
    templates = Path(settings.templates_dir)
    made_out_dir = not out_dir.exists()
    engine = database(settings)
    work_dir = out_dir / f".staging-{run_id[:8]}"
    work_dir.mkdir(parents=True, exist_ok=True)
    return Adapters(settings, engine, transport, match_policy, dunning_policy, templates,
                    out_dir, work_dir, made_out_dir)
