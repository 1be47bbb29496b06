"""Runs: their record (start, finish, summary), their lock, and the rows they quarantined.

`run_lock` keeps two runs of the same work apart: a PostgreSQL advisory lock,
or on SQLite a row in `run_locks` naming the owning process (taken over when
that process is gone). Either way the row says who holds the lock and since
when, for the run that waits.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import dialect_insert, insert_rows, json_safe
from dunwell.connectors.storage.engine import transaction
from dunwell.connectors.storage.models import QuarantineRow, Run, RunLock, table_of, utcnow
from dunwell.connectors.storage.outbox import abandon_sending
from dunwell.errors import ConcurrentRunError

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled")
RUN_LOCK = "dunwell-run"
"""The lock every run that books or sends holds: one such run at a time per database."""
STALE_LOCK_SECONDS = 6 * 3600.0  # a lock from another host this old is a run that died


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


@dataclass(frozen=True)
class Recovered:
    """What runs that died left behind, made safe: their records closed as failed, and
    how many messages they were sending are now `unknown` (for a person, never resent)."""

    closed: tuple[str, ...] = ()
    unknown: int = 0

    def __bool__(self) -> bool:
        return bool(self.closed or self.unknown)

    def __str__(self) -> str:
        return (f"an earlier run stopped before finishing: {len(self.closed)} run record(s) "
                f"closed as failed, {self.unknown} message(s) it was sending marked unknown "
                "for a person")


def recover_stopped(engine: Engine) -> Recovered:
    """Make safe what runs that died left behind. Call it holding `RUN_LOCK`: then no other
    run is alive, and a run still `running` or a message still `sending` is a dead one's."""
    with transaction(engine) as session:
        closed = close_stale_runs(session)
    return Recovered(tuple(closed), abandon_sending(engine))


def recover_when_idle(engine: Engine) -> Recovered | None:
    """`recover_stopped` when no run is alive, as a person's look at the outbox does: right
    after a crash, what the dead run was sending shows as unknown at once, not only after
    the next run. None while a run holds the lock (its `sending` rows are in flight)."""
    try:
        with run_lock(engine, RUN_LOCK):
            return recover_stopped(engine)
    except ConcurrentRunError:
        return None


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
    return insert_rows(session, table_of(QuarantineRow), {n: [r[n] for r in rows] for n in rows[0]})


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a run lock: host, process id (with its start time) and since when."""

    owner: str
    since: datetime | None

    def __str__(self) -> str:
        host, pid = _parts(self.owner)[:2]
        when = self.since.isoformat(timespec="seconds") if self.since else "an unknown time"
        return f"process {pid} on {host}, since {when}"


OnWait = Callable[[LockHolder | None], None]


def process_identity(pid: int | None = None) -> str:
    """`host:pid:start` of a process; `start` (clock ticks after boot, from /proc) tells a
    process from a later one that got the same pid. Empty start where /proc is missing."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def _started(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]  # field 22, after the command in parentheses


def _parts(owner: str) -> list[str]:
    return (owner.split(":") + ["", "", "", ""])[:4]


@contextmanager
def run_lock(engine: Engine, name: str, wait_seconds: float = 0.0, poll_seconds: float = 0.5,
             on_wait: OnWait | None = None, stale_seconds: float = STALE_LOCK_SECONDS
             ) -> Iterator[None]:
    """Hold the lock `name` for the block; ConcurrentRunError naming the holder if another
    run keeps it longer than `wait_seconds`. `on_wait` hears once who it is waiting for.

    A lock whose holder is gone is taken over: on PostgreSQL the server frees it with
    the holder's connection; on SQLite, when the holder ran on this host and its process
    (same pid and start time) is gone, or ran elsewhere and is older than `stale_seconds`.
    """
    owner = f"{process_identity()}:{uuid.uuid4().hex[:8]}"
    if engine.dialect.name == "postgresql":
        locker = _pg_lock(engine, name, owner, _Waiting(name, wait_seconds, poll_seconds, on_wait))
    else:
        waiting = _Waiting(name, wait_seconds, poll_seconds, on_wait)
        locker = _row_lock(engine, name, owner, waiting, stale_seconds)
    with locker:
        yield


@dataclass
class _Waiting:
    name: str
    seconds: float
    poll: float
    on_wait: OnWait | None
    told: bool = False

    def until(self, try_once: Callable[[], bool], holder: Callable[[], LockHolder | None]
              ) -> None:
        deadline = time.monotonic() + self.seconds
        while not try_once():
            who = holder()
            if time.monotonic() >= deadline:
                held = f" held by {who}" if who else ""
                raise ConcurrentRunError(
                    f"another run holds the lock {self.name!r}{held}; waited "
                    f"{self.seconds:.0f} s (setting lock_wait_seconds); try again later")
            if not self.told and self.on_wait is not None:
                self.on_wait(who)
                self.told = True
            time.sleep(self.poll)


def _holder(engine: Engine, name: str) -> LockHolder | None:
    with engine.connect() as connection:
        row = connection.execute(select(RunLock.owner, RunLock.acquired_at)
                                 .where(RunLock.name == name)).first()
    return LockHolder(row[0], row[1]) if row else None


def _note_holder(engine: Engine, name: str, owner: str) -> None:
    """On PostgreSQL the row only says who holds the advisory lock, for those who wait."""
    with engine.begin() as connection:
        connection.execute(delete(RunLock).where(RunLock.name == name))
        connection.execute(table_of(RunLock).insert().values(name=name, owner=owner,
                                                              acquired_at=utcnow()))


@contextmanager
def _pg_lock(engine: Engine, name: str, owner: str, waiting: _Waiting) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # advisory locks span the whole server: two dunwell schemas must not block each other
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        key = _advisory_key(f"{schema}:{name}")
        waiting.until(lambda: connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                                 {"k": key}).scalar_one(),
                      lambda: _holder(engine, name))
        try:
            _note_holder(engine, name, owner)
            yield
        finally:
            with engine.begin() as tidy:
                tidy.execute(delete(RunLock).where(RunLock.name == name, RunLock.owner == owner))
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextmanager
def _row_lock(engine: Engine, name: str, owner: str, waiting: _Waiting,
              stale_seconds: float) -> Iterator[None]:
    waiting.until(lambda: _take_row(engine, name, owner, stale_seconds),
                  lambda: _holder(engine, name))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(delete(RunLock).where(RunLock.name == name, RunLock.owner == owner))


def _take_row(engine: Engine, name: str, owner: str, stale_seconds: float) -> bool:
    """Insert the lock row, or take it over from a holder that is gone."""
    with engine.begin() as connection:
        statement = (dialect_insert(connection, RunLock.__table__)
                     .values(name=name, owner=owner, acquired_at=utcnow())
                     .on_conflict_do_nothing(index_elements=["name"]))
        if connection.execute(statement).rowcount == 1:
            return True
        row = connection.execute(select(RunLock.owner, RunLock.acquired_at)
                                 .where(RunLock.name == name)).first()
        if row is None or not _stale(LockHolder(row[0], row[1]), stale_seconds):
            return False
        return _steal(connection, name, row[0], owner)


def _steal(connection: Connection, name: str, held_by: str, owner: str) -> bool:
    taken = update(RunLock).where(RunLock.name == name, RunLock.owner == held_by)
    result = connection.execute(taken.values(owner=owner, acquired_at=utcnow()))
    return result.rowcount == 1


def _stale(holder: LockHolder, stale_seconds: float) -> bool:
    """True when the holder is surely gone: on this host, its process (pid and start time)
    no longer runs; elsewhere, the lock is older than `stale_seconds`."""
    host, pid, started = _parts(holder.owner)[:3]
    if host != socket.gethostname() or not pid.isdigit():
        age = (utcnow() - holder.since).total_seconds() if holder.since else 0.0
        return age > stale_seconds
    if not _alive(int(pid)):
        return True
    return started.isdigit() and _started(int(pid)) not in ("", started)  # the pid was reused


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
