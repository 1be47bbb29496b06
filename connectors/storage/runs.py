"""Runs: their record (start, finish, summary), their lock, and the rows they quarantined.

`run_lock` keeps two runs of the same work apart: a PostgreSQL advisory lock,
or on SQLite a row in `run_locks` naming the owning process (taken over when
that process is gone).
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import chunks, dialect_insert, json_safe
from dunwell.connectors.storage.models import QuarantineRow, Run, RunLock, utcnow
from dunwell.errors import ConcurrentRunError

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled")


def start_run(
    session: Session, kind: str, as_of: date | datetime | str | None = None,
    params: Mapping[str, Any] | None = None, *, run_id: str | None = None,
) -> str:
    """Record that a run started; returns its id (a new UUID unless one is given)."""
    run_id = run_id or str(uuid.uuid4())
    shown = as_of.isoformat() if isinstance(as_of, date | datetime) else as_of
    parameters = {str(k): json_safe(v) for k, v in (params or {}).items()}
    session.add(Run(id=run_id, kind=kind, as_of=shown, parameters=parameters, status="running"))
    session.flush()
    return run_id


def finish_run(
    session: Session, run_id: str, status: str, summary: Mapping[str, Any] | None = None
) -> None:
    """Record how a run ended (succeeded, failed, cancelled) and its summary."""
    if status not in RUN_STATUSES:
        raise ValueError(f"run status must be one of {RUN_STATUSES}, not {status!r}")
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"no run {run_id!r}")
    run.status, run.finished_at = status, utcnow()
    run.summary = {str(k): json_safe(v) for k, v in (summary or {}).items()}
    session.flush()


def close_stale_runs(session: Session, current: str | None = None) -> list[str]:
    """Runs still `running` that no process runs any more are closed as failed; their ids.

    Call it while holding the run lock: then no other run can be alive.
    """
    stale = session.execute(select(Run).where(Run.status == "running", Run.id != (current or ""))
                            ).scalars().all()
    for run in stale:
        run.status, run.finished_at = "failed", utcnow()
        run.summary = {**(run.summary or {}),
                       "notes": ["stopped before finishing; closed by the next run"]}
    session.flush()
    return [run.id for run in stale]


def save_quarantine(
    session: Session, run_id: str | None, frame: pd.DataFrame, dataset: str | None = None
) -> int:
    """Store rows held back by quality checks: dataset, line, reason and the row itself."""
    if frame.empty:
        return 0
    payload = [c for c in frame.columns if c not in ("dataset", "line", "reason")]
    rows = []
    for record in frame.to_dict("records"):
        line = json_safe(record.get("line"))
        rows.append({
            "run_id": run_id, "dataset": str(dataset or record.get("dataset") or "unknown"),
            "line": None if line is None else int(line),
            "reason": str(json_safe(record.get("reason")) or ""),
            "row": {str(c): json_safe(record[c]) for c in payload}, "created_at": utcnow(),
        })
    for chunk in chunks(rows):
        session.execute(QuarantineRow.__table__.insert(), list(chunk))
    return len(rows)


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def run_lock(engine: Engine, name: str, wait_seconds: float = 0.0,
             poll_seconds: float = 0.5) -> Iterator[None]:
    """Hold the lock `name` for the block; ConcurrentRunError if another run keeps it longer
    than `wait_seconds`."""
    locker = _pg_lock if engine.dialect.name == "postgresql" else _row_lock
    with locker(engine, name, wait_seconds, poll_seconds):
        yield


def _wait(try_once: Any, name: str, wait_seconds: float, poll_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while not try_once():
        if time.monotonic() >= deadline:
            raise ConcurrentRunError(f"another run holds the lock {name!r}; try again later")
        time.sleep(poll_seconds)


@contextmanager
def _pg_lock(engine: Engine, name: str, wait: float, poll: float) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # advisory locks span the whole server: two dunwell schemas must not block each other
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        key = _advisory_key(f"{schema}:{name}")
        _wait(lambda: connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                         {"k": key}).scalar_one(), name, wait, poll)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextmanager
def _row_lock(engine: Engine, name: str, wait: float, poll: float) -> Iterator[None]:
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _wait(lambda: _take_row(engine, name, owner), name, wait, poll)
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(delete(RunLock).where(RunLock.name == name, RunLock.owner == owner))


def _take_row(engine: Engine, name: str, owner: str) -> bool:
    """Insert the lock row, or take it over from a process on this host that has died."""
    with engine.begin() as connection:
        statement = (dialect_insert(connection, RunLock.__table__)
                     .values(name=name, owner=owner, acquired_at=utcnow())
                     .on_conflict_do_nothing(index_elements=["name"]))
        if connection.execute(statement).rowcount == 1:
            return True
        held_by = connection.execute(select(RunLock.owner).where(RunLock.name == name)).scalar()
        if held_by is None or _owner_alive(held_by):
            return False
        return _steal(connection, name, held_by, owner)


def _steal(connection: Connection, name: str, held_by: str, owner: str) -> bool:
    taken = update(RunLock).where(RunLock.name == name, RunLock.owner == held_by)
    result = connection.execute(taken.values(owner=owner, acquired_at=utcnow()))
    return result.rowcount == 1


def _owner_alive(owner: str) -> bool:
    """False only when the owner ran on this host and its process is gone."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
