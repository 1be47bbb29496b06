"""Parts of the recording helper (connectors/storage/recorder.py).

It stores a run's inputs in a thread that steps back for the run's own process
(`_yielding`): lower priority for that thread only, the step's result or its error
handed back as if it had run in the caller's thread. It reads the parent's messages
ahead (`_read_ahead`) and keeps none of them once handed on."""

from __future__ import annotations

import gc
import os
import pickle
import threading
import time
import weakref

import pytest

from dunwell.connectors.storage import recorder


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_inputs_step_runs_at_lower_priority_and_the_caller_keeps_its_own() -> None:
    before = _priority()

    seen = recorder._yielding(lambda start: (start, _priority()), "inputs")

    assert seen == ("inputs", min(before + recorder.YIELD_NICE, 19))
    assert _priority() == before


def test_an_error_in_the_inputs_step_is_raised_in_the_caller() -> None:
    def broken() -> None:
        raise ValueError("no such table: invoices")

    with pytest.raises(ValueError, match="no such table"):
        recorder._yielding(broken)


class Rows:
    """Stands for a message's frames: weakly referable, unpickled as a new object."""


def test_a_message_read_ahead_is_not_kept_once_handed_on() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as source, os.fdopen(write_end, "wb") as sink:
        pickle.dump(("inputs", (Rows(),)), sink)
        sink.flush()  # and the pipe stays open: the reader waits for the next message
        messages = recorder._read_ahead(source)
        kind, payload = messages.get(timeout=10)
        rows = weakref.ref(payload[0])
        del payload
        deadline = time.monotonic() + 5  # the reader lets go just after handing it on
        while rows() is not None and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.01)

        assert kind == "inputs"
        assert rows() is None, "the reading thread still holds the last message"


def test_the_open_transactions_wal_is_synced_while_waiting_and_stays_uncommitted(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from dunwell.connectors.storage.engine import create_db_engine

    database = tmp_path / "run.db"
    synced: list[str] = []
    real_sync = os.fdatasync
    monkeypatch.setattr(recorder.os, "fdatasync", lambda fd: synced.append(
        os.readlink(f"/proc/self/fd/{fd}")) or real_sync(fd))
    session = Session(create_db_engine(f"sqlite:///{database}"))
    session.begin()
    session.execute(text("PRAGMA cache_size=16"))  # pages spill into the WAL before commit
    session.execute(text("CREATE TABLE rows (n INTEGER, note TEXT)"))
    session.execute(text("INSERT INTO rows VALUES (:n, :note)"),
                    [{"n": n, "note": "x" * 200} for n in range(20_000)])
    assert os.path.getsize(f"{database}-wal") > 1_000_000

    assert recorder.sync_journal(session) == f"{database}-wal"
    assert synced == [f"{database}-wal"]
    with sqlite3.connect(database) as other:  # still one uncommitted transaction
        assert other.execute("SELECT count(*) FROM sqlite_master WHERE name = 'rows'"
                             ).fetchone() == (0,)
    session.commit()
    with sqlite3.connect(database) as other:
        assert other.execute("SELECT count(*) FROM rows").fetchone() == (20_000,)
    session.close()


def test_no_wal_is_synced_for_a_database_in_memory() -> None:
    from sqlalchemy.orm import Session

    from dunwell.connectors.storage.engine import create_db_engine

    with Session(create_db_engine("sqlite://")) as session:
        assert recorder.sync_journal(session) is None


def test_input_closed_under_the_reader_ends_the_recording() -> None:
    read_end, write_end = os.pipe()
    os.close(write_end)
    source = os.fdopen(read_end, "rb")
    source.close()  # as a test closing its pipe leaves a reader still running

    assert recorder._read_ahead(source).get(timeout=10) == ("end", None)
