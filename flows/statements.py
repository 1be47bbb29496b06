"""The hourly statement pull: import every new file from the bank's drop folder, exactly once.

1. List statement files in the inbox folder.
2. Read each (any supported format); a bad file is moved to `rejected/` with a note.
3. Record each import: the same file twice, or overlapping statements, add each
   transaction once; the counts say how many were new, known or rejected.
4. Move imported files to `processed/`.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.engine import Engine

from dunwell.connectors import storage
from dunwell.connectors.root import build
from dunwell.connectors.sources.inputs import read_bank
from dunwell.errors import InputError, InputErrors
from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import LOCK_WAIT_SECONDS
from dunwell.tasks.common import retry_unless_user_error
from dunwell.tasks.persist import bank_records

SUFFIXES = {".sta", ".txt", ".mt940", ".940", ".xml", ".camt", ".ofx", ".qfx", ".bai", ".bai2",
            ".csv", ".swi"}


@task(name="list statement files", retries=3, retry_delay_seconds=[2, 10, 30],
      cache_policy=NO_CACHE)
def list_inbox(inbox: Path) -> list[Path]:
    """Statement files waiting in the drop folder (a network share may be flaky: retried)."""
    return sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


@task(name="import statement", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE,
      retry_condition_fn=retry_unless_user_error)
def import_statement(path: Path, engine: Engine) -> dict[str, int]:
    """Read one file and record its transactions exactly once."""
    bank = read_bank(path)
    with storage.transaction(engine) as session:
        outcome = storage.record_statement_import(
            session, path.name, bank.sha256, bank.format, bank_records(bank.transactions))
    return {"new": outcome.new, "known": outcome.known, "rejected": outcome.rejected}


def _move(path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), folder / path.name)


@flow(name="dunwell-statements", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def pull_statements(inbox: str = "inbox", out: str = "out") -> dict[str, int]:
    """Import what the bank dropped since the last pull."""
    logger = get_run_logger()
    adapters = build(Path(out), run_id=uuid.uuid4().hex)
    folder = Path(inbox)
    totals = {"files": 0, "new": 0, "known": 0, "rejected": 0, "bad_files": 0}
    lock = f"statements-{uuid.uuid5(uuid.NAMESPACE_URL, str(folder.resolve()))}"
    adapters.discard_work()
    with storage.run_lock(adapters.engine, lock, wait_seconds=LOCK_WAIT_SECONDS):
        for path in list_inbox(folder):
            try:
                counts = import_statement(path, adapters.engine)
            except (InputError, InputErrors) as exc:
                logger.warning("rejected %s: %s", path.name, str(exc).splitlines()[0])
                _move(path, folder / "rejected")
                totals["bad_files"] += 1
                continue
            _move(path, folder / "processed")
            totals["files"] += 1
            for key, value in counts.items():
                totals[key] += value
    logger.info("statements: %s", totals)
    return totals
