"""A run's one transaction, held by a second process while this one matches.

A run records everything it learned in one transaction. At a million invoices,
storing the inputs (invoices, statement rows) takes about as long as matching
them, and neither needs the other: so a helper process opens the transaction,
stores the inputs while this process matches on the other core, then stores the
results it is sent and commits only when told to. It is still one transaction on
one connection: a run that fails or is killed anywhere leaves the database as it
was, because the helper rolls back when it is told to, when its input ends, or
when the process that started it is gone.

The helper runs the same storage steps as an in-process run (`record_inputs`,
`record_results`, below; `tasks.persist` calls them in-process): what is stored
does not depend on which process stored it.
"""

from __future__ import annotations

import atexit
import os
import pickle
import queue
import sys
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from dunwell.connectors import storage
from dunwell.connectors.children import as_helper, start_helper
from dunwell.errors import DunwellError, Unavailable

if TYPE_CHECKING:  # the parent imports this module where a run ends, so it stays light
    import pandas as pd
    from sqlalchemy.orm import Session

    from dunwell.connectors.sources.inputs import BankFile

_live: weakref.WeakSet[Recorder] = weakref.WeakSet()
YIELD_NICE = 10  # how far the thread storing the inputs steps back (see `_yielding`)


class RecordingFailed(Unavailable):
    """The helper could not record the run; nothing was stored (exit 1: not the input)."""


class Recorder:
    """The parent's end: send the run's parts, then `commit` (or `abandon`)."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self._process = start_helper("dunwell.connectors.storage.recorder", env)
        self.has_results = False
        self._commit_requested = False
        _live.add(self)
        self._send(("open", url))  # the URL (it may hold a password) by pipe, never by argv

    def inputs(self, *args: Any) -> None:
        """Store customers, invoices and statements (`record_inputs`)."""
        self._send(("inputs", args))

    def results(self, *args: Any) -> None:
        """Store the run and what it found (`record_results`)."""
        self._send(("results", tuple(compact(a) for a in args)))
        self.has_results = True

    def pending(self, frame: pd.DataFrame) -> None:
        """Store pending bookings (`storage.set_pending`), sent after the results they follow
        from."""
        self._send(("pending", (compact(frame),)))

    def request_commit(self) -> None:
        """Tell the helper to commit now, without waiting (`commit` waits): the run goes on
        with what can no longer fail it, while the helper commits (1M: 3 s)."""
        if self._commit_requested:
            return
        self._commit_requested = True
        self._send(("commit", None))
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except OSError:
            pass  # the helper is gone: it said why on its stdout, or nothing if it was killed

    def commit(self) -> list[Any]:
        """Commit, and return each step's result in the order sent; RecordingFailed (or the
        helper's own DunwellError) when anything went wrong: then nothing was stored."""
        self.request_commit()
        assert self._process.stdout is not None
        try:
            outcome, value = pickle.load(self._process.stdout)  # noqa: S301 - our helper
        except Exception:  # noqa: BLE001 - it died without a word
            outcome, value = "error", RecordingFailed(
                f"the recording process ended (exit {self._process.wait()}); nothing was stored")
        self._process.wait()
        _live.discard(self)
        if outcome == "ok" and isinstance(value, list):
            return value
        if isinstance(value, BaseException):
            raise value
        raise RecordingFailed(str(value))

    def abandon(self) -> None:
        """Roll back: the helper is stopped and its transaction never commits."""
        _live.discard(self)
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def _send(self, message: tuple[str, Any]) -> None:
        assert self._process.stdin is not None
        try:
            pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the helper failed: it said why on its stdout, which `commit` reads


def compact(value: Any) -> Any:
    """A frame whose text columns hold Python strings, with those columns as Arrow strings:
    the same values when read back, in a third of the memory and pickled as buffers (the
    helper's copy of 1M matches: 1.3 GB as objects). Anything else as it is."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        return value
    text = [name for name, column in value.items() if column.dtype == object
            and pd.api.types.infer_dtype(column, skipna=False) == "string"]
    return value.astype(dict.fromkeys(text, "str")) if text else value


@dataclass(frozen=True)
class ImportCounts:
    """Transactions new, already known or rejected; the message keys this run claimed."""

    new: int = 0
    known: int = 0
    rejected: int = 0
    claimed: frozenset[str] = frozenset()


def statement_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The transactions frame as `tasks.persist.bank_records` would store it (numbered 1, 2,
    ... in file order), without a record object per row: a million rows cost seconds so."""
    return frame.assign(line=range(1, len(frame) + 1))


def record_inputs(session: Session, customers: pd.DataFrame, invoices: pd.DataFrame,
                  bank_files: list[BankFile]) -> ImportCounts:
    """Customers, invoices and statement rows; the statements' new, known and rejected rows."""
    counts = ImportCounts()
    storage.upsert_customers(session, customers)
    storage.upsert_invoices(session, invoices)
    give_back_memory()  # the invoices' Python values, before the statements' are made
    for bank in bank_files:
        outcome = storage.record_statement_import(
            session, bank.path.name, bank.sha256, bank.format, statement_rows(bank.transactions))
        counts = ImportCounts(counts.new + outcome.new, counts.known + outcome.known,
                              counts.rejected + outcome.rejected)
    return counts


def record_results(session: Session, run_id: str, kind: str, as_of: datetime,
                   params: dict[str, Any], matches: pd.DataFrame, discrepancies: pd.DataFrame,
                   quarantine: pd.DataFrame | None, messages: list[Any] | None,
                   pending: pd.DataFrame | None) -> list[str]:
    """The run's record, what it matched and found, pending bookings and the outbox; returns
    the message keys this run claimed."""
    storage.start_run(session, kind, as_of.isoformat(), params, run_id=run_id)
    if pending is not None:
        storage.set_pending(session, pending)
    storage.save_reconciliation(session, run_id, matches, discrepancies)
    if quarantine is not None and len(quarantine):
        storage.save_quarantine(session, run_id, quarantine)
    return [m.key for m in messages or [] if storage.claim_message(session, m, run_id)]


def abandon_all() -> None:
    """Stop every recording this process started and did not commit (a run that failed)."""
    for recorder in list(_live):
        recorder.abandon()


atexit.register(abandon_all)


def serve(source: IO[bytes], sink: IO[bytes]) -> int:
    """As the helper: open the transaction, run each step sent, commit when told; on any
    failure (or input that ends first) roll back and tell the parent why.

    Python's cyclic garbage collector is off here: storing a million rows makes millions of
    tuples, none of them in a cycle, and it kept scanning them (4 s of 60 at 1M). What a
    step leaves behind is collected between steps (`give_back_memory`)."""
    import gc

    from sqlalchemy.orm import Session

    gc.disable()

    from dunwell.connectors.storage.engine import create_db_engine

    steps: dict[str, Callable[..., Any]] = {"inputs": record_inputs, "results": record_results,
                                            "pending": storage.set_pending}
    session: Session | None = None
    done: list[Any] = []
    messages = _read_ahead(source)
    try:
        while True:
            kind, payload = messages.get()
            if kind == "end":
                return 1  # the parent gave up: the transaction is rolled back
            if kind == "open":
                session = Session(create_db_engine(str(payload)), expire_on_commit=False)
                session.begin()
            elif kind == "commit" and session is not None:
                session.commit()
                _reply(sink, ("ok", done))
                return 0
            elif kind in steps and session is not None:
                step = steps[kind]
                done.append(_yielding(step, session, *payload) if kind == "inputs"
                            else step(session, *payload))
                del payload  # a million rows' frames: gone before the next step's arrive
                give_back_memory()
                if messages.empty():
                    sync_journal(session)
            else:
                raise RecordingFailed(f"unexpected message {kind!r}")
    except DunwellError as exc:
        _reply(sink, ("error", exc))
    except Exception as exc:  # noqa: BLE001 - any failure is told to the parent, which exits 1
        _reply(sink, ("error", RecordingFailed(f"recording the run failed ({type(exc).__name__}: "
                                               f"{exc}); nothing was stored")))
    finally:
        if session is not None:
            session.close()
    return 1


def _yielding(step: Callable[..., Any], *args: Any) -> Any:
    """`step(*args)` in a thread of lower priority (`YIELD_NICE`), its result or its error.

    The inputs are stored while the run matches; matching uses every core for a while
    (rapidfuzz), and the inputs are stored well before the results come: the run's own
    process goes first. The results are stored at normal priority (this thread): the run
    waits for them. Only the one thread is lowered, which needs no privilege.
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + YIELD_NICE)
        except (OSError, AttributeError):  # not Linux: the same work, at its usual priority
            pass
        try:
            outcome.append(("ok", step(*args)))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            outcome.append(("error", exc))

    # a daemon: a helper stopped meanwhile (Ctrl-C) ends without waiting for it
    worker = threading.Thread(target=run, name="recorder-inputs", daemon=True)
    worker.start()
    worker.join()
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


def sync_journal(session: Session) -> str | None:
    """While it waits for the parent, write what the open transaction put in SQLite's WAL
    file to disk; the path synced, or None (another database, or nothing to sync).

    Committing a large run copies the WAL into the database, after syncing both; the WAL's
    sync (1M: a gigabyte) then finds it written already. The parent is still staging its
    files then (1M: 2 s in which the helper has nothing else to do). Syncing only writes
    earlier what the commit writes anyway: the transaction stays open and uncommitted."""
    url = session.connection().engine.url
    database = url.database if url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    wal = f"{database}-wal"
    try:
        handle = os.open(wal, os.O_RDONLY)
    except OSError:  # no WAL file (not in WAL mode, or nothing written yet)
        return None
    try:
        os.fdatasync(handle)
    except OSError:  # a file system that cannot sync: the commit syncs as it always did
        return None
    finally:
        os.close(handle)
    return wal


def give_back_memory() -> None:
    """Hand memory that frames no longer use back to the system: Arrow's pool and glibc's
    heap both keep it for the process otherwise, so a run's processes together would hold
    more than the run needs."""
    import ctypes
    import gc

    gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused for the next step
        pass


def _read_ahead(source: IO[bytes]) -> queue.Queue[tuple[str, Any]]:
    """The parent's messages, read as they come while a step runs: the parent never waits
    for the inputs to be stored before it can hand over the results."""
    messages: queue.Queue[tuple[str, Any]] = queue.Queue()

    def read() -> None:
        while True:
            try:
                message = pickle.load(source)  # noqa: S301 - from the parent only
            except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # ValueError: closed
                messages.put(("end", None))
                return
            messages.put(message)
            # not kept while the next one is awaited: the inputs' frames (1M: 340 MB) would
            # live on until the results came, through the run's peak of memory
            del message

    threading.Thread(target=read, name="recorder-read", daemon=True).start()
    return messages


def _reply(sink: IO[bytes], message: tuple[str, Any]) -> None:
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)  # noqa: S301 - an exception the parent could not rebuild ...
    except Exception:  # noqa: BLE001 - ... is told as text
        data = pickle.dumps(("error", f"{message[1]}"))
    sink.write(data)
    sink.flush()


if __name__ == "__main__":  # the helper process
    as_helper(1)  # the transaction uncommitted when the run is gone
    # through the module by its name, so that what it pickles (RecordingFailed) the parent
    # can unpickle: this file runs as __main__ here
    from dunwell.connectors.storage import recorder

    sys.exit(recorder.serve(sys.stdin.buffer, sys.stdout.buffer))
