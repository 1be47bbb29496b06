"""The one composition root: settings in, adapters out.

Nothing else decides which database, mail transport or policy a run uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine

from dunwell.errors import ConfigError


@dataclass(frozen=True)
class Adapters:
    """Everything a run talks to, chosen once from the settings."""

    settings: Any
    engine: Engine
    transport: Any
    match_policy: Any
    dunning_policy: Any
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
        """Remove the run's staging folder, and an output folder this run made but left empty."""
        import shutil

        shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.made_out_dir and self.out_dir.is_dir() and not any(self.out_dir.iterdir()):
            self.out_dir.rmdir()


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a config file, or a ConfigError naming the file and line."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
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


def build(out_dir: Path, settings: Any | None = None, run_id: str = "run") -> Adapters:
    """Settings -> database engine, mail transport, policies.

    Files of the run are made in a staging folder inside `out_dir` and moved in at
    the end, so that a run that fails leaves the output folder as it was.
    """
    from dunwell.connectors.mail import FileOutbox, SmtpTransport
    from dunwell.connectors.settings import load_settings
    from dunwell.connectors.storage import open_db
    from dunwell.dunning import load_policy
    from dunwell.matching import MatchPolicy

    settings = settings or load_settings()
    out_dir = Path(out_dir)
    if settings.smtp_host:
        transport: Any = SmtpTransport.from_settings(settings)
    else:
        outbox = Path(settings.outbox_dir) if settings.outbox_dir else out_dir / "outbox"
        transport = FileOutbox(outbox)
    dunning_policy = load_policy(read_yaml(settings.dunning_policy_path))
    match_policy = MatchPolicy(**(settings.matching or {}))
    templates = Path(settings.templates_dir)
    made_out_dir = not out_dir.exists()
    engine = open_db(settings.database_url)
    work_dir = out_dir / f".staging-{run_id[:8]}"
    work_dir.mkdir(parents=True, exist_ok=True)
    return Adapters(settings, engine, transport, match_policy, dunning_policy, templates,
                    out_dir, work_dir, made_out_dir)
